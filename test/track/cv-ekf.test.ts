/**
 * The constant-velocity filter against hand-worked Kalman algebra. A radar at the site origin looks due north
 * at a target on its own horizon: range is then the north coordinate, azimuth east/range, elevation up/range
 * — a linear measurement to first order, so the update must reproduce the scalar Kalman formulas worked by hand.
 */
import { describe, expect, it } from 'vitest';
import { matMul, matMulT, spdInverse } from '../../src/core/linalg.js';
import { Rng } from '../../src/core/rng.js';
import { EnuFrame } from '../../src/geo/wgs84.js';
import { measure, measurementJacobian, wrapPi } from '../../src/track/ballistic-ekf.js';
import { CvEkf } from '../../src/track/cv-ekf.js';

const site = new EnuFrame({ lat: 33.3, lon: 44.4, alt: 34 });
const radar = { frame: site };

describe('CvEkf', () => {
  it('predicts with F = [[I, dt·I], [0, I]] and the discrete white-noise acceleration Q, as worked by hand', () => {
    const f = new CvEkf(site, 2);
    const P = new Float64Array(36);
    // σ²: position 100 m², velocity 4 (m/s)², no correlation
    for (let i = 0; i < 3; i++) {
      P[i * 6 + i] = 100;
      P[(i + 3) * 6 + i + 3] = 4;
    }
    f.init([10, 5000, 0], [3, -2, 1], P, 0);
    f.predict(2);
    // x = p + 2·v
    expect(Array.from(f.x.slice(0, 6))).toEqual([16, 4996, 2, 3, -2, 1]);
    // Ppp = 100 + 4·4 + q·8/3 = 116 + 5.3333; Ppv = 2·4 + q·4/2 = 12; Pvv = 4 + q·2 = 8
    expect(f.P[0]).toBeCloseTo(116 + 16 / 3, 10);
    expect(f.P[3]).toBeCloseTo(12, 10);
    expect(f.P[18]).toBeCloseTo(12, 10);
    expect(f.P[21]).toBeCloseTo(8, 10);
    expect(f.P[1]).toBe(0);
  });

  it('updates like the scalar Kalman filter on range, azimuth and elevation of a target due north', () => {
    const f = new CvEkf(site, 1);
    const P = new Float64Array(36);
    const sp = [400, 900, 250];
    for (let i = 0; i < 3; i++) {
      P[i * 6 + i] = sp[i]!;
      P[(i + 3) * 6 + i + 3] = 25;
    }
    const r = 6000;
    f.init([0, r, 0], [0, 0, 0], P, 0);
    const sig = { range: 10, az: 2e-3, el: 3e-3 };
    // measurement: 20 m further, 1.5 mrad east, 1 mrad up
    const z = { range: r + 20, az: 1.5e-3, el: 1e-3 };
    const res = f.update(z, radar, sig);
    // hand-worked: north ← range (σ 10 m), east ← r·az (σ r·σaz = 12 m), up ← r·el (σ 18 m)
    const kn = 900 / (900 + 100);
    const se = (r * sig.az) ** 2;
    const ke = 400 / (400 + se);
    const su = (r * sig.el) ** 2;
    const ku = 250 / (250 + su);
    expect(f.x[1]).toBeCloseTo(r + kn * 20, 3);
    expect(f.x[0]).toBeCloseTo(ke * r * 1.5e-3, 2);
    expect(f.x[2]).toBeCloseTo(ku * r * 1e-3, 2);
    expect(f.P[7]).toBeCloseTo(900 * (1 - kn), 2);
    expect(f.P[0]).toBeCloseTo(400 * (1 - ke), 1);
    expect(f.P[14]).toBeCloseTo(250 * (1 - ku), 1);
    // NIS by hand: Σ ν²/S per axis
    const nis = 20 ** 2 / 1000 + (r * 1.5e-3) ** 2 / (400 + se) + (r * 1e-3) ** 2 / (250 + su);
    expect(res.nis).toBeCloseTo(nis, 3);
    expect(res.dof).toBe(3);
    // the likelihood is the Gaussian density of the innovation
    const logDet = Math.log(1000) + Math.log((400 + se) / (r * r)) + Math.log((250 + su) / (r * r));
    expect(res.logLik).toBeCloseTo(-0.5 * (nis + logDet + 3 * Math.log(2 * Math.PI)), 3);
  });
});

/**
 * The update as the textbook writes it (K = P·Hᵀ·S⁻¹ through an explicit inverse, P ← P − K·H·P), with the
 * generic dense routines: the reference for the written-out one.
 */
