/**
 * Point of impact (POI) prediction from a ballistic track: where and when the threat meets the terrain, with
 * the covariance of the ground point and of the time.
 *
 * Method (the filter's own model, so the prediction is exactly what the track believes):
 * - State: propagated with the EKF dynamics (`ballisticRhs`, 7-state x = [e, n, u, vₑ, vₙ, vᵤ, κ] in the ENU
 *   of the site, `met` passed through) by classical RK4 with steps of `step` s (default 1 s), each shortened
 *   where needed to end on a knot of the G7 drag table (see knotStep), until the geodetic height of the
 *   state falls below `terrainAlt`. The crossing is then located exactly: Newton (bracketed) on τ with the
 *   state re-integrated from the last step start by one RK4 step of τ, until |h − terrainAlt| < 1 µm.
 *   Measured (bench/predict.ts, 65 states of four types): the point within 0.10 m of a 0.02 s solution, and
 *   within 0.05 m and 0.1 ms of fly()'s own impact from exact truth states (test/predict/impact.test.ts).
 * - Transition: per step Φₖ = I + A + A²/2 + A³/6, A = hF with F = ballisticJacobian at the RK4 midpoint
 *   (as BallisticEkf.predict does), Φ(t_imp, t) = Φ_N ⋯ Φ₁, the last step being the partial one to the
 *   crossing. Φ itself is never formed: the three rows wanted are carried backwards through the stored steps
 *   (see groundFix).
 * - Crossing, linearised: with n̂ the ellipsoid normal at the impact point (in the site ENU) and v the
 *   velocity there, a perturbation δp of the propagated position moves the crossing in time by
 *   δt = −n̂ᵀδp/(n̂ᵀv) and on the ground by δp_g = (I − v·n̂ᵀ/(n̂ᵀv))·δp. With δp = Φ_p·δx (Φ_p the position
 *   rows of Φ) this gives the 2×7 map J to the local east/north at the impact point and the 1×7 row for the
 *   time: covEN = J·P·Jᵀ, σ_t² = j_t·P·j_tᵀ. Checked against central finite differences of the propagator
 *   itself: equal to 5e-4 in variance.
 *
 * This is LINEARISED propagation: the covariance is exact only to first order in the state error. Measured
 * against Monte Carlo (20,000 draws from N(x, P), each propagated with this same propagator; docs/
 * prediction.md; bench/predict.ts repeats it at 10,000 draws, test/predict/impact.test.ts at 2,000): with
 * σ 20 m on position, 3 m/s on velocity and 10 % on κ (impact σ ≈ 100 m for a 120 mm mortar, ≈ 150 m for a
 * 122 mm rocket) the Monte Carlo σ of east, north and time match the linearised ones mapped from the draws'
 * own sample covariance to ≤ 0.6 % (≤ 0.8 % against P itself, whose draws scatter by ±0.5 %); the mean of
 * the draws sits 1–3 m from the predicted point. It degrades gracefully with the size of P: at σ 50 m,
 * 10 m/s, 20 % the worst is 2.4 %, at 100 m, 20 m/s, 30 % (rocket impact σ ≈ 800 m) 7.7 %.
 *
 * The covariance is that of the state only: no process noise is added over the remaining flight (unmodelled
 * forces, e.g. wind that is not in `met`, are not in P). Allocation: module-level scratch only (single-
 * threaded), except the returned object.
 */
import { matMul } from '../core/linalg.js';
import { geodeticHeight, type EnuFrame } from '../geo/wgs84.js';
import { ISA_EARTH_RADIUS, ISA_GAMMA, ISA_LAPSE, ISA_R, ISA_T0, ISA_TROPOPAUSE } from '../physics/atmosphere.js';
import { G7 } from '../physics/drag.js';
import { ballisticJacobian, ballisticRhs } from '../track/ballistic-ekf.js';

const NX = 7;

/** The optional trailing argument of F's signature beyond (x, frame, out), or undefined while there is none. */
type FourthArg<F extends (...args: never[]) => unknown> =
  Parameters<F> extends [unknown, unknown, unknown, ...infer R] ? (R extends [] ? undefined : R[0]) : undefined;

/** Meteorological argument passed through to the EKF dynamics (`Parameters<typeof ballisticRhs>[3]`). */
export type DynamicsMet = FourthArg<typeof ballisticRhs>;

