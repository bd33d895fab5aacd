/**
 * The display's state: what is flying, where it will land, which zones sound, what the interceptors did,
 * what happened (log), the incidents and the sensors — built from events only, the same way for the live
 * stream and for a `simulate --out` folder played back.
 *
 * Events are queued (`push`) and applied in one batch per animation frame (`flush`); each part of the state
 * has a dirty flag that the map and the panels read and clear, so 300 tracks updating at 1 Hz cost one
 * rebuild of each map source per frame at most, never one per event.
 */
import type { Position } from 'geojson';
import { compass8, distanceBearing, pointInPolygon } from './geo.js';
import { clockText, metresText, threatText } from './format.js';
import type {
  AlertEvent,
  DisplayEvent,
  EngagementEvent,
  IncidentEvent,
  IncidentRef,
  PredictionEvent,
  SensorStatus,
  SiteJson,
  StateJson,
  TrackEvent,
} from './types.js';

export type Affiliation = 'hostile' | 'pending' | 'unknown';
export type ZoneStage = 'none' | 'early' | 'siren' | 'clear';

export interface TrackRec {
  ev: TrackEvent;
  /** UTC s of the first update seen */
  first: number;
  /** last positions, [lon, lat], oldest first */
  trail: Position[];
}

export interface EndedTrack {
  ev: TrackEvent;
  trail: Position[];
}

export interface ZoneInfo {
  id: string;
  name: string;
  shelterSeconds: number;
  rings: Position[][];
  stage: ZoneStage;
  alertId?: string;
  /** UTC s: the zone's siren of its current alert sounded */
  sirenAt?: number;
  earlyAt?: number;
  clearAt?: number;
  /** tracks that warned the zone's alert */
  trackIds: number[];
  /** the alert's earliest predicted impact time at its last message */
  alertImpactTime?: number;
}

export interface EngagementLine {
  key: string;
  interceptor: string;
  trackId: number;
  result: EngagementEvent['result'];
  t: number;
  from?: Position;
  to?: Position;
}

export interface Outcome {
  kind: 'impact' | 'intercept';
  trackId: number;
  t: number;
  lat: number;
  lon: number;
  alt: number;
  threat?: string;
  zoneId?: string;
  zoneName?: string;
  place: string;
  interceptor?: string;
}

export type LogKind = 'track' | 'alert' | 'engagement' | 'impact' | 'intercept' | 'incident' | 'lost';
export type LogLevel = 'info' | 'warn' | 'alarm' | 'ok';

export interface LogEntry {
  seq: number;
  t: number;
  kind: LogKind;
  level: LogLevel;
  text: string;
  key: string;
  trackId?: number;
  incidentId?: string;
}

export interface IncidentInfo extends IncidentRef {
  status?: string;
  event?: IncidentEvent;
}

export interface SensorInfo extends SensorStatus {
  period: number;
}

export interface Dirty {
  tracks: boolean;
  predictions: boolean;
  zones: boolean;
  engagements: boolean;
  outcomes: boolean;
  incidents: boolean;
  sensors: boolean;
  log: boolean;
  /** everything was rebuilt (reset): panels redraw from scratch */
  reset: boolean;
}

/** Positions kept per trail */
export const TRAIL_POINTS = 30;
/** data-time seconds an ended track's trail, a launch estimate, an engagement line and an all-clear stay on the map */
export const KEEP_ENDED_S = 60;
export const KEEP_LAUNCH_S = 600;
export const KEEP_ENGAGEMENT_S = 60;
export const KEEP_CLEAR_S = 60;
/** rows kept in the event log */
export const LOG_CAP = 500;

export function affiliation(ev: Pick<TrackEvent, 'class'>): Affiliation {
  return ev.class === 'ballistic' ? 'hostile' : ev.class === 'air' ? 'unknown' : 'pending';
}

