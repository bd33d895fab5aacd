/** readRecording: a pcap or .ast built from a simulated scenario gives back every plot, in time order, dated right. */
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { Engine } from '../../src/engine/engine.js';
import { encodeCat034 } from '../../src/io/asterix/cat034.js';
import { processReport, processReportMarkdown } from '../../src/report/process-report.js';
import { HEIGHT_LSB, RHO_LSB, THETA_LSB } from '../../src/io/asterix/cat048.js';
import { REJECT_REASONS } from '../../src/io/asterix/rejects.js';
import { DAY } from '../../src/io/asterix/time.js';
import { parseUtcDate, readRecording, todayUtc, type Recording } from '../../src/io/recording.js';
import { writePcap } from '../../src/io/pcap.js';
import { loadSite } from '../../src/scenario/load.js';
import type { Plot } from '../../src/sense/plot.js';
import { SITE_FILE, astFile, badDatagrams, pcapFile, shifted, simulatedPlots, tempFile, toAst, toDatagrams } from './recording-helpers.js';

const site = loadSite(SITE_FILE);
const { plots: ORIGINAL } = simulatedPlots();
const DATE = '2021-12-19';

/** Angle difference wrapped into [−π, π]. */
const dAngle = (a: number, b: number): number => Math.abs(Math.atan2(Math.sin(a - b), Math.cos(a - b)));

/** Every decoded plot matches its original within the LSBs of I048/040, 110 and 140, sensor by sensor in order. */
function expectSamePlots(decoded: readonly Plot[], original: readonly Plot[]): void {
  expect(decoded).toHaveLength(original.length);
  for (const s of site.sensors) {
    const got = decoded.filter((p) => p.sensorId === s.id);
    const want = original.filter((p) => p.sensorId === s.id);
    expect(got.length, s.id).toBe(want.length);
    want.forEach((w, i) => {
      const g = got[i]!;
      expect(g.sac).toBe(s.sac);
      expect(g.sic).toBe(s.sic);
      expect(Math.abs(g.t - w.t)).toBeLessThanOrEqual(1 / 256 + 1e-6);
      expect(Math.abs(g.range - w.range)).toBeLessThanOrEqual(RHO_LSB / 2 + 1e-9);
      expect(dAngle(g.az, w.az)).toBeLessThanOrEqual(THETA_LSB / 2 + 1e-12);
      // I048/110 carries height (25 ft): the elevation is as good as height and range allow at that range
      const elTol = ((HEIGHT_LSB + RHO_LSB) / 2 / (w.range * Math.max(Math.cos(w.el), 1e-3))) * 1.05 + 1e-9;
      expect(Math.abs(g.el - w.el), `${s.id} plot ${i}`).toBeLessThanOrEqual(elTol);
      if (w.rangeRate !== undefined && Math.abs(w.rangeRate) <= 511) expect(Math.abs(g.rangeRate! - w.rangeRate)).toBeLessThanOrEqual(0.5 + 1e-9);
      expect(g.truthId).toBeUndefined();
    });
  }
}

function expectTimeOrdered(rec: Recording): void {
  for (let i = 1; i < rec.plots.length; i++) expect(rec.plots[i]!.t).toBeGreaterThanOrEqual(rec.plots[i - 1]!.t);
  expect(rec.firstTime).toBe(rec.plots[0]?.t);
  expect(rec.lastTime).toBe(rec.plots[rec.plots.length - 1]?.t);
}

