/**
 * Point of impact (POI) prediction from a ballistic track: where and when the threat meets the terrain, with
 * the covariance of the ground point and of the time.
 *
 * Method (the filter's own model, so the prediction is what the track believes):
 * - State: propagated with the EKF dynamics (7-state x = [e, n, u, vₑ, vₙ, vᵤ, κ] in the ENU of the site,
 *   `met` passed through) by classical RK4 with steps of `step` s (default 1 s), each shortened where needed
 *   to end on a knot of the G7 drag table and evaluated on the one Cd segment it starts in, as
 *   BallisticEkf.predict steps (see "Steps" below), until the geodetic height of the state falls below
 *   `terrainAlt`. The crossing is then located exactly: a first guess from the cubic Hermite of the height
 *   over the last step (heights and height rates at both ends, which the step's evaluations give for free),
 *   then Newton (bracketed) on τ with the state re-integrated from the last step start by one RK4 step of τ,
 *   until |h − terrainAlt| < 1 µm (two re-integrations, typically).
 * - Dynamics: the propagator carries its own copy of BallisticEkf's evaluation (evalAccel in
 *   track/ballistic-ekf.ts, module-private there): WGS-84 central + J2 gravity, Earth rotation, ISA+ΔT,
 *   closed-form geodetic height (one Bowring step), G7 drag. One evaluation gives the acceleration, the
 *   height and normal, the Mach number and its rate (for the knots) and, at the one stage a step that needs
 *   it, the Jacobian. Two shortcuts, both far below the integration error: the ISA pressure comes from a
 *   cubic table (≤ 1e-11 relative, see PT), and at the three RK4 stages inside a step the height comes from
 *   its second-order expansion about the step start (≤ 2e-6 m, see HQ).
 *   test/predict/impact-dynamics.test.ts holds this copy to ballisticRhs / ballisticJacobian (≤ 1e-9
 *   relative; measured 3e-11) and the whole propagation to plain RK4 of ballisticRhs (≤ 1 cm; measured
 *   ≤ 0.7 mm), so that the two cannot drift apart unnoticed.
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
import { WGS84_A, WGS84_B, WGS84_E2, WGS84_EP2, WGS84_GM, WGS84_OMEGA, geodeticHeight, type EnuFrame } from '../geo/wgs84.js';
import { ISA_EARTH_RADIUS, ISA_G0, ISA_GAMMA, ISA_LAPSE, ISA_P0, ISA_R, ISA_T0, ISA_TROPOPAUSE } from '../physics/atmosphere.js';
import { G7, dragCoefficientAndSlope } from '../physics/drag.js';
import { WGS84_J2 } from '../physics/dynamics.js';
import type { EkfMet } from '../track/ballistic-ekf.js';

const NX = 7;

/** Meteorological argument passed through to the EKF dynamics (that of `ballisticRhs`: wind, ISA offset). */
export type DynamicsMet = EkfMet;

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
// Evaluation context (frame, met), set once per propagation. Module state, single-threaded, as in
// ballistic-ekf.ts: numbers in typed arrays, because a double stored in a module-level let is boxed.
// ---------------------------------------------------------------------------------------------------------
const cR = new Float64Array(9); // frame rotation ECEF → ENU (row-major), copied
const cO = new Float64Array(3); // frame origin (ECEF), copied
// [Ωₑ, Ωₙ, Ωᵤ] = ω·R·e_z, [wₑ, wₙ] wind in the frame's ENU, ΔT (K)
const CTX = new Float64Array(6);
// Cd-table segment every evaluation of the current RK4 step uses (−1: look the Mach number up).
const SEG = new Int32Array(1);
SEG[0] = -1;

/** dst[0..n) = src[0..n): an explicit loop (TypedArray.prototype.set is a builtin call, slow for a few numbers). */
function copy(dst: Float64Array, src: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) dst[i] = src[i]!;
}

function setContext(frame: EnuFrame, met: DynamicsMet | undefined): void {
  const R = frame.r;
  copy(cR, R, 9);
  copy(cO, frame.originEcef, 3);
  CTX[0] = WGS84_OMEGA * R[2]!;
  CTX[1] = WGS84_OMEGA * R[5]!;
  CTX[2] = WGS84_OMEGA * R[8]!;
  CTX[3] = met?.wind?.east ?? 0;
  CTX[4] = met?.wind?.north ?? 0;
  CTX[5] = met?.temperatureOffsetK ?? 0;
  SEG[0] = -1;
}

// ---------------------------------------------------------------------------------------------------------
// The dynamics: BallisticEkf's evalAccel (track/ballistic-ekf.ts), the same formulas (see there for their
// derivation; equal to rounding but for the pressure table and the stage heights below), plus what the
// propagator needs of each evaluation.
// ---------------------------------------------------------------------------------------------------------
const GEO = new Float64Array(4); // ellipsoid normal (ECEF), then the geodetic height
const A_OVER_B = WGS84_A / WGS84_B;

