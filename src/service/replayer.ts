/**
 * The sensor emulator: a scenario's radar plots played as ASTERIX CAT048 datagrams, re-timed to now, in real
 * time or `speed` times faster, pausable — what `tocsin replay` sends over UDP and what `serve --replay` plays
 * in-process.
 *
 * Two steps. `replaySchedule` runs the scenario once through the whole engine (truth, radars, tracking and the
 * simulated interceptors with truth-based kill assessment, as `simulate` does), so a round shot down stops
 * producing plots as a real radar would see; it groups each sensor's plots by antenna revolution, the way a
 * radar sends them (design.md §4.3: one datagram per revolution, sent when the revolution ends, carrying the
 * measurement times in I048/140), or by sector of a revolution. Every group — with plots or without — ends with
 * a CAT034 service message: a sector crossing at the sector's end boundary, or the north marker at the end of
 * a revolution, as a real radar sends them; they tell the receiver the radar has nothing more to say about
 * the time before them (src/service/ingest.ts). `Replayer` then plays the groups: data time T maps to base + (T − start),
 * the plots are re-stamped with that time, and a group goes out when the replay clock (a ScaledClock running
 * `speed` times the wall clock) reaches its re-stamped send time. One timer is armed at a time, for the next
 * due group; a late timer sends everything due, in schedule order, so no sensor's datagrams are ever reordered.
 */
import { EnuFrame } from '../geo/wgs84.js';
import { encodeCat034 } from '../io/asterix/cat034.js';
import { DEFAULT_MAX_BYTES, encodeCat048 } from '../io/asterix/cat048.js';
import type { RadarConfig, Scenario } from '../scenario/load.js';
import type { Plot } from '../sense/plot.js';
import { revolutionOf, revolutionStart, type ScanTiming } from '../sense/scan-timing.js';
import { Engine } from '../engine/engine.js';
import { truthAssessor } from '../sim/assess.js';
import { runSimulation } from '../sim/simulation.js';
import { ScaledClock, wallSeconds } from './clock.js';

/** The plots of one sensor's antenna revolution (or of one sector of it), sent together. */
export interface ReplayGroup {
  /** scenario UTC s: the radar sends when the beam leaves the revolution or sector (`crossing`) */
  sendAt: number;
  /**
   * scenario UTC s at which the beam passes the group's end boundary: sent as a CAT034 sector crossing, or
   * the north marker when the boundary is north (the end of a revolution)
   */
  crossing: number;
  sensorId: string;
  /** revolution index from the scenario start (revolution k spans [start + k·period, start + (k+1)·period)) */
  revolution: number;
  /** sector of the revolution (0 … sectors − 1; always 0 with one datagram per revolution) */
  sector: number;
  /** the group's plots, in time order (scenario times); often none */
  plots: Plot[];
}

/** A sensor as the replayer needs it: its identity and position (I048/110 heights are computed in its frame). */
export type ReplaySensor = Pick<RadarConfig, 'id' | 'sac' | 'sic' | 'lat' | 'lon' | 'alt' | 'period'>;

export interface ReplaySchedule {
  /** scenario name */
  name: string;
  /** scenario UTC s: start and end of the simulated span */
  start: number;
  end: number;
  seed: number;
  /** ballistic threats in the scenario (not counting drones and birds) */
  threats: number;
  /** threats shot down by the simulated interceptors, with the kill time (scenario UTC s) */
  kills: { threatId: string; t: number }[];
  /** plots in all groups */
  plots: number;
  /** groups (datagrams, each ending with a CAT034 message) per antenna revolution */
  sectors: number;
  sensors: ReplaySensor[];
  /** ordered by sendAt (ties: sensor id) */
  groups: ReplayGroup[];
}

export interface ScheduleOptions {
  /** overrides the scenario's seed */
  seed?: number;
  /** fraction of the simulation done */
  onProgress?: (fraction: number) => void;
  /**
   * false: the site's guns stay silent in the recording — every round flies to the ground (a receiver that
   * decides interceptions itself filters the plots with Replayer's `keep`). Default true.
   */
  guns?: boolean;
  /**
   * datagrams per antenna revolution (default 1): N sends the plots of each 1/N of a revolution as soon as the
   * beam has passed it (design.md §4.3 allows a datagram per revolution or per sector), so a plot waits at most
   * period/N, not a whole revolution, before it leaves the radar
   */
  sectors?: number;
}

/** Revolution and sector (0 … sectors − 1, by the beam's place in its turn) of time t. */
function sectorOf(timing: ScanTiming, sectors: number, t: number): [number, number] {
  const k = revolutionOf(timing, t);
  const j = sectors === 1 ? 0 : Math.min(sectors - 1, Math.floor(((t - revolutionStart(timing, k)) / timing.period) * sectors));
  return [k, j];
}