function allDirty(v: boolean): Dirty {
  return { tracks: v, predictions: v, zones: v, engagements: v, outcomes: v, incidents: v, sensors: v, log: v, reset: v };
}

export class Store {
  readonly tracks = new Map<number, TrackRec>();
  readonly ended = new Map<number, EndedTrack>();
  readonly predictions = new Map<number, PredictionEvent>();
  /** launch estimates of ended tracks, with the end time */
  readonly launches = new Map<number, { pred: PredictionEvent; endT: number }>();
  readonly alerts = new Map<string, AlertEvent>();
  readonly zones = new Map<string, ZoneInfo>();
  readonly engagements = new Map<string, EngagementLine>();
  readonly outcomes: Outcome[] = [];
  readonly incidents = new Map<string, IncidentInfo>();
  readonly sensors = new Map<string, SensorInfo>();
  log: LogEntry[] = [];
  /** log entries added since the log panel last took them */
  private fresh: LogEntry[] = [];
  private readonly logKeys = new Set<string>();
  private readonly lastFired = new Map<number, string>();
  private queue: DisplayEvent[] = [];
  private seq = 0;
  dirty: Dirty = allDirty(true);
  /** events applied since the start (stats) */
  events = 0;
  /** most tracks alive at once */
  maxTracks = 0;
  /** latest data time seen in an event */
  lastT = NaN;
  /** the service reports sensor states (live); otherwise they are derived from plots (static) */
  sensorsFromService = false;
  /** zones that started sounding since the last take (sound) */
  private newSirens: string[] = [];
  private newEarly: string[] = [];
  private newClear: string[] = [];

  constructor(readonly site: SiteJson) {
    this.resetSite();
  }

  private resetSite(): void {
    this.zones.clear();
    for (const f of this.site.zones.features) {
      const p = f.properties;
      this.zones.set(p.id, {
        id: p.id,
        name: p.name,
        shelterSeconds: p.shelterSeconds,
        rings: f.geometry.coordinates,
        stage: 'none',
        trackIds: [],
      });
    }
    this.sensors.clear();
    for (const s of this.site.sensors) this.sensors.set(s.id, { id: s.id, state: 'ok', plots: 0, period: s.period });
  }

  /** Forget everything but the site (static mode scrubbing back, live reconnect). */
  clear(): void {
    this.tracks.clear();
    this.ended.clear();
    this.predictions.clear();
    this.launches.clear();
    this.alerts.clear();
    this.engagements.clear();
    this.outcomes.length = 0;
    this.incidents.clear();
    this.log = [];
    this.fresh = [];
    this.logKeys.clear();
    this.lastFired.clear();
    this.queue = [];
    this.newSirens = [];
    this.newEarly = [];
    this.newClear = [];
    this.lastT = NaN;
    this.resetSite();
    this.dirty = allDirty(true);
  }

  push(ev: DisplayEvent): void {
    this.queue.push(ev);
  }

  get pending(): number {
    return this.queue.length;
  }

  /** Applies the queued events; returns how many. */
  flush(): number {
    const q = this.queue;
    if (q.length === 0) return 0;
    this.queue = [];
    for (const ev of q) this.apply(ev);
    return q.length;
  }

  apply(ev: DisplayEvent): void {
    this.events++;
    if (!(ev.t <= this.lastT)) this.lastT = ev.t;
    switch (ev.type) {
      case 'track':
        this.onTrack(ev);
        break;
      case 'prediction':
        this.onPrediction(ev);
        break;
      case 'alert':
        this.onAlert(ev);
        break;
      case 'engagement':
        this.onEngagement(ev);
        break;
      case 'incident':
        this.onIncident(ev);
        break;
      case 'plot':
        if (!this.sensorsFromService) {
          const s = this.sensors.get(ev.sensor);
          if (s) {
            s.plots++;
            s.lastPlot = ev.t;
            this.dirty.sensors = true;
          }
        }
        break;
    }
  }

