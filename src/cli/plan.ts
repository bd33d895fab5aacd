/**
 * `tocsin plan SCENARIO.yaml --runs N [--workers K] [--out DIR]`: Monte Carlo over random attacks on the
 * scenario's site (docs/planning.md). Prints the distributions — warning lead time per zone against its
 * shelter time, lead over the oracle lead, missed warnings, false-alarm zones, warnings from drones and
 * clutter, leakers, intercepts, engagements of threats falling outside the defended assets — and with --out
 * writes plan.md, plan.json and SVG charts. The output depends on the scenario, the seeds and the options,
 * never on the number of workers.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../core/errors.js';
import { THREAT_TYPES, isThreatType, type ThreatType } from '../physics/threat-types.js';
import { loadScenario, type Scenario } from '../scenario/load.js';
import { attackOptions, type AttackOptions } from '../sim/attacks.js';
import { defaultWorkers, runPlan, type PlanResult, type RunRecord } from '../sim/monte-carlo.js';
import { barChartSvg, histogram, histogramSvg, niceStep, type HistogramPanel } from '../report/charts.js';
import { warningDistribution, type WarningDistribution } from '../report/warning-metrics.js';
import { startProgress } from './progress.js';

export interface PlanOptions {
  runs: number;
  workers?: number;
  out?: string;
  seed?: number;
  threats?: [number, number];
  types?: ThreatType[];
  window?: number;
  flyers?: number;
  json?: boolean;
}

export interface PlanReport {
  scenario: string;
  file: string;
  site: string;
  runs: number;
  /** run i used seed firstSeed + i */
  firstSeed: number;
  attack: AttackOptions;
  summary: WarningDistribution;
  records: RunRecord[];
}

/** The chart files --out writes, and what they show. */
export const CHARTS = {
  leadTimes: 'lead-times.svg',
  leadRatio: 'lead-ratio.svg',
  falseAlarms: 'false-alarms.svg',
} as const;

export function planReport(base: Scenario, file: string, opts: PlanOptions, result: PlanResult): PlanReport {
  const attack = attackOptions(attackOverrides(opts));
  const records = result.records;
  const summary = warningDistribution(
    records.map((r) => ({ run: r.run, seed: r.seed, metrics: r.metrics })),
    base.site.zones,
  );
  return { scenario: base.name, file, site: base.site.name, runs: records.length, firstSeed: opts.seed ?? base.seed, attack, summary, records };
}

function attackOverrides(opts: PlanOptions): Partial<AttackOptions> {
  const o: Partial<AttackOptions> = {};
  if (opts.threats) [o.minThreats, o.maxThreats] = opts.threats;
  if (opts.types) o.types = opts.types;
  if (opts.window !== undefined) o.windowSeconds = opts.window;
  if (opts.flyers !== undefined) o.flyers = opts.flyers;
  return o;
}

const num = (v: number | undefined, digits = 1): string => (v === undefined ? '—' : v.toFixed(digits));
const pct = (a: number, b: number): string => (b > 0 ? `${((100 * a) / b).toFixed(0)} %` : '—');

