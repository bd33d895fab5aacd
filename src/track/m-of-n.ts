/**
 * M-of-N track confirmation: a tentative track is confirmed once it has been detected (associated with a
 * plot) in at least M of its last N opportunities (scans in which it could have been seen).
 *
 * The history is a bit mask, newest opportunity in bit 0, so a record is a shift and an OR and the hit count
 * is a popcount: no arrays, nothing allocated. The pure functions below work on the raw 32-bit history for
 * trackers that keep their tracks as struct-of-arrays; the {@link MOfN} class wraps them for one track.
 */
import { z } from 'zod';

/** Options: M hits required in the last N opportunities, 1 ≤ M ≤ N ≤ 32. */
export const MOfNOptions = z
  .object({
    m: z.number().int().min(1).describe('hits required in the window').default(2),
    n: z.number().int().min(1).max(32).describe('window length in opportunities (scans)').default(3),
  })
  .refine((o) => o.m <= o.n, { message: 'm must not exceed n' });
export type MOfNOptions = z.infer<typeof MOfNOptions>;

/** Number of set bits of a 32-bit integer (SWAR popcount). */
export function popcount32(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/** Mask of the low n bits (n ≤ 32). */
export function windowMask(n: number): number {
  return n >= 32 ? -1 : (1 << n) - 1;
}

/** History after one more opportunity (hit or miss), keeping the last n. */
export function recordHistory(history: number, hit: boolean, n: number): number {
  return ((history << 1) | (hit ? 1 : 0)) & windowMask(n);
}

/** Consecutive misses at the newest end of the history, saturating at n (bits before the first opportunity read as misses). */
export function trailingMisses(history: number, n: number): number {
  const h = history & windowMask(n);
  if (h === 0) return n;
  return 31 - Math.clz32(h & -h);
}

export class MOfN {
  readonly m: number;
  readonly n: number;
  private history = 0;
  private count = 0; // opportunities recorded so far (saturating at 2^31 is irrelevant)
  private latched = false;
  private run = 0;

  constructor(m: number, n: number) {
    const o = MOfNOptions.parse({ m, n });
    this.m = o.m;
    this.n = o.n;
  }

  /** Record one opportunity: true if the track was associated with a plot this scan. */
  record(hit: boolean): void {
    this.history = recordHistory(this.history, hit, this.n);
    this.count++;
    this.run = hit ? 0 : this.run + 1;
    if (!this.latched && popcount32(this.history) >= this.m) this.latched = true;
  }

  /** Hits within the last N opportunities. */
  get hits(): number {
    return popcount32(this.history);
  }

  /** Opportunities recorded since creation or reset. */
  get opportunities(): number {
    return this.count;
  }

  /** The current window holds at least M hits. */
  get satisfied(): boolean {
    return popcount32(this.history) >= this.m;
  }

  /** The track has met M-of-N at some point (latched: confirmation is not withdrawn by later misses). */
  get confirmed(): boolean {
    return this.latched;
  }

  /** Consecutive misses since the last hit (not limited to the window; used by deletion logic). */
  get missesInRow(): number {
    return this.run;
  }

  /** Raw history bits, newest in bit 0. */
  get bits(): number {
    return this.history;
  }

  reset(): void {
    this.history = 0;
    this.count = 0;
    this.latched = false;
    this.run = 0;
  }
}
