/**
 * `tocsin serve`: the live service. The same engine as `simulate`, driven by a clock instead of a scenario:
 *
 *   UDP CAT048 ──► PlotIngest (sensor allow-list, rejects by reason, reorder by sensor watermarks)
 *              ──► Pipeline (journal batch → engine → incidents → journal results)
 *              ──► publish: WebSocket, CAT062/UDP, CoT/UDP+TCP, CAP files; LiveState for the REST API
 *
 * A batch runs as soon as a datagram arrives (setImmediate: every datagram already queued joins it) and on a
 * 100 ms tick while anything is in hand (tracks coast and end, alerts run to their all-clear, incidents close
 * by the clock). Publishing is push: an alert leaves on the WebSocket in the same turn of the event loop as
 * the batch that decided it, after it is journaled.
 *
 * On start the journal is replayed from its last checkpoint (pipeline.ts): tracks, alerts and incidents come
 * back with their ids, alerts never sent are sent once, none twice.
 */
import { createSocket, type Socket } from 'node:dgram';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { FastifyInstance } from 'fastify';
import { COT_TYPE, cotDelete, cotImpact, cotImpactUid, cotLaunch, cotTrack, type CotOptions } from '../io/cot.js';
import { capXml } from '../io/cap.js';
import { incidentMarkdown, type Incident } from '../report/incident.js';
import type { Met } from '../engine/engine.js';
import type { Assessor } from '../engage/manager.js';
import { buildTruth } from '../scenario/truth.js';
import { truthAssessor } from '../sim/assess.js';
import type { Scenario } from '../scenario/load.js';
import type { Site } from '../scenario/types.js';
import { formatEvent, type AlertEvent, type PredictionEvent, type SimEvent, type TrackEvent } from '../sim/events.js';
import type { Plot } from '../sense/plot.js';
import { Journal } from '../store/journal.js';
import { splitRelease } from './batches.js';
import { FollowClock, WallClock, type Clock } from './clock.js';
import { CotTcpSender, CotUdpSender } from './cot-sender.js';
import { buildHttp, type ServiceApi } from './http.js';
import { PlotIngest } from './ingest.js';
import { LiveState } from './live-state.js';
import { raiseToRealtime, type RealtimeState } from './realtime.js';
import { ServiceMetrics, type MetricsSnapshot } from './metrics.js';
import { Pipeline } from './pipeline.js';
import { CapFiles, Cat062Out, WsHub, type HostPort } from './publish.js';
import { RADAR_LATENCY, Replayer, replaySchedule } from './replayer.js';
import { siteJson } from './site-json.js';

export interface ServeConfig {
  site: Site;
  /** SQLite journal file (':memory:' for none) */
  db: string;
  http: HostPort;
  asterixIn: HostPort;
  asterixOut?: HostPort;
  cotOut?: HostPort;
  cotTcp?: HostPort;
  /** folder for the CAP files of the alerts */
  capDir?: string;
  capSender: string;
  /** bearer token of the state-changing endpoints (absent: they refuse) */
  token?: string;
  /** source addresses allowed to send CAT048 (absent: any) */
  allowSources?: string[];
  /** 'wall': the machine's clock; 'follow': also follows data running ahead (a replay faster than real time) */
  clock: 'wall' | 'follow';
  /** follow clock: how far data may pull it ahead of the wall clock, s */
  maxLead?: number;
  /** plays a scenario into the service's own CAT048 input (a demo, or a test) */
  replay?: { scenario: Scenario; speed: number; loop: boolean; pause: number };
  /** folder of the built display */
  webRoot?: string;
  logger: Logger;
  /** SAC/SIC of the CAT062 this service sends */
  system?: { sac: number; sic: number; serviceId: number };
  tileUrl?: string;
  /** s without activity that closes an incident (default 120) */
  incidentGap?: number;
  /** the met message the filter uses (wind, temperature); absent: still air, ISA */
  met?: Met;
  /**
   * how the ingest releases plots (PlotIngest's `release`): 'per-sensor' (default) — each radar's plots as its
   * sector closes, the tracker taking a slower radar's late plots by reprocessing; 'ordered' — every plot waits
   * until all radars' data covers its time
   */
  release?: 'ordered' | 'per-sensor';
  /**
   * run the event-loop thread — everything a warning waits for — under SCHED_FIFO at this priority (1–99;
   * src/service/realtime.ts); absent: normal scheduling
   */
  realtime?: number;
}

