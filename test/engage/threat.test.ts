/**
 * Threat evaluation (src/engage/threat.ts): the impact Gaussian integrated over asset polygons by the shared
 * polygon integral of src/warn/zone-probability.ts. Against the exact product of normal CDFs for an
 * axis-aligned square (nine cases, measured worst error 2e-7), an exact 1-D reference for a correlated
 * covariance, the exact sum of two rectangles for a concave L, and 200,000-draw Monte Carlos (within 4 of their
 * own σ); plus the same numbers as the warning zones for the same polygons.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.js';
import { AssetThreat } from '../../src/engage/threat.js';
import { loadSite } from '../../src/scenario/load.js';
import { EnuFrame } from '../../src/geo/wgs84.js';
import { pointInRing } from '../../src/geo/polygon.js';
import { projectZones, zoneProbabilities } from '../../src/warn/zone-probability.js';
import { frame, squareAsset } from './helpers.js';

/** erf by Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7). */
function erf(x: number): number {
  const s = Math.sign(x);
  const a = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * a);
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-a * a);
  return s * y;
}
const Phi = (x: number): number => 0.5 * (1 + erf(x / Math.SQRT2));
/** Probability of the interval [a, b] under N(m, s²). */
const interval = (a: number, b: number, m: number, s: number): number => Phi((b - m) / s) - Phi((a - m) / s);

/**
 * Exact (to the erf's 1.5e-7) probability of the square |e|, |n| < half under a correlated normal: the east
 * marginal times the conditional north interval, integrated over e by composite Simpson (20,000 steps).
 */
function squareCorrelated(half: number, me: number, mn: number, cov: readonly (readonly number[])[]): number {
  const sE = Math.sqrt(cov[0]![0]!);
  const sN = Math.sqrt(cov[1]![1]!);
  const rho = cov[0]![1]! / (sE * sN);
  const sCond = sN * Math.sqrt(1 - rho * rho);
  const f = (e: number): number => {
    const z = (e - me) / sE;
    const mCond = mn + rho * sN * z;
    return (Math.exp(-0.5 * z * z) / (sE * Math.sqrt(2 * Math.PI))) * interval(-half, half, mCond, sCond);
  };
  const steps = 20_000;
  const h = (2 * half) / steps;
  let sum = f(-half) + f(half);
  for (let i = 1; i < steps; i++) sum += (i & 1 ? 4 : 2) * f(-half + i * h);
  return (sum * h) / 3;
}

/** The Monte Carlo's bar: 4 of its own σ. */
const mcBar = (p: number, n: number): number => 4 * Math.sqrt((p * (1 - p)) / n);

