/**
 * The outside world of bench/service.ts, run in a worker thread: the radars (the Replayer sending CAT048 over
 * loopback UDP), an operator display (a WebSocket client on /api/stream) and a CAT062 consumer (a UDP socket).
 * Its own event loop on the other core, so the service's thread does only the service's work, and every
 * client-side instant (a datagram sent, a message received) is read on this one clock (performance.now()).
 *
 * End to end as a client sees it: each plot a datagram carries is keyed by (sensor, I048/140 time in 1/128 s);
 * a track update on the WebSocket names its sensor and has its plot's time, so it is matched to the datagram
 * that carried that plot: latency = message received − datagram sent. An alert is matched through the track
 * update of the same batch (one of its trackIds at the alert's time), a CAT062 record through the WebSocket
 * track update with the same track number and time.
 *
 * Imported by bench/run.ts like every bench module (it exports no bench()); it does its work only when
 * started as the bench's worker.
 */
import { createSocket, type Socket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import WebSocket from 'ws';
import type { ServiceMessage } from '../src/io/asterix/cat034.js';
import { sensorTable, type SensorRef } from '../src/io/asterix/cat048.js';
import { decodeRadarDatagram } from '../src/io/asterix/radar.js';
import { decodeCat062Datagram, type SystemTrack } from '../src/io/asterix/cat062.js';
import { createRejectCounter } from '../src/io/asterix/rejects.js';
import { generateSalvo, DEFAULT_SALVO } from '../src/scenario/generate-salvo.js';
import { parseScenario } from '../src/scenario/load.js';
import type { Plot } from '../src/sense/plot.js';
import { quantiles } from '../src/service/metrics.js';
import { Replayer, replaySchedule, type ReplaySchedule } from '../src/service/replayer.js';

/**
 * Datagrams per antenna revolution the bench's radars send (BENCH_SECTORS in the environment; default 16: a
 * real radar sends its plots sector by sector as the beam passes, design.md §4.3). 1 = a datagram per turn.
 */
export const BENCH_SECTORS = Number(process.env.BENCH_SECTORS ?? 16);

export const CLIENT_ROLE = 'tocsin-bench-service-client';

export interface Quantiles {
  p50: number;
  p99: number;
  max: number;
  n: number;
}

export type Request =
  | { op: 'schedule'; count: number; window: number; seed: number }
  | { op: 'sink' }
  | {
      op: 'play';
      http: { host: string; port: number };
      asterix: { host: string; port: number };
      /** sensors whose datagrams are sent (the others' are left out) */
      sensors: string[];
      speed: number;
      /** s from the end of a plot's sector (its CAT034 crossing) to its datagram's departure */
      delay: number;
      /** play only this span of data (s from the scenario start), again and again */
      loop?: { from: number; to: number };
      /** local UDP port of the service's CAT048 input, to watch its kernel queue in /proc/net/udp */
      watchPort?: number;
    }
  /** stops sending; returns what was sent */
  | { op: 'halt' }
  /** (halts, then) waits settleMs for the last messages and gives the results for data times in [from, to] */
  | { op: 'stop'; from: number; to: number; settleMs: number };

export interface Sent {
  datagrams: number;
  plots: number;
  /** wall s from the first datagram sent to the last */
  seconds: number;
}

export interface ScheduleInfo {
  plots: number;
  groups: number;
  span: number;
  kills: number;
  sensors: string[];
}

export interface PlayResult extends Sent {
  e2eTrack: Quantiles;
  e2eAlert: Quantiles;
  e2eCat062: Quantiles;
  /** WebSocket track updates / alerts / CAT062 records that could not be matched to a datagram */
  unmatched: { track: number; alert: number; cat062: number };
  wsMessages: number;
  cat062Datagrams: number;
  /** /proc/net/udp of the service's input: most bytes queued, and the socket's drop counter at the end */
  rxQueueMaxBytes: number;
  kernelDrops: number;
}

function q(a: number[]): Quantiles {
  const r = quantiles(a);
  let max = NaN;
  for (const v of a) if (!(v <= max)) max = v;
  return { ...r, max };
}

const code128 = (t: number): number => Math.round(t * 128);

/** rx_queue (bytes) and drops of the UDP socket bound to `port`, from /proc/net/udp; undefined if unreadable. */
export function procUdp(port: number): { rxQueue: number; drops: number } | undefined {
  let text: string;
  try {
    text = readFileSync('/proc/net/udp', 'utf8');
  } catch {
    return undefined;
  }
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 13 || !f[1]!.endsWith(`:${hex}`)) continue;
    const [, rx] = f[4]!.split(':');
    return { rxQueue: parseInt(rx!, 16), drops: Number(f[12]) };
  }
  return undefined;
}

