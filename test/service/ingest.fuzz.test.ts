/**
 * Fuzz of PlotIngest (seeded, deterministic): ≥ 100,000 bad datagrams — bit flips, truncations, extensions,
 * random bytes, wrong categories, absurd LEN, valid structure with a wrong SAC/SIC or impossible values,
 * skewed, future, late and doubled plots, oversize and empty datagrams, mangled CAT034 north markers —
 * interleaved with the valid datagrams of two radars (one per revolution, some split in two, each revolution
 * closed by a CAT034 north marker). Checked: nothing throws; every valid plot is released
 * exactly once, in time order; every bad datagram is counted — under the reason its kind implies when that is
 * known, else exactly as a separate decoder run counts it plus the service's plot-level reasons — or its plots
 * (a mutation can still be a well-formed plot) are accepted; the counters add up.
 *
 * Bad datagrams derived from a radar's datagram arrive with it (after the whole revolution), and none may name
 * the other radar: a datagram naming a sensor tells the ingest that sensor's earlier plots have all arrived.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.js';
import { EnuFrame } from '../../src/geo/wgs84.js';
import { encodeCat034, type ServiceMessage } from '../../src/io/asterix/cat034.js';
import { encodeCat048, HEIGHT_LSB, RHO_LSB, sensorTable, THETA_LSB, type Cat048Context } from '../../src/io/asterix/cat048.js';
import { decodeRadarDatagram } from '../../src/io/asterix/radar.js';
import { createRejectCounter, REJECT_REASONS, type RejectReason } from '../../src/io/asterix/rejects.js';
import { loadSite } from '../../src/scenario/load.js';
import type { Site } from '../../src/scenario/types.js';
import type { Plot } from '../../src/sense/plot.js';
import { heightFromPolar } from '../../src/sense/polar.js';
import { INGEST_REJECTS, PlotIngest, type IngestReject } from '../../src/service/ingest.js';
import { SITE_FILE } from '../io/recording-helpers.js';

const SITE: Site = loadSite(SITE_FILE);
const BAD_TARGET = 100_000;
/** s of radar data */
const DURATION = 240;
const START = Date.UTC(2021, 11, 19, 23, 58) / 1000; // crosses UTC midnight
const SOURCES = new Map(SITE.sensors.map((s, i) => [s.id, `10.0.0.${i + 1}`]));
const STRANGER = '10.0.0.66';
const PLOT_REASONS: readonly IngestReject[] = ['sensor-disabled', 'time-skew', 'future', 'late', 'duplicate'];

interface Sensor {
  id: string;
  sac: number;
  sic: number;
  period: number;
  maxRange: number;
  frame: EnuFrame;
}
const SENSORS: Sensor[] = SITE.sensors.map((s) => ({ ...s, frame: new EnuFrame({ lat: s.lat, lon: s.lon, alt: s.alt }) }));
const byId = new Map(SENSORS.map((s) => [s.id, s]));

/** One radar revolution as sent: its datagrams (one, or more when split) arriving together. */
interface Revolution {
  sensor: Sensor;
  arrival: number;
  plots: Plot[];
  parts: Uint8Array[];
  /** the CAT034 north marker at the revolution's end, sent after its plots (also for a revolution without any) */
  marker: Uint8Array;
}

function revolutions(rng: Rng): Revolution[] {
  const out: Revolution[] = [];
  for (const s of SENSORS) {
    for (let k = Math.ceil(START / s.period); (k + 1) * s.period <= START + DURATION; k++) {
      const n = rng.bernoulli(0.04) ? 90 + rng.int(40) : rng.int(9);
      const ts = Array.from({ length: n }, () => rng.range(k * s.period, (k + 1) * s.period)).sort((a, b) => a - b);
      const plots: Plot[] = ts.map((t) => {
        const p: Plot = {
          t, sensorId: s.id, sac: s.sac, sic: s.sic,
          range: rng.range(300, 0.95 * s.maxRange), az: rng.range(0, 2 * Math.PI), el: rng.range(0.01, 1.2),
        };
        if (rng.bernoulli(0.7)) p.rangeRate = rng.range(-600, 600);
        return p;
      });
      // sent at the end of the revolution, 10–15 ms on the way (less than the default transit, 20 ms)
      out.push({
        sensor: s,
        arrival: (k + 1) * s.period + 0.01 + rng.range(0, 0.005),
        plots,
        parts: n ? encodeCat048(plots, s.frame) : [],
        marker: encodeCat034(s.sac, s.sic, (k + 1) * s.period),
      });
    }
  }
  return out.sort((a, b) => a.arrival - b.arrival);
}

