/**
 * `tocsin simulate SCENARIO.yaml [--seed N] [--out DIR] [--json]`: runs a scenario to the end and prints
 * the summary; with --out writes events.jsonl, report.md and report.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../core/errors.js';
import { loadScenario } from '../scenario/load.js';
import { runSimulation } from '../sim/simulation.js';
import { TracksGeoJson } from '../io/geojson.js';
import { formatEvent, type AlertEvent, type SimEvent } from '../sim/events.js';
import { summarise, summaryMarkdown } from '../report/summary.js';
import { Engine } from '../engine/engine.js';
import { TrackMetrics, metricsMarkdown } from '../report/track-metrics.js';
import { trackerSensor } from '../track/sensors.js';
import { truthAssessor } from '../sim/assess.js';
import { IncidentBuilder, incidentMarkdown } from '../report/incident.js';
import { capXml } from '../io/cap.js';
import { startProgress } from './progress.js';
import { LineFile } from './line-file.js';

/** CAP <sender> of the simulator's alerts */
const CAP_SENDER = 'tocsin-simulator@example.invalid';

export interface SimulateOptions {
  seed?: number;
  out?: string;
  json?: boolean;
  metrics?: boolean;
  /** false: the filter ignores the scenario's wind and temperature (no met message) */
  met?: boolean;
}


export async function simulateCommand(file: string, opts: SimulateOptions, stdout: NodeJS.WritableStream = process.stdout): Promise<void> {
  const scenario = loadScenario(file);
  let events: LineFile | undefined;
  if (opts.out) {
    mkdirSync(opts.out, { recursive: true });
    events = new LineFile(join(opts.out, 'events.jsonl'));
  }
  const progress = startProgress(`simulate ${scenario.name}`, { quiet: opts.json === true && !process.stderr.isTTY });
  const geo = new TracksGeoJson();
  const incidents = new IncidentBuilder(scenario.site);
  const capDir = opts.out ? join(opts.out, 'alerts') : undefined;
  if (capDir) mkdirSync(capDir, { recursive: true });
  const write = (ev: SimEvent): void => {
    events?.write(formatEvent(ev));
    if (ev.type === 'track' || ev.type === 'prediction') geo.add(ev);
    if (ev.type === 'alert' && capDir && 'messageId' in ev) {
      const a = ev as AlertEvent;
      writeFileSync(join(capDir, `${a.messageId}.cap.xml`), capXml(a, scenario.site, { sender: CAP_SENDER }));
    }
  };
  const sink = (ev: SimEvent): void => {
    // an incident closed by this event's time is written before it (incident events carry their close time)
    incidents.add(ev);
    for (const inc of incidents.takeIncidentEvents()) write(inc);
    write(ev);
  };
  let metrics: TrackMetrics | undefined;
  const engine = new Engine(scenario.site, {
    ...(opts.met !== false ? { met: scenario.environment } : {}),
    onUpdate: (tr, plot) => metrics?.onUpdate(tr, plot),
    onPrediction: (tr, p) => metrics?.onPrediction(tr, p),
  });
  let nextGospa = -Infinity;
  let run;
  try {
    run = runSimulation(scenario, {
      ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
      sink,
      onProgress: (f) => progress.update(f),
      onStart: (truth) => {
        engine.assess = truthAssessor(truth, opts.seed ?? scenario.seed);
        if (opts.metrics) {
          const sensors = scenario.site.sensors.map((c) => trackerSensor(c, engine.frame));
          metrics = new TrackMetrics(truth, scenario.site, engine.frame, sensors);
          nextGospa = truth.start;
        }
      },
      onPlots: (plots, until) => {
        metrics?.onPlots(plots);
        const evs = engine.ingest(plots, until);
        if (metrics && until >= nextGospa) {
          metrics.sampleGospa(until, engine.tracker.live);
          nextGospa = Math.floor(until) + 1;
        }
        return evs;
      },
    });
    // closing times are kept to the millisecond: round up so the incident event does not precede the last one
    incidents.close(Math.ceil(run.truth.end * 1000) / 1000);
    for (const inc of incidents.takeIncidentEvents()) write(inc);
  } finally {
    progress.stop();
    events?.close();
  }
  const summary = summarise(run, engine.stats);
  const md =
    incidents
      .incidents()
      .map((inc) => incidentMarkdown(inc, scenario.site) + '\n')
      .join('') + summaryMarkdown(summary);
  const result = metrics?.result();
  const json = JSON.stringify({ incidents: incidents.incidents(), ...summary, ...(result ? { metrics: result } : {}) }, null, 2) + '\n';
  const mmd = result ? metricsMarkdown(result) : '';
  if (opts.out) {
    writeFileSync(join(opts.out, 'report.md'), md + (mmd ? '\n' + mmd : ''));
    writeFileSync(join(opts.out, 'report.json'), json);
    writeFileSync(join(opts.out, 'tracks.geojson'), JSON.stringify(geo.toJSON()) + '\n');
  }
  stdout.write(opts.json ? json : md + (mmd ? '\n' + mmd : ''));
}

function parseSeed(v: string): number {
  if (!/^-?\d+$/.test(v)) throw new InputError(`--seed must be an integer, got "${v}"`, undefined, undefined, '--seed');
  return Number(v);
}

export function register(program: Command): void {
  program
    .command('simulate')
    .description('run a scenario to the end: truth, radar plots (and, as they land, tracks, warnings, engagements); print the summary')
    .argument('<scenario>', 'scenario YAML file (e.g. scenarios/2021-12-19-green-zone-rockets.yaml)')
    .option('--seed <n>', "random seed (overrides the scenario's)", parseSeed)
    .option('--out <dir>', 'write events.jsonl, report.md, report.json, tracks.geojson and alerts/*.cap.xml into DIR')
    .option('--json', 'print the report as JSON on stdout')
    .option('--metrics', 'measure the tracker against the truth: impact and launch-point error vs the Cramér–Rao bound, NEES, false tracks, GOSPA')
    .option('--no-met', "do not give the tracker the scenario's wind and temperature (as if no met message were available)")
    .action(async (file: string, opts: SimulateOptions) => {
      await simulateCommand(file, opts);
    });
}
