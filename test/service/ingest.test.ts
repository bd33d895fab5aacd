/**
 * PlotIngest: the simulator's plots through CAT048 datagrams in arrival order come out whole, time-ordered and
 * equal to the originals within one LSB; each refusal is counted under its reason and leaves the good plots
 * alone; midnight rollover; the release point and sensor states at hand-computed instants.
 */
import { describe, expect, it } from 'vitest';
import { EnuFrame } from '../../src/geo/wgs84.js';
import { encodeCat034 } from '../../src/io/asterix/cat034.js';
import { encodeCat048, HEIGHT_LSB, RHO_LSB, THETA_LSB } from '../../src/io/asterix/cat048.js';
import { REJECT_REASONS } from '../../src/io/asterix/rejects.js';
import { loadSite } from '../../src/scenario/load.js';
import type { Site } from '../../src/scenario/types.js';
import type { Plot } from '../../src/sense/plot.js';
import { heightFromPolar } from '../../src/sense/polar.js';
import { INGEST_REJECTS, PlotIngest, type IngestCounters, type IngestOptions } from '../../src/service/ingest.js';
import { LATENCY, SITE_FILE, simulatedPlots, toDatagrams } from '../io/recording-helpers.js';

const SITE = loadSite(SITE_FILE);
const [LCMR, TPQ] = SITE.sensors as [Site['sensors'][number], Site['sensors'][number]];
const ONLY_LCMR: Site = { ...SITE, sensors: [LCMR] };
const frames = new Map(SITE.sensors.map((s) => [s.id, new EnuFrame({ lat: s.lat, lon: s.lon, alt: s.alt })]));
const frameOf = (id: string): EnuFrame => frames.get(id)!;
/** 2021-12-19 12:00:00 UTC */
const NOON = Date.UTC(2021, 11, 19, 12) / 1000;
const SRC = '10.0.0.1';

/** A plot of a site sensor (range m, az and el rad). */
function plot(sensor: { id: string; sac: number; sic: number }, t: number, range = 3000, az = 1, el = 0.3): Plot {
  return { t, sensorId: sensor.id, sac: sensor.sac, sic: sensor.sic, range, az, el };
}

/** One datagram of the plots (all of one sensor). */
function dgram(plots: readonly Plot[]): Uint8Array {
  const d = encodeCat048(plots, frameOf(plots[0]!.sensorId));
  expect(d).toHaveLength(1);
  return d[0]!;
}

function ingest(opts: Partial<IngestOptions> = {}): PlotIngest {
  return new PlotIngest({ site: SITE, ...opts });
}

/** Every reason counted, summing to the total; the non-zero ones returned. */
function rejects(c: IngestCounters): Record<string, number> {
  expect(Object.keys(c.rejects.counts).sort()).toEqual([...INGEST_REJECTS].sort());
  let sum = 0;
  const nz: Record<string, number> = {};
  for (const r of INGEST_REJECTS) {
    sum += c.rejects.counts[r];
    if (c.rejects.counts[r] > 0) nz[r] = c.rejects.counts[r];
  }
  expect(sum).toBe(c.rejects.total);
  return nz;
}

/** The plots' ranges are these, within one LSB of ρ. */
function expectRanges(plots: readonly Plot[], ranges: readonly number[]): void {
  expect(plots).toHaveLength(ranges.length);
  plots.forEach((p, i) => expect(Math.abs(p.range - ranges[i]!)).toBeLessThanOrEqual(RHO_LSB));
}

/** A UTC time as I048/140 carries it: rounded to 1/128 s. */
const q128 = (t: number): number => Math.round(t * 128) / 128;

const wrap = (a: number): number => Math.abs(((a + Math.PI) % (2 * Math.PI)) - Math.PI);

