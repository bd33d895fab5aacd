/**
 * Cubic Hermite interpolation of a sampled flight: states stored as [x, y, z, vx, vy, vz] per sample (row-major,
 * 6 per sample); between samples i and i+1 (h seconds apart) the position is the cubic matching both
 * positions and velocities, the velocity its derivative. Exact for constant acceleration; used by the truth
 * trajectories (physics/trajectory.ts) and the engagement's predicted paths (engage/geometry.ts).
 */

/** State at fraction s ∈ [0, 1] of the interval [i, i+1] of `states` into out (6). h ≤ 0: the sample i. */
export function hermiteState(states: ArrayLike<number>, i: number, s: number, h: number, out: Float64Array): void {
  const o0 = 6 * i;
  const o1 = o0 + 6;
  const s2 = s * s;
  const s3 = s2 * s;
  const h00 = 2 * s3 - 3 * s2 + 1;
  const h10 = s3 - 2 * s2 + s;
  const h01 = -2 * s3 + 3 * s2;
  const h11 = s3 - s2;
  const d00 = 6 * s2 - 6 * s;
  const d10 = 3 * s2 - 4 * s + 1;
  const d11 = 3 * s2 - 2 * s;
  for (let j = 0; j < 3; j++) {
    const p0 = states[o0 + j]!;
    const v0 = states[o0 + j + 3]!;
    const p1 = states[o1 + j]!;
    const v1 = states[o1 + j + 3]!;
    out[j] = h00 * p0 + h10 * h * v0 + h01 * p1 + h11 * h * v1;
    out[j + 3] = h > 0 ? (d00 * (p0 - p1)) / h + d10 * v0 + d11 * v1 : v0;
  }
}
