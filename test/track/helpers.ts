/** Helpers of the ballistic filter tests. */
import { performance } from 'node:perf_hooks';
import { Rng } from '../../src/core/rng.js';
import { EnuFrame } from '../../src/geo/wgs84.js';
import { threatSpec } from '../../src/physics/catalogue.js';
import { fly, stateAt, type Trajectory } from '../../src/physics/trajectory.js';
import { enuToPolar } from '../../src/sense/polar.js';
import type { BallisticEkfOptions, MeasurementSigmas, PolarMeasurement, RadarLike } from '../../src/track/ballistic-ekf.js';

const SITE = { lat: 33.3, lon: 44.395, alt: 34 };
/** the site frame of the filter tests */
export const frame = new EnuFrame(SITE);

/**
 * The true filter state along a flown trajectory: t (s) → [e, n, u, vE, vN, vU, κ] in the given frame, with a
 * fixed κ. Throws outside the flight.
 */
export function truthStateAt(traj: Trajectory, frame: EnuFrame, kappa: number): (t: number) => Float64Array {
  const s6 = new Float64Array(6);
  return (t) => {
    if (!stateAt(traj, t, s6)) throw new Error('outside flight');
    const p = frame.ecefToEnu(s6[0]!, s6[1]!, s6[2]!);
    const v = frame.vecEcefToEnu(s6[3]!, s6[4]!, s6[5]!);
    return Float64Array.of(p[0]!, p[1]!, p[2]!, v[0]!, v[1]!, v[2]!, kappa);
  };
}

/** Filter states [e, n, u, vE, vN, vU, κ] away from the Cd table knots (a difference across a knot would see two slopes). */
export const STATES_OFF_KNOTS: Float64Array[] = [
  [1200, -800, 1500, 150, 80, -60, 1e-3], // M ≈ 0.54
  [-3000, 2500, 900, 250, 60, 20, 9e-4], // M ≈ 0.76
  [5000, 4000, 4000, 420, -200, 150, 3.5e-4], // M ≈ 1.5 (supersonic)
  [20000, -15000, 12000, 600, 100, -300, 5e-4], // stratosphere
].map((s) => Float64Array.from(s));

/** Central finite-difference steps, one per state component. */
export const FD_STEPS: number[] = [0.5, 0.5, 0.5, 1e-3, 1e-3, 1e-3, 1e-7];

/** Wilson–Hilferty χ² quantile. */
export function chi2Quantile(k: number, z: number): number {
  const c = 2 / (9 * k);
  return k * Math.pow(1 - c + z * Math.sqrt(c), 3);
}

export interface McResult {
  inBand: number;
  steps: number;
  meanNees: number;
  posErr10: number;
  /** 3-D RMS error of one raw polar measurement at 10 s: √(σr² + 2(σ_angle·r)²) */
  measErr10: number;
  /** wall time per predict + update, µs (mean over the runs) */
  usPerStep: number;
}

/** What the Monte Carlo needs of a ballistic filter (BallisticEkf and BallisticUkf both are). */
export interface McFilter {
  x: Float64Array;
  init(x0: ArrayLike<number>, P0: ArrayLike<number>, t: number): void;
  predict(t: number): void;
  update(z: PolarMeasurement, radar: RadarLike, sigmas: MeasurementSigmas): unknown;
  nees(truthX: ArrayLike<number>): number;
}

/**
 * runs Monte Carlo runs of a filter made by `make` (q 1e-6, qKappa 1e-16) on one flown trajectory seen by a
 * radar at the origin every second, from tStart (s after launch, or burnout) for `duration` s: the average
 * NEES per step against the 95 % χ²₇ band of the average, and the RMS position error after 10 updates.
 */
