/**
 * Point of impact (POI) prediction from a ballistic track: where and when the threat meets the terrain, with
 * the covariance of the ground point and of the time.
 *
 * Method (the filter's own model, so the prediction is what the track believes):
 * - State: propagated with the EKF dynamics (7-state x = [e, n, u, vₑ, vₙ, vᵤ, κ] in the ENU of the site,
 *   `met` passed through) by classical RK4 with steps of `step` s (default 1 s), each shortened where needed
 *   to end on a knot of the G7 drag table and evaluated on the one Cd segment it starts in, as
 *   BallisticEkf.predict steps (see propagateToTerrain), until the geodetic height of the state falls below
 *   `terrainAlt`. The crossing is then located exactly: a first guess from the cubic Hermite of the height
 *   over the last step (heights and height rates at both ends, which the step's evaluations give for free),
 *   then Newton (bracketed) on τ with the state re-integrated from the last step start by one RK4 step of τ,
 *   until |h − terrainAlt| < 1 µm (two re-integrations, typically).
 * - Dynamics: the filter's own, through its evaluator (evalDynamics, rk4Step, chooseSegment in
 *   track/ballistic-ekf.ts), the one implementation that BallisticEkf.predict and ballisticRhs /
 *   ballisticJacobian use too, so that the prediction cannot drift from the track: WGS-84 central + J2
 *   gravity, Earth rotation, ISA+ΔT, closed-form geodetic height (one Bowring step), G7 drag. One evaluation
 *   gives the acceleration, the height and normal, the Mach number and its rate (for the knots) and, at the
 *   one stage a step that needs it, the Jacobian. Its two shortcuts, both far below the integration error:
 *   the ISA pressure from a cubic table (≤ 1e-11 relative) and, at the three RK4 stages inside a step, the
 *   height from its second-order expansion about the step start (≤ 2e-6 m); see there.
 *   test/predict/impact-dynamics.test.ts holds them to the exact model (the drag to physics/atmosphere.ts's
 *   ISA, ≤ 1e-9 relative; one RK4 step to classical RK4 of ballisticRhs, measured 1.6e-9 m and 8.9e-9 m/s)
 *   and the whole propagation to plain RK4 of ballisticRhs (≤ 1 cm; measured ≤ 0.7 mm).
 * - Transition: per step Φₖ = I + A + A²/2 + A³/6, A = hF with F the Jacobian at the RK4 midpoint
 *   x + h/2·k₁, which is the second RK4 stage (so it costs no extra evaluation); Φ(t_imp, t) = Φ_N ⋯ Φ₁,
 *   the last step being the partial one to the crossing. Φ itself is never formed: the three rows wanted are
 *   carried backwards through the stored steps (see groundFix). (BallisticEkf.predict uses the exact
 *   derivative of the RK4 step instead, from the Jacobians at all four stages; here that would cost three
 *   more Jacobians and three 3×7 stage products a step, for a covariance that 1 s steps already give within
 *   0.2 % (impact) and 0.9 % (launch) in σ of 0.02 s steps.)
 * - Crossing, linearised: with n̂ the ellipsoid normal at the impact point (in the site ENU) and v the
 *   velocity there, a perturbation δp of the propagated position moves the crossing in time by
 *   δt = −n̂ᵀδp/(n̂ᵀv) and on the ground by δp_g = (I − v·n̂ᵀ/(n̂ᵀv))·δp. With δp = Φ_p·δx (Φ_p the position
 *   rows of Φ) this gives the 2×7 map J to the local east/north at the impact point and the 1×7 row for the
 *   time: covEN = J·P·Jᵀ, σ_t² = j_t·P·j_tᵀ. Checked against central finite differences of the propagator
 *   itself: equal to ≤ 2.3e-3 in variance (the midpoint series is O(h²) off the RK4 step's own derivative).
 *
 * Cost (bench/predict.ts, one core): ≈ 0.4 µs a 1 s step (four evaluations, one with the Jacobian, and the
 * backward row pass): 11 µs for a 120 mm mortar with 25 s to go, 14 µs for a 122 mm rocket with 32 s to go,
 * against 38 and 47 µs for the previous version (ballisticRhs, ballisticJacobian and geodeticHeight called
 * per stage, no segment holding). Against that version, over 75 states of five types from early to late in
 * flight: impact points within 0.09 m and 0.3 ms, σ within 0.08 %; launch points within 1.3 m (122 mm
 * rockets 60 s back, where the previous version itself was 1.1 m off its 0.02 s steps and this one is 0.23 m
 * off), σ within 0.07 % (docs/prediction.md).
 *
 * This is LINEARISED propagation: the covariance is exact only to first order in the state error. Measured
 * against Monte Carlo (20,000 draws from N(x, P), each propagated with this same propagator; docs/
 * prediction.md; bench/predict.ts repeats it at 10,000 draws, test/predict/impact.test.ts at 2,000): with
 * σ 20 m on position, 3 m/s on velocity and 10 % on κ (impact σ ≈ 100 m for a 120 mm mortar, ≈ 170 m for a
 * 122 mm rocket) the Monte Carlo σ of east, north and time match the linearised ones mapped from the draws'
 * own sample covariance to ≤ 0.6 % (≤ 1.4 % against P itself, whose draws scatter by ±0.5 %); the mean of
 * the draws sits 0.3–3.3 m from the predicted point. It degrades gracefully with the size of P: at σ 50 m,
 * 10 m/s, 20 % the worst is 2.4 %, at 100 m, 20 m/s, 30 % (rocket impact σ ≈ 750 m) 8 %.
 *
 * The covariance is that of the state only: no process noise is added over the remaining flight (unmodelled
 * forces, e.g. wind that is not in `met`, are not in P). Allocation: module-level scratch only (single-
 * threaded), except the returned object. As in ballistic-ekf.ts, no fractional double crosses a call that V8
 * might not inline (it would be boxed): step lengths and results go through typed arrays.
 */