/** When the beam leaves sector j of revolution k: its end boundary (the last sector's is north, the next turn's start). */
function crossingOf(timing: ScanTiming, sectors: number, k: number, j: number): number {
  return j === sectors - 1 ? revolutionStart(timing, k + 1) : revolutionStart(timing, k) + ((j + 1) * timing.period) / sectors;
}

/**
 * Runs the scenario once (deterministic for a seed) and groups every sensor's plots by antenna revolution
 * (or sector): a group for every revolution (sector) that ends within the scenario, with or without plots.
 * The radars' scans start at the scenario start (RadarModel's epoch), so revolution k of a sensor of period P
 * is [start + kP, start + (k+1)P), and sector j of it ends at start + kP + (j + 1)P/sectors.
 */
export function replaySchedule(scenario: Scenario, opts: ScheduleOptions = {}): ReplaySchedule {
  const seed = opts.seed ?? scenario.seed;
  const sectors = opts.sectors ?? 1;
  if (!Number.isInteger(sectors) || sectors < 1) throw new RangeError(`replaySchedule: sectors must be a whole number ≥ 1, got ${sectors}`);
  const engine = new Engine(scenario.site, { met: scenario.environment });
  const timings = new Map<string, ScanTiming>();
  for (const s of scenario.site.sensors) timings.set(s.id, { epoch: scenario.start, period: s.period, startPhase: 0 });
  /** plots by sensor, revolution and sector */
  const bySector = new Map<string, Plot[]>();
  const keyOf = (sensorId: string, k: number, j: number): string => `${sensorId}:${k}:${j}`;
  let total = 0;
  const run = runSimulation(scenario, {
    seed,
    sink: () => {},
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    onStart: (truth) => (engine.assess = truthAssessor(truth, seed)),
    // (without guns the engine is not run: nothing it decides could change the plots)
    onPlots: (plots, until) => {
      for (const p of plots) {
        const [k, sector] = sectorOf(timings.get(p.sensorId)!, sectors, p.t);
        const key = keyOf(p.sensorId, k, sector);
        let list = bySector.get(key);
        if (!list) bySector.set(key, (list = []));
        list.push(p);
        total++;
      }
      return opts.guns === false ? [] : engine.ingest(plots, until);
    },
  });
  const groups: ReplayGroup[] = [];
  for (const s of scenario.site.sensors) {
    const timing = timings.get(s.id)!;
    for (let k = 0; ; k++) {
      if (revolutionStart(timing, k + 1) > run.truth.end) break;
      for (let j = 0; j < sectors; j++) {
        const crossing = crossingOf(timing, sectors, k, j);
        const plots = bySector.get(keyOf(s.id, k, j)) ?? [];
        bySector.delete(keyOf(s.id, k, j));
        groups.push({ sendAt: Math.max(crossing, plots.at(-1)?.t ?? -Infinity), crossing, sensorId: s.id, revolution: k, sector: j, plots });
      }
    }
  }
  // plots of a revolution the scenario ends in: sent when their sector ends, as the radar would
  for (const plots of bySector.values()) {
    const p0 = plots[0]!;
    const timing = timings.get(p0.sensorId)!;
    const [k, j] = sectorOf(timing, sectors, p0.t);
    const crossing = crossingOf(timing, sectors, k, j);
    groups.push({ sendAt: Math.max(crossing, plots.at(-1)!.t), crossing, sensorId: p0.sensorId, revolution: k, sector: j, plots });
  }
  groups.sort((a, b) => a.sendAt - b.sendAt || (a.sensorId < b.sensorId ? -1 : a.sensorId > b.sensorId ? 1 : 0));
  const kills = run.truth.threats.filter((th) => th.killed).map((th) => ({ threatId: th.id, t: th.killed!.t }));
  return {
    name: scenario.name,
    start: run.truth.start,
    end: run.truth.end,
    seed,
    threats: scenario.threats.length,
    kills,
    plots: total,
    sectors,
    sensors: scenario.site.sensors.map(({ id, sac, sic, lat, lon, alt, period }) => ({ id, sac, sic, lat, lon, alt, period })),
    groups,
  };
}

/** One timer at a time: setTimeout/clearTimeout by default; tests give their own. */
export interface ReplayTimers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const nodeTimers: ReplayTimers = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export interface ReplayStatus {
  /** started and neither finished nor stopped */
  running: boolean;
  paused: boolean;
  speed: number;
  loop: boolean;
  /** datagrams sent so far (all loops) */
  sent: number;
  /** plots sent so far (all loops) */
  plots: number;
  /** the replay clock: re-stamped data time, UTC s */
  dataTime: number;
  /** re-stamped send time (UTC s) of the last revolution sent; NaN before the first */
  lastSendAt: number;
  /** how far through the current pass of the scenario, by data time, in [0, 1] */
  fraction: number;
  /** passes completed (loop mode) */
  loops: number;
}

