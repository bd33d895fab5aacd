/**
 * ASTERIX CAT062 (SDPS system track data, EUROCONTROL spec v1.1x–1.19 UAP): the tracks tocsin publishes.
 * Written per track: I062/010 SAC/SIC, I062/015 service id, I062/070 time of track information,
 * I062/105 WGS-84 position, I062/185 Cartesian velocity (Vx east, Vy north), I062/040 track number,
 * I062/080 track status, I062/130 geometric altitude, I062/220 rate of climb.
 * The decoder reads our own output back (round trips, replay checks); it is not a general CAT062 reader:
 * records with compound items (380, 290, 295, 390, 110, 500, 340) are refused as `unsupported-item`.
 */
import { packBlocks, walkDatagram, walkRecord, type BlockParse } from './block.js';
import { buildFspec } from './fspec.js';
import { countReject, type RejectCounter } from './rejects.js';
import { resolveTimeOfDay, todCode128 } from './time.js';

export const CAT062 = 62;
const FT = 0.3048;
/** I062/105 LSB, degrees */
export const LATLON_LSB_DEG = 180 / 2 ** 25;
/** I062/185 LSB, m/s */
export const VEL_LSB = 0.25;
/** I062/130 LSB, m */
export const ALT_LSB = 6.25 * FT;
/** I062/220 LSB, m/s (6.25 ft/min) */
export const ROC_LSB = (6.25 * FT) / 60;

export interface SystemTrack {
  /** time of track information, UTC seconds */
  time: number;
  trackNumber: number;
  /** WGS-84 degrees */
  lat: number;
  lon: number;
  /** geometric altitude, m (WGS-84 ellipsoid, as everywhere in tocsin) */
  altM: number;
  /** velocity, m/s */
  vEast: number;
  vNorth: number;
  vUp: number;
  /** confirmed (true) or tentative track */
  confirmed: boolean;
  sac: number;
  sic: number;
  serviceId: number;
  /** I062/080 flags beyond the first octet; absent = false */
  monosensor?: boolean;
  simulated?: boolean;
  /** last message of the track (TSE) */
  ended?: boolean;
  /** first message of the track (TSB) */
  started?: boolean;
  /** predicted without a fresh plot (CST, in the fourth octet) */
  coasting?: boolean;
}

// UAP FRNs
const F010 = 1;
const F015 = 3;
const F070 = 4;
const F105 = 5;
const F185 = 7;
const F040 = 12;
const F080 = 13;
const F130 = 18;
const F220 = 20;
const FSPEC = buildFspec([F010, F015, F070, F105, F185, F040, F080, F130, F220]);
/** FSPEC 3 + 2 + 1 + 3 + 8 + 4 + 2 + 080 (≤ 4) + 2 + 2 */
const MAX_RECORD = 31;

function int(field: string, v: number, lo: number, hi: number, track: SystemTrack): number {
  const x = Math.round(v);
  if (!(x >= lo && x <= hi)) throw new RangeError(`CAT062 ${field}: ${v} outside the field's span (track ${track.trackNumber})`);
  return x;
}

/** I062/080 octets: octet 1 always; 2 (SIM TSE TSB), 3 (empty) and 4 (CST) only as far as needed, FX linking them. */
function trackStatus(t: SystemTrack, out: Uint8Array, p: number): number {
  // MON | SPI=0 | MRH=1 (geometric height more reliable) | SRC=2 (3D radar) | CNF (0 = confirmed)
  const o1 = (t.monosensor ? 0x80 : 0) | 0x20 | (2 << 2) | (t.confirmed ? 0 : 0x02);
  const o2 = (t.simulated ? 0x80 : 0) | (t.ended ? 0x40 : 0) | (t.started ? 0x20 : 0);
  const o4 = t.coasting ? 0x80 : 0;
  const n = o4 ? 4 : o2 ? 2 : 1;
  out[p] = o1 | (n > 1 ? 1 : 0);
  if (n > 1) out[p + 1] = o2 | (n > 2 ? 1 : 0);
  if (n > 2) {
    out[p + 2] = 0x01; // AMA, MD4, ME, MI, MD5 all 0
    out[p + 3] = o4;
  }
  return p + n;
}

