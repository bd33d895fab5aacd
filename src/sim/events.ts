/**
 * The events of `events.jsonl` (design.md §4.1): one JSON object a line, each with `type` and `t` (UTC
 * seconds), in time order. Numbers are rounded to fixed resolutions at this edge only — far below any
 * measurement error — so outputs are compact and byte-identical across runs and platforms.
 */

import type { AlertEvent } from '../warn/alerts.js';
import type { EngagementEvent } from '../engage/manager.js';

export interface TruthLaunchEvent {
  type: 'truth';
  t: number;
  event: 'launch';
  threatId: string;
  threatType: string;
  lat: number;
  lon: number;
  alt: number;
  azimuthDeg: number;
  elevationDeg: number;
}
export interface TruthPositionEvent {
  type: 'truth';
  t: number;
  event: 'position';
  threatId: string;
  threatType: string;
  lat: number;
  lon: number;
  alt: number;
  speed: number;
}
export interface TruthImpactEvent {
  type: 'truth';
  t: number;
  event: 'impact';
  threatId: string;
  threatType: string;
  lat: number;
  lon: number;
  alt: number;
  speed: number;
  timeOfFlight: number;
}
/**
 * The truth event of an interception (simulation): a threat destroyed in the air, where and when (the
 * fields of the impact event, with the point in the air; see truthInterceptedEvent in scenario/truth.ts).
 * A killed threat has no impact event.
 */
export interface TruthInterceptedEvent extends Omit<TruthImpactEvent, 'event'> {
  event: 'intercepted';
}
export type TruthEvent = TruthLaunchEvent | TruthPositionEvent | TruthImpactEvent | TruthInterceptedEvent;

export interface PlotEvent {
  type: 'plot';
  t: number;
  sensor: string;
  /** slant range, m */
  range: number;
  /** azimuth, degrees clockwise from true north */
  az: number;
  /** elevation, degrees */
  el: number;
  /** range rate, m/s, positive away (when measured) */
  rangeRate?: number;
  /** simulation only: the truth object behind the plot */
  truthId?: string;
}

/** A confirmed track's state (design.md §4.1), emitted at each update and when it ends. */
export interface TrackEvent {
  type: 'track';
  t: number;
  trackId: number;
  /** confirmed: alive (emitted at each update); impact: ended at its predicted ground impact; intercepted: shot down (at the intercept point); deleted: lost */
  status: 'confirmed' | 'impact' | 'intercepted' | 'deleted';
  /** ballistic (warn), air (drone, aircraft, bird: never warn), unknown (not decided yet) */
  class: 'unknown' | 'ballistic' | 'air';
  /** ballistic tracks: catalogue type or family ('rocket-122', 'mortar', …) when separable */
  threat?: string;
  lat: number;
  lon: number;
  alt: number;
  /** m/s in the local east, north, up */
  vE: number;
  vN: number;
  vU: number;
  speed: number;
  /** probability of the ballistic model against the constant-velocity one */
  pBallistic: number;
  /** the sensor whose plot produced this update */
  sensor?: string;
}

/** A ballistic track's predicted impact and launch point (design.md §4.1), at each update. */
export interface PredictionEvent {
  type: 'prediction';
  t: number;
  trackId: number;
  threat?: string;
  impact: { lat: number; lon: number };
  /** UTC s, and its σ */
  impactTime: number;
  impactTimeSigma: number;
  /** m², local east/north at the impact point */
  covEN: [[number, number], [number, number]];
  launch?: { lat: number; lon: number };
  launchTime?: number;
  launchCovEN?: [[number, number], [number, number]];
}

export type { AlertEvent, EngagementEvent };

export type SimEvent =
  | TruthEvent
  | PlotEvent
  | TrackEvent
  | PredictionEvent
  | AlertEvent
  | EngagementEvent
  | { type: string; t: number; [k: string]: unknown };

const RESOLUTION: Record<string, number> = {
  t: 1e-4,
  lat: 1e-7,
  lon: 1e-7,
  alt: 1e-2,
  range: 1e-2,
  az: 1e-4,
  el: 1e-4,
  rangeRate: 1e-2,
  speed: 1e-2,
  timeOfFlight: 1e-3,
  azimuthDeg: 1e-4,
  elevationDeg: 1e-4,
  vE: 1e-2,
  vN: 1e-2,
  vU: 1e-2,
  pBallistic: 1e-4,
  impactTime: 1e-3,
  impactTimeSigma: 1e-3,
  launchTime: 1e-3,
};

function round(v: number, res: number): number {
  const r = Math.round(v / res) * res;
  // Cut the float noise of the multiplication (0.30000000000000004) by printing to the resolution's digits.
  const digits = Math.max(0, -Math.floor(Math.log10(res) + 1e-9));
  return Number(r.toFixed(digits));
}

/** One event as a JSONL line (with the trailing newline), numbers rounded to their field's resolution. */
export function formatEvent(ev: SimEvent): string {
  return (
    JSON.stringify(ev, (key, value) => {
      if (typeof value === 'number') {
        const res = RESOLUTION[key];
        if (res !== undefined) return round(value, res);
        if (!Number.isInteger(value)) return round(value, 1e-6);
      }
      return value;
    }) + '\n'
  );
}

/** Sort key that keeps events in time order and, at equal times, in a stable order by type. */
const TYPE_ORDER: Record<string, number> = { truth: 0, plot: 1, track: 2, prediction: 3, alert: 4, engagement: 5, incident: 6 };
export function compareEvents(a: SimEvent, b: SimEvent): number {
  return a.t - b.t || (TYPE_ORDER[a.type] ?? 9) - (TYPE_ORDER[b.type] ?? 9);
}