import type { EnuFrame } from '../geo/wgs84.js';
import {
  EVAL_HEIGHT, EVAL_POINT, FJ, GEO, KNOT_T, MIN_SPLIT, NEN, NX, SEG, STEP_H, beginStep, chooseSegment, evalDynamics, rk4Step, setDynamics,
  type EkfMet,
} from '../track/ballistic-ekf.js';

/** Meteorological argument passed through to the EKF dynamics (that of `ballisticRhs`: wind, ISA offset). */
export type DynamicsMet = EkfMet;

/** A predicted point on the terrain (impact or launch) with its uncertainty. */
export interface GroundPoint {
  /** UTC (s) the round is there (impact, or the estimated launch) */
  t: number;
  /** 1-σ of that time (s) */
  sigmaT: number;
  /** degrees */
  lat: number;
  lon: number;
  /** m above the ellipsoid (the terrain height, to < 1 µm) */
  alt: number;
  /** site ENU of the point (m) */
  e: number;
  n: number;
  /** covariance of the point in the local east/north there (m²): [[ee, en], [ne, nn]] */
  covEN: [[number, number], [number, number]];
}

export interface ImpactPrediction extends GroundPoint {
  /** site ENU height of the impact point (m) */
  u: number;
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

/** dst[0..n) = src[0..n): an explicit loop (TypedArray.prototype.set is a builtin call, slow for a few numbers). */
function copy(dst: Float64Array, src: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) dst[i] = src[i]!;
}

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
  /** geodetic height of the crossing (m above the ellipsoid; terrainAlt to < 1 µm) */
  alt: 0,
  /** RK4 steps taken, the final partial one included (the root search not counted) */
  steps: 0,
};

const XA = new Float64Array(NX); // state at the start of the step
const XB = new Float64Array(NX); // state at its end

