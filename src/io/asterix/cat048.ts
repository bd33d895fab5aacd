/**
 * ASTERIX CAT048 (monoradar target reports, EUROCONTROL spec v1.2x–1.31 UAP) ↔ Plot.
 *
 * Written per plot: I048/010 SAC/SIC, I048/140 time of day, I048/020 TYP = 1 (single PSR detection: rockets
 * and mortar rounds carry no transponder, so a counter-battery radar only ever makes primary detections),
 * I048/040 polar position, I048/110 3D height, I048/120 CAL (range rate) when within ±511 m/s.
 * Read: the same items; every other CAT048 item is skipped by its length. Conventions in docs/asterix.md.
 */
import { EnuFrame } from '../../geo/wgs84.js';
import type { Plot } from '../../sense/plot.js';
import { elevationFromHeight, heightFromPolar } from '../../sense/polar.js';
import { packBlocks, walkDatagram, walkRecord, type BlockParse, type RecordsDecoder } from './block.js';
import { buildFspec } from './fspec.js';
import { countReject, type RejectCounter } from './rejects.js';
import { resolveTimeOfDay, todCode128 } from './time.js';

export const CAT048 = 48;
export const NM = 1852;
export const FT = 0.3048;
/** I048/040 ρ LSB, m */
export const RHO_LSB = NM / 256;
/** I048/040 θ LSB, rad */
export const THETA_LSB = (2 * Math.PI) / 65536;
/** I048/110 LSB, m */
export const HEIGHT_LSB = 25 * FT;
/** I048/120 CAL span, m/s (10-bit two's complement, LSB 1 m/s) */
export const CAL_MAX = 511;
/** Default datagram size limit: an Ethernet MTU minus IPv4 and UDP headers. */
export const DEFAULT_MAX_BYTES = 1472;

// FRNs of the items we write (UAP order)
const FRN_010 = 1;
const FRN_140 = 2;
const FRN_020 = 3;
const FRN_040 = 4;
const FRN_110 = 19;
const FRN_120 = 20;
const FSPEC_3D = buildFspec([FRN_010, FRN_140, FRN_020, FRN_040, FRN_110]);
const FSPEC_3D_CAL = buildFspec([FRN_010, FRN_140, FRN_020, FRN_040, FRN_110, FRN_120]);
/** TYP = 1 in bits 8–6; SIM, RDP, SPI, RAB = 0; no extension. */
const I020_SINGLE_PSR = 1 << 5;
/** Longest record we write: FSPEC 3 + 010 2 + 140 3 + 020 1 + 040 4 + 110 2 + 120 3. */
export const MAX_RECORD_BYTES = 18;

function fieldError(field: string, value: number, plot: Plot): RangeError {
  return new RangeError(`CAT048 ${field}: ${value} outside the field's span (plot of ${plot.sensorId} at t=${plot.t})`);
}

/**
 * Writes one CAT048 record for `plot` at out[pos…] (room for MAX_RECORD_BYTES needed) and returns the end.
 * `radar` is the sensor's ENU frame: I048/110 carries height, computed exactly through the ellipsoid.
 * Throws a RangeError when range or height cannot be represented (I048/120 is simply left out instead).
 */