/** Height above the WGS-84 ellipsoid into GEO[3] and the unit normal (ECEF) into GEO[0..2]: one Bowring step. */
function heightAndNormal(x: number, y: number, z: number): void {
  const p2 = x * x + y * y;
  const p = Math.sqrt(p2);
  const kz = A_OVER_B * z;
  const ib = 1 / Math.sqrt(p2 + kz * kz);
  const cb = p * ib;
  const sb = kz * ib;
  const num = z + WGS84_EP2 * WGS84_B * sb * sb * sb;
  const den = p - WGS84_E2 * WGS84_A * cb * cb * cb;
  const inv = 1 / Math.sqrt(num * num + den * den);
  const sp = num * inv;
  const cp = den * inv;
  const h = p * cp + z * sp - WGS84_A * Math.sqrt(1 - WGS84_E2 * sp * sp);
  if (!(p > 1e4 && h < 1e5 && h > -1e5)) {
    GEO[3] = geodeticHeight(x, y, z, GEO);
    return;
  }
  const cpp = cp / p;
  GEO[0] = cpp * x;
  GEO[1] = cpp * y;
  GEO[2] = sp;
  GEO[3] = h;
}

/** Geodetic height and normal (GEO) of the position of state x (site ENU). */
function heightAt(x: Float64Array): void {
  const R = cR;
  const o = cO;
  const xe = x[0]!;
  const xn = x[1]!;
  const xu = x[2]!;
  heightAndNormal(R[0]! * xe + R[3]! * xn + R[6]! * xu + o[0]!, R[1]! * xe + R[4]! * xn + R[7]! * xu + o[1]!, R[2]! * xe + R[5]! * xn + R[8]! * xu + o[2]!);
}

const EXPONENT = ISA_G0 / (ISA_R * ISA_LAPSE);
const T11 = ISA_T0 - ISA_LAPSE * ISA_TROPOPAUSE;
const STRAT_SCALE = ISA_G0 / (ISA_R * T11);
const MU = WGS84_GM;
const KJ2 = 1.5 * WGS84_GM * WGS84_J2 * WGS84_A * WGS84_A;
const OM2 = WGS84_OMEGA * WGS84_OMEGA;
const P11 = ISA_P0 * Math.pow(T11 / ISA_T0, EXPONENT);

/** The ISA pressure (Pa) at geopotential height H (m), exactly as evalAccel has it. */
function isaPressure(H: number): number {
  return H < ISA_TROPOPAUSE ? ISA_P0 * Math.exp(EXPONENT * Math.log((ISA_T0 - ISA_LAPSE * H) / ISA_T0)) : P11 * Math.exp(-STRAT_SCALE * (H - ISA_TROPOPAUSE));
}

/**
 * The pressure profile as a table: cubic Hermite cells of PT_STEP m in geopotential height from PT_MIN to
 * PT_MAX (p and dp/dH = −p·g₀/(R·T_std) exact at the nodes; the tropopause is a node, so each cell lies on one
 * analytic piece), four coefficients a cell. It stands in for exp(EXP·ln θ), two library calls that took a
 * fifth of an evaluation's time, and is off from it by ≤ 1.0e-11 relative (sampled every 0.37 m over the whole
 * table; the dynamics test sees 3e-11 of the acceleration), a density error eight orders below what a track's
 * κ resolves. Outside the table (below −2 km, above 32 km) the formula itself is used. The pressure profile
 * does not depend on the met: ISA+ΔT shifts the temperature only.
 */
const PT_MIN = -2000;
const PT_MAX = 32000;
const PT_STEP = 50;
const PT_INV = 1 / PT_STEP;
const PT_CELLS = (PT_MAX - PT_MIN) / PT_STEP;
const PT = new Float64Array(4 * PT_CELLS);
for (let i = 0; i < PT_CELLS; i++) {
  const h0 = PT_MIN + i * PT_STEP;
  const h1 = h0 + PT_STEP;
  const f0 = isaPressure(h0);
  const f1 = isaPressure(h1);
  // dp/dH on the cell's own side of the tropopause
  const d0 = (-f0 * ISA_G0 * PT_STEP) / (ISA_R * (h0 < ISA_TROPOPAUSE ? ISA_T0 - ISA_LAPSE * h0 : T11));
  const d1 = (-f1 * ISA_G0 * PT_STEP) / (ISA_R * (h0 < ISA_TROPOPAUSE ? ISA_T0 - ISA_LAPSE * h1 : T11));
  PT[4 * i] = f0;
  PT[4 * i + 1] = d0;
  PT[4 * i + 2] = 3 * (f1 - f0) - 2 * d0 - d1;
  PT[4 * i + 3] = 2 * (f0 - f1) + d0 + d1;
}