/** Writes one CAT062 record at out[pos…] (room for 31 bytes needed); returns the end. Throws RangeError on values no field can carry. */
export function encodeCat062Record(t: SystemTrack, out: Uint8Array, pos: number): number {
  const sac = int('I062/010 SAC', t.sac, 0, 255, t);
  const sic = int('I062/010 SIC', t.sic, 0, 255, t);
  const lat = int('I062/105 latitude', t.lat / LATLON_LSB_DEG, -(2 ** 24), 2 ** 24, t);
  let lonDeg = t.lon;
  if (lonDeg >= 180) lonDeg -= 360;
  // ±180° is ±2^25 LSB (32-bit field): +180° is written as −180°
  let lon = int('I062/105 longitude', lonDeg / LATLON_LSB_DEG, -(2 ** 25), 2 ** 25, t);
  if (lon === 2 ** 25) lon = -(2 ** 25);
  const vx = int('I062/185 Vx', t.vEast / VEL_LSB, -32768, 32767, t);
  const vy = int('I062/185 Vy', t.vNorth / VEL_LSB, -32768, 32767, t);
  const alt = int('I062/130 altitude', t.altM / ALT_LSB, -32768, 32767, t);
  const roc = int('I062/220 rate of climb', t.vUp / ROC_LSB, -32768, 32767, t);
  out.set(FSPEC, pos);
  let p = pos + FSPEC.length;
  out[p++] = sac;
  out[p++] = sic;
  out[p++] = int('I062/015 service id', t.serviceId, 0, 255, t);
  const tod = todCode128(t.time);
  p = be(out, p, tod, 3);
  p = be(out, p, lat, 4);
  p = be(out, p, lon, 4);
  p = be(out, p, vx, 2);
  p = be(out, p, vy, 2);
  p = be(out, p, int('I062/040 track number', t.trackNumber, 0, 65535, t), 2);
  p = trackStatus(t, out, p);
  p = be(out, p, alt, 2);
  return be(out, p, roc, 2);
}

/** Big-endian two's complement of integer x in n octets at out[p…]; returns the end. */
function be(out: Uint8Array, p: number, x: number, n: number): number {
  for (let i = n - 1; i >= 0; i--) {
    out[p + i] = x & 0xff;
    x >>= 8;
  }
  return p + n;
}

/** Encodes system tracks into CAT062 data blocks, one per datagram, each at most `maxBytes` (default 1472). */
export function encodeCat062(tracks: readonly SystemTrack[], opts: { maxBytes?: number } = {}): Uint8Array[] {
  const buf = new Uint8Array(tracks.length * MAX_RECORD);
  const bounds = [0];
  let p = 0;
  for (const t of tracks) bounds.push((p = encodeCat062Record(t, buf, p)));
  return packBlocks(CAT062, buf, bounds, opts.maxBytes ?? 1472);
}

/* ------------------------------------------------------------------------------------------------ decode */

const VAR = -1;
const VAR3 = -2; // I062/510: 3-octet units, FX in the last bit of each
const EXPL = -3;
// Compound items and spare FRNs: 0 (unsupported).
// prettier-ignore
const LEN062 = Int8Array.of(0,
  2, 0, 1, 3, 8, 6, 4,          // 010 spare 015 070 105 100 185
  2, 2, 7, 0, 2, VAR, 0,        // 210 060 245 380 040 080 290
  1, 0, 2, 2, 2, 2, 0,          // 200 295 136 130 135 220 390
  VAR, 1, 0, 2, VAR3, 0, 0,     // 270 300 110 120 510 500 340
  0, 0, 0, 0, 0, EXPL, EXPL);   // spare ×5, RE, SP

