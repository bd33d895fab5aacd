/**
 * ASTERIX carries only the time of day (UTC seconds since midnight, LSB 1/128 s in I048/140 and I062/070);
 * the date comes from a reference clock (the wall clock live, the capture timestamp offline).
 */

export const DAY = 86400;

/** Seconds since the last UTC midnight of a UTC instant (Unix seconds, no leap seconds), in [0, 86400). */
export function timeOfDay(utc: number): number {
  const t = utc - Math.floor(utc / DAY) * DAY;
  return t >= DAY ? 0 : t;
}

/** Time of day of a UTC instant in 1/128 s, rounded, wrapped into the 24-bit field's day [0, 86400·128). */
export function todCode128(utc: number): number {
  const c = Math.round(timeOfDay(utc) * 128);
  return c >= DAY * 128 ? c - DAY * 128 : c;
}

/**
 * The absolute UTC time of a time of day: the instance nearest the reference (the day before, of, or after
 * it), so a plot stamped 23:59:59.9 that arrives just after midnight lands on the previous day, and one
 * stamped 00:00:00.1 received at 23:59:59.9 by a slightly slow clock lands on the next.
 */
export function resolveTimeOfDay(tod: number, referenceUtc: number): number {
  const t = Math.floor(referenceUtc / DAY) * DAY + tod;
  const d = t - referenceUtc;
  if (d > DAY / 2) return t - DAY;
  if (d < -DAY / 2) return t + DAY;
  return t;
}
