/**
 * Incidents: the threats of one attack gathered into one report, the way official statements describe an
 * attack — local date and time, number and type of projectiles, where each fell (distance and bearing from a
 * named landmark, the zone or asset it fell in), what was intercepted where and at what height, which zones
 * were warned and how many seconds before impact against their shelter time, the estimated launch area, and
 * the sensor story — but exact.
 *
 * The builder is fed every event of a run in time order (`add`). It needs no truth: the report is what the
 * system knew, from `track` events (ballistic tracks are the threats), `prediction` events (last impact and
 * launch point), `alert` and `engagement` events, and `plot` events when present (first detection). When
 * `truth` events are present (simulation) a truth section compares the report with what happened.
 *
 * Grouping: a ballistic track joins the open incident whose last activity is at most `gapSeconds` before the
 * track's first confirmation, else it opens a new incident. An incident closes `gapSeconds` after its last
 * activity (its `incident` event then carries the whole report), or at the end of a run (`close`). A closed
 * incident is frozen: later events about its tracks are not added to it.
 */
import { inverse } from '../geo/geodesic.js';
import type { Landmark, Site } from '../scenario/types.js';
import type { PlotEvent, PredictionEvent, SimEvent, TrackEvent, TruthImpactEvent, TruthLaunchEvent } from '../sim/events.js';
import { isoTime } from './summary.js';
import { asAlertEvent, asEngagementEvent, type AlertEventShape, type EngagementEventShape } from './event-guards.js';
import { PlotHistory, firstOfChain, type DetectionChain } from './incident-plots.js';
import type {
  EngagementReport,
  Incident,
  IncidentEvent,
  LaunchAreaReport,
  ProjectileReport,
  TruthReport,
  TruthThreatReport,
  ZoneWarningReport,
} from './incident-types.js';
import {
  LocalClock,
  countPhrase,
  describePlace,
  ellipseOf,
  fromLandmark,
  nearestLandmark,
  referenceLandmark,
  round,
  threatKind,
} from './incident-words.js';
import { incidentLead, launchAreaText, zoneWarningText } from './incident-markdown.js';

export type * from './incident-types.js';
export { incidentMarkdown, incidentJson } from './incident-markdown.js';

export interface IncidentOptions {
  /** s: threats closer in time than this form one incident; an incident closes this long after its last activity */
  gapSeconds?: number;
  /** IANA time zone of the local times in the text (default Asia/Baghdad) */
  timeZone?: string;
  /**
   * closed incidents kept in memory (default: all). A service that runs for days journals each incident as it
   * closes and keeps only the newest few here: older ones, their tracks and their emitted events are dropped,
   * and so are tracks that joined no incident and have been silent for two gaps.
   */
  keepClosed?: number;
}

interface TrackState {
  trackId: number;
  first: TrackEvent;
  /** plots chained back from the first confirmation (empty without plot events) */
  chain: DetectionChain;
  ballisticAt?: number;
  threat?: string;
  threatSince?: number;
  sensors: Set<string>;
  last: TrackEvent;
  maxAlt: number;
  end?: TrackEvent;
  firstPrediction?: PredictionEvent;
  lastPrediction?: PredictionEvent;
  lastLaunch?: PredictionEvent;
  incident?: IncidentState;
}

interface EngagementRecord {
  ev: EngagementEventShape;
  /** the track's position when the event came (intercept point when the event gives none) */
  at: { lat: number; lon: number; alt: number } | undefined;
}

interface IncidentState {
  id: string;
  tracks: TrackState[];
  alerts: AlertEventShape[];
  engagements: EngagementRecord[];
  firstActivity: number;
  lastActivity: number;
  closed?: { t: number; report: Incident };
}

/** A truth point in time: launch, impact, or (simulation with interceptors) the point where it was killed. */
interface TruthPoint {
  t: number;
  lat: number;
  lon: number;
  alt: number;
}

interface TruthThreat {
  threatId: string;
  type: string;
  launch?: TruthPoint;
  impact?: TruthPoint;
  /** truth event 'intercepted' (a killed threat has no impact event) */
  intercepted?: TruthPoint;
}

