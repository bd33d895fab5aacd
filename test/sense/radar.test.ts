/**
 * Radar model acceptance: look timing, noise statistics, detection rate, masking, quantisation.
 * Truth values come from the test's own geometry (targets built in the radar's ENU frame), not from the model.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.js';
import { EnuFrame } from '../../src/geo/wgs84.js';
import { wrapPi } from '../../src/sense/angles.js';
import type { Plot } from '../../src/sense/plot.js';
import { heightFromPolar } from '../../src/sense/polar.js';
import { AZ_LSB, HEIGHT_LSB, RANGE_LSB } from '../../src/sense/quantise.js';
import { RadarModel } from '../../src/sense/radar.js';
import type { TruthTarget } from '../../src/sense/truth-target.js';
import { SITE, mean, polar, radarCfg, std, straightLine } from './helpers.js';

const D = Math.PI / 180;
const frame = new EnuFrame(SITE);

function run(cfg: ReturnType<typeof radarCfg>, targets: TruthTarget[], t0: number, t1: number, quantise = true, seed = 1, epoch = 0): Plot[] {
  const plots: Plot[] = [];
  new RadarModel(cfg, new Rng(seed), epoch, { quantise }).scan(t0, t1, targets, plots);
  return plots;
}

describe('look timing', () => {
  it('a stationary target at azimuth 90° (period 2 s, start phase 0) is seen at epoch + 0.5 s + k·2 s', () => {
    const epoch = 1_700_000_000;
    const tgt = straightLine(frame, 'p', polar(5000, 90 * D, 10 * D));
    const plots = run(radarCfg({ period: 2, pd: 1 }), [tgt], epoch, epoch + 40, true, 1, epoch);
    expect(plots).toHaveLength(20);
    plots.forEach((p, k) => expect(p.t - epoch).toBeCloseTo(0.5 + 2 * k, 6));
  });

  it('a crossing target is seen when the beam passes its azimuth at that instant, once per revolution', () => {
    // 250 m/s eastward across the north at 2 km: azimuth sweeps about 0.12 rad/s clockwise
    const tgt = straightLine(frame, 'x', [-3000, 2000, 800], [250, 0, 0], 0, 0, 24);
    const cfg = radarCfg({ period: 1.5, pd: 1, rangeSigma: 0, azSigmaMrad: 0, elSigmaMrad: 0, rangeRateSigma: 0, startPhaseDeg: 200 });
    const plots = run(cfg, [tgt], 0, 24, false);
    expect(plots.length).toBeGreaterThanOrEqual(14);
    expect(plots.length).toBeLessThanOrEqual(16);
    const times = plots.map((p) => p.t);
    expect(times.some((t) => Math.abs(t / 1.5 - Math.round(t / 1.5)) > 0.05)).toBe(true); // not on scan boundaries
    for (const p of plots) {
      const e = -3000 + 250 * p.t;
      const trueAz = Math.atan2(e, 2000);
      const beam = 200 * D + (2 * Math.PI * p.t) / 1.5;
      expect(Math.abs(wrapPi(beam - trueAz))).toBeLessThan(1e-8);
      expect(Math.abs(wrapPi(p.az - trueAz))).toBeLessThan(1e-8);
      expect(p.range).toBeCloseTo(Math.hypot(e, 2000, 800), 5);
    }
  });

  it('a target is only looked at during its lifetime', () => {
    const tgt = straightLine(frame, 'life', polar(3000, 1, 0.2), [0, 0, 0], 0, 10.3, 20.7);
    const plots = run(radarCfg({ pd: 1 }), [tgt], 0, 40);
    expect(plots.length).toBeGreaterThanOrEqual(10);
    expect(plots.length).toBeLessThanOrEqual(11);
    for (const p of plots) expect(p.t >= 10.3 && p.t <= 20.7).toBe(true);
  });
});

describe('measurement noise (10,000 looks)', () => {
  // 10 targets flying radially outwards at 20 m/s for 1000 revolutions: true az and el are constant, true
  // range is r0 + 20·t and the true range rate is exactly 20 m/s
  const v = 20;
  const targets: TruthTarget[] = [];
  const truth = new Map<string, { az: number; el: number; r0: number }>();
  for (let i = 0; i < 10; i++) {
    const az = (i * 36 + 7) * D;
    const el = (5 + i * 2) * D;
    const r0 = 2000 + 300 * i;
    const u = polar(1, az, el);
    targets.push(straightLine(frame, `t${i}`, [u[0] * r0, u[1] * r0, u[2] * r0], [u[0] * v, u[1] * v, u[2] * v]));
    truth.set(`t${i}`, { az, el, r0 });
  }
  const cfg = radarCfg({ pd: 1, maxRange: 40000, rangeSigma: 12, azSigmaMrad: 2, elSigmaMrad: 3, rangeRateSigma: 1.5 });

  function errors(plots: Plot[]) {
    const dr: number[] = [];
    const da: number[] = [];
    const de: number[] = [];
    const dv: number[] = [];
    for (const p of plots) {
      const tr = truth.get(p.truthId!)!;
      dr.push(p.range - (tr.r0 + v * p.t));
      da.push(wrapPi(p.az - tr.az));
      de.push(p.el - tr.el);
      dv.push(p.rangeRate! - v);
    }
    return { dr, da, de, dv };
  }

  it('unquantised: standard deviations within 5 % of configured, means near zero', () => {
    const plots = run(cfg, targets, 0, 1000, false);
    expect(plots.length).toBe(10000);
    const { dr, da, de, dv } = errors(plots);
    const n = plots.length;
    for (const [xs, sigma] of [
      [dr, 12],
      [da, 2e-3],
      [de, 3e-3],
      [dv, 1.5],
    ] as const) {
      expect(Math.abs(std(xs) / sigma - 1)).toBeLessThan(0.05);
      expect(Math.abs(mean(xs))).toBeLessThan((4 * sigma) / Math.sqrt(n));
    }
    // independence of the four noises: sample correlations near zero
    const corr = (a: number[], b: number[]) => {
      const ma = mean(a);
      const mb = mean(b);
      return a.reduce((s, x, i) => s + (x - ma) * (b[i]! - mb), 0) / ((n - 1) * std(a) * std(b));
    };
    expect(Math.abs(corr(dr, da))).toBeLessThan(0.04);
    expect(Math.abs(corr(de, dv))).toBeLessThan(0.04);
  });

  it('quantised: range and range-rate spread is √(σ² + q²/12)', () => {
    const c = radarCfg({ pd: 1, maxRange: 40000, rangeSigma: 3, azSigmaMrad: 2, elSigmaMrad: 3, rangeRateSigma: 0.5 });
    const plots = run(c, targets, 0, 1000, true);
    const { dr, dv } = errors(plots);
    expect(Math.abs(std(dr) / Math.sqrt(9 + RANGE_LSB ** 2 / 12) - 1)).toBeLessThan(0.05);
    expect(Math.abs(std(dv) / Math.sqrt(0.25 + 1 / 12) - 1)).toBeLessThan(0.05);
  });
});

describe('detection', () => {
  it('detection rate within 2 percentage points of pd over 10,000 looks', () => {
    const targets = Array.from({ length: 10 }, (_, i) => straightLine(frame, `d${i}`, polar(3000, i * 0.6, 0.1)));
    const plots = run(radarCfg({ pd: 0.8 }), targets, 0, 1000);
    expect(Math.abs(plots.length / 10000 - 0.8)).toBeLessThan(0.02);
    const perTarget = targets.map((t) => plots.filter((p) => p.truthId === t.id).length / 1000);
    for (const f of perTarget) expect(Math.abs(f - 0.8)).toBeLessThan(0.05);
  });
});

describe('masking', () => {
  const cfg = radarCfg({ pd: 1, maxRange: 10000, minRange: 100, minElevationDeg: 1, minHeightAboveRadar: 50 });
  const cases: [string, [number, number, number], boolean][] = [
    ['visible control', polar(5000, 1, 2 * D), true],
    ['below the elevation mask (0.8° at 5 km, 70 m up)', polar(5000, 1, 0.8 * D), false],
    ['under the detection floor (40 m up at 1.5 km, 1.5° elevation)', polar(1500, 2, Math.asin(40 / 1500)), false],
    ['beyond maxRange', polar(10100, 3, 5 * D), false],
    ['inside the blind range', polar(90, 3, 45 * D), false],
  ];
  for (const [name, p, seen] of cases) {
    it(`${name}: ${seen ? 'seen on every look' : 'never seen'}`, () => {
      const plots = run(cfg, [straightLine(frame, 'm', p)], 0, 200);
      expect(plots.length).toBe(seen ? 200 : 0);
    });
  }

  it('a target climbing through the floor is seen only once above it', () => {
    const tgt = straightLine(frame, 'climb', [2000, 1000, 0], [0, 0, 5]);
    const plots = run(cfg, [tgt], 0, 40);
    for (const p of plots) expect(5 * p.t).toBeGreaterThanOrEqual(50);
    expect(plots.length).toBeGreaterThanOrEqual(29);
  });

  it('a sector radar never sees behind itself, and does see inside its sector', () => {
    const sector = radarCfg({ pd: 1, clutterPerScan: 5, sector: { fromDeg: 45, toDeg: 135 } });
    const targets = Array.from({ length: 12 }, (_, i) => straightLine(frame, `az${i * 30 + 20}`, polar(4000, (i * 30 + 20) * D, 0.1)));
    const plots = run(sector, targets, 0, 300);
    const seen = new Set(plots.filter((p) => !p.truthId!.startsWith('clutter')).map((p) => p.truthId));
    expect([...seen].sort()).toEqual(['az110', 'az50', 'az80']);
    expect(plots.filter((p) => p.truthId === 'az80')).toHaveLength(300);
    for (const p of plots) {
      expect(p.az).toBeGreaterThanOrEqual(45 * D - 0.02);
      expect(p.az).toBeLessThanOrEqual(135 * D + 0.02);
    }
  });
});

describe('CAT048 quantisation of plots', () => {
  it('ranges are multiples of 1/256 NM, azimuths of 2π/2^16, heights of 25 ft, range rates of 1 m/s', () => {
    const targets = Array.from({ length: 20 }, (_, i) =>
      straightLine(frame, `q${i}`, polar(1000 + 400 * i, i * 0.31, 0.05 + 0.02 * i), [30 * Math.cos(i), 30 * Math.sin(i), 10]),
    );
    const plots = run(radarCfg({ pd: 1, clutterPerScan: 3, maxRange: 20000 }), targets, 0, 60);
    expect(plots.length).toBeGreaterThan(1000);
    for (const p of plots) {
      const r = p.range / RANGE_LSB;
      expect(Math.abs(r - Math.round(r))).toBeLessThan(1e-6);
      const a = p.az / AZ_LSB;
      expect(Math.abs(a - Math.round(a))).toBeLessThan(1e-6);
      expect(p.az).toBeGreaterThanOrEqual(0);
      expect(p.az).toBeLessThan(2 * Math.PI);
      const h = heightFromPolar(frame, p.range, p.az, p.el) / HEIGHT_LSB;
      expect(Math.abs(h - Math.round(h))).toBeLessThan(1e-3);
      expect(Number.isInteger(p.rangeRate)).toBe(true);
      expect(p).toMatchObject({ sensorId: 'r1', sac: 25, sic: 1 });
    }
  });

  it('omits range rate beyond ±511 m/s and when Doppler is off', () => {
    const fast = straightLine(frame, 'fast', polar(3000, 1, 0.3), [...polar(600, 1, 0.3)] as [number, number, number]);
    const slow = straightLine(frame, 'slow', polar(3000, 2, 0.3), [...polar(300, 2, 0.3)] as [number, number, number]);
    const plots = run(radarCfg({ pd: 1 }), [fast, slow], 0, 5);
    for (const p of plots) {
      if (p.truthId === 'fast') expect(p.rangeRate).toBeUndefined();
      else expect(Math.abs(p.rangeRate! - 300)).toBeLessThanOrEqual(6);
    }
    const noDoppler = run(radarCfg({ pd: 1, rangeRateSigma: 0 }), [slow], 0, 5);
    expect(noDoppler).toHaveLength(5);
    for (const p of noDoppler) expect('rangeRate' in p).toBe(false);
  });
});