/** Key of a plot as CAT048 carries it: sensor, time code, ρ, θ, height code. */
function key(p: Plot): string {
  const f = byId.get(p.sensorId)!.frame;
  const theta = Math.round(p.az / THETA_LSB) % 65536;
  return `${p.sensorId}|${Math.round(p.t * 128)}|${Math.round(p.range / RHO_LSB)}|${theta}|${Math.round(heightFromPolar(f, p.range, p.az, p.el) / HEIGHT_LSB)}`;
}

/** Offsets of the records of a datagram the encoder wrote (one block; records of 15 bytes, 18 with CAL). */
function recordOffsets(buf: Uint8Array): number[] {
  const offs: number[] = [];
  let r = 3;
  while (r < buf.length) {
    offs.push(r);
    r += buf[r + 2]! & 0x04 ? 18 : 15;
  }
  if (r !== buf.length) throw new Error('not an encoder datagram');
  return offs;
}

/** Adds `delta` (1/128 s) to the time of day of every record, wrapping the day. */
function shiftTod(buf: Uint8Array, delta: number): void {
  const day = 86400 * 128;
  for (const r of recordOffsets(buf)) {
    const p = r + 5;
    let c = (buf[p]! << 16) | (buf[p + 1]! << 8) | buf[p + 2]!;
    c = (((c + delta) % day) + day) % day;
    buf[p] = c >>> 16;
    buf[p + 1] = (c >>> 8) & 0xff;
    buf[p + 2] = c & 0xff;
  }
}

type Expect = Partial<Record<IngestReject, number>>;
/** A bad datagram: its bytes and, when its kind says, exactly what it must add (no plot accepted). */
interface Bad {
  kind: string;
  buf: Uint8Array;
  exact?: Expect;
}

function randomBytes(rng: Rng, n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = rng.int(256);
  return b;
}

