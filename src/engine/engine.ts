/**
 * The engine: everything below the I/O layer, driven by time-ordered plot batches. The simulator feeds it
 * simulated plots, `tocsin process` decoded recordings and the live service decoded UDP; nothing here knows
 * which. Pipeline per batch: tracker (gate, assign, filter, initiate, classify) → prediction (impact point
 * of every confirmed ballistic track, at each of its updates) → warnings and engagements → [the batch's
 * alerts handed out] → launch points of those predictions → events.
 *
 * The launch point goes last because nothing that warns or engages reads it (it serves the search and the
 * report), and its back-propagation costs as much as the impact's: a warning waits for half the prediction
 * work it used to. The events returned are the same as if it had been computed with the impact point.
 */
import { EnuFrame } from '../geo/wgs84.js';
import type { Plot } from '../sense/plot.js';
import type { Site } from '../scenario/types.js';
import type { PredictionEvent, SimEvent, TrackEvent } from '../sim/events.js';
import { predictImpact } from '../predict/impact.js';
import { predictLaunch } from '../predict/launch.js';
import { Tracker, type Track, type TrackerEvent, type TrackerOptions, type UrgentFirst } from '../track/tracker.js';
import { trackerSensor } from '../track/sensors.js';
import type { ThreatType } from '../physics/threat-types.js';
import { AlertManager, type AlertPolicy } from '../warn/alerts.js';
import { EngagementManager, type Assessor } from '../engage/manager.js';
import type { EngagePolicy } from '../engage/policy.js';

/** Radar periods of silence after a burst that the live kill assessment takes as a kill (see Engine.lostAfterBurst). */
export const LOST_SCANS = 2.5;

/** Meteorological data the filter may use (a met message): wind (m/s, the air's velocity) and ISA offset. */
export interface Met {
  windEast: number;
  windNorth: number;
  temperatureOffsetK: number;
}

export interface EngineOptions {
  met?: Met;
  tracker?: Partial<TrackerOptions>;
  /** receives every track update with its plot (metrics; simulation only reads truth through it) */
  onUpdate?: (track: Track, plot: Plot) => void;
  alertPolicy?: Partial<AlertPolicy>;
  engagePolicy?: Partial<EngagePolicy>;
  /**
   * Kill assessment of each burst when it is fired (simulation: drawn against the truth). Absent (live): a
   * track that ends after a burst counts as killed by it.
   */
  assess?: Assessor;
  /** false: track and classify only, no impact/launch predictions (benchmarks of the tracker alone) */
  predictions?: boolean;
  /** receives every prediction with the track it came from */
  onPrediction?: (track: Track, prediction: PredictionEvent) => void;
}

export interface EngineStats {
  plots: number;
  /** plots from a sensor id not in the site */
  unknownSensor: number;
  /** plots older than what was already processed, or with impossible values */
  late: number;
  tracksInitiated: number;
  tracksConfirmed: number;
  tracksBallistic: number;
  predictions: number;
  alerts: number;
  engagements: number;
}

/** See Engine.continuation. */
export interface EngineContinuation {
  nextTrackNumber: number;
  alertCount: number;
  burstsLeft: Record<string, number>;
}