// Called through these views so that the module compiles against the dynamics with or without `met`.
const rhs = ballisticRhs as (x: Float64Array, frame: EnuFrame, out: Float64Array, met?: DynamicsMet) => Float64Array;
const jacobian = ballisticJacobian as (x: Float64Array, frame: EnuFrame, out: Float64Array, met?: DynamicsMet) => Float64Array;

export interface ImpactPrediction {
  /** UTC (s) of impact */
  t: number;
  /** 1-σ of the impact time (s) */
  sigmaT: number;
  /** degrees */
  lat: number;
  lon: number;
  /** m above the ellipsoid (= terrainAlt to < 1 µm) */
  alt: number;
  /** site ENU of the impact point (m) */
  e: number;
  n: number;
  u: number;
  /** covariance of the impact point in the local east/north at the impact point (m²): [[ee, en], [ne, nn]] */
  covEN: [[number, number], [number, number]];
  /** velocity at impact in the site ENU (m/s, Earth-fixed) */
  velocity: [number, number, number];
  /** full state at impact (site ENU, as the track's x) */
  x: Float64Array;
}

export interface PredictOptions {
  /** passed through to the EKF dynamics */
  met?: DynamicsMet;
  /** give up when the state does not reach the terrain within this time (s). Default 200. */
  maxTime?: number;
  /** RK4 step (s). Default 1. */
  step?: number;
}

export const DEFAULT_STEP = 1;
export const DEFAULT_MAX_TIME = 200;

// ---------------------------------------------------------------------------------------------------------
// The propagator to the terrain (shared with launch.ts and boost.ts). Results in CROSSING.
// ---------------------------------------------------------------------------------------------------------

/** Where the last successful `propagateToTerrain` met the terrain. Overwritten by the next call. */
export const CROSSING = {
  /** time from the start state to the crossing (s; negative when propagating backwards) */
  dt: 0,
  /** state at the crossing (site ENU) */
  x: new Float64Array(NX),
  /** ellipsoid normal at the crossing point, ECEF */
  normalEcef: new Float64Array(3),
  /** RK4 steps taken, the final partial one included (the root search not counted) */
  steps: 0,
};

const XA = new Float64Array(NX); // state at the start of the step
const XB = new Float64Array(NX); // state at its end
const XM = new Float64Array(NX); // RK4 midpoint estimate (where F is taken)
const XS = new Float64Array(NX);
const K1 = new Float64Array(NX);
const K2 = new Float64Array(NX);
const K3 = new Float64Array(NX);
const K4 = new Float64Array(NX);
const FJ = new Float64Array(NX * NX);
const NRM = new Float64Array(3);

/**
 * Per-step transition data for the backward pass of `groundFix`: h and the non-trivial blocks of A = h·F,
 * F = [[0, I, 0], [Fp, Fv, fk], [0, 0, 0]] (the EKF Jacobian's structure: ṗ = v, κ̇ = 0): a = h·Fp (3×3),
 * b = h·Fv (3×3), c = h·fk (3). 22 numbers a step; grows on demand.
 */
const STEP_LEN = 22;
let stepStore = new Float64Array(STEP_LEN * 256);

function storeStep(k: number, mid: Float64Array, h: number, frame: EnuFrame, met: DynamicsMet | undefined): void {
  if ((k + 1) * STEP_LEN > stepStore.length) {
    const grown = new Float64Array(stepStore.length * 2);
    grown.set(stepStore);
    stepStore = grown;
  }
  jacobian(mid, frame, FJ, met);
  const o = k * STEP_LEN;
  stepStore[o] = h;
  for (let i = 0; i < 3; i++) {
    const row = (3 + i) * NX;
    for (let j = 0; j < 3; j++) {
      stepStore[o + 1 + i * 3 + j] = h * FJ[row + j]!;
      stepStore[o + 10 + i * 3 + j] = h * FJ[row + 3 + j]!;
    }
    stepStore[o + 19 + i] = h * FJ[row + 6]!;
  }
}