interface Run {
  replayer: Replayer;
  ws: WebSocket;
  sensorIndex: Map<string, number>;
  /** code128(plot time)·4 + sensor index → performance.now() when its datagram was sent */
  sent: Map<number, number>;
  datagrams: number;
  plots: number;
  firstSend: number;
  lastSend: number;
  tracks: { recv: number; t: number; trackId: number; sensor: number }[];
  alerts: { recv: number; t: number; trackIds: number[] }[];
  wsMessages: number;
  cat062: { recv: number; buf: Buffer }[];
  watch: NodeJS.Timeout | undefined;
  watchPort: number | undefined;
  rxQueueMax: number;
}

class Client {
  private schedule: ReplaySchedule | undefined;
  private table: Map<number, SensorRef> | undefined;
  private readonly udp: Socket = createSocket('udp4');
  private sink: Socket | undefined;
  private run: Run | undefined;

  makeSchedule(count: number, window: number, seed: number): ScheduleInfo {
    const text = generateSalvo({ ...DEFAULT_SALVO, count, windowSeconds: window, seed });
    const scenario = parseScenario(text, 'scenarios/bench-salvo.yaml');
    const s = replaySchedule(scenario, { sectors: BENCH_SECTORS });
    this.schedule = s;
    this.table = sensorTable(s.sensors);
    return { plots: s.plots, groups: s.groups.length, span: s.end - s.start, kills: s.kills.length, sensors: s.sensors.map((x) => x.id) };
  }

  async openSink(): Promise<number> {
    const sock = createSocket({ type: 'udp4', recvBufferSize: 4 * 1024 * 1024 });
    sock.on('message', (buf) => this.run?.cat062.push({ recv: performance.now(), buf }));
    await new Promise<void>((res) => sock.bind(0, '127.0.0.1', () => res()));
    this.sink = sock;
    return sock.address().port;
  }

  /** Starts playing; returns the radar delay in effect (s): wall clock at the start − data time. */
  async play(r: Extract<Request, { op: 'play' }>): Promise<{ delay: number }> {
    const full = this.schedule!;
    const keep = new Set(r.sensors);
    const start = r.loop ? full.start + r.loop.from : full.start;
    const end = r.loop ? full.start + r.loop.to : full.end;
    const schedule: ReplaySchedule = {
      ...full,
      start,
      end,
      sensors: full.sensors.filter((s) => keep.has(s.id)),
      groups: full.groups.filter((g) => keep.has(g.sensorId) && g.sendAt > start && g.sendAt <= end),
    };
    schedule.plots = schedule.groups.reduce((a, g) => a + g.plots.length, 0);
    const ws = new WebSocket(`ws://${r.http.host}:${r.http.port}/api/stream`);
    await new Promise<void>((res, rej) => {
      ws.once('open', () => res());
      ws.once('error', rej);
    });
    const sensorIndex = new Map(full.sensors.map((s, i) => [s.id, i]));
    const run: Run = {
      replayer: undefined as unknown as Replayer,
      ws,
      sensorIndex,
      sent: new Map(),
      datagrams: 0,
      plots: 0,
      firstSend: NaN,
      lastSend: NaN,
      tracks: [],
      alerts: [],
      wsMessages: 0,
      cat062: [],
      watch: undefined,
      watchPort: r.watchPort,
      rxQueueMax: 0,
    };
    ws.on('message', (d: Buffer) => {
      const recv = performance.now();
      run.wsMessages++;
      const m = JSON.parse(d.toString()) as { type: string; t: number; status?: string; sensor?: string; trackId?: number; trackIds?: number[] };
      if (m.type === 'track' && m.status === 'confirmed' && m.sensor !== undefined) {
        run.tracks.push({ recv, t: m.t, trackId: m.trackId!, sensor: sensorIndex.get(m.sensor) ?? -1 });
      } else if (m.type === 'alert') {
        run.alerts.push({ recv, t: m.t, trackIds: m.trackIds ?? [] });
      }
    });
    const out: Plot[] = [];
    const msgs: ServiceMessage[] = [];
    const rejects = createRejectCounter();
    // the Replayer sends a sector as the beam leaves it (with its CAT034 crossing); a radar needs some time to send it
    const base = Date.now() / 1000 - r.delay;
    const table = this.table!;
    const replayer = new Replayer(
      schedule,
      (buf, sensorId) => {
        const now = performance.now();
        this.udp.send(buf, r.asterix.port, r.asterix.host);
        if (run.datagrams === 0) run.firstSend = now;
        run.lastSend = now;
        run.datagrams++;
        out.length = 0;
        msgs.length = 0;
        decodeRadarDatagram(buf, { sensors: table, referenceTime: replayer.clock.now() }, out, msgs, rejects);
        const si = sensorIndex.get(sensorId)!;
        for (const p of out) {
          const k = code128(p.t) * 4 + si;
          if (!run.sent.has(k)) run.sent.set(k, now);
        }
        run.plots += out.length;
      },
      { base, speed: r.speed, loop: r.loop !== undefined, pause: 1 },
    );
    run.replayer = replayer;
    if (r.watchPort !== undefined) {
      run.watch = setInterval(() => {
        const u = procUdp(r.watchPort!);
        if (u && u.rxQueue > run.rxQueueMax) run.rxQueueMax = u.rxQueue;
      }, 20);
    }
    this.run = run;
    const delay = Date.now() / 1000 - base; // (the Replayer's constructor encodes every datagram once)
    void replayer.start();
    return { delay };
  }