export function encodeCat048Record(plot: Plot, radar: EnuFrame, out: Uint8Array, pos: number): number {
  const rho = Math.round(plot.range / RHO_LSB);
  if (!(rho >= 0 && rho <= 0xffff)) throw fieldError('I048/040 rho (m)', plot.range, plot);
  let theta = Math.round(plot.az / THETA_LSB) % 65536;
  if (theta < 0) theta += 65536;
  if (!Number.isFinite(theta)) throw fieldError('I048/040 theta (rad)', plot.az, plot);
  const h = Math.round(heightFromPolar(radar, plot.range, plot.az, plot.el) / HEIGHT_LSB);
  if (!(h >= -8192 && h <= 8191)) throw fieldError('I048/110 height (LSB)', h, plot);
  if (!(plot.sac >= 0 && plot.sac <= 255 && plot.sic >= 0 && plot.sic <= 255)) throw fieldError('I048/010 SAC/SIC', plot.sac, plot);
  const rr = plot.rangeRate;
  const cal = rr === undefined || !Number.isFinite(rr) ? NaN : Math.round(rr);
  const withCal = cal >= -CAL_MAX && cal <= CAL_MAX;
  const fs = withCal ? FSPEC_3D_CAL : FSPEC_3D;
  out[pos++] = fs[0]!;
  out[pos++] = fs[1]!;
  out[pos++] = fs[2]!;
  out[pos++] = plot.sac;
  out[pos++] = plot.sic;
  const tod = todCode128(plot.t);
  out[pos++] = tod >>> 16;
  out[pos++] = (tod >>> 8) & 0xff;
  out[pos++] = tod & 0xff;
  out[pos++] = I020_SINGLE_PSR;
  out[pos++] = rho >>> 8;
  out[pos++] = rho & 0xff;
  out[pos++] = theta >>> 8;
  out[pos++] = theta & 0xff;
  const h14 = h & 0x3fff; // two's complement in 14 bits, bits 16–15 spare (0)
  out[pos++] = h14 >>> 8;
  out[pos++] = h14 & 0xff;
  if (withCal) {
    out[pos++] = 0x80; // primary subfield: CAL present, RDS absent, no extension
    const c10 = cal & 0x3ff; // D = 0 (valid), bits 15–11 spare
    out[pos++] = c10 >>> 8;
    out[pos++] = c10 & 0xff;
  }
  return pos;
}

let encScratch = new Uint8Array(64 * MAX_RECORD_BYTES);

/**
 * Encodes plots of one sensor into CAT048 data blocks, one block per datagram, each at most `maxBytes` long
 * (default 1472: one Ethernet frame). Records keep the order of `plots`.
 */
export function encodeCat048(plots: readonly Plot[], radar: EnuFrame, opts: { maxBytes?: number } = {}): Uint8Array[] {
  const need = plots.length * MAX_RECORD_BYTES;
  if (encScratch.length < need) encScratch = new Uint8Array(Math.max(need, encScratch.length * 2));
  const bounds = new Array<number>(plots.length + 1);
  let pos = 0;
  bounds[0] = 0;
  for (let i = 0; i < plots.length; i++) {
    pos = encodeCat048Record(plots[i]!, radar, encScratch, pos);
    bounds[i + 1] = pos;
  }
  return packBlocks(CAT048, encScratch, bounds, opts.maxBytes ?? DEFAULT_MAX_BYTES);
}

/* ------------------------------------------------------------------------------------------------ decode */

export interface SensorRef {
  /** sensor id from the site file */
  id: string;
  /** the radar's ENU frame (its position): heights become elevations through it */
  frame: EnuFrame;
  /** plots beyond this slant range (m) are `bad-value`; absent: any range the field can carry */
  maxRange?: number;
}

/** Key of a sensor in `Cat048Context.sensors`. */
export function sensorKey(sac: number, sic: number): number {
  return (sac << 8) | sic;
}

/**
 * The sensor table of a site: SAC/SIC → sensor, each with its ENU frame. Throws a RangeError when two sensors
 * share a SAC/SIC (plots could not be told apart).
 */
export function sensorTable(
  sensors: readonly { id: string; sac: number; sic: number; lat: number; lon: number; alt: number; maxRange?: number }[],
): Map<number, SensorRef> {
  const map = new Map<number, SensorRef>();
  for (const s of sensors) {
    const key = sensorKey(s.sac, s.sic);
    const other = map.get(key);
    if (other) throw new RangeError(`sensors ${other.id} and ${s.id} share SAC/SIC ${s.sac}/${s.sic}`);
    const ref: SensorRef = { id: s.id, frame: new EnuFrame({ lat: s.lat, lon: s.lon, alt: s.alt }) };
    if (s.maxRange !== undefined) ref.maxRange = s.maxRange;
    map.set(key, ref);
  }
  return map;
}

export interface Cat048Context {
  /** sensors by sensorKey(sac, sic) */
  sensors: ReadonlyMap<number, SensorRef>;
  /** UTC seconds near the measurement (wall clock or capture time): supplies the date of I048/140 */
  referenceTime: number;
  /** accept plots without I048/110 (elevation NaN) instead of rejecting them as `missing-item` */
  allow2d?: boolean;
}