/** One classical RK4 step of h from x, whose derivative k1 is given, into out; x + h/2·k1 into mid. */
function rk4(x: Float64Array, k1: Float64Array, h: number, frame: EnuFrame, met: DynamicsMet | undefined, out: Float64Array, mid: Float64Array): void {
  for (let i = 0; i < NX; i++) mid[i] = x[i]! + 0.5 * h * k1[i]!;
  rhs(mid, frame, K2, met);
  for (let i = 0; i < NX; i++) XS[i] = x[i]! + 0.5 * h * K2[i]!;
  rhs(XS, frame, K3, met);
  for (let i = 0; i < NX; i++) XS[i] = x[i]! + h * K3[i]!;
  rhs(XS, frame, K4, met);
  const c = h / 6;
  for (let i = 0; i < NX; i++) out[i] = x[i]! + c * (k1[i]! + 2 * K2[i]! + 2 * K3[i]! + K4[i]!);
}

// ---------------------------------------------------------------------------------------------------------
// Steps that end on the drag table's knots. Cd(M) is piecewise linear, so ∂f/∂x jumps where the Mach number
// crosses a knot: an RK4 step straddling one is only O(h³) accurate there and its midpoint Jacobian is the
// wrong one for part of the step. Measured (docs/prediction.md): with plain 1 s steps a 122 mm rocket's impact
// moved by up to 4.7 m and σ by 3.4 % against a 0.02 s reference; ending each step where the Mach number
// reaches the next knot (predicted linearly from the step start: air-relative speed over the ISA sound speed,
// with the met's wind and temperature offset when it has them; only the step length depends on this
// estimate, never the dynamics) brings that to ≤ 0.1 m and ≤ 0.25 % for ≈ 10 extra steps through the
// transonic region.
// ---------------------------------------------------------------------------------------------------------
const KNOTS = G7.mach;
/**
 * What the step choice reads of the dynamics' met, if it has these fields (wind in the site ENU, ISA offset):
 * read structurally so that this module does not depend on the met type beyond passing it through.
 */
interface MetFields {
  wind?: { east?: number; north?: number };
  temperatureOffsetK?: number;
}
const T11 = ISA_T0 - ISA_LAPSE * ISA_TROPOPAUSE;
/** shortest step worth taking to reach a knot (s); a knot closer than this has just been reached */
const MIN_KNOT_STEP = 0.02;

/**
 * Length (> 0, ≤ hMax) of the next step from state x at geodetic height hgt with derivative k1, going in
 * direction dir: hMax, or less so as to end where the Mach number meets the next G7 knot.
 */
function knotStep(x: Float64Array, k1: Float64Array, hgt: number, dir: number, hMax: number, met: MetFields | undefined): number {
  const vx = x[3]! - (met?.wind?.east ?? 0); // air-relative
  const vy = x[4]! - (met?.wind?.north ?? 0);
  const vz = x[5]!;
  const s = Math.sqrt(vx * vx + vy * vy + vz * vz);
  if (!(s > 0)) return hMax;
  const r = ISA_EARTH_RADIUS / (ISA_EARTH_RADIUS + hgt);
  const H = hgt * r;
  const trop = H < ISA_TROPOPAUSE;
  const T = (trop ? ISA_T0 - ISA_LAPSE * H : T11) + (met?.temperatureOffsetK ?? 0);
  const a = Math.sqrt(ISA_GAMMA * ISA_R * T);
  const m0 = s / a;
  // dM/dt = (v·v̇)/(s·a) − M·ȧ/a, ȧ = −a·L/(2T)·dH/dh·ḣ with ḣ ≈ vᵤ (only the step length depends on it)
  const adot = trop ? ((-a * ISA_LAPSE) / (2 * T)) * r * r * vz : 0;
  const mdot = dir * ((vx * k1[3]! + vy * k1[4]! + vz * k1[5]!) / (s * a) - (m0 * adot) / a);
  if (mdot === 0) return hMax;
  const m1 = m0 + mdot * hMax;
  const n = KNOTS.length;
  if (mdot < 0) {
    for (let i = n - 1; i >= 0; i--) {
      const k = KNOTS[i]!;
      if (k >= m0) continue;
      if (k <= m1) break;
      const h = (k - m0) / mdot;
      if (h > MIN_KNOT_STEP) return h;
    }
  } else {
    for (let i = 0; i < n; i++) {
      const k = KNOTS[i]!;
      if (k <= m0) continue;
      if (k >= m1) break;
      const h = (k - m0) / mdot;
      if (h > MIN_KNOT_STEP) return h;
    }
  }
  return hMax;
}