/** A bad datagram derived from one of a revolution's datagrams. */
function derived(rng: Rng, rev: Revolution): Bad {
  if (rev.parts.length === 0 || rng.bernoulli(0.1)) {
    // the north marker, mangled
    const b = rev.marker.slice();
    if (rng.bernoulli(0.3)) return { kind: 'marker truncation', buf: b.slice(0, rng.int(b.length)) };
    const flips = 1 + rng.int(4);
    for (let i = 0; i < flips; i++) b[rng.int(b.length)]! ^= 1 << rng.int(8);
    return { kind: 'marker bit flips', buf: b };
  }
  const part = rev.parts[rng.int(rev.parts.length)]!;
  const b = part.slice();
  const nrec = recordOffsets(part).length;
  switch (rng.int(14)) {
    case 0:
    case 1:
    case 2: {
      const flips = 1 + rng.int(8);
      for (let i = 0; i < flips; i++) b[rng.int(b.length)]! ^= 1 << rng.int(8);
      return { kind: 'bit flips', buf: b };
    }
    case 3:
      return { kind: 'truncation', buf: part.slice(0, rng.int(part.length)) };
    case 4: {
      const ext = new Uint8Array(part.length + 1 + rng.int(40));
      ext.set(part);
      ext.set(randomBytes(rng, ext.length - part.length), part.length);
      if (rng.bernoulli(0.3)) ext[part.length] = 48;
      return { kind: 'extension', buf: ext };
    }
    case 5: {
      const len = rng.bernoulli(0.3) ? rng.int(3) : rng.bernoulli(0.5) ? rng.int(65536) : Math.max(0, part.length + rng.int(41) - 20);
      if (len === part.length) b[1]! ^= 0x80;
      else {
        b[1] = len >>> 8;
        b[2] = len & 0xff;
      }
      return { kind: 'absurd LEN', buf: b };
    }
    case 6: {
      const at = rng.int(b.length);
      b.set(randomBytes(rng, Math.min(b.length - at, 1 + rng.int(12))), at);
      return { kind: 'overwritten run', buf: b };
    }
    case 7: {
      const cats = [1, 2, 21, 62, 65, 240];
      b[0] = cats[rng.int(cats.length)]!;
      return { kind: 'wrong category', buf: b, exact: { 'unknown-category': 1 } };
    }
    case 8: {
      for (const r of recordOffsets(b)) {
        if (rng.bernoulli(0.5)) b[r + 3] = (25 + 1 + rng.int(254)) % 256;
        else b[r + 4] = 3 + rng.int(253);
      }
      return { kind: 'wrong SAC/SIC', buf: b, exact: { 'unknown-sensor': nrec } };
    }
    case 9: {
      for (const r of recordOffsets(b)) {
        switch (rng.int(4)) {
          case 0: // time of day ≥ 24 h
            b[r + 5] = 0xa9 + rng.int(0x57); // ≥ 0xA90000 > 86400·128 = 0xA8C000
            break;
          case 1: // zero range
            b[r + 9] = b[r + 10] = 0;
            break;
          case 2: // beyond both radars' range
            b[r + 9] = 0xf0 + rng.int(16);
            break;
          default: // ±62 km of height at a few hundred metres of range
            b[r + 9] = 0;
            b[r + 10] = 40 + rng.int(60);
            b[r + 13] = rng.bernoulli(0.5) ? 0x1f : 0x20;
            b[r + 14] = rng.bernoulli(0.5) ? 0xff : 0x00;
        }
      }
      return { kind: 'impossible values', buf: b, exact: { 'bad-value': nrec } };
    }
    case 10:
      shiftTod(b, (rng.bernoulli(0.5) ? 1 : -1) * Math.round(rng.range(33, 40000) * 128));
      return { kind: 'clock skew', buf: b, exact: { 'time-skew': nrec } };
    case 11:
      shiftTod(b, Math.round(rng.range(3.1, 28) * 128)); // measured 1.1–28 s after its arrival
      return { kind: 'future', buf: b, exact: { future: nrec } };
    case 12:
      shiftTod(b, -Math.round(rng.range(12, 26) * 128)); // 12–28 s old: well before the release point
      return { kind: 'late', buf: b, exact: { late: nrec } };
    default:
      return { kind: 'doubled', buf: b, exact: { duplicate: nrec } };
  }
}

/** A bad datagram unrelated to any radar. */
function unrelated(rng: Rng): Bad {
  const u = rng.uniform();
  if (u < 0.02) return { kind: 'oversize', buf: randomBytes(rng, 8193 + rng.int(1000)), exact: { oversize: 1 } };
  if (u < 0.04) return { kind: 'empty', buf: new Uint8Array(0), exact: { truncated: 1 } };
  const b = randomBytes(rng, 1 + rng.int(300));
  if (u < 0.6) b[0] = 48;
  if (u < 0.3 && b.length >= 3) {
    b[1] = b.length >>> 8;
    b[2] = b.length & 0xff;
  }
  return { kind: 'random bytes', buf: b };
}