export interface ReplayerOptions {
  /** data time of the scenario start, UTC s (default: the wall clock at construction) */
  base?: number;
  /** replay clock rate, × the wall clock (default 1: real time) */
  speed?: number;
  /** play the scenario again and again; each pass starts `pause` s of data time after the previous one's end */
  loop?: boolean;
  /** data seconds between the end of one pass and the start of the next (loop only; default 5) */
  pause?: number;
  /**
   * s of data time between a revolution's last plot and its datagram's departure (a radar's processing delay;
   * default 0). A receiver that allows its radars a transit delay (the live ingest: 20 ms) releases a
   * revolution sent with no delay only on the next one.
   */
  latency?: number;
  /** a plot is sent only if this says so (its re-stamped time given): a receiver's own interceptions end rounds */
  keep?: (p: Plot, t: number) => boolean;
  /** largest datagram, bytes (default: encodeCat048's 1472) */
  maxBytes?: number;
  /** called after each batch of datagrams and at the end */
  onProgress?: (status: ReplayStatus) => void;
  /** wall clock, UTC s (tests) */
  wall?: () => number;
  /** timer functions (tests) */
  timers?: ReplayTimers;
}

/** Longest single timer wait (ms): a longer wait is re-armed when it expires (setTimeout's limit is 2³¹ − 1). */
const MAX_WAIT_MS = 3_600_000;
/** s from a revolution's last plot to its datagram's departure that `tocsin replay` and `serve --replay` use: a radar's processing delay (the live ingest allows 20 ms of transit). */
export const RADAR_LATENCY = 0.05;
/** Default pause between passes in loop mode, data seconds. */
export const DEFAULT_LOOP_PAUSE = 5;

/**
 * Plays a ReplaySchedule into `send`, one CAT048 datagram at a time (a revolution larger than `maxBytes` is
 * split into several datagrams, sent back to back). The replay clock is paused until start().
 */
export class Replayer {
  /** the replay's data time: base at the scenario start, `speed` × the wall clock, paused with the replay */
  readonly clock: ScaledClock;
  /** datagrams in one pass of the schedule */
  readonly datagramsPerPass: number;

  private readonly frames = new Map<string, EnuFrame>();
  private readonly sensors = new Map<string, ReplaySensor>();
  private readonly timers: ReplayTimers;
  private readonly duration: number;
  private readonly loopPause: number;
  private readonly maxBytes: number | undefined;
  /** data time of schedule.start in the current pass */
  private base: number;
  private next = 0;
  private passes = 0;
  private sentDatagrams = 0;
  private sentPlots = 0;
  private lastSendAt = NaN;
  private running = false;
  private finished = false;
  private userPaused = false;
  private timer: unknown = undefined;
  private done: Promise<void> | undefined;
  private settle: { resolve: () => void; reject: (e: unknown) => void } | undefined;

  constructor(
    readonly schedule: ReplaySchedule,
    private readonly send: (datagram: Uint8Array, sensorId: string) => void,
    private readonly opts: ReplayerOptions = {},
  ) {
    const wall = opts.wall ?? wallSeconds;
    this.base = opts.base ?? wall();
    this.clock = new ScaledClock(this.base, opts.speed ?? 1, wall);
    this.clock.pause();
    this.timers = opts.timers ?? nodeTimers;
    this.duration = schedule.end - schedule.start;
    this.loopPause = opts.pause ?? DEFAULT_LOOP_PAUSE;
    if (!(this.loopPause >= 0) || !Number.isFinite(this.loopPause)) throw new RangeError(`loop pause must be a non-negative number of seconds, got ${this.loopPause}`);
    this.maxBytes = opts.maxBytes;
    for (const s of schedule.sensors) {
      this.frames.set(s.id, new EnuFrame({ lat: s.lat, lon: s.lon, alt: s.alt }));
      this.sensors.set(s.id, s);
    }
    let n = 0;
    for (const g of schedule.groups) n += this.encode(g, 0, false).length;
    this.datagramsPerPass = n;
  }

  /** Starts playing (the clock runs from here); resolves when the last datagram is sent or stop() is called. */
  start(): Promise<void> {
    if (this.done) return this.done;
    this.done = new Promise<void>((resolve, reject) => (this.settle = { resolve, reject }));
    this.running = true;
    if (!this.userPaused) this.clock.resume();
    if (this.schedule.groups.length === 0) this.finish();
    else this.arm();
    return this.done;
  }

