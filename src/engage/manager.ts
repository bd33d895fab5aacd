/**
 * Threat evaluation and weapon assignment (TEWA) and the interceptors' timelines: pure, deterministic logic
 * driven by the engine's predictions and a clock.
 *
 *   onPrediction(p, state)  the latest impact prediction and filter state of a ballistic track
 *   onTrackEnd(id, t)       the track ended (impact, deleted, or killed — live kill assessment)
 *   tick(t, assess?)        advance every interceptor's timeline to t; returns the engagement events
 *
 * Rules (reasons and figures in docs/engagement.md):
 * 1. Threat: a track is engaged only when P(impact inside a defended asset) ≥ threatThreshold (threat.ts);
 *    what falls on open ground is left alone.
 * 2. Ranking: score = time to impact + prioritySeconds·(priority − 1) (priority of the most likely asset),
 *    lowest first; ties by track id.
 * 3. Assignment: in rank order, each threat takes the free interceptor (with ammunition) whose earliest
 *    feasible burst (geometry.ts: range, elevation, floor, reaction + slew, a whole burst in the envelope) is
 *    earliest; one target per interceptor at a time, one interceptor per target. A threat no free
 *    interceptor can reach gets a 'no-solution' (or 'out-of-ammunition') event, once per interceptor.
 * 4. Timeline of an engagement: laying (reaction + slew) → at the burst start the aim is refreshed from the
 *    track's latest state ('fired'; a burst spends one of the interceptor's `bursts`) → firing
 *    (burstSeconds) → look (lookSeconds) → 'kill' (the interceptor is free) or 'miss' → shoot again
 *    (shoot-look-shoot: no reaction time, the gun is already laid; only the slew) while the track still
 *    threatens an asset, ammunition lasts and the geometry allows; else 'out-of-ammunition' or
 *    'no-solution' and the interceptor is free.
 * 5. Kill assessment: the optional `assess` callback of tick (simulation: interceptTruth + resolveBurst) says
 *    at the burst whether it killed; without it (live) the look decides from the track: it ended after the
 *    burst (deleted or killed) → kill; it was updated after the burst or reached its impact → miss; neither
 *    yet → wait for one of them.
 *
 * Time: the manager's clock only goes forward. A decision is taken at the latest of the data's time (the
 * prediction's state time) and the manager's clock; an event is emitted only once tick reaches its time, so
 * the events of successive ticks are in time order.
 */
import { EnuFrame } from '../geo/wgs84.js';
import type { Asset, Site } from '../scenario/types.js';
import type { PredictionEvent } from '../sim/events.js';
import type { EkfMet } from '../track/ballistic-ekf.js';
import { Gun, TargetPath, type InterceptSolution, type NoSolutionReason } from './geometry.js';
import { engagePolicy, type EngagePolicy } from './policy.js';
import { AssetThreat } from './threat.js';

/**
 * 'hold': the gun was laid on the round, but at the time of the first burst the newest prediction no longer
 * passes the threat rule (worthFiring: P(asset) too low, or below the confident threshold while the round is
 * still far from impact): fire is held and the gun released.
 */
export type EngagementResult = 'fired' | 'kill' | 'miss' | 'no-solution' | 'out-of-ammunition' | 'hold';

/** An `engagement` event of events.jsonl (design.md §4.1: interceptor, trackId, result, plus details). */
export interface EngagementEvent {
  type: 'engagement';
  /** UTC s: burst start (fired), end of the look or the evidence (kill, miss), the decision (others) */
  t: number;
  interceptor: string;
  trackId: number;
  result: EngagementResult;
  /** fired, kill, miss: ordinal of the burst on this track by this interceptor (1 = first) */
  burst?: number;
  /** fired, kill, miss: the aim point (the target's predicted position at the burst's middle) */
  intercept?: { lat: number; lon: number; alt: number };
  /** fired: kill probability of the burst */
  pk?: number;
  /** fired, out-of-ammunition: bursts left on the interceptor */
  burstsLeft?: number;
  /** fired: slant range from the interceptor to the aim point (m) */
  range?: number;
  /** fired (and hold: pThreat only): the asset the round is most likely to hit, and P(impact in any asset) */
  asset?: string;
  pThreat?: number;
  /** no-solution: the envelope condition no time meets ('time': no burst fits once the gun can be ready) */
  reason?: NoSolutionReason;
}

