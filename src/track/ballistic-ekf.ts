/**
 * Ballistic tracking filter: an extended Kalman filter on a 7-D state
 *
 *   x = [e, n, u, vₑ, vₙ, vᵤ, κ]   (ENU of the site frame, m and m/s Earth-fixed; κ = i·S/m in m²/kg)
 *
 * Dynamics (the same point-mass model as physics/dynamics.ts, unpowered, no wind), evaluated through ECEF so
 * that nothing is flat-earth: p = Rᵀ·pos + o, v_ecef = Rᵀ·v (R the frame's rotation, o its origin),
 *
 *   a_ecef = g(p) − 2Ω×v − Ω×(Ω×p) − ½·ρ(h)·|v|·v·Cd_G7(|v|/a(h))·κ,   h = geodetic height of p,
 *
 * with g the WGS-84 central + J2 gravity, then rotated back: a_enu = R·a_ecef. The tracker does not know the
 * threat type; κ is estimated (random walk).
 *
 * Prediction: RK4 (substeps ≤ 0.25 s) on the state; per substep the transition matrix is the third-order
 * series of exp(hF) with F the exact analytic Jacobian at the RK4 midpoint, and P ← Φ·P·Φᵀ + Q (white acceleration of spectral
 * density q on each axis, random walk qKappa on κ). Update: polar radar measurement (range, az, el,
 * optional range rate) computed exactly through ECEF into the radar's own ENU frame; Joseph form; Cholesky
 * solves only. All workspaces are preallocated: no allocation per predict/update in steady state.
 */
import { cholesky, choleskySolve, mahalanobis2, matMul, matMulT, symmetrize } from '../core/linalg.js';
import { WGS84_A, WGS84_GM, WGS84_OMEGA, geodeticHeight, type EnuFrame } from '../geo/wgs84.js';
import { ISA_EARTH_RADIUS, ISA_G0, ISA_GAMMA, ISA_LAPSE, ISA_R, ISA_TROPOPAUSE, geopotentialHeight, isaDensityAndSound } from '../physics/atmosphere.js';
import { G7, dragCoefficientAndSlope } from '../physics/drag.js';
import { WGS84_J2 } from '../physics/dynamics.js';

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

// ---------------------------------------------------------------------------------------------------------
// Atmosphere with its height derivatives (ISA, no temperature offset).
// ---------------------------------------------------------------------------------------------------------
const EXPONENT = ISA_G0 / (ISA_R * ISA_LAPSE);
const T11 = 288.15 - ISA_LAPSE * ISA_TROPOPAUSE;
const STRAT_SCALE = ISA_G0 / (ISA_R * T11);
const AIR = new Float64Array(2);

/**
 * ρ, a, dρ/dh, da/dh at geometric height h into out[0..3]. With H = R₀h/(R₀+h), dH/dh = (R₀/(R₀+h))².
 * Troposphere (T = T₀ − L·H, p ∝ T^EXP, ρ = p/(R·T)): dρ/dH = ρ·L·(1 − EXP)/T, da/dH = −a·L/(2T).
 * Stratosphere (T const, p ∝ exp(−c·H)): dρ/dH = −c·ρ, da/dH = 0.
 */
function atmosphere(h: number, out: Float64Array): void {
  isaDensityAndSound(h, 0, AIR);
  const rho = AIR[0]!;
  const a = AIR[1]!;
  const H = geopotentialHeight(h);
  const s = ISA_EARTH_RADIUS / (ISA_EARTH_RADIUS + h);
  const dHdh = s * s;
  out[0] = rho;
  out[1] = a;
  if (H < ISA_TROPOPAUSE) {
    const T = (a * a) / (ISA_GAMMA * ISA_R);
    out[2] = ((rho * ISA_LAPSE * (1 - EXPONENT)) / T) * dHdh;
    out[3] = ((-a * ISA_LAPSE) / (2 * T)) * dHdh;
  } else {
    out[2] = -STRAT_SCALE * rho * dHdh;
    out[3] = 0;
  }
}

// Module scratch (single-threaded, allocation-free evaluation).
const PE = new Float64Array(3); // ECEF position
const VE = new Float64Array(3); // ECEF velocity
const NRM = new Float64Array(3); // ellipsoid normal (ECEF) = ∂h/∂p
const ATM = new Float64Array(4);
const CD = new Float64Array(2);
const AE = new Float64Array(3); // ECEF acceleration
const AP = new Float64Array(9); // ∂a/∂p (ECEF)
const AV = new Float64Array(9); // ∂a/∂v (ECEF)
const AK = new Float64Array(3); // ∂a/∂κ (ECEF)
const TMP9 = new Float64Array(9);