/** When (wall ms, performance.now) the oldest datagram of a batch arrived: latency is measured from it. */
interface Arrival {
  wallMs: number;
}

export class Service {
  readonly cfg: ServeConfig;
  readonly journal: Journal;
  readonly pipeline: Pipeline;
  readonly ingest: PlotIngest;
  readonly live = new LiveState();
  readonly hub = new WsHub();
  readonly metrics: ServiceMetrics;
  readonly clock: Clock;
  private readonly follow: FollowClock | undefined;
  private readonly replayer: Replayer | undefined;
  private replayAssess: Assessor | undefined;
  private udp: Socket | undefined;
  private replaySocket: Socket | undefined;
  private http: FastifyInstance | undefined;
  private cat062: Cat062Out | undefined;
  private cotUdp: CotUdpSender | undefined;
  private cotTcp: CotTcpSender | undefined;
  private readonly cotOpts: CotOptions;
  private capFiles: CapFiles | undefined;
  /** alert publications whose CAP files are still being written (stop waits for them) */
  private readonly publishing = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private statusTimer: NodeJS.Timeout | undefined;
  private pending = false;
  /** accepted datagrams not yet in a batch: arrival (wall ms) and the newest plot time then, in arrival order */
  private readonly arrivals: { wallMs: number; maxT: number }[] = [];
  private readonly started = Date.now();
  private batches = 0;
  private plotsProcessed = 0;
  private engineErrors = 0;
  private alertPublishErrors = 0;
  private alertMessages = 0;
  private readonly acks = new Map<string, { by: string; t: number }>();
  private stopped = false;
  /** the event-loop thread's scheduling (ServeConfig.realtime) and how to undo it at stop */
  private scheduling: RealtimeState = { policy: 'normal', priority: 0 };
  private restoreScheduling: (() => void) | undefined;
  /** `until` of the last batch run (journaled) */
  private lastUntil = -Infinity;
  /** addresses actually bound (port 0 → the one the OS gave) */
  httpAddress: HostPort | undefined;
  asterixAddress: HostPort | undefined;

  constructor(cfg: ServeConfig) {
    this.cfg = cfg;
    // checkpoints on a worker: a commit that carries an alert never pays for one
    this.journal = Journal.open(cfg.db, { backgroundCheckpointMs: 1000 });
    const release = cfg.release ?? 'per-sensor';
    this.pipeline = new Pipeline(cfg.site, this.journal, {
      ...(cfg.incidentGap !== undefined ? { incidentGap: cfg.incidentGap } : {}),
      engine: { ...(cfg.met ? { met: cfg.met } : {}), tracker: { outOfSequence: release === 'per-sensor' } },
    });
    if (cfg.replay) {
      // data time starts after whatever the journal already holds (a restarted demo must not go back in time)
      const last = this.journal.lastUntil();
      const base = Math.max(Date.now() / 1000, Number.isFinite(last) ? last + cfg.replay.pause : -Infinity);
      // The guns are this service's: the recording has every round fly to the ground, the service's own bursts
      // are resolved against the scenario's truth, and the plots of a round it destroyed are no longer sent.
      const scenario = cfg.replay.scenario;
      const hil = replayKills(scenario, () => this.replayer!);
      this.replayAssess = hil.assess;
      this.replayer = new Replayer(replaySchedule(scenario, { guns: false }), (buf) => this.sendToSelf(buf), {
        base,
        keep: hil.keep,
        latency: RADAR_LATENCY,
        speed: cfg.replay.speed,
        loop: cfg.replay.loop,
        pause: cfg.replay.pause,
      });
      const r = this.replayer;
      this.clock = { now: () => r.clock.now() };
    } else if (cfg.clock === 'follow') {
      this.follow = new FollowClock(cfg.maxLead ?? 3600);
      this.clock = this.follow;
    } else {
      this.clock = new WallClock();
    }
    this.ingest = new PlotIngest({
      site: cfg.site,
      release,
      ...(cfg.allowSources ? { allowSources: cfg.allowSources } : {}),
      // a replay into our own port, or a follow clock, runs ahead of the wall clock by design
      ...(this.follow ? { ahead: this.follow.maxLead, maxSkew: this.follow.maxLead, dataAhead: true } : {}),
    });
    this.metrics = new ServiceMetrics(() => this.snapshot());
    this.cotOpts = { uidPrefix: `tocsin.${cfg.site.name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`, groundHae: cfg.site.terrainAlt };
  }

