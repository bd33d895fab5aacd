/**
 * The tracker's noise for a plot (src/track/sensors.ts plotSigmas) against what the radar model actually sends:
 * Monte Carlo of the model's own rounding path (sense/polar.ts: height from the noisy elevation at the rounded
 * range, rounded to 25 ft, elevation recovered from it — radar.ts `plot`), with the true point's range spread
 * over ±300 m and its elevation over ±1°, so that the height falls anywhere between two steps, as it does for
 * a round in flight (a narrower spread lets the range steps (7.23 m, ≈ one height step at high elevation)
 * alias with the height steps, and the rounding is then not spread evenly).
 */
import { describe, expect, it } from 'vitest';
import { EnuFrame } from '../../src/geo/wgs84.js';
import { Rng } from '../../src/core/rng.js';
import { elevationFromHeight, heightFromPolar } from '../../src/sense/polar.js';
import { quantiseHeight, quantiseRange, quantiseRangeRate } from '../../src/sense/quantise.js';
import { plotSigmas, trackerSensor } from '../../src/track/sensors.js';
import { radarCfg, SITE } from '../sense/helpers.js';

const D = Math.PI / 180;
const N = 20000;

function std(xs: number[]): number {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) * (b - m), 0) / (xs.length - 1));
}

describe('plot noise with the CAT048 rounding (trackerSensor, plotSigmas)', () => {
  const cfg = radarCfg({ rangeSigma: 10, azSigmaMrad: 3, elSigmaMrad: 3, rangeRateSigma: 1 });
  const frame = new EnuFrame(SITE);
  const sensor = trackerSensor(cfg, frame);
  const radar = new EnuFrame({ lat: cfg.lat, lon: cfg.lon, alt: cfg.alt });

  // within 3 % to 84°; past it the rounding is no longer small against r·cos el (nonlinear) and, beyond about
  // 87°, the rounded height is often out of reach at that range (the model then keeps the unrounded
  // elevation): there σ may only be larger than the spread (a wider gate), never smaller
  for (const [elDeg, close] of [[10, true], [45, true], [75, true], [84, true], [86, false], [88, false]] as const) {
    it(`elevation at ${elDeg}°, 2.6 km: the recovered elevation's spread is plotSigmas' σ ${close ? 'within 3 %' : 'or less, not under half of it'}`, () => {
      const rng = new Rng(elDeg);
      const errs: number[] = [];
      let sigmaSum = 0;
      for (let i = 0; i < N; i++) {
        const r = 2600 + 600 * (rng.uniform() - 0.5);
        const el = (elDeg + 2 * (rng.uniform() - 0.5)) * D;
        const az = 1.0;
        const rq = quantiseRange(r + 10 * rng.normal());
        const elNoisy = el + 3e-3 * rng.normal();
        const h = quantiseHeight(heightFromPolar(radar, rq, az, elNoisy));
        // (no elevation reproduces the rounded height: the radar model keeps the unrounded one, as here)
        const e = elevationFromHeight(radar, rq, az, h);
        const elRec = Number.isNaN(e) ? elNoisy : e;
        errs.push(elRec - el);
        sigmaSum += plotSigmas(sensor, rq, elRec).el ** 2;
      }
      const sigma = Math.sqrt(sigmaSum / N);
      const ratio = std(errs) / sigma;
      if (close) {
        expect(Math.abs(ratio - 1)).toBeLessThan(0.03);
      } else {
        expect(ratio).toBeLessThan(1);
        expect(ratio).toBeGreaterThan(0.5);
      }
      // near the zenith the rounding is most of it: the site file's 3 mrad alone is far off there
      if (elDeg >= 84) expect(std(errs)).toBeGreaterThan(2 * 3e-3);
    });
  }

  it('range and range rate: σ² + LSB²/12, the same for every plot', () => {
    const rng = new Rng(7);
    const dr: number[] = [];
    const dv: number[] = [];
    for (let i = 0; i < N; i++) {
      const r = 3000 + 1000 * rng.uniform();
      const v = 200 * (rng.uniform() - 0.5);
      dr.push(quantiseRange(r + 10 * rng.normal()) - r);
      dv.push(quantiseRangeRate(v + rng.normal()) - v);
    }
    const s = plotSigmas(sensor, 3500, 0.3);
    expect(Math.abs(std(dr) / s.range - 1)).toBeLessThan(0.03);
    expect(Math.abs(std(dv) / s.rangeRate! - 1)).toBeLessThan(0.03);
    expect(s.range).toBeGreaterThan(10);
    expect(s.rangeRate).toBeGreaterThan(1);
  });

  it('unrounded plots (rounded = false) get the site file figures unchanged', () => {
    const s = trackerSensor(cfg, frame, false);
    const p = plotSigmas(s, 2600, 84 * D);
    expect([p.range, p.az, p.el, p.rangeRate]).toEqual([10, 3e-3, 3e-3, 1]);
  });
});