/**
 * Acceleration in ECEF (into AE) and, when `jac`, its partial derivatives (AP, AV, AK), at the state x in
 * the ENU of `frame`.
 */
function accelEcef(x: Float64Array, frame: EnuFrame, jac: boolean): void {
  const R = frame.r;
  const o = frame.originEcef;
  for (let i = 0; i < 3; i++) {
    // column i of R = Rᵀ row i: p = Rᵀ·pos + o
    PE[i] = R[i]! * x[0]! + R[3 + i]! * x[1]! + R[6 + i]! * x[2]! + o[i]!;
    VE[i] = R[i]! * x[3]! + R[3 + i]! * x[4]! + R[6 + i]! * x[5]!;
  }
  const px = PE[0]!;
  const py = PE[1]!;
  const pz = PE[2]!;
  const kappa = x[6]!;
  // Gravity, central + J2:  g_i = −μ·p_i/r³ − K·p_i·w_i/r⁵,  K = 1.5·μ·J2·A²,  w = (1, 1, 3) − 5z²/r².
  const r2 = px * px + py * py + pz * pz;
  const r = Math.sqrt(r2);
  const mu = WGS84_GM;
  const K = 1.5 * mu * WGS84_J2 * WGS84_A * WGS84_A;
  const ir2 = 1 / r2;
  const ir3 = ir2 / r;
  const ir5 = ir3 * ir2;
  const ir7 = ir5 * ir2;
  const ir9 = ir7 * ir2;
  const z2r2 = 5 * pz * pz * ir2;
  const w0 = 1 - z2r2;
  const w2 = 3 - z2r2;
  AE[0] = -mu * px * ir3 - K * px * w0 * ir5;
  AE[1] = -mu * py * ir3 - K * py * w0 * ir5;
  AE[2] = -mu * pz * ir3 - K * pz * w2 * ir5;
  // Rotating frame (Ω along +z): −2Ω×v = (2ω·vy, −2ω·vx, 0); −Ω×(Ω×p) = (ω²x, ω²y, 0).
  const w = WGS84_OMEGA;
  AE[0] += 2 * w * VE[1]! + w * w * px;
  AE[1] += -2 * w * VE[0]! + w * w * py;
  // Drag: a_d = −½·ρ·κ·Cd(M)·s·v with s = |v|, M = s/a.
  const vx = VE[0]!;
  const vy = VE[1]!;
  const vz = VE[2]!;
  const s = Math.sqrt(vx * vx + vy * vy + vz * vz);
  const h = geodeticHeight(px, py, pz, NRM);
  atmosphere(h, ATM);
  const rho = ATM[0]!;
  const a = ATM[1]!;
  const mach = s / a;
  dragCoefficientAndSlope(G7, mach, CD);
  const cd = CD[0]!;
  const k = 0.5 * rho * cd * kappa; // a_d = −k·s·v
  AE[0] -= k * s * vx;
  AE[1] -= k * s * vy;
  AE[2] -= k * s * vz;
  if (!jac) return;
  // ∂g/∂p_j (derivation: differentiate g_i term by term, ∂r/∂p_j = p_j/r, ∂(z²/r²)/∂p_j = 2zδ_jz/r² − 2z²p_j/r⁴):
  //   −μ(δ_ij/r³ − 3p_ip_j/r⁵) − K(δ_ij·w_i/r⁵ − 5p_ip_j·w_i/r⁷ − 10p_i·z·δ_jz/r⁷ + 10p_i·z²·p_j/r⁹)
  for (let i = 0; i < 3; i++) {
    const pi = PE[i]!;
    const wi = i === 2 ? w2 : w0;
    for (let j = 0; j < 3; j++) {
      const pj = PE[j]!;
      const dij = i === j ? 1 : 0;
      let g = -mu * (dij * ir3 - 3 * pi * pj * ir5);
      g -= K * (dij * wi * ir5 - 5 * pi * pj * wi * ir7 - (j === 2 ? 10 * pi * pz * ir7 : 0) + 10 * pi * pz * pz * pj * ir9);
      AP[i * 3 + j] = g;
      AV[i * 3 + j] = 0;
    }
  }
  // centrifugal ∂/∂p = ω²·diag(1, 1, 0); Coriolis ∂/∂v = [[0, 2ω, 0], [−2ω, 0, 0], [0, 0, 0]]
  AP[0] = AP[0]! + w * w;
  AP[4] = AP[4]! + w * w;
  AV[1] = AV[1]! + 2 * w;
  AV[3] = AV[3]! - 2 * w;
  if (s > 0) {
    // ∂a_d/∂v = −k(s·I + v·vᵀ/s) − ½ρκ·s·v·(∂Cd/∂v)ᵀ, ∂Cd/∂v = Cd'(M)·v/(s·a)  ⇒ last term −½ρκ·Cd'/a·v·vᵀ
    const c1 = k / s + (0.5 * rho * kappa * CD[1]!) / a;
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) AV[i * 3 + j] = AV[i * 3 + j]! - c1 * VE[i]! * VE[j]!;
      AV[i * 3 + i] = AV[i * 3 + i]! - k * s;
    }
    // ∂a_d/∂p = −½κ·s·v·(Cd·dρ/dh + ρ·Cd'·∂M/∂h)·∇h, ∂M/∂h = −(s/a²)·da/dh, ∇h = ellipsoid normal
    const dh = 0.5 * kappa * s * (cd * ATM[2]! - (rho * CD[1]! * s * ATM[3]!) / (a * a));
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) AP[i * 3 + j] = AP[i * 3 + j]! - dh * VE[i]! * NRM[j]!;
  }
  // ∂a_d/∂κ = −½ρ·Cd·s·v
  for (let i = 0; i < 3; i++) AK[i] = -0.5 * rho * cd * s * VE[i]!;
}