  /** Restores from the journal, binds the sockets and starts the clock. */
  async start(): Promise<void> {
    const log = this.cfg.logger;
    if (this.cfg.realtime !== undefined) {
      const rt = raiseToRealtime(this.cfg.realtime);
      this.scheduling = rt.state;
      this.restoreScheduling = rt.restore;
      if (rt.state.policy === 'fifo') log.info({ policy: 'SCHED_FIFO', priority: rt.state.priority }, 'event-loop thread real-time');
      else log.warn({ priority: this.cfg.realtime, reason: rt.state.error }, 'real-time scheduling refused: running at normal priority');
    }
    // outputs first: what the restore finds unsent goes out through them
    if (this.cfg.capDir) this.capFiles = new CapFiles(this.cfg.capDir, this.cfg.site, this.cfg.capSender);
    if (this.cfg.asterixOut) this.cat062 = new Cat062Out(this.cfg.asterixOut, this.cfg.system ?? { sac: 25, sic: 100, serviceId: 1 });
    if (this.cfg.cotOut) this.cotUdp = new CotUdpSender(this.cfg.cotOut.host, this.cfg.cotOut.port, { onError: (e: Error) => log.warn({ err: e.message }, 'CoT UDP') });
    if (this.cfg.cotTcp) this.cotTcp = new CotTcpSender(this.cfg.cotTcp.host, this.cfg.cotTcp.port, { onError: (e: Error) => log.warn({ err: e.message }, 'CoT TCP') });

    const unsent = this.pipeline.restore((ev) => this.live.add(ev));
    // (after the restore: a replay's kill assessment is for this replay's bursts)
    if (this.replayAssess) this.pipeline.engine.assess = this.replayAssess;
    // operators' alerts are not the engine's: the journal gives back those still active
    for (const a of this.journal.alerts({ activeOnly: true })) if (a.alertId.startsWith('M-')) this.live.add(a);
    const r = this.pipeline.restored;
    if (r.batches) log.info({ batches: r.batches, plots: r.plots, fromSeq: r.fromSeq, unsent: unsent.length }, 'journal replayed: state restored');
    this.publish(unsent, undefined, true);
    // time goes on from where the journal ends (a follow clock catches up with the data it had seen)
    const last = this.journal.lastUntil();
    if (Number.isFinite(last)) {
      this.lastUntil = last;
      this.follow?.observe(last);
      this.ingest.resumeAfter(last);
    }

    this.http = buildHttp(this.api(), { token: this.cfg.token, webRoot: this.cfg.webRoot, logger: log });
    await this.http.listen({ host: this.cfg.http.host, port: this.cfg.http.port });
    const ha = this.http.server.address();
    if (ha && typeof ha === 'object') this.httpAddress = { host: this.cfg.http.host, port: ha.port };

    this.udp = createSocket({ type: this.cfg.asterixIn.host.includes(':') ? 'udp6' : 'udp4', recvBufferSize: 4 * 1024 * 1024 });
    this.udp.on('message', (msg, rinfo) => this.onDatagram(msg, rinfo.address));
    this.udp.on('error', (e) => log.error({ err: e.message }, 'ASTERIX input socket'));
    await new Promise<void>((res, rej) => {
      this.udp!.once('error', rej);
      this.udp!.bind(this.cfg.asterixIn.port, this.cfg.asterixIn.host, () => {
        this.udp!.off('error', rej);
        res();
      });
    });
    const ua = this.udp.address();
    this.asterixAddress = { host: this.cfg.asterixIn.host, port: ua.port };

    this.timer = setInterval(() => this.tick(), 100);
    this.statusTimer = setInterval(() => this.status(), 1000);
    if (this.replayer) {
      this.replaySocket = createSocket(this.asterixAddress.host.includes(':') ? 'udp6' : 'udp4');
      void this.replayer.start().catch((e: Error) => log.error({ err: e.message }, 'replay'));
    }
    log.info({ http: this.httpAddress, asterixIn: this.asterixAddress, db: this.cfg.db }, 'tocsin serving');
  }