export class IncidentBuilder {
  readonly site: Site;
  readonly gapSeconds: number;
  readonly clock: LocalClock;
  private readonly reference: Landmark;
  private readonly plots: PlotHistory;
  private readonly tracks = new Map<number, TrackState>();
  private readonly all: IncidentState[] = [];
  private readonly open: IncidentState[] = [];
  private readonly perDate = new Map<string, number>();
  private readonly alertIncident = new Map<string, IncidentState>();
  private readonly truth = new Map<string, TruthThreat>();
  private readonly emitted: IncidentEvent[] = [];
  private taken = 0;
  private now = -Infinity;
  private opened = 0;
  private readonly keepClosed: number;
  /** data time of the last prune (keepClosed) */
  private prunedAt = -Infinity;
  /** alert and engagement events that could not be put in any incident */
  orphans = 0;

  constructor(site: Site, opts: IncidentOptions = {}) {
    this.site = site;
    this.gapSeconds = opts.gapSeconds ?? 120;
    this.clock = new LocalClock(opts.timeZone ?? 'Asia/Baghdad');
    this.reference = referenceLandmark(site);
    this.plots = new PlotHistory(site);
    this.keepClosed = opts.keepClosed ?? Infinity;
  }

  /** One event of the run (events in time order). Closes the incidents whose gap ran out before it. */
  add(ev: SimEvent): void {
    this.advance(ev.t);
    switch (ev.type) {
      case 'plot':
        this.plots.add(ev as PlotEvent);
        break;
      case 'truth':
        this.onTruth(ev as TruthLaunchEvent | TruthImpactEvent);
        break;
      case 'track':
        this.onTrack(ev as TrackEvent);
        break;
      case 'prediction':
        this.onPrediction(ev as PredictionEvent);
        break;
      case 'alert': {
        const a = asAlertEvent(ev);
        if (a) this.onAlert(a);
        break;
      }
      case 'engagement': {
        const e = asEngagementEvent(ev);
        if (e) this.onEngagement(e);
        break;
      }
      default:
        break;
    }
  }

  /** The clock moved to t (UTC s) with no event: closes the incidents whose gap ran out by then. */
  advance(t: number): void {
    if (t > this.now) this.now = t;
    let closed = false;
    for (let i = 0; i < this.open.length; ) {
      const inc = this.open[i]!;
      const due = inc.lastActivity + this.gapSeconds;
      if (due <= this.now) {
        this.closeIncident(inc, due);
        this.open.splice(i, 1);
        closed = true;
      } else i++;
    }
    // (advance runs at every event: the sweep only when an incident closed, or once a gap)
    if (Number.isFinite(this.keepClosed) && (closed || this.now - this.prunedAt >= this.gapSeconds)) this.prune();
  }

  /** keepClosed: drop what a closed, journaled incident no longer needs in memory (see IncidentOptions). */
  private prune(): void {
    this.prunedAt = this.now;
    const closed = this.all.filter((inc) => inc.closed);
    const drop = new Set(closed.slice(0, Math.max(0, closed.length - this.keepClosed)));
    if (drop.size) {
      for (let i = this.all.length - 1; i >= 0; i--) if (drop.has(this.all[i]!)) this.all.splice(i, 1);
      for (const [id, inc] of this.alertIncident) if (drop.has(inc)) this.alertIncident.delete(id);
    }
    const stale = this.now - 2 * this.gapSeconds;
    for (const [id, st] of this.tracks) {
      if (st.incident ? drop.has(st.incident) : st.last.t < stale) this.tracks.delete(id);
    }
  }

  /** End of the run at t: closes every open incident (at its gap's end if that came first). */
  close(t: number): void {
    this.advance(t);
    for (const inc of this.open) this.closeIncident(inc, Math.min(t, inc.lastActivity + this.gapSeconds));
    this.open.length = 0;
  }

  /** Incidents opened per local date (ids are `I-<date>-<n>`): a restarted service continues from them. */
  get counters(): Record<string, number> {
    return Object.fromEntries(this.perDate);
  }