  /** Stops for good: no more datagrams; start()'s promise resolves. */
  stop(): void {
    if (!this.running) return;
    this.finish();
  }

  /** Freezes the replay clock: nothing is sent until resume(). */
  pause(): void {
    this.userPaused = true;
    this.clock.pause();
    this.disarm();
    this.progress();
  }

  resume(): void {
    this.userPaused = false;
    if (!this.running) return;
    this.clock.resume();
    this.arm();
    this.progress();
  }

  /** Changes the rate; data time stays continuous. Throws a RangeError on a speed that is not > 0. */
  setSpeed(speed: number): void {
    this.clock.setSpeed(speed);
    this.arm();
    this.progress();
  }

  status(): ReplayStatus {
    const now = this.clock.now();
    const fraction = this.finished && this.next >= this.schedule.groups.length ? 1 : this.passFraction(now);
    return {
      running: this.running,
      paused: this.clock.paused,
      speed: this.clock.speed,
      loop: this.opts.loop === true,
      sent: this.sentDatagrams,
      plots: this.sentPlots,
      dataTime: now,
      lastSendAt: this.lastSendAt,
      fraction,
      loops: this.passes,
    };
  }

  private passFraction(now: number): number {
    if (!(this.duration > 0)) return 1;
    return Math.min(1, Math.max(0, (now - this.base) / this.duration));
  }

  /** Re-stamped send time of the next group. */
  private due(): number {
    return this.base + (this.schedule.groups[this.next]!.sendAt - this.schedule.start) + (this.opts.latency ?? 0);
  }

  /** data time of this pass minus the scenario's: what is added to the schedule's times */
  get passOffset(): number {
    return this.base - this.schedule.start;
  }

  /** A group's datagrams: its plots as CAT048, then its CAT034 crossing (in the last datagram when it fits). */
  private encode(g: ReplayGroup, offset: number, filter = true): Uint8Array[] {
    const keep = filter ? this.opts.keep : undefined;
    const plots = g.plots.map((p) => ({ ...p, t: p.t + offset })).filter((p) => !keep || keep(p, p.t));
    const out = plots.length ? encodeCat048(plots, this.frames.get(g.sensorId)!, this.maxBytes !== undefined ? { maxBytes: this.maxBytes } : {}) : [];
    const s = this.sensors.get(g.sensorId)!;
    const n = this.schedule.sectors;
    const north = g.sector === n - 1;
    const msg = encodeCat034(s.sac, s.sic, g.crossing + offset, north ? undefined : (360 * (g.sector + 1)) / n);
    const last = out.at(-1);
    if (last && last.length + msg.length <= (this.maxBytes ?? DEFAULT_MAX_BYTES)) {
      const joined = new Uint8Array(last.length + msg.length);
      joined.set(last);
      joined.set(msg, last.length);
      out[out.length - 1] = joined;
    } else out.push(msg);
    return out;
  }

  private disarm(): void {
    if (this.timer !== undefined) this.timers.clear(this.timer);
    this.timer = undefined;
  }

  /** One timer for the next due group (none while paused or stopped). */
  private arm(): void {
    this.disarm();
    if (!this.running || this.clock.paused) return;
    const wait = (this.due() - this.clock.now()) / this.clock.speed;
    const ms = Math.min(MAX_WAIT_MS, Math.max(0, Math.ceil(wait * 1000)));
    this.timer = this.timers.set(() => this.fire(), ms);
  }

  /** The timer went off: send everything due, in schedule order, then arm for the next. */
  private fire(): void {
    this.timer = undefined;
    if (!this.running || this.clock.paused) return;
    const now = this.clock.now();
    const groups = this.schedule.groups;
    let any = false;
    try {
      while (this.running && this.due() <= now) {
        const g = groups[this.next]!;
        this.lastSendAt = this.due();
        for (const dg of this.encode(g, this.base - this.schedule.start)) {
          this.send(dg, g.sensorId);
          this.sentDatagrams++;
        }
        this.sentPlots += g.plots.length;
        any = true;
        if (++this.next < groups.length) continue;
        if (!this.opts.loop) {
          this.finish();
          return;
        }
        this.passes++;
        this.next = 0;
        this.base += this.duration + this.loopPause;
      }
    } catch (e) {
      this.finish(e);
      return;
    }
    if (any) this.progress();
    this.arm();
  }

  private progress(): void {
    this.opts.onProgress?.(this.status());
  }

  private finish(error?: unknown): void {
    this.disarm();
    this.running = false;
    this.finished = true;
    if (error === undefined && this.next >= this.schedule.groups.length) this.passes++;
    this.progress();
    const s = this.settle;
    this.settle = undefined;
    if (error !== undefined) s?.reject(error);
    else s?.resolve();
  }
}