/** One burst, as the kill assessment sees it. */
export interface Shot {
  interceptor: string;
  trackId: number;
  /** ordinal on this track by this interceptor */
  burst: number;
  /** UTC s: burst start, middle (aim time), end */
  tFire: number;
  tAim: number;
  tEnd: number;
  /** aim point in the site ENU and in ECEF (m) */
  aimEnu: Float64Array;
  aimEcef: Float64Array;
  intercept: { lat: number; lon: number; alt: number };
  pk: number;
  /** slant range from the interceptor (m) */
  range: number;
}

/** Simulation's kill assessment: true (kill), false (miss) or undefined (unknown: assessed from the track). */
export type Assessor = (shot: Shot) => boolean | undefined;

/** Why a track ended: impact (a leaker if engaged), deleted (lost: a kill after a burst), killed. */
export type TrackEndReason = 'impact' | 'deleted' | 'killed';

/** What the manager knows of a ballistic track. */
interface TrackRec {
  id: number;
  pred: PredictionEvent;
  /** filter state, covariance and their time (copies) */
  x: Float64Array;
  P: Float64Array;
  t: number;
  pThreat: number;
  asset: Asset | undefined;
  priority: number;
  /** predicted path from the current state (lazy) */
  path: TargetPath | undefined;
  ended: { t: number; reason: TrackEndReason } | undefined;
  engagedBy: GunState | undefined;
  /** events already emitted once for this track ('<gun>:no-solution', '<gun>:out-of-ammunition') */
  reported: Set<string>;
  /** gun id → '<state time>|<pointing version>' of a failed first-burst solve (failure only grows with time) */
  failed: Map<string, string>;
}

interface Engagement {
  track: TrackRec;
  phase: 'laying' | 'firing' | 'looking' | 'waiting';
  /** UTC s of the next timeline step */
  next: number;
  /** bursts fired on this track */
  burst: number;
  sol: InterceptSolution;
  shot: Shot | undefined;
  /** the last burst's outcome, when the assessor gave it */
  outcome: boolean | undefined;
}

interface GunState {
  gun: Gun;
  /** unit vector (gun ENU) the gun points along (or is being laid to) */
  pointing: Float64Array;
  pointingVersion: number;
  bursts: number;
  eng: Engagement | undefined;
}

/** An interceptor's state for displays and reports. */
export interface InterceptorStatus {
  id: string;
  burstsLeft: number;
  /** the track engaged, and the phase */
  trackId?: number;
  phase?: Engagement['phase'];
}

export class EngagementManager {
  readonly site: Site;
  readonly frame: EnuFrame;
  readonly policy: EngagePolicy;
  readonly met: EkfMet | undefined;
  private readonly threat: AssetThreat;
  private readonly guns: GunState[];
  private readonly tracks = new Map<number, TrackRec>();
  /** ids of tracks that ended: later predictions for them are ignored */
  private readonly endedIds = new Set<number>();
  private readonly maxPriority: number;
  /** the manager's clock (UTC s) */
  private now = -Infinity;
  /** earliest time an assignment decision is due */
  private pending = Infinity;

