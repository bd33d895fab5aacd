/**
 * `tocsin simulate SCENARIO.yaml [--seed N] [--out DIR] [--json]`: runs a scenario to the end and prints
 * the summary; with --out writes events.jsonl, report.md and report.json.
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../core/errors.js';
import { loadScenario } from '../scenario/load.js';
import { runSimulation } from '../sim/simulation.js';
import type { SimEvent } from '../sim/events.js';
import { summarise, summaryMarkdown } from '../report/summary.js';
import { Engine } from '../engine/engine.js';
import { TrackMetrics, metricsMarkdown } from '../report/track-metrics.js';
import { trackerSensor } from '../track/sensors.js';
import { truthAssessor } from '../sim/assess.js';
import { startProgress } from './progress.js';
import { RunOutputs } from './outputs.js';
import { writeFileSync } from 'node:fs';

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
  const outputs = new RunOutputs(scenario.site, opts.out, CAP_SENDER);
  const progress = startProgress(`simulate ${scenario.name}`, { quiet: opts.json === true && !process.stderr.isTTY });
  const sink = (ev: SimEvent): void => outputs.add(ev);
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
    outputs.close(run.truth.end);
  } catch (e) {
    outputs.abort();
    throw e;
  } finally {
    progress.stop();
  }
  const summary = summarise(run, engine.stats);
  const md = outputs.incidentsMarkdown() + summaryMarkdown(summary);
  const result = metrics?.result();
  const json = JSON.stringify({ incidents: outputs.incidentList(), ...summary, ...(result ? { metrics: result } : {}) }, null, 2) + '\n';
  const mmd = result ? metricsMarkdown(result) : '';
  if (opts.out) {
    writeFileSync(join(opts.out, 'report.md'), md + (mmd ? '\n' + mmd : ''));
    writeFileSync(join(opts.out, 'report.json'), json);
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