/** out = d/dt x (7) at state x, ENU of `frame`. out must not alias x. */
export function ballisticRhs(x: Float64Array, frame: EnuFrame, out: Float64Array): Float64Array {
  accelEcef(x, frame, false);
  const R = frame.r;
  out[0] = x[3]!;
  out[1] = x[4]!;
  out[2] = x[5]!;
  for (let i = 0; i < 3; i++) out[3 + i] = R[i * 3]! * AE[0]! + R[i * 3 + 1]! * AE[1]! + R[i * 3 + 2]! * AE[2]!;
  out[6] = 0;
  return out;
}

/**
 * outF (7×7, row-major) = ∂f/∂x. Chain rule through ECEF: p = Rᵀ·pos + o, v_e = Rᵀ·v, a_enu = R·a_e, so
 * ∂a_enu/∂pos = R·(∂a_e/∂p)·Rᵀ, ∂a_enu/∂v = R·(∂a_e/∂v_e)·Rᵀ, ∂a_enu/∂κ = R·∂a_e/∂κ; d(pos)/dt = v.
 */
export function ballisticJacobian(x: Float64Array, frame: EnuFrame, outF: Float64Array): Float64Array {
  accelEcef(x, frame, true);
  const R = frame.r;
  outF.fill(0);
  for (let i = 0; i < 3; i++) outF[i * NX + 3 + i] = 1;
  // R·A·Rᵀ for A = AP (columns 0..2) and A = AV (columns 3..5)
  for (let blk = 0; blk < 2; blk++) {
    const A = blk === 0 ? AP : AV;
    matMul(TMP9, R, A, 3, 3, 3);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        outF[(3 + i) * NX + 3 * blk + j] = TMP9[i * 3]! * R[j * 3]! + TMP9[i * 3 + 1]! * R[j * 3 + 1]! + TMP9[i * 3 + 2]! * R[j * 3 + 2]!;
      }
    }
  }
  for (let i = 0; i < 3; i++) outF[(3 + i) * NX + 6] = R[i * 3]! * AK[0]! + R[i * 3 + 1]! * AK[1]! + R[i * 3 + 2]! * AK[2]!;
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
  matMulT(MR, Rr, R, 3, 3, 3);
  const o = frame.originEcef;
  const orr = radar.frame.originEcef;
  const dx = o[0]! - orr[0]!;
  const dy = o[1]! - orr[1]!;
  const dz = o[2]! - orr[2]!;
  for (let i = 0; i < 3; i++) {
    const b = Rr[i * 3]! * dx + Rr[i * 3 + 1]! * dy + Rr[i * 3 + 2]! * dz;
    DR[i] = MR[i * 3]! * x[0]! + MR[i * 3 + 1]! * x[1]! + MR[i * 3 + 2]! * x[2]! + b;
    WR[i] = MR[i * 3]! * x[3]! + MR[i * 3 + 1]! * x[4]! + MR[i * 3 + 2]! * x[5]!;
  }
}

