/**
 * Warning metrics of one simulated attack, measured against the truth — what `tocsin plan` collects run by
 * run (docs/planning.md):
 *
 * - per threat: the zone its true impact fell in (or none) and the asset (or none); the **siren lead time**
 *   for that zone (the reference time − the start of the siren that was sounding in the zone at the reference
 *   time, whatever track caused it); the **early lead** likewise for any warning (early or siren); the
 *   **oracle lead** = reference time − the threat's first radar plot, the physical limit of warning; MISSED
 *   when the impact fell in a zone where no siren was sounding at the reference time (never sounded, sounded
 *   only after the impact, or ended before it); the intercept outcome;
 * - per attack: false-alarm zones (zones that got a siren where no threat fell), alerts caused by things that
 *   are not threats (drones, aircraft, birds, clutter), leakers (threats falling inside a defended asset that
 *   were not intercepted), engagements (bursts, kills) and engagements of threats that fall outside every
 *   defended asset (the policy says: never).
 *
 * The reference time of a threat is its true impact time, or, for a threat shot down, the intercept time.
 * Zones hold the threat's would-be impact point either way (the people there had to take shelter).
 *
 * Siren periods per zone: a zone is under siren while at least one alert holds it at stage `siren`. An alert
 * event that carries `zoneStages` (src/warn/alerts.ts: the alert's zones and stages after the message) sets
 * the alert's state to it; without it, an event adds the zones it lists at its stage (a later event of the
 * same alert may move a zone from `early` to `siren` or back) and a `clear` removes the zones it lists (all
 * of the alert's zones when it lists none). A message whose number (`messageId` `<alertId>.<n>`) is below
 * one already applied for its alert is stale and ignored: events are in time order, and two messages of one
 * alert issued at (nearly) the same time may come in either order. "Under warning" is the same with `early`
 * or `siren`. A lead time is measured from the start of the
 * period in force at the reference time, so a siren sounded for an earlier round and never cleared counts
 * for a later one (people are already sheltering: the lead may then exceed the oracle lead).
 *
 * Track → truth: events carry no truth. In simulation the planner records, per track, the truth ids of the
 * plots that updated it (`trackSources`, from the engine's onUpdate): a track belongs to the threat that fed
 * it most. Without that map, tracks are not attributed to threats (no per-threat engagements), and an alert
 * counts as caused by non-threats when all its tracks were last classed `air`, or when the attack has no
 * threat at all.
 *
 * Pure functions of their inputs: no clock, no randomness.
 */
import { pointInRing } from '../geo/polygon.js';
import type { Asset, Zone } from '../scenario/types.js';
import type { SimEvent } from '../sim/events.js';
import { asAlertEvent, asEngagementEvent, type AlertEventShape, type EngagementEventShape } from './event-guards.js';

export { asAlertEvent, asEngagementEvent, type AlertEventShape, type EngagementEventShape } from './event-guards.js';

/** What the truth says about one threat. */
export interface ThreatFact {
  id: string;
  type: string;
  /** UTC s */
  launchTime: number;
  /** UTC s: when it came down, or would have had it not been shot down */
  impactTime: number;
  /** where it came down, or would have */
  impact: { lat: number; lon: number };
  /** UTC s of its first radar plot (undefined: never seen) */
  firstDetection?: number;
  /** UTC s when it was destroyed in flight (simulation truth), if it was */
  interceptTime?: number;
}

export interface WarningInput {
  zones: readonly Zone[];
  assets: readonly Asset[];
  threats: readonly ThreatFact[];
  /** the run's events in time order (truth, track, alert, engagement; others are ignored) */
  events: readonly SimEvent[];
  /** per track id: truth id → number of plots of that truth object that updated the track (simulation) */
  trackSources?: ReadonlyMap<number, ReadonlyMap<string, number>>;
}

export type MissReason = 'no siren' | 'siren after impact' | 'siren ended before impact';