  /**
   * @param frame the site ENU frame the filter states are in (the engine's)
   * @param met the met the tracker's dynamics use (engine.tracker.met), so paths match its predictions
   */
  constructor(site: Site, frame: EnuFrame, opts: Partial<EngagePolicy> = {}, met?: EkfMet) {
    this.site = site;
    this.frame = frame;
    this.policy = engagePolicy(opts);
    this.met = met;
    this.threat = new AssetThreat(frame, site.assets);
    this.maxPriority = Math.max(1, ...site.assets.map((a) => a.priority));
    this.guns = site.interceptors.map((cfg) => ({
      gun: new Gun(cfg, frame, site.terrainAlt),
      pointing: Gun.direction(this.policy.stowAzimuthDeg, Math.max(this.policy.stowElevationDeg, cfg.minElevationDeg)),
      pointingVersion: 0,
      bursts: cfg.bursts,
      eng: undefined,
    }));
  }

  /** The manager's clock: the last time tick advanced to. */
  get time(): number {
    return this.now;
  }

  /**
   * The latest prediction of a ballistic track with the filter state it came from (site ENU x (7), P (7×7),
   * their time). Copied. Predictions older than the one held, or of an ended track, are ignored.
   */
  onPrediction(p: PredictionEvent, state: { x: ArrayLike<number>; P: ArrayLike<number>; t: number }): void {
    if (this.endedIds.has(p.trackId)) return;
    let tr = this.tracks.get(p.trackId);
    if (tr && state.t < tr.t) return;
    if (!tr) {
      tr = {
        id: p.trackId, pred: p, x: new Float64Array(7), P: new Float64Array(49), t: state.t, pThreat: 0, asset: undefined,
        priority: this.maxPriority + 1, path: undefined, ended: undefined, engagedBy: undefined, reported: new Set(), failed: new Map(),
      };
      this.tracks.set(p.trackId, tr);
    }
    tr.pred = p;
    for (let i = 0; i < 7; i++) tr.x[i] = state.x[i]!;
    for (let i = 0; i < 49; i++) tr.P[i] = state.P[i] ?? 0;
    tr.t = state.t;
    tr.path = undefined;
    const r = this.threat.evaluateImpact(p.impact, p.covEN);
    tr.pThreat = r.p;
    tr.asset = r.asset;
    tr.priority = r.asset?.priority ?? this.maxPriority + 1;
    const eng = tr.engagedBy?.eng;
    if (eng) {
      if (eng.phase === 'waiting' && eng.shot && state.t > eng.shot.tEnd) eng.next = Math.max(this.now, state.t);
    } else {
      this.pending = Math.min(this.pending, Math.max(this.now, state.t));
    }
  }

  /**
   * A track ended at UTC t (engine: 'impact' or 'deleted' track events; simulation: dropped after a kill).
   * Live kill assessment: a track that ends ('deleted' or 'killed') after a burst was killed by it.
   */
  onTrackEnd(trackId: number, t: number, reason: TrackEndReason = 'deleted'): void {
    this.endedIds.add(trackId);
    const tr = this.tracks.get(trackId);
    if (!tr || tr.ended) return;
    tr.ended = { t, reason };
    const eng = tr.engagedBy?.eng;
    if (eng && (eng.phase === 'waiting' || eng.phase === 'laying')) eng.next = Math.min(eng.next, Math.max(this.now, t));
  }

  /**
   * Advances every interceptor's timeline, and the assignment decisions, to UTC t; returns the events in
   * time order. `assess` (simulation) gives each burst's outcome when it is fired.
   */
  tick(t: number, assess?: Assessor): EngagementEvent[] {
    const out: EngagementEvent[] = [];
    for (let guard = 0; ; guard++) {
      if (guard > 1_000_000) throw new Error('EngagementManager.tick: no progress');
      let g: GunState | undefined;
      let tg = Infinity;
      for (const gs of this.guns) {
        if (gs.eng && gs.eng.next < tg) {
          tg = gs.eng.next;
          g = gs;
        }
      }
      const td = this.pending;
      if (!(Math.min(tg, td) <= t)) break;
      if (g && tg <= td) {
        this.now = Math.max(this.now, tg);
        this.advance(g, out, assess);
      } else {
        this.now = Math.max(this.now, td);
        this.pending = Infinity;
        this.assign(out);
      }
    }
    this.now = Math.max(this.now, t);
    this.purge();
    return out;
  }