/**
 * Predicted measurement [range, az ∈ [0, 2π), el, rangeRate] of state x (site frame) by a radar; out needs 4
 * slots (range rate always written). Exact: positions go through ECEF into the radar's own frame.
 */
export function measure(x: Float64Array, frame: EnuFrame, radar: RadarLike, out: Float64Array): Float64Array {
  toRadar(x, frame, radar);
  const e = DR[0]!;
  const n = DR[1]!;
  const u = DR[2]!;
  const hor = Math.hypot(e, n);
  const r = Math.hypot(hor, u);
  let az = Math.atan2(e, n);
  if (az < 0) az += 2 * Math.PI;
  out[0] = r;
  out[1] = az;
  out[2] = Math.atan2(u, hor);
  out[3] = (e * WR[0]! + n * WR[1]! + u * WR[2]!) / r;
  return out;
}

const JD = new Float64Array(12); // ∂(r, az, el, rr)/∂d (4×3)

/**
 * Measurement Jacobian (m×7, m = 3 without range rate, 4 with) into outH.
 * With d the radar-ENU position, ρ_h = |(dₑ, dₙ)|, r = |d|:
 *   ∂r/∂d = d/r;  ∂az/∂d = (dₙ, −dₑ, 0)/ρ_h²;  ∂el/∂d = (−dₑdᵤ, −dₙdᵤ, ρ_h²)/(r²ρ_h);
 *   ṙ = d·w/r: ∂ṙ/∂d = w/r − (d·w)·d/r³, ∂ṙ/∂w = d/r.
 * Then ∂/∂pos = J_d·M and ∂ṙ/∂v = (d/r)ᵀ·M.
 */
export function measurementJacobian(x: Float64Array, frame: EnuFrame, radar: RadarLike, m: 3 | 4, outH: Float64Array): Float64Array {
  toRadar(x, frame, radar);
  const e = DR[0]!;
  const n = DR[1]!;
  const u = DR[2]!;
  const h2 = e * e + n * n;
  const hor = Math.sqrt(h2);
  const r2 = h2 + u * u;
  const r = Math.sqrt(r2);
  const dw = e * WR[0]! + n * WR[1]! + u * WR[2]!;
  JD[0] = e / r;
  JD[1] = n / r;
  JD[2] = u / r;
  JD[3] = n / h2;
  JD[4] = -e / h2;
  JD[5] = 0;
  JD[6] = (-e * u) / (r2 * hor);
  JD[7] = (-n * u) / (r2 * hor);
  JD[8] = hor / r2;
  for (let j = 0; j < 3; j++) JD[9 + j] = WR[j]! / r - (dw * DR[j]!) / (r2 * r);
  outH.fill(0, 0, m * NX);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < 3; j++) {
      outH[i * NX + j] = JD[i * 3]! * MR[j]! + JD[i * 3 + 1]! * MR[3 + j]! + JD[i * 3 + 2]! * MR[6 + j]!;
    }
  }
  if (m === 4) for (let j = 0; j < 3; j++) outH[3 * NX + 3 + j] = (e * MR[j]! + n * MR[3 + j]! + u * MR[6 + j]!) / r;
  return outH;
}

/** Wrap an angle to (−π, π]. */
export function wrapPi(a: number): number {
  let v = a % (2 * Math.PI);
  if (v > Math.PI) v -= 2 * Math.PI;
  else if (v <= -Math.PI) v += 2 * Math.PI;
  return v;
}

// ---------------------------------------------------------------------------------------------------------
// The filter
// ---------------------------------------------------------------------------------------------------------
export interface BallisticEkfOptions {
  frame: EnuFrame;
  /** white acceleration spectral density per axis ((m/s²)²/Hz). Default 1. */
  q?: number;
  /** random-walk spectral density on κ ((m²/kg)²/s). Default 1e-10. */
  qKappa?: number;
  /** longest RK4 substep (s). Default 0.25. */
  maxStep?: number;
}