export interface ThreatWarning {
  threatId: string;
  type: string;
  /** zone of the (would-be) impact, and its shelter time (s) */
  zone?: string;
  shelterSeconds?: number;
  /** defended asset of the (would-be) impact */
  asset?: string;
  /** what the lead times are measured to */
  reference: 'impact' | 'intercept';
  /** s from launch to the reference time */
  flightSeconds: number;
  /** s: reference − start of the siren in force in the zone */
  sirenLead?: number;
  /** s: reference − start of the warning (early or siren) in force in the zone */
  earlyLead?: number;
  /** s: reference − first radar plot of the threat (the physical limit of warning) */
  oracleLead?: number;
  /** sirenLead / oracleLead */
  leadRatio?: number;
  /** the impact fell in a zone that was not under siren at the reference time */
  missed?: MissReason;
  /** sirenLead ≥ the zone's shelter time */
  enough?: boolean;
  /** tracks attributed to this threat (trackSources), in id order */
  tracks: number[];
  /** bursts fired at its tracks */
  bursts: number;
  /** destroyed in flight: the truth says so (interceptTime, an 'intercepted' truth event), or a 'kill' on one of its tracks */
  intercepted: boolean;
  /** falls inside a defended asset and was not intercepted */
  leaker: boolean;
}

export interface NonThreatAlert {
  alertId: string;
  /** UTC s of its first early or siren event */
  t: number;
  stage: 'early' | 'siren';
  trackIds: number[];
  /** truth ids behind its tracks ('clutter' for clutter plots); empty when unknown */
  sources: string[];
}

export interface EngagementCounts {
  /** 'fired' events */
  bursts: number;
  /** distinct tracks fired at */
  tracksEngaged: number;
  kills: number;
  misses: number;
  noSolution: number;
  /** fire held: the gun was laid, the newest prediction no longer threatened an asset */
  holds: number;
  outOfAmmunition: number;
  /** threats fired at */
  threatsEngaged: number;
  /** threats fired at whose (would-be) impact lies outside every defended asset: the policy says never */
  threatsEngagedOutsideAssets: number;
  /** tracks fired at that no threat fed (drones, birds, clutter), when trackSources is known */
  nonThreatTracksEngaged: number;
}

export interface AttackWarning {
  threats: ThreatWarning[];
  /** distinct alerts (alert ids) with an early or siren stage */
  alerts: number;
  /** zones that got a siren, in the site's order */
  sirenZones: string[];
  /** zones that got a siren where no threat fell, in the site's order */
  falseAlarmZones: string[];
  /** alerts raised by things that are not threats */
  nonThreatAlerts: NonThreatAlert[];
  /** threat ids of the leakers */
  leakers: string[];
  engagements: EngagementCounts;
}

/** A time interval [start, end) during which a zone was under siren (or warning); end undefined: to the end. */
export interface Period {
  start: number;
  end?: number;
}

/**
 * Siren and warning periods per zone id, from the alert events in time order (see the module comment).
 * Zones named by alerts but absent from the site are kept too.
 */
export function zonePeriods(alerts: readonly AlertEventShape[]): { siren: Map<string, Period[]>; warning: Map<string, Period[]> } {
  const byAlert = new Map<string, Map<string, 'early' | 'siren'>>();
  const siren = new Map<string, Period[]>();
  const warning = new Map<string, Period[]>();
  const level = (zone: string): { siren: boolean; warning: boolean } => {
    let s = false;
    let w = false;
    for (const m of byAlert.values()) {
      const st = m.get(zone);
      if (st === 'siren') s = w = true;
      else if (st === 'early') w = true;
    }
    return { siren: s, warning: w };
  };
  const step = (periods: Map<string, Period[]>, zone: string, on: boolean, t: number): void => {
    let list = periods.get(zone);
    const last = list?.[list.length - 1];
    const active = last !== undefined && last.end === undefined;
    if (on && !active) {
      if (!list) periods.set(zone, (list = []));
      list.push({ start: t });
    } else if (!on && active) last.end = t;
  };
  const lastSeq = new Map<string, number>();
  for (const a of alerts) {
    let m = byAlert.get(a.alertId);
    if (!m) byAlert.set(a.alertId, (m = new Map()));
    const seq = messageSeq(a);
    if (seq !== undefined) {
      // a message issued before one already applied (equal times, or a stamp out of order) is stale
      if (seq < (lastSeq.get(a.alertId) ?? -Infinity)) continue;
      lastSeq.set(a.alertId, seq);
    }
    let touched: string[];
    if (a.zoneStages) {
      // the alert's whole state after the message
      touched = [...new Set([...m.keys(), ...Object.keys(a.zoneStages)])];
      m.clear();
      for (const [z, st] of Object.entries(a.zoneStages)) m.set(z, st);
    } else if (a.stage === 'clear') {
      touched = a.zones.length > 0 ? a.zones : [...m.keys()];
      for (const z of touched) m.delete(z);
    } else {
      touched = a.zones;
      for (const z of touched) m.set(z, a.stage);
    }
    for (const z of touched) {
      const l = level(z);
      step(siren, z, l.siren, a.t);
      step(warning, z, l.warning, a.t);
    }
  }
  return { siren, warning };
}

