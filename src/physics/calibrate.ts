/**
 * Calibration of the catalogue's free parameters against published figures (run at development time; the
 * results are stored in catalogue.ts and checked by the tests):
 * - the form factor i (Cd = i·Cd_G7) so the maximum range matches the published one;
 * - a rocket's exhaust speed vₑ so its burnout speed matches the published one, gravity and drag losses
 *   included.
 * Both are monotone (more drag → less range; faster exhaust → faster burnout), so bisection is safe.
 */
import { type ThreatSpec } from './catalogue.js';
import { DEFAULT_LAUNCH, maxRange } from './range.js';
import { fly, type FlyOptions } from './trajectory.js';

/** Conditions of the published figures: ISA, no wind, launch and impact at the same height. */
export const CALIBRATION_OPTS: FlyOptions = { terrainAlt: DEFAULT_LAUNCH.alt };

function bisect(f: (x: number) => number, lo: number, hi: number, tol: number): number {
  let flo = f(lo);
  for (let i = 0; i < 100 && hi - lo > tol; i++) {
    const mid = 0.5 * (lo + hi);
    const fm = f(mid);
    if (fm > 0 === flo > 0) {
      lo = mid;
      flo = fm;
    } else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/** Form factor that makes the maximum range over the spec's elevation limits equal targetMaxRange (m). */
export function calibrateFormFactor(spec: ThreatSpec, targetMaxRange: number, opts: FlyOptions = CALIBRATION_OPTS, lo = 0.2, hi = 5): number {
  return bisect((ff) => maxRange({ ...spec, formFactor: ff }, opts, DEFAULT_LAUNCH, 0, undefined, undefined, 0.05).rangeM - targetMaxRange, lo, hi, 1e-4);
}

/** Exhaust speed (m/s) that gives targetBurnoutSpeed (m/s) at `elevationDeg`. */
export function calibrateExhaustSpeed(
  spec: ThreatSpec, targetBurnoutSpeed: number, elevationDeg = 45, opts: FlyOptions = CALIBRATION_OPTS, lo = 500, hi = 5000,
): number {
  return bisect(
    (ve) => fly({ ...spec, exhaustSpeed: ve }, DEFAULT_LAUNCH, 0, elevationDeg, { ...opts, sampleDt: 1 }).burnout!.speed - targetBurnoutSpeed,
    lo, hi, 1e-3,
  );
}