export class BallisticEkf {
  readonly frame: EnuFrame;
  readonly q: number;
  readonly qKappa: number;
  readonly maxStep: number;
  x = new Float64Array(NX);
  P = new Float64Array(NX * NX);
  t = 0;
  // prediction workspaces
  private readonly phi = new Float64Array(NX * NX);
  private readonly xs = new Float64Array(NX);
  private readonly kx = [0, 1, 2, 3].map(() => new Float64Array(NX));
  private readonly kphi = [0, 1].map(() => new Float64Array(NX * NX));
  private readonly F = new Float64Array(NX * NX);
  private readonly w77a = new Float64Array(NX * NX);
  private readonly w77b = new Float64Array(NX * NX);
  // update workspaces (m ≤ 4)
  private readonly zp = new Float64Array(4);
  private readonly nu = new Float64Array(4);
  private readonly H = new Float64Array(4 * NX);
  private readonly HP = new Float64Array(4 * NX);
  private readonly S = new Float64Array(16);
  private readonly L = new Float64Array(16);
  private readonly Rm = new Float64Array(4);
  private readonly col = new Float64Array(4);
  private readonly Kg = new Float64Array(NX * 4);
  private readonly wv = new Float64Array(NX);
  private readonly wv4 = new Float64Array(4);
  private readonly LP = new Float64Array(NX * NX);

  constructor(opts: BallisticEkfOptions) {
    this.frame = opts.frame;
    this.q = opts.q ?? 1;
    this.qKappa = opts.qKappa ?? 1e-10;
    this.maxStep = opts.maxStep ?? 0.25;
  }

  init(x0: ArrayLike<number>, P0: ArrayLike<number>, t: number): void {
    this.x.set(x0);
    this.P.set(P0);
    symmetrize(this.P, NX);
    this.t = t;
  }

  /** Propagate state and covariance to time t (no-op for t ≤ this.t). */
  predict(t: number): void {
    const dt = t - this.t;
    if (!(dt > 0)) return;
    const nSteps = Math.ceil(dt / this.maxStep - 1e-9);
    const h = dt / nSteps;
    const x = this.x;
    const P = this.P;
    const phi = this.phi;
    const [k1, k2, k3, k4] = this.kx as [Float64Array, Float64Array, Float64Array, Float64Array];
    const [f1, f2] = this.kphi as [Float64Array, Float64Array];
    for (let step = 0; step < nSteps; step++) {
      // State: classical RK4. Transition matrix: the series Φ = I + hF + (hF)²/2 + (hF)³/6 with F taken once,
      // at the RK4 midpoint estimate — exact for a constant Jacobian and O(h³·dF/dt) otherwise, which over a
      // 0.25 s step is far below what the process noise adds. Integrating dΦ/dt = F·Φ at all four stages
      // (four Jacobians and four 7×7 products a step) cost three times as much for no measurable gain.
      ballisticRhs(x, this.frame, k1);
      for (let i = 0; i < NX; i++) this.xs[i] = x[i]! + 0.5 * h * k1[i]!;
      ballisticRhs(this.xs, this.frame, k2);
      ballisticJacobian(this.xs, this.frame, this.F);
      for (let i = 0; i < NX; i++) this.xs[i] = x[i]! + 0.5 * h * k2[i]!;
      ballisticRhs(this.xs, this.frame, k3);
      for (let i = 0; i < NX; i++) this.xs[i] = x[i]! + h * k3[i]!;
      ballisticRhs(this.xs, this.frame, k4);
      const c = h / 6;
      for (let i = 0; i < NX; i++) x[i] = x[i]! + c * (k1[i]! + 2 * k2[i]! + 2 * k3[i]! + k4[i]!);
      const A = this.F;
      for (let i = 0; i < NX * NX; i++) A[i] = A[i]! * h;
      matMul(f1, A, A, NX, NX, NX); // (hF)²
      matMul(f2, f1, A, NX, NX, NX); // (hF)³
      for (let i = 0; i < NX * NX; i++) phi[i] = A[i]! + 0.5 * f1[i]! + f2[i]! / 6;
      for (let i = 0; i < NX; i++) phi[i * NX + i] = phi[i * NX + i]! + 1;
      // P ← Φ·P·Φᵀ + Q
      matMul(this.w77a, phi, P, NX, NX, NX);
      matMulT(P, this.w77a, phi, NX, NX, NX);
      const q = this.q;
      for (let i = 0; i < 3; i++) {
        P[i * NX + i] = P[i * NX + i]! + (q * h * h * h) / 3;
        P[i * NX + i + 3] = P[i * NX + i + 3]! + (q * h * h) / 2;
        P[(i + 3) * NX + i] = P[(i + 3) * NX + i]! + (q * h * h) / 2;
        P[(i + 3) * NX + i + 3] = P[(i + 3) * NX + i + 3]! + q * h;
      }
      P[48] = P[48]! + this.qKappa * h;
      symmetrize(P, NX);
    }
    this.t = t;
  }