/** n of a message id `<alertId>.<n>` */
function messageSeq(a: AlertEventShape): number | undefined {
  if (a.messageId === undefined || !a.messageId.startsWith(a.alertId + '.')) return undefined;
  const n = Number(a.messageId.slice(a.alertId.length + 1));
  return Number.isInteger(n) ? n : undefined;
}

/** The period in force at t (start ≤ t ≤ end), if any. */
function periodAt(periods: readonly Period[] | undefined, t: number): Period | undefined {
  if (!periods) return undefined;
  for (let i = periods.length - 1; i >= 0; i--) {
    const p = periods[i]!;
    if (p.start <= t && (p.end === undefined || p.end >= t)) return p;
  }
  return undefined;
}

/**
 * Why a zone was not under siren at the reference time: a siren during the flight that ended (cleared, or
 * went back to early) before it, else a siren that came only after it, else none at all (sirens over before the launch do not count).
 */
function missReason(periods: readonly Period[] | undefined, launch: number, ref: number): MissReason {
  const ps = periods ?? [];
  if (ps.some((p) => p.start <= ref && p.end !== undefined && p.end < ref && p.end >= launch)) return 'siren ended before impact';
  if (ps.some((p) => p.start > ref)) return 'siren after impact';
  return 'no siren';
}

/** The first zone (in the site's order) holding the point; zones tile a site, so there is at most one. */
export function zoneAt<T extends { ring: Zone['ring'] }>(areas: readonly T[], lat: number, lon: number): T | undefined {
  return areas.find((a) => pointInRing(lat, lon, a.ring));
}

/** The truth id behind a plot, with every clutter plot counted as 'clutter'. */
function sourceName(id: string): string {
  return id.startsWith('clutter') ? 'clutter' : id;
}

/** The threat a track belongs to: the threat that fed it most plots (ties: the smaller id). */
function trackThreat(sources: ReadonlyMap<string, number> | undefined, threatIds: ReadonlySet<string>): string | undefined {
  if (!sources) return undefined;
  let best: string | undefined;
  let bestN = 0;
  for (const [id, n] of sources) {
    if (!threatIds.has(id)) continue;
    if (n > bestN || (n === bestN && best !== undefined && id < best)) {
      best = id;
      bestN = n;
    }
  }
  return best;
}

