/**
 * An unscented Kalman filter on the ballistic EKF's state and model — kept to measure the EKF against, not used
 * by the tracker (docs/tracking.md, "EKF or UKF").
 *
 * Same state x = [e, n, u, vₑ, vₙ, vᵤ, κ] (site ENU, κ = i·S/m), same dynamics (the one evaluator of
 * ballistic-ekf.ts: J2 gravity, Coriolis, ISA, G7 drag, wind; RK4 steps ended on drag-table knots), same
 * process noise (white acceleration q per axis, random walk qKappa on κ) and the same polar measurement
 * function; only the way the mean and covariance go through the non-linear maps differs:
 * - scaled unscented transform with α = 1, β = 2, κ_UT = 0: 2n + 1 = 15 sigma points x ± √n·(columns of L),
 *   L·Lᵀ = P; mean weights 0 (centre) and 1/2n, covariance weights 2 (centre) and 1/2n. (With α = 1 the
 *   points sit √7 σ out, where the model is still smooth; small α put negative weights on a 7-state filter.)
 * - predict: every sigma point flown through the dynamics (state only, no Jacobian), mean and covariance of
 *   the results, plus Q(Δt);
 * - update: sigma points of the predicted state through the measurement function; azimuths differenced on
 *   the circle; K = P_xz·S⁻¹, x += K·ν, P −= K·S·Kᵀ.
 *
 * Cost: 15 propagations per predict where the EKF propagates one state with its exact transition (Φ from the
 * RK4 stages), and 15 measurement evaluations per update where the EKF evaluates one with its Jacobian.
 * Small fixed-size algebra on Float64Array, like the EKF: generic matrix libraries would cost more than the
 * filter itself at this size.
 */
import { cholesky, mahalanobis2, matMul, spdInverse, symmetrize } from '../core/linalg.js';
import type { EnuFrame } from '../geo/wgs84.js';
import {
  beginStep,
  chooseSegment,
  evalDynamics,
  EVAL_POINT,
  KNOT_T,
  measure,
  MIN_SPLIT,
  NX,
  rk4Step,
  SEG,
  setDynamics,
  STEP_H,
  wrapPi,
  type BallisticEkfOptions,
  type MeasurementSigmas,
  type PolarMeasurement,
  type RadarLike,
} from './ballistic-ekf.js';
import { addWhiteAcceleration } from './process-noise.js';

const NS = 2 * NX + 1;
const GAMMA = Math.sqrt(NX); // √(n + λ), λ = α²(n + κ_UT) − n = 0
const WM0 = 0;
const WC0 = 2; // λ/(n + λ) + (1 − α² + β)
const WI = 1 / (2 * NX);
const NOT_PD = 'BallisticUkf: covariance not positive definite';

/** Flies state x (in place) dt seconds forward in the current dynamics context, in steps of at most maxStep. */
function flyState(x: Float64Array, dt: number, maxStep: number): void {
  const nSteps = Math.ceil(dt / maxStep - 1e-9);
  const hNom = dt / nSteps;
  let left = dt;
  while (left > 0) {
    SEG[0] = -1;
    evalDynamics(x, EVAL_POINT);
    let h = left <= hNom * (1 + 1e-9) ? left : hNom;
    chooseSegment(1); // (re-fits the acceleration to the step's Cd segment when it must: enough for the state)
    const tk = KNOT_T[0]!;
    if (tk < h - MIN_SPLIT) h = tk;
    STEP_H[0] = h;
    beginStep();
    rk4Step(x, x, 0);
    left = h === left ? 0 : left - h;
  }
  SEG[0] = -1;
}

export class BallisticUkf {
  readonly frame: EnuFrame;
  readonly q: number;
  readonly qKappa: number;
  readonly maxStep: number;
  private readonly met: { wind: { east: number; north: number }; temperatureOffsetK: number };
  x = new Float64Array(NX);
  P = new Float64Array(NX * NX);
  t = 0;
  private readonly L = new Float64Array(NX * NX);
  /** sigma points, NS × NX */
  private readonly chi = new Float64Array(NS * NX);
  /** their measurements, NS × 4 */
  private readonly Z = new Float64Array(NS * 4);
  private readonly zp = new Float64Array(4);
  private readonly dx = new Float64Array(NX);
  private readonly wv = new Float64Array(NX);

  constructor(opts: BallisticEkfOptions) {
    this.frame = opts.frame;
    this.q = opts.q ?? 1;
    this.qKappa = opts.qKappa ?? 1e-10;
    this.maxStep = opts.maxStep ?? 1;
    this.met = { wind: { east: opts.wind?.east ?? 0, north: opts.wind?.north ?? 0 }, temperatureOffsetK: opts.temperatureOffsetK ?? 0 };
  }

  init(x0: ArrayLike<number>, P0: ArrayLike<number>, t: number): void {
    this.x.set(x0);
    this.P.set(P0);
    symmetrize(this.P, NX);
    this.t = t;
  }

  /** The 15 sigma points of (x, P) into chi. */
  private sigmaPoints(): void {
    if (!cholesky(this.L, this.P, NX)) throw new Error(NOT_PD);
    const L = this.L;
    const chi = this.chi;
    for (let k = 0; k < NX; k++) chi[k] = this.x[k]!;
    for (let i = 0; i < NX; i++) {
      const plus = (1 + i) * NX;
      const minus = (1 + NX + i) * NX;
      for (let k = 0; k < NX; k++) {
        const d = GAMMA * L[k * NX + i]!; // column i of L
        chi[plus + k] = this.x[k]! + d;
        chi[minus + k] = this.x[k]! - d;
      }
    }
  }