  /** Bursts left per interceptor id (a restarted service continues with them). */
  get burstsLeft(): Record<string, number> {
    return Object.fromEntries(this.guns.map((gs) => [gs.gun.id, gs.bursts]));
  }

  set burstsLeft(b: Record<string, number>) {
    for (const gs of this.guns) {
      const n = b[gs.gun.id];
      if (n !== undefined) gs.bursts = n;
    }
  }

  /** Whether any interceptor is engaging a track. */
  get engaging(): boolean {
    return this.guns.some((gs) => gs.eng !== undefined);
  }

  /** Every interceptor's state. */
  status(): InterceptorStatus[] {
    return this.guns.map((gs) => {
      const s: InterceptorStatus = { id: gs.gun.id, burstsLeft: gs.bursts };
      if (gs.eng) {
        s.trackId = gs.eng.track.id;
        s.phase = gs.eng.phase;
      }
      return s;
    });
  }

  /** Probability that the track's impact falls in a defended asset, and that asset (undefined: unknown track). */
  threatOf(trackId: number): { p: number; asset: string | undefined } | undefined {
    const tr = this.tracks.get(trackId);
    return tr ? { p: tr.pThreat, asset: tr.asset?.id } : undefined;
  }

  // -------------------------------------------------------------------------------------------------------
  // Assignment
  // -------------------------------------------------------------------------------------------------------

  /**
   * The threat rule, at assignment and again at the trigger: P(asset) ≥ threatThreshold, and ≥ confidentThreshold
   * while more than deferSeconds remain before the predicted impact (wait for a narrower ellipse).
   */
  private worthFiring(tr: TrackRec, now: number): boolean {
    const pol = this.policy;
    if (tr.pThreat < pol.threatThreshold || !(tr.pred.impactTime > now)) return false;
    return tr.pThreat >= pol.confidentThreshold || tr.pred.impactTime - now <= pol.deferSeconds;
  }

  private assign(out: EngagementEvent[]): void {
    const now = this.now;
    const free = this.guns.filter((gs) => !gs.eng);
    if (free.length === 0) return;
    const pol = this.policy;
    const cands: { tr: TrackRec; score: number }[] = [];
    for (const tr of this.tracks.values()) {
      if (tr.ended || tr.engagedBy || !this.worthFiring(tr, now)) continue;
      if (tr.t > now) {
        this.pending = Math.min(this.pending, tr.t); // data from the future of this decision: decide then
        continue;
      }
      cands.push({ tr, score: tr.pred.impactTime - now + pol.prioritySeconds * (tr.priority - 1) });
    }
    cands.sort((a, b) => a.score - b.score || a.tr.id - b.tr.id);
    for (const { tr } of cands) {
      if (free.length === 0) break;
      let best: { gs: GunState; sol: InterceptSolution } | undefined;
      const failures: { gs: GunState; why: NoSolutionReason | 'ammo' }[] = [];
      for (const gs of free) {
        if (gs.bursts <= 0) {
          failures.push({ gs, why: 'ammo' });
          continue;
        }
        const key = `${tr.t}|${gs.pointingVersion}`;
        if (tr.failed.get(gs.gun.id) === key) continue; // failed before with the same data: still fails
        const sol = gs.gun.solve(this.pathOf(tr), now + gs.gun.cfg.reactionTime, gs.pointing, pol);
        if (typeof sol === 'string') {
          tr.failed.set(gs.gun.id, key);
          failures.push({ gs, why: sol });
          continue;
        }
        if (!best || sol.tFire < best.sol.tFire) best = { gs, sol };
      }
      if (best) {
        const gs = best.gs;
        free.splice(free.indexOf(gs), 1);
        gs.eng = { track: tr, phase: 'laying', next: best.sol.tFire, burst: 0, sol: best.sol, shot: undefined, outcome: undefined };
        tr.engagedBy = gs;
        this.point(gs, best.sol.dirFire);
        continue;
      }
      for (const f of failures) {
        if (f.why === 'ammo') this.reportOnce(out, f.gs, tr, 'out-of-ammunition');
        else this.reportOnce(out, f.gs, tr, 'no-solution', f.why);
      }
    }
  }