/** Warning metrics of one attack (see the module comment). */
export function attackWarning(input: WarningInput): AttackWarning {
  const { zones, assets, threats, events, trackSources } = input;
  const threatIds = new Set(threats.map((t) => t.id));
  const alerts: AlertEventShape[] = [];
  const engagements: EngagementEventShape[] = [];
  const truthIntercepts = new Map<string, number>();
  const lastClass = new Map<number, string>();
  for (const ev of events) {
    if (ev.type === 'alert') {
      const a = asAlertEvent(ev);
      if (a) alerts.push(a);
    } else if (ev.type === 'engagement') {
      const e = asEngagementEvent(ev);
      if (e) engagements.push(e);
    } else if (ev.type === 'truth') {
      const e = ev as Record<string, unknown>;
      if (e.event === 'intercepted' && typeof e.threatId === 'string' && !truthIntercepts.has(e.threatId)) truthIntercepts.set(e.threatId, ev.t);
    } else if (ev.type === 'track') {
      const e = ev as Record<string, unknown>;
      if (typeof e.trackId === 'number' && typeof e.class === 'string') lastClass.set(e.trackId, e.class);
    }
  }

  // tracks of each threat
  const ownerOf = new Map<number, string | undefined>();
  const owner = (trackId: number): string | undefined => {
    if (!ownerOf.has(trackId)) ownerOf.set(trackId, trackThreat(trackSources?.get(trackId), threatIds));
    return ownerOf.get(trackId);
  };
  const tracksOf = new Map<string, Set<number>>();
  if (trackSources) {
    for (const id of trackSources.keys()) {
      const th = owner(id);
      if (th === undefined) continue;
      let s = tracksOf.get(th);
      if (!s) tracksOf.set(th, (s = new Set()));
      s.add(id);
    }
  }
  // kills claimed on each threat's tracks, bursts at them
  const kills = new Map<string, number>();
  const bursts = new Map<string, number>();
  for (const e of engagements) {
    const th = owner(e.trackId);
    if (th === undefined) continue;
    if (e.result === 'kill' && !kills.has(th)) kills.set(th, e.t);
    if (e.result === 'fired') bursts.set(th, (bursts.get(th) ?? 0) + 1);
  }

  const { siren, warning } = zonePeriods(alerts);
  const perThreat: ThreatWarning[] = threats.map((th) => {
    const zone = zoneAt(zones, th.impact.lat, th.impact.lon);
    const asset = zoneAt(assets, th.impact.lat, th.impact.lon);
    const interceptT = th.interceptTime ?? truthIntercepts.get(th.id) ?? kills.get(th.id);
    const intercepted = interceptT !== undefined;
    const ref = intercepted ? Math.min(interceptT, th.impactTime) : th.impactTime;
    const w: ThreatWarning = {
      threatId: th.id,
      type: th.type,
      reference: intercepted && interceptT < th.impactTime ? 'intercept' : 'impact',
      flightSeconds: ref - th.launchTime,
      tracks: [...(tracksOf.get(th.id) ?? [])].sort((a, b) => a - b),
      bursts: bursts.get(th.id) ?? 0,
      intercepted,
      leaker: asset !== undefined && !intercepted,
    };
    if (asset) w.asset = asset.id;
    if (th.firstDetection !== undefined && th.firstDetection <= ref) w.oracleLead = ref - th.firstDetection;
    if (zone) {
      w.zone = zone.id;
      w.shelterSeconds = zone.shelterSeconds;
      const s = periodAt(siren.get(zone.id), ref);
      const e = periodAt(warning.get(zone.id), ref);
      if (s) {
        w.sirenLead = ref - s.start;
        w.enough = w.sirenLead >= zone.shelterSeconds;
        if (w.oracleLead !== undefined && w.oracleLead > 0) w.leadRatio = w.sirenLead / w.oracleLead;
      } else w.missed = missReason(siren.get(zone.id), th.launchTime, ref);
      if (e) w.earlyLead = ref - e.start;
    }
    return w;
  });

  // zones
  const fell = new Set(perThreat.map((w) => w.zone).filter((z): z is string => z !== undefined));
  const zoneOrder = new Map(zones.map((z, i) => [z.id, i]));
  const byOrder = (a: string, b: string): number => (zoneOrder.get(a) ?? Infinity) - (zoneOrder.get(b) ?? Infinity) || (a < b ? -1 : a > b ? 1 : 0);
  const sirenZones = [...siren.keys()].sort(byOrder);
  const falseAlarmZones = sirenZones.filter((z) => !fell.has(z));

  // alerts raised by non-threats
  const isNonThreatTrack = (id: number): boolean => {
    const src = trackSources?.get(id);
    if (src) return ![...src.keys()].some((s) => threatIds.has(s));
    return lastClass.get(id) === 'air';
  };
  const nonThreat = new Map<string, NonThreatAlert>();
  const alertIds = new Set<string>();
  for (const a of alerts) {
    if (a.stage === 'clear') continue;
    alertIds.add(a.alertId);
    if (nonThreat.has(a.alertId)) {
      const n = nonThreat.get(a.alertId)!;
      if (a.stage === 'siren') n.stage = 'siren';
      continue;
    }
    const fromNonThreats = threats.length === 0 || (a.trackIds.length > 0 && a.trackIds.every(isNonThreatTrack));
    if (!fromNonThreats) continue;
    const sources = new Set<string>();
    for (const id of a.trackIds) for (const s of trackSources?.get(id)?.keys() ?? []) sources.add(sourceName(s));
    nonThreat.set(a.alertId, { alertId: a.alertId, t: a.t, stage: a.stage, trackIds: [...a.trackIds], sources: [...sources].sort() });
  }

  // engagements
  const engagedTracks = new Set<number>();
  const engagedThreats = new Set<string>();
  let nonThreatTracks = 0;
  const counts: EngagementCounts = {
    bursts: 0, tracksEngaged: 0, kills: 0, misses: 0, noSolution: 0, holds: 0, outOfAmmunition: 0,
    threatsEngaged: 0, threatsEngagedOutsideAssets: 0, nonThreatTracksEngaged: 0,
  };
  for (const e of engagements) {
    if (e.result === 'kill') counts.kills++;
    else if (e.result === 'miss') counts.misses++;
    else if (e.result === 'no-solution') counts.noSolution++;
    else if (e.result === 'out-of-ammunition') counts.outOfAmmunition++;
    else if (e.result === 'hold') counts.holds++;
    else {
      counts.bursts++;
      if (!engagedTracks.has(e.trackId)) {
        engagedTracks.add(e.trackId);
        const th = owner(e.trackId);
        if (th !== undefined) engagedThreats.add(th);
        else if (trackSources?.has(e.trackId)) nonThreatTracks++;
      }
    }
  }
  counts.tracksEngaged = engagedTracks.size;
  counts.threatsEngaged = engagedThreats.size;
  counts.threatsEngagedOutsideAssets = perThreat.filter((w) => engagedThreats.has(w.threatId) && w.asset === undefined).length;
  counts.nonThreatTracksEngaged = nonThreatTracks;

  return {
    threats: perThreat,
    alerts: alertIds.size,
    sirenZones,
    falseAlarmZones,
    nonThreatAlerts: [...nonThreat.values()],
    leakers: perThreat.filter((w) => w.leaker).map((w) => w.threatId),
    engagements: counts,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Distributions over many attacks
// ---------------------------------------------------------------------------------------------------------

/**
 * The q-quantile (0 ≤ q ≤ 1) of the values, linear between order statistics (the "type 7" rule of R and
 * NumPy's default); undefined for no values.
 */
export function quantile(values: readonly number[], q: number): number | undefined {
  if (values.length === 0) return undefined;
  const s = [...values].sort((a, b) => a - b);
  const h = (s.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(s.length - 1, lo + 1);
  return s[lo]! + (h - lo) * (s[hi]! - s[lo]!);
}

export interface ZoneLeadStats {
  zoneId: string;
  zoneName: string;
  shelterSeconds: number;
  /** threats whose (would-be) impact fell in the zone */
  impacts: number;
  warned: number;
  missed: number;
  /** warned with a siren lead ≥ the shelter time */
  enough: number;
  /** siren lead (s) over the warned impacts */
  medianLead?: number;
  /** 10th percentile: 90 % of warned impacts had at least this much */
  p10Lead?: number;
  medianOracleLead?: number;
  /** every siren lead (s) of the zone, in run order (the charts bin them) */
  leads: number[];
  /** runs in which the zone got a siren although nothing fell in it */
  falseAlarms: number;
}

export interface MissedWarning {
  run: number;
  seed: number;
  threatId: string;
  type: string;
  zone: string;
  reason: MissReason;
  oracleLead?: number;
}

export interface RunWarning {
  run: number;
  seed: number;
  metrics: AttackWarning;
}

export interface WarningDistribution {
  runs: number;
  threats: number;
  /** threats whose (would-be) impact fell in a zone */
  inZones: number;
  zones: ZoneLeadStats[];
  /** siren lead over oracle lead */
  medianLeadRatio?: number;
  p10LeadRatio?: number;
  leadRatios: number[];
  missed: MissedWarning[];
  falseAlarmZones: number;
  /** false-alarm zones per threat: total over the runs / total threats */
  falseAlarmZonesPerThreat?: number;
  /** false-alarm zones per attack (mean) */
  falseAlarmZonesPerAttack: number;
  nonThreatAlerts: Array<NonThreatAlert & { run: number; seed: number }>;
  leakers: Array<{ run: number; seed: number; threatId: string; type: string; asset: string }>;
  /** threats fired at whose (would-be) impact lies outside every defended asset (should be none) */
  engagedOutsideAssets: Array<{ run: number; seed: number; threatId: string; type: string; zone?: string; bursts: number }>;
  /** threats falling inside an asset */
  inAssets: number;
  intercepted: number;
  engagements: EngagementCounts;
}

const r3 = (v: number | undefined): number | undefined => (v === undefined ? undefined : Math.round(v * 1000) / 1000);

/** The distributions over many attacks (runs in run order: the result does not depend on how they ran). */
export function warningDistribution(runs: readonly RunWarning[], zones: readonly Zone[]): WarningDistribution {
  const zoneStats = new Map<string, ZoneLeadStats & { oracle: number[] }>();
  for (const z of zones) {
    zoneStats.set(z.id, { zoneId: z.id, zoneName: z.name, shelterSeconds: z.shelterSeconds, impacts: 0, warned: 0, missed: 0, enough: 0, leads: [], falseAlarms: 0, oracle: [] });
  }
  const ratios: number[] = [];
  const missed: MissedWarning[] = [];
  const nonThreatAlerts: WarningDistribution['nonThreatAlerts'] = [];
  const leakers: WarningDistribution['leakers'] = [];
  const engagedOutsideAssets: WarningDistribution['engagedOutsideAssets'] = [];
  const eng: EngagementCounts = {
    bursts: 0, tracksEngaged: 0, kills: 0, misses: 0, noSolution: 0, holds: 0, outOfAmmunition: 0,
    threatsEngaged: 0, threatsEngagedOutsideAssets: 0, nonThreatTracksEngaged: 0,
  };
  let threats = 0;
  let inZones = 0;
  let inAssets = 0;
  let intercepted = 0;
  let falseAlarmZones = 0;
  for (const { run, seed, metrics } of runs) {
    for (const w of metrics.threats) {
      threats++;
      if (w.asset !== undefined) inAssets++;
      if (w.intercepted) intercepted++;
      if (w.leaker) leakers.push({ run, seed, threatId: w.threatId, type: w.type, asset: w.asset! });
      if (w.bursts > 0 && w.asset === undefined) {
        engagedOutsideAssets.push({ run, seed, threatId: w.threatId, type: w.type, ...(w.zone !== undefined ? { zone: w.zone } : {}), bursts: w.bursts });
      }
      if (w.zone === undefined) continue;
      inZones++;
      const zs = zoneStats.get(w.zone);
      if (!zs) continue;
      zs.impacts++;
      if (w.sirenLead !== undefined) {
        zs.warned++;
        zs.leads.push(r3(w.sirenLead)!);
        if (w.enough) zs.enough++;
      }
      if (w.oracleLead !== undefined) zs.oracle.push(w.oracleLead);
      if (w.leadRatio !== undefined) ratios.push(r3(w.leadRatio)!);
      if (w.missed) {
        zs.missed++;
        const m: MissedWarning = { run, seed, threatId: w.threatId, type: w.type, zone: w.zone, reason: w.missed };
        if (w.oracleLead !== undefined) m.oracleLead = r3(w.oracleLead)!;
        missed.push(m);
      }
    }
    falseAlarmZones += metrics.falseAlarmZones.length;
    for (const z of metrics.falseAlarmZones) {
      const zs = zoneStats.get(z);
      if (zs) zs.falseAlarms++;
    }
    for (const a of metrics.nonThreatAlerts) nonThreatAlerts.push({ run, seed, ...a });
    for (const k of Object.keys(eng) as (keyof EngagementCounts)[]) eng[k] += metrics.engagements[k];
  }
  const zoneList: ZoneLeadStats[] = [...zoneStats.values()].map(({ oracle, ...z }) => {
    const out: ZoneLeadStats = { ...z };
    const med = r3(quantile(z.leads, 0.5));
    const p10 = r3(quantile(z.leads, 0.1));
    const mo = r3(quantile(oracle, 0.5));
    if (med !== undefined) out.medianLead = med;
    if (p10 !== undefined) out.p10Lead = p10;
    if (mo !== undefined) out.medianOracleLead = mo;
    return out;
  });
  const d: WarningDistribution = {
    runs: runs.length,
    threats,
    inZones,
    zones: zoneList,
    leadRatios: ratios,
    missed,
    falseAlarmZones,
    falseAlarmZonesPerAttack: runs.length > 0 ? r3(falseAlarmZones / runs.length)! : 0,
    nonThreatAlerts,
    leakers,
    engagedOutsideAssets,
    inAssets,
    intercepted,
    engagements: eng,
  };
  const mr = r3(quantile(ratios, 0.5));
  const pr = r3(quantile(ratios, 0.1));
  if (mr !== undefined) d.medianLeadRatio = mr;
  if (pr !== undefined) d.p10LeadRatio = pr;
  if (threats > 0) d.falseAlarmZonesPerThreat = r3(falseAlarmZones / threats)!;
  return d;
}