  set counters(c: Record<string, number>) {
    if (this.opened) throw new Error('incident counters can only be set before the first incident');
    this.perDate.clear();
    for (const [k, v] of Object.entries(c)) this.perDate.set(k, v);
  }

  /** How many incidents have been opened by this builder. */
  get count(): number {
    return this.opened;
  }

  /** Incidents, tracks and incident events held in memory (bounded when keepClosed is set). */
  get held(): { incidents: number; tracks: number; events: number } {
    return { incidents: this.all.length, tracks: this.tracks.size, events: this.emitted.length };
  }

  /** Whether an incident is open (not yet closed by its gap). */
  get hasOpen(): boolean {
    return this.open.length > 0;
  }

  /** How many incidents are open. */
  get openCount(): number {
    return this.open.length;
  }

  /** Every incident held, in order of opening: closed ones as reported when they closed, open ones as of now. */
  incidents(): Incident[] {
    return this.all.map((inc) => inc.closed?.report ?? this.report(inc));
  }

  /** Every `incident` event emitted so far and held (one per closed incident, in order of closing). */
  incidentEvents(): IncidentEvent[] {
    return [...this.emitted];
  }

  /** The `incident` events emitted since the last call (for a sink that streams events). */
  takeIncidentEvents(): IncidentEvent[] {
    const out = this.emitted.slice(this.taken);
    this.taken = this.emitted.length;
    if (Number.isFinite(this.keepClosed) && this.taken > 0) {
      // keepClosed: what was handed out is not held
      this.emitted.length = 0;
      this.taken = 0;
    }
    return out;
  }

  /** Truth threats (simulation) that no incident reports, matched or missed. */
  unreportedTruth(): string[] {
    const seen = new Set<string>();
    for (const inc of this.incidents()) {
      for (const t of inc.truth?.threats ?? []) seen.add(t.threatId);
    }
    return [...this.truth.keys()].filter((id) => !seen.has(id)).sort();
  }

  // ------------------------------------------------------------------------------------------------------

  private onTruth(ev: TruthLaunchEvent | TruthImpactEvent): void {
    const kind = (ev as { event: string }).event;
    if (kind !== 'launch' && kind !== 'impact' && kind !== 'intercepted') return;
    if (typeof ev.threatId !== 'string' || typeof ev.lat !== 'number' || typeof ev.lon !== 'number') return;
    let th = this.truth.get(ev.threatId);
    if (!th) {
      th = { threatId: ev.threatId, type: ev.threatType };
      this.truth.set(ev.threatId, th);
    }
    const pt: TruthPoint = { t: ev.t, lat: ev.lat, lon: ev.lon, alt: ev.alt };
    if (kind === 'launch') th.launch = pt;
    else if (kind === 'impact') th.impact = pt;
    else th.intercepted = pt;
  }

  private onTrack(ev: TrackEvent): void {
    let st = this.tracks.get(ev.trackId);
    if (!st) {
      st = { trackId: ev.trackId, first: ev, chain: this.plots.chain(ev), sensors: new Set(), last: ev, maxAlt: ev.alt };
      this.tracks.set(ev.trackId, st);
    }
    st.last = ev;
    if (ev.sensor !== undefined) st.sensors.add(ev.sensor);
    if (ev.status !== 'impact') st.maxAlt = Math.max(st.maxAlt, ev.alt);
    if (ev.class === 'ballistic') {
      st.ballisticAt ??= ev.t;
      if (ev.threat !== undefined) this.setThreat(st, ev.threat, ev.t);
      this.join(st, ev.t);
    }
    if (ev.status !== 'confirmed') st.end = ev;
    this.touch(st, ev.t);
  }

  private onPrediction(ev: PredictionEvent): void {
    const st = this.tracks.get(ev.trackId);
    if (!st) return;
    st.ballisticAt ??= ev.t;
    st.firstPrediction ??= ev;
    st.lastPrediction = ev;
    if (ev.launch) st.lastLaunch = ev;
    if (ev.threat !== undefined) this.setThreat(st, ev.threat, ev.t);
    this.join(st, ev.t);
    this.touch(st, ev.t);
  }