/**
 * Per-step transition data for the backward pass of `groundFix`: h and the non-trivial blocks of A = h·F,
 * F = [[0, I, 0], [Fp, Fv, fk], [0, 0, 0]] (the EKF Jacobian's structure: ṗ = v, κ̇ = 0): a = h·Fp (3×3),
 * b = h·Fv (3×3), c = h·fk (3). 22 numbers a step; grows on demand.
 */
const STEP_LEN = 22;
let stepStore = new Float64Array(STEP_LEN * 256);

/** Store step k: h = STEP_H[0] and h·(FJ's blocks) (FJ at the step's RK4 midpoint, left there by rk4Step). */
function storeStep(k: number): void {
  if ((k + 1) * STEP_LEN > stepStore.length) {
    const grown = new Float64Array(stepStore.length * 2);
    grown.set(stepStore);
    stepStore = grown;
  }
  const s = stepStore;
  const fj = FJ;
  const h = STEP_H[0]!;
  const o = k * STEP_LEN;
  s[o] = h;
  for (let i = 0; i < 3; i++) {
    const row = i * NX;
    const oi = o + i * 3;
    s[oi + 1] = h * fj[row]!;
    s[oi + 2] = h * fj[row + 1]!;
    s[oi + 3] = h * fj[row + 2]!;
    s[oi + 10] = h * fj[row + 3]!;
    s[oi + 11] = h * fj[row + 4]!;
    s[oi + 12] = h * fj[row + 5]!;
    s[o + 19 + i] = h * fj[row + 6]!;
  }
}

/** One RK4 step of STEP_H[0] from XA into XB; with `linearise`, its midpoint Jacobian stored as step k. */
function step(linearise: boolean, k: number): void {
  if (linearise) {
    rk4Step(XA, XB, 1);
    storeStep(k);
  } else {
    rk4Step(XA, XB, 0);
  }
}

/** Rate of change of the geodetic height along the motion (forward time): n̂·v with n̂ in NEN. */
function heightRateEnu(x: Float64Array): number {
  const n = NEN;
  return n[0]! * x[3]! + n[1]! * x[4]! + n[2]! * x[5]!;
}

/** n̂·v with n̂ the ECEF normal in GEO (after an exact height) and v the state's velocity (site ENU; R: the frame's). */
function heightRateEcef(x: Float64Array, R: Float64Array): number {
  const g = GEO;
  let s = 0;
  for (let i = 0; i < 3; i++) s += g[i]! * (R[i]! * x[3]! + R[3 + i]! * x[4]! + R[6 + i]! * x[5]!);
  return s;
}

/**
 * Root in (0, 1) of the cubic Hermite through (0, g0) and (1, g1) with slopes d0 and d1 (per unit s), starting
 * from regula falsi: a first guess for the crossing, which the exact Newton below then polishes.
 */
function hermiteRoot(g0: number, g1: number, d0: number, d1: number): number {
  let s = g0 / (g0 - g1);
  // g(s) = g0 + d0·s + c2·s² + c3·s³
  const c2 = 3 * (g1 - g0) - 2 * d0 - d1;
  const c3 = 2 * (g0 - g1) + d0 + d1;
  for (let it = 0; it < 4; it++) {
    const g = g0 + s * (d0 + s * (c2 + s * c3));
    const dg = d0 + s * (2 * c2 + 3 * s * c3);
    const next = s - g / dg;
    if (!(next > 0 && next < 1)) return g0 / (g0 - g1);
    s = next;
  }
  return s;
}

/**
 * Propagate x0 (site ENU, 7-state) forwards (dir = 1) or backwards (dir = −1) with the EKF dynamics until its
 * geodetic height equals terrainAlt; results in CROSSING. With `linearise`, the per-step transition data that
 * `groundFix` needs are kept too. Returns false when x0 is below the terrain (or not finite) or no crossing
 * happens within maxTime.
 *
 * Steps as BallisticEkf.predict takes them (ended on drag-table knots, each held on one Cd segment; see
 * "Steps" in track/ballistic-ekf.ts), in the direction of integration. Measured (bench/predict.ts, 65 states
 * of four types, against 0.02 s steps): plain 1 s steps moved a 122 mm rocket's impact by up to 4.7 m and σ
 * by 3.4 %; steps ending on knots but with Cd looked up by the Mach number by 0.10 m and 0.24 %; held on the
 * segment, 0.004 m and 0.19 % (launch points, up to 68 s back: 0.97 m and 0.96 % → 0.68 m and 0.85 %).
 */