  private sendToSelf(buf: Uint8Array): void {
    const a = this.asterixAddress;
    if (!a || !this.replaySocket) return;
    this.replaySocket.send(buf, a.port, a.host);
  }

  private onDatagram(msg: Buffer, source: string): void {
    const wallMs = performance.now();
    const arrival = this.clock.now();
    const messages = this.ingest.counters.messagesAccepted;
    const n = this.ingest.datagram(msg, source, arrival);
    // plots, or a north marker / sector crossing that may release plots held for this radar
    if (n > 0 || this.ingest.counters.messagesAccepted > messages) {
      if (this.follow) this.follow.observe(this.ingest.latest);
      // (the datagram's newest plot: the batch that reaches it holds its plots)
      if (n > 0) this.arrivals.push({ wallMs, maxT: this.ingest.lastDatagramNewest });
      if (!this.pending) {
        this.pending = true;
        setImmediate(() => {
          this.pending = false;
          this.tick();
        });
      }
    }
  }

  /** Is anything in hand that the clock must advance (coasting tracks, alerts, open incidents)? */
  private busy(): boolean {
    const e = this.pipeline.engine;
    return e.tracker.live.length > 0 || !e.quiet || this.pipeline.incidents.hasOpen;
  }

  /** One batch: what the ingest releases up to now, through the pipeline, published. */
  tick(): void {
    if (this.stopped) return;
    const now = this.clock.now();
    const { plots, until } = this.ingest.take(now);
    if (!plots.length && (!this.busy() || until <= this.lastUntil)) return;
    // In batches the tracker can take (splitRelease: at most 0.5 s of plot time, a sector's release whole)
    for (const b of splitRelease(plots, until)) this.run(plots.slice(b.from, b.to), b.until);
  }

  private run(plots: Plot[], until: number): void {
    this.lastUntil = until;
    const arrival = this.arrivalOf(plots.length ? Math.max(until, plots[plots.length - 1]!.t) : until);
    let events: SimEvent[];
    let fresh: ReadonlySet<string>;
    let early = false;
    let tracksOut = false;
    try {
      // the batch's alerts leave as soon as they are journaled, before the incidents and the other outputs; its
      // track updates as CAT062 as soon as the tracker has made them all, before the predictions of the tracks
      // that cannot change a warning
      const r = this.pipeline.step(
        plots,
        until,
        (alerts, newIds) => {
          early = true;
          this.publishAlerts(alerts as AlertEvent[], arrival, false, newIds);
        },
        (tracks) => {
          tracksOut = true;
          this.sendCat062(tracks, arrival);
        },
      );
      events = r.events;
      fresh = r.newAlerts;
    } catch (e) {
      this.engineErrors++;
      this.cfg.logger.error({ err: (e as Error).stack, plots: plots.length, until }, 'engine failed on a batch (batch journaled; going on)');
      return;
    }
    this.batches++;
    this.plotsProcessed += plots.length;
    this.publish(early ? events.filter((ev) => ev.type !== 'alert') : events, arrival, false, fresh, tracksOut);
  }

  /** Track events as CAT062; the latency of the batch's track picture is measured at its first send. */
  private sendCat062(tracks: readonly TrackEvent[], arrival: Arrival | undefined): void {
    if (!tracks.length) return;
    this.cat062?.send(tracks);
    if (arrival) this.metrics.observeTrack(performance.now() - arrival.wallMs);
  }

  /**
   * The arrival (wall ms) of the oldest datagram whose plots a batch reaching `reach` (its newest plot, or its
   * `until`) holds — what its latency is measured from — and the datagrams it consumed forgotten. Undefined for
   * a batch with no datagram.
   */
  private arrivalOf(reach: number): Arrival | undefined {
    // (released per sensor, a slower radar's datagram may wait behind a faster one's: the whole queue is looked
    // at, it holds the datagrams of a batch or two)
    const q = this.arrivals;
    let kept = 0;
    let oldest: number | undefined;
    for (let k = 0; k < q.length; k++) {
      const a = q[k]!;
      if (a.maxT <= reach) oldest = Math.min(oldest ?? Infinity, a.wallMs);
      else q[kept++] = a;
    }
    q.length = kept;
    return oldest === undefined ? undefined : { wallMs: oldest };
  }


