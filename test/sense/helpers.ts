/** Test fixtures for the radar model: simple truths built from an ENU frame, config builder, KS statistic. */
import type { EnuFrame } from '../../src/geo/wgs84.js';
import { radarConfigSchema, type RadarConfig, type RadarConfigInput } from '../../src/sense/radar-config.js';
import type { TruthTarget } from '../../src/sense/truth-target.js';

export const SITE = { lat: 33.3, lon: 44.395, alt: 34 };

/** A validated config: a 360° radar at SITE with the given overrides. */
export function radarCfg(over: Partial<RadarConfigInput> = {}): RadarConfig {
  return radarConfigSchema.parse({
    id: 'r1',
    sac: 25,
    sic: 1,
    ...SITE,
    rangeSigma: 10,
    azSigmaMrad: 3,
    elSigmaMrad: 3,
    period: 1,
    maxRange: 10000,
    ...over,
  });
}

/** A target moving in a straight line at constant velocity in the radar's ENU frame (ve = 0: stationary). */
export function straightLine(
  frame: EnuFrame,
  id: string,
  p0: readonly [number, number, number],
  v: readonly [number, number, number] = [0, 0, 0],
  t0 = 0,
  tStart = -1e12,
  tEnd = 1e12,
): TruthTarget {
  const vEcef = frame.vecEnuToEcef(v[0], v[1], v[2]);
  const p = new Float64Array(3);
  return {
    id,
    tStart,
    tEnd,
    stateAt(t: number, out: Float64Array): boolean {
      if (t < tStart || t > tEnd) return false;
      const dt = t - t0;
      frame.enuToEcef(p0[0] + v[0] * dt, p0[1] + v[1] * dt, p0[2] + v[2] * dt, p);
      out[0] = p[0]!;
      out[1] = p[1]!;
      out[2] = p[2]!;
      out[3] = vEcef[0]!;
      out[4] = vEcef[1]!;
      out[5] = vEcef[2]!;
      return true;
    },
  };
}

/** ENU point at slant range r, azimuth az and elevation el (radians) from the frame origin. */
export function polar(r: number, az: number, el: number): [number, number, number] {
  return [r * Math.cos(el) * Math.sin(az), r * Math.cos(el) * Math.cos(az), r * Math.sin(el)];
}

/** Kolmogorov–Smirnov statistic of a sample against a continuous CDF. */
export function ksStatistic(sample: readonly number[], cdf: (x: number) => number): number {
  const xs = [...sample].sort((a, b) => a - b);
  const n = xs.length;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const f = cdf(xs[i]!);
    d = Math.max(d, (i + 1) / n - f, f - i / n);
  }
  return d;
}

/** KS critical value at significance 0.001 (asymptotic): 1.949 / √n. */
export function ksCritical(n: number): number {
  return 1.949 / Math.sqrt(n);
}

export function mean(xs: readonly number[]): number {
  return xs.reduce((s, x) => s + x, 0) / xs.length;
}

export function std(xs: readonly number[], mu = mean(xs)): number {
  return Math.sqrt(xs.reduce((s, x) => s + (x - mu) ** 2, 0) / (xs.length - 1));
}