function itemLength(buf: Uint8Array, p: number, end: number, frn: number): number {
  const kind = frn < LEN062.length ? LEN062[frn]! : 0;
  if (kind > 0) return kind;
  if (kind === 0) return -2;
  if (p >= end) return -1;
  if (kind === EXPL) return buf[p]! >= 1 ? buf[p]! : -2;
  const unit = kind === VAR3 ? 3 : 1;
  for (let n = unit; p + n <= end; n += unit) if ((buf[p + n - 1]! & 1) === 0) return n;
  return -1;
}


/**
 * Decodes the CAT062 records of a datagram (as written by encodeCat062) into `out`; refusals are counted.
 * Records need I062/010, 070, 105 and 040; a missing velocity or altitude reads as NaN.
 */
export function decodeCat062Datagram(buf: Uint8Array, referenceTime: number, out: SystemTrack[], rejects: RejectCounter): number {
  const before = out.length;
  walkDatagram(buf, new Map([[CAT062, (b, view, start, end, st) => decodeRecords(b, view, start, end, st, referenceTime, out, rejects)]]), rejects);
  return out.length - before;
}


const emptyTrack = (): SystemTrack => ({ time: NaN, trackNumber: -1, lat: NaN, lon: NaN, altM: NaN, vEast: NaN, vNorth: NaN, vUp: NaN, confirmed: false, sac: -1, sic: -1, serviceId: -1 });

function decodeRecords(buf: Uint8Array, view: DataView, start: number, end: number, st: BlockParse, ref: number, out: SystemTrack[], rejects: RejectCounter): void {
  let t = emptyTrack();
  const visit = (frn: number, p: number, len: number): void => {
    switch (frn) {
      case F010:
        t.sac = buf[p]!;
        t.sic = buf[p + 1]!;
        break;
      case F015:
        t.serviceId = buf[p]!;
        break;
      case F070:
        t.time = (view.getUint16(p) * 256 + buf[p + 2]!) / 128;
        break;
      case F105:
        t.lat = view.getInt32(p) * LATLON_LSB_DEG;
        t.lon = view.getInt32(p + 4) * LATLON_LSB_DEG;
        break;
      case F185:
        t.vEast = view.getInt16(p) * VEL_LSB;
        t.vNorth = view.getInt16(p + 2) * VEL_LSB;
        break;
      case F040:
        t.trackNumber = view.getUint16(p);
        break;
      case F080:
        readTrackStatus(buf, p, len, t);
        break;
      case F130:
        t.altM = view.getInt16(p) * ALT_LSB;
        break;
      case F220:
        t.vUp = view.getInt16(p) * ROC_LSB;
        break;
    }
  };
  let r = start;
  while (r < end) {
    t = emptyTrack();
    const next = walkRecord(buf, r, end, st, itemLength, 'not read by this decoder', visit);
    if (next < 0) return;
    if (t.sac < 0 || Number.isNaN(t.time) || Number.isNaN(t.lat) || t.trackNumber < 0) {
      countReject(rejects, 'missing-item', `record at ${r}: needs I062/010, 070, 105 and 040`);
    } else if (t.time >= 86400 || Math.abs(t.lat) > 90) {
      countReject(rejects, 'bad-value', `record at ${r}: time of day ${t.time} s or latitude ${t.lat}° impossible`);
    } else {
      t.time = resolveTimeOfDay(t.time, ref);
      out.push(t);
    }
    r = next;
    st.goodEnd = r;
  }
}

function readTrackStatus(buf: Uint8Array, p: number, len: number, t: SystemTrack): void {
  const o1 = buf[p]!;
  t.monosensor = (o1 & 0x80) !== 0;
  t.confirmed = (o1 & 0x02) === 0;
  const o2 = len > 1 ? buf[p + 1]! : 0;
  t.simulated = (o2 & 0x80) !== 0;
  t.ended = (o2 & 0x40) !== 0;
  t.started = (o2 & 0x20) !== 0;
  t.coasting = len > 3 && (buf[p + 3]! & 0x80) !== 0;
}