/** The report as Markdown (also what the command prints). */
export function planMarkdown(rep: PlanReport, charts = false): string {
  const s = rep.summary;
  const L: string[] = [];
  L.push(`# Plan: ${rep.scenario}`);
  L.push('');
  const last = rep.firstSeed + rep.runs - 1;
  const a = rep.attack;
  L.push(
    `${rep.runs} random attack${rep.runs === 1 ? '' : 's'} on ${rep.site} (seeds ${rep.firstSeed}–${last}): ` +
      `${a.minThreats}–${a.maxThreats} rounds each within ${a.windowSeconds} s, ${s.threats} rounds in all — ` +
      `${s.inZones} fell in warning zones, ${s.inAssets} in defended assets.`,
  );
  L.push('');
  L.push('## Warning lead time per zone');
  L.push(
    'Rounds whose impact point (or, if shot down, would-be impact point) lies in the zone. Siren lead = impact (or intercept) − ' +
      'start of the siren sounding in the zone; oracle lead = impact (or intercept) − first radar plot of the round.',
  );
  L.push('');
  L.push('| zone | shelter s | rounds | warned | missed | median lead s | 10th pct lead s | lead ≥ shelter | median oracle s | false alarms |');
  L.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const z of s.zones) {
    L.push(
      `| ${z.zoneName} | ${z.shelterSeconds} | ${z.impacts} | ${z.warned} | ${z.missed} | ${num(z.medianLead)} | ${num(z.p10Lead)} | ` +
        `${z.warned > 0 ? `${z.enough} (${pct(z.enough, z.impacts)})` : z.impacts > 0 ? '0' : '—'} | ${num(z.medianOracleLead)} | ${z.falseAlarms} |`,
    );
  }
  L.push('');
  L.push(`Lead / oracle lead: median ${num(s.medianLeadRatio, 2)}, 10th percentile ${num(s.p10LeadRatio, 2)} (${s.leadRatios.length} warned rounds).`);
  L.push('');
  L.push(`## Missed warnings: ${s.missed.length} of ${s.inZones} rounds in zones`);
  if (s.missed.length > 0) {
    L.push('');
    L.push('| run | seed | round | type | zone | why | oracle lead s |');
    L.push('|---:|---:|---|---|---|---|---:|');
    const shown = s.missed.slice(0, 50);
    for (const m of shown) L.push(`| ${m.run + 1} | ${m.seed} | ${m.threatId} | ${m.type} | ${m.zone} | ${m.reason} | ${num(m.oracleLead)} |`);
    if (s.missed.length > shown.length) L.push(`| … | | ${s.missed.length - shown.length} more in plan.json | | | | |`);
  }
  L.push('');
  L.push('## False alarms');
  L.push(
    `Zones that got a siren where nothing fell: ${s.falseAlarmZones} in all, ${num(s.falseAlarmZonesPerThreat, 3)} per round, ` +
      `${num(s.falseAlarmZonesPerAttack, 2)} per attack.`,
  );
  L.push('');
  L.push(`Warnings caused by drones, aircraft, birds or clutter: ${s.nonThreatAlerts.length}.`);
  for (const w of s.nonThreatAlerts.slice(0, 20)) {
    L.push(`- run ${w.run + 1} (seed ${w.seed}): alert ${w.alertId} (${w.stage}), tracks ${w.trackIds.join(', ') || '—'}, from ${w.sources.join(', ') || 'unknown'}`);
  }
  L.push('');
  L.push('## Interception');
  const e = s.engagements;
  L.push(`- Leakers (unintercepted rounds inside a defended asset): ${s.leakers.length} of ${s.inAssets} rounds on assets.`);
  for (const l of s.leakers.slice(0, 20)) L.push(`  - run ${l.run + 1} (seed ${l.seed}): ${l.threatId} (${l.type}) on ${l.asset}`);
  L.push(`- Intercepts: ${e.kills} kills / ${e.tracksEngaged} tracks engaged (${e.bursts} bursts, ${e.misses} misses, ${e.noSolution} without a firing solution, ${e.holds} held fire, ${e.outOfAmmunition} out of ammunition); rounds intercepted: ${s.intercepted}.`);
  L.push(`- Engagements of rounds falling outside every defended asset: ${e.threatsEngagedOutsideAssets} (must be 0).`);
  for (const x of s.engagedOutsideAssets.slice(0, 20)) {
    L.push(`  - run ${x.run + 1} (seed ${x.seed}): ${x.threatId} (${x.type}) fell ${x.zone !== undefined ? `in zone ${x.zone}` : 'outside every zone'}, ${x.bursts} burst${x.bursts === 1 ? '' : 's'}`);
  }
  L.push(`- Engagements of tracks no round fed (drones, birds, clutter): ${e.nonThreatTracksEngaged} (must be 0).`);
  if (charts) {
    L.push('');
    L.push('## Charts');
    L.push(`![Siren lead time per zone](${CHARTS.leadTimes})`);
    L.push('');
    L.push(`![Lead over oracle lead](${CHARTS.leadRatio})`);
    L.push('');
    L.push(`![False alarms per zone](${CHARTS.falseAlarms})`);
  }
  return L.join('\n') + '\n';
}

/** The SVG charts of a report, by file name. */
export function planCharts(rep: PlanReport): Record<string, string> {
  const s = rep.summary;
  const allLeads = s.zones.flatMap((z) => z.leads);
  const maxX = Math.max(10, ...allLeads, ...s.zones.map((z) => z.shelterSeconds * 1.2));
  const width = niceStep(maxX, 15);
  const hi = Math.ceil(maxX / width) * width;
  const panels: HistogramPanel[] = s.zones.map((z) => ({
    title: `${z.zoneName}`,
    note: `${z.impacts} rounds · ${z.warned} warned · ${z.missed} missed · median ${num(z.medianLead)} s`,
    bins: histogram(z.leads, width, 0, hi),
    markers: [{ x: z.shelterSeconds, label: `shelter ${z.shelterSeconds} s` }],
  }));
  const ratios = s.leadRatios;
  const rHi = Math.max(1.1, Math.ceil(Math.max(0, ...ratios) / 0.05) * 0.05);
  return {
    [CHARTS.leadTimes]: histogramSvg(panels, {
      title: `Siren lead time per zone — ${rep.runs} attacks`,
      xLabel: 'lead time before impact (s)',
      yLabel: 'rounds',
      columns: 3,
    }),
    [CHARTS.leadRatio]: histogramSvg(
      [{ title: `median ${num(s.medianLeadRatio, 2)} · 10th pct ${num(s.p10LeadRatio, 2)}`, bins: histogram(ratios, 0.05, 0, rHi), markers: [{ x: 1, label: 'oracle' }] }],
      { title: 'Siren lead over oracle lead (first radar plot → impact)', xLabel: 'lead / oracle lead', yLabel: 'rounds', panelWidth: 640, panelHeight: 280 },
    ),
    [CHARTS.falseAlarms]: barChartSvg(
      s.zones.map((z) => ({ label: z.zoneName, value: z.falseAlarms })),
      { title: `Sirens where nothing fell — ${rep.runs} attacks`, xLabel: 'attacks with a false siren in the zone' },
    ),
  };
}

