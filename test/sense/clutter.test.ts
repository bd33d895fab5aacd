/**
 * Clutter: Poisson count per revolution, uniform in volume (KS against closed-form marginals), timed by the
 * beam, inside the sector.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.js';
import { sampleClutterPoint } from '../../src/sense/clutter.js';
import { coverageOf } from '../../src/sense/coverage.js';
import type { Plot } from '../../src/sense/plot.js';
import { RadarModel } from '../../src/sense/radar.js';
import { wrapPi } from '../../src/sense/angles.js';
import { AZ_LSB } from '../../src/sense/quantise.js';
import { ksCritical, ksStatistic, mean, radarCfg } from './helpers.js';

const N = 20000;

function sample(cfgOver: Parameters<typeof radarCfg>[0], top: number, seed = 7): { r: number[]; az: number[]; el: number[] } {
  const cov = coverageOf(radarCfg(cfgOver));
  const rng = new Rng(seed, 'clutter-test');
  const p = new Float64Array(3);
  const r: number[] = [];
  const az: number[] = [];
  const el: number[] = [];
  for (let i = 0; i < N; i++) {
    expect(sampleClutterPoint(rng, cov, top, p)).toBe(true);
    r.push(p[0]!);
    az.push(p[1]!);
    el.push(p[2]!);
  }
  return { r, az, el };
}

describe('clutter positions, uniform in volume', () => {
  it('without a binding height band: r³ uniform, azimuth uniform in the sector, sin(el) uniform above the mask', () => {
    const [r0, r1] = [200, 8000];
    const from = (30 * Math.PI) / 180;
    const width = (100 * Math.PI) / 180;
    const s0 = Math.sin(-10 * (Math.PI / 180));
    const { r, az, el } = sample(
      { minRange: r0, maxRange: r1, minElevationDeg: -10, minHeightAboveRadar: -1e6, sector: { fromDeg: 30, toDeg: 130 } },
      1e6,
    );
    const dR = ksStatistic(r.map((x) => x ** 3), (c) => (c - r0 ** 3) / (r1 ** 3 - r0 ** 3));
    const dAz = ksStatistic(az, (a) => (a - from) / width);
    const dEl = ksStatistic(el.map(Math.sin), (s) => (s - s0) / (1 - s0));
    expect(dR).toBeLessThan(ksCritical(N));
    expect(dAz).toBeLessThan(ksCritical(N));
    expect(dEl).toBeLessThan(ksCritical(N));
    // the test can fail: r (rather than r³) uniform is rejected
    expect(ksStatistic(r, (x) => (x - r0) / (r1 - r0))).toBeGreaterThan(ksCritical(N));
  });

  it('with a height band: heights follow the horizontal-slice area of the shell (closed form)', () => {
    const [r0, r1, h1, h2] = [100, 6000, 50, 3000];
    const { r, az, el } = sample({ minRange: r0, maxRange: r1, minElevationDeg: 0, minHeightAboveRadar: h1 }, h2, 11);
    const up = r.map((x, i) => x * Math.sin(el[i]!));
    expect(Math.min(...up)).toBeGreaterThanOrEqual(h1);
    expect(Math.max(...up)).toBeLessThanOrEqual(h2);
    // slice at height z: disc of radius √(r1² − z²) minus the hole √(r0² − z²) while z < r0
    const prim = (z: number) => r1 * r1 * z - z ** 3 / 3 - (r0 * r0 * Math.min(z, r0) - Math.min(z, r0) ** 3 / 3);
    const cdf = (z: number) => (prim(z) - prim(h1)) / (prim(h2) - prim(h1));
    expect(ksStatistic(up, cdf)).toBeLessThan(ksCritical(N));
    expect(ksStatistic(az, (a) => a / (2 * Math.PI))).toBeLessThan(ksCritical(N));
    // density of r ∝ r·(min(r, h2) − min(r, h1)) (Archimedes: the band's area on a sphere is 2πr·Δh)
    const g = (x: number) => {
      // ∫ r·(min(r,h2) − min(r,h1)) dr from r0 to x, piecewise
      const seg = (a: number, b: number, f: (t: number) => number) => (b > a ? f(b) - f(a) : 0);
      const lo = Math.max(r0, h1);
      let s = seg(r0, Math.min(x, lo), () => 0);
      s += seg(lo, Math.min(x, h2), (t) => t ** 3 / 3 - (h1 * t * t) / 2);
      s += seg(Math.max(lo, h2), x, (t) => ((h2 - h1) * t * t) / 2);
      return s;
    };
    expect(ksStatistic(r, (x) => g(x) / g(r1))).toBeLessThan(ksCritical(N));
  });
});

describe('clutter through the radar', () => {
  it('has the configured mean count per revolution, timed by the beam, in the sector, with the clutter id', () => {
    const cfg = radarCfg({ clutterPerScan: 4, period: 2, startPhaseDeg: 40, sector: { fromDeg: 300, toDeg: 60 } });
    const radar = new RadarModel(cfg, new Rng(3), 500, { quantise: false });
    const plots: Plot[] = [];
    const revs = 5000;
    radar.scan(500, 500 + revs * 2, [], plots);
    const rate = plots.length / revs;
    expect(Math.abs(rate - 4) / 4).toBeLessThan(0.05);
    // Poisson: variance equals the mean
    const perRev = new Array<number>(revs).fill(0);
    for (const p of plots) perRev[Math.floor((p.t - 500) / 2)]!++;
    const m = mean(perRev);
    const v = perRev.reduce((s, x) => s + (x - m) ** 2, 0) / (revs - 1);
    expect(Math.abs(v / m - 1)).toBeLessThan(0.1);
    for (const p of plots) {
      expect(p.truthId).toMatch(/^clutter:r1:\d+$/);
      const beam = (40 * Math.PI) / 180 + (2 * Math.PI * (p.t - 500)) / 2;
      expect(Math.abs(wrapPi(beam - p.az))).toBeLessThan(1e-9);
      const fromNorth = wrapPi(p.az);
      expect(Math.abs(fromNorth)).toBeLessThanOrEqual(Math.PI / 3 + 1e-12);
      expect(p.range).toBeGreaterThanOrEqual(100);
      expect(p.range).toBeLessThanOrEqual(10000);
      expect(p.rangeRate).toBeDefined();
    }
    for (let i = 1; i < plots.length; i++) expect(plots[i]!.t).toBeGreaterThanOrEqual(plots[i - 1]!.t);
    // clutter radial speed ~ N(0, 5 m/s)
    const rr = plots.map((p) => p.rangeRate!);
    const sd = Math.sqrt(rr.reduce((s, x) => s + x * x, 0) / rr.length);
    expect(Math.abs(sd - 5) / 5).toBeLessThan(0.05);
  });

  it('quantised clutter sits on the CAT048 grid and no clutter is drawn when clutterPerScan is 0', () => {
    const plots: Plot[] = [];
    new RadarModel(radarCfg({ clutterPerScan: 3 }), new Rng(5), 0).scan(0, 200, [], plots);
    expect(plots.length).toBeGreaterThan(400);
    for (const p of plots) {
      const a = p.az / AZ_LSB;
      expect(Math.abs(a - Math.round(a))).toBeLessThan(1e-6);
    }
    const none: Plot[] = [];
    new RadarModel(radarCfg(), new Rng(5), 0).scan(0, 200, [], none);
    expect(none).toHaveLength(0);
  });
});
