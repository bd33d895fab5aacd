/**
 * ASTERIX CAT048 resolutions: a simulated plot carries exactly what a real sensor could send, so the tracker
 * sees the same granularity whether it is fed by the simulator or by a decoded recording.
 * Elevation is not a CAT048 item: I048/110 carries the height of the measured point in 25 ft steps, and the
 * radar model converts the quantised height back to elevation (polar.ts).
 */
import { wrapTwoPi } from './angles.js';

/** international nautical mile, m */
export const NAUTICAL_MILE = 1852;
/** I048/040 RHO LSB: 1/256 NM */
export const RANGE_LSB = NAUTICAL_MILE / 256;
/** I048/040 THETA LSB: 360°/2^16, in radians */
export const AZ_LSB = (2 * Math.PI) / 65536;
/** I048/110 3D height LSB: 25 ft */
export const HEIGHT_LSB = 25 * 0.3048;
/** I048/120 CAL LSB: 1 m/s; CAL is a 10-bit two's complement field, so ±511 m/s is the usable span */
export const RANGE_RATE_LSB = 1;
export const RANGE_RATE_MAX = 511;

/** Slant range to the nearest 1/256 NM (never negative: RHO is unsigned). */
export function quantiseRange(r: number): number {
  return Math.max(0, Math.round(r / RANGE_LSB)) * RANGE_LSB;
}

/** Azimuth to the nearest 360°/2^16, in [0, 2π) (2^16 wraps to 0 as the 16-bit field does). */
export function quantiseAz(az: number): number {
  return (Math.round(wrapTwoPi(az) / AZ_LSB) % 65536) * AZ_LSB;
}

/** Height to the nearest 25 ft, in metres. */
export function quantiseHeight(h: number): number {
  return Math.round(h / HEIGHT_LSB) * HEIGHT_LSB;
}

/** Range rate to the nearest 1 m/s; NaN when outside the ±511 m/s span (the item is then omitted). */
export function quantiseRangeRate(v: number): number {
  const q = Math.round(v / RANGE_RATE_LSB) * RANGE_RATE_LSB;
  return Math.abs(q) > RANGE_RATE_MAX ? NaN : q + 0; // + 0 turns −0 into 0
}
