/**
 * The posterior Cramér–Rao bound (src/predict/crlb.ts) held to independent truth:
 *  (a) the incremental accumulator against a brute-force batch: every Φ(t_k, t₀) integrated from scratch here
 *      with a 5× finer step, all H_k·Φ_k rows stacked, (AᵀR⁻¹A + prior)⁻¹ by spdInverse; and Φ itself
 *      against central finite differences of the filter model's own nonlinear flow;
 *  (b) Monte Carlo: 300 noisy measurement sets of a 120 mm mortar, each fitted by a Gauss–Newton
 *      maximum-likelihood batch (filter dynamics, RK4, finite-difference Jacobian, nothing shared with the
 *      accumulator): the spread of the estimates must sit at the bound (an efficient estimator attains it);
 *  (c) more measurements never increase the bound.
 */
import { describe, expect, it } from 'vitest';
import { cholesky, choleskySolve, spdInverse } from '../../src/core/linalg.js';
import { Rng } from '../../src/core/rng.js';
import { EnuFrame } from '../../src/geo/wgs84.js';
import { threatSpec } from '../../src/physics/catalogue.js';
import { fly, stateAt, type Trajectory } from '../../src/physics/trajectory.js';
import { CrlbAccumulator, impactBoundEN, trueKappa, type CrlbMeasurement } from '../../src/predict/crlb.js';
import { rk4Reference } from './helpers.js';
import { ballisticJacobian, ballisticRhs, measure, measurementJacobian, wrapPi } from '../../src/track/ballistic-ekf.js';

const NX = 7;
const SITE = { lat: 33.3, lon: 44.395, alt: 34 };
const TERRAIN = 34;
const frame = new EnuFrame(SITE);
const LAUNCH_TIME = 1_700_000_000;

type Met = Parameters<typeof ballisticRhs>[3];

function flyFrom(type: string, e: number, n: number, azDeg: number, elDeg: number, met?: Met): Trajectory {
  const g = frame.enuToGeodetic(e, n, 0);
  return fly(threatSpec(type), { lat: g.lat, lon: g.lon, alt: Math.max(g.alt, TERRAIN) }, azDeg, elDeg, {
    terrainAlt: TERRAIN,
    windEast: met?.wind?.east ?? 0,
    windNorth: met?.wind?.north ?? 0,
    tempOffsetK: met?.temperatureOffsetK ?? 0,
  });
}

/** Truth in the site ENU with the true κ, computed here (not through the accumulator). */
function truthEnu(traj: Trajectory, t: number): Float64Array {
  const s = new Float64Array(6);
  if (!stateAt(traj, t - LAUNCH_TIME, s)) throw new Error(`no truth at ${t}`);
  const p = frame.ecefToEnu(s[0]!, s[1]!, s[2]!);
  const v = frame.vecEcefToEnu(s[3]!, s[4]!, s[5]!);
  return Float64Array.of(p[0]!, p[1]!, p[2]!, v[0]!, v[1]!, v[2]!, trueKappa(traj.spec));
}

/** Φ(tb, ta) along the truth, from scratch: RK4 on dΦ/dt = F(x_true)Φ with steps ≤ h. */
function phiFromScratch(traj: Trajectory, ta: number, tb: number, h: number): Float64Array {
  let phi = new Float64Array(NX * NX);
  for (let i = 0; i < NX; i++) phi[i * NX + i] = 1;
  const n = Math.max(1, Math.ceil((tb - ta) / h - 1e-9));
  const dt = (tb - ta) / n;
  const F = new Float64Array(NX * NX);
  const mul = (t: number, P: Float64Array): Float64Array => {
    ballisticJacobian(truthEnu(traj, t), frame, F);
    const out = new Float64Array(NX * NX);
    for (let i = 0; i < NX; i++) for (let j = 0; j < NX; j++) for (let k = 0; k < NX; k++) out[i * NX + j] = out[i * NX + j]! + F[i * NX + k]! * P[k * NX + j]!;
    return out;
  };
  const axpy = (a: Float64Array, s: number, b: Float64Array) => a.map((v, i) => v + s * b[i]!);
  for (let k = 0; k < n; k++) {
    const t = ta + k * dt;
    const k1 = mul(t, phi);
    const k2 = mul(t + dt / 2, axpy(phi, dt / 2, k1));
    const k3 = mul(t + dt / 2, axpy(phi, dt / 2, k2));
    const k4 = mul(k === n - 1 ? tb : t + dt, axpy(phi, dt, k3));
    phi = phi.map((v, i) => v + (dt / 6) * (k1[i]! + 2 * k2[i]! + 2 * k3[i]! + k4[i]!));
  }
  return phi;
}