export function monteCarlo(make: (o: BallisticEkfOptions) => McFilter, type: 'mortar-120' | 'rocket-122', elevation: number, tStart: number | 'burnout', duration: number, runs: number): McResult {
  const spec = threatSpec(type);
  const launchEnu = [-3500, -3000, 0];
  const lg = frame.enuToGeodetic(launchEnu[0]!, launchEnu[1]!, launchEnu[2]!);
  const traj = fly(spec, { lat: lg.lat, lon: lg.lon, alt: lg.alt }, 90, elevation, { terrainAlt: lg.alt });
  const t0 = tStart === 'burnout' ? traj.burnout!.t : tStart;
  const mass = spec.burnoutMassKg ?? spec.massKg;
  const kappa = (spec.formFactor * Math.PI * spec.calibreM * spec.calibreM) / 4 / mass;
  const radar = { frame: new EnuFrame(frame.enuToGeodetic(0, 0, 5)) };
  const sig = { range: 10, az: 0.002, el: 0.002, rangeRate: 1 };
  const truthAt = truthStateAt(traj, frame, kappa);
  const nSteps = Math.min(duration, Math.floor(traj.impact.t - t0 - 1));
  const neesSum = new Float64Array(nSteps + 1);
  let posErr10 = 0;
  let measErr10 = 0;
  const rng = new Rng(20240101, `ekf-mc:${type}`);
  const sd0 = [20, 20, 20, 10, 10, 10, 1e-4];
  let busy = 0;
  let steps = 0;
  for (let run = 0; run < runs; run++) {
    const ekf = make({ frame, q: 1e-6, qKappa: 1e-16 });
    const truth0 = truthAt(t0);
    const P0 = new Float64Array(49);
    const x0 = new Float64Array(7);
    for (let i = 0; i < 7; i++) {
      P0[i * 7 + i] = sd0[i]! * sd0[i]!;
      x0[i] = truth0[i]! + sd0[i]! * rng.normal();
    }
    ekf.init(x0, P0, t0);
    neesSum[0] = neesSum[0]! + ekf.nees(truth0);
    for (let k = 1; k <= nSteps; k++) {
      const t = t0 + k;
      const c0 = performance.now();
      ekf.predict(t);
      const tr = truthAt(t);
      const pe = frame.enuToEcef(tr[0]!, tr[1]!, tr[2]!);
      const d = radar.frame.ecefToEnu(pe[0]!, pe[1]!, pe[2]!);
      const ve = frame.vecEnuToEcef(tr[3]!, tr[4]!, tr[5]!);
      const w = radar.frame.vecEcefToEnu(ve[0]!, ve[1]!, ve[2]!);
      const pol = enuToPolar(d[0]!, d[1]!, d[2]!);
      const rr = (d[0]! * w[0]! + d[1]! * w[1]! + d[2]! * w[2]!) / pol.r;
      const z = {
        range: pol.r + sig.range * rng.normal(),
        az: (pol.az + sig.az * rng.normal() + 2 * Math.PI) % (2 * Math.PI),
        el: pol.el + sig.el * rng.normal(),
        rangeRate: rr + sig.rangeRate * rng.normal(),
      };
      ekf.update(z, radar, sig);
      busy += performance.now() - c0;
      steps++;
      neesSum[k] = neesSum[k]! + ekf.nees(tr);
      if (k === 10) measErr10 = Math.sqrt(sig.range ** 2 + 2 * (sig.az * pol.r) ** 2);
      if (k === 10) posErr10 += Math.hypot(ekf.x[0]! - tr[0]!, ekf.x[1]! - tr[1]!, ekf.x[2]! - tr[2]!) ** 2;
    }
  }
  const lo = chi2Quantile(7 * runs, -1.959964) / runs;
  const hi = chi2Quantile(7 * runs, 1.959964) / runs;
  let inBand = 0;
  let total = 0;
  for (let k = 0; k <= nSteps; k++) {
    const m = neesSum[k]! / runs;
    if (m >= lo && m <= hi) inBand++;
    total += m;
  }
  return { inBand: inBand / (nSteps + 1), steps: nSteps + 1, meanNees: total / (nSteps + 1), posErr10: Math.sqrt(posErr10 / runs), measErr10, usPerStep: (1000 * busy) / steps };
}