  /**
   * Measurement update with a polar plot from `radar`. Range rate is used when both the plot and the sigmas
   * carry it. Returns the normalised innovation squared and its degrees of freedom. Throws if the innovation
   * covariance is not positive definite.
   */
  update(z: PolarMeasurement, radar: RadarLike, sigmas: MeasurementSigmas): { nis: number; dof: number } {
    const m: 3 | 4 = z.rangeRate !== undefined && sigmas.rangeRate !== undefined ? 4 : 3;
    const x = this.x;
    const P = this.P;
    measure(x, this.frame, radar, this.zp);
    measurementJacobian(x, this.frame, radar, m, this.H);
    const nu = this.nu;
    nu[0] = z.range - this.zp[0]!;
    nu[1] = wrapPi(z.az - this.zp[1]!);
    nu[2] = z.el - this.zp[2]!;
    if (m === 4) nu[3] = z.rangeRate! - this.zp[3]!;
    const Rm = this.Rm;
    Rm[0] = sigmas.range * sigmas.range;
    Rm[1] = sigmas.az * sigmas.az;
    Rm[2] = sigmas.el * sigmas.el;
    if (m === 4) Rm[3] = sigmas.rangeRate! * sigmas.rangeRate!;
    // HP (m×7), S = HP·Hᵀ + R
    matMul(this.HP, this.H, P, m, NX, NX);
    matMulT(this.S, this.HP, this.H, m, NX, m);
    for (let i = 0; i < m; i++) this.S[i * m + i] = this.S[i * m + i]! + Rm[i]!;
    symmetrize(this.S, m);
    if (!cholesky(this.L, this.S, m)) throw new Error('BallisticEkf.update: innovation covariance not positive definite');
    // K = P·Hᵀ·S⁻¹: for each state row i, solve S·k = (H·P)ᵀ row i (S symmetric)
    const Kg = this.Kg;
    for (let i = 0; i < NX; i++) {
      for (let j = 0; j < m; j++) this.col[j] = this.HP[j * NX + i]!;
      choleskySolve(this.col, this.L, this.col, m);
      for (let j = 0; j < m; j++) Kg[i * m + j] = this.col[j]!;
    }
    const nis = mahalanobis2(this.L, nu, m, this.wv4);
    for (let i = 0; i < NX; i++) {
      let s = 0;
      for (let j = 0; j < m; j++) s += Kg[i * m + j]! * nu[j]!;
      x[i] = x[i]! + s;
    }
    // Joseph: P = (I − KH)·P·(I − KH)ᵀ + K·R·Kᵀ
    const A = this.w77a;
    matMul(A, Kg, this.H, NX, m, NX);
    for (let i = 0; i < NX * NX; i++) A[i] = -A[i]!;
    for (let i = 0; i < NX; i++) A[i * NX + i] = A[i * NX + i]! + 1;
    matMul(this.w77b, A, P, NX, NX, NX);
    matMulT(P, this.w77b, A, NX, NX, NX);
    for (let i = 0; i < NX; i++) {
      for (let j = 0; j < NX; j++) {
        let s = 0;
        for (let k = 0; k < m; k++) s += Kg[i * m + k]! * Rm[k]! * Kg[j * m + k]!;
        P[i * NX + j] = P[i * NX + j]! + s;
      }
    }
    symmetrize(P, NX);
    return { nis, dof: m };
  }

  /** Normalised estimation error squared (x − truth)ᵀ·P⁻¹·(x − truth) against a 7-D truth state. */
  nees(truthX: ArrayLike<number>): number {
    for (let i = 0; i < NX; i++) this.wv[i] = this.x[i]! - truthX[i]!;
    if (!cholesky(this.LP, this.P, NX)) return NaN;
    return mahalanobis2(this.LP, this.wv, NX, this.xs);
  }
}
