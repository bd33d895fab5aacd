/**
 * ASTERIX CAT034 (monoradar service messages, EUROCONTROL spec v1.27–1.29 UAP): the north marker and the
 * sector crossing message, which tell a receiver the antenna has passed north / a sector boundary at a time.
 * A radar sends them whether or not the sector held a plot, so the receiver knows that every plot measured
 * before that time has been sent — what lets the service release the other radars' plots without waiting for
 * a radar that has nothing to say (src/service/ingest.ts).
 *
 * Written per message: I034/010 SAC/SIC, I034/000 message type, I034/030 time of day, I034/020 sector number
 * (sector crossing only). Read: those; every other CAT034 item is skipped by its length. Message types other
 * than 1 (north marker) and 2 (sector crossing) — geographical filtering, jamming strobes, solar storm — are
 * valid and read, but carry nothing the engine uses. Conventions in docs/asterix.md.
 */
import { walkRecord, type BlockParse, type ItemLength } from './block.js';
import { buildFspec } from './fspec.js';
import { countReject, type RejectCounter } from './rejects.js';
import { resolveTimeOfDay, todCode128 } from './time.js';
import { sensorKey, type SensorRef } from './cat048.js';

export const CAT034 = 34;
export const NORTH_MARKER = 1;
export const SECTOR_CROSSING = 2;
/** I034/000 values the spec defines (1 … 7) */
const LAST_MESSAGE_TYPE = 7;
/** I034/020 LSB, degrees */
export const SECTOR_LSB_DEG = 360 / 256;

const FRN_010 = 1;
const FRN_000 = 2;
const FRN_030 = 3;
const FRN_020 = 4;

/** A service message as read: its sensor, type, UTC time and (sector crossing) the sector's azimuth. */
export interface ServiceMessage {
  sensorId: string;
  sac: number;
  sic: number;
  /** I034/000: 1 north marker, 2 sector crossing, 3 … 7 other service messages */
  type: number;
  /** UTC s: the antenna's crossing time (I034/030 with the date of the reference clock) */
  t: number;
  /** degrees clockwise from north: the azimuth of the sector boundary crossed (I034/020), sector crossings only */
  sectorDeg?: number;
}

/**
 * One CAT034 data block holding one record: a north marker (`sectorDeg` undefined) or a sector crossing at
 * `sectorDeg` (rounded to the item's 360/256° LSB), at UTC time `t`.
 */
export function encodeCat034(sac: number, sic: number, t: number, sectorDeg?: number): Uint8Array {
  const sector = sectorDeg !== undefined;
  const fspec = buildFspec(sector ? [FRN_010, FRN_000, FRN_030, FRN_020] : [FRN_010, FRN_000, FRN_030]);
  const len = 3 + fspec.length + 2 + 1 + 3 + (sector ? 1 : 0);
  const b = new Uint8Array(len);
  b[0] = CAT034;
  b[1] = len >> 8;
  b[2] = len & 0xff;
  b.set(fspec, 3);
  let p = 3 + fspec.length;
  b[p++] = sac;
  b[p++] = sic;
  b[p++] = sector ? SECTOR_CROSSING : NORTH_MARKER;
  const tod = todCode128(t);
  b[p++] = tod >> 16;
  b[p++] = (tod >> 8) & 0xff;
  b[p++] = tod & 0xff;
  if (sector) {
    const a = ((sectorDeg % 360) + 360) % 360;
    b[p++] = Math.round(a / SECTOR_LSB_DEG) & 0xff;
  }
  return b;
}

/* ------------------------------------------------------------------------------------------------ decode */

const EXPL = -5; // explicit length (RE, SP)
const C050 = -6; // compound I034/050: COM 1, PSR 1, SSR 1, MDS 2
const C060 = -7; // compound I034/060: COM 1, PSR 1, SSR 1, MDS 1
const REP2 = -8; // repetition factor + 2-octet elements (I034/070)
// prettier-ignore
const LEN034 = Int8Array.of(0,
  2, 1, 3, 1, 2, C050, C060,      // 010 000 030 020 041 050 060
  REP2, 8, 1, 8, 2, EXPL, EXPL);  // 070 100 110 120 090 RE SP