  // -------------------------------------------------------------------------------------------------------
  // Timelines
  // -------------------------------------------------------------------------------------------------------

  private advance(gs: GunState, out: EngagementEvent[], assess: Assessor | undefined): void {
    const eng = gs.eng!;
    const tr = eng.track;
    const now = this.now;
    switch (eng.phase) {
      case 'laying': {
        if (tr.ended && tr.ended.t <= now) {
          this.release(gs); // the track went away before the first round: nothing to report
          return;
        }
        if (!this.worthFiring(tr, now)) {
          // the decision to engage is re-made with every prediction until the trigger: a round whose newest
          // ellipse has moved off the assets (or widened) is no longer a target; it may be taken again later
          this.emit(out, gs, tr, 'hold', { pThreat: tr.pThreat });
          this.release(gs);
          return;
        }
        // refresh the aim from the latest state: the gun is laid on the planned line of fire and follows
        // the target, so the burst can start at the planned time if the target is still in the envelope then
        const path = this.pathOf(tr);
        const look = new Float64Array(3);
        const pointing = gs.gun.directionAt(path, eng.sol.tFire, look) ? look : eng.sol.dirFire;
        const sol = gs.gun.solve(path, eng.sol.tFire, pointing, this.policy);
        if (typeof sol === 'string') {
          this.emit(out, gs, tr, 'no-solution', { reason: sol });
          tr.reported.add(`${gs.gun.id}:no-solution`);
          this.release(gs);
          return;
        }
        if (sol.tFire > now + this.policy.timeTolerance) {
          eng.sol = sol;
          eng.next = sol.tFire;
          this.point(gs, sol.dirFire);
          return;
        }
        this.fire(gs, eng, sol, out, assess);
        return;
      }
      case 'firing':
        this.point(gs, eng.sol.dirEnd);
        eng.phase = 'looking';
        eng.next = eng.sol.tEnd + this.policy.lookSeconds;
        return;
      case 'looking':
      case 'waiting':
        this.look(gs, eng, out);
        return;
    }
  }

  private fire(gs: GunState, eng: Engagement, sol: InterceptSolution, out: EngagementEvent[], assess: Assessor | undefined): void {
    const tr = eng.track;
    gs.bursts--;
    eng.burst++;
    eng.sol = sol;
    this.point(gs, sol.dirFire);
    const intercept = { lat: sol.aim.lat, lon: sol.aim.lon, alt: sol.aim.alt };
    const shot: Shot = {
      interceptor: gs.gun.id,
      trackId: tr.id,
      burst: eng.burst,
      tFire: sol.tFire,
      tAim: sol.tAim,
      tEnd: sol.tEnd,
      aimEnu: sol.aimEnu,
      aimEcef: this.frame.enuToEcef(sol.aimEnu[0]!, sol.aimEnu[1]!, sol.aimEnu[2]!),
      intercept,
      pk: gs.gun.cfg.pk,
      range: sol.range,
    };
    eng.shot = shot;
    eng.phase = 'firing';
    eng.next = sol.tEnd;
    const details: Partial<EngagementEvent> = { burst: eng.burst, intercept, pk: shot.pk, burstsLeft: gs.bursts, range: sol.range, pThreat: tr.pThreat };
    if (tr.asset) details.asset = tr.asset.id;
    this.now = Math.max(this.now, sol.tFire);
    this.emit(out, gs, tr, 'fired', details);
    eng.outcome = assess?.(shot);
    if (eng.outcome === true) this.endTrack(tr, shot.tAim, 'killed');
  }