/** Slope of each G7 segment (the last "segment", beyond the table, is flat). */
const CD_SLOPE = new Float64Array(G7.mach.length);
for (let i = 0; i + 1 < G7.mach.length; i++) CD_SLOPE[i] = (G7.cd[i + 1]! - G7.cd[i]!) / (G7.mach[i + 1]! - G7.mach[i]!);

const CD = new Float64Array(2); // Cd, dCd/dM
const ACC = new Float64Array(3); // acceleration (ENU)
const FJ = new Float64Array(3 * NX); // ∂a/∂x: rows 3..5 of F
const MACH = new Float64Array(2); // Mach number and its rate along the motion (forward time)
const NEN = new Float64Array(3); // ellipsoid normal in the site ENU
const DRG = new Float64Array(4); // ½ρκ·s and u = v − w: what re-fitting Cd needs

/** Cd and dCd/dM into CD on segment `seg` of the G7 table, extended linearly past its ends (as the EKF). */
function cdOnSegment(seg: number, mach: number): void {
  const c = G7.cd;
  const m = G7.mach;
  if (seg >= c.length - 1) {
    CD[0] = c[c.length - 1]!;
    CD[1] = 0;
    return;
  }
  const slope = CD_SLOPE[seg]!;
  CD[0] = c[seg]! + (mach - m[seg]!) * slope;
  CD[1] = slope;
}

/**
 * Evaluation modes. At a step's start (POINT) the height is computed exactly, and with it its second-order
 * expansion about that point (HQN, see below); at the RK4 stages inside the step (STAGE) the height comes from
 * that expansion. STAGE_JAC: a stage with the Jacobian (the midpoint, when linearising). POINT_JAC: exact,
 * with the Jacobian (the test hook predictorJacobian).
 */
const STAGE = 0;
const STAGE_JAC = 1;
const POINT = 2;
const POINT_JAC = 3;

/**
 * Second-order expansion of the geodetic height about a point x₀ (site ENU), for the RK4 stages of a step:
 *   h(x₀ + Δ) ≈ h₀ + n̂·Δ + ½·((t̂ₑ·Δ)²/(N + h₀) + (t̂ₙ·Δ)²/(M + h₀)),
 * n̂ the ellipsoid normal, t̂ₑ, t̂ₙ the local east and north, N and M the prime-vertical and meridian radii of
 * curvature at the foot point (the Hessian of the distance to a surface is its curvature tensor at the
 * parallel surface through the point, whose principal radii are N + h₀ and M + h₀). Its gradient
 * n̂ + (t̂ₑ·Δ)/(N + h₀)·t̂ₑ + (t̂ₙ·Δ)/(M + h₀)·t̂ₙ is the normal the stage's Jacobian uses. The third-order
 * remainder is ~|Δ|³/R². Measured against the exact height (latitudes 0–80°, heights 0–25 km, random
 * directions): 1.3e-7 m at 300 m, 1.6e-6 m at 700 m (the farthest a stage point lies from its step start
 * with 1 s steps: 700 m/s), 4.8e-6 m at 1 km, 3.8e-5 m at 2 km; 1.6e-6 m is 2e-10 relative in density. It
 * replaces, at three of the four evaluations a step, the closed-form height's four square roots and two
 * divisions, the longest chain in an evaluation (propagation 20 % faster).
 * Layout: [x₀ (3), h₀, n̂ (3), t̂ₑ (3), t̂ₙ (3), 1/(N + h₀), 1/(M + h₀)], all vectors in the site ENU.
 */
const HQ = new Float64Array(15); // the expansion the current step's stages use (about XA)
const HQN = new Float64Array(15); // the one the last POINT evaluation computed

/**
 * At state x, in the current context: acceleration (ENU) into ACC; with mode ≥ STAGE_JAC also the normal
 * (site ENU) into NEN and the Mach number and rate into MACH; with POINT and POINT_JAC also the exact height
 * and normal (ECEF) into GEO, the height expansion about x into HQN and ½ρκs and u into DRG; with STAGE_JAC and
 * POINT_JAC ∂a/∂x into FJ. The arithmetic is evalAccel's, except for the height at the stages (see HQ).
 */
