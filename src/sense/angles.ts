/** Angle wrapping shared by the radar model (radians). */

const TWO_PI = 2 * Math.PI;

/** a wrapped into [0, 2π). */
export function wrapTwoPi(a: number): number {
  const w = a - TWO_PI * Math.floor(a / TWO_PI);
  // a tiny negative a can round to exactly 2π: fold it back so the half-open range holds
  return w >= TWO_PI ? 0 : w;
}

/** a wrapped into [−π, π). */
export function wrapPi(a: number): number {
  return wrapTwoPi(a + Math.PI) - Math.PI;
}
