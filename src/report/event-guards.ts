/**
 * The alert and engagement events as the reports read them. Events reach the reports loosely typed (read
 * back from events.jsonl, or from other stages), so each is checked field by field and copied into a shape
 * that holds only the fields the reports use; an event without them is ignored (undefined).
 */
import type { SimEvent } from '../sim/events.js';

/** The alert manager's event (design.md §4.1; src/warn): the fields the reports read. */
export interface AlertEventShape {
  type: 'alert';
  t: number;
  alertId: string;
  stage: 'early' | 'siren' | 'clear';
  /** zone ids */
  zones: string[];
  trackIds: number[];
  msgType?: string;
  /** the zones still warned by this alert after the message, with their stage (src/warn/alerts.ts) */
  zoneStages?: Record<string, 'early' | 'siren'>;
  /** `<alertId>.<n>`: n numbers the alert's messages in the order they were issued */
  messageId?: string;
}

/** The engagement manager's event (design.md §4.1; src/engage): the fields the reports read. */
export interface EngagementEventShape {
  type: 'engagement';
  t: number;
  interceptor: string;
  trackId: number;
  result: 'fired' | 'kill' | 'miss' | 'no-solution' | 'out-of-ammunition' | 'hold';
  intercept?: { lat: number; lon: number; alt: number };
}

const ALERT_STAGES = new Set(['early', 'siren', 'clear']);
const RESULTS = new Set(['fired', 'kill', 'miss', 'no-solution', 'out-of-ammunition', 'hold']);

/** The event as an alert, if it has an alert's fields (events from other stages are loosely typed). */
export function asAlertEvent(ev: SimEvent): AlertEventShape | undefined {
  if (ev.type !== 'alert') return undefined;
  const e = ev as Record<string, unknown>;
  if (typeof e.alertId !== 'string' || typeof e.stage !== 'string' || !ALERT_STAGES.has(e.stage)) return undefined;
  const zones = Array.isArray(e.zones) ? e.zones.filter((z): z is string => typeof z === 'string') : [];
  const trackIds = Array.isArray(e.trackIds) ? e.trackIds.filter((x): x is number => typeof x === 'number') : [];
  const a: AlertEventShape = { type: 'alert', t: ev.t, alertId: e.alertId, stage: e.stage as AlertEventShape['stage'], zones, trackIds };
  if (typeof e.messageId === 'string') a.messageId = e.messageId;
  if (e.zoneStages !== null && typeof e.zoneStages === 'object') {
    const zs: Record<string, 'early' | 'siren'> = {};
    for (const [z, st] of Object.entries(e.zoneStages as Record<string, unknown>)) if (st === 'early' || st === 'siren') zs[z] = st;
    a.zoneStages = zs;
  }
  return a;
}

/** The event as an engagement, if it has an engagement's fields (the intercept point when it gives one). */
export function asEngagementEvent(ev: SimEvent): EngagementEventShape | undefined {
  if (ev.type !== 'engagement') return undefined;
  const e = ev as Record<string, unknown>;
  if (typeof e.interceptor !== 'string' || typeof e.trackId !== 'number' || typeof e.result !== 'string' || !RESULTS.has(e.result)) return undefined;
  const out: EngagementEventShape = { type: 'engagement', t: ev.t, interceptor: e.interceptor, trackId: e.trackId, result: e.result as EngagementEventShape['result'] };
  const i = e.intercept as Record<string, unknown> | undefined;
  if (i && typeof i.lat === 'number' && typeof i.lon === 'number' && typeof i.alt === 'number') out.intercept = { lat: i.lat, lon: i.lon, alt: i.alt };
  return out;
}