/** The filter model's own nonlinear flow: RK4 on ballisticRhs, steps ≤ h; returns the states at each time. */
function flow(x0: Float64Array, t0: number, times: readonly number[], h = 0.25, met?: Met): Float64Array[] {
  const x = Float64Array.from(x0);
  const out: Float64Array[] = [];
  let t = t0;
  for (const tk of times) {
    const n = Math.ceil((tk - t) / h - 1e-9);
    const dt = n > 0 ? (tk - t) / n : 0;
    for (let s = 0; s < n; s++) rk4Reference(x, frame, dt, x, met);
    t = tk;
    out.push(Float64Array.from(x));
  }
  return out;
}

function trace(P: Float64Array, idx: readonly number[]): number {
  return idx.reduce((s, i) => s + P[i * NX + i]!, 0);
}

/** Solve the SPD system M·x = b (n×n), equilibrated so κ's scale does not matter. */
function solveSpd(M: Float64Array, b: Float64Array, n: number): Float64Array {
  const d = Array.from({ length: n }, (_, i) => 1 / Math.sqrt(M[i * n + i]!));
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) A[i * n + j] = d[i]! * M[i * n + j]! * d[j]!;
  const L = new Float64Array(n * n);
  if (!cholesky(L, A, n)) throw new Error('normal matrix not positive definite');
  const y = Float64Array.from(b, (v, i) => v * d[i]!);
  choleskySolve(y, L, y, n);
  return y.map((v, i) => v * d[i]!);
}

// ---------------------------------------------------------------------------------------------------------
// Shared geometry
// ---------------------------------------------------------------------------------------------------------
const SIG_DOPPLER = { range: 10, az: 3e-3, el: 3e-3, rangeRate: 1 };
const SIG_NO_DOPPLER = { range: 15, az: 2e-3, el: 4e-3 };
const radarSite = new EnuFrame(SITE);
const radarFar = new EnuFrame(frame.enuToGeodetic(3000, -2000, 5));

// 120 mm mortar fired at the site from 4.5 km north-east, high angle
const mortar = flyFrom('mortar-120', 4500 * Math.sin(Math.PI / 6), 4500 * Math.cos(Math.PI / 6), 210, 55);
const mortarTruth = { trajectory: mortar, launchTime: LAUNCH_TIME };
// 122 mm rocket fired across the site from 12 km south-west
const rocket = flyFrom('rocket-122', -8500, -8500, 45, 40);
const rocketTruth = { trajectory: rocket, launchTime: LAUNCH_TIME };