  /**
   * Sends alert messages out — state, WebSocket, CAP files — those new to the journal (`fresh`) or, on restore,
   * every one given (the journal's unsent). The stream has them at once; the CAP files are written off the
   * main thread (CapFiles.write), and once every file is written the messages are marked published, then
   * logged.
   */
  private publishAlerts(alerts: readonly AlertEvent[], arrival: Arrival | undefined, restoring: boolean, fresh?: ReadonlySet<string>): void {
    const sent: AlertEvent[] = [];
    const ws = this.hub.size > 0;
    for (const a of alerts) {
      // (on restore the replay has already rebuilt the state)
      if (!restoring) this.live.add(a);
      if (!restoring && !fresh?.has(a.messageId)) continue; // already sent
      if (ws) this.hub.broadcast(formatEvent(a));
      if (arrival) this.metrics.observeAlert(performance.now() - arrival.wallMs);
      sent.push(a);
    }
    if (!sent.length) return;
    this.alertMessages += sent.length;
    const capFiles = this.capFiles;
    const done = (capFiles ? Promise.all(sent.map((a) => capFiles.write(a))) : Promise.resolve())
      .then(() => {
        // Published once every output has it. A crash before this line (after the stream had the message)
        // sends it again after the restart, under the same id: at least once, never lost.
        this.journal.markPublished(sent.map((a) => a.messageId), this.clock.now());
        for (const a of sent) this.cfg.logger.info({ messageId: a.messageId, stage: a.stage, zones: a.zones, restored: restoring }, 'alert sent');
      })
      .catch((e: unknown) => {
        // (a full disk, a CAP folder gone, the journal failing the mark): the stream has them; left unmarked,
        // they go out again after a restart
        this.alertPublishErrors++;
        this.cfg.logger.error({ err: (e as Error).message, messageIds: sent.map((a) => a.messageId) }, 'alert publication incomplete: not marked published');
      });
    this.publishing.add(done);
    void done.finally(() => this.publishing.delete(done));
  }

  /**
   * Sends events out: the alerts among them first (publishAlerts), then the rest — state, WebSocket, CAT062,
   * CoT.
   */
  private publish(events: readonly SimEvent[], arrival: Arrival | undefined, restoring: boolean, fresh?: ReadonlySet<string>, updatesSent = false): void {
    if (!events.length) return;
    const alerts = events.filter((ev): ev is AlertEvent => ev.type === 'alert');
    if (alerts.length) this.publishAlerts(alerts, arrival, restoring, fresh);
    // First what is waited for: the tracks as CAT062 (one encoding for the batch; the stream formats every
    // event on its own, ≈ 1–3 ms for a 1,000-track batch) — only the ends when the updates went out already
    // (run) — then every event on the WebSocket in time order. Then CoT rendering, so it does not delay the
    // next batch.
    const tracks = events.filter((ev): ev is TrackEvent => ev.type === 'track' && (!updatesSent || ev['status'] !== 'confirmed'));
    if (updatesSent) this.cat062?.send(tracks);
    else this.sendCat062(tracks, arrival);
    const ws = this.hub.size > 0;
    const stream = (): void => {
      for (const ev of events) {
        if (ev.type === 'alert') continue;
        if (!restoring) this.live.add(ev);
        if (ws) this.hub.broadcast(formatEvent(ev));
      }
    };
    // (the batch's messages in one write per client: WsHub.batch)
    if (ws) this.hub.batch(stream);
    else stream();
    if (this.cotUdp || this.cotTcp) for (const ev of events) this.cotOf(ev);
  }

  /** The Cursor-on-Target events of a track or prediction event. */
  private cotOf(ev: SimEvent): void {
    if (ev.type === 'track') {
      const te = ev as TrackEvent;
      this.cot(cotTrack(te, this.cotOpts));
      // an ended round's predicted impact point goes too (an intercepted one never lands there)
      if (te.status !== 'confirmed' && te.class === 'ballistic') {
        this.cot(cotDelete(cotImpactUid(this.cotOpts.uidPrefix, te.trackId), COT_TYPE.impact, te.t, { lat: te.lat, lon: te.lon }, this.cotOpts));
      }
    } else if (ev.type === 'prediction') {
      const p = ev as PredictionEvent;
      this.cot(cotImpact(p, this.cotOpts));
      const launch = cotLaunch(p, this.cotOpts);
      if (launch) this.cot(launch);
    }
  }

