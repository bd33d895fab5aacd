/**
 * Kill assessment in simulation. In the live service a burst's outcome is what the sensors see afterwards
 * (the track ends, or persists and is engaged again); in simulation it is drawn, in two steps:
 *   1. was the burst aimed at anything? `interceptTruth` finds the truth object within the lethal radius of
 *      the aim point at the aim time (none: the filter's estimate was off, the burst went into empty sky);
 *   2. did it kill? `resolveBurst` draws a Bernoulli with the interceptor's per-burst kill probability.
 * The radius is the distance within which a burst aimed at a point counts as aimed at the object: the
 * dispersion of the stream of rounds plus the fuze/fragment reach (assumption [A]: 30 m).
 */
import type { Rng } from '../core/rng.js';
import type { EnuFrame } from '../geo/wgs84.js';
import type { TruthTarget } from '../sense/truth-target.js';

/** m: a burst aimed within this distance of an object counts as aimed at it [A] */
export const DEFAULT_LETHAL_RADIUS = 30;

/** True (a kill) with probability pk: one draw from the stream. */
export function resolveBurst(rng: Rng, pk: number): boolean {
  if (!(pk >= 0 && pk <= 1)) throw new RangeError(`resolveBurst: pk must be in [0, 1], got ${pk}`);
  return rng.uniform() < pk;
}

const S6 = new Float64Array(6);
const P3 = new Float64Array(3);

/**
 * The truth object nearest to the burst's aim point at UTC t, if it is within `lethalRadius` (m); undefined
 * otherwise. The point is ECEF (m), or site ENU when `frame` is given. Targets not in flight at t (already
 * killed, landed, not yet launched) are not candidates. Ties (equal distance) go to the first in the list.
 */
export function interceptTruth<T extends TruthTarget>(
  targets: readonly T[],
  t: number,
  point: ArrayLike<number>,
  lethalRadius = DEFAULT_LETHAL_RADIUS,
  frame?: EnuFrame,
): T | undefined {
  const p = P3;
  if (frame) frame.enuToEcef(point[0]!, point[1]!, point[2]!, p);
  else for (let i = 0; i < 3; i++) p[i] = point[i]!;
  let best: T | undefined;
  let bestD2 = lethalRadius * lethalRadius;
  for (const tgt of targets) {
    if (t < tgt.tStart || t > tgt.tEnd) continue;
    if (!tgt.stateAt(t, S6)) continue;
    const dx = S6[0]! - p[0]!;
    const dy = S6[1]! - p[1]!;
    const dz = S6[2]! - p[2]!;
    const d2 = dx * dx + dy * dy + dz * dz;
    if (d2 <= bestD2 && (best === undefined || d2 < bestD2)) {
      best = tgt;
      bestD2 = d2;
    }
  }
  return best;
}
