/**
 * ASTERIX data blocks: CAT (1 octet), LEN (2 octets, the whole block including these 3), then records.
 * Framing only — splitting a datagram into blocks (with resynchronisation after a bad LEN) and packing encoded
 * records into blocks under a size limit. The records themselves belong to the category modules.
 */
import { readFspec } from './fspec.js';
import { countReject, type RejectCounter, type RejectReason } from './rejects.js';

/** Outcome of decoding the records of one block, written by the category's record decoder. */
export interface BlockParse {
  /** true when the records filled [start, end) exactly */
  ok: boolean;
  /** end of the last record decoded whole (its successor is where the structure broke) */
  goodEnd: number;
  reason: RejectReason;
  message: string;
}

/**
 * Decodes the records of one block lying in buf[start, end) (end is the block end, or the datagram end if the
 * block's LEN runs past it). Must set `st`; record-level rejections (unknown sensor, bad value, …) it counts
 * itself — only a structural break (truncated, FSPEC overrun, unsupported item) goes into `st`.
 */
export type RecordsDecoder = (buf: Uint8Array, view: DataView, start: number, end: number, st: BlockParse) => void;

/** Marks the structure of a block broken at the record starting at `r`. */
export function breakBlock(st: BlockParse, r: number, reason: RejectReason, message: string): void {
  st.ok = false;
  st.goodEnd = r;
  st.reason = reason;
  st.message = message;
}

/** Length of the item `frn` at p: > 0, −1 when it runs past `end`, −2 when the category does not know it. */
export type ItemLength = (buf: Uint8Array, p: number, end: number, frn: number) => number;
/** Called for every item present in a record, in UAP order, with its offset and length. */
export type ItemVisitor = (frn: number, p: number, len: number) => void;

const fsOctets = new Uint8Array(8);

/**
 * Walks the record starting at r: reads its FSPEC, then calls `visit` for every item present. Returns the
 * offset just past the record, or −1 after marking the block broken (FSPEC past the end, an item of unknown
 * length — `unknownItem` completes that message —, an item past the end). Shared by every category decoder;
 * what an item means stays in the category module.
 */
export function walkRecord(buf: Uint8Array, r: number, end: number, st: BlockParse, itemLength: ItemLength, unknownItem: string, visit: ItemVisitor): number {
  const nfs = readFspec(buf, r, end, fsOctets);
  if (nfs < 0) {
    breakBlock(st, r, 'fspec-overrun', `record at ${r}: FSPEC runs past the block end (${end})`);
    return -1;
  }
  let p = r + nfs;
  for (let i = 0; i < nfs; i++) {
    const oct = i < fsOctets.length ? fsOctets[i]! : 0xff;
    for (let k = 0; k < 7; k++) {
      if ((oct & (0x80 >> k)) === 0) continue;
      const frn = i * 7 + k + 1;
      const len = itemLength(buf, p, end, frn);
      if (len === -2) {
        breakBlock(st, r, 'unsupported-item', `record at ${r}: FRN ${frn} ${unknownItem}`);
        return -1;
      }
      if (len < 0 || p + len > end) {
        breakBlock(st, r, 'truncated', `record at ${r}: FRN ${frn} runs past the block end (${end})`);
        return -1;
      }
      visit(frn, p, len);
      p += len;
    }
  }
  return p;
}

let strictScratch = new Uint8Array(0);

/**
 * strict[p] = 1 when the bytes from p to `end` parse as a chain of blocks (each LEN ≥ 3) ending exactly at
 * `end`. Computed backwards in one pass; it says where decoding may safely resume after a bad LEN.
 */
function strictChain(buf: Uint8Array, end: number): Uint8Array {
  if (strictScratch.length < end + 1) strictScratch = new Uint8Array(Math.max(end + 1, strictScratch.length * 2));
  const s = strictScratch;
  s[end] = 1;
  for (let p = end - 1; p >= 0; p--) {
    if (end - p < 3) {
      s[p] = 0;
      continue;
    }
    const len = (buf[p + 1]! << 8) | buf[p + 2]!;
    s[p] = len >= 3 && p + len <= end && s[p + len] === 1 ? 1 : 0;
  }
  return s;
}

/** True when the LEN chain from offset 0 lands exactly on the end: the normal, fast case. */
function chainExact(buf: Uint8Array): boolean {
  let o = 0;
  const end = buf.length;
  while (end - o >= 3) {
    const len = (buf[o + 1]! << 8) | buf[o + 2]!;
    if (len < 3) return false;
    o += len;
  }
  return o === end;
}