export function propagateToTerrain(
  x0: Float64Array, frame: EnuFrame, terrainAlt: number, dir: 1 | -1, linearise: boolean, opts: PredictOptions = {},
): boolean {
  const maxTime = opts.maxTime ?? DEFAULT_MAX_TIME;
  const hMax = opts.step ?? DEFAULT_STEP;
  const geo = GEO;
  const seg = SEG;
  setDynamics(frame, opts.met);
  copy(XA, x0, NX);
  evalDynamics(XA, EVAL_POINT); // stage 1 of the first step
  let g0 = geo[3]! - terrainAlt;
  if (!(g0 >= 0)) return false;
  let elapsed = 0; // |time| propagated so far
  let steps = 0;
  while (elapsed < maxTime) {
    let hAbs = Math.min(hMax, maxTime - elapsed);
    chooseSegment(dir);
    const tk = KNOT_T[0]!;
    if (tk < hAbs - MIN_SPLIT) hAbs = tk;
    const stepSeg = seg[0]!;
    beginStep();
    const gd0 = dir * heightRateEnu(XA); // dg/dτ at the step start
    STEP_H[0] = dir * hAbs;
    step(linearise, steps);
    seg[0] = -1;
    evalDynamics(XB, EVAL_POINT); // the height at the step end, and stage 1 of the next step
    const g1 = geo[3]! - terrainAlt;
    if (g1 > 0) {
      copy(XA, XB, NX);
      g0 = g1;
      elapsed += hAbs;
      steps++;
      continue;
    }
    if (!(g1 <= 0)) return false; // NaN: the state blew up
    // The crossing is inside this step: bracketed Newton on τ ∈ (0, hAbs], g(τ) = h(RK4(XA, dir·τ)) − terrain,
    // dg/dτ = dir·n̂·v, from the Hermite guess; a step that leaves the bracket falls back to regula falsi, then
    // bisection. The step's Cd segment (and its start, beginStep) is kept: τ ≤ hAbs ends no later than the knot.
    const gd1 = dir * heightRateEnu(XB);
    seg[0] = stepSeg;
    let lo = 0; // g ≥ 0
    let hi = hAbs; // g ≤ 0
    let glo = g0;
    let ghi = g1;
    let tau = glo > 0 ? hAbs * hermiteRoot(glo, ghi, gd0 * hAbs, gd1 * hAbs) : 0;
    for (let it = 0; it < 40; it++) {
      STEP_H[0] = dir * tau;
      step(linearise, steps); // with `linearise` the last of these leaves the final partial step stored
      evalDynamics(XB, EVAL_HEIGHT);
      const g = geo[3]! - terrainAlt;
      if (Math.abs(g) < 1e-6 || hi - lo < 1e-12) break;
      if (g > 0) {
        lo = tau;
        glo = g;
      } else {
        hi = tau;
        ghi = g;
      }
      let next = tau - g / (dir * heightRateEcef(XB, frame.r));
      if (!(next > lo && next < hi)) next = lo + ((hi - lo) * glo) / (glo - ghi);
      if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
      tau = next;
    }
    seg[0] = -1;
    copy(CROSSING.x, XB, NX);
    CROSSING.normalEcef[0] = geo[0]!;
    CROSSING.normalEcef[1] = geo[1]!;
    CROSSING.normalEcef[2] = geo[2]!;
    CROSSING.alt = geo[3]!;
    CROSSING.dt = dir * (elapsed + tau);
    CROSSING.steps = steps + 1;
    return true;
  }
  seg[0] = -1;
  return false;
}