export class Engine {
  readonly site: Site;
  readonly frame: EnuFrame;
  readonly tracker: Tracker;
  readonly stats: EngineStats = { plots: 0, unknownSensor: 0, late: 0, tracksInitiated: 0, tracksConfirmed: 0, tracksBallistic: 0, predictions: 0, alerts: 0, engagements: 0 };
  private readonly opts: EngineOptions;
  /** kill assessment (simulation sets it once the truth exists); see EngineOptions.assess */
  assess: Assessor | undefined;
  private readonly ballisticSeen = new Set<number>();
  private readonly predictOpts: Parameters<typeof predictImpact>[5];
  private readonly trackerEvents: TrackerEvent[] = [];
  private readonly toPredict = new Set<Track>();
  /** scratch: predictUpdated's predicted-before tracks that may change an alert, and the rest */
  private readonly predictMay: Track[] = [];
  private readonly predictRest: Track[] = [];
  /**
   * Live batches (onAlerts): the tracker updates the tracks whose prediction may change a warning first — never
   * predicted, or AlertManager.mayIssue (the first two groups of predictUpdated, decided on the alerts as the
   * batch found them, as predictUpdated does) — and the engine predicts them, handing their warnings over,
   * before the tracker goes on with the other tracks (at 1,000 tracks a two-radar batch's updates take
   * 2–4 ms). The track events meanwhile wait in `updates` (takeUpdates).
   */
  private readonly urgent: UrgentFirst = {
    first: (tr) => tr.impactTime === undefined || this.alerts.mayIssue(tr.id),
    ready: () => {
      try {
        this.predictUpdated();
      } catch (e) {
        // (onAlerts threw: the tracker ends its batch, then the batch is aborted — see ingest)
        this.urgentError = e;
      }
      this.toPredict.clear();
    },
    // the track picture, complete, goes out before the tracker starts new tracks and judges the batch's tracks
    updated: () => {
      this.buffering = false;
      this.takeUpdates();
      if (this.urgentError !== undefined) return;
      try {
        this.handTracks();
      } catch (e) {
        // (onTracks threw: as above)
        this.urgentError = e;
      }
    },
  };
  private urgentError: unknown;
  private onTracks: ((tracks: TrackEvent[]) => void) | undefined;
  private buffering = false;
  /** the batch's track update events while `buffering`, with their tracks' serials */
  private readonly updates: TrackEvent[] = [];
  private readonly updateSerials: number[] = [];
  /** scratch: toPredict, most urgent first */
  private readonly predictOrder: Track[] = [];
  /** the batch's predictions still without their launch point, with their tracks (see ingest) */
  private readonly launchDue: { tr: Track; ev: PredictionEvent }[] = [];
  private out: SimEvent[] = [];
  /** the batch's alert messages not yet handed to its onAlerts (see ingest) */
  private readonly unhanded: SimEvent[] = [];
  private onAlerts: ((alerts: SimEvent[]) => void) | undefined;
  /** last prediction per live track (for the service and the display) */
  readonly predictions = new Map<number, PredictionEvent>();
  readonly alerts: AlertManager;
  readonly engagement: EngagementManager | undefined;
  /** live kill assessment: end of the last burst at each track fired at */
  private readonly burstEnds = new Map<number, number>();
  private readonly burstSeconds: Map<string, number>;
  /** s of silence after a burst that mean a kill (LOST_SCANS periods of the fastest radar) */
  private readonly lostAfter: number;

  constructor(site: Site, opts: EngineOptions = {}) {
    this.site = site;
    this.opts = opts;
    this.frame = new EnuFrame(site.origin);
    const sensors = site.sensors.map((s) => trackerSensor(s, this.frame));
    const met = opts.met;
    this.tracker = new Tracker(this.frame, sensors, {
      ...opts.tracker,
      ...(met ? { met: { wind: { east: met.windEast, north: met.windNorth }, temperatureOffsetK: met.temperatureOffsetK } } : {}),
    });
    this.predictOpts = met ? { met: this.tracker.met } : {};
    this.tracker.observer = { update: (tr, plot) => this.onUpdate(tr, plot) };
    this.assess = opts.assess;
    this.alerts = new AlertManager(site, opts.alertPolicy ?? {});
    this.engagement = site.interceptors.length ? new EngagementManager(site, this.frame, opts.engagePolicy ?? {}, this.tracker.met) : undefined;
    this.burstSeconds = new Map(site.interceptors.map((i) => [i.id, i.burstSeconds]));
    this.lostAfter = LOST_SCANS * Math.min(...site.sensors.map((s) => s.period), Infinity);
  }

