/**
 * `tocsin simulate SCENARIO.yaml [--seed N] [--out DIR] [--json]`: runs a scenario to the end and prints
 * the summary; with --out writes events.jsonl, report.md and report.json.
 */
import { mkdirSync, openSync, writeSync, closeSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../core/errors.js';
import { loadScenario } from '../scenario/load.js';
import { runSimulation } from '../sim/simulation.js';
import { formatEvent, type SimEvent } from '../sim/events.js';
import { summarise, summaryMarkdown } from '../report/summary.js';
import { startProgress } from './progress.js';

export interface SimulateOptions {
  seed?: number;
  out?: string;
  json?: boolean;
}

/** Buffered line writer: events.jsonl of a large salvo is tens of MB, written in 1 MB chunks. */
class LineFile {
  private fd: number;
  private buf: string[] = [];
  private size = 0;
  constructor(path: string) {
    this.fd = openSync(path, 'w');
  }
  write(s: string): void {
    this.buf.push(s);
    this.size += s.length;
    if (this.size > 1 << 20) this.flush();
  }
  flush(): void {
    if (this.buf.length) writeSync(this.fd, this.buf.join(''));
    this.buf = [];
    this.size = 0;
  }
  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

export async function simulateCommand(file: string, opts: SimulateOptions, stdout: NodeJS.WritableStream = process.stdout): Promise<void> {
  const scenario = loadScenario(file);
  let events: LineFile | undefined;
  if (opts.out) {
    mkdirSync(opts.out, { recursive: true });
    events = new LineFile(join(opts.out, 'events.jsonl'));
  }
  const progress = startProgress(`simulate ${scenario.name}`, { quiet: opts.json === true && !process.stderr.isTTY });
  const sink = events ? (ev: SimEvent) => events.write(formatEvent(ev)) : () => {};
  let run;
  try {
    run = runSimulation(scenario, { ...(opts.seed !== undefined ? { seed: opts.seed } : {}), sink, onProgress: (f) => progress.update(f) });
  } finally {
    progress.stop();
    events?.close();
  }
  const summary = summarise(run);
  const md = summaryMarkdown(summary);
  const json = JSON.stringify(summary, null, 2) + '\n';
  if (opts.out) {
    writeFileSync(join(opts.out, 'report.md'), md);
    writeFileSync(join(opts.out, 'report.json'), json);
  }
  stdout.write(opts.json ? json : md);
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
    .option('--out <dir>', 'write events.jsonl, report.md, report.json into DIR')
    .option('--json', 'print the report as JSON on stdout')
    .action(async (file: string, opts: SimulateOptions) => {
      await simulateCommand(file, opts);
    });
}
