/**
 * The white-acceleration process noise shared by the filters on [position(3), velocity(3), …] states: over dt,
 * per axis, Q = q·[[dt³/3, dt²/2], [dt²/2, dt]] on (position, velocity).
 */

/** Adds Q(dt) for spectral density q to the n×n covariance P (row-major; position 0..2, velocity 3..5). */
export function addWhiteAcceleration(P: Float64Array, n: number, q: number, dt: number): void {
  const qpp = (q * dt * dt * dt) / 3;
  const qpv = (q * dt * dt) / 2;
  const qvv = q * dt;
  for (let i = 0; i < 3; i++) {
    P[i * n + i] = P[i * n + i]! + qpp;
    P[i * n + i + 3] = P[i * n + i + 3]! + qpv;
    P[(i + 3) * n + i] = P[(i + 3) * n + i]! + qpv;
    P[(i + 3) * n + i + 3] = P[(i + 3) * n + i + 3]! + qvv;
  }
}
