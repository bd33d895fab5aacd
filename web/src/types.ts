/**
 * What the display reads: the events of events.jsonl and of the service's WebSocket (the engine's own types,
 * imported as types only so the display and the engine cannot drift apart), and the service's JSON documents
 * (GET /api/site, /api/state; `site.json` of a `simulate --out` folder).
 */
import type { AlertEvent, EngagementEvent, PredictionEvent, TrackEvent } from '../../src/sim/events.js';
import type { IncidentEvent } from '../../src/report/incident-types.js';
import type { SiteJson } from '../../src/service/site-json.js';

export type { AlertEvent, EngagementEvent, IncidentEvent, PredictionEvent, TrackEvent };

export type SensorState = 'ok' | 'degraded' | 'silent' | 'disabled';

export interface SensorStatus {
  id: string;
  state: SensorState;
  /** UTC s of the last plot */
  lastPlot?: number;
  plots: number;
}

export type ClockMode = 'wall' | 'follow' | 'replay' | 'static';

export interface ClockState {
  /** UTC s (data time) */
  t: number;
  speed: number;
  paused: boolean;
  mode: ClockMode;
}

/** `{type:'clock', …}` on the stream, about once a second and on change. */
export interface ClockMessage extends Omit<ClockState, 'mode'> {
  type: 'clock';
  mode: Exclude<ClockMode, 'static'>;
}

/** `{type:'sensor', t, sensors}` on the stream, about once a second. */
export interface SensorMessage {
  type: 'sensor';
  t: number;
  sensors: SensorStatus[];
}

/** A radar plot of events.jsonl, as far as the display needs it (static mode: sensor status). */
export interface PlotLite {
  type: 'plot';
  t: number;
  sensor: string;
}

/** Every event the display applies. */
export type DisplayEvent = TrackEvent | PredictionEvent | AlertEvent | EngagementEvent | IncidentEvent | PlotLite;

/** GET /api/site, `site.json` (the service's own type). */
export type { SiteJson };

export interface IncidentRef {
  incidentId: string;
  t: number;
  title?: string;
}

/** GET /api/state */
export interface StateJson {
  clock: ClockState;
  tracks: TrackEvent[];
  predictions: PredictionEvent[];
  alerts: AlertEvent[];
  recent: (TrackEvent | AlertEvent | EngagementEvent | IncidentEvent)[];
  sensors: SensorStatus[];
  incidents: IncidentRef[];
}