  private setThreat(st: TrackState, threat: string, t: number): void {
    if (st.threat !== threat) {
      st.threat = threat;
      st.threatSince = t;
    }
  }

  private onAlert(a: AlertEventShape): void {
    let inc: IncidentState | undefined;
    for (const id of a.trackIds) {
      const st = this.tracks.get(id);
      if (st?.incident && !st.incident.closed) {
        inc = st.incident;
        break;
      }
    }
    if (!inc) {
      const prev = this.alertIncident.get(a.alertId);
      if (prev && !prev.closed) inc = prev;
    }
    inc ??= this.open[this.open.length - 1];
    if (!inc) {
      this.orphans++;
      return;
    }
    this.alertIncident.set(a.alertId, inc);
    inc.alerts.push(a);
    inc.lastActivity = Math.max(inc.lastActivity, a.t);
  }

  private onEngagement(e: EngagementEventShape): void {
    const st = this.tracks.get(e.trackId);
    const inc = st?.incident && !st.incident.closed ? st.incident : undefined;
    if (!inc) {
      this.orphans++;
      return;
    }
    const l = st!.last;
    inc.engagements.push({ ev: e, at: e.intercept ?? { lat: l.lat, lon: l.lon, alt: l.alt } });
    inc.lastActivity = Math.max(inc.lastActivity, e.t);
  }

  /** A ballistic track joins an incident (once). */
  private join(st: TrackState, t: number): void {
    if (st.incident) return;
    const c = st.first.t;
    let inc = this.open.find((i) => c <= i.lastActivity + this.gapSeconds);
    if (!inc) {
      const date = this.clock.at(c).date;
      const n = (this.perDate.get(date) ?? 0) + 1;
      this.perDate.set(date, n);
      inc = { id: `I-${date.replaceAll('-', '')}-${n}`, tracks: [], alerts: [], engagements: [], firstActivity: c, lastActivity: t };
      this.all.push(inc);
      this.open.push(inc);
      this.opened++;
    }
    st.incident = inc;
    inc.tracks.push(st);
    inc.firstActivity = Math.min(inc.firstActivity, c);
  }

  private touch(st: TrackState, t: number): void {
    const inc = st.incident;
    if (inc && !inc.closed) inc.lastActivity = Math.max(inc.lastActivity, t);
  }

  private closeIncident(inc: IncidentState, t: number): void {
    if (inc.closed) return;
    const report = this.report(inc, t);
    inc.closed = { t, report };
    this.emitted.push({ type: 'incident', t: round(t, 3), ...report });
  }

  // ------------------------------------------------------------------------------------------------------
  // The report

