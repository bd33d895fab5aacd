/** `tocsin process`: a recording of the 2021-12-19 scenario end to end, and exit codes on bad input. */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runEngine } from '../../src/cli/process.js';
import { Engine } from '../../src/engine/engine.js';
import { loadSite } from '../../src/scenario/load.js';
import type { Plot } from '../../src/sense/plot.js';
import type { SimEvent } from '../../src/sim/events.js';
import { runCli } from './run-cli.js';
import { SITE_FILE, astFile, badDatagrams, pcapFile, simulatedPlots, tempFile, toDatagrams } from '../io/recording-helpers.js';

const site = loadSite(SITE_FILE);
const { plots: PLOTS } = simulatedPlots();
const good = toDatagrams(PLOTS, site);
const bad = badDatagrams(site, PLOTS[0]!);
const mixed = [...good];
bad.forEach((b, i) => {
  const at = Math.floor(((i + 1) * mixed.length) / (bad.length + 1));
  mixed.splice(at, 0, { time: mixed[at - 1]!.time, payload: b.payload, dstPort: 30048 });
});
const PCAP = pcapFile(mixed);

type Ev = SimEvent & Record<string, unknown>;
const readEvents = (dir: string): Ev[] =>
  readFileSync(join(dir, 'events.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as Ev);

describe('tocsin process', () => {
  it('writes every decoded plot to events.jsonl in time order, the report with the rejects, and prints plots/s', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tocsin-process-'));
    const r = await runCli(['process', PCAP, '--site', SITE_FILE, '--out', dir]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const evs = readEvents(dir);
    const plots = evs.filter((e) => e.type === 'plot');
    expect(plots).toHaveLength(PLOTS.length);
    let last = -Infinity;
    for (const e of evs) {
      expect(e.t).toBeGreaterThanOrEqual(last);
      last = e.t;
    }
    for (const p of plots) {
      expect(['lcmr-1', 'tpq50-1']).toContain(p.sensor);
      for (const k of ['range', 'az', 'el']) expect(p[k]).toBeTypeOf('number');
      expect(p).not.toHaveProperty('truthId');
    }
    // the plot events are the simulated plots, to the LSBs of CAT048
    const first = PLOTS[0]!;
    expect(Math.abs((plots[0]!.t as number) - first.t)).toBeLessThan(0.01);

    const md = readFileSync(join(dir, 'report.md'), 'utf8');
    for (const b of bad) expect(md).toMatch(new RegExp(`\\| ${b.reason} \\| ${b.count} \\|`));
    expect(md).toContain('lcmr-1');
    expect(md).toContain('tpq50-1');
    expect(md).toMatch(/Tracks initiated: \d+, confirmed: \d+, ballistic: \d+/);
    const rep = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
    expect(rep.format).toBe('pcap');
    expect(rep.plots).toBe(PLOTS.length);
    expect(rep.datagrams).toBe(mixed.length);
    expect(rep.rejected.total).toBe(bad.reduce((s, b) => s + b.count, 0));
    expect(rep.rejected.reasons.map((x: { reason: string }) => x.reason).sort()).toEqual(bad.map((b) => b.reason).sort());
    for (const x of rep.rejected.reasons) expect(x.lastMessage.length).toBeGreaterThan(0);
    const perSensor = Object.fromEntries(rep.sensors.map((s: { sensor: string; plots: number }) => [s.sensor, s.plots]));
    expect(perSensor).toEqual({
      'lcmr-1': PLOTS.filter((p) => p.sensorId === 'lcmr-1').length,
      'tpq50-1': PLOTS.filter((p) => p.sensorId === 'tpq50-1').length,
    });
    expect(rep.engine.plots).toBe(PLOTS.length);
    expect(rep.performance.plotsPerSecond).toBeGreaterThan(0);
    expect(rep.start.slice(0, 10)).toBe('2021-12-19');

    expect(r.out).toBe(md);
    const line = r.out.trim().split('\n').pop()!;
    expect(line).toMatch(new RegExp(`^processed ${PLOTS.length.toLocaleString('en-US')} plots in [\\d.]+ s: [\\d,]+ plots/s`));
  });

  it('--json prints the report as JSON (the plots/s line on stderr); an .ast with --date gives the same plot events', async () => {
    const r = await runCli(['process', PCAP, '--site', SITE_FILE, '--json']);
    expect(r.code).toBe(0);
    const rep = JSON.parse(r.out);
    expect(rep.plots).toBe(PLOTS.length);
    expect(r.err).toMatch(/^processed [\d,]+ plots in/);

    const a = mkdtempSync(join(tmpdir(), 'tocsin-process-pcap-'));
    const b = mkdtempSync(join(tmpdir(), 'tocsin-process-ast-'));
    expect((await runCli(['process', pcapFile(good), '--site', SITE_FILE, '--out', a])).code).toBe(0);
    const ast = await runCli(['process', astFile(good), '--site', SITE_FILE, '--out', b, '--date', '2021-12-19']);
    expect(ast.code).toBe(0);
    expect(ast.out).toMatch(/times of day put on 2021-12-19/);
    expect(readFileSync(join(b, 'events.jsonl'), 'utf8')).toBe(readFileSync(join(a, 'events.jsonl'), 'utf8'));
    // without --date an .ast is put on today, and the command says so
    const today = await runCli(['process', astFile(good), '--site', SITE_FILE, '--json']);
    expect(today.code).toBe(0);
    expect(today.err).toMatch(/raw ASTERIX has no dates: plots put on \d{4}-\d\d-\d\d \(today, UTC\); give --date/);
    expect(JSON.parse(today.out).assumedDate).toBe(new Date().toISOString().slice(0, 10));
  });

  it('bad input exits 2 with a message naming the file or option', async () => {
    const missing = await runCli(['process', 'no/such/recording.pcap', '--site', SITE_FILE]);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/no\/such\/recording\.pcap: file not found/);

    const text = tempFile('this is not a capture\n'.repeat(10), 'pcap');
    const notAsterix = await runCli(['process', text, '--site', SITE_FILE]);
    expect(notAsterix.code).toBe(2);
    expect(notAsterix.err).toContain(`${text}: neither a libpcap capture nor raw ASTERIX`);

    const noSite = await runCli(['process', PCAP]);
    expect(noSite.code).toBe(2);
    expect(noSite.err).toMatch(/required option '--site <file>' not specified/);

    const badSite = await runCli(['process', PCAP, '--site', 'no/such/site.yaml']);
    expect(badSite.code).toBe(2);
    expect(badSite.err).toMatch(/no\/such\/site\.yaml: file not found/);

    const badDate = await runCli(['process', PCAP, '--site', SITE_FILE, '--date', '2021-13-01']);
    expect(badDate.code).toBe(2);
    expect(badDate.err).toMatch(/--date: must be a UTC date YYYY-MM-DD, got "2021-13-01"/);
  });

  it('--help names the formats, the options and the --date default', async () => {
    const r = await runCli(['process', '--help']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/libpcap/);
    expect(r.out).toMatch(/--site <file>/);
    expect(r.out).toMatch(/--out <dir>/);
    expect(r.out).toMatch(/--date <yyyy-mm-dd>/);
    expect(r.out).toMatch(/default:\s+today,\s+UTC/);
    expect(r.out).toMatch(/--json/);
  });
});

describe('runEngine', () => {
  it('feeds the engine 0.5 s windows of time-ordered plots, each plot before its window end, and skips long silences', () => {
    const t0 = 1639873800;
    const mk = (t: number): Plot => ({ t, sensorId: 'lcmr-1', sac: 25, sic: 1, range: 1000, az: 0, el: 0.1 });
    // 3 plots, a 2 h silence, 2 plots
    const plots = [mk(t0 + 0.1), mk(t0 + 0.2), mk(t0 + 0.7), mk(t0 + 7200.3), mk(t0 + 7200.4)];
    const engine = new Engine(site);
    const calls: Array<{ n: number; until: number }> = [];
    const ingest = engine.ingest.bind(engine);
    engine.ingest = (ps: readonly Plot[], until: number) => {
      for (const p of ps) expect(p.t).toBeLessThan(until);
      calls.push({ n: ps.length, until });
      return ingest(ps, until);
    };
    let finishedAt = NaN;
    engine.finish = (t: number) => ((finishedAt = t), []);
    const evs: SimEvent[] = [];
    runEngine(engine, plots, (e) => evs.push(e));
    expect(evs.filter((e) => e.type === 'plot')).toHaveLength(5);
    expect(calls[0]).toEqual({ n: 2, until: t0 + 0.5 });
    expect(calls[1]).toEqual({ n: 1, until: t0 + 1 });
    expect(calls.reduce((s, c) => s + c.n, 0)).toBe(5);
    // empty windows for a minute after the last plot, then straight to the next plot's window
    expect(calls.length).toBeLessThan(2 + 130 + 2);
    expect(calls[calls.length - 1]!.until).toBe(t0 + 7200.5);
    expect(finishedAt).toBe(t0 + 7200.5);
    for (let i = 1; i < calls.length; i++) expect(calls[i]!.until).toBeGreaterThan(calls[i - 1]!.until);
  });
});