  /**
   * Takes the plots measured up to `until` (UTC s; time-ordered, each t ≤ until — or, with the tracker's
   * outOfSequence, each at or after the previous batch's `until` and possibly after this one's) and returns
   * the events they produced (track, prediction, alert, engagement), time-ordered. `onAlerts`, when given,
   * gets the batch's alert messages as soon as each is decided, in one or more calls: a prediction's warnings
   * right after it is made (before the batch's other predictions); the Updates of tracks merely joining an
   * alert once the batch's never-predicted tracks are predicted, or after its last prediction
   * (AlertManager.flushJoins); the rest (all-clears of ended tracks and of time) before the launch points are
   * computed. Each call's messages are time-ordered, an alert's messages come in order, and the calls together
   * hand over exactly the result's alert messages. With it, the tracks that may change a warning are updated
   * and predicted before the tracker updates the others (see `urgent`); the result is the same as without it.
   * It may throw, which aborts the batch (its remaining predictions, its launch points and the return; the
   * tracker still ends its batch). `onTracks`, when given, gets the batch's track updates (status `confirmed`,
   * time-ordered, as they stand in the result) as soon as the tracker has made them all — after the urgent
   * predictions, before the others; the track ends come later, in the result only. It may throw likewise.
   */
  ingest(plots: readonly Plot[], until: number, onAlerts?: (alerts: SimEvent[]) => void, onTracks?: (tracks: TrackEvent[]) => void): SimEvent[] {
    this.out = [];
    // (left over only when a batch was aborted by its onAlerts: those predictions and alerts were never returned)
    this.launchDue.length = 0;
    this.unhanded.length = 0;
    this.onAlerts = onAlerts;
    this.onTracks = onTracks;
    try {
      return this.step(plots, until);
    } finally {
      this.onAlerts = undefined;
      this.onTracks = undefined;
      // the batch's updated tracks, predicted or not (an aborted batch's remaining predictions are dropped: the
      // next batch predicts from its own updates), and its buffered track events (an aborted batch's)
      this.toPredict.clear();
      this.updates.length = 0;
      this.updateSerials.length = 0;
      this.urgentError = undefined;
    }
  }

  private step(plots: readonly Plot[], until: number): SimEvent[] {
    const te = this.trackerEvents;
    te.length = 0;
    const split = this.onAlerts !== undefined && this.opts.predictions !== false;
    // (the twin merge comes after the predictions and their warnings, below)
    if (split) {
      // Live: the tracks whose prediction may change a warning are updated and predicted first, their warnings
      // handed over, before the tracker updates the other tracks (UrgentFirst; predictUpdated for the order)
      this.buffering = true;
      try {
        this.tracker.associateBatch(plots, until, te, this.urgent);
      } finally {
        this.buffering = false;
      }
      const err = this.urgentError;
      this.urgentError = undefined;
      if (err !== undefined) throw err;
      // (a batch with no plot to associate has no update to hand over: the tracker called neither hook)
    } else {
      this.tracker.associateBatch(plots, until, te);
      this.handTracks();
    }
    if (this.opts.predictions !== false) this.predictUpdated(split);
    // The twin merge once the warnings are out (a twin about to go has been predicted with the rest: it was
    // predicted in the batches before, too); its deletions are ended with the others just below.
    this.tracker.mergeDue(until, te);
    for (const e of te) {
      const tr = e.track;
      // (confirmation happens at an update, whose track event onUpdate already wrote)
      if (e.kind === 'confirmed') continue;
      if (e.kind !== 'deleted') continue;
      if (tr.status === 'confirmed' && e.reason !== 'duplicate') {
        const ev = this.trackEvent(tr, e.t, e.reason === 'impact' ? 'impact' : 'deleted');
        if (e.reason === 'impact') {
          const p = this.predictions.get(tr.id);
          if (p) {
            ev.lat = p.impact.lat;
            ev.lon = p.impact.lon;
            ev.alt = this.site.terrainAlt;
          }
        }
        this.out.push(ev);
      }
      this.endTrack(tr.id, e.t, e.reason === 'impact' ? 'impact' : 'deleted');
    }
    // Live kill assessment: a track the radars lost after a burst was killed by it.
    if (this.engagement && !this.assess && this.burstEnds.size) this.lostAfterBurst(until);
    // Engagements to `until`; a kill ends its track (and, in simulation, the assessor has ended the truth).
    if (this.engagement) {
      for (const ev of this.engagement.tick(until, this.assess)) {
        this.out.push(ev);
        this.stats.engagements++;
        if (ev.result === 'fired') this.burstEnds.set(ev.trackId, ev.t + (this.burstSeconds.get(ev.interceptor) ?? 0));
        if (ev.result === 'kill') {
          const tr = this.tracker.live.find((x) => x.id === ev.trackId);
          if (tr && this.tracker.drop(ev.trackId)) {
            const te2 = this.trackEvent(tr, ev.t, 'intercepted');
            if (ev.intercept) {
              te2.lat = ev.intercept.lat;
              te2.lon = ev.intercept.lon;
              te2.alt = ev.intercept.alt;
            }
            this.out.push(te2);
          }
          this.endTrack(ev.trackId, ev.t, 'intercepted');
        }
      }
    }
    for (const a of this.alerts.tick(until)) this.pushAlert(a);
    this.handOverAlerts();
    this.launchPoints();
    const s = this.tracker.stats;
    this.stats.plots = s.plots;
    this.stats.unknownSensor = s.unknownSensor;
    this.stats.late = s.late;
    this.stats.tracksInitiated = s.initiations;
    this.stats.tracksConfirmed = s.confirmed;
    this.stats.tracksBallistic = this.ballisticSeen.size;
    const out = this.out;
    out.sort((a, b) => a.t - b.t);
    this.out = [];
    return out;
  }