  /** Live (re)connection: the service's snapshot replaces everything. */
  resetFromState(st: StateJson): void {
    this.clear();
    for (const ev of st.recent) this.apply(ev);
    // the snapshot's live tracks and predictions win over what the recent changes left
    for (const ev of st.tracks) {
      const rec = this.tracks.get(ev.trackId);
      if (rec) {
        rec.ev = ev;
        addTrail(rec.trail, ev);
      } else if (ev.status === 'confirmed') {
        this.ended.delete(ev.trackId);
        this.tracks.set(ev.trackId, { ev, first: ev.t, trail: [[ev.lon, ev.lat]] });
        this.logKeys.add(trackKey(ev));
      }
    }
    for (const p of st.predictions) if (this.tracks.has(p.trackId)) this.predictions.set(p.trackId, p);
    for (const a of st.alerts) this.apply(a);
    for (const inc of st.incidents) {
      if (!this.incidents.has(inc.incidentId)) this.incidents.set(inc.incidentId, { ...inc });
    }
    this.setSensors(st.sensors);
    if (!(st.clock.t <= this.lastT)) this.lastT = st.clock.t;
    this.maxTracks = Math.max(this.maxTracks, this.tracks.size);
    this.dirty = allDirty(true);
  }

  setSensors(list: readonly SensorStatus[]): void {
    this.sensorsFromService = true;
    for (const s of list) {
      const period = this.site.sensors.find((x) => x.id === s.id)?.period ?? 1;
      this.sensors.set(s.id, { ...s, period });
    }
    this.dirty.sensors = true;
  }

  /** Derived sensor states (static mode): silent after 5 revisits without a plot, degraded after 2. */
  updateSensorStates(now: number, since: number): void {
    if (this.sensorsFromService) return;
    for (const s of this.sensors.values()) {
      const last = s.lastPlot ?? since;
      const gap = now - last;
      const state = gap > 5 * s.period ? 'silent' : gap > 2 * s.period ? 'degraded' : 'ok';
      if (state !== s.state) {
        s.state = state;
        this.dirty.sensors = true;
      }
    }
  }

  /** Drops what has been shown long enough (data time); called about once a second. */
  expire(now: number): void {
    for (const [id, e] of this.ended) {
      if (now - e.ev.t > KEEP_ENDED_S) {
        this.ended.delete(id);
        this.dirty.tracks = true;
      }
    }
    for (const [id, l] of this.launches) {
      if (now - l.endT > KEEP_LAUNCH_S) {
        this.launches.delete(id);
        this.dirty.predictions = true;
      }
    }
    for (const [k, e] of this.engagements) {
      if (now - e.t > KEEP_ENGAGEMENT_S) {
        this.engagements.delete(k);
        this.dirty.engagements = true;
      }
    }
    for (const z of this.zones.values()) {
      if (z.stage === 'clear' && z.clearAt !== undefined && now - z.clearAt > KEEP_CLEAR_S) {
        z.stage = 'none';
        this.dirty.zones = true;
      }
    }
  }

  // ---- events ----

