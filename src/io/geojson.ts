/**
 * tracks.geojson (design.md §4.1 `--out`): what the engine made of a run, for any GIS or web map. One
 * LineString per confirmed track (its positions at each update, [lon, lat, alt]), and for each track with
 * predictions the last predicted impact point and launch point as Points carrying their 1-σ ellipse
 * (semi-axes in metres, orientation in degrees clockwise from north) and times.
 */
import type { PredictionEvent, SimEvent, TrackEvent } from '../sim/events.js';

interface TrackLine {
  trackId: number;
  coords: [number, number, number][];
  times: number[];
  last: TrackEvent;
}

/** 1-σ ellipse of a 2×2 east/north covariance: semi-axes (m) and the major axis' bearing (degrees from north). */
export function ellipse(c: [[number, number], [number, number]]): { major: number; minor: number; bearingDeg: number } {
  const a = c[0][0];
  const b = c[0][1];
  const d = c[1][1];
  const mid = 0.5 * (a + d);
  const rad = Math.sqrt(0.25 * (a - d) ** 2 + b * b);
  const l1 = mid + rad;
  const l2 = Math.max(0, mid - rad);
  // major eigenvector (east, north) = (b, l1 − a) or (l1 − d, b)
  const [ve, vn] = Math.abs(b) > 1e-12 ? [b, l1 - a] : a >= d ? [1, 0] : [0, 1];
  let bearing = (Math.atan2(ve, vn) * 180) / Math.PI;
  if (bearing < 0) bearing += 180;
  if (bearing >= 180) bearing -= 180;
  return { major: Math.sqrt(l1), minor: Math.sqrt(l2), bearingDeg: bearing };
}

const r6 = (v: number): number => Math.round(v * 1e6) / 1e6;
const r1 = (v: number): number => Math.round(v * 10) / 10;

/** Collects track and prediction events (call with every event of a run) and renders the collection. */
export class TracksGeoJson {
  private readonly tracks = new Map<number, TrackLine>();
  private readonly predictions = new Map<number, PredictionEvent>();

  add(ev: SimEvent): void {
    if (ev.type === 'track') {
      const t = ev as TrackEvent;
      let line = this.tracks.get(t.trackId);
      if (!line) this.tracks.set(t.trackId, (line = { trackId: t.trackId, coords: [], times: [], last: t }));
      line.coords.push([r6(t.lon), r6(t.lat), r1(t.alt)]);
      line.times.push(t.t);
      line.last = t;
    } else if (ev.type === 'prediction') {
      const p = ev as PredictionEvent;
      this.predictions.set(p.trackId, p);
    }
  }

  toJSON(): object {
    const features: object[] = [];
    for (const line of this.tracks.values()) {
      const l = line.last;
      features.push({
        type: 'Feature',
        geometry: line.coords.length > 1 ? { type: 'LineString', coordinates: line.coords } : { type: 'Point', coordinates: line.coords[0] },
        properties: {
          kind: 'track', trackId: line.trackId, class: l.class, ...(l.threat ? { threat: l.threat } : {}), status: l.status,
          start: new Date(line.times[0]! * 1000).toISOString(), end: new Date(l.t * 1000).toISOString(),
        },
      });
      const p = this.predictions.get(line.trackId);
      if (!p) continue;
      const ie = ellipse(p.covEN);
      features.push({
        type: 'Feature',
        geometry: { type: 'Point', coordinates: [r6(p.impact.lon), r6(p.impact.lat)] },
        properties: {
          kind: 'impact', trackId: p.trackId, ...(p.threat ? { threat: p.threat } : {}), time: new Date(p.impactTime * 1000).toISOString(),
          timeSigma: r1(p.impactTimeSigma), sigmaMajor: r1(ie.major), sigmaMinor: r1(ie.minor), bearingDeg: r1(ie.bearingDeg),
          predictedAt: new Date(p.t * 1000).toISOString(),
        },
      });
      if (p.launch && p.launchCovEN) {
        const le = ellipse(p.launchCovEN);
        features.push({
          type: 'Feature',
          geometry: { type: 'Point', coordinates: [r6(p.launch.lon), r6(p.launch.lat)] },
          properties: {
            kind: 'launch', trackId: p.trackId, ...(p.threat ? { threat: p.threat } : {}),
            ...(p.launchTime !== undefined ? { time: new Date(p.launchTime * 1000).toISOString() } : {}),
            sigmaMajor: r1(le.major), sigmaMinor: r1(le.minor), bearingDeg: r1(le.bearingDeg),
          },
        });
      }
    }
    return { type: 'FeatureCollection', features };
  }
}
