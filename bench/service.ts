/**
 * The live service (`tocsin serve`, src/service/) in-process, driven over real loopback sockets.
 *
 * 1. Latency at 10, 100 and 1,000 live tracks. A salvo of N threats (generateSalvo, launched within a few
 *    seconds, Green Zone site) is run once through the simulator (replaySchedule) and played as CAT048 by the
 *    Replayer at real time (speed 1, wall clock): the radars' real data rate, so the service's load and timing
 *    are those of a real salvo; played faster, the 1,000-track batches would queue behind each other (see 2.).
 *    The radars send a datagram per sector (BENCH_SECTORS a revolution, default 16) — its plots and its CAT034
 *    sector crossing (north marker at the end of a revolution), also when it held no plot — each leaving
 *    RADAR_DELAY after the beam left the sector (the Replayer alone sends it at that moment, and the ingest
 *    would hold the plots of the sector's last `transit` = 20 ms).
 *    A WebSocket client on /api/stream and a CAT062 receiver listen. The Replayer, the WebSocket client and the
 *    CAT062 receiver run in a worker thread (bench/service-client.ts) — the other core — so the service's thread
 *    runs nothing else. The window opens when the service holds ≥ 80 % of N confirmed tracks and closes when
 *    it falls below that, or after WINDOW s.
 *    - int: what the service records (ServiceMetrics, `latencyMs` of GET /api/metrics): from its 'message'
 *      handler for the batch's first datagram to the alert's WebSocket send / the batch's CAT062 send; the
 *      window's samples are taken by wrapping ServiceMetrics.observe* (the same calls, tagged with the time).
 *      Time in the kernel's socket queue is not in it.
 *    - e2e: datagram sent by the Replayer → message received by the client (track update, alert, CAT062
 *      record), matched to the datagram by the plot's sensor and time (bench/service-client.ts).
 *    - where int goes: Service.tick and Pipeline.step are wrapped to split it into the time before the batch
 *      ran, the pipeline, and the rest (publish).
 *    Both sites: the real one (two radars, 1 s and 2 s revolutions: the ingest holds a radar's plots until the
 *    other radar's data covers their time) and the first radar alone (no such wait: the service's own latency).
 * 2. Sustained throughput over UDP: data LOOP of the 1,000-threat salvo (~1,000 live tracks) played in a loop
 *    at increasing speeds (follow clock) — real plots doing real tracking work (random plots would pair into
 *    thousands of false tracks and measure that instead). Per speed: plots/s sent; load = s the service's
 *    thread was busy (event-loop utilisation) until it had read the last datagram, per s of sending; the
 *    socket's queue high-water mark and drop counter (/proc/net/udp); datagrams sent − datagrams it counted.
 *    Sustained: the fastest rate with load < 1 and nothing lost; above it the backlog grows in the socket buffer
 *    (4 MiB: seconds of traffic) until datagrams drop.
 *
 * A picture: the largest case's alert latencies as histograms, one per radar set, p99 and the 10 ms target
 * marked, written to out/bench/service-latency.svg (or BENCH_SERVICE_SVG).
 *
 * Scheduling: the service runs as `tocsin serve --realtime` (its event-loop thread under SCHED_FIFO at priority
 * 10, src/service/realtime.ts) — how it is meant to be deployed where warnings must not wait for other threads.
 * BENCH_SERVICE_REALTIME=0 runs it at normal priority, =N at priority N. Where the privilege is missing the
 * service runs at normal priority and the bench prints why.
 *
 * Environment (to look at one case, e.g. under a profiler): BENCH_SERVICE_CASES=1000 (comma-separated threat
 * counts) runs only those latency cases; BENCH_SERVICE_THROUGHPUT=0 skips part 2. BENCH_SERVICE_REPEAT=N runs
 * the largest case N times (a fresh service each): one window's p99 is its second or third slowest of ≈ 200
 * alerts, so it swings from run to run; the bench then prints each run's p99, how many met the target, and
 * the p99 of all the runs' samples pooled, and draws the pooled samples.
 *
 * Journal: a real SQLite file in a temp folder (the service journals every batch to disk), CAP files beside it
 * (as `tocsin serve` does by default). Logger: pino at 'warn' to stderr (the CLI's default 'info' also logs a
 * line per alert).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Socket } from 'node:dgram';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { pino } from 'pino';
import { histogram, histogramSvg } from '../src/report/charts.js';
import { generateSalvo, DEFAULT_SALVO } from '../src/scenario/generate-salvo.js';
import { parseScenario } from '../src/scenario/load.js';
import type { Site } from '../src/scenario/types.js';
import { quantiles, type MetricsSnapshot } from '../src/service/metrics.js';
import { isRtPriority } from '../src/service/realtime.js';
import { replaySchedule } from '../src/service/replayer.js';
import { Service } from '../src/service/service.js';
import { BENCH_SECTORS, CLIENT_ROLE, procUdp, type PlayResult, type Quantiles, type Request, type ScheduleInfo, type Sent } from './service-client.js';

const HOST = '127.0.0.1';
const SEED = 7;
/** threats, launch window (s) */
const CASES = [
  { n: 10, window: 2 },
  { n: 100, window: 3 },
  { n: 1000, window: 5 },
] as const;
/** s from the end of a sector to its datagram leaving the radar (the ingest's `transit` assumes 0.02) */
const RADAR_DELAY = 0.03;
/** the window is at most this long (data s) */
const WINDOW = 8;
/** give up waiting for 80 % of N confirmed after this long (s) */
const MAX_WAIT = 30;
/** play on this long after the window (s): plots of its end still waiting for the other radar get out */
const TAIL = 2.5;
/** throughput: this span of the 1,000-threat salvo's data (s from its start; ~1,000 tracks) in a loop */
const LOOP = { from: 8, to: 20 };
const BLAST_SECONDS = 5;
const SPEEDS = [1.5, 2, 2.5, 3, 4, 6, 8];