  /**
   * Live kill assessment (no assessor): a ballistic track with no plot since its last burst ended, for
   * LOST_SCANS periods of the site's fastest radar, was destroyed by that burst — the radars would still see a
   * round that flew on. It ends as 'intercepted' (the manager then reports the kill). A round merely missed
   * by the radars for that long is taken as killed: its warnings still run their hold (longer than what is
   * left of its flight) and, if it is seen again, a new track warns anew. A track that reaches its predicted
   * impact first ends there (a miss).
   */
  private lostAfterBurst(until: number): void {
    for (const [id, end] of this.burstEnds) {
      const tr = this.tracker.live.find((x) => x.id === id);
      if (!tr) {
        this.burstEnds.delete(id);
        continue;
      }
      if (tr.lastHit >= end || until - end < this.lostAfter) continue;
      this.burstEnds.delete(id);
      this.tracker.drop(id);
      this.out.push(this.trackEvent(tr, until, 'intercepted'));
      this.endTrack(id, until, 'intercepted');
    }
  }

  /** A track ended (impact, lost, intercepted): its warnings run to their all-clear, the guns let it go. */
  private endTrack(id: number, t: number, reason: 'impact' | 'deleted' | 'intercepted'): void {
    this.predictions.delete(id);
    for (const a of this.alerts.onTrackEnd(id, t, reason)) this.pushAlert(a);
    this.engagement?.onTrackEnd(id, t, reason === 'intercepted' ? 'killed' : reason);
  }

  private pushAlert(a: SimEvent): void {
    this.out.push(a);
    if (this.onAlerts) this.unhanded.push(a);
    this.stats.alerts++;
  }

  /** The alert messages decided since the last hand-over, to the batch's onAlerts (time-ordered: a stable sort). */
  private handOverAlerts(): void {
    const cb = this.onAlerts;
    if (!cb || !this.unhanded.length) return;
    const alerts = this.unhanded.slice().sort((a, b) => a.t - b.t);
    this.unhanded.length = 0;
    cb(alerts);
  }

  /**
   * The counters the engine's ids come from, and the interceptors' ammunition: what a restarted service
   * must continue from (set them on a fresh engine before its first batch).
   */
  get continuation(): EngineContinuation {
    return {
      nextTrackNumber: this.tracker.nextTrackNumber,
      alertCount: this.alerts.alertCount,
      burstsLeft: this.engagement?.burstsLeft ?? {},
    };
  }