function evalDyn(x: Float64Array, mode: number): void {
  const R = cR;
  const o = cO;
  const xe = x[0]!;
  const xn = x[1]!;
  const xu = x[2]!;
  const px = R[0]! * xe + R[3]! * xn + R[6]! * xu + o[0]!;
  const py = R[1]! * xe + R[4]! * xn + R[7]! * xu + o[1]!;
  const pz = R[2]! * xe + R[5]! * xn + R[8]! * xu + o[2]!;
  const ve = x[3]!;
  const vn = x[4]!;
  const vu = x[5]!;
  const kappa = x[6]!;
  const omE = CTX[0]!;
  const omN = CTX[1]!;
  const omU = CTX[2]!;
  const dT = CTX[5]!;
  const p2 = px * px + py * py;
  const r2 = p2 + pz * pz;
  const ir = 1 / Math.sqrt(r2);
  const ir2 = ir * ir;
  const ir3 = ir2 * ir;
  const ir5 = ir3 * ir2;
  const z2r2 = 5 * pz * pz * ir2;
  const w0 = 1 - z2r2;
  const w2 = 3 - z2r2;
  const gx = -MU * px * ir3 - KJ2 * px * w0 * ir5 + OM2 * px;
  const gy = -MU * py * ir3 - KJ2 * py * w0 * ir5 + OM2 * py;
  const gz = -MU * pz * ir3 - KJ2 * pz * w2 * ir5;
  const ce = -2 * (omN * vu - omU * vn);
  const cn = -2 * (omU * ve - omE * vu);
  const cu = -2 * (omE * vn - omN * ve);
  const ue = ve - CTX[3]!;
  const un = vn - CTX[4]!;
  const uu = vu;
  const s = Math.sqrt(ue * ue + un * un + uu * uu);
  let h: number;
  if (mode >= POINT) {
    // heightAndNormal written out (one Bowring step), and the expansion about x
    const pp = Math.sqrt(p2);
    const kz = A_OVER_B * pz;
    const ib = 1 / Math.sqrt(p2 + kz * kz);
    const cb = pp * ib;
    const sb = kz * ib;
    const num = pz + WGS84_EP2 * WGS84_B * sb * sb * sb;
    const den = pp - WGS84_E2 * WGS84_A * cb * cb * cb;
    const inv = 1 / Math.sqrt(num * num + den * den);
    let sphi = num * inv;
    let cphi = den * inv;
    h = pp * cphi + pz * sphi - WGS84_A * Math.sqrt(1 - WGS84_E2 * sphi * sphi);
    let clam: number;
    let slam: number;
    if (pp > 1e4 && h < 1e5 && h > -1e5) {
      const ip = 1 / pp;
      clam = px * ip;
      slam = py * ip;
      GEO[0] = cphi * clam;
      GEO[1] = cphi * slam;
      GEO[2] = sphi;
    } else {
      h = geodeticHeight(px, py, pz, GEO);
      sphi = GEO[2]!;
      cphi = Math.sqrt(GEO[0]! * GEO[0]! + GEO[1]! * GEO[1]!);
      clam = cphi > 0 ? GEO[0]! / cphi : 1;
      slam = cphi > 0 ? GEO[1]! / cphi : 0;
    }
    GEO[3] = h;
    const w2e = 1 - WGS84_E2 * sphi * sphi;
    const rn = WGS84_A / Math.sqrt(w2e); // N
    const rm = (rn * (1 - WGS84_E2)) / w2e; // M
    // n̂, t̂ₑ = (−sλ, cλ, 0), t̂ₙ = (−sφcλ, −sφsλ, cφ), ECEF → site ENU
    const nx = GEO[0]!;
    const ny = GEO[1]!;
    const nz = GEO[2]!;
    const ax = -sphi * clam;
    const ay = -sphi * slam;
    HQN[0] = xe;
    HQN[1] = xn;
    HQN[2] = xu;
    HQN[3] = h;
    for (let i = 0; i < 3; i++) {
      const r0 = R[3 * i]!;
      const r1 = R[3 * i + 1]!;
      const r2i = R[3 * i + 2]!;
      HQN[4 + i] = NEN[i] = r0 * nx + r1 * ny + r2i * nz;
      HQN[7 + i] = -r0 * slam + r1 * clam;
      HQN[10 + i] = r0 * ax + r1 * ay + r2i * cphi;
    }
    HQN[13] = 1 / (rn + h);
    HQN[14] = 1 / (rm + h);
  } else {
    const de = xe - HQ[0]!;
    const dn = xn - HQ[1]!;
    const du = xu - HQ[2]!;
    const n0 = HQ[4]!;
    const n1 = HQ[5]!;
    const n2 = HQ[6]!;
    const se = HQ[7]! * de + HQ[8]! * dn + HQ[9]! * du; // t̂ₑ·Δ
    const sn = HQ[10]! * de + HQ[11]! * dn + HQ[12]! * du;
    const te = se * HQ[13]!; // (t̂ₑ·Δ)/(N + h₀)
    const tn = sn * HQ[14]!;
    h = HQ[3]! + n0 * de + n1 * dn + n2 * du + 0.5 * (te * se + tn * sn);
    if (mode === STAGE_JAC) {
      NEN[0] = n0 + te * HQ[7]! + tn * HQ[10]!;
      NEN[1] = n1 + te * HQ[8]! + tn * HQ[11]!;
      NEN[2] = n2 + te * HQ[9]! + tn * HQ[12]!;
    }
  }
  const H = (ISA_EARTH_RADIUS * h) / (ISA_EARTH_RADIUS + h);
  const tropo = H < ISA_TROPOPAUSE;
  const Tstd = tropo ? ISA_T0 - ISA_LAPSE * H : T11;
  const T = Tstd + dT;
  const u = (H - PT_MIN) * PT_INV;
  let pres: number;
  if (u >= 0 && u < PT_CELLS) {
    const i = u | 0;
    const t = u - i;
    const o4 = 4 * i;
    pres = PT[o4]! + t * (PT[o4 + 1]! + t * (PT[o4 + 2]! + t * PT[o4 + 3]!));
  } else {
    pres = isaPressure(H);
  }
  const rho = pres / (ISA_R * T);
  const a = Math.sqrt(ISA_GAMMA * ISA_R * T);
  const seg = SEG[0]!;
  if (seg < 0) dragCoefficientAndSlope(G7, s / a, CD);
  else cdOnSegment(seg, s / a);
  const cd = CD[0]!;
  const k = 0.5 * rho * cd * kappa;
  const ks = k * s;
  ACC[0] = R[0]! * gx + R[1]! * gy + R[2]! * gz + ce - ks * ue;
  ACC[1] = R[3]! * gx + R[4]! * gy + R[5]! * gz + cn - ks * un;
  ACC[2] = R[6]! * gx + R[7]! * gy + R[8]! * gz + cu - ks * uu;
  if (mode === STAGE) return;
  DRG[0] = 0.5 * rho * kappa * s;
  DRG[1] = ue;
  DRG[2] = un;
  DRG[3] = uu;

  const ne = NEN[0]!;
  const nn = NEN[1]!;
  const nu = NEN[2]!;
  let dh = 0;
  let mdot = 0;
  if (s > 0) {
    const sH = ISA_EARTH_RADIUS / (ISA_EARTH_RADIUS + h);
    const dHdh = sH * sH;
    let drho: number;
    let da: number;
    if (tropo) {
      drho = rho * ISA_LAPSE * (1 / T - EXPONENT / Tstd) * dHdh;
      da = ((-a * ISA_LAPSE) / (2 * T)) * dHdh;
    } else {
      drho = -STRAT_SCALE * rho * dHdh;
      da = 0;
    }
    dh = 0.5 * kappa * s * (cd * drho - (rho * CD[1]! * s * da) / (a * a));
    mdot = (ue * ACC[0]! + un * ACC[1]! + uu * ACC[2]!) / (s * a) - ((s * da) / (a * a)) * (ne * ve + nn * vn + nu * vu);
  }
  MACH[0] = s / a;
  MACH[1] = mdot;
  if (mode === POINT) return;

  const ir7 = ir5 * ir2;
  const d0 = -MU * ir3 - KJ2 * w0 * ir5 + OM2;
  const dz = -2 * KJ2 * ir5 - OM2;
  const cpp = 3 * MU * ir5 + 5 * KJ2 * w0 * ir7 - 10 * KJ2 * pz * pz * ir7 * ir2;
  const epz = 10 * KJ2 * pz * ir7;
  const ze = R[2]!;
  const zn = R[5]!;
  const zu = R[8]!;
  const qe = R[0]! * px + R[1]! * py + R[2]! * pz;
  const qn = R[3]! * px + R[4]! * py + R[5]! * pz;
  const qu = R[6]! * px + R[7]! * py + R[8]! * pz;
  const dhe = dh * ue;
  const dhn = dh * un;
  const dhu = dh * uu;
  const gee = d0 + dz * ze * ze + cpp * qe * qe + 2 * epz * ze * qe;
  const gnn = d0 + dz * zn * zn + cpp * qn * qn + 2 * epz * zn * qn;
  const guu = d0 + dz * zu * zu + cpp * qu * qu + 2 * epz * zu * qu;
  const gen = dz * ze * zn + cpp * qe * qn + epz * (ze * qn + qe * zn);
  const geu = dz * ze * zu + cpp * qe * qu + epz * (ze * qu + qe * zu);
  const gnu = dz * zn * zu + cpp * qn * qu + epz * (zn * qu + qn * zu);
  FJ[0] = gee - dhe * ne;
  FJ[1] = gen - dhe * nn;
  FJ[2] = geu - dhe * nu;
  FJ[7] = gen - dhn * ne;
  FJ[8] = gnn - dhn * nn;
  FJ[9] = gnu - dhn * nu;
  FJ[14] = geu - dhu * ne;
  FJ[15] = gnu - dhu * nn;
  FJ[16] = guu - dhu * nu;
  const c1 = s > 0 ? k / s + (0.5 * rho * kappa * CD[1]!) / a : 0;
  const c1e = c1 * ue;
  const c1n = c1 * un;
  const c1u = c1 * uu;
  FJ[3] = -ks - c1e * ue;
  FJ[4] = 2 * omU - c1e * un;
  FJ[5] = -2 * omN - c1e * uu;
  FJ[10] = -2 * omU - c1n * ue;
  FJ[11] = -ks - c1n * un;
  FJ[12] = 2 * omE - c1n * uu;
  FJ[17] = 2 * omN - c1u * ue;
  FJ[18] = -2 * omE - c1u * un;
  FJ[19] = -ks - c1u * uu;
  const kk = 0.5 * rho * cd * s;
  FJ[6] = -kk * ue;
  FJ[13] = -kk * un;
  FJ[20] = -kk * uu;
}

