/**
 * Why an ASTERIX decoder refused bytes: one fixed set of reason codes, counted per reason with the last message
 * kept, so the live service can expose them (`GET /api/metrics`) and an operator can see what a radar sends wrong.
 */

export const REJECT_REASONS = [
  /** bytes end before a data block header, record, FSPEC item or the block's own LEN */
  'truncated',
  /** a data block's LEN is impossible (< 3) or disagrees with its records and with the blocks after it */
  'bad-length',
  /** a data block of a category this decoder does not read (skipped whole by its LEN) */
  'unknown-category',
  /** the FSPEC's FX chain runs past the end of the block */
  'fspec-overrun',
  /** an FSPEC bit for an item whose length we cannot know (spare FRN, unknown compound subfield) */
  'unsupported-item',
  /** SAC/SIC not in the site's sensor list */
  'unknown-sensor',
  /** an impossible value: time of day ≥ 24 h, zero range, range beyond the sensor, height unreachable at the range */
  'bad-value',
  /** a record without an item the engine needs (CAT048: 010, 040, 140, and 110 unless 2D plots are allowed) */
  'missing-item',
] as const;

export type RejectReason = (typeof REJECT_REASONS)[number];

export interface RejectCounter {
  /** all rejections */
  total: number;
  counts: Record<RejectReason, number>;
  /** the last message seen for each reason */
  last: Partial<Record<RejectReason, string>>;
}

export function createRejectCounter(): RejectCounter {
  const counts = {} as Record<RejectReason, number>;
  for (const r of REJECT_REASONS) counts[r] = 0;
  return { total: 0, counts, last: {} };
}

export function countReject(c: RejectCounter, reason: RejectReason, message: string): void {
  c.total++;
  c.counts[reason]++;
  c.last[reason] = message;
}
