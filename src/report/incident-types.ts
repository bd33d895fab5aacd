/**
 * The incident report as JSON (`report.json`, `GET /api/incidents/:id`, the `incident` event): what the
 * system knew — projectiles, impacts, interceptions, warnings, launch area, sensor story — and, in a
 * simulation, a truth section comparing it with what happened. Times are UTC seconds (like events.jsonl),
 * distances metres, positions WGS-84 degrees, heights metres above the site's ground.
 */
import type { EllipseReport, LandmarkRef, LocalTime, PlaceReport } from './incident-words.js';

export type { EllipseReport, LandmarkRef, LocalTime, PlaceReport };

export interface ProjectileReport {
  /** 1, 2, … in order of first confirmation */
  n: number;
  trackId: number;
  /** threat class of the track at its last update: 'rocket-122', 'mortar', 'ballistic', … */
  threat: string;
  /** "122 mm rocket" */
  kind: string;
  /** the oldest plot chained back from the track's first confirmation (absent when no plots were given) */
  firstDetection?: { t: number; sensor: string; plots: number };
  confirmed: { t: number; sensor?: string };
  /** first update classed ballistic */
  ballistic: number;
  /** since when the final threat class was named (absent when no type or family was named) */
  classified?: { t: number; threat: string };
  /** first impact prediction */
  firstPrediction?: { t: number; impactTime: number };
  /** sensors that updated the track */
  sensors: string[];
  /** highest tracked point, m above the site's ground */
  maxHeight: number;
  /** last launch-point prediction */
  launch?: { t?: number; place: PlaceReport; fromReference: LandmarkRef; ellipse?: EllipseReport };
  outcome: 'impact' | 'intercepted' | 'lost' | 'in flight';
  /**
   * where it fell (outcome impact: the track's impact point, the last prediction), or, for the other
   * outcomes, where it was predicted to fall
   */
  impact?: { t: number; tSigma?: number; place: PlaceReport; ellipse?: EllipseReport };
  intercept?: { t: number; interceptor: string; place: PlaceReport; alt: number; height: number };
  /** outcome lost: when the track was deleted */
  lostAt?: number;
}

export interface ZoneWarningReport {
  zoneId: string;
  zoneName: string;
  shelterSeconds: number;
  /** first early warning, first siren, all clear (UTC s) */
  early?: number;
  siren?: number;
  clear?: number;
  /** projectiles (n) that fell in the zone */
  impacts: number[];
  /** the time the warning is measured against: the first impact in the zone, else the warned threat's end */
  reference?: { t: number; kind: 'impact in zone' | 'impact elsewhere' | 'intercept'; projectile: number };
  /** siren (or, without a siren, early warning) → reference, s */
  leadTime?: number;
  verdict: 'enough' | 'not enough' | 'too late' | 'not warned' | 'no reference';
  /** "US Embassy compound: siren 21.0 s before impact, shelter time 15 s — enough" */
  text: string;
}

export interface EngagementReport {
  t: number;
  interceptor: string;
  trackId: number;
  projectile?: number;
  result: string;
  intercept?: { place: PlaceReport; alt: number; height: number };
}

export interface LaunchAreaReport {
  projectiles: number[];
  lat: number;
  lon: number;
  fromReference: LandmarkRef;
  near?: LandmarkRef;
  /** the largest 1-σ ellipse of the launch points in the area */
  ellipse?: EllipseReport;
  /** largest distance of a launch point from the area's centre, m */
  spread: number;
  /** estimated launch times (UTC s) */
  times: number[];
  /** "≈ 8.5 km E of the US Embassy, ≈ 150 m W of New Baghdad (al-Alf Dar); ±170 m × 17 m (1σ, long axis E–W)" */
  text: string;
}

export interface TruthThreatReport {
  threatId: string;
  type: string;
  /** the projectile (and track) it was matched to, if any */
  projectile?: number;
  trackId?: number;
  launch?: { t: number; lat: number; lon: number; fromReference: LandmarkRef };
  impact?: { t: number; place: PlaceReport };
  /** where the simulation destroyed it in the air (truth event 'intercepted'; it then has no impact) */
  intercepted?: { t: number; place: PlaceReport; alt: number; height: number };
  /** first plot of the object (simulation's truth id on plots) */
  firstPlot?: { t: number; sensor: string };
  /** when matched */
  errors?: {
    /** the reported threat class against the true type: the type itself, its family (rocket/mortar), none named, or wrong */
    type: 'right' | 'family' | 'not identified' | 'wrong';
    /** reported impact or intercept-heading point → true impact, m; and time, s (reported − true) */
    impact?: number;
    impactTime?: number;
    /** distance from the landmark the report describes the impact from: reported vs true, m */
    impactFromLandmark?: { landmark: string; reported: number; true: number };
    /** reported intercept point → true one (3-D), m; and time, s */
    intercept?: number;
    interceptTime?: number;
    launch?: number;
    launchTime?: number;
    /** distance from the reference landmark: reported vs true, m */
    launchFromReference?: { landmark: string; reported: number; true: number };
    /** system's first detection − the object's first plot, s */
    firstDetection?: number;
  };
}

export interface TruthReport {
  threats: TruthThreatReport[];
  /** truth threats flying during the incident that no projectile matches */
  missed: string[];
  /** projectiles that match no truth threat */
  falseTracks: number[];
}

/** A type alias (not an interface) so that it fits SimEvent's open member. */
export type Incident = {
  incidentId: string;
  site: string;
  status: 'open' | 'closed';
  /** earliest of the estimated launches, first detections and confirmations (UTC s) */
  start: number;
  /** last activity: track update, prediction, alert or engagement (UTC s) */
  end: number;
  closedAt?: number;
  startIso: string;
  local: LocalTime;
  /** "two 122 mm rockets" */
  headline: string;
  /** the lead paragraph of the report */
  summary: string;
  projectiles: ProjectileReport[];
  warnings: { issued: boolean; alertIds: string[]; zones: ZoneWarningReport[] };
  engagements: { engaged: boolean; events: EngagementReport[] };
  launchAreas: LaunchAreaReport[];
  /** simulation only */
  truth?: TruthReport;
};

export type IncidentEvent = Incident & { type: 'incident'; t: number };