  private cot(xml: string): void {
    this.cotUdp?.send(xml);
    this.cotTcp?.send(xml);
  }

  /** Once a second: sensor status and the clock, to the WebSocket. */
  private status(): void {
    const now = this.clock.now();
    this.hub.broadcast(JSON.stringify({ type: 'sensor', t: now, sensors: this.ingest.sensors(now) }));
    this.hub.broadcast(JSON.stringify({ type: 'clock', ...this.clockState() }));
  }

  private clockState(): { t: number; speed: number; paused: boolean; mode: 'wall' | 'follow' | 'replay' } {
    const t = this.clock.now();
    if (this.replayer) {
      const s = this.replayer.status();
      return { t, speed: s.speed, paused: s.paused, mode: 'replay' };
    }
    return { t, speed: 1, paused: false, mode: this.follow ? 'follow' : 'wall' };
  }

  private incidentList(): { incidentId: string; t: number; title: string; headline: string; status: string }[] {
    const byId = new Map<string, { incidentId: string; t: number; title: string; headline: string; status: string }>();
    for (const r of this.journal.incidents()) {
      const inc = r.json as Incident;
      byId.set(r.incidentId, { incidentId: r.incidentId, t: r.t, title: inc.headline, headline: inc.headline, status: inc.status });
    }
    for (const inc of this.pipeline.incidents.incidents()) {
      byId.set(inc.incidentId, { incidentId: inc.incidentId, t: inc.start, title: inc.headline, headline: inc.headline, status: inc.status });
    }
    return [...byId.values()].sort((a, b) => b.t - a.t);
  }

  private incidentById(id: string): Incident | undefined {
    const open = this.pipeline.incidents.incidents().find((i) => i.incidentId === id);
    if (open) return open;
    return this.journal.incident(id) as Incident | undefined;
  }

  snapshot(): MetricsSnapshot {
    const c = this.ingest.counters;
    const tr = this.pipeline.engine.tracker.live;
    const js = this.journal.stats();
    const rejected: Record<string, number> = { ...c.rejects.counts };
    const lastReject: Record<string, string> = {};
    for (const [k, v] of Object.entries(c.rejects.last)) if (v !== undefined) lastReject[k] = v;
    return {
      uptimeSeconds: (Date.now() - this.started) / 1000,
      datagrams: c.datagrams,
      bytes: c.bytes,
      plotsAccepted: c.plotsAccepted,
      plotsProcessed: this.plotsProcessed,
      rejected,
      lastReject,
      tracks: {
        live: tr.length,
        confirmed: tr.filter((t) => t.status === 'confirmed').length,
        ballistic: tr.filter((t) => t.status === 'confirmed' && t.cls === 'ballistic').length,
        confirmedTotal: this.pipeline.engine.tracker.nextTrackNumber - 1,
      },
      alerts: { messages: this.alertMessages, active: this.live.alerts.size, publishErrors: this.alertPublishErrors },
      engagements: this.live.engagements,
      // closed incidents are journaled; open ones are only in the builder (cheap: no report is built here)
      incidents: js.incidents + this.pipeline.incidents.openCount,
      batches: this.batches,
      engineErrors: this.engineErrors,
      outOfSequence: { reordered: this.pipeline.engine.tracker.stats.reordered, tooLate: this.pipeline.engine.tracker.stats.tooLate },
      websocket: { clients: this.hub.size, sent: this.hub.sent, dropped: this.hub.dropped },
      cat062: this.cat062 ? { datagrams: this.cat062.datagrams, records: this.cat062.records, errors: this.cat062.errors } : undefined,
      cot:
        this.cotTcp || this.cotUdp
          ? {
              ...(this.cotUdp ? { udpSent: this.cotUdp.stats.sent, udpErrors: this.cotUdp.stats.errors } : {}),
              ...(this.cotTcp ? { tcpSent: this.cotTcp.stats.sent, tcpDropped: this.cotTcp.stats.dropped, tcpErrors: this.cotTcp.stats.errors, tcpConnected: this.cotTcp.stats.connected ? 1 : 0 } : {}),
            }
          : undefined,
      journal: { batches: js.batches, plots: js.plots, bytes: js.bytes },
      restored: { batches: this.pipeline.restored.batches, plots: this.pipeline.restored.plots, unsent: this.pipeline.restored.unsent },
      latencyMs: this.metrics.latency(),
      scheduling: this.scheduling,
    };
  }