/** Compound item length from its one primary octet (bits 8, 5, 4, 3 name the subfields; spares and FX unknown). */
function compoundLength(b: number, mds: number): number {
  if (b & 0x63) return -2; // a spare subfield bit or an extension no edition defines
  let n = 1;
  if (b & 0x80) n += 1; // COM
  if (b & 0x10) n += 1; // PSR
  if (b & 0x08) n += 1; // SSR
  if (b & 0x04) n += mds; // MDS
  return n;
}

const itemLength: ItemLength = (buf, p, end, frn) => {
  const kind = frn < LEN034.length ? LEN034[frn]! : 0;
  if (kind > 0) return kind;
  if (kind === 0) return -2;
  if (p >= end) return -1;
  switch (kind) {
    case EXPL:
      return buf[p]! >= 1 ? buf[p]! : -2;
    case C050:
      return compoundLength(buf[p]!, 2);
    case C060:
      return compoundLength(buf[p]!, 1);
    case REP2:
      return 1 + 2 * buf[p]!;
    default:
      return -2;
  }
};

/** What a CAT034 record decoder needs: the site's sensors and the reference clock for the date. */
export interface Cat034Context {
  sensors: ReadonlyMap<number, SensorRef>;
  referenceTime: number;
}

/**
 * Decodes the CAT034 records of one data block in buf[start, end) (a RecordsDecoder for walkDatagram) and
 * appends the accepted messages to `out`; record-level refusals are counted in `rejects`.
 */
export function decodeCat034Records(
  buf: Uint8Array,
  view: DataView,
  start: number,
  end: number,
  st: BlockParse,
  ctx: Cat034Context,
  out: ServiceMessage[],
  rejects: RejectCounter,
): void {
  let have = 0;
  let sac = 0;
  let sic = 0;
  let type = 0;
  let tod = 0;
  let sector = 0;
  const visit = (frn: number, p: number): void => {
    switch (frn) {
      case FRN_010:
        sac = buf[p]!;
        sic = buf[p + 1]!;
        have |= 1;
        break;
      case FRN_000:
        type = buf[p]!;
        have |= 2;
        break;
      case FRN_030:
        tod = (view.getUint16(p) * 256 + buf[p + 2]!) / 128;
        have |= 4;
        break;
      case FRN_020:
        sector = buf[p]!;
        have |= 8;
        break;
    }
  };
  let r = start;
  while (r < end) {
    have = sac = sic = type = tod = sector = 0;
    const next = walkRecord(buf, r, end, st, itemLength, 'of unknown length', visit);
    if (next < 0) return;
    accept(r);
    r = next;
    st.goodEnd = r;
  }

  function accept(at: number): void {
    // 010, 000 and 030 are mandatory in every message type; 020 in a sector crossing
    const need = type === SECTOR_CROSSING ? 15 : 7;
    if ((have & need) !== need) {
      const missing = [[1, '010'], [2, '000'], [4, '030'], [8, '020']].filter(([b]) => (need & (b as number)) && !(have & (b as number))).map(([, n]) => `I034/${n}`);
      return countReject(rejects, 'missing-item', `CAT034 record at ${at}: no ${missing.join(', ')}`);
    }
    const sensor = ctx.sensors.get(sensorKey(sac, sic));
    if (sensor === undefined) return countReject(rejects, 'unknown-sensor', `CAT034 record at ${at}: SAC/SIC ${sac}/${sic} not in the site`);
    if (type < 1 || type > LAST_MESSAGE_TYPE) return countReject(rejects, 'bad-value', `CAT034 record at ${at}: message type ${type} (1–${LAST_MESSAGE_TYPE} defined)`);
    if (tod >= 86400) return countReject(rejects, 'bad-value', `CAT034 record at ${at}: time of day ${tod} s ≥ 24 h`);
    const m: ServiceMessage = { sensorId: sensor.id, sac, sic, type, t: resolveTimeOfDay(tod, ctx.referenceTime) };
    if (type === SECTOR_CROSSING) m.sectorDeg = sector * SECTOR_LSB_DEG;
    out.push(m);
  }
}