  halt(): Sent {
    const run = this.run!;
    run.replayer.stop();
    return {
      datagrams: run.datagrams,
      plots: run.plots,
      seconds: (run.lastSend - run.firstSend) / 1000,
    };
  }

  async stop(from: number, to: number, settleMs: number): Promise<PlayResult> {
    const run = this.run!;
    const sent = this.halt();
    await new Promise((res) => setTimeout(res, settleMs));
    clearInterval(run.watch);
    run.ws.close();
    this.run = undefined;
    const inWindow = (t: number): boolean => t >= from && t <= to;

    const trackSent = new Map<string, number>();
    const track: number[] = [];
    let unTrack = 0;
    for (const m of run.tracks) {
      const c = code128(m.t);
      const s = m.sensor >= 0 ? run.sent.get(c * 4 + m.sensor) : undefined;
      if (s === undefined) {
        unTrack++;
        continue;
      }
      trackSent.set(`${m.trackId}:${c}`, s);
      if (inWindow(m.t)) track.push(m.recv - s);
    }
    const alert: number[] = [];
    let unAlert = 0;
    for (const a of run.alerts) {
      const c = code128(a.t);
      let s: number | undefined;
      for (const id of a.trackIds) {
        s = trackSent.get(`${id}:${c}`);
        if (s !== undefined) break;
      }
      if (s === undefined) {
        unAlert++;
        continue;
      }
      if (inWindow(a.t)) alert.push(a.recv - s);
    }
    const cat: number[] = [];
    let unCat = 0;
    const recs: SystemTrack[] = [];
    const rej = createRejectCounter();
    for (const d of run.cat062) {
      recs.length = 0;
      decodeCat062Datagram(d.buf, (from + to) / 2, recs, rej);
      for (const st of recs) {
        if (st.ended) continue; // an end is decided by the clock, not by a plot
        const s = trackSent.get(`${st.trackNumber}:${code128(st.time)}`);
        if (s === undefined) {
          unCat++;
          continue;
        }
        if (inWindow(st.time)) cat.push(d.recv - s);
      }
    }
    const kernel = run.watchPort !== undefined ? procUdp(run.watchPort) : undefined;
    return {
      ...sent,
      e2eTrack: q(track),
      e2eAlert: q(alert),
      e2eCat062: q(cat),
      unmatched: { track: unTrack, alert: unAlert, cat062: unCat },
      wsMessages: run.wsMessages,
      cat062Datagrams: run.cat062.length,
      rxQueueMaxBytes: run.rxQueueMax,
      kernelDrops: kernel?.drops ?? NaN,
    };
  }
}

if (!isMainThread && (workerData as { role?: string } | null)?.role === CLIENT_ROLE) {
  const client = new Client();
  const port = parentPort!;
  port.on('message', (msg: { id: number; req: Request }) => {
    const { id, req } = msg;
    const reply = (p: Promise<unknown> | unknown): void => {
      Promise.resolve(p).then(
        (value) => port.postMessage({ id, value }),
        (e: Error) => port.postMessage({ id, error: e.stack ?? String(e) }),
      );
    };
    try {
      switch (req.op) {
        case 'schedule':
          reply(client.makeSchedule(req.count, req.window, req.seed));
          break;
        case 'sink':
          reply(client.openSink());
          break;
        case 'play':
          reply(client.play(req));
          break;
        case 'halt':
          reply(client.halt());
          break;
        case 'stop':
          reply(client.stop(req.from, req.to, req.settleMs));
          break;
      }
    } catch (e) {
      port.postMessage({ id, error: (e as Error).stack ?? String(e) });
    }
  });
}