// ---------------------------------------------------------------------------------------------------------
// Linearised mapping of the state covariance to the ground point
// ---------------------------------------------------------------------------------------------------------
const NS = new Float64Array(3); // normal in the site ENU
const EW = new Float64Array(3); // local east at the crossing, in the site ENU
const NW = new Float64Array(3); // local north at the crossing, in the site ENU
const J = new Float64Array(3 * NX); // rows: east, north, time

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

/**
 * The three rows of J (J[0..21)) times Φₖ = I + A + A²/2 + A³/6 for the step stored at offset so, in place.
 * Per row r = [r_p, r_v, r_κ]: r·A = [r_v·a, h·r_p + r_v·b, r_v·c], three times (t = r·A, u = t·A,
 * w = u·A), then r + t + u/2 + w/6: ≈ 75 multiply-adds a row, A's 22 numbers held in locals for all three.
 */
function carryRows(so: number): void {
  const s = stepStore;
  const h = s[so]!;
  const a00 = s[so + 1]!, a01 = s[so + 2]!, a02 = s[so + 3]!;
  const a10 = s[so + 4]!, a11 = s[so + 5]!, a12 = s[so + 6]!;
  const a20 = s[so + 7]!, a21 = s[so + 8]!, a22 = s[so + 9]!;
  const b00 = s[so + 10]!, b01 = s[so + 11]!, b02 = s[so + 12]!;
  const b10 = s[so + 13]!, b11 = s[so + 14]!, b12 = s[so + 15]!;
  const b20 = s[so + 16]!, b21 = s[so + 17]!, b22 = s[so + 18]!;
  const c0 = s[so + 19]!, c1 = s[so + 20]!, c2 = s[so + 21]!;
  for (let ro = 0; ro < 3 * NX; ro += NX) {
    const p0 = J[ro]!, p1 = J[ro + 1]!, p2 = J[ro + 2]!;
    const v0 = J[ro + 3]!, v1 = J[ro + 4]!, v2 = J[ro + 5]!;
    // t = r·A
    const tp0 = v0 * a00 + v1 * a10 + v2 * a20;
    const tp1 = v0 * a01 + v1 * a11 + v2 * a21;
    const tp2 = v0 * a02 + v1 * a12 + v2 * a22;
    const tv0 = h * p0 + v0 * b00 + v1 * b10 + v2 * b20;
    const tv1 = h * p1 + v0 * b01 + v1 * b11 + v2 * b21;
    const tv2 = h * p2 + v0 * b02 + v1 * b12 + v2 * b22;
    const tk = v0 * c0 + v1 * c1 + v2 * c2;
    // u = t·A
    const up0 = tv0 * a00 + tv1 * a10 + tv2 * a20;
    const up1 = tv0 * a01 + tv1 * a11 + tv2 * a21;
    const up2 = tv0 * a02 + tv1 * a12 + tv2 * a22;
    const uv0 = h * tp0 + tv0 * b00 + tv1 * b10 + tv2 * b20;
    const uv1 = h * tp1 + tv0 * b01 + tv1 * b11 + tv2 * b21;
    const uv2 = h * tp2 + tv0 * b02 + tv1 * b12 + tv2 * b22;
    const uk = tv0 * c0 + tv1 * c1 + tv2 * c2;
    // w = u·A
    const wp0 = uv0 * a00 + uv1 * a10 + uv2 * a20;
    const wp1 = uv0 * a01 + uv1 * a11 + uv2 * a21;
    const wp2 = uv0 * a02 + uv1 * a12 + uv2 * a22;
    const wv0 = h * up0 + uv0 * b00 + uv1 * b10 + uv2 * b20;
    const wv1 = h * up1 + uv0 * b01 + uv1 * b11 + uv2 * b21;
    const wv2 = h * up2 + uv0 * b02 + uv1 * b12 + uv2 * b22;
    const wk = uv0 * c0 + uv1 * c1 + uv2 * c2;
    J[ro] = p0 + tp0 + 0.5 * up0 + wp0 / 6;
    J[ro + 1] = p1 + tp1 + 0.5 * up1 + wp1 / 6;
    J[ro + 2] = p2 + tp2 + 0.5 * up2 + wp2 / 6;
    J[ro + 3] = v0 + tv0 + 0.5 * uv0 + wv0 / 6;
    J[ro + 4] = v1 + tv1 + 0.5 * uv1 + wv1 / 6;
    J[ro + 5] = v2 + tv2 + 0.5 * uv2 + wv2 / 6;
    J[ro + 6] = J[ro + 6]! + tk + 0.5 * uk + wk / 6;
  }
}