export async function planCommand(file: string, opts: PlanOptions, stdout: NodeJS.WritableStream = process.stdout): Promise<PlanReport> {
  const base = loadScenario(file);
  const workers = opts.workers ?? defaultWorkers(opts.runs);
  const progress = startProgress(`plan ${base.name} (${opts.runs} runs, ${workers} worker${workers === 1 ? '' : 's'})`, {
    quiet: opts.json === true && !process.stderr.isTTY,
  });
  const t0 = performance.now();
  let result: PlanResult;
  try {
    result = await runPlan(
      { base, runs: opts.runs, ...(opts.seed !== undefined ? { seed: opts.seed } : {}), attack: attackOverrides(opts) },
      { workers, onProgress: (done, total) => progress.update(done / total) },
    );
  } finally {
    progress.stop();
  }
  const seconds = (performance.now() - t0) / 1000;
  const rep = planReport(base, file, opts, result);
  const md = planMarkdown(rep, opts.out !== undefined);
  const json = JSON.stringify(rep, null, 2) + '\n';
  if (opts.out) {
    mkdirSync(opts.out, { recursive: true });
    writeFileSync(join(opts.out, 'plan.md'), md);
    writeFileSync(join(opts.out, 'plan.json'), json);
    for (const [name, svg] of Object.entries(planCharts(rep))) writeFileSync(join(opts.out, name), svg);
  }
  stdout.write(opts.json ? json : md);
  if (!opts.json || process.stderr.isTTY) {
    process.stderr.write(`plan: ${rep.runs} runs in ${seconds.toFixed(1)} s ${result.mode === 'workers' ? `on ${result.workers} worker threads` : result.mode}\n`);
  }
  return rep;
}

function intOption(name: string, min: number): (v: string) => number {
  return (v: string) => {
    if (!/^-?\d+$/.test(v) || Number(v) < min) throw new InputError(`${name} must be an integer ≥ ${min}, got "${v}"`, undefined, undefined, name);
    return Number(v);
  };
}

function parseThreats(v: string): [number, number] {
  const m = /^(\d+)(?:-(\d+))?$/.exec(v);
  const lo = m ? Number(m[1]) : NaN;
  const hi = m ? Number(m[2] ?? m[1]) : NaN;
  if (!m || hi < lo || hi > 1000) throw new InputError(`--threats must be N or MIN-MAX (0 ≤ MIN ≤ MAX ≤ 1000), got "${v}"`, undefined, undefined, '--threats');
  return [lo, hi];
}

function parseTypes(v: string): ThreatType[] {
  const types = v.split(',').map((t) => t.trim()).filter((t) => t.length > 0);
  const bad = types.filter((t) => !isThreatType(t));
  if (types.length === 0 || bad.length > 0) {
    throw new InputError(`--types: unknown threat type ${bad.map((b) => `"${b}"`).join(', ') || '(none given)'} (valid: ${THREAT_TYPES.join(', ')})`, undefined, undefined, '--types');
  }
  return types as ThreatType[];
}

function parseWindow(v: string): number {
  const x = Number(v);
  if (!/^\d+(\.\d+)?$/.test(v) || !(x >= 0 && x <= 3600)) throw new InputError(`--window must be seconds in [0, 3600], got "${v}"`, undefined, undefined, '--window');
  return x;
}

export function register(program: Command): void {
  program
    .command('plan')
    .description(
      "Monte Carlo over random attacks on the scenario's site: warning lead time per zone vs shelter time and vs the oracle lead, " +
        'missed warnings, false alarms, warnings from drones and clutter, leakers, intercepts; --out writes plan.md, plan.json and SVG charts',
    )
    .argument('<scenario>', "scenario YAML file: its site, start, environment, drones and birds are kept, its threats replaced by random attacks")
    .requiredOption('--runs <n>', 'number of random attacks (run i uses seed + i)', intOption('--runs', 1))
    .option('--workers <k>', 'worker threads (default: available parallelism, at most one per run; 1 runs in-process)', intOption('--workers', 1))
    .option('--out <dir>', 'write plan.md, plan.json, lead-times.svg, lead-ratio.svg, false-alarms.svg into DIR')
    .option('--seed <n>', "seed of the first run (default: the scenario's)", intOption('--seed', -2147483648))
    .option('--threats <min-max>', 'rounds per attack, N or MIN-MAX (default 1-6)', parseThreats)
    .option('--types <list>', `threat types to draw from, comma-separated (default: all of ${THREAT_TYPES.join(', ')})`, parseTypes)
    .option('--window <s>', 'launches spread over this many seconds (default 20)', parseWindow)
    .option('--flyers <n>', 'random drones and birds added to each attack (default 0; the scenario\'s own are kept)', intOption('--flyers', 0))
    .option('--json', 'print the report as JSON on stdout')
    .action(async (file: string, opts: PlanOptions) => {
      await planCommand(file, opts);
    });
}
