/** Fixtures for the engagement tests: a small flat site, synthetic predictions, truth states in the site ENU. */
import { EnuFrame } from '../../src/geo/wgs84.js';
import type { ThreatSpec } from '../../src/physics/catalogue.js';
import { interceptorConfigSchema } from '../../src/scenario/site-schema.js';
import type { ThreatTruth } from '../../src/scenario/truth.js';
import type { Asset, InterceptorConfig, Site } from '../../src/scenario/types.js';
import type { PredictionEvent } from '../../src/sim/events.js';

/** A site at sea level (terrain 0) whose origin is the gun's position. */
export const ORIGIN = { lat: 33.3, lon: 44.395, alt: 0 };
export const frame = new EnuFrame(ORIGIN);

/** Effective gravity (WGS-84 normal gravity, Somigliana) at ORIGIN's latitude, m/s². */
export const G_LOCAL = (() => {
  const s2 = Math.sin(ORIGIN.lat * (Math.PI / 180)) ** 2;
  return (9.7803253359 * (1 + 0.00193185265241 * s2)) / Math.sqrt(1 - 0.00669437999013 * s2);
})();
export const OMEGA = 7.292115e-5;

export function gunCfg(over: Partial<InterceptorConfig> = {}): InterceptorConfig {
  return interceptorConfigSchema.parse({
    id: 'gun-1', lat: ORIGIN.lat, lon: ORIGIN.lon, alt: ORIGIN.alt, maxRange: 2000, minElevationDeg: 0, reactionTime: 2,
    slewDegPerSec: 100, burstSeconds: 1.5, pk: 0.6, bursts: 8, minInterceptAlt: 100, ...over,
  });
}

/** A square asset ±half metres about the site-ENU point (e, n). */
export function squareAsset(id: string, priority: number, e: number, n: number, half: number): Asset {
  const corner = (de: number, dn: number): [number, number] => {
    const g = frame.enuToGeodetic(e + de, n + dn, 0);
    return [g.lon, g.lat];
  };
  const ring = [corner(-half, -half), corner(half, -half), corner(half, half), corner(-half, half)];
  ring.push(ring[0]!);
  return { id, name: id, priority, ring };
}

export function testSite(interceptors: InterceptorConfig[], assets: Asset[]): Site {
  return {
    name: 'test', file: 'test.yaml', origin: ORIGIN, terrainAlt: 0, extentRadius: 20000, sensors: [], zones: [], assets,
    interceptors, landmarks: [],
  };
}

/** A prediction event for a track whose impact is at site-ENU (e, n), σ (m) on each axis. */
export function prediction(trackId: number, t: number, e: number, n: number, impactTime: number, sigma = 20): PredictionEvent {
  const g = frame.enuToGeodetic(e, n, 0);
  return {
    type: 'prediction', t, trackId, impact: { lat: g.lat, lon: g.lon }, impactTime, impactTimeSigma: 0.1,
    covEN: [[sigma * sigma, 0], [0, sigma * sigma]],
  };
}

export function diagP(sd = 5): Float64Array {
  const P = new Float64Array(49);
  for (let i = 0; i < 7; i++) P[i * 8] = i < 3 ? sd * sd : i < 6 ? 1 : 1e-8;
  return P;
}

export function trueKappa(spec: ThreatSpec): number {
  return (spec.formFactor * Math.PI * spec.calibreM * spec.calibreM) / 4 / (spec.burnoutMassKg ?? spec.massKg);
}

/** A threat's true state at UTC t in a frame's ENU, with its true κ (as predict/crlb.ts trueStateAt). */
export function truthState(th: ThreatTruth, t: number, f: EnuFrame): Float64Array {
  const s = new Float64Array(6);
  if (!th.stateAt(t, s)) throw new Error(`${th.id} not in flight at ${t}`);
  const p = f.ecefToEnu(s[0]!, s[1]!, s[2]!);
  const v = f.vecEcefToEnu(s[3]!, s[4]!, s[5]!);
  return Float64Array.of(p[0]!, p[1]!, p[2]!, v[0]!, v[1]!, v[2]!, trueKappa(th.trajectory.spec));
}

/** A prediction made from a truth (impact point and time of the trajectory), σ (m) on each axis. */
export function truthPrediction(th: ThreatTruth, trackId: number, t: number, sigma = 30): PredictionEvent {
  const im = th.trajectory.impact;
  return {
    type: 'prediction', t, trackId, impact: { lat: im.lat, lon: im.lon }, impactTime: th.impactTime, impactTimeSigma: 0.1,
    covEN: [[sigma * sigma, 0], [0, sigma * sigma]],
  };
}