  private report(inc: IncidentState, closedAt?: number): Incident {
    const site = this.site;
    const now = closedAt ?? this.now;
    const tracks = [...inc.tracks].sort((a, b) => a.first.t - b.first.t || a.trackId - b.trackId);
    const nOf = new Map<number, number>(tracks.map((st, i) => [st.trackId, i + 1]));

    const projectiles = tracks.map((st, i) => this.projectile(st, i + 1, inc, now));
    const endOf = (p: ProjectileReport): { t: number; kind: 'impact' | 'intercept' } | undefined =>
      p.intercept ? { t: p.intercept.t, kind: 'intercept' } : p.impact && p.outcome !== 'in flight' ? { t: p.impact.t, kind: 'impact' } : undefined;

    // Warnings, zone by zone
    const zoneIds: string[] = [];
    const addZone = (id: string): void => {
      if (!zoneIds.includes(id)) zoneIds.push(id);
    };
    const alerts = [...inc.alerts].sort((a, b) => a.t - b.t);
    const zonesOfAlert = new Map<string, Set<string>>();
    for (const a of alerts) {
      if (a.stage === 'clear') continue;
      for (const z of a.zones) {
        addZone(z);
        let s = zonesOfAlert.get(a.alertId);
        if (!s) zonesOfAlert.set(a.alertId, (s = new Set()));
        s.add(z);
      }
    }
    for (const p of projectiles) if ((p.outcome === 'impact' || p.outcome === 'lost') && p.impact?.place.zone) addZone(p.impact.place.zone.id);
    const zones: ZoneWarningReport[] = zoneIds.map((zoneId) => {
      const zone = site.zones.find((z) => z.id === zoneId);
      const w: ZoneWarningReport = { zoneId, zoneName: zone?.name ?? zoneId, shelterSeconds: zone?.shelterSeconds ?? 0, impacts: [], verdict: 'not warned', text: '' };
      const warnedTracks = new Set<number>();
      for (const a of alerts) {
        const covers = a.stage === 'clear' && a.zones.length === 0 ? (zonesOfAlert.get(a.alertId)?.has(zoneId) ?? false) : a.zones.includes(zoneId);
        if (!covers) continue;
        if (a.stage === 'early' && w.early === undefined) w.early = a.t;
        if (a.stage === 'siren' && w.siren === undefined) w.siren = a.t;
        if (a.stage === 'clear') w.clear = a.t;
        if (a.stage !== 'clear') for (const id of a.trackIds) warnedTracks.add(id);
      }
      for (const p of projectiles) if ((p.outcome === 'impact' || p.outcome === 'lost') && p.impact?.place.zone?.id === zoneId) w.impacts.push(p.n);
      // what the warning is measured against
      const inZone = projectiles.filter((p) => w.impacts.includes(p.n)).sort((a, b) => a.impact!.t - b.impact!.t)[0];
      if (inZone) w.reference = { t: round(inZone.impact!.t, 3), kind: 'impact in zone', projectile: inZone.n };
      else {
        const candidates = projectiles.filter((p) => warnedTracks.size === 0 || warnedTracks.has(p.trackId));
        let best: { t: number; kind: 'impact' | 'intercept'; n: number } | undefined;
        for (const p of candidates) {
          const e = endOf(p);
          if (e && (!best || e.t < best.t)) best = { ...e, n: p.n };
        }
        if (best) w.reference = { t: round(best.t, 3), kind: best.kind === 'impact' ? 'impact elsewhere' : 'intercept', projectile: best.n };
      }
      const start = w.siren ?? w.early;
      if (start === undefined) w.verdict = 'not warned';
      else if (!w.reference) w.verdict = 'no reference';
      else {
        w.leadTime = round(w.reference.t - start, 2);
        w.verdict = w.leadTime < 0 ? 'too late' : w.leadTime >= w.shelterSeconds ? 'enough' : 'not enough';
      }
      for (const k of ['early', 'siren', 'clear'] as const) if (w[k] !== undefined) w[k] = round(w[k], 3);
      w.text = zoneWarningText(w, this.clock);
      return w;
    });

    // Engagements
    const engagements: EngagementReport[] = inc.engagements.map(({ ev, at }) => {
      const r: EngagementReport = { t: round(ev.t, 3), interceptor: ev.interceptor, trackId: ev.trackId, result: ev.result };
      const n = nOf.get(ev.trackId);
      if (n !== undefined) r.projectile = n;
      if (ev.intercept || (ev.result === 'kill' && at)) {
        const pt = ev.intercept ?? at!;
        r.intercept = { place: describePlace(site, pt.lat, pt.lon), alt: round(pt.alt, 1), height: round(pt.alt - site.terrainAlt, 1) };
      }
      return r;
    });

    const launchAreas = this.launchAreas(projectiles);
    const times = [inc.firstActivity];
    for (const p of projectiles) {
      if (p.launch?.t !== undefined) times.push(p.launch.t);
      if (p.firstDetection) times.push(p.firstDetection.t);
    }
    const start = Math.min(...times);
    const report: Incident = {
      incidentId: inc.id,
      site: site.name,
      status: closedAt !== undefined ? 'closed' : 'open',
      start: round(start, 3),
      end: round(inc.lastActivity, 3),
      ...(closedAt !== undefined ? { closedAt: round(closedAt, 3) } : {}),
      startIso: isoTime(start),
      local: this.clock.at(start),
      headline: countPhrase(projectiles.map((p) => p.threat)),
      summary: '',
      projectiles,
      warnings: { issued: alerts.some((a) => a.stage !== 'clear'), alertIds: [...new Set(alerts.map((a) => a.alertId))], zones },
      engagements: { engaged: engagements.length > 0, events: engagements },
      launchAreas,
    };
    const truth = this.truthReport(inc, projectiles);
    if (truth) report.truth = truth;
    report.summary = incidentLead(report, site, this.clock);
    return report;
  }