  private onTrack(ev: TrackEvent): void {
    const id = ev.trackId;
    const rec = this.tracks.get(id);
    if (ev.status === 'confirmed') {
      if (this.ended.has(id)) return; // a late update of a track already ended
      if (!rec) {
        this.tracks.set(id, { ev, first: ev.t, trail: [[ev.lon, ev.lat]] });
        this.maxTracks = Math.max(this.maxTracks, this.tracks.size);
        const by = ev.sensor ? ` by ${ev.sensor}` : '';
        this.addLog(ev.t, 'track', ev.class === 'ballistic' ? 'warn' : 'info', `T${id} new track: ${classWords(ev)}${by}`, trackKey(ev), id);
      } else {
        const before = rec.ev;
        rec.ev = ev;
        addTrail(rec.trail, ev);
        if (before.class !== ev.class || (before.threat ?? '') !== (ev.threat ?? '')) {
          this.addLog(ev.t, 'track', ev.class === 'ballistic' ? 'warn' : 'info', `T${id} ${classWords(ev)}`, trackKey(ev), id);
        }
      }
      this.dirty.tracks = true;
      return;
    }
    // the track ended
    const trail = rec ? rec.trail : [];
    if (rec) addTrail(trail, ev);
    this.tracks.delete(id);
    this.ended.set(id, { ev, trail });
    const pred = this.predictions.get(id);
    if (pred) {
      this.predictions.delete(id);
      if (pred.launch) this.launches.set(id, { pred, endT: ev.t });
      this.dirty.predictions = true;
    }
    this.dirty.tracks = true;
    if (ev.status === 'impact') {
      const o = this.outcome('impact', ev, ev.lat, ev.lon, ev.alt);
      if (o) this.addLog(ev.t, 'impact', 'alarm', `T${id} IMPACT ${o.place}`, `end:${id}`, id);
    } else if (ev.status === 'intercepted') {
      const o = this.outcome('intercept', ev, ev.lat, ev.lon, ev.alt, this.lastFired.get(id));
      if (o) this.addLog(ev.t, 'intercept', 'ok', `T${id} shot down${o.interceptor ? ` by ${o.interceptor}` : ''} ${o.place}`, `end:${id}`, id);
    } else {
      this.addLog(ev.t, 'lost', 'info', `T${id} track lost (${classWords(ev)})`, `end:${id}`, id);
    }
  }

  private onPrediction(p: PredictionEvent): void {
    if (!this.tracks.has(p.trackId)) return;
    this.predictions.set(p.trackId, p);
    this.dirty.predictions = true;
    this.dirty.tracks = true; // time to impact shown with the track
  }

  private onAlert(a: AlertEvent): void {
    if (Object.keys(a.zoneStages).length === 0) this.alerts.delete(a.alertId);
    else this.alerts.set(a.alertId, a);
    const names = (ids: readonly string[]) => ids.map((z) => this.zones.get(z)?.name ?? z).join(', ');
    if (a.stage === 'clear') {
      for (const zid of a.zones) {
        const z = this.zones.get(zid);
        if (!z) continue;
        if (z.stage !== 'clear') this.newClear.push(zid);
        z.stage = 'clear';
        z.clearAt = a.t;
        z.alertId = a.alertId;
      }
      this.addLog(a.t, 'alert', 'ok', `ALL CLEAR ${names(a.zones)} (${a.alertId})`, `alert:${a.messageId}`);
    } else {
      const newly: string[] = [];
      for (const [zid, st] of Object.entries(a.zoneStages)) {
        const z = this.zones.get(zid);
        if (!z) continue;
        const sameAlert = z.alertId === a.alertId && (z.stage === 'early' || z.stage === 'siren');
        if (!sameAlert) {
          z.sirenAt = undefined;
          z.earlyAt = undefined;
          z.clearAt = undefined;
        }
        if (st === 'siren' && z.sirenAt === undefined) {
          z.sirenAt = a.t;
          newly.push(zid);
          this.newSirens.push(zid);
        }
        if (st === 'early' && z.earlyAt === undefined) {
          z.earlyAt = a.t;
          if (z.stage !== 'early') this.newEarly.push(zid);
        }
        z.stage = st;
        z.alertId = a.alertId;
        z.trackIds = a.trackIds;
        z.alertImpactTime = a.impactTime;
      }
      const when = a.impactTime !== undefined ? ` — impact ≈ ${clockText(a.impactTime)}` : '';
      const word = a.stage === 'siren' ? 'SIREN' : 'EARLY WARNING';
      const zonesText = names(a.zones.filter((z) => a.zoneStages[z] === a.stage));
      this.addLog(a.t, 'alert', a.stage === 'siren' ? 'alarm' : 'warn', `${word} ${zonesText}${when} (${a.alertId})`, `alert:${a.messageId}`);
    }
    this.dirty.zones = true;
  }