/** Geodetic height of the state's position (site ENU), ellipsoid normal (ECEF) into NRM. */
function heightOf(x: Float64Array, frame: EnuFrame): number {
  const R = frame.r;
  const o = frame.originEcef;
  const px = R[0]! * x[0]! + R[3]! * x[1]! + R[6]! * x[2]! + o[0]!;
  const py = R[1]! * x[0]! + R[4]! * x[1]! + R[7]! * x[2]! + o[1]!;
  const pz = R[2]! * x[0]! + R[5]! * x[1]! + R[8]! * x[2]! + o[2]!;
  return geodeticHeight(px, py, pz, NRM);
}

/** Rate of change of the geodetic height: the velocity (site ENU) along the normal in NRM (ECEF). */
function heightRate(x: Float64Array, frame: EnuFrame): number {
  const R = frame.r;
  let s = 0;
  for (let i = 0; i < 3; i++) s += NRM[i]! * (R[i]! * x[3]! + R[3 + i]! * x[4]! + R[6 + i]! * x[5]!);
  return s;
}

/**
 * Propagate x0 (site ENU, 7-state) forwards (dir = 1) or backwards (dir = −1) with the EKF dynamics until its
 * geodetic height equals terrainAlt; results in CROSSING. With `linearise`, the per-step transition data that
 * `groundFix` needs are kept too. Returns false when x0 is below the terrain (or not finite) or no crossing
 * happens within maxTime.
 */
