/** Helpers of the ballistic filter tests. */
import type { EnuFrame } from '../../src/geo/wgs84.js';
import { stateAt, type Trajectory } from '../../src/physics/trajectory.js';

/**
 * The true filter state along a flown trajectory: t (s) → [e, n, u, vE, vN, vU, κ] in the given frame, with a
 * fixed κ. Throws outside the flight.
 */
export function truthStateAt(traj: Trajectory, frame: EnuFrame, kappa: number): (t: number) => Float64Array {
  const s6 = new Float64Array(6);
  return (t) => {
    if (!stateAt(traj, t, s6)) throw new Error('outside flight');
    const p = frame.ecefToEnu(s6[0]!, s6[1]!, s6[2]!);
    const v = frame.vecEcefToEnu(s6[3]!, s6[4]!, s6[5]!);
    return Float64Array.of(p[0]!, p[1]!, p[2]!, v[0]!, v[1]!, v[2]!, kappa);
  };
}

/** Filter states [e, n, u, vE, vN, vU, κ] away from the Cd table knots (a difference across a knot would see two slopes). */
export const STATES_OFF_KNOTS: Float64Array[] = [
  [1200, -800, 1500, 150, 80, -60, 1e-3], // M ≈ 0.54
  [-3000, 2500, 900, 250, 60, 20, 9e-4], // M ≈ 0.76
  [5000, 4000, 4000, 420, -200, 150, 3.5e-4], // M ≈ 1.5 (supersonic)
  [20000, -15000, 12000, 600, 100, -300, 5e-4], // stratosphere
].map((s) => Float64Array.from(s));

/** Central finite-difference steps, one per state component. */
export const FD_STEPS: number[] = [0.5, 0.5, 0.5, 1e-3, 1e-3, 1e-3, 1e-7];