class ClientProxy {
  private next = 1;
  private readonly pending = new Map<number, { res: (v: unknown) => void; rej: (e: Error) => void }>();

  constructor(readonly worker: Worker) {
    worker.on('message', (m: { id: number; value?: unknown; error?: string }) => {
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (m.error !== undefined) p?.rej(new Error(`bench client: ${m.error}`));
      else p?.res(m.value);
    });
    worker.on('error', (e) => {
      for (const p of this.pending.values()) p.rej(e);
      this.pending.clear();
    });
  }

  call<T>(req: Request): Promise<T> {
    const id = this.next++;
    return new Promise<T>((res, rej) => {
      this.pending.set(id, { res: res as (v: unknown) => void, rej });
      this.worker.postMessage({ id, req });
    });
  }
}

interface Session {
  svc: Service;
  dir: string;
  /** [service clock (UTC s), ms] per alert observation */
  alert: [number, number][];
  /** per track (CAT062) observation: [service clock, ms, ms before the batch ran, Pipeline.step ms, rest of the batch ms] */
  track: [number, number, number, number, number][];
  /** [service clock, confirmed tracks], every 100 ms */
  confirmed: [number, number][];
  /** per batch with plots: [service clock, plots, data span of its plots (s), Pipeline.step ms] */
  batches: [number, number, number, number][];
  timer: NodeJS.Timeout;
  /** SO_RCVBUF of the service's CAT048 socket as the kernel reports it (Linux: twice the size granted) */
  rcvbuf: number;
}

const logger = pino({ level: 'warn' }, pino.destination(2));

/** Runs of the largest latency case (BENCH_SERVICE_REPEAT). */
const REPEAT = ((): number => {
  const raw = process.env['BENCH_SERVICE_REPEAT'] ?? '1';
  const v = Number(raw);
  if (!(Number.isInteger(v) && v >= 1)) throw new Error(`BENCH_SERVICE_REPEAT must be a whole number of runs ≥ 1, got ${raw}`);
  return v;
})();

/** The service's SCHED_FIFO priority (ServeConfig.realtime); undefined: normal scheduling. */
const REALTIME = ((): number | undefined => {
  const raw = process.env['BENCH_SERVICE_REALTIME'] ?? '10';
  const v = Number(raw);
  if (!(v === 0 || isRtPriority(v))) throw new Error(`BENCH_SERVICE_REALTIME must be 0 (normal priority) or a SCHED_FIFO priority 1..99, got ${raw}`);
  return v > 0 ? v : undefined;
})();

