/**
 * `tocsin plan`: three random attacks in-process give the report and the same numbers twice; bad usage exits
 * with 2; and, from the compiled build when there is one, worker threads give the same output as one thread.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadScenario } from '../../src/scenario/load.js';
import { runPlan } from '../../src/sim/monte-carlo.js';
import type { PlanReport } from '../../src/cli/plan.js';
import { runCli } from './run-cli.js';

const SCENARIO = 'scenarios/2021-12-19-green-zone-rockets.yaml';
const FILES = ['plan.md', 'plan.json', 'lead-times.svg', 'lead-ratio.svg', 'false-alarms.svg'];

describe('tocsin plan', () => {
  it('--runs 3 --workers 1 writes the report and charts, and the same numbers twice', async () => {
    const a = mkdtempSync(join(tmpdir(), 'tocsin-plan-a-'));
    const b = mkdtempSync(join(tmpdir(), 'tocsin-plan-b-'));
    const ra = await runCli(['plan', SCENARIO, '--runs', '3', '--workers', '1', '--out', a]);
    expect(ra.err).toMatch(/plan: 3 runs in [\d.]+ s in-process/);
    expect(ra.code).toBe(0);
    const rb = await runCli(['plan', SCENARIO, '--runs', '3', '--workers', '1', '--out', b]);
    expect(rb.code).toBe(0);
    expect(ra.out).toBe(rb.out);
    for (const f of FILES) expect(readFileSync(join(a, f)).equals(readFileSync(join(b, f))), f).toBe(true);

    expect(ra.out).toBe(readFileSync(join(a, 'plan.md'), 'utf8'));
    expect(ra.out).toContain('# Plan: 2021-12-19 Green Zone rockets');
    for (const h of ['## Warning lead time per zone', '## Missed warnings', '## False alarms', '## Interception', '](lead-times.svg)']) {
      expect(ra.out).toContain(h);
    }
    for (const f of FILES.filter((x) => x.endsWith('.svg'))) {
      const svg = readFileSync(join(a, f), 'utf8');
      expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
      expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    }

    const rep = JSON.parse(readFileSync(join(a, 'plan.json'), 'utf8')) as PlanReport;
    const base = loadScenario(SCENARIO);
    expect(rep.runs).toBe(3);
    expect(rep.firstSeed).toBe(base.seed);
    expect(rep.records.map((r) => [r.run, r.seed])).toEqual([[0, base.seed], [1, base.seed + 1], [2, base.seed + 2]]);
    const threats = rep.records.reduce((n, r) => n + r.threats.length, 0);
    expect(rep.summary.threats).toBe(threats);
    expect(rep.records.every((r) => r.threats.length >= 1 && r.threats.length <= 6)).toBe(true);
    expect(rep.summary.zones.map((z) => z.zoneId)).toEqual(base.site.zones.map((z) => z.id));
    // every round in a zone is either warned or missed
    for (const z of rep.summary.zones) expect(z.warned + z.missed).toBe(z.impacts);
  });

  it('options change the attacks: --threats, --types, --seed', async () => {
    const r = await runCli(['plan', SCENARIO, '--runs', '2', '--workers', '1', '--threats', '2', '--types', 'mortar-82,mortar-60', '--seed', '5', '--json']);
    expect(r.code).toBe(0);
    const rep = JSON.parse(r.out) as PlanReport;
    expect(rep.records.map((x) => x.seed)).toEqual([5, 6]);
    for (const rec of rep.records) {
      expect(rec.threats).toHaveLength(2);
      for (const t of rec.threats) expect(['mortar-82', 'mortar-60']).toContain(t.type);
    }
  });

  it('bad usage exits with 2', async () => {
    expect((await runCli(['plan', SCENARIO, '--runs', '0'])).code).toBe(2);
    expect((await runCli(['plan', SCENARIO])).code).toBe(2);
    expect((await runCli(['plan', SCENARIO, '--runs', '2', '--threats', '5-2'])).code).toBe(2);
    expect((await runCli(['plan', SCENARIO, '--runs', '2', '--types', 'rocket-999'])).code).toBe(2);
    expect((await runCli(['plan', 'no-such-file.yaml', '--runs', '2'])).code).toBe(2);
  });

  it('from TypeScript sources (no compiled worker) the runs go in-process, in run order', async () => {
    const base = loadScenario(SCENARIO);
    const res = await runPlan({ base, runs: 2, attack: { maxThreats: 2 } }, { workers: 2 });
    expect(res.mode).toBe('in-process (no compiled worker file)');
    expect(res.records.map((r) => r.run)).toEqual([0, 1]);
  });

  // The compiled build (npm run build) runs real worker threads: 2 workers must give what 1 gives.
  it.skipIf(!existsSync('dist/src/sim/mc-worker.js') || !existsSync('dist/src/cli/plan.js'))(
    'dist: --workers 2 gives byte-identical output to --workers 1',
    () => {
      const dirs = [1, 2].map((k) => {
        const dir = mkdtempSync(join(tmpdir(), `tocsin-plan-w${k}-`));
        const r = spawnSync('node', ['dist/src/cli/index.js', 'plan', SCENARIO, '--runs', '4', '--workers', String(k), '--out', dir], { encoding: 'utf8' });
        expect(r.status, r.stderr).toBe(0);
        expect(r.stderr).toContain(k === 1 ? 'in-process' : 'on 2 worker threads');
        return dir;
      });
      for (const f of FILES) expect(readFileSync(join(dirs[0]!, f)).equals(readFileSync(join(dirs[1]!, f))), f).toBe(true);
    },
  );
});