describe('readRecording of the 2021-12-19 scenario', () => {
  const datagrams = toDatagrams(ORIGINAL, site);

  it('the recording is a fair test: plots from both sensors, their datagrams interleaved', () => {
    expect(ORIGINAL.length).toBeGreaterThan(50);
    for (const s of site.sensors) expect(ORIGINAL.some((p) => p.sensorId === s.id)).toBe(true);
    // SIC of each datagram's first record (block header 3 + FSPEC 3 + SAC): the sensors alternate in the capture
    const sics = datagrams.map((d) => d.payload[7]);
    expect(sics.filter((s, i) => i > 0 && s !== sics[i - 1]).length).toBeGreaterThan(2);
  });

  it('a pcap gives back every plot, within one LSB, time-ordered', () => {
    const rec = readRecording(pcapFile(datagrams), site);
    expect(rec.kind).toBe('pcap');
    expect(rec.datagrams).toBe(datagrams.length);
    expect(rec.rejects.total).toBe(0);
    expect(rec.skipped).toBe(0);
    expect(rec.date).toBeUndefined();
    expectTimeOrdered(rec);
    expectSamePlots(rec.plots, ORIGINAL);
  });

  it('a capture with the radars’ CAT034 crossings (appended and on their own): the same plots, the crossings counted, nothing refused', () => {
    const withCrossings = datagrams.flatMap((d) => {
      const sac = d.payload[6]!;
      const sic = d.payload[7]!;
      const marker = encodeCat034(sac, sic, d.time, 90);
      const joined = new Uint8Array(d.payload.length + marker.length);
      joined.set(d.payload);
      joined.set(marker, d.payload.length);
      return [{ ...d, payload: joined }, { ...d, payload: encodeCat034(sac, sic, d.time) }];
    });
    const rec = readRecording(pcapFile(withCrossings), site);
    expect(rec.rejects.total).toBe(0);
    expect(rec.serviceMessages).toBe(2 * datagrams.length);
    expectSamePlots(rec.plots, ORIGINAL);
    const report = processReportMarkdown(processReport('x.pcap', site, rec, new Engine(site).stats, { siteSeconds: 0, readSeconds: 0, engineSeconds: 0, totalSeconds: 0 }));
    expect(report).toContain(`Also read: ${(2 * datagrams.length).toLocaleString('en-US')} CAT034 service messages`);
  });

  it('the .ast of the same datagrams gives the same plots as the pcap', () => {
    const fromPcap = readRecording(pcapFile(datagrams), site);
    const fromAst = readRecording(astFile(datagrams), site, { date: DATE });
    expect(fromAst.kind).toBe('ast');
    expect(fromAst.date).toBe(DATE);
    expect(fromAst.rejects.total).toBe(0);
    expect(fromAst.plots).toEqual(fromPcap.plots);
    expect(fromAst.datagrams).toBe(datagrams.length); // one block per datagram
  });

  it('the format comes from the magic bytes, not the file name', () => {
    const pcapNamedAst = tempFile(writePcap(datagrams), 'ast');
    const astNamedPcap = tempFile(toAst(datagrams), 'pcap');
    expect(readRecording(pcapNamedAst, site).kind).toBe('pcap');
    expect(readRecording(astNamedPcap, site, { date: DATE }).kind).toBe('ast');
  });

  it('an .ast without --date is put on today (UTC)', () => {
    const rec = readRecording(astFile(datagrams), site);
    expect(rec.date).toBe(todayUtc());
    const day = parseUtcDate(todayUtc());
    expect(rec.firstTime! - day).toBeCloseTo(ORIGINAL[0]!.t % DAY, 1);
  });

  it('bad datagrams among the good ones are counted by reason; every good plot is still there', () => {
    const bad = badDatagrams(site, ORIGINAL[0]!);
    const mixed = [...datagrams];
    // spread them through the capture, at the time of the datagram they follow
    bad.forEach((b, i) => {
      const at = Math.floor(((i + 1) * mixed.length) / (bad.length + 1));
      mixed.splice(at, 0, { time: mixed[at - 1]!.time, payload: b.payload, dstPort: 30048 });
    });
    const rec = readRecording(pcapFile(mixed), site);
    expect(rec.datagrams).toBe(datagrams.length + bad.length);
    for (const b of bad) {
      expect(rec.rejects.counts[b.reason as (typeof REJECT_REASONS)[number]], b.name).toBe(b.count);
      expect(rec.rejects.last[b.reason as (typeof REJECT_REASONS)[number]], b.name).toBeTypeOf('string');
    }
    expect(rec.rejects.total).toBe(bad.reduce((s, b) => s + b.count, 0));
    expectTimeOrdered(rec);
    expectSamePlots(rec.plots, ORIGINAL);
  });

  it('in an .ast, bad blocks between good ones are counted and skipped; every good plot is still there', () => {
    const bad = badDatagrams(site, ORIGINAL[0]!).filter((b) => b.reason !== 'bad-length' && b.reason !== 'truncated');
    const mixed: Array<{ payload: Uint8Array }> = [...datagrams];
    bad.forEach((b, i) => mixed.splice(Math.floor(((i + 1) * mixed.length) / (bad.length + 1)), 0, { payload: b.payload }));
    const rec = readRecording(astFile(mixed), site, { date: DATE });
    for (const b of bad) expect(rec.rejects.counts[b.reason as (typeof REJECT_REASONS)[number]], b.name).toBe(b.count);
    expect(rec.rejects.total).toBe(bad.reduce((s, b) => s + b.count, 0));
    expectSamePlots(rec.plots, ORIGINAL);
  });

  it('an .ast with an impossible LEN in the middle resynchronises on the next block', () => {
    const mixed: Array<{ payload: Uint8Array }> = [...datagrams];
    mixed.splice(Math.floor(mixed.length / 2), 0, { payload: Uint8Array.of(48, 0, 2) });
    const rec = readRecording(astFile(mixed), site, { date: DATE });
    expect(rec.rejects.counts['bad-length']).toBe(1);
    expect(rec.rejects.total).toBe(1);
    expectSamePlots(rec.plots, ORIGINAL);
  });

  it('an .ast cut off inside its last block (the recorder was killed) keeps the records before the cut', () => {
    // the datagram with the most records goes last, and is cut 3 bytes into its second record
    const biggest = datagrams.reduce((a, b) => (b.payload.length > a.payload.length ? b : a));
    const ordered = [...datagrams.filter((d) => d !== biggest), biggest];
    expect(biggest.payload.length).toBeGreaterThan(3 + 2 * 18);
    const ast = toAst(ordered);
    const firstRecordBytes = biggest.payload[5]! & 0x04 ? 18 : 15; // FSPEC octet 3: FRN 20 (I048/120) present
    const cut = ast.subarray(0, ast.length - biggest.payload.length + 3 + firstRecordBytes + 3);
    const rec = readRecording(tempFile(cut, 'ast'), site, { date: DATE });
    expect(rec.rejects.counts.truncated).toBe(1);
    expect(rec.rejects.total).toBe(1);
    const full = readRecording(tempFile(ast, 'ast'), site, { date: DATE });
    const recordsInBiggest = ORIGINAL.length - readRecording(astFile(ordered.slice(0, -1)), site, { date: DATE }).plots.length;
    expect(rec.plots.length).toBe(full.plots.length - recordsInBiggest + 1);
    const key = (p: Plot): string => `${p.sensorId} ${p.t} ${p.range} ${p.az}`;
    const all = new Set(full.plots.map(key));
    expect(rec.plots.every((p) => all.has(key(p)))).toBe(true);
  });
});