  private onEngagement(e: EngagementEvent): void {
    const key = `${e.interceptor}|${e.trackId}`;
    const gun = this.site.interceptors.find((g) => g.id === e.interceptor);
    const line: EngagementLine = { key, interceptor: e.interceptor, trackId: e.trackId, result: e.result, t: e.t };
    if (gun) line.from = [gun.lon, gun.lat];
    const prev = this.engagements.get(key);
    if (e.intercept) line.to = [e.intercept.lon, e.intercept.lat];
    else if (prev?.to) line.to = prev.to;
    this.engagements.set(key, line);
    this.dirty.engagements = true;
    if (e.result === 'fired') this.lastFired.set(e.trackId, e.interceptor);
    let detail = '';
    if (e.result === 'fired') {
      const parts = [e.burst !== undefined ? `burst ${e.burst}` : '', e.pk !== undefined ? `Pk ${e.pk}` : '', e.range !== undefined ? metresText(e.range) : ''];
      detail = parts.filter(Boolean).join(', ');
    } else if (e.result === 'no-solution' && e.reason) detail = String(e.reason);
    else if (e.result === 'out-of-ammunition') detail = 'no bursts left';
    else if (e.result === 'hold') detail = e.pThreat !== undefined ? `P(asset) ${e.pThreat.toFixed(2)}` : 'no longer a threat';
    const word = e.result === 'kill' ? 'KILL' : e.result;
    const level: LogLevel = e.result === 'kill' ? 'ok' : e.result === 'fired' ? 'info' : 'warn';
    this.addLog(e.t, 'engagement', level, `${e.interceptor} → T${e.trackId}: ${word}${detail ? ` (${detail})` : ''}`, `eng:${e.interceptor}:${e.trackId}:${e.result}:${e.burst ?? ''}:${e.t}`, e.trackId);
    if (e.result === 'kill' && e.intercept) {
      // live kill assessment may end the track as deleted: the kill is the intercept
      this.outcome('intercept', { trackId: e.trackId, t: e.t }, e.intercept.lat, e.intercept.lon, e.intercept.alt, e.interceptor);
    }
  }

  private onIncident(ev: IncidentEvent): void {
    const prev = this.incidents.get(ev.incidentId);
    this.incidents.set(ev.incidentId, { incidentId: ev.incidentId, t: ev.t, title: ev.headline, status: ev.status, event: ev });
    this.dirty.incidents = true;
    if (!prev || prev.status !== ev.status) {
      this.addLog(ev.t, 'incident', 'info', `Incident ${ev.incidentId}: ${ev.headline} (${ev.status})`, `inc:${ev.incidentId}:${ev.status}`, undefined, ev.incidentId);
    }
  }

  /** Records an impact or intercept once per track; returns it (undefined when already recorded). */
  private outcome(
    kind: Outcome['kind'],
    ev: { trackId: number; t: number; threat?: string },
    lat: number,
    lon: number,
    alt: number,
    interceptor?: string,
  ): Outcome | undefined {
    const existing = this.outcomes.find((o) => o.trackId === ev.trackId && o.kind === kind);
    if (existing) {
      if (interceptor && !existing.interceptor) existing.interceptor = interceptor;
      return undefined;
    }
    const zone = kind === 'impact' ? this.zoneAt(lat, lon) : undefined;
    const o: Outcome = { kind, trackId: ev.trackId, t: ev.t, lat, lon, alt, place: this.placeText(lat, lon, zone) };
    if (ev.threat) o.threat = ev.threat;
    if (zone) {
      o.zoneId = zone.id;
      o.zoneName = zone.name;
    }
    if (interceptor) o.interceptor = interceptor;
    if (kind === 'intercept') o.place += `, ${Math.round(alt - this.site.terrainAlt)} m above ground`;
    this.outcomes.push(o);
    this.dirty.outcomes = true;
    return o;
  }