export function propagateToTerrain(
  x0: Float64Array, frame: EnuFrame, terrainAlt: number, dir: 1 | -1, linearise: boolean, opts: PredictOptions = {},
): boolean {
  const met = opts.met;
  const metFields = met as MetFields | undefined;
  const maxTime = opts.maxTime ?? DEFAULT_MAX_TIME;
  const step = opts.step ?? DEFAULT_STEP;
  for (let i = 0; i < NX; i++) XA[i] = x0[i]!;
  let g0 = heightOf(XA, frame) - terrainAlt;
  if (!(g0 >= 0)) return false;
  let elapsed = 0; // |time| propagated so far
  let steps = 0;
  while (elapsed < maxTime) {
    rhs(XA, frame, K1, met);
    const hAbs = knotStep(XA, K1, g0 + terrainAlt, dir, Math.min(step, maxTime - elapsed), metFields);
    const h = dir * hAbs;
    rk4(XA, K1, h, frame, met, XB, XM);
    const g1 = heightOf(XB, frame) - terrainAlt;
    if (g1 > 0) {
      if (linearise) storeStep(steps, XM, h, frame, met);
      XA.set(XB);
      g0 = g1;
      elapsed += hAbs;
      steps++;
      continue;
    }
    if (!(g1 <= 0)) return false; // NaN: the state blew up
    // The crossing is inside this step: bracketed Newton on τ ∈ (0, hAbs], g(τ) = h(RK4(XA, dir·τ)) − terrain,
    // dg/dτ = dir·n̂·v; a step that leaves the bracket falls back to regula falsi, then bisection.
    let lo = 0; // g ≥ 0
    let hi = hAbs; // g ≤ 0
    let glo = g0;
    let ghi = g1;
    let tau = glo > 0 ? (hAbs * glo) / (glo - ghi) : 0;
    for (let it = 0; it < 40; it++) {
      rk4(XA, K1, dir * tau, frame, met, XB, XM);
      const g = heightOf(XB, frame) - terrainAlt;
      if (Math.abs(g) < 1e-6 || hi - lo < 1e-12) break;
      if (g > 0) {
        lo = tau;
        glo = g;
      } else {
        hi = tau;
        ghi = g;
      }
      let next = tau - g / (dir * heightRate(XB, frame));
      if (!(next > lo && next < hi)) next = lo + ((hi - lo) * glo) / (glo - ghi);
      if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
      tau = next;
    }
    // XB and XM belong to the final partial step of dir·τ.
    if (linearise) storeStep(steps, XM, dir * tau, frame, met);
    heightOf(XB, frame);
    CROSSING.x.set(XB);
    CROSSING.normalEcef.set(NRM);
    CROSSING.dt = dir * (elapsed + tau);
    CROSSING.steps = steps + 1;
    return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------------------
// Linearised mapping of the state covariance to the ground point
// ---------------------------------------------------------------------------------------------------------
const NS = new Float64Array(3); // normal in the site ENU
const EW = new Float64Array(3); // local east at the crossing, in the site ENU
const NW = new Float64Array(3); // local north at the crossing, in the site ENU
const J = new Float64Array(3 * NX); // rows: east, north, time
const S1 = new Float64Array(NX);
const S2 = new Float64Array(NX);
const S3 = new Float64Array(NX);
const JP = new Float64Array(3 * NX);

/** The crossing's ground geometry and covariance (from CROSSING and the stored steps). */
export interface GroundFix {
  /** degrees */
  lat: number;
  lon: number;
  /** m above the ellipsoid */
  alt: number;
  /** local east/north covariance at the crossing (m²) */
  ee: number;
  en: number;
  nn: number;
  /** time variance (s²) */
  tt: number;
  /** velocity at the crossing in its local east/north/up (m/s) */
  ve: number;
  vn: number;
  vu: number;
  /** the local east (0..2) and north (3..5) unit vectors at the crossing, in the site ENU */
  axes: Float64Array;
}

/** Unit east and north vectors (ECEF) at geodetic lat/lon (rad), into e and n. */
function localAxes(latRad: number, lonRad: number, e: Float64Array, n: Float64Array): void {
  const sp = Math.sin(latRad);
  const cp = Math.cos(latRad);
  const sl = Math.sin(lonRad);
  const cl = Math.cos(lonRad);
  e[0] = -sl;
  e[1] = cl;
  e[2] = 0;
  n[0] = -sp * cl;
  n[1] = -sp * sl;
  n[2] = cp;
}

/** Rotate an ECEF vector into the site ENU in place. */
function toSite(v: Float64Array, frame: EnuFrame): void {
  const R = frame.r;
  const a = v[0]!;
  const b = v[1]!;
  const c = v[2]!;
  v[0] = R[0]! * a + R[1]! * b + R[2]! * c;
  v[1] = R[3]! * a + R[4]! * b + R[5]! * c;
  v[2] = R[6]! * a + R[7]! * b + R[8]! * c;
}

/** out[oo..oo+7) = r·A for r = r[ro..ro+7) and A = h·F of the stored step at so (out ≠ r). */
function rowTimesA(r: Float64Array, ro: number, so: number, out: Float64Array, oo: number): void {
  const s = stepStore;
  const h = s[so]!;
  const v0 = r[ro + 3]!;
  const v1 = r[ro + 4]!;
  const v2 = r[ro + 5]!;
  for (let j = 0; j < 3; j++) {
    out[oo + j] = v0 * s[so + 1 + j]! + v1 * s[so + 4 + j]! + v2 * s[so + 7 + j]!;
    out[oo + 3 + j] = h * r[ro + j]! + v0 * s[so + 10 + j]! + v1 * s[so + 13 + j]! + v2 * s[so + 16 + j]!;
  }
  out[oo + 6] = v0 * s[so + 19]! + v1 * s[so + 20]! + v2 * s[so + 21]!;
}

/**
 * Ground point of CROSSING and, by the linearised crossing δp_g = (I − v·n̂ᵀ/(n̂ᵀv))·Φ_p·δx,
 * δt = −n̂ᵀΦ_p·δx/(n̂ᵀv), the covariance of its local east/north and of its time for a start-state
 * covariance P (7×7). Needs the last propagateToTerrain to have run with `linearise`. Writes into `out`.
 *
 * Φ = Φ_N ⋯ Φ₁ with Φₖ = I + A + A²/2 + A³/6 (A = hₖ·F at the step's RK4 midpoint) is never formed: the three
 * rows wanted, J₀·Φ_p, are carried backwards through the stored steps as row vectors (r ← r·Φₖ costs three
 * structured products r·A, ≈ 70 multiply-adds, against ≈ 1,000 for forming and chaining a 7×7 Φₖ).
 */
export function groundFix(P: Float64Array, frame: EnuFrame, out: GroundFix): GroundFix {
  const x = CROSSING.x;
  // geodetic lat/lon of the crossing from its ECEF normal (exact: the normal is (cφcλ, cφsλ, sφ))
  const nr = CROSSING.normalEcef;
  const lat = Math.atan2(nr[2]!, Math.hypot(nr[0]!, nr[1]!));
  const lon = Math.atan2(nr[1]!, nr[0]!);
  NS.set(nr);
  toSite(NS, frame);
  localAxes(lat, lon, EW, NW);
  toSite(EW, frame);
  toSite(NW, frame);
  const vx = x[3]!;
  const vy = x[4]!;
  const vz = x[5]!;
  const nv = NS[0]! * vx + NS[1]! * vy + NS[2]! * vz;
  // rows of J₀ on δp at the crossing: along a unit w, wᵀ − (wᵀv)/(n̂ᵀv)·n̂ᵀ; time: −n̂ᵀ/(n̂ᵀv)
  const ev = (EW[0]! * vx + EW[1]! * vy + EW[2]! * vz) / nv;
  const nvv = (NW[0]! * vx + NW[1]! * vy + NW[2]! * vz) / nv;
  J.fill(0);
  for (let j = 0; j < 3; j++) {
    J[j] = EW[j]! - ev * NS[j]!;
    J[NX + j] = NW[j]! - nvv * NS[j]!;
    J[2 * NX + j] = -NS[j]! / nv;
  }
  // carry the rows backwards: r ← r·Φₖ, k = N … 1
  for (let k = CROSSING.steps - 1; k >= 0; k--) {
    const so = k * STEP_LEN;
    for (let ro = 0; ro < 3 * NX; ro += NX) {
      rowTimesA(J, ro, so, S1, 0); // r·A
      rowTimesA(S1, 0, so, S2, 0); // r·A²
      rowTimesA(S2, 0, so, S3, 0); // r·A³
      for (let i = 0; i < NX; i++) J[ro + i] = J[ro + i]! + S1[i]! + 0.5 * S2[i]! + S3[i]! / 6;
    }
  }
  // J·P (3×7), then the wanted entries of J·P·Jᵀ
  matMul(JP, J, P, 3, NX, NX);
  let ee = 0;
  let en = 0;
  let nn = 0;
  let tt = 0;
  for (let k = 0; k < NX; k++) {
    ee += JP[k]! * J[k]!;
    en += JP[k]! * J[NX + k]!;
    nn += JP[NX + k]! * J[NX + k]!;
    tt += JP[2 * NX + k]! * J[2 * NX + k]!;
  }
  const R = frame.r;
  const o = frame.originEcef;
  const px = R[0]! * x[0]! + R[3]! * x[1]! + R[6]! * x[2]! + o[0]!;
  const py = R[1]! * x[0]! + R[4]! * x[1]! + R[7]! * x[2]! + o[1]!;
  const pz = R[2]! * x[0]! + R[5]! * x[1]! + R[8]! * x[2]! + o[2]!;
  out.lat = lat * (180 / Math.PI);
  out.lon = lon * (180 / Math.PI);
  out.alt = geodeticHeight(px, py, pz);
  out.ee = ee;
  out.en = en;
  out.nn = nn;
  out.tt = tt;
  out.ve = EW[0]! * vx + EW[1]! * vy + EW[2]! * vz;
  out.vn = NW[0]! * vx + NW[1]! * vy + NW[2]! * vz;
  out.vu = nv;
  out.axes.set(EW);
  out.axes.set(NW, 3);
  return out;
}

/** A GroundFix to write into. */
export function makeGroundFix(): GroundFix {
  return { lat: 0, lon: 0, alt: 0, ee: 0, en: 0, nn: 0, tt: 0, ve: 0, vn: 0, vu: 0, axes: new Float64Array(6) };
}

const FIX = makeGroundFix();

/**
 * Predicted impact of the track state x (7, site ENU of `frame`) with covariance P (7×7) at UTC t on terrain
 * of height terrainAlt (m above the ellipsoid). Undefined when the state is already below the terrain or does
 * not come down within opts.maxTime (default 200 s). Linearised covariance (see the module comment).
 */
export function predictImpact(
  x: Float64Array, P: Float64Array, t: number, frame: EnuFrame, terrainAlt: number, opts: PredictOptions = {},
): ImpactPrediction | undefined {
  if (!propagateToTerrain(x, frame, terrainAlt, 1, true, opts)) return undefined;
  const f = groundFix(P, frame, FIX);
  const xi = Float64Array.from(CROSSING.x);
  return {
    t: t + CROSSING.dt,
    sigmaT: Math.sqrt(Math.max(0, f.tt)),
    lat: f.lat,
    lon: f.lon,
    alt: f.alt,
    e: xi[0]!,
    n: xi[1]!,
    u: xi[2]!,
    covEN: [
      [f.ee, f.en],
      [f.en, f.nn],
    ],
    velocity: [xi[3]!, xi[4]!, xi[5]!],
    x: xi,
  };
}