/**
 * The propagator's dynamics, d/dt x (7) at state x into out, with the same signature as ballisticRhs (to
 * which test/predict/impact-dynamics.test.ts holds it). Cd looked up by the Mach number.
 */
export function predictorRhs(x: Float64Array, frame: EnuFrame, out: Float64Array, met?: DynamicsMet): Float64Array {
  setContext(frame, met);
  evalDyn(x, POINT);
  out[0] = x[3]!;
  out[1] = x[4]!;
  out[2] = x[5]!;
  out[3] = ACC[0]!;
  out[4] = ACC[1]!;
  out[5] = ACC[2]!;
  out[6] = 0;
  return out;
}

/** The propagator's Jacobian ∂f/∂x (7×7, row-major) at state x into outF, as ballisticJacobian. */
export function predictorJacobian(x: Float64Array, frame: EnuFrame, outF: Float64Array, met?: DynamicsMet): Float64Array {
  setContext(frame, met);
  evalDyn(x, POINT_JAC);
  outF.fill(0, 0, NX * NX);
  for (let i = 0; i < 3; i++) {
    outF[i * NX + 3 + i] = 1;
    for (let j = 0; j < NX; j++) outF[(3 + i) * NX + j] = FJ[i * NX + j]!;
  }
  return outF;
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
  /** RK4 steps taken, the final partial one included (the root search not counted) */
  steps: 0,
};