/** The decoded plot equals the original within one LSB of every field. */
function expectSame(got: Plot, want: Plot): void {
  expect(got.sensorId).toBe(want.sensorId);
  expect(Math.abs(got.t - want.t)).toBeLessThanOrEqual(1 / 128);
  expect(Math.abs(got.range - want.range)).toBeLessThanOrEqual(RHO_LSB);
  expect(wrap(got.az - want.az)).toBeLessThanOrEqual(THETA_LSB);
  const f = frameOf(want.sensorId);
  const hGot = heightFromPolar(f, got.range, got.az, got.el);
  const hWant = heightFromPolar(f, want.range, want.az, want.el);
  expect(Math.abs(hGot - hWant)).toBeLessThanOrEqual(HEIGHT_LSB);
}

/** Plots of one take are sorted by t, then sensor id. */
function expectOrdered(plots: readonly Plot[]): void {
  for (let i = 1; i < plots.length; i++) {
    const a = plots[i - 1]!;
    const b = plots[i]!;
    expect(a.t < b.t || (a.t === b.t && a.sensorId <= b.sensorId)).toBe(true);
  }
}

describe('the simulated recording through PlotIngest', () => {
  const { scenario, plots: original } = simulatedPlots();
  const datagrams = toDatagrams(original, scenario.site);

  it('both radars interleaved: every plot released once, in time order, equal to the original within one LSB', () => {
    expect(new Set(datagrams.map((d) => d.payload[7]))).toEqual(new Set([LCMR.sic, TPQ.sic])); // both radars send
    const ing = new PlotIngest({ site: scenario.site });
    const out: Plot[] = [];
    let until = -Infinity;
    for (const d of datagrams) {
      ing.datagram(d.payload, SRC, d.time);
      const r = ing.take(d.time);
      expect(r.until).toBeGreaterThanOrEqual(until);
      expect(r.until).toBeLessThanOrEqual(d.time);
      for (const p of r.plots) expect(p.t).toBeLessThanOrEqual(r.until);
      if (out.length && r.plots.length) expect(r.plots[0]!.t).toBeGreaterThanOrEqual(out.at(-1)!.t);
      expectOrdered(r.plots);
      until = r.until;
      out.push(...r.plots);
    }
    const last = datagrams.at(-1)!.time;
    out.push(...ing.take(last + 60).plots);
    expect(rejects(ing.counters)).toEqual({});
    expect(ing.counters).toMatchObject({ datagrams: datagrams.length, plotsAccepted: original.length, plotsReleased: original.length });
    expect(ing.counters.bytes).toBe(datagrams.reduce((s, d) => s + d.payload.length, 0));
    expect(ing.pending).toBe(0);
    expect(out).toHaveLength(original.length);
    expectOrdered(out);
    // match: originals in their own time order (ties by sensor id, as the ingest promises)
    const want = [...original].sort((a, b) => q128(a.t) - q128(b.t) || (a.sensorId < b.sensorId ? -1 : a.sensorId > b.sensorId ? 1 : 0) || a.t - b.t);
    for (let i = 0; i < want.length; i++) expectSame(out[i]!, want[i]!);
  });

  it('per-sensor release: each plot once, each radar in time order, none held past its own radar’s datagram, the same plots', () => {
    const ing = new PlotIngest({ site: scenario.site, release: 'per-sensor' });
    const out: Plot[] = [];
    const lastOf = new Map<string, number>();
    let until = -Infinity;
    let ahead = 0;
    for (const d of datagrams) {
      const n = ing.datagram(d.payload, SRC, d.time);
      const r = ing.take(d.time);
      expect(r.until).toBeGreaterThanOrEqual(until);
      until = r.until;
      expectOrdered(r.plots);
      for (const p of r.plots) {
        // per radar in time order, and never before what was released in common
        expect(p.t).toBeGreaterThanOrEqual(lastOf.get(p.sensorId) ?? -Infinity);
        lastOf.set(p.sensorId, p.t);
        if (p.t > r.until) ahead++;
      }
      // a datagram's plots go out on the take right after it (a radar's data is never held for another radar)
      if (n > 0) expect(ing.pending).toBe(0);
      out.push(...r.plots);
    }
    // plots went out ahead of the common release point: the other radar's sector was not waited for
    expect(ahead).toBeGreaterThan(original.length / 4);
    out.push(...ing.take(datagrams.at(-1)!.time + 60).plots);
    expect(rejects(ing.counters)).toEqual({});
    expect(out).toHaveLength(original.length);
    const key = (p: Plot): string => `${p.sensorId} ${q128(p.t)} ${p.range.toFixed(0)}`;
    expect(out.map(key).sort()).toEqual(original.map(key).sort());
  });

  it('one radar: each datagram’s plots go out on the take right after its arrival', () => {
    // per revolution, encoded here (not through the helper), sent LATENCY after the revolution's end
    const revs = new Map<number, Plot[]>();
    for (const p of original.filter((q) => q.sensorId === LCMR.id)) {
      const k = Math.floor(p.t / LCMR.period);
      revs.set(k, [...(revs.get(k) ?? []), p]);
    }
    expect(revs.size).toBeGreaterThan(5);
    const ing = new PlotIngest({ site: ONLY_LCMR });
    for (const [k, list] of [...revs].sort((a, b) => a[0] - b[0])) {
      const arrival = (k + 1) * LCMR.period + LATENCY;
      expect(ing.datagram(dgram(list), SRC, arrival)).toBe(list.length);
      const r = ing.take(arrival);
      expect(r.plots).toHaveLength(list.length);
      list.forEach((p, i) => expectSame(r.plots[i]!, p));
      expect(ing.pending).toBe(0);
    }
    expect(rejects(ing.counters)).toEqual({});
  });
});