/**
 * Walks the data blocks of a datagram (or of a whole .ast file), handing each block of a category in
 * `decoders` to that category's decoder and counting everything refused. Resynchronisation rule, when the LEN
 * chain does not land exactly on the end:
 *  - a block is trusted if its records fill it exactly; a block whose records break is still trusted (its
 *    content is bad, counted with the record's reason) when the bytes after it parse as blocks to the end;
 *  - otherwise its LEN is wrong: the records decoded whole before the break are kept, one `bad-length` (or
 *    `truncated`, when the block simply runs off the end of the datagram) is counted, and decoding resumes at
 *    the first later offset holding a block of a decoded category from which the LEN chain lands exactly on
 *    the end;
 *  - a block of another category is skipped by its LEN (`unknown-category`) when the bytes after it are the
 *    end, a clean chain, or a block of a decoded category; otherwise it is handled like a bad LEN.
 */
export function walkDatagram(buf: Uint8Array, decoders: ReadonlyMap<number, RecordsDecoder>, rejects: RejectCounter): void {
  const end = buf.length;
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const exact = chainExact(buf);
  const strict = exact ? null : strictChain(buf, end);
  const isStrict = (p: number): boolean => p === end || strict === null || strict[p] === 1;
  const resync = (from: number): number => {
    if (strict === null) return end;
    for (let p = from; p < end; p++) if (strict[p] === 1 && decoders.has(buf[p]!)) return p;
    return end;
  };
  const st: BlockParse = { ok: true, goodEnd: 0, reason: 'truncated', message: '' };
  let o = 0;
  while (o < end) {
    if (end - o < 3) {
      countReject(rejects, 'truncated', `${end - o} byte(s) at offset ${o}: too short for a data block header`);
      return;
    }
    const cat = buf[o]!;
    const len = view.getUint16(o + 1);
    if (len < 3) {
      countReject(rejects, 'bad-length', `block at offset ${o}: LEN ${len} < 3`);
      o = resync(o + 1);
      continue;
    }
    const blockEnd = o + len;
    const within = blockEnd <= end;
    const decode = decoders.get(cat);
    if (decode === undefined) {
      if (within && (isStrict(blockEnd) || (blockEnd < end && decoders.has(buf[blockEnd]!)))) {
        countReject(rejects, 'unknown-category', `block at offset ${o}: CAT ${cat} (LEN ${len}) skipped`);
        o = blockEnd;
      } else {
        const p = resync(o + 1);
        countReject(rejects, within ? 'bad-length' : 'truncated', `block at offset ${o}: CAT ${cat} LEN ${len} runs ${within ? 'into garbage' : 'past the end'}; resumed at ${p}`);
        o = p;
      }
      continue;
    }
    st.ok = true;
    st.goodEnd = o + 3;
    decode(buf, view, o + 3, within ? blockEnd : end, st);
    if (st.ok && within) {
      o = blockEnd;
    } else if (within && isStrict(blockEnd)) {
      countReject(rejects, st.reason, `block at offset ${o}: ${st.message}`);
      o = blockEnd;
    } else {
      const p = resync(Math.max(st.goodEnd, o + 1));
      const reason: RejectReason = !within && p === end ? 'truncated' : 'bad-length';
      countReject(rejects, reason, `block at offset ${o}: LEN ${len} disagrees with its records${within ? '' : ` and runs past the datagram end (${end})`}; ${p === end ? 'rest dropped' : `resumed at ${p}`}`);
      o = p;
    }
  }
}

/**
 * Packs encoded records (each a byte range of `records`) into data blocks of `category` no longer than
 * `maxBytes`, one block per returned datagram.
 */
export function packBlocks(category: number, records: Uint8Array, bounds: readonly number[], maxBytes: number): Uint8Array[] {
  if (maxBytes > 65535) maxBytes = 65535;
  const out: Uint8Array[] = [];
  let i = 0;
  const n = bounds.length - 1;
  while (i < n) {
    const from = bounds[i]!;
    let j = i;
    while (j < n && 3 + bounds[j + 1]! - from <= maxBytes) j++;
    if (j === i) throw new RangeError(`one ASTERIX record (${bounds[i + 1]! - from} bytes) exceeds the ${maxBytes}-byte limit`);
    const to = bounds[j]!;
    const block = new Uint8Array(3 + to - from);
    block[0] = category;
    block[1] = block.length >> 8;
    block[2] = block.length & 0xff;
    block.set(records.subarray(from, to), 3);
    out.push(block);
    i = j;
  }
  return out;
}