describe('CRLB accumulator: algebra and transition matrix', () => {
  it('uses the coasting phase only and needs enough measurements before it gives a bound', () => {
    expect(rocket.burnout).toBeDefined();
    const acc = new CrlbAccumulator(rocketTruth, frame);
    const tb = LAUNCH_TIME + rocket.burnout!.t;
    expect(acc.add({ t: tb - 0.5, frame: radarSite, sigmas: SIG_DOPPLER })).toBe(false);
    expect(acc.count).toBe(0);
    expect(acc.boundAt(tb + 5)).toBeUndefined();
    expect(acc.add({ t: tb + 0.5, frame: radarSite, sigmas: SIG_DOPPLER })).toBe(true);
    expect(acc.t0).toBe(tb + 0.5);
    expect(acc.boundAt(tb + 5)).toBeUndefined(); // 4 rows + κ prior < 7
    expect(acc.add({ t: tb + 1.5, frame: radarSite, sigmas: SIG_DOPPLER })).toBe(true);
    expect(acc.add({ t: tb + 2.5, frame: radarSite, sigmas: SIG_DOPPLER })).toBe(true);
    const P = acc.boundAt(tb + 5)!;
    expect(P).toBeDefined();
    for (let i = 0; i < NX; i++) expect(P[i * NX + i]).toBeGreaterThan(0);
    expect(() => acc.add({ t: tb + 1, frame: radarSite, sigmas: SIG_DOPPLER })).toThrow(RangeError);
    expect(acc.add({ t: LAUNCH_TIME + rocket.impact.t + 1, frame: radarSite, sigmas: SIG_DOPPLER })).toBe(false);
    // the true state is the truth in the site frame, with the catalogue's burnout κ
    const x = acc.trueStateAt(tb + 3);
    const ref = truthEnu(rocket, tb + 3);
    for (let i = 0; i < NX; i++) expect(x[i]).toBeCloseTo(ref[i]!, 9);
    expect(x[6]).toBeCloseTo((1.4799 * Math.PI * 0.122 ** 2) / 4 / 45.55, 12);
  });

  it('matches a brute-force batch (stacked H·Φ rows, spdInverse) on a real rocket trajectory, two radars', () => {
    const acc = new CrlbAccumulator(rocketTruth, frame, { kappaPrior: { sigma: 1e-3 } });
    const meas: CrlbMeasurement[] = [];
    // alternate the two radars every 0.7 s from launch (the first ones fall in the boost and are dropped)
    for (let k = 0; k < 30; k++) {
      const far = k % 2 === 1;
      meas.push({ t: LAUNCH_TIME + 0.4 + 0.7 * k, frame: far ? radarFar : radarSite, sigmas: far ? SIG_NO_DOPPLER : SIG_DOPPLER });
    }
    const used = meas.filter((m) => acc.add(m));
    expect(used.length).toBe(meas.length - 3); // burnout at 1.88 s: 0.4, 1.1, 1.8 dropped
    const t0 = used[0]!.t;
    expect(acc.t0).toBe(t0);
    const tEnd = used[used.length - 1]!.t + 10;
    /**
     * Batch: rows A = H_k·Φ(t_k, t₀), weights 1/σ², (AᵀR⁻¹A + prior)⁻¹ by spdInverse, propagated to tEnd.
     * `phiAt(k)` gives Φ(t_k, t₀) and Φ(tEnd, t₀) (k = used.length).
     */
    const batch = (phiAt: (k: number) => Float64Array) => {
      const rows: number[][] = [];
      const w: number[] = [];
      used.forEach((m, k) => {
        const phi = phiAt(k);
        const nr = m.sigmas.rangeRate !== undefined ? 4 : 3;
        const H = new Float64Array(4 * NX);
        measurementJacobian(truthEnu(rocket, m.t), frame, { frame: m.frame }, nr as 3 | 4, H);
        const sig = [m.sigmas.range, m.sigmas.az, m.sigmas.el, m.sigmas.rangeRate ?? 0];
        for (let r = 0; r < nr; r++) {
          const row = new Array<number>(NX).fill(0);
          for (let j = 0; j < NX; j++) for (let q = 0; q < NX; q++) row[j] = row[j]! + H[r * NX + q]! * phi[q * NX + j]!;
          rows.push(row);
          w.push(1 / sig[r]! ** 2);
        }
      });
      const J = new Float64Array(NX * NX);
      rows.forEach((row, r) => {
        for (let i = 0; i < NX; i++) for (let j = 0; j < NX; j++) J[i * NX + j] = J[i * NX + j]! + w[r]! * row[i]! * row[j]!;
      });
      J[48] = J[48]! + 1 / 1e-3 ** 2;
      const P0 = new Float64Array(NX * NX);
      expect(spdInverse(P0, J, NX)).toBe(true);
      const phiEnd = phiAt(used.length);
      const PEnd = new Float64Array(NX * NX);
      for (let i = 0; i < NX; i++) {
        for (let j = 0; j < NX; j++) {
          let s = 0;
          for (let k = 0; k < NX; k++) for (let l = 0; l < NX; l++) s += phiEnd[i * NX + k]! * P0[k * NX + l]! * phiEnd[j * NX + l]!;
          PEnd[i * NX + j] = s;
        }
      }
      return { J, P0, PEnd };
    };
    /** worst |A − B| relative to √(B_ii·B_jj) (the natural scale of an information or covariance matrix) */
    const relDiff = (A: Float64Array, B: Float64Array): number => {
      let worst = 0;
      for (let i = 0; i < NX; i++) for (let j = 0; j < NX; j++) worst = Math.max(worst, Math.abs(A[i * NX + j]! - B[i * NX + j]!) / Math.sqrt(B[i * NX + i]! * B[j * NX + j]!));
      return worst;
    };
    const times = [...used.map((m) => m.t), tEnd];
    // 1. The algebra, exactly: Φ chained over the same intervals and step rule (≤ 0.25 s) as the accumulator,
    //    but integrated here.
    const chained: Float64Array[] = [];
    times.forEach((t, k) => {
      if (k === 0) chained.push(phiFromScratch(rocket, t0, t0, 0.25));
      else {
        const step = phiFromScratch(rocket, times[k - 1]!, t, 0.25);
        const prev = chained[k - 1]!;
        const out = new Float64Array(NX * NX);
        for (let i = 0; i < NX; i++) for (let j = 0; j < NX; j++) for (let q = 0; q < NX; q++) out[i * NX + j] = out[i * NX + j]! + step[i * NX + q]! * prev[q * NX + j]!;
        chained.push(out);
      }
    });
    const exact = batch((k) => chained[k]!);
    expect(relDiff(acc.information(), exact.J)).toBeLessThan(1e-9);
    expect(relDiff(acc.boundAtT0()!, exact.P0)).toBeLessThan(1e-9);
    expect(relDiff(acc.boundAt(tEnd)!, exact.PEnd)).toBeLessThan(1e-9);
    // 2. Integration error: every Φ from t₀ from scratch with a 50× finer step. F jumps where the Mach number
    //    crosses a knot of the piecewise-linear G7 table (and the truth is a piecewise cubic), so RK4 is only
    //    first order across those instants. Measured: J to 2.5e-4, J⁻¹ to 1.1e-4, the bound 10 s after the
    //    last look to 1.2e-3 of its own scale: far below anything a bound is used for.
    const fine = batch((k) => phiFromScratch(rocket, t0, times[k]!, 0.005));
    expect(relDiff(acc.information(), fine.J)).toBeLessThan(1e-3);
    expect(relDiff(acc.boundAtT0()!, fine.P0)).toBeLessThan(5e-4);
    expect(relDiff(acc.boundAt(tEnd)!, fine.PEnd)).toBeLessThan(5e-3);
  });

  // With met, the truth is flown in that wind and temperature and the filter model is told the same.
  const MET = { wind: { east: 8, north: -5 }, temperatureOffsetK: 12 };
  const windy = flyFrom('mortar-120', 4500 * Math.sin(Math.PI / 6), 4500 * Math.cos(Math.PI / 6), 210, 55, MET);
  for (const [name, traj, met] of [
    ['still air', mortar, undefined],
    ['wind and ISA+12 K, met passed through', windy, MET],
  ] as const) {
    it(`Φ along the truth equals finite differences of the filter model flow (${name})`, () => {
      const acc = new CrlbAccumulator({ trajectory: traj, launchTime: LAUNCH_TIME }, frame, { met });
      const t0 = LAUNCH_TIME + 8;
      acc.add({ t: t0, frame: radarSite, sigmas: SIG_DOPPLER });
      const t1 = t0 + 12;
      const phi = acc.transition(t1)!;
      const x0 = truthEnu(traj, t0);
      // the model (with the same met) flies the truth: the linearisation point is the model's own trajectory
      const x1 = flow(x0, t0, [t1], 0.05, met)[0]!;
      const xt1 = truthEnu(traj, t1);
      expect(Math.hypot(x1[0]! - xt1[0]!, x1[1]! - xt1[1]!, x1[2]! - xt1[2]!)).toBeLessThan(0.05);
      const steps = [1, 1, 1, 0.01, 0.01, 0.01, 1e-6];
      for (let j = 0; j < NX; j++) {
        const xp = Float64Array.from(x0);
        const xm = Float64Array.from(x0);
        xp[j] = xp[j]! + steps[j]!;
        xm[j] = xm[j]! - steps[j]!;
        const a = flow(xp, t0, [t1], 0.05, met)[0]!;
        const b = flow(xm, t0, [t1], 0.05, met)[0]!;
        let colMax = 0;
        const fd = new Float64Array(NX);
        for (let i = 0; i < NX; i++) {
          fd[i] = (a[i]! - b[i]!) / (2 * steps[j]!);
          colMax = Math.max(colMax, Math.abs(fd[i]!));
        }
        for (let i = 0; i < NX; i++) expect(Math.abs(phi[i * NX + j]! - fd[i]!) / colMax, `Φ[${i}][${j}]`).toBeLessThan(1e-5);
      }
    });
  }
});