  predict(t: number): void {
    const dt = t - this.t;
    if (!(dt > 0)) return;
    this.sigmaPoints();
    setDynamics(this.frame, this.met);
    const chi = this.chi;
    for (let s = 0; s < NS; s++) flyState(chi.subarray(s * NX, (s + 1) * NX), dt, this.maxStep);
    const x = this.x;
    for (let k = 0; k < NX; k++) {
      let m = WM0 * chi[k]!;
      for (let s = 1; s < NS; s++) m += WI * chi[s * NX + k]!;
      x[k] = m;
    }
    const P = this.P;
    P.fill(0);
    for (let s = 0; s < NS; s++) {
      const w = s === 0 ? WC0 : WI;
      const o = s * NX;
      for (let i = 0; i < NX; i++) {
        const di = chi[o + i]! - x[i]!;
        for (let j = i; j < NX; j++) P[i * NX + j] = P[i * NX + j]! + w * di * (chi[o + j]! - x[j]!);
      }
    }
    for (let i = 0; i < NX; i++) for (let j = 0; j < i; j++) P[i * NX + j] = P[j * NX + i]!;
    addWhiteAcceleration(P, NX, this.q, dt);
    P[NX * NX - 1] = P[NX * NX - 1]! + this.qKappa * dt;
    this.t = t;
  }

  /** Measurement update with a polar plot (range rate used when plot and sigmas carry it); as BallisticEkf.update. */
  update(z: PolarMeasurement, radar: RadarLike, sigmas: MeasurementSigmas): { nis: number; dof: number; logDetS: number } {
    const m = z.rangeRate !== undefined && sigmas.rangeRate !== undefined ? 4 : 3;
    this.sigmaPoints();
    const chi = this.chi;
    const Z = this.Z;
    const zp = this.zp;
    for (let s = 0; s < NS; s++) {
      measure(chi.subarray(s * NX, (s + 1) * NX), this.frame, radar, zp);
      for (let r = 0; r < 4; r++) Z[s * 4 + r] = zp[r]!;
    }
    // mean measurement; azimuths as differences from the centre point's, on the circle
    const az0 = Z[1]!;
    const zm = [0, 0, 0, 0];
    for (let s = 0; s < NS; s++) {
      Z[s * 4 + 1] = az0 + wrapPi(Z[s * 4 + 1]! - az0);
      const w = s === 0 ? WM0 : WI;
      for (let r = 0; r < m; r++) zm[r] = zm[r]! + w * Z[s * 4 + r]!;
    }
    const R = [sigmas.range * sigmas.range, sigmas.az * sigmas.az, sigmas.el * sigmas.el, m === 4 ? sigmas.rangeRate! * sigmas.rangeRate! : 0];
    const S = new Float64Array(m * m);
    const Pxz = new Float64Array(NX * m);
    for (let s = 0; s < NS; s++) {
      const w = s === 0 ? WC0 : WI;
      for (let r = 0; r < m; r++) {
        const dr = Z[s * 4 + r]! - zm[r]!;
        for (let c = 0; c < m; c++) S[r * m + c] = S[r * m + c]! + w * dr * (Z[s * 4 + c]! - zm[c]!);
        for (let i = 0; i < NX; i++) Pxz[i * m + r] = Pxz[i * m + r]! + w * (chi[s * NX + i]! - this.x[i]!) * dr;
      }
    }
    for (let r = 0; r < m; r++) S[r * m + r] = S[r * m + r]! + R[r]!;
    const Ls = new Float64Array(m * m);
    if (!cholesky(Ls, S, m)) throw new Error(NOT_PD);
    let logDetS = 0;
    for (let r = 0; r < m; r++) logDetS += 2 * Math.log(Ls[r * m + r]!);
    const nu = Float64Array.of(z.range - zm[0]!, wrapPi(z.az - zm[1]!), z.el - zm[2]!, m === 4 ? z.rangeRate! - zm[3]! : 0).subarray(0, m);
    const nis = mahalanobis2(Ls, nu, m, new Float64Array(m));
    // K = P_xz·S⁻¹
    const Sinv = new Float64Array(m * m);
    if (!spdInverse(Sinv, S, m)) throw new Error(NOT_PD);
    const K = matMul(new Float64Array(NX * m), Pxz, Sinv, NX, m, m);
    for (let i = 0; i < NX; i++) {
      let v = 0;
      for (let c = 0; c < m; c++) v += K[i * m + c]! * nu[c]!;
      this.x[i] = this.x[i]! + v;
    }
    // P −= K·S·Kᵀ = K·Pxzᵀ
    const P = this.P;
    for (let i = 0; i < NX; i++) {
      for (let j = i; j < NX; j++) {
        let v = 0;
        for (let c = 0; c < m; c++) v += K[i * m + c]! * Pxz[j * m + c]!;
        P[i * NX + j] = P[i * NX + j]! - v;
        P[j * NX + i] = P[i * NX + j]!;
      }
    }
    return { nis, dof: m, logDetS };
  }

  /** Normalised estimation error squared against a 7-D truth state (as BallisticEkf.nees). */
  nees(truthX: ArrayLike<number>): number {
    for (let i = 0; i < NX; i++) this.wv[i] = this.x[i]! - truthX[i]!;
    if (!cholesky(this.L, this.P, NX)) return NaN;
    return mahalanobis2(this.L, this.wv, NX, this.dx);
  }
}
