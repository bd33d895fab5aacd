/**
 * What the radar model samples: anything that flies (a threat from the physics, a drone, clutter-like birds).
 * The model only ever asks for the state at a time, so a truth can be an integrated trajectory, an
 * interpolated table or a closed form; the radar does not care which.
 */
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
}
