/**
 * `tocsin process RECORDING --site SITE.yaml [--out DIR] [--date YYYY-MM-DD] [--json]`: runs the engine as fast
 * as possible over recorded ASTERIX CAT048 (a libpcap capture of the UDP datagrams, or raw data blocks, .ast)
 * and writes what `simulate` writes (events.jsonl, report.md, report.json); prints the report and the plots per
 * second at the end.
 *
 * The recording is read whole and sorted by plot time (src/io/recording.ts), then fed to the engine in windows
 * of 0.5 s of plot time, as the simulator does; each window's plot events and engine events go to events.jsonl
 * in time order.
 */
import { writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Command } from 'commander';
import { Engine } from '../engine/engine.js';
import { parseUtcDate, readRecording, type Recording } from '../io/recording.js';
import { processReport, processReportMarkdown, throughputLine, type ProcessReport } from '../report/process-report.js';
import { loadSite } from '../scenario/load.js';
import type { Plot } from '../sense/plot.js';
import { compareEvents, type SimEvent } from '../sim/events.js';
import { plotEvent } from '../sim/simulation.js';
import { startProgress } from './progress.js';
import { RunOutputs } from './outputs.js';

export interface ProcessOptions {
  site: string;
  out?: string;
  json?: boolean;
  /** .ast only: UTC date (YYYY-MM-DD) of the first plot */
  date?: string;
}

/** Engine window, s of plot time (the simulator's default window). */
export const WINDOW = 0.5;
/** After this long without plots the engine is told nothing more until the next plot (s): no empty windows over hours of silence. */
const MAX_IDLE = 60;


/**
 * Feeds time-ordered plots to the engine in windows of WINDOW s of plot time (aligned to multiples of WINDOW),
 * calls finish at the end, and hands every event (plots and the engine's) to `sink` in time order. Returns
 * the seconds spent inside the engine.
 */
export function runEngine(engine: Engine, plots: readonly Plot[], sink: (ev: SimEvent) => void, onProgress?: (fraction: number) => void): number {
  const n = plots.length;
  if (n === 0) return 0;
  let engineMs = 0;
  const base = Math.floor(plots[0]!.t / WINDOW) * WINDOW;
  let k = 1;
  let i = 0;
  let end = base;
  const events: SimEvent[] = [];
  while (i < n) {
    end = base + k * WINDOW;
    let j = i;
    while (j < n && plots[j]!.t < end) j++;
    const batch = plots.slice(i, j);
    const a = performance.now();
    const produced = engine.ingest(batch, end);
    engineMs += performance.now() - a;
    events.length = 0;
    for (const p of batch) events.push(plotEvent(p));
    for (const ev of produced) events.push(ev);
    events.sort(compareEvents);
    for (const ev of events) sink(ev);
    i = j;
    if (i < n && end - plots[i - 1]!.t >= MAX_IDLE) k = Math.max(k + 1, Math.floor((plots[i]!.t - base) / WINDOW) + 1);
    else k++;
    onProgress?.(i / n);
  }
  const a = performance.now();
  const last = engine.finish(end);
  engineMs += performance.now() - a;
  last.sort(compareEvents);
  for (const ev of last) sink(ev);
  return engineMs / 1000;
}

/** CAP <sender> of alerts from recorded data */
const CAP_SENDER = 'tocsin-process@example.invalid';

export async function processCommand(file: string, opts: ProcessOptions, stdout: NodeJS.WritableStream = process.stdout): Promise<ProcessReport> {
  const t0 = performance.now();
  if (opts.date !== undefined) parseUtcDate(opts.date);
  const site = loadSite(opts.site);
  const tSite = performance.now();
  const name = basename(file);
  const quiet = opts.json === true && !process.stderr.isTTY;
  const reading = startProgress(`read ${name}`, { quiet });
  let rec: Recording;
  try {
    rec = readRecording(file, site, { ...(opts.date !== undefined ? { date: opts.date } : {}), onProgress: (f) => reading.update(f) });
  } finally {
    reading.stop();
  }
  if (rec.kind === 'pcap' && opts.date !== undefined) process.stderr.write(`tocsin: ${file}: --date ignored: a capture's timestamps give the date\n`);
  if (rec.kind === 'ast' && opts.date === undefined) process.stderr.write(`tocsin: ${file}: raw ASTERIX has no dates: plots put on ${rec.date} (today, UTC); give --date\n`);
  const t1 = performance.now();

  const outputs = new RunOutputs(site, opts.out, CAP_SENDER);
  const engine = new Engine(site);
  const progress = startProgress(`process ${name}`, { quiet });
  let engineSeconds: number;
  try {
    engineSeconds = runEngine(engine, rec.plots, (ev) => outputs.add(ev), (f) => progress.update(f));
    outputs.close(rec.plots.at(-1)?.t ?? 0);
  } catch (e) {
    outputs.abort();
    throw e;
  } finally {
    progress.stop();
  }
  const totalSeconds = (performance.now() - t0) / 1000;

  const report = processReport(file, site, rec, engine.stats, {
    siteSeconds: (tSite - t0) / 1000,
    readSeconds: (t1 - tSite) / 1000,
    engineSeconds,
    totalSeconds,
  });
  const md = outputs.incidentsMarkdown() + processReportMarkdown(report);
  const json = JSON.stringify(report, null, 2) + '\n';
  if (opts.out) {
    writeFileSync(join(opts.out, 'report.md'), md);
    writeFileSync(join(opts.out, 'report.json'), json);
  }
  if (opts.json) {
    stdout.write(json);
    process.stderr.write(throughputLine(report) + '\n');
  } else {
    stdout.write(md); // ends with the throughput line
  }
  return report;
}

function parseDate(v: string): string {
  parseUtcDate(v, '--date');
  return v;
}

export function register(program: Command): void {
  program
    .command('process')
    .description(
      'run the engine as fast as possible over recorded ASTERIX CAT048 (a libpcap capture of the UDP datagrams, or raw data blocks); ' +
        'print the report (datagrams, plots, rejects by reason, per-sensor counts, tracks) and the plots per second',
    )
    .argument('<recording>', 'libpcap capture (.pcap) or raw concatenated ASTERIX data blocks (.ast), told apart by their first bytes')
    .requiredOption('--site <file>', "site YAML file: its sensors' SAC/SIC and positions interpret the plots")
    .option('--out <dir>', 'write events.jsonl, report.md, report.json, tracks.geojson and alerts/*.cap.xml into DIR')
    .option(
      '--date <yyyy-mm-dd>',
      "raw .ast only (it has no capture times; CAT048 carries only the time of day): UTC date of the first plot, later plots follow it over midnight (default: today, UTC); a pcap's dates come from its timestamps",
      parseDate,
    )
    .option('--json', 'print the report as JSON on stdout (the plots-per-second line then goes to stderr)')
    .action(async (file: string, opts: ProcessOptions) => {
      await processCommand(file, opts);
    });
}