describe('the release point', () => {
  it('waits for a sensor that never sent until silentAfter (1.5·period + 0.5), never past now', () => {
    const ing = ingest();
    const A = NOON + 0.05;
    const ps = [plot(LCMR, NOON - 0.6), plot(LCMR, NOON - 0.2, 3100)];
    expect(ing.datagram(dgram(ps), SRC, A)).toBe(2);
    // tpq50-1 (period 2) never sent: its watermark is now − 3.5; lcmr-1's is min(A − 0.02, NOON − 0.2)
    let r = ing.take(A);
    expect(r.until).toBeCloseTo(A - 3.5, 9);
    expect(r.plots).toHaveLength(0);
    r = ing.take(NOON + 3.0); // 3.0 − 3.5 = NOON − 0.5: the first plot only
    expect(r.until).toBeCloseTo(NOON - 0.5, 9);
    expectRanges(r.plots, [ps[0]!.range]);
    r = ing.take(NOON + 10); // lcmr-1 silent too now: both at now − silentAfter; lcmr-1's is 10 − 2 = 8
    expect(r.until).toBeCloseTo(NOON + 6.5, 9);
    expect(r.plots).toHaveLength(1);
    // with no sensor waiting, still never past now
    ing.setEnabled(LCMR.id, false);
    ing.setEnabled(TPQ.id, false);
    expect(ing.take(NOON + 11).until).toBe(NOON + 11);
    // and never back
    expect(ing.take(NOON + 5).until).toBe(NOON + 11);
  });

  it('a CAT034 sector crossing moves its radar’s watermark to the crossing (capped by its arrival): the other radar’s plots go out without waiting', () => {
    const ing = ingest();
    const A = NOON + 0.05;
    const ps = [plot(LCMR, NOON - 0.6), plot(LCMR, NOON - 0.2, 3100)];
    expect(ing.datagram(dgram(ps), SRC, A)).toBe(2);
    // tpq50-1 has sent nothing: the plots wait for it (its watermark: now − 3.5)
    expect(ing.take(A).plots).toHaveLength(0);
    // it crosses a sector boundary at NOON − 0.4 with no plot in that sector: lcmr-1's first plot goes
    expect(ing.datagram(encodeCat034(TPQ.sac, TPQ.sic, NOON - 0.4, 45), SRC, A + 0.01)).toBe(0);
    expect(ing.counters.messagesAccepted).toBe(1);
    let r = ing.take(A + 0.01);
    expect(r.until).toBeCloseTo(q128(NOON - 0.4), 9);
    expectRanges(r.plots, [ps[0]!.range]);
    // a north marker stamped after its arrival: the arrival (less transit) caps the watermark, as for a plot
    expect(ing.datagram(encodeCat034(TPQ.sac, TPQ.sic, A + 0.5), SRC, A + 0.02)).toBe(0);
    r = ing.take(A + 0.02);
    // tpq50-1 at min(A + 0.02 − transit, A + 0.5) = A; lcmr-1 now holds the release point: its newest plot
    expect(r.until).toBeCloseTo(q128(NOON - 0.2), 9);
    expectRanges(r.plots, [ps[1]!.range]);
    // tpq50-1 is alive: ok, with the time its last message arrived
    expect(ing.sensors(A + 1).find((x) => x.id === TPQ.id)).toMatchObject({ plots: 0, lastMessage: A + 0.02, state: 'ok' });
    // its messages get a plot's time checks, each counted; an older crossing changes nothing and is no error
    expect(ing.datagram(encodeCat034(TPQ.sac, TPQ.sic, A - 3600, 90), SRC, A + 0.03)).toBe(0);
    expect(ing.datagram(encodeCat034(TPQ.sac, TPQ.sic, A + 5, 90), SRC, A + 0.03)).toBe(0);
    expect(ing.datagram(encodeCat034(TPQ.sac, TPQ.sic, NOON - 1, 90), SRC, A + 0.03)).toBe(0);
    expect(rejects(ing.counters)).toEqual({ 'time-skew': 1, future: 1 });
    expect(ing.counters.messagesAccepted).toBe(3);
    ing.setEnabled(TPQ.id, false);
    expect(ing.datagram(encodeCat034(TPQ.sac, TPQ.sic, A, 90), SRC, A + 0.04)).toBe(0);
    expect(rejects(ing.counters)).toEqual({ 'time-skew': 1, future: 1, 'sensor-disabled': 1 });
  });

  it('a corrupt timestamp in a datagram holds nothing back and makes no later plot late', () => {
    const ing = new PlotIngest({ site: ONLY_LCMR });
    const A = NOON + 1.01;
    // revolution [NOON, NOON + 1) plus a plot stamped 0.8 s after its arrival (within `ahead`: accepted)
    const rev = [plot(LCMR, NOON + 0.2), plot(LCMR, NOON + 0.9, 3100), plot(LCMR, A + 0.8, 3200)];
    expect(ing.latest).toBe(-Infinity);
    expect(ing.datagram(dgram(rev), SRC, A)).toBe(3);
    expect(ing.latest).toBe(q128(A + 0.8)); // the newest accepted plot time (what a following clock observes)
    const r = ing.take(A);
    expectRanges(r.plots, [rev[0]!.range, rev[1]!.range]);
    expect(r.until).toBeCloseTo(A - 0.02, 9); // the arrival caps the watermark, not the plot's time
    // the next revolution, measured from NOON + 1.0 on, arrives whole
    const next = [plot(LCMR, NOON + 1.0, 4000), plot(LCMR, NOON + 1.5, 4100)];
    expect(ing.datagram(dgram(next), SRC, NOON + 2.01)).toBe(2);
    expectRanges(ing.take(NOON + 10).plots, [4000, 4100, 3200]);
    expect(rejects(ing.counters)).toEqual({});
  });

  it('per-sensor: a radar’s plots go out up to its own watermark; a plot older than its radar’s released ones is late', () => {
    const ing = ingest({ release: 'per-sensor' });
    const A = NOON + 0.05;
    const ps = [plot(LCMR, NOON - 0.6), plot(LCMR, NOON - 0.2, 3100)];
    expect(ing.datagram(dgram(ps), SRC, A)).toBe(2);
    // tpq50-1 has sent nothing: the common point waits for it (now − 3.5), lcmr-1's plots do not
    let r = ing.take(A);
    expect(r.until).toBeCloseTo(A - 3.5, 9);
    expectRanges(r.plots, [ps[0]!.range, ps[1]!.range]);
    // tpq50-1's plot, older than lcmr-1's released ones but after the common point: taken, released
    const tq = plot(TPQ, NOON - 0.4, 5000);
    expect(ing.datagram(dgram([tq]), SRC, A + 0.01)).toBe(1);
    r = ing.take(A + 0.01);
    expectRanges(r.plots, [5000]);
    // the common point: min(tpq50-1 at its newest plot, lcmr-1 at its newest)
    expect(r.until).toBeCloseTo(q128(NOON - 0.4), 9);
    // lcmr-1 plot older than what lcmr-1 already released: late; one after it: taken
    expect(ing.datagram(dgram([plot(LCMR, NOON - 0.3, 3300)]), SRC, A + 0.02)).toBe(0);
    expect(ing.datagram(dgram([plot(LCMR, NOON - 0.1, 3400)]), SRC, A + 0.02)).toBe(1);
    expect(rejects(ing.counters)).toEqual({ late: 1 });
    expectRanges(ing.take(A + 0.02).plots, [3400]);
  });

  it('a revolution split over two datagrams: the second one’s plots are not late after a take in between', () => {
    const ing = new PlotIngest({ site: ONLY_LCMR });
    const rev = Array.from({ length: 100 }, (_, i) => plot(LCMR, NOON + i / 100, 1000 + 50 * i));
    const parts = encodeCat048(rev, frameOf(LCMR.id));
    expect(parts).toHaveLength(2);
    const A = NOON + 1.05;
    const n1 = ing.datagram(parts[0]!, SRC, A);
    const first = ing.take(A).plots;
    expect(first).toHaveLength(n1);
    expect(ing.datagram(parts[1]!, SRC, A)).toBe(100 - n1);
    expect(ing.take(A).plots).toHaveLength(100 - n1);
    expect(rejects(ing.counters)).toEqual({});
  });
});

