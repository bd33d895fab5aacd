/**
 * The live service's alert path without sockets: src/service/pipeline.ts (journal on a SQLite file with the
 * service's background checkpoints, engine, incident builder) on the bench's 1,000-threat salvo, first radar
 * alone, fed in sixteenths of a revolution (62.5 ms of data: the sector batches the service gets). Timed per
 * batch while ≥ 800 tracks are confirmed (the service bench's window): from the step's start to the moment
 * each alert message is handed over (journaled: a prediction's as soon as it is made), and the whole step.
 *
 * Twice: back to back (the next batch at once), and with a 50 ms sleep before each batch — as the service
 * meets them, a sector apart. The difference is the machine, not the code: on a shared VM the caches are cold
 * after a pause (bench/service.ts prints the same factor for a fixed computation). So this splits the
 * service's latency figure into what the engine costs and what the machine adds.
 *
 * Also the garbage collector's pauses inside the measured batches (perf_hooks 'gc' entries): a scavenge costs
 * 1–7 ms here, so how often one lands in a batch is a p99 matter, and it follows the engine's allocation rate.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { constants, performance, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { generateSalvo, DEFAULT_SALVO } from '../src/scenario/generate-salvo.js';
import { parseScenario } from '../src/scenario/load.js';
import type { Scenario } from '../src/scenario/types.js';
import type { Plot } from '../src/sense/plot.js';
import { quantiles } from '../src/service/metrics.js';
import { Pipeline } from '../src/service/pipeline.js';
import { runSimulation } from '../src/sim/simulation.js';
import { Journal } from '../src/store/journal.js';

/** batches per 0.5 s simulation window: 62.5 ms each, a sixteenth of the 1 s radar's turn */
const SUB = 8;
const PAUSE_MS = 50;
const MIN_CONFIRMED = 800;

interface Batch {
  plots: Plot[];
  until: number;
}

function batchesOf(count: number, window: number, seed: number): { scenario: Scenario; batches: Batch[] } {
  const scenario = parseScenario(generateSalvo({ ...DEFAULT_SALVO, count, windowSeconds: window, seed }), 'scenarios/bench-salvo.yaml');
  scenario.site.sensors = scenario.site.sensors.slice(0, 1);
  const batches: Batch[] = [];
  runSimulation(scenario, {
    sink: () => {},
    onPlots: (plots, until) => {
      const w = 0.5 / SUB;
      for (let k = SUB - 1; k >= 0; k--) {
        const u = until - k * w;
        batches.push({ plots: plots.filter((p) => p.t <= u && p.t > u - w), until: u });
      }
      return [];
    },
  });
  return { scenario, batches };
}

/** One pass; ms in the window: [to each alert message handed over, whole step per batch]. */
function pass(data: { scenario: Scenario; batches: Batch[] }, pauseMs: number): { alert: number[]; step: number[]; spans: number[] } {
  const dir = mkdtempSync(join(tmpdir(), 'tocsin-bench-pipeline-'));
  const journal = Journal.open(join(dir, 'journal.db'), { backgroundCheckpointMs: 1000 });
  const pipe = new Pipeline(data.scenario.site, journal, { engine: { met: data.scenario.environment } });
  const pause = new Int32Array(new SharedArrayBuffer(4));
  const alert: number[] = [];
  const step: number[] = [];
  const spans: number[] = []; // measured batches' [start, end] (performance.now), for the GC count
  try {
    for (const b of data.batches) {
      let confirmed = 0;
      for (const t of pipe.engine.tracker.live) if (t.status === 'confirmed') confirmed++;
      const measured = confirmed >= MIN_CONFIRMED;
      if (measured && pauseMs > 0) Atomics.wait(pause, 0, 0, pauseMs);
      const t0 = performance.now();
      const handed: number[] = [];
      pipe.step(b.plots, b.until, (alerts) => {
        const ms = performance.now() - t0;
        for (let k = 0; k < alerts.length; k++) handed.push(ms);
      });
      const ms = performance.now() - t0;
      if (!measured) continue;
      spans.push(t0, t0 + ms);
      step.push(ms);
      alert.push(...handed);
    }
  } finally {
    journal.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return { alert, step, spans };
}

/** GC pauses that started inside one of the spans: count (scavenges, others), total ms, batches hit. */
function gcInside(gcs: readonly PerformanceEntry[], spans: readonly number[]): string {
  let n = 0;
  let minor = 0;
  let ms = 0;
  let hit = 0;
  let k = 0;
  const sorted = [...gcs].sort((a, b) => a.startTime - b.startTime);
  for (let i = 0; i < spans.length; i += 2) {
    const a = spans[i]!;
    const b = spans[i + 1]!;
    while (k < sorted.length && sorted[k]!.startTime < a) k++;
    let any = false;
    for (let j = k; j < sorted.length && sorted[j]!.startTime <= b; j++) {
      const e = sorted[j]!;
      n++;
      ms += e.duration;
      if ((e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MINOR) minor++;
      any = true;
    }
    if (any) hit++;
  }
  return `GC in the batches: ${n} pauses (${minor} scavenges), ${ms.toFixed(1)} ms, ${hit} of ${spans.length / 2} batches hit`;
}

const f = (v: number): string => (v < 10 ? v.toFixed(2) : v.toFixed(1));

export async function bench(): Promise<void> {
  const t = performance.now();
  // warm-up: a smaller salvo through a pipeline of its own (the service runs for hours)
  pass(batchesOf(200, 3, 8), 0);
  const data = batchesOf(1000, 5, 7);
  console.log(
    `Pipeline (journal, engine, incidents) on the 1,000-threat salvo, first radar, ${data.batches.length} batches of 62.5 ms of data ` +
      `(made in ${((performance.now() - t) / 1000).toFixed(1)} s); measured while ≥ ${MIN_CONFIRMED} tracks are confirmed. ` +
      'ms p50 / p99 (alert messages; batches): to each alert handed over; the whole step.',
  );
  const gcs: PerformanceEntry[] = [];
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcs.push(e);
  });
  obs.observe({ entryTypes: ['gc'] });
  try {
    for (const pauseMs of [0, PAUSE_MS, 0, PAUSE_MS]) {
      gcs.length = 0;
      const r = pass(data, pauseMs);
      await new Promise((resolve) => setTimeout(resolve, 10)); // the observer's entries arrive asynchronously
      const a = quantiles(r.alert);
      const s = quantiles(r.step);
      console.log(
        `  ${pauseMs ? `after a ${pauseMs} ms pause` : 'back to back      '}  alert ${f(a.p50)} / ${f(a.p99)} (${a.n})   step ${f(s.p50)} / ${f(s.p99)} (${s.n})   ` +
          gcInside(gcs, r.spans),
      );
    }
  } finally {
    obs.disconnect();
  }
}