const XA = new Float64Array(NX); // state at the start of the step
const XB = new Float64Array(NX); // state at its end
const XS = new Float64Array(NX); // stage point
const KA = new Float64Array(3); // acceleration at XA (RK4 stage 1)
const HS = new Float64Array(1); // signed length of the RK4 step being taken

/**
 * Per-step transition data for the backward pass of `groundFix`: h and the non-trivial blocks of A = h·F,
 * F = [[0, I, 0], [Fp, Fv, fk], [0, 0, 0]] (the EKF Jacobian's structure: ṗ = v, κ̇ = 0): a = h·Fp (3×3),
 * b = h·Fv (3×3), c = h·fk (3). 22 numbers a step; grows on demand.
 */
const STEP_LEN = 22;
let stepStore = new Float64Array(STEP_LEN * 256);

/** Store step k: h = HS[0] and h·(FJ's blocks) (FJ at the step's RK4 midpoint). */
function storeStep(k: number): void {
  if ((k + 1) * STEP_LEN > stepStore.length) {
    const grown = new Float64Array(stepStore.length * 2);
    grown.set(stepStore);
    stepStore = grown;
  }
  const s = stepStore;
  const h = HS[0]!;
  const o = k * STEP_LEN;
  s[o] = h;
  for (let i = 0; i < 3; i++) {
    const row = i * NX;
    const oi = o + i * 3;
    s[oi + 1] = h * FJ[row]!;
    s[oi + 2] = h * FJ[row + 1]!;
    s[oi + 3] = h * FJ[row + 2]!;
    s[oi + 10] = h * FJ[row + 3]!;
    s[oi + 11] = h * FJ[row + 4]!;
    s[oi + 12] = h * FJ[row + 5]!;
    s[o + 19 + i] = h * FJ[row + 6]!;
  }
}

/**
 * One classical RK4 step of HS[0] from XA (stage-1 acceleration in KA) into XB, on the current Cd segment.
 * With `linearise`, the second stage (the midpoint x + h/2·k₁) is evaluated with the Jacobian and stored as
 * step k.
 */