describe('PlotIngest fuzz', () => {
  // 'per-sensor' is what serve runs: each radar's plots out up to its own watermark, in time order per radar
  it.each(['ordered', 'per-sensor'] as const)(`release %s: ≥ ${BAD_TARGET} bad datagrams among valid ones: nothing thrown, every valid plot out once, every bad one counted`, (release) => {
    const rng = new Rng(20211219, 'ingest-fuzz');
    const revs = revolutions(rng);
    const valid = revs.reduce((n, r) => n + r.plots.length, 0);
    expect(revs.some((r) => r.parts.length > 1)).toBe(true);
    expect(new Set(revs.map((r) => r.sensor.id)).size).toBe(2);

    const ing = new PlotIngest({ site: SITE, release });
    const c = ing.counters;
    const rc = c.rejects;
    const table = sensorTable(SITE.sensors);
    const refCtx: Cat048Context = { sensors: table, referenceTime: 0 };
    const refPlots: Plot[] = [];
    const refMsgs: ServiceMessage[] = [];
    const snapshot = (): number[] => INGEST_REJECTS.map((r) => rc.counts[r]);

    const released: Plot[] = [];
    let lastUntil = -Infinity;
    /** plots released after the common point (per-sensor: their radar's own watermark passed them) */
    let ahead = 0;
    const take = (now: number): void => {
      const r = ing.take(now);
      expect(r.until).toBeGreaterThanOrEqual(lastUntil);
      lastUntil = r.until;
      for (const p of r.plots) {
        if (p.t > r.until) {
          if (release === 'ordered') throw new Error(`released t=${p.t} past until=${r.until}`);
          ahead++;
        }
        released.push(p);
      }
    };

    let nBad = 0;
    let badAccepted = 0;
    let badMessages = 0;
    let badRejects = 0;
    let filtered = 0;
    let bytes = 0;
    const byKind = new Map<string, number>();
    const failures: string[] = [];
    /** Feeds one bad datagram and accounts for it exactly. `origin`: the sensor it may name (none if undefined). */
    const feedBad = (make: () => Bad, arrival: number, origin: string | undefined): void => {
      let bad: Bad;
      const ref = createRejectCounter();
      for (;;) {
        bad = make();
        refPlots.length = 0;
        refMsgs.length = 0;
        refCtx.referenceTime = arrival;
        ref.total = 0;
        for (const r of REJECT_REASONS) ref.counts[r] = 0;
        decodeRadarDatagram(bad.buf, refCtx, refPlots, refMsgs, ref);
        if (refPlots.every((p) => p.sensorId === origin) && refMsgs.every((m) => m.sensorId === origin)) break;
        filtered++;
      }
      const before = snapshot();
      const total0 = rc.total;
      const acc0 = c.plotsAccepted;
      const msg0 = c.messagesAccepted;
      const src = rng.bernoulli(0.5) ? STRANGER : (origin !== undefined ? SOURCES.get(origin)! : STRANGER);
      const got = ing.datagram(bad.buf, src, arrival);
      nBad++;
      bytes += bad.buf.length;
      byKind.set(bad.kind, (byKind.get(bad.kind) ?? 0) + 1);
      const dTotal = rc.total - total0;
      const dAcc = c.plotsAccepted - acc0;
      const dMsg = c.messagesAccepted - msg0;
      badMessages += dMsg;
      badRejects += dTotal;
      badAccepted += dAcc;
      const d: Expect = {};
      INGEST_REJECTS.forEach((r, i) => {
        const x = rc.counts[r] - before[i]!;
        if (x) d[r] = x;
      });
      const fail = (why: string): void => {
        if (failures.length < 5) failures.push(`${bad.kind} [${Buffer.from(bad.buf.subarray(0, 40)).toString('hex')}…]: ${why}: ${JSON.stringify(d)} accepted ${dAcc}`);
      };
      if (got !== dAcc) fail(`returned ${got}`);
      if (dTotal + dAcc + dMsg < 1) fail('neither counted nor accepted');
      if (bad.exact) {
        if (dAcc !== 0 || dMsg !== 0 || JSON.stringify(d) !== JSON.stringify(bad.exact)) fail(`expected ${JSON.stringify(bad.exact)}`);
        return;
      }
      // the decoder's reasons exactly as a separate decoder run counts them (a datagram of empty blocks, which
      // the decoder passes silently, is the ingest's bad-length); every record it decoded, accepted or refused
      // under one plot-level reason; nothing refused at the datagram level
      const decoderExpected: Expect = {};
      for (const r of REJECT_REASONS) if (ref.counts[r]) decoderExpected[r] = ref.counts[r];
      if (bad.buf.length === 0) decoderExpected.truncated = 1;
      else if (ref.total === 0 && refPlots.length === 0 && refMsgs.length === 0) decoderExpected['bad-length'] = 1;
      const decoderGot: Expect = {};
      for (const r of REJECT_REASONS) if (d[r as RejectReason]) decoderGot[r] = d[r as RejectReason]!;
      if (JSON.stringify(decoderGot) !== JSON.stringify(decoderExpected)) fail(`decoder reasons: expected ${JSON.stringify(decoderExpected)}`);
      const plotLevel = PLOT_REASONS.reduce((s, r) => s + (d[r] ?? 0), 0);
      if (dAcc + dMsg + plotLevel !== refPlots.length + refMsgs.length) fail(`${refPlots.length} + ${refMsgs.length} records decoded`);
    };

    const perRev = Math.ceil(BAD_TARGET / revs.length) + 1;
    let prev = START;
    for (const rev of revs) {
      // unrelated garbage between the previous arrival and this one
      const nPre = Math.floor(perRev * 0.3);
      for (let i = 0; i < nPre; i++) {
        const at = prev + ((rev.arrival - prev) * (i + 1)) / (nPre + 1);
        feedBad(() => unrelated(rng), at, undefined);
        if (i % 16 === 15) take(at);
      }
      // the revolution, taking after each of its datagrams
      for (const part of rev.parts) {
        const total0 = rc.total;
        const n = ing.datagram(part, SOURCES.get(rev.sensor.id)!, rev.arrival);
        bytes += part.length;
        expect(rc.total - total0).toBe(0);
        expect(n).toBe(recordOffsets(part).length);
        take(rev.arrival);
      }
      const m0 = c.messagesAccepted;
      const total0 = rc.total;
      expect(ing.datagram(rev.marker, SOURCES.get(rev.sensor.id)!, rev.arrival)).toBe(0);
      bytes += rev.marker.length;
      expect(rc.total - total0).toBe(0);
      expect(c.messagesAccepted - m0).toBe(1);
      take(rev.arrival);
      // its mutations, arriving with it
      for (let i = nPre; i < perRev; i++) {
        feedBad(() => derived(rng, rev), rev.arrival, rev.sensor.id);
        if (i % 16 === 15) take(rev.arrival);
      }
      take(rev.arrival);
      prev = rev.arrival;
    }
    take(prev + 60);

    expect(failures).toEqual([]);
    expect(nBad).toBeGreaterThanOrEqual(BAD_TARGET);
    expect(filtered).toBeLessThan(nBad / 100);
    for (const k of ['bit flips', 'truncation', 'extension', 'absurd LEN', 'overwritten run', 'wrong category', 'wrong SAC/SIC', 'impossible values', 'clock skew', 'future', 'late', 'doubled', 'oversize', 'empty', 'random bytes', 'marker bit flips', 'marker truncation']) {
      expect(byKind.get(k) ?? 0, k).toBeGreaterThan(400);
    }
    // the counters add up
    expect(c.datagrams).toBe(nBad + revs.reduce((n, r) => n + r.parts.length + 1, 0));
    expect(c.messagesAccepted).toBe(revs.length + badMessages);
    expect(c.bytes).toBe(bytes);
    expect(INGEST_REJECTS.reduce((s, r) => s + rc.counts[r], 0)).toBe(rc.total);
    expect(rc.total).toBe(badRejects);
    expect(rc.counts['rate-limited'] + rc.counts['source-not-allowed'] + rc.counts['sensor-disabled']).toBe(0);
    expect(c.plotsAccepted).toBe(valid + badAccepted);
    expect(c.plotsReleased).toBe(c.plotsAccepted);
    expect(ing.pending).toBe(0);
    expect(released).toHaveLength(c.plotsReleased);
    if (release === 'per-sensor') expect(ahead).toBeGreaterThan(valid / 10);
    // time order across the whole run ('ordered'), per sensor ('per-sensor')
    const lastOf = new Map<string, number>();
    for (let i = 0; i < released.length; i++) {
      const p = released[i]!;
      const prev = release === 'ordered' ? (released[i - 1]?.t ?? -Infinity) : (lastOf.get(p.sensorId) ?? -Infinity);
      if (p.t < prev) throw new Error(`out of order at ${i}`);
      lastOf.set(p.sensorId, p.t);
    }
    // every valid plot exactly once; the rest are the accepted mutations
    const seen = new Map<string, number>();
    for (const p of released) seen.set(key(p), (seen.get(key(p)) ?? 0) + 1);
    let missing = 0;
    let doubled = 0;
    for (const rev of revs) {
      for (const p of rev.plots) {
        const n = seen.get(key(p)) ?? 0;
        if (n === 0) missing++;
        if (n > 1) doubled++;
      }
    }
    expect({ missing, doubled }).toEqual({ missing: 0, doubled: 0 });
    expect(released.length - valid).toBe(badAccepted);
  });
});