describe('refusals, each under its reason, the valid plots untouched', () => {
  const A = NOON + 0.05;
  const good = (): Plot[] => [plot(LCMR, NOON - 0.5), plot(LCMR, NOON - 0.3, 3100)];

  /** Feeds the good datagram (as well), drains, and checks its plots came out untouched. */
  function expectGoodOut(ing: PlotIngest, at = A): void {
    const g = good();
    expect(ing.datagram(dgram(g), SRC, at)).toBe(2);
    const out = ing.take(at + 60).plots.filter((p) => p.t > NOON - 0.55 && p.t < NOON - 0.25);
    expect(out).toHaveLength(2);
    out.forEach((p, i) => expectSame(p, g[i]!));
  }

  it('source-not-allowed: once per datagram', () => {
    const ing = ingest({ allowSources: [SRC] });
    expect(ing.datagram(dgram([plot(LCMR, NOON - 0.1, 5000), plot(LCMR, NOON - 0.1, 5100)]), '10.0.0.9', A)).toBe(0);
    expect(rejects(ing.counters)).toEqual({ 'source-not-allowed': 1 });
    expectGoodOut(ing);
    expect(ing.counters.plotsAccepted).toBe(2);
  });

  it('oversize: once per datagram, by its byte length', () => {
    const ing = ingest({ maxDatagramBytes: 64 });
    const big = dgram([5000, 5100, 5200, 5300].map((r) => plot(LCMR, NOON - 0.1, r))); // 3 + 4·15 = 63 bytes
    expect(big.length).toBe(63);
    expect(ing.datagram(big, SRC, A)).toBe(4);
    const bigger = dgram([5000, 5100, 5200, 5300, 5400].map((r) => plot(LCMR, NOON - 0.2, r))); // 78 bytes
    expect(ing.datagram(bigger, SRC, A)).toBe(0);
    expect(rejects(ing.counters)).toEqual({ oversize: 1 });
    expectGoodOut(ing);
  });

  it('rate-limited: a token bucket per source', () => {
    const ing = ingest({ rate: { perSecond: 10, burst: 3 } });
    const one = (i: number): Uint8Array => dgram([plot(LCMR, NOON - 0.9, 2000 + 100 * i)]);
    const got = [0, 1, 2, 3, 4].map((i) => ing.datagram(one(i), SRC, NOON - 0.5));
    expect(got).toEqual([1, 1, 1, 0, 0]);
    expect(ing.datagram(one(5), '10.0.0.2', NOON - 0.5)).toBe(1); // another source has its own bucket
    // 0.15 s later SRC has 1.5 tokens: one datagram passes, the next does not
    expect([6, 7].map((i) => ing.datagram(one(i), SRC, NOON - 0.35))).toEqual([1, 0]);
    expect(rejects(ing.counters)).toEqual({ 'rate-limited': 3 });
    expect(ing.counters.datagrams).toBe(8);
    // 10 s later the bucket is full again — 3, not 100: three pass, the fourth does not; 0.2 s later two more tokens
    expect([8, 9, 10, 11].map((i) => ing.datagram(one(i), SRC, NOON + 9.5))).toEqual([1, 1, 1, 0]);
    expect(rejects(ing.counters)).toEqual({ 'rate-limited': 4 });
    expectGoodOut(ing, NOON + 9.7);
    expect(ing.counters.plotsReleased).toBe(10);
  });

  it('unknown-sensor (the decoder’s): once per record', () => {
    const ing = ingest();
    const stranger = { id: LCMR.id, sac: 99, sic: 9 };
    expect(ing.datagram(dgram([plot(stranger, NOON - 0.1, 5000), plot(stranger, NOON - 0.1, 6000), plot(stranger, NOON, 7000)]), SRC, A)).toBe(0);
    expect(rejects(ing.counters)).toEqual({ 'unknown-sensor': 3 });
    expectGoodOut(ing);
  });

  it('time-skew beyond maxSkew either way, future beyond `ahead`: once per plot', () => {
    const ing = ingest();
    const d = dgram([
      plot(LCMR, A - 31, 5000), // skew
      plot(LCMR, A + 40, 5100), // skew (not future: further than maxSkew)
      plot(LCMR, A + 2, 5200), // future
      plot(LCMR, A + 0.5, 5300), // within `ahead`: accepted
      plot(LCMR, A - 29, 5400), // within maxSkew: accepted
    ]);
    expect(ing.datagram(d, SRC, A)).toBe(2);
    expect(rejects(ing.counters)).toEqual({ 'time-skew': 2, future: 1 });
    expectGoodOut(ing);
    expect(ing.counters.plotsReleased).toBe(4);
  });

  it('late: older than what was released (a plot at exactly `until` still keeps time order)', () => {
    const ing = ingest();
    expect(ing.datagram(dgram([plot(LCMR, NOON - 8)]), SRC, NOON - 7.9)).toBe(1);
    const r = ing.take(NOON - 2);
    expect(r.plots).toHaveLength(1);
    expect(r.until).toBeCloseTo(NOON - 5.5, 9); // tpq50-1 never sent: now − 3.5
    const d = dgram([plot(LCMR, NOON - 6, 5000), plot(LCMR, NOON - 5.6, 5100), plot(LCMR, r.until, 5200), plot(LCMR, NOON - 5, 5300)]);
    // r.until = NOON − 5.5 is a multiple of 1/128 s: that plot's time is exact
    expect(ing.datagram(d, SRC, NOON - 1.9)).toBe(2);
    expect(rejects(ing.counters)).toEqual({ late: 2 });
    expect(ing.take(NOON - 1.9).plots.map((p) => p.t)).toEqual([NOON - 5.5]);
    expectGoodOut(ing);
  });

  it('duplicate: the same datagram again, before or after its plots were released', () => {
    const ing = ingest();
    const d = dgram([plot(LCMR, NOON - 0.8, 5000), plot(LCMR, NOON - 0.7, 5100)]);
    expect(ing.datagram(d, SRC, A)).toBe(2);
    expect(ing.datagram(d, '10.0.0.2', A + 0.004)).toBe(0); // doubled path
    expect(ing.take(A + 4).plots).toHaveLength(2);
    expect(ing.datagram(d, SRC, A + 4.1)).toBe(0); // after release: still a duplicate, not late
    // one LSB of ρ apart, or one 1/128-s tick apart: a different plot
    const near = dgram([plot(LCMR, NOON - 0.8, 5000 + RHO_LSB), plot(LCMR, NOON - 0.8 + 1 / 128, 5000)]);
    expect(ing.datagram(near, SRC, A + 4.1)).toBe(0); // …but late by then
    expect(rejects(ing.counters)).toEqual({ duplicate: 4, late: 2 });
    const ing2 = ingest();
    ing2.datagram(d, SRC, A);
    expect(ing2.datagram(near, SRC, A)).toBe(2);
    expect(rejects(ing2.counters)).toEqual({});
  });

  it('sensor-disabled: once per plot; the release point stops waiting for the sensor; plots already in still go out', () => {
    const ing = ingest();
    expect(ing.datagram(dgram([plot(TPQ, NOON - 1.5, 8000)]), SRC, NOON - 1.45)).toBe(1);
    expect(ing.setEnabled(TPQ.id, false)).toBe(true);
    expect(ing.setEnabled('no-such-radar', false)).toBe(false);
    expect(ing.datagram(dgram([plot(TPQ, NOON - 0.5, 8000), plot(TPQ, NOON - 0.4, 8100)]), SRC, A)).toBe(0);
    expect(rejects(ing.counters)).toEqual({ 'sensor-disabled': 2 });
    const g = good();
    expect(ing.datagram(dgram(g), SRC, A)).toBe(2);
    // only lcmr-1 counts: min(A − 0.02, NOON − 0.3) — the tpq plot and the good ones go out at once
    const r = ing.take(A);
    expect(r.until).toBeCloseTo(q128(NOON - 0.3), 9);
    expect(r.plots.map((p) => p.sensorId)).toEqual([TPQ.id, LCMR.id, LCMR.id]);
    expect(ing.sensors(A).find((s) => s.id === TPQ.id)).toMatchObject({ enabled: false, state: 'disabled', plots: 1 });
    ing.setEnabled(TPQ.id, true);
    expect(ing.datagram(dgram([plot(TPQ, NOON - 0.1, 8000)]), SRC, A + 0.01)).toBe(1);
  });

  it('structural rejects are the decoder’s, counted as it counts them; an empty datagram is truncated, one of empty blocks bad-length', () => {
    const ing = ingest();
    const hex = (s: string): Uint8Array => Uint8Array.from(s.replace(/\s+/g, '').match(/../g)!.map((b) => parseInt(b, 16)));
    expect(ing.datagram(hex('300015 f1010c 1901 54'), SRC, A)).toBe(0); // LEN 21, 9 bytes
    expect(ing.datagram(hex('300002 000000'), SRC, A)).toBe(0); // LEN 2
    expect(ing.datagram(hex('3e000a 01020304050607'), SRC, A)).toBe(0); // CAT062: not a radar's
    expect(ing.datagram(new Uint8Array(0), SRC, A)).toBe(0);
    expect(ing.datagram(hex('300003 300003'), SRC, A)).toBe(0); // two empty blocks: once for the datagram
    expect(rejects(ing.counters)).toEqual({ truncated: 2, 'bad-length': 2, 'unknown-category': 1 });
    expect(REJECT_REASONS.every((r) => INGEST_REJECTS.includes(r))).toBe(true);
    expectGoodOut(ing);
  });
});

