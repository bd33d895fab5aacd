/**
 * Ballistic tracking filter: an extended Kalman filter on a 7-D state
 *
 *   x = [e, n, u, vₑ, vₙ, vᵤ, κ]   (ENU of the site frame, m and m/s Earth-fixed; κ = i·S/m in m²/kg)
 *
 * Dynamics (the same unpowered point-mass model as physics/dynamics.ts), with nothing flat-earth: the position
 * goes to ECEF, p = Rᵀ·pos + o (R the frame's rotation, o its origin), for gravity and height, and
 *
 *   a = R·(g(p) − Ω×(Ω×p)) − 2Ω_enu×v − ½·ρ(h)·|u|·u·Cd_G7(|u|/a(h))·κ,   u = v − w,   h = geodetic height of p,
 *
 * with g the WGS-84 central + J2 gravity, Ω_enu = R·Ω the Earth's rotation seen in the frame, w the wind (the
 * air's velocity, constant with height; zero by default) and ρ, a the ISA with an optional temperature offset
 * (ISA+ΔT: standard pressure profile, temperature shifted), exactly as the truth model applies them. Drag,
 * Coriolis and the velocity never leave the ENU frame: that is the same vector algebra as rotating them through
 * ECEF and back, minus two rotations. The tracker does not know the threat type; κ is estimated (random walk).
 *
 * Prediction: RK4 steps of at most maxStep (default 1 s), each ended on a knot of the Cd table if the Mach
 * number would cross one (Cd's slope jumps there, and a step across it loses accuracy); per step the
 * transition matrix Φ is the exact derivative of the RK4 step (the Jacobian F at each of the four stages), and
 * P ← Φ·P·Φᵀ + Q (white acceleration of spectral density q on each axis, random walk qKappa on κ). The
 * dynamics, the knot-ended steps and the RK4 step are one evaluator (evalDynamics, chooseSegment, rk4Step
 * below), exported: the impact and launch predictor (predict/impact.ts) propagates tracks with it, so the
 * prediction is the filter's own model by construction. It takes two shortcuts, both far below the
 * integration error: the ISA pressure from a cubic table (≤ 1e-11 relative) and, at the RK4 stages inside a
 * step, the geodetic height from its second-order expansion about the step start (≤ 2e-6 m). Update:
 * polar radar measurement (range, az, el, optional range rate) computed exactly through ECEF into the radar's
 * own ENU frame; Joseph form; Cholesky solves only.
 *
 * Why the linear algebra is written out by hand on Float64Array: every matrix here is 3×3 … 7×7 and the
 * tracker runs a predict and an update per plot, 300 000 times a second on one core. A generic routine (ours
 * in core/linalg.ts, or a library's, which also allocates per result) spends as much on loop and shape
 * bookkeeping as on arithmetic and cannot see structure, and the structure is most of the work: F is
 * [[0, I, 0], [F_p, F_v, F_κ], [0, 0, 0]], so each RK4 stage's share of Φ is two 3×3-by-3×7 products;
 * Φ's last row is e₇ᵀ and P is symmetric, so Φ·P·Φᵀ needs 6×7 + 21 inner products; H is zero in its κ
 * column (and in its velocity columns except on the range-rate row) and m ≤ 4. The same care goes to V8:
 * no double crosses a call boundary that V8 does not inline (it would be boxed, i.e. allocated), which is
 * why scratch results go through typed arrays. All workspaces are preallocated: no allocation per
 * predict/update in steady state (update's small result object aside). Cost on one core (bench/filter.ts):
 * predict over 1 s ≈ 1.1 µs (1.3 µs before the evaluator took over the predictor's two shortcuts), update
 * ≈ 0.7 µs, against 22 µs and 5 µs for the generic version.
 */
import { cholesky, mahalanobis2, symmetrize } from '../core/linalg.js';
import { WGS84_A, WGS84_B, WGS84_E2, WGS84_EP2, WGS84_GM, WGS84_OMEGA, geodeticHeight, type EnuFrame } from '../geo/wgs84.js';
import { ISA_EARTH_RADIUS, ISA_G0, ISA_GAMMA, ISA_LAPSE, ISA_P0, ISA_R, ISA_T0, ISA_TROPOPAUSE } from '../physics/atmosphere.js';
import { G7, dragCoefficientAndSlope } from '../physics/drag.js';
import { WGS84_J2 } from '../physics/dynamics.js';
import { addWhiteAcceleration } from './process-noise.js';

export const NX = 7;

/** A radar as the filter sees it: its own ENU frame (origin at the antenna). */
export interface RadarLike {
  frame: EnuFrame;
}
/** The measured values (a Plot fits). */
export interface PolarMeasurement {
  range: number;
  az: number;
  el: number;
  rangeRate?: number;
}
export interface MeasurementSigmas {
  range: number;
  az: number;
  el: number;
  rangeRate?: number;
}

/**
 * Meteorological data for the dynamics, as physics/trajectory.ts `fly` takes them. Omitted fields (or no met at
 * all) mean still air and the standard atmosphere.
 */
export interface EkfMet {
  /** the air's velocity (m/s) towards the east and north of the filter's frame, constant with height */
  wind?: { east: number; north: number };
  /** K added to the ISA temperature at every height (the pressure profile stays standard) */
  temperatureOffsetK?: number;
}

// =========================================================================================================
// The dynamics evaluator: the one implementation of the dynamics above. BallisticEkf.predict, ballisticRhs /
// ballisticJacobian and the impact / launch predictor (predict/impact.ts, which propagates a track with the
// filter's own model) all evaluate through it, so that the filter and the prediction cannot drift apart.
//
// Why it is written out by hand on module scratch: it runs four times per RK4 step, over a million times a
// second between the tracker and the predictor, and much of its cost was a few library calls (square roots,
// exp/log, the geodetic height's trigonometry) that the shortcuts below avoid. V8 boxes (allocates) a double returned from, or passed to, a call it does not
// inline, so results go into typed arrays, never through return values or number arguments; and module state
// keeps the context (frame, met, Cd segment) out of the argument lists. Single-threaded: every entry point
// sets the context before evaluating, and nothing here is re-entrant.
//
// Exported for predict/impact.ts (the predictor), with BallisticEkf.predict as the reference use:
//   setDynamics(frame, met)       the evaluation context; also resets SEG to −1 (Cd looked up by Mach number)
//   evalDynamics(x, mode)         one evaluation at state x; outputs ACC and, by mode (EVAL_*), GEO, NEN, MACH,
//                                 FJ and the height expansion the following RK4 stages use; EVAL_HEIGHT: only
//                                 the exact geodetic height and normal (GEO)
//   chooseSegment(dir)            after an EVAL_POINT / EVAL_POINT_JAC evaluation at a step start: the Cd
//                                 segment to hold the step on (into SEG) and the time to the next knot (KNOT_T)
//   beginStep(); rk4Step(x, out, jac)   one classical RK4 step of STEP_H[0] (s, signed) from x
// =========================================================================================================

// ---------------------------------------------------------------------------------------------------------
// Evaluation context: the frame and met the dynamics are evaluated with.
// ---------------------------------------------------------------------------------------------------------
// Copied rather than referenced, so that the evaluation reads module constants (fixed objects to the
// optimising compiler) rather than a reassigned module variable.
const cR = new Float64Array(9); // frame rotation ECEF → ENU (row-major)
const cO = new Float64Array(3); // frame origin (ECEF)
// Numbers in a typed array rather than module-level lets: a double stored in a let is boxed (allocated) on
// every assignment. [Ωₑ, Ωₙ, Ωᵤ] = Ω in the frame's ENU, ω·R·e_z = ω·(R[2], R[5], R[8]); [wₑ, wₙ] = wind in the
// frame's ENU (no vertical component); ΔT = ISA temperature offset (K).
const CTX = new Float64Array(6);
const C_OME = 0;
const C_OMN = 1;
const C_OMU = 2;
const C_WE = 3;
const C_WN = 4;
const C_DT = 5;
/**
 * Cd-table segment every evaluation uses (−1: look the Mach number up). RK4 steps hold it for all four stages
 * (see chooseSegment); a caller that sets it resets it to −1 when done.
 */
