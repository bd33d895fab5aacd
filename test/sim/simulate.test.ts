/** `tocsin simulate`: determinism, outputs, exit codes on bad input. */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../cli/run-cli.js';
import { loadScenario } from '../../src/scenario/load.js';
import { runSimulation } from '../../src/sim/simulation.js';
import type { SimEvent } from '../../src/sim/events.js';

const SCENARIO = 'scenarios/2021-12-19-green-zone-rockets.yaml';

describe('tocsin simulate', () => {
  it('same scenario and seed give byte-identical outputs; another seed gives other plots', async () => {
    const a = mkdtempSync(join(tmpdir(), 'tocsin-a-'));
    const b = mkdtempSync(join(tmpdir(), 'tocsin-b-'));
    const c = mkdtempSync(join(tmpdir(), 'tocsin-c-'));
    expect((await runCli(['simulate', SCENARIO, '--out', a])).code).toBe(0);
    expect((await runCli(['simulate', SCENARIO, '--out', b])).code).toBe(0);
    expect((await runCli(['simulate', SCENARIO, '--out', c, '--seed', '99'])).code).toBe(0);
    for (const f of ['events.jsonl', 'report.json', 'report.md']) {
      expect(readFileSync(join(a, f)).equals(readFileSync(join(b, f))), f).toBe(true);
    }
    expect(readFileSync(join(a, 'events.jsonl')).equals(readFileSync(join(c, 'events.jsonl')))).toBe(false);
  });

  it('writes truth and plot events in time order, each with type and t, plots near the truth', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tocsin-ev-'));
    await runCli(['simulate', SCENARIO, '--out', dir]);
    const lines = readFileSync(join(dir, 'events.jsonl'), 'utf8').trim().split('\n');
    const evs = lines.map((l) => JSON.parse(l) as SimEvent & Record<string, unknown>);
    let last = -Infinity;
    for (const e of evs) {
      expect(typeof e.type).toBe('string');
      expect(typeof e.t).toBe('number');
      expect(e.t).toBeGreaterThanOrEqual(last);
      last = e.t;
    }
    const launches = evs.filter((e) => e.type === 'truth' && e.event === 'launch');
    // the embassy's C-RAM may shoot one down: its end is then an 'intercepted' event, never also an impact
    const impacts = evs.filter((e) => e.type === 'truth' && (e.event === 'impact' || e.event === 'intercepted'));
    expect(launches).toHaveLength(2);
    expect(impacts).toHaveLength(2);
    expect(new Set(impacts.map((e) => e.threatId)).size).toBe(2);
    const plots = evs.filter((e) => e.type === 'plot');
    expect(plots.length).toBeGreaterThan(20);
    for (const p of plots) {
      expect(p).toHaveProperty('sensor');
      expect(p).toHaveProperty('range');
      expect(p).toHaveProperty('az');
      expect(p).toHaveProperty('el');
    }
    // every threat plot lies between its threat's launch and its impact (or interception: radars see no debris)
    for (const p of plots.filter((q) => typeof q.truthId === 'string' && !String(q.truthId).startsWith('clutter'))) {
      const l = launches.find((e) => e.threatId === p.truthId)!;
      const i = impacts.find((e) => e.threatId === p.truthId)!;
      expect(p.t).toBeGreaterThanOrEqual(l.t);
      expect(p.t).toBeLessThanOrEqual(i.t);
    }
  });

  it('--json prints the summary with both threats, first detection before impact', async () => {
    const r = await runCli(['simulate', SCENARIO, '--json']);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.out) as { threats: Array<{ type: string; timeOfFlight: number; firstDetection?: { beforeImpact: number } }> };
    expect(s.threats).toHaveLength(2);
    for (const t of s.threats) {
      expect(t.timeOfFlight).toBeGreaterThan(15);
      expect(t.firstDetection).toBeDefined();
      expect(t.firstDetection!.beforeImpact).toBeGreaterThan(5);
    }
  });

  it('a bad scenario exits 2 naming the file, line and field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tocsin-bad-'));
    const f = join(dir, 'bad.yaml');
    const good = readFileSync(SCENARIO, 'utf8');
    // make the site reference absolute so the copy still finds it, then break a threat type
    const site = loadScenario(SCENARIO).site.file;
    const text = good.replace(/^site:.*$/m, `site: ${site}`).replace(/type: rocket-122/, 'type: rocket-999');
    writeFileSync(f, text);
    const line = text.split('\n').findIndex((l) => l.includes('rocket-999')) + 1;
    const r = await runCli(['simulate', f]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(f);
    expect(r.err).toContain(`:${line}`);
    expect(r.err).toMatch(/rocket-999|type/);
  });

  it('a missing file and a bad --seed exit 2', async () => {
    expect((await runCli(['simulate', 'no/such/file.yaml'])).code).toBe(2);
    expect((await runCli(['simulate', SCENARIO, '--seed', 'abc'])).code).toBe(2);
  });

  it('events do not depend on the simulation window length', () => {
    const sc = loadScenario(SCENARIO);
    const collect = (window: number) => {
      const evs: string[] = [];
      runSimulation(sc, { window, sink: (e) => evs.push(JSON.stringify(e)) });
      return evs;
    };
    const a = collect(0.5);
    const b = collect(1.3);
    expect(b.length).toBe(a.length);
    expect(new Set(b)).toEqual(new Set(a));
  });
});

describe('tocsin simulate --out: the warning and report outputs', () => {
  it('writes one CAP file per alert message, each valid against the OASIS CAP 1.2 schema, and the incident report', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tocsin-cap-'));
    const r = await runCli(['simulate', SCENARIO, '--out', dir]);
    expect(r.code).toBe(0);
    const evs = readFileSync(join(dir, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as SimEvent & { messageId?: string });
    const alerts = evs.filter((e) => e.type === 'alert');
    expect(alerts.length).toBeGreaterThan(0);
    const files = readdirSync(join(dir, 'alerts')).sort();
    expect(files).toEqual(alerts.map((a) => `${a.messageId}.cap.xml`).sort());
    for (const f of files) {
      const x = spawnSync('xmllint', ['--noout', '--schema', '/work/shared/schemas/CAP-v1.2.xsd', join(dir, 'alerts', f)], { encoding: 'utf8' });
      expect(x.status, `${f}: ${x.stderr}`).toBe(0);
    }
    // the report names where the second rocket fell (the truth: Celebration Square, domain.md §3)
    expect(r.out).toMatch(/Celebration Square/);
    expect(evs.some((e) => e.type === 'incident')).toBe(true);
  });
});