/**
 * Ground point of CROSSING and, by the linearised crossing δp_g = (I − v·n̂ᵀ/(n̂ᵀv))·Φ_p·δx,
 * δt = −n̂ᵀΦ_p·δx/(n̂ᵀv), the covariance of its local east/north and of its time for a start-state
 * covariance P (7×7). Needs the last propagateToTerrain to have run with `linearise`. Writes into `out`.
 *
 * Φ = Φ_N ⋯ Φ₁ with Φₖ = I + A + A²/2 + A³/6 (A = hₖ·F at the step's RK4 midpoint) is never formed: the three
 * rows wanted, J₀·Φ_p, are carried backwards through the stored steps as row vectors (r ← r·Φₖ costs three
 * structured products r·A, ≈ 75 multiply-adds, against ≈ 1,000 for forming and chaining a 7×7 Φₖ).
 */
export function groundFix(P: Float64Array, frame: EnuFrame, out: GroundFix): GroundFix {
  const x = CROSSING.x;
  // geodetic lat/lon of the crossing from its ECEF normal (exact: the normal is (cφcλ, cφsλ, sφ)); the
  // local east (−sλ, cλ, 0) and north (−sφcλ, −sφsλ, cφ) from it without trigonometry
  const nr = CROSSING.normalEcef;
  const nx = nr[0]!;
  const ny = nr[1]!;
  const nz = nr[2]!;
  const cphi = Math.sqrt(nx * nx + ny * ny);
  const lat = Math.atan2(nz, cphi);
  const lon = Math.atan2(ny, nx);
  const sl = cphi > 0 ? ny / cphi : 0;
  const cl = cphi > 0 ? nx / cphi : 1;
  NS[0] = nx;
  NS[1] = ny;
  NS[2] = nz;
  toSite(NS, frame);
  EW[0] = -sl;
  EW[1] = cl;
  EW[2] = 0;
  NW[0] = -nz * cl;
  NW[1] = -nz * sl;
  NW[2] = cphi;
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
  for (let k = CROSSING.steps - 1; k >= 0; k--) carryRows(k * STEP_LEN);
  // the wanted entries of J·P·Jᵀ
  let ee = 0;
  let en = 0;
  let nn = 0;
  let tt = 0;
  for (let i = 0; i < NX; i++) {
    let pe = 0;
    let pn = 0;
    let pt = 0;
    const r = i * NX;
    for (let j = 0; j < NX; j++) {
      const pij = P[r + j]!;
      pe += pij * J[j]!;
      pn += pij * J[NX + j]!;
      pt += pij * J[2 * NX + j]!;
    }
    ee += J[i]! * pe;
    en += J[i]! * pn;
    nn += J[NX + i]! * pn;
    tt += J[2 * NX + i]! * pt;
  }
  out.lat = lat * (180 / Math.PI);
  out.lon = lon * (180 / Math.PI);
  out.alt = CROSSING.alt;
  out.ee = ee;
  out.en = en;
  out.nn = nn;
  out.tt = tt;
  out.ve = EW[0]! * vx + EW[1]! * vy + EW[2]! * vz;
  out.vn = NW[0]! * vx + NW[1]! * vy + NW[2]! * vz;
  out.vu = nv;
  const ax = out.axes;
  for (let i = 0; i < 3; i++) {
    ax[i] = EW[i]!;
    ax[3 + i] = NW[i]!;
  }
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
  const xi = CROSSING.x.slice();
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