describe('a recording across UTC midnight', () => {
  // move the scenario (00:30Z) so that midnight 2021-12-19T00:00Z falls 0.3 s after a plot in the middle of it:
  // that plot's revolution ends at midnight (both periods divide the day), so its datagram is captured after it
  const midnight = parseUtcDate('2021-12-19');
  const pivot = ORIGINAL[Math.floor(ORIGINAL.length / 2)]!;
  const moved = shifted(ORIGINAL, midnight - 0.3 - pivot.t);
  const datagrams = toDatagrams(moved, site);
  const isoDate = (t: number): string => new Date(t * 1000).toISOString().slice(0, 10);

  it('the test straddles midnight, and a datagram captured after midnight carries plots from before it', () => {
    expect(moved.some((p) => p.t < midnight)).toBe(true);
    expect(moved.some((p) => p.t >= midnight)).toBe(true);
    const late = datagrams.find((d) => d.time > midnight && d.time < midnight + 0.1)!;
    expect(late).toBeDefined();
    const got = readRecording(pcapFile([late]), site).plots;
    expect(got.length).toBeGreaterThan(0);
    expect(got.every((p) => p.t < midnight)).toBe(true);
  });

  it('pcap: the dates come from the capture times; plots stay in order across the wrap of the time of day', () => {
    const rec = readRecording(pcapFile(datagrams), site);
    expectTimeOrdered(rec);
    expectSamePlots(rec.plots, moved);
    expect(isoDate(rec.firstTime!)).toBe('2021-12-18');
    expect(isoDate(rec.lastTime!)).toBe('2021-12-19');
  });

  it('.ast with --date of the first plot: the date carries over midnight', () => {
    const rec = readRecording(astFile(datagrams), site, { date: '2021-12-18' });
    expectTimeOrdered(rec);
    expectSamePlots(rec.plots, moved);
    expect(isoDate(rec.lastTime!)).toBe('2021-12-19');
  });
});

describe('files that are not recordings', () => {
  const expectInputError = (f: () => unknown, file: string, message: RegExp): void => {
    try {
      f();
      expect.unreachable('no error');
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      expect((e as InputError).file).toBe(file);
      expect((e as InputError).format()).toMatch(message);
    }
  };

  it('missing, empty, text, pcapng and non-CAT048 ASTERIX files are InputErrors naming the file', () => {
    expectInputError(() => readRecording('no/such/file.pcap', site), 'no/such/file.pcap', /file not found/);
    const empty = tempFile(new Uint8Array(0), 'ast');
    expectInputError(() => readRecording(empty, site), empty, /empty/);
    const text = tempFile('name: not a recording\nsensors: []\n', 'pcap');
    expectInputError(() => readRecording(text, site), text, /neither a libpcap capture nor raw ASTERIX/);
    // a pcapng section header block (28 bytes) and the start of an interface description block
    const pcapng = tempFile(Uint8Array.of(0x0a, 0x0d, 0x0d, 0x0a, 28, 0, 0, 0, 0x4d, 0x3c, 0x2b, 0x1a, 1, 0, 0, 0, ...new Array<number>(12).fill(0xff), 28, 0, 0, 0, 1, 0, 0, 0), 'pcap');
    expectInputError(() => readRecording(pcapng, site), pcapng, /pcapng/);
    const cat034 = tempFile(Uint8Array.of(34, 0, 5, 1, 2, 34, 0, 4, 9), 'ast');
    expectInputError(() => readRecording(cat034, site), cat034, /without any CAT048 data block \(categories 34\)/);
  });

  it('--date must be a real UTC date', () => {
    expect(parseUtcDate('2021-12-19')).toBe(Date.UTC(2021, 11, 19) / 1000);
    for (const bad of ['2021-02-30', '19/12/2021', '2021-12-19T00:00Z', 'today']) expect(() => parseUtcDate(bad)).toThrow(InputError);
  });
});
