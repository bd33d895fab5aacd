/**
 * What the radar model samples: anything that flies (a threat from the physics, a drone, clutter-like birds).
 * The model only ever asks for the state at a time, so a truth can be an integrated trajectory, an
 * interpolated table or a closed form; the radar does not care which.
 *
 * A target can be ended early (`killTarget`: an interception in simulation); the radar reads tEnd and
 * stateAt at every scan, so it stops seeing the target from then on.
 */
import { ecefToGeodetic } from '../geo/wgs84.js';

export interface TruthTarget {
  /** stable id: keys the target's random streams and becomes Plot.truthId */
  id: string;
  /** UTC seconds of the first and last instant the target exists (inclusive) */
  tStart: number;
  tEnd: number;
  /**
   * State at absolute UTC time t: writes ECEF x, y, z (m), vx, vy, vz (m/s) into out[0..5].
   * Returns false when the target is not in flight at t (out is then not read).
   */
  stateAt(t: number, out: Float64Array): boolean;
  /** set when the target was destroyed in flight (see killTarget) */
  killed?: TruthKill;
}

/** Where and when a target was destroyed in flight (simulation: an interception). */
export interface TruthKill {
  /** UTC s */
  t: number;
  /** ECEF position (m) and velocity (m/s) at t */
  state: Float64Array;
  /** degrees, m above the ellipsoid */
  lat: number;
  lon: number;
  alt: number;
  /** m/s */
  speed: number;
}

/**
 * Ends a target early, at UTC t (an interception): its tEnd becomes t and its stateAt answers false after t,
 * so radars stop seeing it; the kill point is recorded on it (`killed`). Returns the kill, or undefined (and
 * changes nothing) when the target is not in flight at t (not launched yet, already landed or killed).
 */
export function killTarget(target: TruthTarget, t: number): TruthKill | undefined {
  if (target.killed || !(t >= target.tStart && t <= target.tEnd)) return undefined;
  const state = new Float64Array(6);
  if (!target.stateAt(t, state)) return undefined;
  const g = ecefToGeodetic(state[0]!, state[1]!, state[2]!);
  const kill: TruthKill = { t, state, lat: g.lat, lon: g.lon, alt: g.alt, speed: Math.hypot(state[3]!, state[4]!, state[5]!) };
  const stateAt = target.stateAt.bind(target);
  target.stateAt = (tt: number, out: Float64Array): boolean => tt <= t && stateAt(tt, out);
  target.tEnd = t;
  target.killed = kill;
  return kill;
}