async function startService(site: Site, clock: 'wall' | 'follow', sinkPort: number): Promise<Session> {
  const dir = mkdtempSync(join(tmpdir(), 'tocsin-bench-service-'));
  const svc = new Service({
    site,
    db: join(dir, 'journal.db'),
    http: { host: HOST, port: 0 },
    asterixIn: { host: HOST, port: 0 },
    asterixOut: { host: HOST, port: sinkPort },
    capDir: join(dir, 'alerts'),
    capSender: 'bench@localhost',
    clock,
    logger,
    ...(REALTIME !== undefined ? { realtime: REALTIME } : {}),
  });
  await svc.start();
  // (a private field, read only to print what the kernel granted)
  const udp = (svc as unknown as { udp?: Socket }).udp;
  const s: Session = {
    svc, dir, alert: [], track: [], confirmed: [], batches: [],
    timer: undefined as unknown as NodeJS.Timeout,
    rcvbuf: udp?.getRecvBufferSize() ?? NaN,
  };
  // the service's own observations, tagged with the time they were made; and the pipeline's share of a batch
  const m = svc.metrics;
  const observeAlert = m.observeAlert.bind(m);
  const observeTrack = m.observeTrack.bind(m);
  m.observeAlert = (ms: number) => {
    s.alert.push([svc.clock.now(), ms]);
    observeAlert(ms);
  };
  let stepStart = NaN;
  let stepMs = NaN;
  m.observeTrack = (ms: number) => {
    // CAT062 goes out inside the step (the track updates, as soon as the tracker has made them) or after it
    const now = performance.now();
    const inStep = Number.isNaN(stepMs) ? now - stepStart : stepMs;
    const after = Number.isNaN(stepMs) ? 0 : now - stepStart - stepMs;
    s.track.push([svc.clock.now(), ms, ms - inStep - after, inStep, after]);
    observeTrack(ms);
  };
  const p = svc.pipeline;
  const step = p.step.bind(p);
  p.step = (plots, until, onAlerts, onTracks) => {
    const t0 = performance.now();
    stepStart = t0;
    stepMs = NaN;
    // (the alerts' and the tracks' fast paths run inside the step: their time is in the step's)
    const r = step(plots, until, onAlerts, onTracks);
    stepMs = performance.now() - t0;
    if (plots.length) s.batches.push([svc.clock.now(), plots.length, plots[plots.length - 1]!.t - plots[0]!.t, stepMs]);
    return r;
  };
  s.timer = setInterval(() => {
    let c = 0;
    for (const t of svc.pipeline.engine.tracker.live) if (t.status === 'confirmed') c++;
    s.confirmed.push([svc.clock.now(), c]);
  }, 100);
  return s;
}

async function stopService(s: Session): Promise<MetricsSnapshot> {
  clearInterval(s.timer);
  const metrics = (await (await fetch(url(s, '/api/metrics'))).json()) as MetricsSnapshot;
  await s.svc.stop();
  rmSync(s.dir, { recursive: true, force: true });
  return metrics;
}

function url(s: Session, path: string): string {
  const h = s.svc.httpAddress!;
  return `http://${h.host}:${h.port}${path}`;
}

/** Wall ms of one GET (the service answers on the thread this bench runs on: the time it holds the event loop). */
async function timeGet(s: Session, path: string): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(url(s, path));
  await res.text();
  return performance.now() - t0;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * The machine's cold-cache penalty, which the latency figures carry: the same fixed work (strided reads of
 * two 4 MiB arrays, the order of the engine's working set at 1,000 tracks) timed back to back and after a
 * 50 ms pause — a sector's gap between the service's batches. On a shared VM the pause lets other work evict
 * the caches (a spin instead of a sleep gives the same), and the work then runs slower; a batch of the
 * service pays that, a back-to-back loop (bench/tracker.ts) does not. Returns ms p50 [hot, after a pause].
 */
function coldPenalty(): [number, number] {
  const n = 1 << 19;
  const a = new Float64Array(n);
  const b = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    a[i] = (i * 0.618) % 1;
    b[i] = (i * 0.414) % 1;
  }
  const work = (): number => {
    let s = 0;
    for (let r = 0; r < 4; r++) for (let i = 0; i < n; i += 8) s += Math.sqrt(a[i]! * b[(i * 7) & (n - 1)]! + 1);
    return s;
  };
  const timed = (): number => {
    const t0 = performance.now();
    if (work() < 0) console.log('never');
    return performance.now() - t0;
  };
  for (let i = 0; i < 20; i++) timed();
  const hot: number[] = [];
  const cold: number[] = [];
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let i = 0; i < 40; i++) hot.push(timed());
  for (let i = 0; i < 40; i++) {
    Atomics.wait(pause, 0, 0, 50);
    cold.push(timed());
  }
  const med = (x: number[]): number => x.sort((p, q) => p - q)[x.length >> 1]!;
  return [med(hot), med(cold)];
}