  zoneAt(lat: number, lon: number): ZoneInfo | undefined {
    for (const z of this.zones.values()) if (pointInPolygon(lon, lat, z.rings)) return z;
    return undefined;
  }

  /** "≈ 310 m SE of Victory Arch, in Celebration Square" */
  placeText(lat: number, lon: number, zone?: ZoneInfo): string {
    let best: { name: string; d: number; bearing: number } | undefined;
    for (const f of this.site.landmarks.features) {
      const [llon, llat] = f.geometry.coordinates as [number, number];
      const db = distanceBearing(llat, llon, lat, lon);
      if (!best || db.d < best.d) best = { name: f.properties.name, ...db };
    }
    const parts: string[] = [];
    if (best) parts.push(best.d < 50 ? `at ${best.name}` : `≈ ${metresText(best.d)} ${compass8(best.bearing)} of ${best.name}`);
    if (zone) parts.push(`in ${zone.name}`);
    return parts.join(', ');
  }

  private addLog(t: number, kind: LogKind, level: LogLevel, text: string, key: string, trackId?: number, incidentId?: string): void {
    if (this.logKeys.has(key)) return;
    this.logKeys.add(key);
    const e: LogEntry = { seq: ++this.seq, t, kind, level, text, key };
    if (trackId !== undefined) e.trackId = trackId;
    if (incidentId !== undefined) e.incidentId = incidentId;
    this.log.push(e);
    this.fresh.push(e);
    if (this.log.length > LOG_CAP * 1.5) {
      const drop = this.log.splice(0, this.log.length - LOG_CAP);
      for (const d of drop) this.logKeys.delete(d.key);
    }
    if (this.fresh.length > LOG_CAP) this.fresh.splice(0, this.fresh.length - LOG_CAP);
    this.dirty.log = true;
  }

  /** Log entries added since the last call (oldest first). */
  takeFreshLog(): LogEntry[] {
    const f = this.fresh;
    this.fresh = [];
    return f;
  }

  /** Zones that started sounding, got an early warning or an all-clear since the last call (sound). */
  takeStageChanges(): { siren: string[]; early: string[]; clear: string[] } {
    const r = { siren: this.newSirens, early: this.newEarly, clear: this.newClear };
    this.newSirens = [];
    this.newEarly = [];
    this.newClear = [];
    return r;
  }

  /** What changed since the last call; the flags are reset. */
  takeDirty(): Dirty {
    const d = this.dirty;
    this.dirty = allDirty(false);
    return d;
  }

  /** Seconds to impact of a zone's threat: the earliest live prediction of its tracks, else its alert's. */
  zoneImpactTime(z: ZoneInfo): number | undefined {
    let best: number | undefined;
    for (const id of z.trackIds) {
      const p = this.predictions.get(id);
      if (p && (best === undefined || p.impactTime < best)) best = p.impactTime;
    }
    if (best !== undefined) return best;
    // no live prediction: every warning track has ended (or none was seen yet)
    const anyLive = z.trackIds.some((id) => this.tracks.has(id));
    return anyLive ? z.alertImpactTime : undefined;
  }
}

function addTrail(trail: Position[], ev: TrackEvent): void {
  const last = trail[trail.length - 1];
  if (last && last[0] === ev.lon && last[1] === ev.lat) return;
  trail.push([ev.lon, ev.lat]);
  if (trail.length > TRAIL_POINTS) trail.shift();
}

function trackKey(ev: TrackEvent): string {
  return `trk:${ev.trackId}:${ev.class}:${ev.threat ?? ''}`;
}

export function classWords(ev: Pick<TrackEvent, 'class' | 'threat'>): string {
  if (ev.class === 'ballistic') return `hostile ${threatText(ev.threat)}`;
  if (ev.class === 'air') return 'air track (non-ballistic, not a threat)';
  return 'unknown (not classified yet)';
}