function referenceUpdate(
  x: Float64Array,
  P: Float64Array,
  z: { range: number; az: number; el: number; rangeRate?: number },
  radar: { frame: EnuFrame },
  sig: { range: number; az: number; el: number; rangeRate?: number },
): { x: Float64Array; P: Float64Array; nis: number; logDet: number } {
  const m = z.rangeRate !== undefined && sig.rangeRate !== undefined ? 4 : 3;
  const x7 = Float64Array.of(...x.slice(0, 6), 0);
  const zp = measure(x7, site, radar, new Float64Array(4));
  const H7 = measurementJacobian(x7, site, radar, m, new Float64Array(4 * 7));
  const H = new Float64Array(m * 6);
  for (let i = 0; i < m; i++) for (let j = 0; j < 6; j++) H[i * 6 + j] = H7[i * 7 + j]!;
  const nu = Float64Array.of(z.range - zp[0]!, wrapPi(z.az - zp[1]!), z.el - zp[2]!, m === 4 ? z.rangeRate! - zp[3]! : 0).subarray(0, m);
  const Rd = [sig.range ** 2, sig.az ** 2, sig.el ** 2, (sig.rangeRate ?? 0) ** 2];
  const HP = matMul(new Float64Array(m * 6), H, P, m, 6, 6);
  const S = matMulT(new Float64Array(m * m), HP, H, m, 6, m);
  for (let i = 0; i < m; i++) S[i * m + i] = S[i * m + i]! + Rd[i]!;
  const Sinv = new Float64Array(m * m);
  expect(spdInverse(Sinv, S, m)).toBe(true);
  const K = matMul(new Float64Array(6 * m), matMulT(new Float64Array(6 * m), P, H, 6, 6, m), Sinv, 6, m, m);
  const xn = Float64Array.from(x);
  for (let i = 0; i < 6; i++) for (let j = 0; j < m; j++) xn[i] = xn[i]! + K[i * m + j]! * nu[j]!;
  const KHP = matMul(new Float64Array(36), K, HP, 6, m, 6);
  const Pn = Float64Array.from(P, (v, i) => v - KHP[i]!);
  let nis = 0;
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) nis += nu[i]! * Sinv[i * m + j]! * nu[j]!;
  // log|S| by elimination
  const A = Float64Array.from(S);
  let logDet = 0;
  for (let c = 0; c < m; c++) {
    logDet += Math.log(A[c * m + c]!);
    for (let r = c + 1; r < m; r++) {
      const f = A[r * m + c]! / A[c * m + c]!;
      for (let k = c; k < m; k++) A[r * m + k] = A[r * m + k]! - f * A[c * m + k]!;
    }
  }
  return { x: xn, P: Pn, nis, logDet };
}

describe('CvEkf update: written out', () => {
  it('equals the dense textbook update (radar off the site, with and without range rate, correlated priors)', () => {
    const radarOff = { frame: new EnuFrame(site.enuToGeodetic(2500, -3000, 5)) };
    const rng = new Rng(99, 'cv-update-ref');
    const sd = [40, 40, 40, 12, 12, 12];
    const maxRel = (a: ArrayLike<number>, b: ArrayLike<number>, n: number): number => {
      let d = 0;
      let s = 0;
      for (let i = 0; i < n; i++) {
        d = Math.max(d, Math.abs(a[i]! - b[i]!));
        s = Math.max(s, Math.abs(b[i]!));
      }
      return d / s;
    };
    for (let trial = 0; trial < 40; trial++) {
      const pos = [rng.normal() * 5000, rng.normal() * 5000, 300 + Math.abs(rng.normal()) * 3000];
      const vel = [rng.normal() * 60, rng.normal() * 60, rng.normal() * 20];
      const G = Float64Array.from({ length: 36 }, () => rng.normal());
      const P = new Float64Array(36);
      for (let i = 0; i < 6; i++) for (let j = 0; j < 6; j++) for (let k = 0; k < 6; k++) P[i * 6 + j] = P[i * 6 + j]! + (G[i * 6 + k]! * G[j * 6 + k]! * sd[i]! * sd[j]!) / 6;
      const f = new CvEkf(site, 2);
      f.init(pos, vel, P, 0);
      const zp = measure(f.x, site, radarOff, new Float64Array(4));
      const z = { range: zp[0]! + 10 * rng.normal(), az: zp[1]! + 0.002 * rng.normal(), el: zp[2]! + 0.002 * rng.normal(), rangeRate: zp[3]! + rng.normal() };
      const sig = { range: 10, az: 0.002, el: 0.002, rangeRate: trial % 2 === 0 ? 1 : undefined };
      const ref = referenceUpdate(f.x.slice(0, 6), f.P.slice(), z, radarOff, sig);
      const res = f.update(z, radarOff, sig);
      expect(res.dof).toBe(trial % 2 === 0 ? 4 : 3);
      expect(maxRel(f.x, ref.x, 6)).toBeLessThan(1e-12);
      expect(maxRel(f.P, ref.P, 36)).toBeLessThan(1e-9);
      expect(Math.abs(res.nis - ref.nis) / ref.nis).toBeLessThan(1e-9);
      const m = res.dof;
      expect(res.logLik).toBeCloseTo(-0.5 * (ref.nis + ref.logDet + m * Math.log(2 * Math.PI)), 8);
      for (let i = 0; i < 6; i++) for (let j = 0; j < 6; j++) expect(f.P[i * 6 + j]).toBe(f.P[j * 6 + i]);
    }
  });
});