describe('midnight rollover', () => {
  const MIDNIGHT = Date.UTC(2021, 11, 20) / 1000;

  it('stamped 23:59:59.9, arriving 00:00:00.3: the previous day', () => {
    const ing = new PlotIngest({ site: ONLY_LCMR });
    const p = plot(LCMR, MIDNIGHT - 0.1);
    expect(ing.datagram(dgram([p]), SRC, MIDNIGHT + 0.3)).toBe(1);
    const r = ing.take(MIDNIGHT + 0.3);
    expect(r.plots).toHaveLength(1);
    expectSame(r.plots[0]!, p);
  });

  it('stamped 00:00:00.1, arriving 23:59:59.9 by a slow clock: the next day, released once the clock passes it', () => {
    const ing = new PlotIngest({ site: ONLY_LCMR });
    const p = plot(LCMR, MIDNIGHT + 0.1);
    expect(ing.datagram(dgram([p]), SRC, MIDNIGHT - 0.1)).toBe(1);
    expect(ing.take(MIDNIGHT - 0.1).plots).toHaveLength(0);
    // the clock is past it, but the watermark is the arrival less transit until the radar's next datagram
    expect(ing.take(MIDNIGHT + 0.2).plots).toHaveLength(0);
    const q = [plot(LCMR, MIDNIGHT + 0.5), plot(LCMR, MIDNIGHT + 0.9, 3100)];
    expect(ing.datagram(dgram(q), SRC, MIDNIGHT + 1.01)).toBe(2);
    const r = ing.take(MIDNIGHT + 1.01);
    expect(r.plots.map((x) => x.t)).toEqual([MIDNIGHT + 0.1, MIDNIGHT + 0.5, MIDNIGHT + 0.9].map(q128));
    expectSame(r.plots[0]!, p);
  });
});