// ---------------------------------------------------------------------------------------------------------
// (b) Monte Carlo against a maximum-likelihood batch estimator
// ---------------------------------------------------------------------------------------------------------
const MC = {
  runs: 300,
  nMeas: 15,
  tFirst: LAUNCH_TIME + 8,
  revisit: 1,
  sigKappaPrior: 1e-3,
};

/** Gauss–Newton ML/MAP fit of x(t₀) to one noisy measurement set (prior on κ only). */
function gaussNewton(z: Float64Array[], times: number[], xStart: Float64Array, kappaPriorMean: number): Float64Array {
  const t0 = times[0]!;
  const sig = [SIG_DOPPLER.range, SIG_DOPPLER.az, SIG_DOPPLER.el, SIG_DOPPLER.rangeRate];
  const nRes = 4 * times.length + 1;
  const radar = { frame: radarSite };
  const zp = new Float64Array(4);
  /** normalised predictions (az kept raw, wrapped in differences) */
  const predict = (x0: Float64Array): Float64Array => {
    const xs = flow(x0, t0, times);
    const out = new Float64Array(nRes);
    xs.forEach((x, k) => {
      measure(x, frame, radar, zp);
      for (let r = 0; r < 4; r++) out[4 * k + r] = zp[r]! / sig[r]!;
    });
    out[nRes - 1] = x0[6]! / MC.sigKappaPrior;
    return out;
  };
  const zn = new Float64Array(nRes);
  z.forEach((zk, k) => {
    for (let r = 0; r < 4; r++) zn[4 * k + r] = zk[r]! / sig[r]!;
  });
  zn[nRes - 1] = kappaPriorMean / MC.sigKappaPrior;
  const diff = (a: Float64Array, b: Float64Array, i: number): number => (i % 4 === 1 && i < nRes - 1 ? wrapPi((a[i]! - b[i]!) * sig[1]!) / sig[1]! : a[i]! - b[i]!);
  const steps = [1, 1, 1, 0.02, 0.02, 0.02, 1e-6];
  const x = Float64Array.from(xStart);
  for (let it = 0; it < 20; it++) {
    const p = predict(x);
    const A = new Float64Array(nRes * NX);
    for (let j = 0; j < NX; j++) {
      const xp = Float64Array.from(x);
      const xm = Float64Array.from(x);
      xp[j] = xp[j]! + steps[j]!;
      xm[j] = xm[j]! - steps[j]!;
      const a = predict(xp);
      const b = predict(xm);
      for (let i = 0; i < nRes; i++) A[i * NX + j] = diff(a, b, i) / (2 * steps[j]!);
    }
    const N = new Float64Array(NX * NX);
    const g = new Float64Array(NX);
    for (let i = 0; i < nRes; i++) {
      const r = diff(zn, p, i);
      for (let a = 0; a < NX; a++) {
        g[a] = g[a]! + A[i * NX + a]! * r;
        for (let b = 0; b < NX; b++) N[a * NX + b] = N[a * NX + b]! + A[i * NX + a]! * A[i * NX + b]!;
      }
    }
    const dx = solveSpd(N, g, NX);
    let size = 0;
    for (let a = 0; a < NX; a++) {
      x[a] = x[a]! + dx[a]!;
      size = Math.max(size, Math.abs(dx[a]!) * Math.sqrt(N[a * NX + a]!));
    }
    if (size < 1e-7) break;
  }
  return x;
}