/** Kinds of CAT048 item lengths, by FRN (index 0 unused). >0: fixed length. */
const VAR = -1; // FX-extended octets
const REP8 = -2; // repetition factor + 8-octet elements (I048/250)
const C130 = -3; // compound I048/130
const C120 = -4; // compound I048/120
const EXPL = -5; // explicit length (SP, RE)
// prettier-ignore
const LEN048 = Int8Array.of(0,
  2, 3, VAR, 4, 2, 2, C130,        // 010 140 020 040 070 090 130
  3, 6, REP8, 2, 4, 4, VAR,        // 220 240 250 161 042 200 170
  4, VAR, 2, 4, 2, C120, 2,        // 210 030 080 100 110 120 230
  7, 1, 2, 1, 2, EXPL, EXPL);      // 260 055 050 065 060 SP RE

/** Length of the CAT048 item of FRN `frn` at buf[p…], −1 if it runs past `end`, −2 if it cannot be known. */
function itemLength(buf: Uint8Array, p: number, end: number, frn: number): number {
  const kind = frn < LEN048.length ? LEN048[frn]! : 0;
  if (kind > 0) return kind;
  if (kind === 0) return -2;
  if (p >= end) return -1;
  switch (kind) {
    case VAR: {
      let n = 0;
      while (p + n < end) if ((buf[p + n++]! & 1) === 0) return n;
      return -1;
    }
    case REP8:
      return 1 + 8 * buf[p]!;
    case EXPL:
      return buf[p]! >= 1 ? buf[p]! : -2;
    case C130: {
      const b = buf[p]!;
      if (b & 1) return -2; // a second primary octet names subfields no edition defines
      let n = 1;
      for (let bit = 0x80; bit > 1; bit >>= 1) if (b & bit) n++; // SRL SRR SAM PRL PAM RPD APD: 1 octet each
      return n;
    }
    case C120: {
      const b = buf[p]!;
      if (b & 0x3f) return -2; // spare bits or extension
      let n = 1;
      if (b & 0x80) n += 2; // CAL
      if (b & 0x40) {
        if (p + n >= end) return -1;
        n += 1 + 6 * buf[p + n]!; // RDS: REP × (DOP, AMB, FRQ)
      }
      return n;
    }
    default:
      return -2;
  }
}


/**
 * Decodes every CAT048 record of a UDP datagram (one or more data blocks; other categories are skipped and
 * counted) and appends the accepted plots to `out`. Never throws on bad bytes: each refusal is counted in
 * `rejects` with its reason. Returns the number of plots appended.
 */
export function decodeDatagram(buf: Uint8Array, ctx: Cat048Context, out: Plot[], rejects: RejectCounter): number {
  const before = out.length;
  walkDatagram(buf, new Map([[CAT048, cat048Decoder(ctx, out, rejects)]]), rejects);
  return out.length - before;
}

/** The CAT048 records decoder for walkDatagram: accepted plots to `out`, record-level refusals to `rejects`. */
export function cat048Decoder(ctx: Cat048Context, out: Plot[], rejects: RejectCounter): RecordsDecoder {
  return (b, view, start, end, st) => decodeRecords(b, view, start, end, st, ctx, out, rejects);
}

/** The items of one CAT048 record that a plot needs (raw field values), reset for every record. */
interface Record048 {
  /** bit per item read: 1 010, 2 140, 4 040, 8 110, 16 CAL */
  have: number;
  sac: number;
  sic: number;
  tod: number;
  rho: number;
  theta: number;
  h: number;
  cal: number;
}