  set continuation(c: EngineContinuation) {
    this.tracker.nextTrackNumber = c.nextTrackNumber;
    this.alerts.alertCount = c.alertCount;
    if (this.engagement) this.engagement.burstsLeft = c.burstsLeft;
  }

  /**
   * Nothing in hand an operator would miss: no confirmed track, no zone under an alert, no interceptor
   * engaging. (Tentative tracks may exist: clutter keeps making them.)
   */
  get quiet(): boolean {
    return !this.tracker.live.some((t) => t.status === 'confirmed') && this.alerts.activeZones().length === 0 && !this.engagement?.engaging;
  }

  /** End of data at time t: advances the clock so coasting tracks end; returns the last events. */
  finish(t: number): SimEvent[] {
    return this.ingest([], t);
  }

  private onUpdate(tr: Track, plot: Plot): void {
    this.opts.onUpdate?.(tr, plot);
    if (tr.status !== 'confirmed') return;
    const ev = this.trackEvent(tr, plot.t, 'confirmed', plot.sensorId);
    if (this.buffering) {
      this.updates.push(ev);
      this.updateSerials.push(tr.serial);
    } else this.out.push(ev);
    if (tr.cls !== 'ballistic') return;
    this.ballisticSeen.add(tr.id);
    this.toPredict.add(tr);
  }

  /** The batch's track updates so far (those onUpdate wrote; a stable sort: their order in the result), to onTracks. */
  private handTracks(): void {
    const cb = this.onTracks;
    if (!cb) return;
    const tracks = this.out.filter((ev): ev is TrackEvent => ev.type === 'track').sort((a, b) => a.t - b.t);
    if (tracks.length) cb(tracks);
  }

  /**
   * The batch's track updates the tracker made while the engine buffered them (the urgent tracks' first), into
   * the result ahead of the urgent predictions already there, in the tracker's row order — creation order, so
   * by serial — as they stand without UrgentFirst: the result is the same either way.
   */
  private takeUpdates(): void {
    const ups = this.updates;
    const serials = this.updateSerials;
    const idx = ups.map((_, k) => k).sort((a, b) => serials[a]! - serials[b]! || a - b);
    const out: SimEvent[] = idx.map((k) => ups[k]!);
    for (const ev of this.out) out.push(ev);
    this.out = out;
    ups.length = 0;
    serials.length = 0;
  }

  /**
   * Predictions for the ballistic tracks updated in this batch, from each one's latest state: a track seen by
   * two radars within one batch (< 0.5 s apart) gets one prediction, from its newest estimate. Most urgent
   * first, as each prediction's warnings leave as soon as it is made: the tracks never predicted (newly
   * confirmed or newly ballistic: no zone knows of them yet), then those whose prediction may change an alert
   * (AlertManager.mayIssue: a zone near their last impact ellipse they could still warn, escalate or join),
   * then the rest — most of a salvo's tracks, whose zones already sound for them or lie far from their
   * ellipse — each group by its last predicted impact time. Live (UrgentFirst), the first two groups are
   * predicted (`restOnly` false) as soon as the tracker has updated them, the rest (`restOnly`: every track
   * left, as grouped then) once it has updated the others: the same predictions in the same order.
   */
  private predictUpdated(restOnly = false): void {
    const order = this.predictOrder;
    order.length = 0;
    const mayList = this.predictMay;
    const rest = this.predictRest;
    for (const tr of this.toPredict) {
      if (tr.impactTime === undefined) order.push(tr);
      else (!restOnly && this.alerts.mayIssue(tr.id) ? mayList : rest).push(tr);
    }
    // (stable sorts: the update order among equal impact times)
    mayList.sort(byImpactTime);
    rest.sort(byImpactTime);
    const fresh = order.length;
    for (const tr of mayList) order.push(tr);
    const may = order.length;
    for (const tr of rest) order.push(tr);
    mayList.length = 0;
    rest.length = 0;
    // the joins of each group go out in one Update per alert once the group is predicted (AlertManager.flushJoins);
    // a zone warned or escalated goes at once
    for (let i = 0; i < order.length; i++) {
      if ((i === fresh && fresh > 0) || (i === may && may > fresh)) this.flushJoins();
      const tr = order[i]!;
      if (tr.cls !== 'ballistic' || !this.tracker.isLive(tr)) continue;
      const p = this.predict(tr);
      if (p) {
        this.out.push(p);
        this.predictions.set(tr.id, p);
        this.launchDue.push({ tr, ev: p });
        for (const a of this.alerts.onPrediction(p, true)) this.pushAlert(a);
        // a warning leaves before the batch's other predictions are made
        this.handOverAlerts();
        this.engagement?.onPrediction(p, { x: tr.ekf.x, P: tr.ekf.P, t: tr.ekf.t });
      }
    }
    this.flushJoins();
    order.length = 0;
  }