/** Impact point (site east, north) of a state flown with the filter model: RK4 0.02 s, linear crossing. */
function impactEN(x0: Float64Array): [number, number] {
  let x: Float64Array = Float64Array.from(x0);
  let h0 = frame.heightOf(x[0]!, x[1]!, x[2]!);
  for (let k = 0; k < 20000; k++) {
    const y = flow(x, 0, [0.02], 0.02)[0]!;
    const h1 = frame.heightOf(y[0]!, y[1]!, y[2]!);
    if (h1 <= TERRAIN) {
      const f = (h0 - TERRAIN) / (h0 - h1);
      return [x[0]! + f * (y[0]! - x[0]!), x[1]! + f * (y[1]! - x[1]!)];
    }
    x = y;
    h0 = h1;
  }
  throw new Error('never came down');
}

describe('CRLB against Monte Carlo (120 mm mortar, one radar, 10 m / 3 mrad / 3 mrad / 1 m/s, 15 looks at 1 s)', () => {
  it('the spread of Gauss–Newton ML estimates attains the bound', () => {
    const times = Array.from({ length: MC.nMeas }, (_, k) => MC.tFirst + k * MC.revisit);
    const tLast = times[times.length - 1]!;
    const acc = new CrlbAccumulator(mortarTruth, frame, { kappaPrior: { sigma: MC.sigKappaPrior } });
    for (const t of times) expect(acc.add({ t, frame: radarSite, sigmas: SIG_DOPPLER })).toBe(true);
    const P0 = acc.boundAtT0()!;
    const J = acc.information();
    const PL = acc.boundAt(tLast)!;
    const xt0 = truthEnu(mortar, times[0]!);
    const xtL = truthEnu(mortar, tLast);
    const zTrue = times.map((t) => measure(truthEnu(mortar, t), frame, { frame: radarSite }, new Float64Array(4)));
    const ib = impactBoundEN(xtL, PL, frame, TERRAIN)!;
    expect(ib).toBeDefined();
    const impTrue = impactEN(xtL);
    // the model's own impact of the true state and impactBoundEN's agree (same dynamics, different stepping)
    expect(Math.hypot(ib.e - impTrue[0], ib.n - impTrue[1])).toBeLessThan(0.05);

    const rng = new Rng(20240611, 'crlb-monte-carlo');
    const sig = [SIG_DOPPLER.range, SIG_DOPPLER.az, SIG_DOPPLER.el, SIG_DOPPLER.rangeRate];
    const errL: number[][] = [];
    const errImp: number[][] = [];
    let neesSum = 0;
    for (let run = 0; run < MC.runs; run++) {
      const z = zTrue.map((zt) => zt.map((v, r) => v + sig[r]! * rng.normal()));
      const kPrior = xt0[6]! + MC.sigKappaPrior * rng.normal();
      const start = Float64Array.from(xt0, (v, i) => v + (i < 3 ? 30 : i < 6 ? 3 : 1e-4) * rng.normal());
      const x0 = gaussNewton(z, times, start, kPrior);
      const e0 = x0.map((v, i) => v - xt0[i]!);
      let q = 0;
      for (let i = 0; i < NX; i++) for (let j = 0; j < NX; j++) q += e0[i]! * J[i * NX + j]! * e0[j]!;
      neesSum += q;
      const xL = flow(x0, times[0]!, [tLast])[0]!;
      errL.push([0, 1, 2].map((i) => xL[i]! - xtL[i]!));
      const imp = impactEN(xL);
      errImp.push([imp[0] - impTrue[0], imp[1] - impTrue[1]]);
    }
    const sampleCov = (errs: number[][], d: number): number[] => {
      const mean = new Array<number>(d).fill(0);
      for (const e of errs) for (let i = 0; i < d; i++) mean[i] = mean[i]! + e[i]! / errs.length;
      const c = new Array<number>(d * d).fill(0);
      for (const e of errs) for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) c[i * d + j] = c[i * d + j]! + ((e[i]! - mean[i]!) * (e[j]! - mean[j]!)) / (errs.length - 1);
      return c;
    };
    const cL = sampleCov(errL, 3);
    const cI = sampleCov(errImp, 2);
    const posRatio = (cL[0]! + cL[4]! + cL[8]!) / trace(PL, [0, 1, 2]);
    const impRatio = (cI[0]! + cI[3]!) / (ib.covEN[0]! + ib.covEN[3]!);
    const meanNees = neesSum / MC.runs;
    const figures = {
      boundPosSigmaT0: Math.sqrt(trace(P0, [0, 1, 2])),
      boundPosSigmaLast: Math.sqrt(trace(PL, [0, 1, 2])),
      samplePosSigmaLast: Math.sqrt(cL[0]! + cL[4]! + cL[8]!),
      posRatio,
      boundImpactSigma: Math.sqrt(ib.covEN[0]! + ib.covEN[3]!),
      sampleImpactSigma: Math.sqrt(cI[0]! + cI[3]!),
      impRatio,
      meanNees,
      boundKappaSigma: Math.sqrt(P0[48]!),
    };
    console.log('CRLB Monte Carlo', JSON.stringify(figures));
    expect(posRatio).toBeGreaterThan(0.8);
    expect(posRatio).toBeLessThan(1.3);
    expect(impRatio).toBeGreaterThan(0.8);
    expect(impRatio).toBeLessThan(1.3);
    // 7-dof quadratic form of the t₀ error with J: mean 7, standard error √(14/300) ≈ 0.22
    expect(meanNees).toBeGreaterThan(6);
    expect(meanNees).toBeLessThan(8.2);
  });
});