describe('AssetThreat', () => {
  const half = 200;
  const asset = squareAsset('sq', 1, 0, 0, half);
  const threat = new AssetThreat(frame, [asset]);

  it('matches the exact integral over a square for diagonal covariances (error < 2e-6)', () => {
    let worst = 0;
    for (const [me, mn, se, sn] of [
      [0, 0, 50, 50], [0, 0, 200, 200], [150, 0, 100, 100], [250, 250, 100, 60], [0, 400, 150, 150], [-300, 100, 300, 80],
      [0, 0, 1, 1], [190, 0, 30, 30], [600, 0, 100, 100],
    ] as const) {
      const exact = interval(-half, half, me, se) * interval(-half, half, mn, sn);
      const got = threat.evaluate(me, mn, [[se * se, 0], [0, sn * sn]]);
      worst = Math.max(worst, Math.abs(got.p - exact));
      expect(Math.abs(got.p - exact)).toBeLessThan(2e-6);
    }
    expect(worst).toBeLessThan(2e-6);
  });

  it('a correlated covariance: matches an exact 1-D reference (error < 2e-6) and a Monte Carlo (within 4 of its σ)', () => {
    const rng = new Rng(7);
    const cov: [[number, number], [number, number]] = [[200 * 200, 0.8 * 200 * 80], [0.8 * 200 * 80, 80 * 80]];
    const l11 = 200;
    const l21 = cov[0][1] / l11;
    const l22 = Math.sqrt(cov[1][1] - l21 * l21);
    for (const [me, mn] of [[0, 0], [150, -100], [-250, 50], [0, 300]] as const) {
      const p = threat.evaluate(me, mn, cov).p;
      expect(Math.abs(p - squareCorrelated(half, me, mn, cov))).toBeLessThan(2e-6);
      let inside = 0;
      const N = 200_000;
      for (let i = 0; i < N; i++) {
        const z1 = rng.normal();
        const z2 = rng.normal();
        const e = me + l11 * z1;
        const n = mn + l21 * z1 + l22 * z2;
        if (Math.abs(e) < half && Math.abs(n) < half) inside++;
      }
      expect(Math.abs(p - inside / N)).toBeLessThan(mcBar(p, N));
    }
  });

  it('a concave (L-shaped) asset: the exact sum of its two rectangles (error < 2e-6) and a Monte Carlo, mean inside and outside', () => {
    // L: [0, 400] × [0, 100] ∪ [0, 100] × [100, 400] (site ENU), ring built through geodetic corners
    const pts: [number, number][] = [[0, 0], [400, 0], [400, 100], [100, 100], [100, 400], [0, 400]];
    const ring = pts.map(([e, n]) => {
      const g = frame.enuToGeodetic(e, n, 0);
      return [g.lon, g.lat] as [number, number];
    });
    ring.push(ring[0]!);
    const el = new AssetThreat(frame, [{ id: 'L', name: 'L', priority: 1, ring }]);
    const inL = (e: number, n: number): boolean => e >= 0 && n >= 0 && ((e < 400 && n < 100) || (e < 100 && n < 400));
    const rng = new Rng(11);
    for (const [me, mn, sd] of [[50, 50, 100], [200, 200, 150], [300, 50, 60], [-100, 300, 120], [250, 250, 40]] as const) {
      const p = el.evaluate(me, mn, [[sd * sd, 0], [0, sd * sd]]).p;
      const exact = interval(0, 400, me, sd) * interval(0, 100, mn, sd) + interval(0, 100, me, sd) * interval(100, 400, mn, sd);
      expect(Math.abs(p - exact)).toBeLessThan(2e-6);
      let inside = 0;
      const N = 200_000;
      for (let i = 0; i < N; i++) if (inL(me + sd * rng.normal(), mn + sd * rng.normal())) inside++;
      expect(Math.abs(p - inside / N)).toBeLessThan(Math.max(mcBar(p, N), 1e-4));
    }
  });

  it('far from every asset: 0 and no asset; a zero covariance is the point-in-polygon answer', () => {
    const far = threat.evaluate(5000, 0, [[100, 0], [0, 100]]);
    expect(far.p).toBe(0);
    expect(far.asset).toBeUndefined();
    expect(far.perAsset[0]).toBe(0);
    expect(threat.evaluate(10, -10, [[0, 0], [0, 0]]).p).toBe(1);
    expect(threat.evaluate(210, 0, [[0, 0], [0, 0]]).p).toBe(0);
  });

  it('assets are disjoint: p is the sum over assets; the asset is the most likely one', () => {
    // the square split into a west and an east half, as two assets
    const corner = (e: number, n: number): [number, number] => {
      const g = frame.enuToGeodetic(e, n, 0);
      return [g.lon, g.lat];
    };
    const rect = (id: string, priority: number, e0: number, e1: number): { id: string; name: string; priority: number; ring: [number, number][] } => ({
      id, name: id, priority, ring: [corner(e0, -half), corner(e1, -half), corner(e1, half), corner(e0, half), corner(e0, -half)],
    });
    const halves = new AssetThreat(frame, [rect('west', 2, -half, 0), rect('east', 1, 0, half)]);
    for (const [me, mn, s] of [[-60, 10, 120], [80, -150, 90], [0, 0, 300]] as const) {
      const cov = [[s * s, 0], [0, s * s]];
      const r = halves.evaluate(me, mn, cov);
      expect(r.p).toBeCloseTo(r.perAsset[0]! + r.perAsset[1]!, 12);
      expect(r.p).toBeCloseTo(threat.evaluate(me, mn, cov).p, 6);
      expect(r.asset?.id).toBe(me < 0 ? 'west' : 'east');
    }
  });

  it('green-zone.yaml: the same numbers as the warning-zone integral over the same polygons; the covariance is turned into the site frame', () => {
    const site = loadSite('scenarios/sites/green-zone.yaml');
    const f = new EnuFrame(site.origin);
    const th = new AssetThreat(f, site.assets);
    const asZones = projectZones(f, site.assets);
    const rng = new Rng(5);
    for (let i = 0; i < 200; i++) {
      const g = f.enuToGeodetic(rng.range(-1500, 2500), rng.range(-1000, 2500), site.terrainAlt);
      const impact = { lat: g.lat, lon: g.lon };
      const s1 = rng.range(10, 400);
      const s2 = rng.range(5, 150);
      const a = rng.range(0, Math.PI);
      const c = Math.cos(a);
      const s = Math.sin(a);
      const en = c * s * (s1 * s1 - s2 * s2);
      const cov = [[c * c * s1 * s1 + s * s * s2 * s2, en], [en, s * s * s1 * s1 + c * c * s2 * s2]];
      const r = th.evaluateImpact(impact, cov);
      const z = zoneProbabilities(impact, cov, asZones);
      site.assets.forEach((asset, k) => expect(r.perAsset[k]).toBe(z.get(asset.id)));
      // in the site frame the impact's own east/north is turned by the meridian convergence (≈ 1 mrad here):
      // evaluate() with the unturned covariance is close, not equal
      const e = f.geodeticToEnu(impact.lat, impact.lon, site.origin.alt);
      expect(Math.abs(th.evaluate(e[0]!, e[1]!, cov).p - r.p)).toBeLessThan(0.01);
    }
  });

  it('green-zone.yaml: a round on the US Embassy threatens it (priority 1); one in Celebration Square threatens nothing', () => {
    const site = loadSite('scenarios/sites/green-zone.yaml');
    const f = new EnuFrame(site.origin);
    const th = new AssetThreat(f, site.assets);
    const emb = f.geodeticToEnu(33.299, 44.396, site.terrainAlt);
    const r = th.evaluate(emb[0]!, emb[1]!, [[60 * 60, 0], [0, 60 * 60]]);
    expect(r.asset?.id).toBe('us-embassy');
    expect(r.p).toBeGreaterThan(0.9);
    expect(th.evaluateImpact({ lat: 33.299, lon: 44.396 }, [[60 * 60, 0], [0, 60 * 60]]).p).toBeCloseTo(r.p, 4);
    const sq = f.geodeticToEnu(33.3035, 44.389, site.terrainAlt);
    expect(site.assets.some((a) => pointInRing(33.3035, 44.389, a.ring))).toBe(false);
    expect(th.evaluate(sq[0]!, sq[1]!, [[60 * 60, 0], [0, 60 * 60]]).p).toBeLessThan(0.01);
  });
});