function inWindow<T extends number[]>(a: T[], from: number, to: number): T[] {
  return a.filter((x) => x[0]! >= from && x[0]! <= to);
}

function q(a: number[]): Quantiles {
  return { ...quantiles(a), max: a.length ? Math.max(...a) : NaN };
}

interface LatencyRow {
  n: number;
  radars: string;
  confirmed: { min: number; median: number; max: number };
  reached: boolean;
  windowSeconds: number;
  delay: number;
  alert: Quantiles;
  /** the window's alert latencies (ms), for the picture */
  alertSamples: number[];
  track: Quantiles;
  /** the window's CAT062 latencies (ms) */
  trackSamples: number[];
  /** of the batches with a CAT062 send: before the batch ran, Pipeline.step, the rest (take, publish) */
  parts: { wait: Quantiles; step: Quantiles; rest: Quantiles };
  batchPlots: Quantiles;
  batchSpan: Quantiles;
  /** batches in the window holding more than one revolution of the fastest radar */
  longBatches: number;
  play: PlayResult;
  metrics: MetricsSnapshot;
  scrape: { json: number; prometheus: number };
}

/**
 * The alert latency (int alert→WS) of the largest case, one histogram per radar set, with p99 and the 10 ms
 * target marked (p50 in the note): out/bench/service-latency.svg (BENCH_SERVICE_SVG to put it elsewhere). Returns its path.
 */
function latencyPicture(rows: readonly LatencyRow[]): string | undefined {
  const n = Math.max(...rows.map((r) => r.n));
  const panels = pooled(rows.filter((r) => r.n === n))
    .filter((r) => r.alertSamples.length > 0)
    .map((r) => {
      const hi = Math.max(12, Math.ceil((r.alert.p99 * 1.25) / 5) * 5);
      const beyond = r.alertSamples.filter((v) => v >= hi).length;
      return {
        title: `${r.radars}: ${r.alertSamples.length} alerts, ≈ ${r.confirmed.median} tracks` + (r.runs > 1 ? `, ${r.runs} runs` : ''),
        note: `p50 ${r.alert.p50.toFixed(1)} ms, p99 ${r.alert.p99.toFixed(1)} ms` + (beyond ? `; ${beyond} at ≥ ${hi} ms in the last bin` : ''),
        bins: histogram(r.alertSamples, hi / 40, 0, hi),
        // (p50 in the note: three labels along the top overlap where the lines are close)
        markers: Math.abs(r.alert.p99 - 10) < hi / 20 ? [{ x: 10, label: 'p99 ≈ target' }] : [{ x: 10, label: 'target p99' }, { x: r.alert.p99, label: 'p99' }],
      };
    });
  if (!panels.length) return undefined;
  const svg = histogramSvg(panels, {
    title: `tocsin serve: datagram received → alert sent on the WebSocket, ${n} threats`,
    xLabel: 'ms',
    yLabel: 'alerts',
    columns: panels.length,
    panelWidth: 480,
  });
  const path = process.env['BENCH_SERVICE_SVG'] ?? join('out', 'bench', 'service-latency.svg');
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, svg);
  return path;
}

/** The runs of each radar set pooled: their window samples together, the confirmed count of the first run. */
function pooled(rows: readonly LatencyRow[]): (LatencyRow & { runs: number; alertP99s: number[]; trackP99s: number[] })[] {
  const sets = new Map<string, LatencyRow[]>();
  for (const r of rows) {
    const runs = sets.get(r.radars);
    if (runs) runs.push(r);
    else sets.set(r.radars, [r]);
  }
  return [...sets.values()].map((runs) => {
    const alertSamples = runs.flatMap((r) => r.alertSamples);
    const trackSamples = runs.flatMap((r) => r.trackSamples);
    return {
      ...runs[0]!,
      alertSamples,
      trackSamples,
      alert: q(alertSamples),
      track: q(trackSamples),
      runs: runs.length,
      alertP99s: runs.map((r) => r.alert.p99),
      trackP99s: runs.map((r) => r.track.p99),
    };
  });
}