function rk4(linearise: boolean, k: number): void {
  const h = HS[0]!;
  const hh = 0.5 * h;
  const c = h / 6;
  const x = XA;
  const xs = XS;
  xs[6] = x[6]!;
  const v1e = x[3]!;
  const v1n = x[4]!;
  const v1u = x[5]!;
  const a1e = KA[0]!;
  const a1n = KA[1]!;
  const a1u = KA[2]!;
  // stage 2 at x + h/2·k₁
  xs[0] = x[0]! + hh * v1e;
  xs[1] = x[1]! + hh * v1n;
  xs[2] = x[2]! + hh * v1u;
  const v2e = (xs[3] = v1e + hh * a1e);
  const v2n = (xs[4] = v1n + hh * a1n);
  const v2u = (xs[5] = v1u + hh * a1u);
  if (linearise) {
    evalDyn(xs, STAGE_JAC);
    storeStep(k);
  } else {
    evalDyn(xs, STAGE);
  }
  const a2e = ACC[0]!;
  const a2n = ACC[1]!;
  const a2u = ACC[2]!;
  // stage 3 at x + h/2·k₂
  xs[0] = x[0]! + hh * v2e;
  xs[1] = x[1]! + hh * v2n;
  xs[2] = x[2]! + hh * v2u;
  const v3e = (xs[3] = v1e + hh * a2e);
  const v3n = (xs[4] = v1n + hh * a2n);
  const v3u = (xs[5] = v1u + hh * a2u);
  evalDyn(xs, STAGE);
  const a3e = ACC[0]!;
  const a3n = ACC[1]!;
  const a3u = ACC[2]!;
  // stage 4 at x + h·k₃
  xs[0] = x[0]! + h * v3e;
  xs[1] = x[1]! + h * v3n;
  xs[2] = x[2]! + h * v3u;
  const v4e = (xs[3] = v1e + h * a3e);
  const v4n = (xs[4] = v1n + h * a3n);
  const v4u = (xs[5] = v1u + h * a3u);
  evalDyn(xs, STAGE);
  XB[0] = x[0]! + c * (v1e + 2 * v2e + 2 * v3e + v4e);
  XB[1] = x[1]! + c * (v1n + 2 * v2n + 2 * v3n + v4n);
  XB[2] = x[2]! + c * (v1u + 2 * v2u + 2 * v3u + v4u);
  XB[3] = v1e + c * (a1e + 2 * a2e + 2 * a3e + ACC[0]!);
  XB[4] = v1n + c * (a1n + 2 * a2n + 2 * a3n + ACC[1]!);
  XB[5] = v1u + c * (a1u + 2 * a2u + 2 * a3u + ACC[2]!);
  XB[6] = x[6]!;
}

// ---------------------------------------------------------------------------------------------------------
// Steps, as BallisticEkf.predict takes them. Cd(M) is piecewise linear, so ∂f/∂x jumps where the Mach number
// crosses a knot: an RK4 step straddling one is only O(h³) accurate there and its midpoint Jacobian is the
// wrong one for part of the step. From the Mach number and its rate at the step start (the first stage's
// evaluation gives both) the next knot in the direction of integration is found; the step ends there if it
// comes first, and the whole step is evaluated on the segment it starts in, extended linearly past its end, so
// the right-hand side it sees is smooth and a few-ms miss of the knot costs O(miss²). Measured
// (bench/predict.ts, 65 states of four types, against 0.02 s steps): plain 1 s steps moved a 122 mm rocket's
// impact by up to 4.7 m and σ by 3.4 %; steps ending on knots but with Cd looked up by the Mach number (the
// previous version) by 0.10 m and 0.24 %; held on the segment, 0.004 m and 0.19 % (launch points, up to 68 s
// back: 0.97 m and 0.96 % → 0.68 m and 0.85 %).
// ---------------------------------------------------------------------------------------------------------
const KNOTS = G7.mach;
/** Shortest step (s) cut to land on a knot; a knot closer than this has just been reached (as the EKF). */
const MIN_SPLIT = 0.01;
/** the knot-limited step length found by chooseSegment */
const TK = new Float64Array(1);

/**
 * From the stage-1 evaluation (MACH, CD, DRG, ACC) at the step start, going in direction dir: the Cd segment
 * the step is held on (into SEG, re-fitting the stage-1 Cd and acceleration to it when the lookup put it on
 * the other side of the knot just landed on) and the time to the next knot (into TK; ∞ if none).
 */
function chooseSegment(dir: number): void {
  const m0 = MACH[0]!;
  const mdot = dir * MACH[1]!;
  const nk = KNOTS.length;
  let tk = Infinity;
  let seg = -1;
  // (knot − m0)/mdot ≥ MIN_SPLIT, without a division per knot: knot ≥ target going up, ≤ target going down
  const target = m0 + MIN_SPLIT * mdot;
  if (mdot > 0) {
    // the first knot ≥ target (k = nk: beyond the table, Cd constant)
    let lo = 0;
    let hi = nk;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (KNOTS[mid]! < target) lo = mid + 1;
      else hi = mid;
    }
    seg = lo - 1;
    if (lo < nk) tk = (KNOTS[lo]! - m0) / mdot;
  } else if (mdot < 0) {
    // the last knot ≤ target
    let lo = 0;
    let hi = nk;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (KNOTS[mid]! <= target) lo = mid + 1;
      else hi = mid;
    }
    seg = lo - 1;
    if (seg >= 0) tk = (KNOTS[seg]! - m0) / mdot;
  }
  TK[0] = tk;
  SEG[0] = seg;
  if (seg < 0) return;
  const inSeg = seg >= nk - 1 ? m0 >= KNOTS[nk - 1]! : m0 >= KNOTS[seg]! && m0 < KNOTS[seg + 1]!;
  if (inSeg) return;
  const cdOld = CD[0]!;
  cdOnSegment(seg, m0);
  const d = (cdOld - CD[0]!) * DRG[0]!; // a_d = −½ρκ·Cd·s·u
  ACC[0] = ACC[0]! + d * DRG[1]!;
  ACC[1] = ACC[1]! + d * DRG[2]!;
  ACC[2] = ACC[2]! + d * DRG[3]!;
}