  private projectile(st: TrackState, n: number, inc: IncidentState, now: number): ProjectileReport {
    const site = this.site;
    const threat = st.threat ?? 'ballistic';
    const p: ProjectileReport = {
      n,
      trackId: st.trackId,
      threat,
      kind: threatKind(threat).singular,
      confirmed: { t: round(st.first.t, 3), ...(st.first.sensor !== undefined ? { sensor: st.first.sensor } : {}) },
      ballistic: round(st.ballisticAt ?? st.first.t, 3),
      sensors: [...st.sensors].sort(),
      maxHeight: round(st.maxAlt - site.terrainAlt, 1),
      outcome: 'in flight',
    };
    const fd = firstOfChain(st.chain, st.lastLaunch?.launchTime);
    if (fd) p.firstDetection = { t: round(fd.t, 3), sensor: fd.sensor, plots: fd.plots };
    if (st.threat !== undefined && st.threat !== 'ballistic' && st.threatSince !== undefined) p.classified = { t: round(st.threatSince, 3), threat: st.threat };
    if (st.firstPrediction) p.firstPrediction = { t: round(st.firstPrediction.t, 3), impactTime: round(st.firstPrediction.impactTime, 3) };
    const lp = st.lastLaunch;
    if (lp?.launch) {
      p.launch = {
        ...(lp.launchTime !== undefined ? { t: round(lp.launchTime, 3) } : {}),
        place: describePlace(site, lp.launch.lat, lp.launch.lon, { sayOutside: false }),
        fromReference: fromLandmark(this.reference, lp.launch.lat, lp.launch.lon),
        ...(lp.launchCovEN ? { ellipse: ellipseOf(lp.launchCovEN) } : {}),
      };
    }
    const pr = st.lastPrediction;
    const endedAtImpact = st.end?.status === 'impact';
    if (endedAtImpact || pr) {
      const lat = endedAtImpact ? st.end!.lat : pr!.impact.lat;
      const lon = endedAtImpact ? st.end!.lon : pr!.impact.lon;
      const t = pr ? pr.impactTime : st.end!.t;
      p.impact = {
        t: round(t, 3),
        ...(pr ? { tSigma: round(pr.impactTimeSigma, 3) } : {}),
        place: describePlace(site, lat, lon),
        ...(pr ? { ellipse: ellipseOf(pr.covEN) } : {}),
      };
    }
    const kill = inc.engagements.find((e) => e.ev.trackId === st.trackId && e.ev.result === 'kill');
    if (kill?.at) {
      p.outcome = 'intercepted';
      p.intercept = {
        t: round(kill.ev.t, 3),
        interceptor: kill.ev.interceptor,
        place: describePlace(site, kill.at.lat, kill.at.lon),
        alt: round(kill.at.alt, 1),
        height: round(kill.at.alt - site.terrainAlt, 1),
      };
    } else if (endedAtImpact) p.outcome = 'impact';
    else if (st.end?.status === 'deleted') {
      p.outcome = 'lost';
      p.lostAt = round(st.end.t, 3);
    } else if (p.impact && p.impact.t <= now) p.outcome = 'impact';
    return p;
  }