async function latencyRun(client: ClientProxy, site: Site, sensors: string[], n: number, sinkPort: number): Promise<LatencyRow> {
  const own = { ...site, sensors: site.sensors.filter((x) => sensors.includes(x.id)) };
  const s = await startService(own, 'wall', sinkPort);
  const { delay } = await client.call<{ delay: number }>({ op: 'play', http: s.svc.httpAddress!, asterix: s.svc.asterixAddress!, sensors, speed: 1, delay: RADAR_DELAY });
  const t0 = s.svc.clock.now();
  const thr = Math.ceil(0.8 * n);
  let w0 = NaN;
  let w1 = NaN;
  await new Promise<void>((res) => {
    const iv = setInterval(() => {
      const last = s.confirmed.at(-1);
      if (!last) return;
      const [t, c] = last;
      if (Number.isNaN(w1)) {
        if (Number.isNaN(w0) && c >= thr) w0 = t;
        if (!Number.isNaN(w0) ? t >= w0 + WINDOW || c < thr : t - t0 >= MAX_WAIT) w1 = t;
      } else if (t >= w1 + TAIL) {
        clearInterval(iv);
        res();
      }
    }, 50);
  });
  const reached = !Number.isNaN(w0);
  if (!reached) w0 = t0;
  const play = await client.call<PlayResult>({ op: 'stop', from: w0, to: w1, settleMs: 300 });
  const scrape = { json: await timeGet(s, '/api/metrics'), prometheus: await timeGet(s, '/metrics') };
  const counts = inWindow(s.confirmed, w0, w1).map(([, c]) => c).sort((a, b) => a - b);
  const batches = inWindow(s.batches, w0, w1);
  const tracks = inWindow(s.track, w0, w1);
  const alertSamples = inWindow(s.alert, w0, w1).map(([, v]) => v!);
  const fastest = Math.min(...own.sensors.map((x) => x.period));
  const metrics = await stopService(s);
  return {
    n,
    radars: sensors.join('+'),
    confirmed: { min: counts[0] ?? 0, median: counts[Math.floor(counts.length / 2)] ?? 0, max: counts.at(-1) ?? 0 },
    reached,
    windowSeconds: w1 - w0,
    delay,
    alert: q(alertSamples),
    alertSamples,
    track: q(tracks.map((x) => x[1])),
    trackSamples: tracks.map((x) => x[1]),
    parts: { wait: q(tracks.map((x) => x[2])), step: q(tracks.map((x) => x[3])), rest: q(tracks.map((x) => x[4])) },
    batchPlots: q(batches.map((b) => b[1])),
    batchSpan: q(batches.map((b) => b[2])),
    longBatches: batches.filter((b) => b[2] > fastest).length,
    play,
    metrics,
    scrape,
  };
}

interface ThroughputRow {
  speed: number;
  sent: Sent;
  /** s from the radars' stop until the service had read every datagram (NaN: not within DRAIN_LIMIT) */
  drain: number;
  lost: number;
  /** s the service's thread was busy from the first datagram until it had read the last, per s of sending */
  load: number;
  play: PlayResult;
  confirmedMax: number;
  rateLimited: number;
  rcvbuf: number;
}

/** the service has this long to read what was sent after the radars stop (s) */
const DRAIN_LIMIT = 10;

async function throughputRun(client: ClientProxy, site: Site, speed: number, sinkPort: number): Promise<ThroughputRow> {
  const s = await startService(site, 'follow', sinkPort);
  const asterix = s.svc.asterixAddress!;
  const counters = s.svc.ingest.counters;
  const elu0 = performance.eventLoopUtilization();
  await client.call({ op: 'play', http: s.svc.httpAddress!, asterix, sensors: site.sensors.map((x) => x.id), speed, delay: RADAR_DELAY, loop: LOOP, watchPort: asterix.port });
  await sleep(BLAST_SECONDS * 1000);
  const sent = await client.call<Sent>({ op: 'halt' });
  const t0 = performance.now();
  let drain = NaN;
  while (performance.now() - t0 < DRAIN_LIMIT * 1000) {
    const dropped = procUdp(asterix.port)?.drops ?? 0;
    if (counters.datagrams + dropped >= sent.datagrams) {
      drain = (performance.now() - t0) / 1000;
      break;
    }
    await sleep(5);
  }
  const load = performance.eventLoopUtilization(elu0).active / 1000 / sent.seconds;
  const play = await client.call<PlayResult>({ op: 'stop', from: -Infinity, to: Infinity, settleMs: 200 });
  const lost = sent.datagrams - counters.datagrams;
  const metrics = await stopService(s);
  return {
    speed,
    sent,
    drain,
    lost,
    load,
    play,
    confirmedMax: Math.max(0, ...s.confirmed.map(([, c]) => c)),
    rateLimited: metrics.rejected['rate-limited'] ?? 0,
    rcvbuf: s.rcvbuf,
  };
}

