/**
 * What the service knows now, for the HTTP API and a display that (re)connects: the latest state of every
 * live track, the latest prediction of every ballistic track, the latest message of every alert not yet
 * cleared, and a short log of the recent events that matter to an operator (track births and
 * ends, alerts, engagements, incidents). Fed with the pipeline's events, in time order.
 */
import type { AlertEvent, EngagementEvent, PredictionEvent, SimEvent, TrackEvent } from '../sim/events.js';

/** How many recent events the log keeps. */
export const RECENT = 200;

export class LiveState {
  readonly tracks = new Map<number, TrackEvent>();
  readonly predictions = new Map<number, PredictionEvent>();
  readonly alerts = new Map<string, AlertEvent>();
  private recentLog: SimEvent[] = [];
  engagements = 0;

  add(ev: SimEvent): void {
    switch (ev.type) {
      case 'track': {
        const t = ev as TrackEvent;
        const first = !this.tracks.has(t.trackId);
        if (t.status === 'confirmed') {
          this.tracks.set(t.trackId, t);
          if (first) this.log(ev);
        } else {
          this.tracks.delete(t.trackId);
          this.predictions.delete(t.trackId);
          this.log(ev);
        }
        break;
      }
      case 'prediction': {
        const p = ev as PredictionEvent;
        if (this.tracks.has(p.trackId)) this.predictions.set(p.trackId, p);
        break;
      }
      case 'alert': {
        const a = ev as AlertEvent;
        if (Object.keys(a.zoneStages).length) this.alerts.set(a.alertId, a);
        else this.alerts.delete(a.alertId);
        this.log(ev);
        break;
      }
      case 'engagement':
        this.engagements++;
        this.log(ev as EngagementEvent);
        break;
      case 'incident':
        this.log(ev);
        break;
      default:
        break;
    }
  }

  private log(ev: SimEvent): void {
    this.recentLog.push(ev);
    if (this.recentLog.length > 2 * RECENT) this.recentLog = this.recentLog.slice(-RECENT);
  }

  recent(): SimEvent[] {
    return this.recentLog.slice(-RECENT);
  }

}