  /** The look after a burst: kill, miss (then shoot again if possible), or wait for evidence (live). */
  private look(gs: GunState, eng: Engagement, out: EngagementEvent[]): void {
    const tr = eng.track;
    const shot = eng.shot!;
    const now = this.now;
    let killed = eng.outcome;
    if (killed === undefined) {
      if (tr.ended) killed = tr.ended.reason !== 'impact';
      else if (tr.t > shot.tEnd || now >= tr.pred.impactTime) killed = false;
      else {
        eng.phase = 'waiting';
        eng.next = Math.max(now, tr.pred.impactTime);
        return;
      }
    }
    this.emit(out, gs, tr, killed ? 'kill' : 'miss', { burst: eng.burst, intercept: shot.intercept });
    if (killed) {
      this.endTrack(tr, Math.min(now, tr.ended?.t ?? now), 'killed');
      this.release(gs);
      return;
    }
    // shoot-look-shoot
    if (tr.ended || tr.pThreat < this.policy.threatThreshold || !(tr.pred.impactTime > now)) {
      this.release(gs);
      return;
    }
    if (gs.bursts <= 0) {
      this.emit(out, gs, tr, 'out-of-ammunition', { burstsLeft: 0 });
      tr.reported.add(`${gs.gun.id}:out-of-ammunition`);
      this.release(gs);
      return;
    }
    const sol = gs.gun.solve(this.pathOf(tr), now, gs.pointing, this.policy);
    if (typeof sol === 'string') {
      this.emit(out, gs, tr, 'no-solution', { reason: sol });
      tr.reported.add(`${gs.gun.id}:no-solution`);
      this.release(gs);
      return;
    }
    eng.sol = sol;
    eng.phase = 'laying';
    eng.next = sol.tFire;
    eng.outcome = undefined;
    this.point(gs, sol.dirFire);
  }

  // -------------------------------------------------------------------------------------------------------
  // Helpers
  // -------------------------------------------------------------------------------------------------------

  private pathOf(tr: TrackRec): TargetPath {
    if (!tr.path) {
      const pol = this.policy;
      tr.path = new TargetPath(tr.x, tr.t, this.frame, { step: pol.pathStep, maxTime: pol.maxPathTime, terrainAlt: this.site.terrainAlt, met: this.met });
    }
    return tr.path;
  }

  private point(gs: GunState, dir: Float64Array): void {
    gs.pointing = Float64Array.from(dir);
    gs.pointingVersion++;
  }

  private release(gs: GunState): void {
    const eng = gs.eng;
    if (eng) eng.track.engagedBy = undefined;
    gs.eng = undefined;
    this.pending = Math.min(this.pending, this.now);
  }

  private endTrack(tr: TrackRec, t: number, reason: TrackEndReason): void {
    if (!tr.ended) tr.ended = { t, reason };
    this.endedIds.add(tr.id);
  }

  private reportOnce(out: EngagementEvent[], gs: GunState, tr: TrackRec, result: 'no-solution' | 'out-of-ammunition', reason?: NoSolutionReason): void {
    const key = `${gs.gun.id}:${result}`;
    if (tr.reported.has(key)) return;
    tr.reported.add(key);
    this.emit(out, gs, tr, result, result === 'no-solution' ? { reason: reason! } : { burstsLeft: gs.bursts });
  }

  private emit(out: EngagementEvent[], gs: GunState, tr: TrackRec, result: EngagementResult, details: Partial<EngagementEvent>, t = this.now): void {
    out.push({ type: 'engagement', t, interceptor: gs.gun.id, trackId: tr.id, result, ...details });
  }

  /** Forgets tracks that ended or whose impact is long past (their ids stay in endedIds). */
  private purge(): void {
    // values(), not entries: a [key, value] pair a track a batch is garbage the service's latency pays for
    for (const tr of this.tracks.values()) {
      if (tr.engagedBy) continue;
      if (tr.ended || tr.pred.impactTime < this.now - 60) {
        this.endedIds.add(tr.id);
        this.tracks.delete(tr.id);
      }
    }
  }
}