  private api(): ServiceApi {
    return {
      hub: this.hub,
      health: () => ({
        status: 'ok',
        site: this.cfg.site.name,
        clock: this.clockState(),
        uptimeSeconds: (Date.now() - this.started) / 1000,
        sensors: this.ingest.sensors(this.clock.now()),
        ...(this.replayer ? { replay: this.replayer.status() } : {}),
      }),
      site: () => siteJson(this.cfg.site, this.cfg.tileUrl ? { tileUrl: this.cfg.tileUrl } : {}),
      state: () => this.stateJson(),
      tracks: () => [...this.live.tracks.values()],
      alerts: (limit) => this.journal.alerts({ limit }).map((a) => ({ ...a, ...(this.acks.has(a.alertId) ? { acknowledged: this.acks.get(a.alertId) } : {}) })),
      alertCap: (id) => {
        const a = this.journal.alertMessage(id);
        return a ? capXml(a, this.cfg.site, { sender: this.cfg.capSender }) : undefined;
      },
      incidents: () => this.incidentList(),
      incident: (id) => this.incidentById(id),
      incidentMarkdown: (id) => {
        const inc = this.incidentById(id);
        return inc ? incidentMarkdown(inc, this.cfg.site) : undefined;
      },
      metrics: () => this.snapshot(),
      prometheus: async () => ({ contentType: this.metrics.registry.contentType, body: await this.metrics.registry.metrics() }),
      replay: (body) => {
        const r = this.replayer;
        if (!r) return undefined;
        if (body.speed !== undefined) r.setSpeed(body.speed);
        if (body.paused === true) r.pause();
        if (body.paused === false) r.resume();
        const st = this.clockState();
        this.hub.broadcast(JSON.stringify({ type: 'clock', ...st }));
        return st;
      },
      acknowledge: (alertId, by) => {
        if (!this.live.alerts.has(alertId)) return false;
        const t = this.clock.now();
        this.acks.set(alertId, { by, t });
        this.cfg.logger.info({ alertId, by }, 'alert acknowledged');
        this.hub.broadcast(JSON.stringify({ type: 'ack', t, alertId, by }));
        return true;
      },
      manualAlert: (body) => this.manualAlert(body.zones, body.stage),
      clearManual: (alertId) => this.clearManual(alertId),
      setSensor: (id, enabled) => {
        const ok = this.ingest.setEnabled(id, enabled);
        if (ok) this.cfg.logger.warn({ sensor: id, enabled }, 'sensor switched by an operator');
        return ok;
      },
      hello: () => JSON.stringify({ type: 'hello', ...this.stateJson() }),
    };
  }

  /**
   * An operator's alert (POST /api/alerts): zones warned by hand, e.g. on a report the radars did not see.
   * Journaled and sent like the engine's alerts; ids `M-<n>`; it lasts until cleared by hand.
   */
  private manualAlert(zones: string[], stage: 'early' | 'siren'): { ok: AlertEvent } | { error: string } {
    const known = new Set(this.cfg.site.zones.map((z) => z.id));
    const bad = zones.filter((z) => !known.has(z));
    if (bad.length) return { error: `unknown zone(s): ${bad.join(', ')} (site zones: ${[...known].join(', ')})` };
    const order = this.cfg.site.zones.map((z) => z.id).filter((z) => zones.includes(z));
    const n = 1 + this.journal.alerts({ limit: 100_000 }).filter((a) => a.alertId.startsWith('M-') && a.msgType === 'Alert').length;
    const t = this.clock.now();
    const alertId = `M-${n}`;
    const ev: AlertEvent = {
      type: 'alert',
      t,
      alertId,
      stage,
      zones: order,
      trackIds: [],
      msgType: 'Alert',
      messageId: `${alertId}.1`,
      zoneStages: Object.fromEntries(order.map((z) => [z, stage])),
    };
    this.sendManual(ev);
    return { ok: ev };
  }