// ---------------------------------------------------------------------------------------------------------
// (c) monotonicity
// ---------------------------------------------------------------------------------------------------------
describe('CRLB monotonicity', () => {
  it('each added measurement lowers (never raises) the bound at a fixed later time', () => {
    const acc = new CrlbAccumulator(mortarTruth, frame);
    const T = LAUNCH_TIME + 30;
    const rng = new Rng(7, 'crlb-monotone');
    let prev: Float64Array | undefined;
    let bounds = 0;
    for (let k = 0; k < 20; k++) {
      const far = k % 3 === 2;
      acc.add({ t: LAUNCH_TIME + 5 + k, frame: far ? radarFar : radarSite, sigmas: far ? SIG_NO_DOPPLER : SIG_DOPPLER });
      const P = acc.boundAt(T);
      if (!P) continue;
      bounds++;
      if (prev) {
        const pv = prev;
        expect(trace(P, [0, 1, 2, 3, 4, 5])).toBeLessThanOrEqual(trace(prev, [0, 1, 2, 3, 4, 5]) * (1 + 1e-9));
        for (let i = 0; i < NX; i++) expect(P[i * NX + i]!).toBeLessThanOrEqual(prev[i * NX + i]! * (1 + 1e-9));
        // Loewner order: vᵀ(P_prev − P)v ≥ 0 for random directions
        for (let r = 0; r < 50; r++) {
          const v = Array.from({ length: NX }, (_, i) => rng.normal() / Math.sqrt(pv[i * NX + i]!));
          let dq = 0;
          let pq = 0;
          for (let i = 0; i < NX; i++) {
            for (let j = 0; j < NX; j++) {
              dq += v[i]! * (prev[i * NX + j]! - P[i * NX + j]!) * v[j]!;
              pq += v[i]! * prev[i * NX + j]! * v[j]!;
            }
          }
          expect(dq).toBeGreaterThanOrEqual(-1e-9 * pq);
        }
      }
      prev = P;
    }
    expect(bounds).toBeGreaterThanOrEqual(17);
  });

  it('a tighter κ prior never raises the bound, and no prior at all still gives one from enough data', () => {
    const mk = (sigma: number) => {
      const acc = new CrlbAccumulator(mortarTruth, frame, { kappaPrior: { sigma } });
      for (let k = 0; k < 10; k++) acc.add({ t: LAUNCH_TIME + 8 + k, frame: radarSite, sigmas: SIG_DOPPLER });
      return acc.boundAt(LAUNCH_TIME + 20)!;
    };
    const none = mk(Infinity);
    const broad = mk(1e-3);
    const tight = mk(1e-5);
    expect(none).toBeDefined();
    for (let i = 0; i < NX; i++) {
      expect(broad[i * NX + i]!).toBeLessThanOrEqual(none[i * NX + i]! * (1 + 1e-9));
      expect(tight[i * NX + i]!).toBeLessThanOrEqual(broad[i * NX + i]! * (1 + 1e-9));
    }
  });
});