function decodeRecords(buf: Uint8Array, view: DataView, start: number, end: number, st: BlockParse, ctx: Cat048Context, out: Plot[], rejects: RejectCounter): void {
  const rec: Record048 = { have: 0, sac: 0, sic: 0, tod: 0, rho: 0, theta: 0, h: 0, cal: 0 };
  const visit = (frn: number, p: number): void => {
    switch (frn) {
      case FRN_010:
        rec.sac = buf[p]!;
        rec.sic = buf[p + 1]!;
        rec.have |= 1;
        break;
      case FRN_140:
        rec.tod = (view.getUint16(p) * 256 + buf[p + 2]!) / 128;
        rec.have |= 2;
        break;
      case FRN_040:
        rec.rho = view.getUint16(p);
        rec.theta = view.getUint16(p + 2);
        rec.have |= 4;
        break;
      case FRN_110: {
        let h = view.getUint16(p) & 0x3fff;
        if (h & 0x2000) h -= 0x4000;
        rec.h = h;
        rec.have |= 8;
        break;
      }
      case FRN_120:
        if (buf[p]! & 0x80) {
          const w = view.getUint16(p + 1);
          // D = 1 marks the speed doubtful: keep the plot, drop the speed
          if ((w & 0x8000) === 0) {
            let cal = w & 0x3ff;
            if (cal & 0x200) cal -= 0x400;
            rec.cal = cal;
            rec.have |= 16;
          }
        }
        break;
    }
  };
  let r = start;
  while (r < end) {
    rec.have = rec.sac = rec.sic = rec.tod = rec.rho = rec.theta = rec.h = rec.cal = 0;
    const next = walkRecord(buf, r, end, st, itemLength, 'of unknown length', visit);
    if (next < 0) return;
    acceptRecord(r, rec, ctx, out, rejects);
    r = next;
    st.goodEnd = r;
  }
}

function acceptRecord(r: number, rec: Record048, ctx: Cat048Context, out: Plot[], rejects: RejectCounter): void {
  const { have, sac, sic, tod, rho, theta, h, cal } = rec;
  const need = ctx.allow2d ? 7 : 15;
  if ((have & need) !== need) {
    const missing = [[1, '010'], [2, '140'], [4, '040'], [8, '110']].filter(([b]) => (need & (b as number)) && !(have & (b as number))).map(([, n]) => `I048/${n}`);
    return countReject(rejects, 'missing-item', `record at ${r}: no ${missing.join(', ')}`);
  }
  const sensor = ctx.sensors.get(sensorKey(sac, sic));
  if (sensor === undefined) return countReject(rejects, 'unknown-sensor', `record at ${r}: SAC/SIC ${sac}/${sic} not in the site`);
  if (tod >= 86400) return countReject(rejects, 'bad-value', `record at ${r}: time of day ${tod} s ≥ 24 h`);
  const range = rho * RHO_LSB;
  if (rho === 0) return countReject(rejects, 'bad-value', `record at ${r}: zero range`);
  if (sensor.maxRange !== undefined && range > sensor.maxRange + RHO_LSB) {
    return countReject(rejects, 'bad-value', `record at ${r}: range ${range.toFixed(0)} m beyond ${sensor.id}'s ${sensor.maxRange} m`);
  }
  const az = theta * THETA_LSB;
  let el = NaN;
  if (have & 8) {
    el = elevationOf(sensor.frame, range, az, h * HEIGHT_LSB);
    if (Number.isNaN(el)) return countReject(rejects, 'bad-value', `record at ${r}: height ${(h * HEIGHT_LSB).toFixed(0)} m unreachable at range ${range.toFixed(0)} m`);
  }
  const plot: Plot = { t: resolveTimeOfDay(tod, ctx.referenceTime), sensorId: sensor.id, sac, sic, range, az, el };
  if (have & 16) plot.rangeRate = cal;
  out.push(plot);
}

/**
 * Elevation of a plot from its quantised height. A near-vertical plot's height can overshoot what the range
 * allows by up to half an LSB of I048/110: within that, the elevation is the zenith (or nadir).
 */
function elevationOf(frame: EnuFrame, range: number, az: number, h: number): number {
  const el = elevationFromHeight(frame, range, az, h);
  if (!Number.isNaN(el)) return el;
  const top = heightFromPolar(frame, range, az, Math.PI / 2);
  if (h > top && h - top <= HEIGHT_LSB / 2) return Math.PI / 2;
  const bottom = heightFromPolar(frame, range, az, -Math.PI / 2);
  if (h < bottom && bottom - h <= HEIGHT_LSB / 2) return -Math.PI / 2;
  return NaN;
}