describe('sensor states', () => {
  it('ok / degraded / silent / disabled at hand-computed instants (lcmr-1: period 1 s, silentAfter 2 s)', () => {
    const ing = new PlotIngest({ site: ONLY_LCMR });
    const state = (now: number): string => ing.sensors(now)[0]!.state;
    expect(state(NOON)).toBe('silent'); // never heard
    expect(ing.sensors(NOON)[0]).toEqual({ id: LCMR.id, sac: LCMR.sac, sic: LCMR.sic, enabled: true, plots: 0, state: 'silent' });
    ing.datagram(dgram([plot(LCMR, NOON - 0.5)]), SRC, NOON);
    expect(ing.sensors(NOON)[0]).toMatchObject({ plots: 1, lastPlot: NOON, lastDatagram: NOON });
    expect(state(NOON + 1.9)).toBe('ok');
    expect(state(NOON + 2.1)).toBe('degraded'); // a plot within 10 periods
    expect(state(NOON + 10.1)).toBe('silent');
    // datagrams arriving whose plots are all refused (clock an hour off): degraded, not ok
    ing.datagram(dgram([plot(LCMR, NOON + 20 - 3600)]), SRC, NOON + 20);
    expect(ing.sensors(NOON + 20)[0]).toMatchObject({ plots: 1, lastPlot: NOON, lastDatagram: NOON + 20 });
    expect(state(NOON + 20.5)).toBe('degraded');
    expect(state(NOON + 22.1)).toBe('silent');
    ing.setEnabled(LCMR.id, false);
    expect(state(NOON + 22.1)).toBe('disabled');
  });
});