export const SEG = new Int32Array(1);
SEG[0] = -1;

function useContext(frame: EnuFrame, windE: number, windN: number, dT: number): void {
  const R = frame.r;
  const o = frame.originEcef;
  for (let i = 0; i < 9; i++) cR[i] = R[i]!;
  for (let i = 0; i < 3; i++) cO[i] = o[i]!;
  CTX[C_OME] = WGS84_OMEGA * R[2]!;
  CTX[C_OMN] = WGS84_OMEGA * R[5]!;
  CTX[C_OMU] = WGS84_OMEGA * R[8]!;
  CTX[C_WE] = windE;
  CTX[C_WN] = windN;
  CTX[C_DT] = dT;
  SEG[0] = -1;
}

/** Evaluate in `frame` (site ENU) with `met` (none: still air, standard atmosphere) from now on; SEG = −1. */
export function setDynamics(frame: EnuFrame, met: EkfMet | undefined): void {
  useContext(frame, met?.wind?.east ?? 0, met?.wind?.north ?? 0, met?.temperatureOffsetK ?? 0);
}

// ---------------------------------------------------------------------------------------------------------
// Height above the ellipsoid (computed in evalDynamics)
// ---------------------------------------------------------------------------------------------------------
/** Ellipsoid normal (ECEF) = ∂h/∂p (0..2) and height h (3) of the last exact height (all modes from EVAL_HEIGHT). */
export const GEO = new Float64Array(4);
const A_OVER_B = WGS84_A / WGS84_B;

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
 * divisions, the longest chain in an evaluation (the predictor's propagation 20 % faster).
 * Layout: [x₀ (3), h₀, n̂ (3), t̂ₑ (3), t̂ₙ (3), 1/(N + h₀), 1/(M + h₀)], all vectors in the site ENU.
 */
const HQ = new Float64Array(15); // the expansion the current step's stages use (about its start; beginStep)
const HQN = new Float64Array(15); // the one the last EVAL_POINT / EVAL_POINT_JAC evaluation computed

// ---------------------------------------------------------------------------------------------------------
// ISA pressure and the G7 table
// ---------------------------------------------------------------------------------------------------------
const EXPONENT = ISA_G0 / (ISA_R * ISA_LAPSE);
const T11 = ISA_T0 - ISA_LAPSE * ISA_TROPOPAUSE;
const STRAT_SCALE = ISA_G0 / (ISA_R * T11);
const MU = WGS84_GM;
const KJ2 = 1.5 * WGS84_GM * WGS84_J2 * WGS84_A * WGS84_A;
const OM2 = WGS84_OMEGA * WGS84_OMEGA;
const P11 = ISA_P0 * Math.pow(T11 / ISA_T0, EXPONENT); // tropopause pressure, as physics/atmosphere.ts has it

/**
 * The ISA pressure (Pa) at geopotential height H (m): physics/atmosphere.ts's formula written out (its helpers
 * return doubles from calls V8 does not inline here, which allocates), θ^EXP as exp(EXP·ln θ), half the time
 * of Math.pow and the same to an ulp or so (≤ 1e-15 relative).
 */
function isaPressure(H: number): number {
  return H < ISA_TROPOPAUSE ? ISA_P0 * Math.exp(EXPONENT * Math.log((ISA_T0 - ISA_LAPSE * H) / ISA_T0)) : P11 * Math.exp(-STRAT_SCALE * (H - ISA_TROPOPAUSE));
}

/**
 * The pressure profile as a table: cubic Hermite cells of PT_STEP m in geopotential height from PT_MIN to
 * PT_MAX (p and dp/dH = −p·g₀/(R·T_std) exact at the nodes; the tropopause is a node, so each cell lies on one
 * analytic piece), four coefficients a cell. It stands in for isaPressure's exp and log, two library calls
 * that took a fifth of an evaluation's time, and is off from it by ≤ 1.0e-11 relative (sampled every 0.37 m
 * over the whole table), a density error eight orders below what a track's κ resolves. Outside the table
 * (below −2 km, above 32 km) the formula itself is used. The pressure profile does not depend on the met:
 * ISA+ΔT shifts the temperature only.
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
/**
 * A rare path's call result, passed through a typed array so that the variable it joins stays an unboxed
 * double: `x = cond ? table : call()` makes V8 keep x tagged on both paths and allocate a heap number for the
 * common one at every evaluation (measured: ≈ 40 bytes an evaluation, a quarter of the engine's allocation
 * in a 1,000-round salvo, paid for in scavenges of 1–7 ms in the service's batches).
 */
const RARE = new Float64Array(1);

/**
 * Cd and dCd/dM into CD from segment `seg` of the G7 table, extended linearly past its ends (the last
 * "segment" is the constant beyond the table): the same numbers as dragCoefficientAndSlope inside the
 * segment, and a smooth continuation just outside it. RK4 steps hold each step on one segment, so that no
 * step sees the slope jump at a knot (see chooseSegment).
 */
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

// ---------------------------------------------------------------------------------------------------------
// The evaluation: acceleration, and with it what its callers need (one evaluation gives all of it, sharing
// height, atmosphere and drag lookup).
// ---------------------------------------------------------------------------------------------------------
/** acceleration (ENU, m/s²) */
export const ACC = new Float64Array(3);
/** ∂a/∂x (3×7: ∂a/∂pos | ∂a/∂v | ∂a/∂κ), i.e. rows 3..5 of the Jacobian F, laid out as F's rows are */
export const FJ = new Float64Array(3 * NX);
/** Mach number and its rate of change along the state's motion (forward time), from EVAL_POINT / EVAL_POINT_JAC */
export const MACH = new Float64Array(2);
/** ellipsoid normal at the state (site ENU): ∇h, so that ḣ = NEN·v */
export const NEN = new Float64Array(3);
const DRG = new Float64Array(4); // ½ρκ·s and u = v − w: what re-fitting Cd to another segment needs

/**
 * Evaluation modes, by what they give:
 * - EVAL_STAGE: ACC; the height from the expansion about the step start (HQ). An RK4 stage inside a step.
 * - EVAL_STAGE_JAC: as EVAL_STAGE, plus FJ (and NEN, the expansion's gradient, which FJ uses).
 * - EVAL_HEIGHT: the exact height and normal (GEO) only, not even ACC.
 * - EVAL_EXACT: ACC, with the exact height and normal (GEO). ballisticRhs.
 * - EVAL_POINT: ACC, the exact height (GEO), the expansion about x (for the stages of a step starting at x;
 *   see beginStep), NEN and MACH. A step start or end.
 * - EVAL_POINT_JAC: as EVAL_POINT, plus FJ.
 */
export const EVAL_STAGE = 0;
export const EVAL_STAGE_JAC = 1;
export const EVAL_HEIGHT = 2;
export const EVAL_EXACT = 3;
export const EVAL_POINT = 4;
export const EVAL_POINT_JAC = 5;

/**
 * The dynamics at state x (site ENU) in the current context (frame, wind, temperature offset, Cd segment):
 * the acceleration into ACC and, by `mode` (EVAL_*), the rest. One function, the height written out in it
 * rather than called: a call V8 does not inline costs more than the Bowring step itself, and doubles passed
 * to it would be boxed.
 */
export function evalDynamics(x: Float64Array, mode: number): void {
  const R = cR;
  const o = cO;
  const xe = x[0]!;
  const xn = x[1]!;
  const xu = x[2]!;
  // column i of R = Rᵀ row i: p = Rᵀ·pos + o
  const px = R[0]! * xe + R[3]! * xn + R[6]! * xu + o[0]!;
  const py = R[1]! * xe + R[4]! * xn + R[7]! * xu + o[1]!;
  const pz = R[2]! * xe + R[5]! * xn + R[8]! * xu + o[2]!;
  const p2 = px * px + py * py;
  let h: number;
  if (mode >= EVAL_HEIGHT) {
    // Height above the WGS-84 ellipsoid and the unit ellipsoid normal (ECEF) into GEO: geo/wgs84.ts
    // geodeticHeight's Bowring iteration, once, in closed form: from tan β₀ = (a/b)·z/p,
    //   cos β₀ = p/√(p² + (a z/b)²), sin β₀ = (a z/b)/√(…),  tan φ = (z + e′²b·sin³β₀)/(p − e²a·cos³β₀),
    //   h = p·cos φ + z·sin φ − a·√(1 − e²sin²φ).
    // One Bowring step is already exact to rounding here: against the library's two iterations it differs by
    // ≤ 4 nm in height and 5e-12 in the normal anywhere within 50 km and 60 km up (measured at latitudes
    // 0–89°). Square roots and two divisions instead of the library's ten calls to sin, cos and atan2 (≈ 25 ns
    // instead of 60). Near the polar axis and far from the ground it hands over to the library routine.
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
      // through the typed array, not straight into h: a call's result is a tagged value, and a variable
      // that is a double on one path and a call's result on another is kept boxed on every path — a heap
      // number allocated at every evaluation (see RARE)
      GEO[3] = geodeticHeight(px, py, pz, GEO);
      h = GEO[3]!;
      sphi = GEO[2]!;
      cphi = Math.sqrt(GEO[0]! * GEO[0]! + GEO[1]! * GEO[1]!);
      clam = cphi > 0 ? GEO[0]! / cphi : 1;
      slam = cphi > 0 ? GEO[1]! / cphi : 0;
    }
    GEO[3] = h;
    if (mode === EVAL_HEIGHT) return;
    if (mode >= EVAL_POINT) {
      // the expansion about x (see HQ), and the normal in the site ENU
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
    }
  } else {
    // the expansion about the step start (see HQ)
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
    if (mode === EVAL_STAGE_JAC) {
      NEN[0] = n0 + te * HQ[7]! + tn * HQ[10]!;
      NEN[1] = n1 + te * HQ[8]! + tn * HQ[11]!;
      NEN[2] = n2 + te * HQ[9]! + tn * HQ[12]!;
    }
  }
  const ve = x[3]!;
  const vn = x[4]!;
  const vu = x[5]!;
  const kappa = x[6]!;
  const omE = CTX[C_OME]!;
  const omN = CTX[C_OMN]!;
  const omU = CTX[C_OMU]!;
  const dT = CTX[C_DT]!;
  // Gravity, central + J2:  g_i = −μ·p_i/r³ − K·p_i·w_i/r⁵,  K = 1.5·μ·J2·A²,  w = (1, 1, 3) − 5z²/r²;
  // centrifugal −Ω×(Ω×p) = ω²·(x, y, 0). Both in ECEF, then rotated into ENU.
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
  // Coriolis −2Ω×v, in ENU.
  const ce = -2 * (omN * vu - omU * vn);
  const cn = -2 * (omU * ve - omE * vu);
  const cu = -2 * (omE * vn - omN * ve);
  // Drag on the air-relative velocity: a_d = −k·s·u with u = v − w, s = |u|, k = ½·ρ·Cd(s/a)·κ.
  const ue = ve - CTX[C_WE]!;
  const un = vn - CTX[C_WN]!;
  const uu = vu;
  const s = Math.sqrt(ue * ue + un * un + uu * uu);
  // ISA+ΔT: physics/atmosphere.ts isaDensityAndSound written out (see isaPressure), the pressure from its
  // table (see PT).
  const H = (ISA_EARTH_RADIUS * h) / (ISA_EARTH_RADIUS + h);
  const tropo = H < ISA_TROPOPAUSE;
  const Tstd = tropo ? ISA_T0 - ISA_LAPSE * H : T11;
  const T = Tstd + dT;
  const ut = (H - PT_MIN) * PT_INV;
  let pres: number;
  if (ut >= 0 && ut < PT_CELLS) {
    const i = ut | 0;
    const t = ut - i;
    const o4 = 4 * i;
    pres = PT[o4]! + t * (PT[o4 + 1]! + t * (PT[o4 + 2]! + t * PT[o4 + 3]!));
  } else {
    RARE[0] = isaPressure(H); // (see RARE)
    pres = RARE[0]!;
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
  if (mode === EVAL_STAGE || mode === EVAL_EXACT) return;

  // Drag through ρ(h) and a(h) (M = s/a): ∂a_d/∂pos = −dh·u·n̂ᵀ with n̂ = ∇h the ellipsoid normal (in ENU) and
  //   dh = ½κ·s·(Cd·dρ/dh − ρ·Cd′·(s/a²)·da/dh).
  // ISA+ΔT, T = T_std(H) + ΔT, H = R₀h/(R₀+h), dH/dh = (R₀/(R₀+h))²:
  //   troposphere (p ∝ T_std^EXP): dρ/dH = ρ·L·(1/T − EXP/T_std), da/dH = −a·L/(2T);
  //   stratosphere (T const, p ∝ exp(−c·H)): dρ/dH = −c·ρ, da/dH = 0.
  const ne = NEN[0]!;
  const nn = NEN[1]!;
  const nu = NEN[2]!;
  const sH = ISA_EARTH_RADIUS / (ISA_EARTH_RADIUS + h);
  const dHdh = sH * sH;
  const da = tropo ? ((-a * ISA_LAPSE) / (2 * T)) * dHdh : 0;
  if (mode >= EVAL_POINT) {
    // At a step start only: the Mach number and its rate (for the knots, chooseSegment), with
    // dM/dt = u·u̇/(s·a) − (s/a²)·(da/dh)·ḣ, u̇ = the acceleration (wind is constant), ḣ = n̂·v; and what
    // re-fitting Cd to another segment needs.
    MACH[0] = s / a;
    MACH[1] = s > 0 ? (ue * ACC[0]! + un * ACC[1]! + uu * ACC[2]!) / (s * a) - ((s * da) / (a * a)) * (ne * ve + nn * vn + nu * vu) : 0;
    DRG[0] = 0.5 * rho * kappa * s;
    DRG[1] = ue;
    DRG[2] = un;
    DRG[3] = uu;
    if (mode === EVAL_POINT) return;
  }
  let dh = 0;
  if (s > 0) {
    const drho = tropo ? rho * ISA_LAPSE * (1 / T - EXPONENT / Tstd) * dHdh : -STRAT_SCALE * rho * dHdh;
    dh = 0.5 * kappa * s * (cd * drho - (rho * CD[1]! * s * da) / (a * a));
  }

  // ∂(gravity + centrifugal)/∂p in ECEF. Differentiating g_i term by term (∂r/∂p_j = p_j/r,
  // ∂(z²/r²)/∂p_j = 2zδ_jz/r² − 2z²p_j/r⁴) and collecting:
  //   G = d₀·I + (d₂ − d₀)·e_z·e_zᵀ + c·p·pᵀ + e·(e_z·pᵀ + p·e_zᵀ),
  //   d₀ = −μ/r³ − K·w₀/r⁵, d₂ − d₀ = −2K/r⁵, c = 3μ/r⁵ + 5K·w₀/r⁷ − 10K·z²/r⁹, e = 10K·z/r⁷,
  // plus ω²·(I − e_z·e_zᵀ). Rotated into ENU (R·I·Rᵀ = I, R·e_z = ẑ, R·p = q) it stays in that form, so the
  // 3×3 block is built from two vectors rather than rotated (and the large |p| never cancels in a rotation).
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
  // ∂a/∂v: Coriolis −2[Ω]ₓ, and drag −k(s·I + u·uᵀ/s) − ½ρκ·Cd′/a·u·uᵀ (∂Cd/∂v = Cd′·u/(s·a); ∂u/∂v = I).
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
  // ∂a/∂κ = −½ρ·Cd·s·u
  const kk = 0.5 * rho * cd * s;
  FJ[6] = -kk * ue;
  FJ[13] = -kk * un;
  FJ[20] = -kk * uu;
}

// ---------------------------------------------------------------------------------------------------------
// Steps. Cd(M) is piecewise linear, so its slope, and with it ∂f/∂x, jumps at the knots of the table, and a
// Runge–Kutta step that straddles a jump in the right-hand side's derivative loses its order, and a transition
// matrix built from Jacobians at the stage points takes the slope of whichever side a stage lands on. So, as
// an integrator treats any switching right-hand side: from the Mach number and its rate at the start of a step
// (which the first RK4 stage evaluates anyway) find the next knot in the direction of integration; end the
// step there if it comes first; and evaluate the whole step on the segment it starts in, extended linearly
// past its end, so the right-hand side the step sees is smooth and a few-ms miss of the knot costs O(miss²).
// Measured: see BallisticEkf.predict and predict/impact.ts.
// ---------------------------------------------------------------------------------------------------------
const KNOTS = G7.mach;
/** Shortest step (s) cut to land on a knot; a knot closer than this has just been reached and is stepped over. */
export const MIN_SPLIT = 0.01;
/** the time (s, ≥ MIN_SPLIT; ∞ if none) to the next knot, from chooseSegment */
export const KNOT_T = new Float64Array(1);

/**
 * From an EVAL_POINT or EVAL_POINT_JAC evaluation at a step start, going in time direction dir (±1): the Cd
 * segment the step is held on, into SEG (the one the next knot closes; −1 when no knot lies ahead: look up),
 * and the time to that knot, into KNOT_T. Returns true when the evaluation had looked its Cd up on the other
 * side of the knot just landed on: ACC has then been re-fitted to the step's segment, MACH and FJ have not
 * (a caller that needs them evaluates again, now on SEG). Knots by binary search, without a division per knot.
 */
export function chooseSegment(dir: number): boolean {
  const m0 = MACH[0]!;
  const mdot = dir * MACH[1]!;
  const nk = KNOTS.length;
  let tk = Infinity;
  let seg = -1;
  // (knot − m0)/mdot ≥ MIN_SPLIT: knot ≥ target going up, ≤ target going down
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
  KNOT_T[0] = tk;
  SEG[0] = seg;
  if (seg < 0) return false;
  const inSeg = seg >= nk - 1 ? m0 >= KNOTS[nk - 1]! : m0 >= KNOTS[seg]! && m0 < KNOTS[seg + 1]!;
  if (inSeg) return false;
  const cdOld = CD[0]!;
  cdOnSegment(seg, m0);
  const d = (cdOld - CD[0]!) * DRG[0]!; // a_d = −½ρκ·Cd·s·u
  ACC[0] = ACC[0]! + d * DRG[1]!;
  ACC[1] = ACC[1]! + d * DRG[2]!;
  ACC[2] = ACC[2]! + d * DRG[3]!;
  return true;
}

// ---------------------------------------------------------------------------------------------------------
// The RK4 step
// ---------------------------------------------------------------------------------------------------------
/** signed length (s) of the RK4 step rk4Step takes (a typed array: a fractional double argument is boxed) */
export const STEP_H = new Float64Array(1);
const KA = new Float64Array(3); // stage-1 acceleration of the current step (beginStep)
const XS = new Float64Array(NX); // stage point
// B₁ … B₄ of BallisticEkf's Φ (see rk4Step)
const BS = new Float64Array(4 * 3 * NX);

/**
 * Start a step at the state of the last EVAL_POINT / EVAL_POINT_JAC evaluation (and chooseSegment, if any):
 * its acceleration becomes the step's first RK4 stage and its height expansion the one the other stages use.
 * The step can then be taken any number of times, with any STEP_H, from the same state.
 */
export function beginStep(): void {
  KA[0] = ACC[0]!;
  KA[1] = ACC[1]!;
  KA[2] = ACC[2]!;
  for (let i = 0; i < 15; i++) HQ[i] = HQN[i]!;
}

/**
 * One classical RK4 step of STEP_H[0] from x (the state beginStep started from) into out (which may be x:
 * d pos/dt = v, dv/dt = a, dκ/dt = 0), on the current Cd segment. jac = 0: the state only. jac = 1: also the
 * Jacobian at the second stage, the midpoint x + h/2·k₁, left in FJ (the predictor's per-step transition).
 * jac = 2: the step's exact derivative Φ = ∂x⁺/∂x, as BallisticEkf.predict takes it (B₁ … B₄ below; FJ holds
 * stage 1's Jacobian on entry, from an EVAL_POINT_JAC evaluation):
 *   with kᵢ the stage slopes and Jᵢ = ∂kᵢ/∂x,
 *   J₁ = F(x₁), J₂ = F(x₂)·(I + h/2·J₁), J₃ = F(x₃)·(I + h/2·J₂), J₄ = F(x₄)·(I + h·J₃),
 *   Φ = I + h/6·(J₁ + 2J₂ + 2J₃ + J₄),
 * F the analytic Jacobian at each stage point (evaluated with the stage's acceleration, sharing its height,
 * atmosphere and drag lookup). Being the derivative of the very map that moves the state, Φ stays right for
 * steps as long as the state's own accuracy allows (1 s); a third-order series of exp(hF) at the midpoint
 * alone was cheaper but off by O(h²) — 2 % of ∂pos/∂κ over a 1 s step.
 * F = [[0, I, 0], [F_p, F_v, F_κ], [0, 0, 0]] (F_p, F_v, F_κ: FJ) gives every Jᵢ the form [[Tᵢ], [Bᵢ], [0]]
 * with T₁ = E = [0, I, 0] and Tᵢ = E + cᵢ·Bᵢ₋₁ (c₂ = c₃ = h/2, c₄ = h), so the bottoms are all there is:
 *   B₁ = FJ₁,  Bᵢ = FJᵢ + cᵢ·([0, F_p, 0] + F_v·Bᵢ₋₁ + cᵢ₋₁·F_p·Bᵢ₋₂)   (the last term from i = 3),
 *   Φ rows 0..2 = [I, hI, 0] + h²/6·(B₁ + B₂ + B₃),  rows 3..5 = [0, I, 0] + h/6·(B₁ + 2B₂ + 2B₃ + B₄),
 * (wᵢcᵢ = h²/6 for i = 2, 3, 4), and Φ's last row is e₇ᵀ for good: two 3×3 by 3×7 products a stage
 * (stageB); BallisticEkf assembles Φ from them.
 */
export function rk4Step(x: Float64Array, out: Float64Array, jac: 0 | 1 | 2): void {
  const h = STEP_H[0]!;
  const hh = 0.5 * h;
  const c = h / 6;
  const xs = XS;
  xs[6] = x[6]!;
  const x0 = x[0]!;
  const x1 = x[1]!;
  const x2 = x[2]!;
  // stage 1 at x (evaluated before beginStep)
  const v1e = x[3]!;
  const v1n = x[4]!;
  const v1u = x[5]!;
  const a1e = KA[0]!;
  const a1n = KA[1]!;
  const a1u = KA[2]!;
  if (jac === 2) stageB(1);
  // stage 2 at x + h/2·k₁
  xs[0] = x0 + hh * v1e;
  xs[1] = x1 + hh * v1n;
  xs[2] = x2 + hh * v1u;
  const v2e = (xs[3] = v1e + hh * a1e);
  const v2n = (xs[4] = v1n + hh * a1n);
  const v2u = (xs[5] = v1u + hh * a1u);
  evalDynamics(xs, jac === 0 ? EVAL_STAGE : EVAL_STAGE_JAC);
  const a2e = ACC[0]!;
  const a2n = ACC[1]!;
  const a2u = ACC[2]!;
  if (jac === 2) stageB(2);
  // stage 3 at x + h/2·k₂
  xs[0] = x0 + hh * v2e;
  xs[1] = x1 + hh * v2n;
  xs[2] = x2 + hh * v2u;
  const v3e = (xs[3] = v1e + hh * a2e);
  const v3n = (xs[4] = v1n + hh * a2n);
  const v3u = (xs[5] = v1u + hh * a2u);
  evalDynamics(xs, jac === 2 ? EVAL_STAGE_JAC : EVAL_STAGE);
  const a3e = ACC[0]!;
  const a3n = ACC[1]!;
  const a3u = ACC[2]!;
  if (jac === 2) stageB(3);
  // stage 4 at x + h·k₃
  xs[0] = x0 + h * v3e;
  xs[1] = x1 + h * v3n;
  xs[2] = x2 + h * v3u;
  const v4e = (xs[3] = v1e + h * a3e);
  const v4n = (xs[4] = v1n + h * a3n);
  const v4u = (xs[5] = v1u + h * a3u);
  evalDynamics(xs, jac === 2 ? EVAL_STAGE_JAC : EVAL_STAGE);
  if (jac === 2) stageB(4);
  out[0] = x0 + c * (v1e + 2 * v2e + 2 * v3e + v4e);
  out[1] = x1 + c * (v1n + 2 * v2n + 2 * v3n + v4n);
  out[2] = x2 + c * (v1u + 2 * v2u + 2 * v3u + v4u);
  out[3] = v1e + c * (a1e + 2 * a2e + 2 * a3e + ACC[0]!);
  out[4] = v1n + c * (a1n + 2 * a2n + 2 * a3n + ACC[1]!);
  out[5] = v1u + c * (a1u + 2 * a2u + 2 * a3u + ACC[2]!);
  out[6] = xs[6]!;
}

/** Bᵢ of rk4Step's Φ (see there) into BS[21(i−1) …], from FJ (the stage's Jacobian) and Bᵢ₋₁, Bᵢ₋₂. */
function stageB(i: 1 | 2 | 3 | 4): void {
  const Bs = BS;
  const o = 3 * NX * (i - 1);
  if (i === 1) {
    for (let k = 0; k < 3 * NX; k++) Bs[k] = FJ[k]!;
    return;
  }
  const h = STEP_H[0]!;
  const cin = i === 4 ? h : 0.5 * h;
  const cc = i === 2 ? 0 : cin * 0.5 * h; // cᵢ·cᵢ₋₁ (c₃c₂ = h²/4, c₄c₃ = h²/2)
  const b1 = o - 3 * NX; // Bᵢ₋₁
  const b2 = i === 2 ? b1 : o - 6 * NX; // Bᵢ₋₂ (unused for i = 2: cc = 0)
  const p00 = FJ[0]!, p01 = FJ[1]!, p02 = FJ[2]!, q00 = FJ[3]!, q01 = FJ[4]!, q02 = FJ[5]!;
  const p10 = FJ[NX]!, p11 = FJ[NX + 1]!, p12 = FJ[NX + 2]!, q10 = FJ[NX + 3]!, q11 = FJ[NX + 4]!, q12 = FJ[NX + 5]!;
  const p20 = FJ[2 * NX]!, p21 = FJ[2 * NX + 1]!, p22 = FJ[2 * NX + 2]!, q20 = FJ[2 * NX + 3]!, q21 = FJ[2 * NX + 4]!, q22 = FJ[2 * NX + 5]!;
  for (let j = 0; j < NX; j++) {
    const u0 = Bs[b1 + j]!;
    const u1 = Bs[b1 + NX + j]!;
    const u2 = Bs[b1 + 2 * NX + j]!;
    const w0 = cc * Bs[b2 + j]!;
    const w1 = cc * Bs[b2 + NX + j]!;
    const w2 = cc * Bs[b2 + 2 * NX + j]!;
    Bs[o + j] = FJ[j]! + cin * (q00 * u0 + q01 * u1 + q02 * u2) + (p00 * w0 + p01 * w1 + p02 * w2);
    Bs[o + NX + j] = FJ[NX + j]! + cin * (q10 * u0 + q11 * u1 + q12 * u2) + (p10 * w0 + p11 * w1 + p12 * w2);
    Bs[o + 2 * NX + j] = FJ[2 * NX + j]! + cin * (q20 * u0 + q21 * u1 + q22 * u2) + (p20 * w0 + p21 * w1 + p22 * w2);
  }
  // + cᵢ·[0, F_p, 0]
  Bs[o + 3] = Bs[o + 3]! + cin * p00;
  Bs[o + 4] = Bs[o + 4]! + cin * p01;
  Bs[o + 5] = Bs[o + 5]! + cin * p02;
  Bs[o + NX + 3] = Bs[o + NX + 3]! + cin * p10;
  Bs[o + NX + 4] = Bs[o + NX + 4]! + cin * p11;
  Bs[o + NX + 5] = Bs[o + NX + 5]! + cin * p12;
  Bs[o + 2 * NX + 3] = Bs[o + 2 * NX + 3]! + cin * p20;
  Bs[o + 2 * NX + 4] = Bs[o + 2 * NX + 4]! + cin * p21;
  Bs[o + 2 * NX + 5] = Bs[o + 2 * NX + 5]! + cin * p22;
}

/**
 * out = d/dt x (7) at state x, ENU of `frame`, with optional met (wind, temperature offset). out must not
 * alias x.
 */
export function ballisticRhs(x: Float64Array, frame: EnuFrame, out: Float64Array, met?: EkfMet): Float64Array {
  setDynamics(frame, met);
  evalDynamics(x, EVAL_EXACT);
  out[0] = x[3]!;
  out[1] = x[4]!;
  out[2] = x[5]!;
  out[3] = ACC[0]!;
  out[4] = ACC[1]!;
  out[5] = ACC[2]!;
  out[6] = 0;
  return out;
}

/**
 * outF (7×7, row-major) = ∂f/∂x at state x, ENU of `frame`, with optional met: d(pos)/dt = v, and the
 * acceleration's partials (see evalDynamics) in rows 3..5.
 */
export function ballisticJacobian(x: Float64Array, frame: EnuFrame, outF: Float64Array, met?: EkfMet): Float64Array {
  setDynamics(frame, met);
  evalDynamics(x, EVAL_POINT_JAC);
  outF.fill(0, 0, NX * NX);
  for (let i = 0; i < 3; i++) {
    outF[i * NX + 3 + i] = 1;
    for (let j = 0; j < NX; j++) outF[(3 + i) * NX + j] = FJ[i * NX + j]!;
  }
  return outF;
}

// ---------------------------------------------------------------------------------------------------------
// Measurement model
// ---------------------------------------------------------------------------------------------------------
const MR = new Float64Array(9); // M = R_radar·R_frameᵀ
const DR = new Float64Array(3); // target in radar ENU
const WR = new Float64Array(3); // velocity in radar ENU

/** Target position d and velocity w in the radar's ENU: d = M·pos + b, w = M·v, M = R_r·Rᵀ, b = R_r·(o − o_r). */
function toRadar(x: Float64Array, frame: EnuFrame, radar: RadarLike): void {
  const R = frame.r;
  const Rr = radar.frame.r;
  const o = frame.originEcef;
  const orr = radar.frame.originEcef;
  const dx = o[0]! - orr[0]!;
  const dy = o[1]! - orr[1]!;
  const dz = o[2]! - orr[2]!;
  for (let i = 0; i < 3; i++) {
    const r0 = Rr[i * 3]!;
    const r1 = Rr[i * 3 + 1]!;
    const r2 = Rr[i * 3 + 2]!;
    const m0 = r0 * R[0]! + r1 * R[1]! + r2 * R[2]!;
    const m1 = r0 * R[3]! + r1 * R[4]! + r2 * R[5]!;
    const m2 = r0 * R[6]! + r1 * R[7]! + r2 * R[8]!;
    MR[i * 3] = m0;
    MR[i * 3 + 1] = m1;
    MR[i * 3 + 2] = m2;
    const b = r0 * dx + r1 * dy + r2 * dz;
    DR[i] = m0 * x[0]! + m1 * x[1]! + m2 * x[2]! + b;
    WR[i] = m0 * x[3]! + m1 * x[4]! + m2 * x[5]!;
  }
}

/** [range, az ∈ [0, 2π), el, rangeRate] from DR, WR (after toRadar). */
function polarFromRadar(out: Float64Array): void {
  const e = DR[0]!;
  const n = DR[1]!;
  const u = DR[2]!;
  // √ of the sums rather than Math.hypot (10× slower in V8; its overflow guard is moot for metres)
  const h2 = e * e + n * n;
  const hor = Math.sqrt(h2);
  const r = Math.sqrt(h2 + u * u);
  let az = Math.atan2(e, n);
  if (az < 0) az += 2 * Math.PI;
  out[0] = r;
  out[1] = az;
  out[2] = Math.atan2(u, hor);
  out[3] = (e * WR[0]! + n * WR[1]! + u * WR[2]!) / r;
}

/**
 * Predicted measurement [range, az ∈ [0, 2π), el, rangeRate] of state x (site frame) by a radar; out needs 4
 * slots (range rate always written). Exact: positions go through ECEF into the radar's own frame.
 */
export function measure(x: Float64Array, frame: EnuFrame, radar: RadarLike, out: Float64Array): Float64Array {
  toRadar(x, frame, radar);
  polarFromRadar(out);
  return out;
}

/**
 * Measurement Jacobian from DR, WR, MR (after toRadar), m×7 into outH.
 * With d the radar-ENU position, ρ_h = |(dₑ, dₙ)|, r = |d|:
 *   ∂r/∂d = d/r;  ∂az/∂d = (dₙ, −dₑ, 0)/ρ_h²;  ∂el/∂d = (−dₑdᵤ, −dₙdᵤ, ρ_h²)/(r²ρ_h);
 *   ṙ = d·w/r: ∂ṙ/∂d = w/r − (d·w)·d/r³, ∂ṙ/∂w = d/r.
 * Then ∂/∂pos = J_d·M and ∂ṙ/∂v = (d/r)ᵀ·M. Columns 3..5 are zero except on the range-rate row, column 6
 * always (update() relies on that pattern).
 */
function jacobianFromRadar(m: 3 | 4, outH: Float64Array): void {
  const e = DR[0]!;
  const n = DR[1]!;
  const u = DR[2]!;
  const h2 = e * e + n * n;
  const hor = Math.sqrt(h2);
  const r2 = h2 + u * u;
  const r = Math.sqrt(r2);
  hRow(outH, 0, e / r, n / r, u / r);
  hRow(outH, 1, n / h2, -e / h2, 0);
  hRow(outH, 2, (-e * u) / (r2 * hor), (-n * u) / (r2 * hor), hor / r2);
  if (m === 4) {
    const dw = e * WR[0]! + n * WR[1]! + u * WR[2]!;
    const c = dw / (r2 * r);
    hRow(outH, 3, WR[0]! / r - c * e, WR[1]! / r - c * n, WR[2]! / r - c * u);
    for (let j = 0; j < 3; j++) outH[3 * NX + 3 + j] = (e * MR[j]! + n * MR[3 + j]! + u * MR[6 + j]!) / r;
  }
}

/** Row i of H: ∂/∂pos = (j₀, j₁, j₂)·M in columns 0..2, zeros in 3..6. */
function hRow(outH: Float64Array, i: number, j0: number, j1: number, j2: number): void {
  const r = i * NX;
  for (let j = 0; j < 3; j++) outH[r + j] = j0 * MR[j]! + j1 * MR[3 + j]! + j2 * MR[6 + j]!;
  outH[r + 3] = 0;
  outH[r + 4] = 0;
  outH[r + 5] = 0;
  outH[r + 6] = 0;
}

/**
 * measure and measurementJacobian of one state in one pass (the radar-frame transform done once): the
 * predicted measurement into outZ (4 slots), the m×7 Jacobian into outH.
 */
export function measureWithJacobian(x: Float64Array, frame: EnuFrame, radar: RadarLike, m: 3 | 4, outZ: Float64Array, outH: Float64Array): void {
  toRadar(x, frame, radar);
  polarFromRadar(outZ);
  jacobianFromRadar(m, outH);
}

/** Measurement Jacobian (m×7, m = 3 without range rate, 4 with) into outH; see jacobianFromRadar. */
export function measurementJacobian(x: Float64Array, frame: EnuFrame, radar: RadarLike, m: 3 | 4, outH: Float64Array): Float64Array {
  toRadar(x, frame, radar);
  jacobianFromRadar(m, outH);
  return outH;
}

/** Wrap an angle to (−π, π]. */
export function wrapPi(a: number): number {
  if (a > -Math.PI && a <= Math.PI) return a; // the usual case, without the floating-point remainder
  let v = a % (2 * Math.PI);
  if (v > Math.PI) v -= 2 * Math.PI;
  else if (v <= -Math.PI) v += 2 * Math.PI;
  return v;
}

// ---------------------------------------------------------------------------------------------------------
// The filter
// ---------------------------------------------------------------------------------------------------------
export interface BallisticEkfOptions extends EkfMet {
  frame: EnuFrame;
  /** white acceleration spectral density per axis ((m/s²)²/Hz). Default 1. */
  q?: number;
  /** random-walk spectral density on κ ((m²/kg)²/s). Default 1e-10. */
  qKappa?: number;
  /**
   * longest RK4 step (s). Default 1: with steps ended on Cd-table knots (see predict), predictions in 1 s
   * steps stay within 2 mm of 0.02 s steps over 10 s of flight for every catalogue threat (transonic stretches
   * included), and within 4 mm for 300 random states up to Mach 2. (Longer steps also stretch the stage-height
   * expansion, whose error grows as the cube of the distance from the step start: 4e-5 m at 2 km; see HQ.)
   */
  maxStep?: number;
}

const NOT_PD = 'BallisticEkf.update: innovation covariance not positive definite';

// Workspaces of predict, update and nees, shared by every filter: nothing in them outlives one call. A track
// then owns only its x and P (two arrays, ≈ 450 bytes) instead of thirteen; with 1,000 live tracks each
// filter's own scratch (≈ 3 KB a track) was cold at every update, and shared it stays in L1.
/** Φ (7×7) of the current RK4 step; its last row is e₇ᵀ for good (predict writes rows 0..5 only) */
const PHI = new Float64Array(NX * NX);
PHI[NX * NX - 1] = 1;
/** Φ₀..₅·P (6×7) */
const WS = new Float64Array(6 * NX);
// update (m ≤ 4)
const ZP = new Float64Array(4);
const HM = new Float64Array(4 * NX);
const HPM = new Float64Array(4 * NX);
/** gain K (7×4) */
const KG = new Float64Array(NX * 4);
/** Joseph correction K·R − B·Hᵀ (7×4) */
const DM = new Float64Array(NX * 4);
/** (I − KH)·P */
const BM = new Float64Array(NX * NX);
// nees
const WV = new Float64Array(NX);
const XS_NEES = new Float64Array(NX);
const LPM = new Float64Array(NX * NX);


export class BallisticEkf {
  readonly frame: EnuFrame;
  readonly q: number;
  readonly qKappa: number;
  readonly maxStep: number;
  /** wind (m/s, towards east / north of the frame) and ISA temperature offset (K) the dynamics use */
  readonly windEast: number;
  readonly windNorth: number;
  readonly temperatureOffsetK: number;
  x = new Float64Array(NX);
  P = new Float64Array(NX * NX);
  t = 0;

  constructor(opts: BallisticEkfOptions) {
    this.frame = opts.frame;
    this.q = opts.q ?? 1;
    this.qKappa = opts.qKappa ?? 1e-10;
    this.maxStep = opts.maxStep ?? 1;
    this.windEast = opts.wind?.east ?? 0;
    this.windNorth = opts.wind?.north ?? 0;
    this.temperatureOffsetK = opts.temperatureOffsetK ?? 0;
  }

  init(x0: ArrayLike<number>, P0: ArrayLike<number>, t: number): void {
    this.x.set(x0);
    this.P.set(P0);
    symmetrize(this.P, NX);
    this.t = t;
  }

  /**
   * Propagate state and covariance to time t (no-op for t ≤ this.t): RK4 steps of equal length ≤ maxStep,
   * except where the Mach number meets a knot of the Cd table, each step ended on the knot and held on one Cd
   * segment (see "Steps" and chooseSegment above). Measured over 10 s of flight against 0.02 s steps, plain 1 s
   * steps left a 107 mm rocket going transonic 1.07 m off and a 120 mm mortar bomb 0.32 m off (plain 0.25 s
   * steps: 10 and 2 cm); knot-ended steps stay within 2 mm (see maxStep). Per step Φ is the exact derivative
   * of the RK4 step (rk4Step with jac = 2) and P ← Φ·P·Φᵀ + Q.
   */
  predict(t: number): void {
    const dt = t - this.t;
    if (!(dt > 0)) return;
    const nSteps = Math.ceil(dt / this.maxStep - 1e-9);
    const hNom = dt / nSteps;
    useContext(this.frame, this.windEast, this.windNorth, this.temperatureOffsetK);
    const x = this.x;
    let left = dt;
    while (left > 0) {
      SEG[0] = -1;
      evalDynamics(x, EVAL_POINT_JAC); // RK4 stage 1, the Mach number with its rate, the height expansion
      let h = left <= hNom * (1 + 1e-9) ? left : hNom;
      // The knot ahead and the step's segment; stage 1 again on that segment if its lookup put it on the other
      // side of the knot just landed on (its Jacobian is wanted too, so not just re-fitted).
      if (chooseSegment(1)) evalDynamics(x, EVAL_POINT_JAC);
      const tk = KNOT_T[0]!;
      if (tk < h - MIN_SPLIT) h = tk;
      // The step length goes to the step routines through a typed array: a fractional double passed as an
      // argument to a call V8 does not inline is boxed (allocated) on every call.
      STEP_H[0] = h;
      beginStep();
      rk4Step(x, x, 2);
      this.assemblePhi();
      this.propagateCovariance();
      left = h === left ? 0 : left - h;
    }
    SEG[0] = -1;
    this.t = t;
  }

  /** Φ rows 0..5 from B₁ … B₄ (see rk4Step). */
  private assemblePhi(): void {
    const h = STEP_H[0]!;
    const Bs = BS;
    const phi = PHI;
    const a = (h * h) / 6;
    const b = h / 6;
    const n3 = 3 * NX;
    for (let k = 0; k < n3; k++) {
      const v1 = Bs[k]!;
      const v2 = Bs[n3 + k]!;
      const v3 = Bs[2 * n3 + k]!;
      phi[k] = a * (v1 + v2 + v3);
      phi[n3 + k] = b * (v1 + 2 * v2 + 2 * v3 + Bs[3 * n3 + k]!);
    }
    for (let i = 0; i < 3; i++) {
      phi[i * NX + i] = phi[i * NX + i]! + 1;
      phi[i * NX + 3 + i] = phi[i * NX + 3 + i]! + h;
      phi[(3 + i) * NX + 3 + i] = phi[(3 + i) * NX + 3 + i]! + 1;
    }
  }

  /**
   * P ← Φ·P·Φᵀ + Q. W = Φ₀..₅·P (6×7; Φ's last row is e₇ᵀ), then only the upper triangle of W·Φᵀ (P is
   * symmetric, so it is mirrored rather than computed and averaged): (ΦPΦᵀ)ᵢ₆ = Wᵢ₆ and P₆₆ is unchanged.
   */
  private propagateCovariance(): void {
    const h = STEP_H[0]!;
    const P = this.P;
    const phi = PHI;
    const W = WS;
    for (let i = 0; i < 6; i++) {
      const r = i * NX;
      const f0 = phi[r]!;
      const f1 = phi[r + 1]!;
      const f2 = phi[r + 2]!;
      const f3 = phi[r + 3]!;
      const f4 = phi[r + 4]!;
      const f5 = phi[r + 5]!;
      const f6 = phi[r + 6]!;
      for (let j = 0; j < NX; j++) {
        W[r + j] = f0 * P[j]! + f1 * P[NX + j]! + f2 * P[2 * NX + j]! + f3 * P[3 * NX + j]! + f4 * P[4 * NX + j]! + f5 * P[5 * NX + j]! + f6 * P[6 * NX + j]!;
      }
    }
    for (let i = 0; i < 6; i++) {
      const r = i * NX;
      const w0 = W[r]!;
      const w1 = W[r + 1]!;
      const w2 = W[r + 2]!;
      const w3 = W[r + 3]!;
      const w4 = W[r + 4]!;
      const w5 = W[r + 5]!;
      const w6 = W[r + 6]!;
      for (let j = i; j < 6; j++) {
        const s = j * NX;
        const v = w0 * phi[s]! + w1 * phi[s + 1]! + w2 * phi[s + 2]! + w3 * phi[s + 3]! + w4 * phi[s + 4]! + w5 * phi[s + 5]! + w6 * phi[s + 6]!;
        P[r + j] = v;
        P[s + i] = v;
      }
      P[r + 6] = w6;
      P[6 * NX + i] = w6;
    }
    // Q: white acceleration (q per axis) and κ random walk, integrated over h.
    addWhiteAcceleration(P, NX, this.q, h);
    P[48] = P[48]! + this.qKappa * h;
  }

  /**
   * Measurement update with a polar plot from `radar`. Range rate is used when both the plot and the sigmas
   * carry it. Returns the normalised innovation squared, its degrees of freedom and log|S| (S the innovation
   * covariance). Throws if the innovation covariance is not positive definite.
   *
   * Written out for m = 4: without range rate the fourth row is padded (H row and innovation 0, variance 1),
   * which makes S block-diagonal with a 1, L the same, the fourth gain column exactly 0 and every result
   * bit for bit what the same operations on 3 rows give, while the loops over the measurement dimension
   * disappear. The
   * state-dimension loops use H's zeros: only columns 0..2 on the range/az/el rows, 0..5 on the range-rate row.
   */
  update(z: PolarMeasurement, radar: RadarLike, sigmas: MeasurementSigmas): { nis: number; dof: number; logDetS: number } {
    const m: 3 | 4 = z.rangeRate !== undefined && sigmas.rangeRate !== undefined ? 4 : 3;
    const x = this.x;
    const P = this.P;
    const H = HM;
    const HP = HPM;
    const zp = ZP;
    measureWithJacobian(x, this.frame, radar, m, zp, H);
    if (m === 3) H.fill(0, 3 * NX, 4 * NX);
    const nu0 = z.range - zp[0]!;
    const nu1 = wrapPi(z.az - zp[1]!);
    const nu2 = z.el - zp[2]!;
    const nu3 = m === 4 ? z.rangeRate! - zp[3]! : 0;
    const r0 = sigmas.range * sigmas.range;
    const r1 = sigmas.az * sigmas.az;
    const r2 = sigmas.el * sigmas.el;
    const r3 = m === 4 ? sigmas.rangeRate! * sigmas.rangeRate! : 1;
    const h00 = H[0]!, h01 = H[1]!, h02 = H[2]!;
    const h10 = H[NX]!, h11 = H[NX + 1]!, h12 = H[NX + 2]!;
    const h20 = H[2 * NX]!, h21 = H[2 * NX + 1]!, h22 = H[2 * NX + 2]!;
    const h30 = H[3 * NX]!, h31 = H[3 * NX + 1]!, h32 = H[3 * NX + 2]!, h33 = H[3 * NX + 3]!, h34 = H[3 * NX + 4]!, h35 = H[3 * NX + 5]!;
    // HP = H·P (4×7)
    for (let j = 0; j < NX; j++) {
      const p0 = P[j]!;
      const p1 = P[NX + j]!;
      const p2 = P[2 * NX + j]!;
      HP[j] = h00 * p0 + h01 * p1 + h02 * p2;
      HP[NX + j] = h10 * p0 + h11 * p1 + h12 * p2;
      HP[2 * NX + j] = h20 * p0 + h21 * p1 + h22 * p2;
      HP[3 * NX + j] = h30 * p0 + h31 * p1 + h32 * p2 + h33 * P[3 * NX + j]! + h34 * P[4 * NX + j]! + h35 * P[5 * NX + j]!;
    }
    // S = HP·Hᵀ + R (upper triangle)
    const s00 = HP[0]! * h00 + HP[1]! * h01 + HP[2]! * h02 + r0;
    const s01 = HP[0]! * h10 + HP[1]! * h11 + HP[2]! * h12;
    const s02 = HP[0]! * h20 + HP[1]! * h21 + HP[2]! * h22;
    const s03 = HP[0]! * h30 + HP[1]! * h31 + HP[2]! * h32 + HP[3]! * h33 + HP[4]! * h34 + HP[5]! * h35;
    const s11 = HP[NX]! * h10 + HP[NX + 1]! * h11 + HP[NX + 2]! * h12 + r1;
    const s12 = HP[NX]! * h20 + HP[NX + 1]! * h21 + HP[NX + 2]! * h22;
    const s13 = HP[NX]! * h30 + HP[NX + 1]! * h31 + HP[NX + 2]! * h32 + HP[NX + 3]! * h33 + HP[NX + 4]! * h34 + HP[NX + 5]! * h35;
    const s22 = HP[2 * NX]! * h20 + HP[2 * NX + 1]! * h21 + HP[2 * NX + 2]! * h22 + r2;
    const s23 = HP[2 * NX]! * h30 + HP[2 * NX + 1]! * h31 + HP[2 * NX + 2]! * h32 + HP[2 * NX + 3]! * h33 + HP[2 * NX + 4]! * h34 + HP[2 * NX + 5]! * h35;
    const s33 = HP[3 * NX]! * h30 + HP[3 * NX + 1]! * h31 + HP[3 * NX + 2]! * h32 + HP[3 * NX + 3]! * h33 + HP[3 * NX + 4]! * h34 + HP[3 * NX + 5]! * h35 + r3;
    // Cholesky S = L·Lᵀ, in linalg.cholesky's order of operations
    const d0 = s00;
    if (!(d0 > 0)) throw new Error(NOT_PD);
    const l00 = Math.sqrt(d0);
    const l10 = s01 / l00;
    const l20 = s02 / l00;
    const l30 = s03 / l00;
    const d1 = s11 - l10 * l10;
    if (!(d1 > 0)) throw new Error(NOT_PD);
    const l11 = Math.sqrt(d1);
    const l21 = (s12 - l20 * l10) / l11;
    const l31 = (s13 - l30 * l10) / l11;
    const d2 = s22 - l20 * l20 - l21 * l21;
    if (!(d2 > 0)) throw new Error(NOT_PD);
    const l22 = Math.sqrt(d2);
    const l32 = (s23 - l30 * l20 - l31 * l21) / l22;
    const d3 = s33 - l30 * l30 - l31 * l31 - l32 * l32;
    if (!(d3 > 0)) throw new Error(NOT_PD);
    const l33 = Math.sqrt(d3);
    // NIS = |L⁻¹ν|², log|S| = 2·Σ log L_ii (over the m real rows)
    const w0 = nu0 / l00;
    const w1 = (nu1 - l10 * w0) / l11;
    const w2 = (nu2 - l20 * w0 - l21 * w1) / l22;
    const w3 = (nu3 - l30 * w0 - l31 * w1 - l32 * w2) / l33;
    const nis = w0 * w0 + w1 * w1 + w2 * w2 + w3 * w3;
    let logDetS = 2 * Math.log(l00) + 2 * Math.log(l11) + 2 * Math.log(l22);
    if (m === 4) logDetS += 2 * Math.log(l33);
    // Gain K = P·Hᵀ·S⁻¹: row j of K solves S·k = column j of HP (forward, then back substitution); x += K·ν.
    const K = KG;
    for (let j = 0; j < NX; j++) {
      const y0 = HP[j]! / l00;
      const y1 = (HP[NX + j]! - l10 * y0) / l11;
      const y2 = (HP[2 * NX + j]! - l20 * y0 - l21 * y1) / l22;
      const y3 = (HP[3 * NX + j]! - l30 * y0 - l31 * y1 - l32 * y2) / l33;
      const k3 = y3 / l33;
      const k2 = (y2 - l32 * k3) / l22;
      const k1 = (y1 - l21 * k2 - l31 * k3) / l11;
      const k0 = (y0 - l10 * k1 - l20 * k2 - l30 * k3) / l00;
      K[4 * j] = k0;
      K[4 * j + 1] = k1;
      K[4 * j + 2] = k2;
      K[4 * j + 3] = k3;
      x[j] = x[j]! + (k0 * nu0 + k1 * nu1 + k2 * nu2 + k3 * nu3);
    }
    // Joseph form P ← (I − KH)·P·(I − KH)ᵀ + K·R·Kᵀ, kept for its robustness (symmetric, and first-order
    // insensitive to errors in K), evaluated by its factors' structure rather than as two 7×7 products:
    //   B = (I − KH)·P = P − K·(HP)                           (HP is at hand)
    //   B·(I − KH)ᵀ + KRKᵀ = B − (B·Hᵀ)·Kᵀ + K·R·Kᵀ = B + D·Kᵀ,  D = K·R − B·Hᵀ   (7×4)
    // and only the upper triangle of the symmetric result is formed, then mirrored.
    const B = BM;
    const D = DM;
    for (let i = 0; i < NX; i++) {
      const r = i * NX;
      const k0 = K[4 * i]!;
      const k1 = K[4 * i + 1]!;
      const k2 = K[4 * i + 2]!;
      const k3 = K[4 * i + 3]!;
      for (let j = 0; j < NX; j++) B[r + j] = P[r + j]! - (k0 * HP[j]! + k1 * HP[NX + j]! + k2 * HP[2 * NX + j]! + k3 * HP[3 * NX + j]!);
      const b0 = B[r]!;
      const b1 = B[r + 1]!;
      const b2 = B[r + 2]!;
      D[4 * i] = k0 * r0 - (b0 * h00 + b1 * h01 + b2 * h02);
      D[4 * i + 1] = k1 * r1 - (b0 * h10 + b1 * h11 + b2 * h12);
      D[4 * i + 2] = k2 * r2 - (b0 * h20 + b1 * h21 + b2 * h22);
      D[4 * i + 3] = k3 * r3 - (b0 * h30 + b1 * h31 + b2 * h32 + B[r + 3]! * h33 + B[r + 4]! * h34 + B[r + 5]! * h35);
    }
    for (let i = 0; i < NX; i++) {
      const d0i = D[4 * i]!;
      const d1i = D[4 * i + 1]!;
      const d2i = D[4 * i + 2]!;
      const d3i = D[4 * i + 3]!;
      for (let j = i; j < NX; j++) {
        const v = B[i * NX + j]! + (d0i * K[4 * j]! + d1i * K[4 * j + 1]! + d2i * K[4 * j + 2]! + d3i * K[4 * j + 3]!);
        P[i * NX + j] = v;
        P[j * NX + i] = v;
      }
    }
    return { nis, dof: m, logDetS };
  }

  /** Normalised estimation error squared (x − truth)ᵀ·P⁻¹·(x − truth) against a 7-D truth state. */
  nees(truthX: ArrayLike<number>): number {
    for (let i = 0; i < NX; i++) WV[i] = this.x[i]! - truthX[i]!;
    if (!cholesky(LPM, this.P, NX)) return NaN;
    return mahalanobis2(LPM, WV, NX, XS_NEES);
  }
}