  private flushJoins(): void {
    for (const a of this.alerts.flushJoins()) this.pushAlert(a);
    this.handOverAlerts();
  }

  /**
   * The launch points of the batch's predictions (the events already out get them in place), each from the
   * state its impact point came from: nothing between the two changes a track's filter or threat class.
   */
  private launchPoints(): void {
    for (const { tr, ev } of this.launchDue) {
      const ekf = tr.ekf;
      const threat = tr.threat?.cls;
      const rocketType: ThreatType | undefined = threat === 'rocket-122' || threat === 'rocket-107' ? threat : undefined;
      const launch = predictLaunch(ekf.x, ekf.P, ekf.t, this.frame, this.site.terrainAlt, { ...this.predictOpts, ...(rocketType ? { rocketType } : {}) });
      if (launch) {
        ev.launch = { lat: launch.lat, lon: launch.lon };
        ev.launchTime = launch.t;
        ev.launchCovEN = launch.covEN;
      }
      this.opts.onPrediction?.(tr, ev);
    }
    this.launchDue.length = 0;
  }

  /** The impact point of a track's current state (its launch point comes later: launchPoints). */
  private predict(tr: Track): PredictionEvent | undefined {
    const ekf = tr.ekf;
    const imp = predictImpact(ekf.x, ekf.P, ekf.t, this.frame, this.site.terrainAlt, this.predictOpts);
    if (!imp) return undefined;
    this.stats.predictions++;
    tr.impactTime = imp.t;
    const threat = tr.threat?.cls;
    const ev: PredictionEvent = {
      type: 'prediction',
      t: ekf.t,
      trackId: tr.id,
      impact: { lat: imp.lat, lon: imp.lon },
      impactTime: imp.t,
      impactTimeSigma: imp.sigmaT,
      covEN: imp.covEN,
    };
    if (threat) ev.threat = threat;
    return ev;
  }

  private trackEvent(tr: Track, t: number, status: TrackEvent['status'], sensor?: string): TrackEvent {
    const x = tr.cls === 'air' || tr.llr < 0 ? tr.cv.x : tr.ekf.x;
    const g = this.frame.enuToGeodetic(x[0]!, x[1]!, x[2]!);
    const ev: TrackEvent = {
      type: 'track',
      t,
      trackId: tr.id,
      status,
      class: tr.cls,
      lat: g.lat,
      lon: g.lon,
      alt: g.alt,
      vE: x[3]!,
      vN: x[4]!,
      vU: x[5]!,
      speed: Math.sqrt(x[3]! * x[3]! + x[4]! * x[4]! + x[5]! * x[5]!),
      pBallistic: tr.pBallistic,
    };
    if (tr.cls === 'ballistic' && tr.threat) ev.threat = tr.threat.cls;
    if (sensor !== undefined) ev.sensor = sensor;
    return ev;
  }
}

/** The earlier last predicted impact first. */
function byImpactTime(a: Track, b: Track): number {
  const ta = a.impactTime!;
  const tb = b.impactTime!;
  return ta < tb ? -1 : ta > tb ? 1 : 0;
}

