/**
 * The Monte Carlo planner behind `tocsin plan` (docs/planning.md): N random attacks on a site, each run
 * through the whole engine, each measured against its truth; the runs spread over K worker threads.
 *
 * Run i: seed = first seed + i; the attack is drawn from that seed (`planAttack`), the radars' noise too
 * (the scenario seed), so a run is a pure function of (base scenario, i, options) wherever it executes.
 * Workers take run indices one at a time (the idle one gets the next: long runs do not hold up the rest)
 * and send back only the run's record (its attack and metrics, a few kilobytes); the records are put back in
 * run order, so the result is byte-identical for any K.
 *
 * Workers run `mc-worker.js`, the compiled sibling of this module. Under a TypeScript test runner that file
 * does not exist: the runs then go in-process and `PlanResult.mode` says so.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Scenario } from '../scenario/load.js';
import type { ScenarioTruth } from '../scenario/truth.js';
import { attackWarning, type AttackWarning, type ThreatFact } from '../report/warning-metrics.js';
import { attackOptions, planAttack, type AttackOptions } from './attacks.js';
import { simulateScenario } from './run.js';
import type { SimulationRun } from './simulation.js';
import type { Track } from '../track/tracker.js';

export interface PlanConfig {
  base: Scenario;
  runs: number;
  /** seed of run 0 (default: the base scenario's seed); run i uses seed + i */
  seed?: number;
  attack?: Partial<AttackOptions>;
}

export interface AttackThreat {
  id: string;
  type: string;
  /** s after the scenario start */
  at: number;
  launch: { lat: number; lon: number };
  aim: { lat: number; lon: number };
}

/** What one run sends back. */
export interface RunRecord {
  run: number;
  seed: number;
  threats: AttackThreat[];
  /** drones, aircraft and birds in the run */
  flyers: number;
  tracksConfirmed: number;
  tracksBallistic: number;
  metrics: AttackWarning;
}

export interface PlanResult {
  records: RunRecord[];
  /** worker threads used (1: in-process) */
  workers: number;
  mode: 'workers' | 'in-process' | 'in-process (no compiled worker file)';
}

export interface PlanRunOptions {
  /** worker threads (default: the available parallelism, at most the number of runs); 1 runs in-process */
  workers?: number;
  /** called after each run with the number of runs done */
  onProgress?: (done: number, total: number) => void;
}

/** Messages between the planner and its workers. */
export interface WorkerData {
  base: Scenario;
  seed: number;
  attack: Partial<AttackOptions>;
}
export type ToWorker = { run: number } | { stop: true };
export type FromWorker = { run: number; record: RunRecord } | { run: number; error: string };

/** The truth facts of each threat of a run, for the warning metrics. */
export function threatFacts(truth: ScenarioTruth, run: Pick<SimulationRun, 'detections'>): ThreatFact[] {
  return truth.threats.map((th) => {
    const f: ThreatFact = {
      id: th.id,
      type: th.def.type,
      launchTime: th.launchTime,
      impactTime: th.impactTime,
      impact: { lat: th.trajectory.impact.lat, lon: th.trajectory.impact.lon },
    };
    const d = run.detections.get(th.id)?.firstDetection;
    if (d) f.firstDetection = d.t;
    // set by an interception in simulation (read loosely: older truths have no such field)
    const killed = (th as { killed?: { t: number } }).killed;
    if (killed) f.interceptTime = killed.t;
    return f;
  });
}

/** One run of a plan: the attack of seed base + run, simulated, measured. */
export function planRun(base: Scenario, run: number, seed: number, attack: Partial<AttackOptions> = {}): RunRecord {
  const scenario = planAttack(base, run, attack, seed);
  // keyed by the track object (its number is given at confirmation, after its first updates), then by number
  const byTrack = new Map<Track, Map<string, number>>();
  const result = simulateScenario(scenario, {
    seed: scenario.seed,
    engine: {
      onUpdate: (track, plot) => {
        if (plot.truthId === undefined) return;
        let m = byTrack.get(track);
        if (!m) byTrack.set(track, (m = new Map()));
        m.set(plot.truthId, (m.get(plot.truthId) ?? 0) + 1);
      },
    },
  });
  const trackSources = new Map([...byTrack].map(([tr, m]) => [tr.id, m]));
  const metrics = attackWarning({
    zones: scenario.site.zones,
    assets: scenario.site.assets,
    threats: threatFacts(result.truth, result.run),
    events: result.events,
    trackSources,
  });
  return {
    run,
    seed: scenario.seed,
    threats: scenario.threats.map((t) => ({
      id: t.id,
      type: t.type,
      at: t.at,
      launch: { lat: t.launch.lat, lon: t.launch.lon },
      aim: 'lat' in t.aim ? { lat: t.aim.lat, lon: t.aim.lon } : { lat: NaN, lon: NaN },
    })),
    flyers: scenario.nonBallistic.length,
    tracksConfirmed: result.engine.stats.tracksConfirmed,
    tracksBallistic: result.engine.stats.tracksBallistic,
    metrics,
  };
}