  private launchAreas(projectiles: ProjectileReport[]): LaunchAreaReport[] {
    const groups: Array<{ lat: number; lon: number; members: ProjectileReport[] }> = [];
    for (const p of projectiles) {
      if (!p.launch) continue;
      const { lat, lon } = p.launch.place;
      const g = groups.find((x) => inverse(x.lat, x.lon, lat, lon).distance <= 1000);
      if (g) {
        g.members.push(p);
        const k = g.members.length;
        g.lat += (lat - g.lat) / k;
        g.lon += (lon - g.lon) / k;
      } else groups.push({ lat, lon, members: [p] });
    }
    return groups.map((g) => {
      const fromReference = fromLandmark(this.reference, g.lat, g.lon);
      const lm = nearestLandmark(this.site.landmarks, g.lat, g.lon);
      const near = lm && lm.id !== this.reference.id ? fromLandmark(lm, g.lat, g.lon) : undefined;
      let ellipse = g.members[0]!.launch!.ellipse;
      for (const m of g.members) if (m.launch!.ellipse && (!ellipse || m.launch!.ellipse.sigmaMajor > ellipse.sigmaMajor)) ellipse = m.launch!.ellipse;
      const spread = Math.max(...g.members.map((m) => inverse(g.lat, g.lon, m.launch!.place.lat, m.launch!.place.lon).distance));
      const a: LaunchAreaReport = {
        projectiles: g.members.map((m) => m.n),
        lat: round(g.lat, 6),
        lon: round(g.lon, 6),
        fromReference,
        ...(near && near.distance < 5000 ? { near } : {}),
        ...(ellipse ? { ellipse } : {}),
        spread: round(spread, 1),
        times: g.members.flatMap((m) => (m.launch!.t !== undefined ? [m.launch!.t] : [])),
        text: '',
      };
      a.text = launchAreaText(a);
      return a;
    });
  }

  /** Truth section (simulation): each truth threat matched to a projectile (matchTruth). */
  private truthReport(inc: IncidentState, projectiles: ProjectileReport[]): TruthReport | undefined {
    if (this.truth.size === 0) return undefined;
    const matches = this.matchTruth();
    const threats: TruthThreatReport[] = [];
    const matched = new Set<number>();
    const lo = Math.min(inc.firstActivity, ...projectiles.flatMap((p) => (p.launch?.t !== undefined ? [p.launch.t] : []))) - this.gapSeconds;
    const hi = inc.lastActivity + this.gapSeconds;
    const end = (th: TruthThreat): TruthPoint | undefined => th.impact ?? th.intercepted;
    const first = (th: TruthThreat): number => th.launch?.t ?? end(th)?.t ?? 0;
    for (const th of [...this.truth.values()].sort((a, b) => first(a) - first(b) || (a.threatId < b.threatId ? -1 : 1))) {
      const trackId = matches.get(th.threatId);
      const p = trackId !== undefined ? projectiles.find((x) => x.trackId === trackId) : undefined;
      if (trackId !== undefined && !p) continue; // matched to a projectile of another incident
      if (!p) {
        const t0 = first(th);
        const t1 = end(th)?.t ?? t0;
        if (t1 < lo || t0 > hi) continue;
      }
      const r: TruthThreatReport = { threatId: th.threatId, type: th.type };
      if (th.launch) r.launch = { t: round(th.launch.t, 3), lat: round(th.launch.lat, 6), lon: round(th.launch.lon, 6), fromReference: fromLandmark(this.reference, th.launch.lat, th.launch.lon) };
      if (th.impact) r.impact = { t: round(th.impact.t, 3), place: describePlace(this.site, th.impact.lat, th.impact.lon) };
      const ti = th.intercepted;
      if (ti) r.intercepted = { t: round(ti.t, 3), place: describePlace(this.site, ti.lat, ti.lon), alt: round(ti.alt, 1), height: round(ti.alt - this.site.terrainAlt, 1) };
      const fp = this.plots.truthFirst.get(th.threatId);
      if (fp) r.firstPlot = { t: round(fp.t, 3), sensor: fp.sensor };
      if (p) {
        matched.add(p.n);
        r.projectile = p.n;
        r.trackId = p.trackId;
        const type = p.threat === th.type ? 'right' : p.threat === 'ballistic' ? 'not identified' : th.type.startsWith(`${p.threat}-`) ? 'family' : 'wrong';
        const e: NonNullable<TruthThreatReport['errors']> = { type };
        if (p.impact && th.impact) {
          e.impact = round(inverse(p.impact.place.lat, p.impact.place.lon, th.impact.lat, th.impact.lon).distance, 1);
          e.impactTime = round(p.impact.t - th.impact.t, 3);
          const lm = p.impact.place.landmark;
          const lmDef = lm ? this.site.landmarks.find((x) => x.id === lm.id) : undefined;
          if (lm && lmDef) e.impactFromLandmark = { landmark: lm.name, reported: lm.distance, true: round(inverse(lmDef.lat, lmDef.lon, th.impact.lat, th.impact.lon).distance, 1) };
        }
        if (p.intercept && ti) {
          const horizontal = inverse(p.intercept.place.lat, p.intercept.place.lon, ti.lat, ti.lon).distance;
          e.intercept = round(Math.hypot(horizontal, p.intercept.alt - ti.alt), 1);
          e.interceptTime = round(p.intercept.t - ti.t, 3);
        }
        if (p.launch && th.launch) {
          e.launch = round(inverse(p.launch.place.lat, p.launch.place.lon, th.launch.lat, th.launch.lon).distance, 1);
          if (p.launch.t !== undefined) e.launchTime = round(p.launch.t - th.launch.t, 3);
          e.launchFromReference = { landmark: this.reference.name, reported: p.launch.fromReference.distance, true: r.launch!.fromReference.distance };
        }
        if (p.firstDetection && fp) e.firstDetection = round(p.firstDetection.t - fp.t, 3);
        r.errors = e;
      }
      threats.push(r);
    }
    return {
      threats,
      missed: threats.filter((t) => t.projectile === undefined).map((t) => t.threatId),
      falseTracks: projectiles.filter((p) => !matched.has(p.n)).map((p) => p.n),
    };
  }