/** Rate of change of the geodetic height along the motion (forward time): n̂·v with n̂ in NEN. */
function heightRateEnu(x: Float64Array): number {
  return NEN[0]! * x[3]! + NEN[1]! * x[4]! + NEN[2]! * x[5]!;
}

/** n̂·v with n̂ the ECEF normal in GEO (after heightAt) and v the state's velocity (site ENU). */
function heightRateEcef(x: Float64Array): number {
  const R = cR;
  let s = 0;
  for (let i = 0; i < 3; i++) s += GEO[i]! * (R[i]! * x[3]! + R[3 + i]! * x[4]! + R[6 + i]! * x[5]!);
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
 */
export function propagateToTerrain(
  x0: Float64Array, frame: EnuFrame, terrainAlt: number, dir: 1 | -1, linearise: boolean, opts: PredictOptions = {},
): boolean {
  const maxTime = opts.maxTime ?? DEFAULT_MAX_TIME;
  const step = opts.step ?? DEFAULT_STEP;
  setContext(frame, opts.met);
  for (let i = 0; i < NX; i++) XA[i] = x0[i]!;
  evalDyn(XA, POINT); // stage 1 of the first step
  copy(HQ, HQN, 15);
  let g0 = GEO[3]! - terrainAlt;
  if (!(g0 >= 0)) return false;
  let elapsed = 0; // |time| propagated so far
  let steps = 0;
  while (elapsed < maxTime) {
    let hAbs = Math.min(step, maxTime - elapsed);
    chooseSegment(dir);
    const tk = TK[0]!;
    if (tk < hAbs - MIN_SPLIT) hAbs = tk;
    const seg = SEG[0]!;
    KA[0] = ACC[0]!;
    KA[1] = ACC[1]!;
    KA[2] = ACC[2]!;
    const gd0 = dir * heightRateEnu(XA); // dg/dτ at the step start
    HS[0] = dir * hAbs;
    rk4(linearise, steps);
    SEG[0] = -1;
    evalDyn(XB, POINT); // the height at the step end, and stage 1 of the next step
    const g1 = GEO[3]! - terrainAlt;
    if (g1 > 0) {
      copy(XA, XB, NX);
      copy(HQ, HQN, 15);
      g0 = g1;
      elapsed += hAbs;
      steps++;
      continue;
    }
    if (!(g1 <= 0)) return false; // NaN: the state blew up
    // The crossing is inside this step: bracketed Newton on τ ∈ (0, hAbs], g(τ) = h(RK4(XA, dir·τ)) − terrain,
    // dg/dτ = dir·n̂·v, from the Hermite guess; a step that leaves the bracket falls back to regula falsi, then
    // bisection. The step's Cd segment is kept (τ ≤ hAbs ends no later than the knot).
    const gd1 = dir * heightRateEnu(XB);
    SEG[0] = seg;
    let lo = 0; // g ≥ 0
    let hi = hAbs; // g ≤ 0
    let glo = g0;
    let ghi = g1;
    let tau = glo > 0 ? hAbs * hermiteRoot(glo, ghi, gd0 * hAbs, gd1 * hAbs) : 0;
    for (let it = 0; it < 40; it++) {
      HS[0] = dir * tau;
      rk4(linearise, steps); // with `linearise` the last of these leaves the final partial step stored
      heightAt(XB);
      const g = GEO[3]! - terrainAlt;
      if (Math.abs(g) < 1e-6 || hi - lo < 1e-12) break;
      if (g > 0) {
        lo = tau;
        glo = g;
      } else {
        hi = tau;
        ghi = g;
      }
      let next = tau - g / (dir * heightRateEcef(XB));
      if (!(next > lo && next < hi)) next = lo + ((hi - lo) * glo) / (glo - ghi);
      if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
      tau = next;
    }
    SEG[0] = -1;
    copy(CROSSING.x, XB, NX);
    CROSSING.normalEcef[0] = GEO[0]!;
    CROSSING.normalEcef[1] = GEO[1]!;
    CROSSING.normalEcef[2] = GEO[2]!;
    CROSSING.dt = dir * (elapsed + tau);
    CROSSING.steps = steps + 1;
    return true;
  }
  SEG[0] = -1;
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
  copy(cR, frame.r, 9);
  copy(cO, frame.originEcef, 3);
  heightAt(x);
  out.lat = lat * (180 / Math.PI);
  out.lon = lon * (180 / Math.PI);
  out.alt = GEO[3]!;
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