  private clearManual(alertId: string): AlertEvent | undefined {
    const last = this.live.alerts.get(alertId);
    if (!alertId.startsWith('M-') || !last) return undefined;
    const msgs = this.journal.alertMessages(alertId);
    // (as the engine's: the alert's first message and the one this supersedes)
    const refs = msgs.length > 1 ? [msgs[0]!, msgs[msgs.length - 1]!] : msgs;
    const ev: AlertEvent = {
      type: 'alert',
      t: this.clock.now(),
      alertId,
      stage: 'clear',
      zones: Object.keys(last.zoneStages),
      trackIds: [],
      msgType: 'Cancel',
      messageId: `${alertId}.${msgs.length + 1}`,
      references: refs.map((m) => m.messageId),
      referenceTimes: refs.map((m) => m.t),
      zoneStages: {},
    };
    this.sendManual(ev);
    return ev;
  }

  /** Journal, then send (the same order as the engine's alerts). */
  private sendManual(ev: AlertEvent): void {
    this.journal.record(this.journal.lastSeq(), [ev]);
    this.cfg.logger.warn({ alertId: ev.alertId, stage: ev.stage, zones: ev.zones }, 'operator alert');
    this.publish([ev], undefined, false, new Set([ev.messageId]));
  }

  private stateJson(): Record<string, unknown> {
    const now = this.clock.now();
    return {
      clock: this.clockState(),
      tracks: [...this.live.tracks.values()],
      predictions: [...this.live.predictions.values()],
      alerts: [...this.live.alerts.values()],
      recent: this.live.recent(),
      sensors: this.ingest.sensors(now),
      incidents: this.incidentList(),
      ...(this.replayer ? { replay: this.replayer.status() } : {}),
    };
  }

  /** Stops timers and sockets, closes the journal. Idempotent. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.timer);
    clearInterval(this.statusTimer);
    this.replayer?.stop();
    this.replaySocket?.close();
    this.udp?.close();
    this.hub.closeAll(); // open WebSockets would hold the HTTP server's close
    await this.http?.close();
    this.cat062?.close();
    this.cotUdp?.close();
    await this.cotTcp?.close();
    // the alerts' CAP files still being written, and their published marks
    await Promise.allSettled([...this.publishing]);
    this.journal.close();
    try {
      this.restoreScheduling?.();
    } catch (e) {
      this.cfg.logger.warn({ err: (e as Error).message }, 'could not give the event-loop thread its scheduling back');
    }
  }
}

/**
 * Interceptions in a replay (`serve --replay`): each burst of the service is resolved against the scenario's
 * truth (as the simulator does: the round within the lethal radius of the aim point, then a draw with the
 * burst's pk), in the current pass's data time; a destroyed round's later plots are dropped from the replay.
 */
function replayKills(scenario: Scenario, replayer: () => Replayer): { assess: Assessor; keep: (p: Plot, t: number) => boolean } {
  let pass = -1;
  let truth = buildTruth(scenario);
  let inner = truthAssessor(truth, scenario.seed);
  /** `<pass>/<truth id>` → kill time (service data time) */
  const killed = new Map<string, number>();
  const current = (): number => {
    const loops = replayer().status().loops;
    if (loops !== pass) {
      pass = loops;
      truth = buildTruth(scenario);
      inner = truthAssessor(truth, scenario.seed);
    }
    return pass;
  };
  return {
    assess: (shot) => {
      const k = current();
      const off = replayer().passOffset;
      const hit = inner({ ...shot, tFire: shot.tFire - off, tAim: shot.tAim - off, tEnd: shot.tEnd - off });
      if (hit) for (const th of truth.threats) if (th.killed && !killed.has(`${k}/${th.id}`)) killed.set(`${k}/${th.id}`, th.killed.t + off);
      return hit;
    },
    keep: (p, t) => {
      if (p.truthId === undefined) return true;
      const at = killed.get(`${current()}/${p.truthId}`);
      return at === undefined || t < at;
    },
  };
}

/** A random API token for a session that was given none (printed once, never logged). */
export function sessionToken(): string {
  return randomUUID().replaceAll('-', '');
}