  /**
   * Truth threat id → track id over all tracks that joined an incident, greedy by cost: for a threat that
   * fell, the distance between the track's impact estimate and the true impact plus 300 m per second of
   * impact-time difference, within max(1.5 km, 5σ of the estimate); for one killed in the air (no impact),
   * the same with the launch point and launch time.
   */
  private matchTruth(): Map<string, number> {
    const pairs: Array<{ cost: number; threatId: string; trackId: number }> = [];
    for (const st of this.tracks.values()) {
      if (!st.incident) continue;
      const pr = st.lastPrediction;
      if (!pr) continue;
      const lat = st.end?.status === 'impact' ? st.end.lat : pr.impact.lat;
      const lon = st.end?.status === 'impact' ? st.end.lon : pr.impact.lon;
      const gate = Math.max(1500, 5 * ellipseOf(pr.covEN).sigmaMajor);
      const lp = st.lastLaunch;
      const launchGate = lp?.launchCovEN ? Math.max(1500, 5 * ellipseOf(lp.launchCovEN).sigmaMajor) : 1500;
      for (const th of this.truth.values()) {
        let cost = Infinity;
        if (th.impact) {
          const c = inverse(lat, lon, th.impact.lat, th.impact.lon).distance + 300 * Math.abs(pr.impactTime - th.impact.t);
          if (c <= gate) cost = c;
        } else if (th.launch && lp?.launch && lp.launchTime !== undefined) {
          const c = inverse(lp.launch.lat, lp.launch.lon, th.launch.lat, th.launch.lon).distance + 300 * Math.abs(lp.launchTime - th.launch.t);
          if (c <= launchGate) cost = c;
        }
        if (cost < Infinity) pairs.push({ cost, threatId: th.threatId, trackId: st.trackId });
      }
    }
    pairs.sort((a, b) => a.cost - b.cost || a.trackId - b.trackId || (a.threatId < b.threatId ? -1 : a.threatId > b.threatId ? 1 : 0));
    const out = new Map<string, number>();
    const used = new Set<number>();
    for (const p of pairs) {
      if (out.has(p.threatId) || used.has(p.trackId)) continue;
      out.set(p.threatId, p.trackId);
      used.add(p.trackId);
    }
    return out;
  }
}