const ms = (v: number): string => (Number.isNaN(v) ? '—' : v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0));
const qs = (x: { p50: number; p99: number; n: number }, withN = true): string => (x.n === 0 ? '—' : `${ms(x.p50)} / ${ms(x.p99)}` + (withN ? ` (${x.n})` : ''));
const int = (v: number): string => Math.round(v).toLocaleString('en');

function table(head: string[], widths: number[], rows: string[][], left = 0): void {
  const line = (cells: string[]): string => cells.map((x, i) => (i < left ? x.padEnd(widths[i]!) : x.padStart(widths[i]!))).join('  ');
  console.log(line(head));
  for (const r of rows) console.log(line(r));
}

function rmemMax(): string {
  try {
    return `${int(Number(readFileSync('/proc/sys/net/core/rmem_max', 'utf8').trim()))} B`;
  } catch {
    return 'unreadable';
  }
}

export async function bench(): Promise<void> {
  const started = performance.now();
  const worker = new Worker(new URL('./service-client.js', import.meta.url), { workerData: { role: CLIENT_ROLE } });
  const client = new ClientProxy(worker);
  try {
    const sinkPort = await client.call<number>({ op: 'sink' });
    console.log(
      'Service in-process, one thread (journal: SQLite file in a temp folder, CAP files beside it; HTTP, CAT048 in, CAT062 out on 127.0.0.1); ' +
        'radars (Replayer), WebSocket client and CAT062 receiver in a worker thread. Salvos replayed as CAT048 at real time, wall clock; ' +
        `${BENCH_SECTORS} datagrams per antenna revolution (a sector each: BENCH_SECTORS), each leaving ${RADAR_DELAY * 1000} ms after the beam left the sector, closed by its CAT034 sector crossing.`,
    );
    console.log(
      `Window: while ≥ 80 % of N tracks are confirmed, at most ${WINDOW} s. ms as p50 / p99 (samples). int = the service's own ` +
        "ServiceMetrics (its 'message' handler for the batch's first datagram → alert sent on the WebSocket / CAT062 sent); " +
        'e2e = datagram sent by the radar → message received by the client.\n',
    );
    const [hot, cold] = coldPenalty();
    console.log(
      `Machine: a fixed 8 MiB-working-set computation takes ${ms(hot)} ms back to back and ${ms(cold)} ms after a 50 ms pause ` +
        `(×${(cold / hot).toFixed(1)}): the service's batches come after such pauses, so they run that much slower than the same ` +
        'work in a tight loop (bench tracker).\n',
    );
    // warm-up: the engine's code compiled before the first measurement (one small salvo through the simulator
    // and the engine, as replaySchedule does) — the service runs for hours, not seconds
    replaySchedule(parseScenario(generateSalvo({ ...DEFAULT_SALVO, count: 10, windowSeconds: 2, seed: SEED + 1 }), 'scenarios/bench-salvo.yaml'));
    const rows: LatencyRow[] = [];
    let site1000: Site | undefined;
    const only = process.env['BENCH_SERVICE_CASES']?.split(',').map(Number);
    const cases = CASES.filter((x) => !only || only.includes(x.n));
    const largest = Math.max(...cases.map((x) => x.n));
    for (const c of cases) {
      const t = performance.now();
      const info = await client.call<ScheduleInfo>({ op: 'schedule', count: c.n, window: c.window, seed: SEED });
      const site = parseScenario(generateSalvo({ ...DEFAULT_SALVO, count: c.n, windowSeconds: c.window, seed: SEED }), 'scenarios/bench-salvo.yaml').site;
      if (c.n === 1000) site1000 = site;
      console.log(
        `  ${c.n} threats launched within ${c.window} s: ${int(info.plots)} plots in ${info.groups} revolutions over ${info.span.toFixed(0)} s ` +
          `(schedule made in ${((performance.now() - t) / 1000).toFixed(1)} s)`,
      );
      const runs = c.n === largest ? REPEAT : 1;
      for (let k = 0; k < runs; k++) {
        if (runs > 1) process.stdout.write(`    run ${k + 1} of ${runs}\n`);
        for (const sensors of [info.sensors, info.sensors.slice(0, 1)]) rows.push(await latencyRun(client, site, sensors, c.n, sinkPort));
      }
    }

    console.log('');
    table(
      ['threats', 'radars', 'live confirmed', 'int alert→WS', 'int →CAT062', 'e2e WS track', 'e2e WS alert', 'e2e CAT062'],
      [7, 14, 18, 20, 20, 22, 20, 22],
      rows.map((r) => [
        String(r.n), r.radars, `${r.confirmed.median} [${r.confirmed.min}–${r.confirmed.max}]` + (r.reached ? '' : '*'),
        qs(r.alert), qs(r.track), qs(r.play.e2eTrack), qs(r.play.e2eAlert), qs(r.play.e2eCat062),
      ]),
      2,
    );
    if (rows.some((r) => !r.reached)) console.log('* never reached 80 % of N confirmed: the whole run is the window');
    console.log(
      '\nBatches in the window (a batch: the plots one release of the ingest hands the engine; data span: its last plot time − first; ' +
        '> 1 revolution: batches spanning more than the fastest radar\'s period). Where int →CAT062 goes, ms p50 / p99: before the batch ran ' +
        "(held for the other radar, or queued behind other work), Pipeline.step up to the CAT062 send (journal, tracker: the track updates " +
        'leave inside the step), the rest (after the step: a batch with only track ends):',
    );
    table(
      ['threats', 'radars', 'batches', 'plots p50/max', 'data span s p50/max', '> 1 revolution', 'before', 'step to CAT062', 'after step'],
      [7, 14, 7, 13, 19, 14, 16, 16, 16],
      rows.map((r) => [
        String(r.n), r.radars, String(r.batchPlots.n), `${int(r.batchPlots.p50)} / ${int(r.batchPlots.max)}`,
        `${r.batchSpan.p50.toFixed(2)} / ${r.batchSpan.max.toFixed(2)}`, String(r.longBatches),
        qs(r.parts.wait, false), qs(r.parts.step, false), qs(r.parts.rest, false),
      ]),
      2,
    );
    console.log('\nWhole runs as GET /api/metrics reports them (latencyMs alert, track: p50 / p99 (n)), and checks:');
    for (const r of rows) {
      const m = r.metrics;
      const rej = Object.entries(m.rejected).filter(([, v]) => v > 0).map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
      const u = r.play.unmatched;
      console.log(
        `  ${String(r.n).padStart(4)} ${r.radars.padEnd(14)} alert ${qs(m.latencyMs.alert)}, track ${qs(m.latencyMs.track)}; ` +
          `datagrams sent ${r.play.datagrams}, counted ${m.datagrams}; rejected: ${rej}; window ${r.windowSeconds.toFixed(1)} s; ` +
          `radar delay ${ms(r.delay * 1000)} ms; confirmedTotal ${m.tracks.confirmedTotal}; WS dropped ${m.websocket.dropped}; ` +
          `out of sequence: reprocessed ${m.outOfSequence.reordered}, too late ${m.outOfSequence.tooLate}; ` +
          `max e2e track ${ms(r.play.e2eTrack.max)} ms; GET /api/metrics ${ms(r.scrape.json)} ms, /metrics ${ms(r.scrape.prometheus)} ms; ` +
          `event loop ${m.scheduling.policy === 'fifo' ? `SCHED_FIFO ${m.scheduling.priority}` : `normal${m.scheduling.error ? ` (real-time refused: ${m.scheduling.error})` : ''}`}` +
          (u.track + u.alert + u.cat062 ? `; unmatched track ${u.track}, alert ${u.alert}, CAT062 ${u.cat062}` : ''),
      );
    }
    const picture = latencyPicture(rows);
    if (picture) console.log(`\nPicture of the alert latencies at the most tracks: ${picture}`);
    const own = rows.find((r) => r.n === 1000 && !r.radars.includes('+'));
    const both = rows.find((r) => r.n === 1000 && r.radars.includes('+'));
    if (own && both && REPEAT === 1) {
      console.log(
        `\nTarget p99 ≤ 10 ms at 1,000 tracks — p99 now: the service's own (first radar alone) alert ${ms(own.alert.p99)} ms, CAT062 ` +
          `${ms(own.track.p99)} ms (e2e ${ms(own.play.e2eAlert.p99)} / ${ms(own.play.e2eCat062.p99)}); with both radars alert ${ms(both.alert.p99)} ms, ` +
          `CAT062 ${ms(both.track.p99)} ms (e2e ${ms(both.play.e2eAlert.p99)} / ${ms(both.play.e2eCat062.p99)}).`,
      );
    } else if (own && both) {
      const range = (v: number[]): string => `${ms(Math.min(...v))}–${ms(Math.max(...v))}`;
      const met = (v: number[]): string => `≤ 10 in ${v.filter((x) => x <= 10).length} of ${v.length}`;
      console.log(`\nTarget p99 ≤ 10 ms at 1,000 tracks, ${REPEAT} runs: each run's window p99 (range, how many met), and the p99 of the runs' samples pooled:`);
      for (const r of pooled(rows.filter((x) => x.n === 1000))) {
        console.log(
          `  ${r.radars.padEnd(14)} alert ${range(r.alertP99s)} (${met(r.alertP99s)}), pooled ${qs(r.alert)}; ` +
            `CAT062 ${range(r.trackP99s)} (${met(r.trackP99s)}), pooled ${qs(r.track)}`,
        );
      }
    }
    console.log('\nWait for the other radar (e2e WS track, two radars − first radar alone, p50 / p99):');
    for (let i = 0; i + 1 < rows.length; i += 2) {
      const a = rows[i]!.play.e2eTrack;
      const b = rows[i + 1]!.play.e2eTrack;
      console.log(`  ${String(rows[i]!.n).padStart(4)} threats: ${ms(a.p50 - b.p50)} / ${ms(a.p99 - b.p99)} ms`);
    }

    if (process.env['BENCH_SERVICE_THROUGHPUT'] === '0' || !site1000) return;
    // throughput
    const site = site1000;
    console.log(
      `\nSustained throughput: data ${LOOP.from}–${LOOP.to} s of the 1,000-threat salvo (~1,000 tracks) in a loop, ${site.sensors.length} radars, ` +
        `follow clock, ${BLAST_SECONDS} s per speed. net.core.rmem_max ${rmemMax()} (caps the 4 MiB the service asks for).`,
    );
    const tRows: ThroughputRow[] = [];
    console.log(
      'plots/s: sent over the run; load: s the service\'s thread was busy (event-loop utilisation) from the start until it had read ' +
        'the last datagram, per s of sending — under 1 it keeps up; max queued: the most bytes waiting in its socket (/proc/net/udp ' +
        'rx_queue, kernel accounting); drain: s from the radars\' stop until it had read every datagram; kernel drops: the socket\'s ' +
        'drop counter; lost: datagrams sent − counted by the service; confirmed: most live tracks; at full load: plots/s ÷ load.',
    );
    const tHead = ['speed', 'plots/s', 'datagrams', 'load', 'max queued', 'drain s', 'kernel drops', 'lost', 'confirmed', 'at full load'];
    const tw = [6, 8, 9, 5, 10, 7, 12, 5, 9, 12];
    const tline = (cells: string[]): string => cells.map((x, i) => x.padStart(tw[i]!)).join('  ');
    console.log(tline(tHead));
    for (const speed of SPEEDS) {
      const r = await throughputRun(client, site, speed, sinkPort);
      tRows.push(r);
      const p = r.play;
      console.log(
        tline([
          `${speed}×`, int(r.sent.plots / r.sent.seconds), int(r.sent.datagrams), r.load.toFixed(2),
          `${(p.rxQueueMaxBytes / 1024).toFixed(0)} KiB`, Number.isNaN(r.drain) ? `> ${DRAIN_LIMIT}` : r.drain.toFixed(2),
          Number.isNaN(p.kernelDrops) ? '—' : int(p.kernelDrops), int(r.lost), int(r.confirmedMax), int(r.sent.plots / r.sent.seconds / r.load),
        ]) + (r.rateLimited ? `  (rate-limited ${r.rateLimited})` : ''),
      );
      if (r.lost > 0 || !(r.load < 1.1)) break;
    }
    console.log(`(the service's CAT048 socket: SO_RCVBUF ${int(tRows[0]!.rcvbuf)} B as the kernel reports it — twice what it granted)`);
    const rate = (r: ThroughputRow): number => r.sent.plots / r.sent.seconds;
    const kept = tRows.filter((r) => r.lost === 0 && r.load < 1);
    const full = tRows.map((r) => rate(r) / r.load).sort((a, b) => a - b);
    console.log(
      `Sustained: ${kept.length ? int(Math.max(...kept.map(rate))) : 'under ' + int(rate(tRows[0]!))} plots/s kept up with, none lost ` +
        `(the fastest rate tried with load < 1); at full load ≈ ${int(full[Math.floor(full.length / 2)]!)} plots/s (median of plots/s ÷ load). ` +
        'Beyond it the backlog grows in the socket buffer until datagrams drop.',
    );
  } finally {
    await worker.terminate();
  }
  console.log(`(service bench: ${((performance.now() - started) / 1000).toFixed(0)} s)`);
}