/** The compiled worker beside this module (absent when running from TypeScript sources). */
export function workerUrl(): URL | undefined {
  const url = new URL('./mc-worker.js', import.meta.url);
  return url.protocol === 'file:' && existsSync(fileURLToPath(url)) ? url : undefined;
}

/** Default worker count: the machine's available parallelism, at most one per run. */
export function defaultWorkers(runs: number): number {
  return Math.max(1, Math.min(availableParallelism(), runs));
}

async function inProcess(cfg: PlanConfig, seed: number, onProgress?: PlanRunOptions['onProgress']): Promise<RunRecord[]> {
  const out: RunRecord[] = [];
  for (let i = 0; i < cfg.runs; i++) {
    out.push(planRun(cfg.base, i, seed, cfg.attack));
    onProgress?.(i + 1, cfg.runs);
    // let timers (the progress bar) run between runs
    await new Promise((resolve) => setImmediate(resolve));
  }
  return out;
}

function withWorkers(url: URL, k: number, cfg: PlanConfig, seed: number, onProgress?: PlanRunOptions['onProgress']): Promise<RunRecord[]> {
  return new Promise((resolve, reject) => {
    const records: (RunRecord | undefined)[] = new Array<RunRecord | undefined>(cfg.runs);
    const workers: Worker[] = [];
    const data: WorkerData = { base: cfg.base, seed, attack: cfg.attack ?? {} };
    let next = 0;
    let done = 0;
    let failed = false;
    const stopAll = (): void => {
      for (const w of workers) void w.terminate();
    };
    const fail = (err: Error): void => {
      if (failed) return;
      failed = true;
      stopAll();
      reject(err);
    };
    const feed = (w: Worker): void => {
      if (next < cfg.runs) w.postMessage({ run: next++ } satisfies ToWorker);
      else w.postMessage({ stop: true } satisfies ToWorker);
    };
    for (let i = 0; i < k; i++) {
      const w = new Worker(url, { workerData: data });
      workers.push(w);
      w.on('message', (msg: FromWorker) => {
        if (failed) return;
        if ('error' in msg) {
          fail(new Error(`run ${msg.run} (seed ${seed + msg.run}): ${msg.error}`));
          return;
        }
        records[msg.run] = msg.record;
        done++;
        onProgress?.(done, cfg.runs);
        if (done === cfg.runs) {
          for (const x of workers) x.postMessage({ stop: true } satisfies ToWorker);
          resolve(records as RunRecord[]);
        } else feed(w);
      });
      w.on('error', (err) => fail(err));
      w.on('exit', (code) => {
        if (code !== 0 && done < cfg.runs) fail(new Error(`a plan worker exited with code ${code}`));
      });
      feed(w);
    }
  });
}

/** Runs a plan: N attacks over K workers (or in-process), records in run order. */
export async function runPlan(cfg: PlanConfig, opts: PlanRunOptions = {}): Promise<PlanResult> {
  if (!Number.isInteger(cfg.runs) || cfg.runs < 1) throw new RangeError(`runs must be a positive integer, got ${cfg.runs}`);
  attackOptions(cfg.attack); // validate before starting anything
  const seed = cfg.seed ?? cfg.base.seed;
  const k = Math.max(1, Math.min(opts.workers ?? defaultWorkers(cfg.runs), cfg.runs));
  if (k === 1) return { records: await inProcess(cfg, seed, opts.onProgress), workers: 1, mode: 'in-process' };
  const url = workerUrl();
  if (!url) return { records: await inProcess(cfg, seed, opts.onProgress), workers: 1, mode: 'in-process (no compiled worker file)' };
  return { records: await withWorkers(url, k, cfg, seed, opts.onProgress), workers: k, mode: 'workers' };
}
