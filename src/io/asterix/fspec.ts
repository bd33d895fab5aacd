/**
 * The ASTERIX Field Specification: a bitmap of the items present in a record, 7 items per octet (bit 8 = the
 * first FRN of the octet), bit 1 (FX) set when another FSPEC octet follows.
 */

/** Bit mask of FRN `frn` (1-based) within its FSPEC octet. */
export function fspecBit(frn: number): number {
  return 0x80 >> ((frn - 1) % 7);
}

/** FSPEC octets for a set of FRNs (any order), FX set on every octet but the last. */
export function buildFspec(frns: readonly number[]): Uint8Array {
  let max = 0;
  for (const f of frns) if (f > max) max = f;
  const n = Math.max(1, Math.ceil(max / 7));
  const out = new Uint8Array(n);
  for (const f of frns) out[Math.floor((f - 1) / 7)]! |= fspecBit(f);
  for (let i = 0; i < n - 1; i++) out[i]! |= 1;
  return out;
}

/**
 * Reads the FSPEC starting at `pos` into `octets` (capacity octets.length; further octets are still walked
 * but not stored). Returns the number of FSPEC octets, or −1 when the FX chain runs to `end`.
 */
export function readFspec(buf: Uint8Array, pos: number, end: number, octets: Uint8Array): number {
  let n = 0;
  for (;;) {
    if (pos + n >= end) return -1;
    const b = buf[pos + n]!;
    if (n < octets.length) octets[n] = b;
    n++;
    if ((b & 1) === 0) return n;
  }
}
