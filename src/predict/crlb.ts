/**
 * Posterior Cramér–Rao lower bound (PCRLB) for one ballistic threat, along its true trajectory.
 *
 * State as in the tracker (track/ballistic-ekf.ts): x = [e, n, u, vₑ, vₙ, vᵤ, κ] in the site's ENU frame,
 * κ = i·S/m (m²/kg). With deterministic dynamics (no process noise) every state on the trajectory is a function
 * of the state at one reference epoch t₀ (the first measurement used), so the information the measurements
 * carry is collected about x(t₀):
 *
 *   J = J_prior + Σ_k Φ(t_k, t₀)ᵀ·H_kᵀ·R_k⁻¹·H_k·Φ(t_k, t₀)
 *
 * H_k the measurement Jacobian (range, az, el, optional range rate; ballistic-ekf.ts measurementJacobian) at
 * the TRUE state at t_k, R_k = diag(σ²), Φ the transition matrix of the filter's dynamics linearised along the
 * TRUE path: dΦ/dt = F(x_true(t))·Φ, F = ballisticJacobian, integrated by classical RK4 in steps ≤ 0.25 s.
 * The prior is on κ only (the tracker's broad prior); position and velocity have none. The bound on the
 * covariance of any unbiased estimator of the state at t (t ≥ t₀) given the measurements is
 *
 *   P_CRLB(t) = Φ(t, t₀)·J⁻¹·Φ(t, t₀)ᵀ.
 *
 * Assumptions (docs/crlb.md): the bound is for the coasting phase only (rocket boost is not in the filter's
 * model, so measurements before burnout are not used); the model is the filter's own (G7 drag, constant κ,
 * ISA, still air unless `met` hands it a wind and temperature offset) linearised at the truth, whereas the
 * truth may have been flown with wind and a temperature offset the filter does not know: the bound says how
 * well a filter with this model could do on this geometry, not what a mismatched model costs.
 *
 * Incremental: measurements arrive in time order; adding one integrates Φ from the previous measurement time
 * only, and costs one 7×7 rank-m update of J.
 */
import { cholesky, choleskySolve, matMul, matMulT, symmetrize } from '../core/linalg.js';
import { geodeticHeight, type EnuFrame } from '../geo/wgs84.js';
import { stateAt, type Trajectory } from '../physics/trajectory.js';
import type { ThreatSpec } from '../physics/catalogue.js';
import { NX, ballisticJacobian, ballisticRhs, measurementJacobian } from '../track/ballistic-ekf.js';

const N2 = NX * NX;

/** Wind / temperature offset handed through to the filter's dynamics (its optional trailing argument). */
export type CrlbMet = Parameters<typeof ballisticRhs>[3];

/** One radar measurement as the bound sees it: when, from where, how noisy (no values: the bound needs none). */
export interface CrlbMeasurement {
  /** UTC seconds */
  t: number;
  /** the radar's own ENU frame (origin at the antenna) */
  frame: EnuFrame;
  /** standard deviations, SI: m, rad, rad, m/s. rangeRate absent or ≤ 0: no Doppler. */
  sigmas: { range: number; az: number; el: number; rangeRate?: number };
}

/** What the bound needs of a threat's truth (a scenario ThreatTruth fits). */
export interface CrlbTruth {
  trajectory: Trajectory;
  /** UTC seconds of launch */
  launchTime: number;
}

export interface CrlbOptions {
  /**
   * Gaussian prior on κ (m²/kg): information 1/σ² on the κ diagonal. Default σ = 1e-3 (the tracker's broad
   * prior). σ = Infinity: no prior at all.
   */
  kappaPrior?: { sigma: number };
  /** longest integration step for Φ (s). Default 0.25. */
  maxStep?: number;
  /** true κ (m²/kg); default trueKappa(truth.trajectory.spec) */
  kappa?: number;
  /**
   * met the filter's dynamics are linearised with (wind, temperature offset), passed through to
   * ballisticJacobian. Default none: the filter's still-air ISA model.
   */
  met?: CrlbMet;
}

/** True ballistic coefficient after burnout: κ = i·π·d²/4 / m_burnout (m²/kg). */
export function trueKappa(spec: ThreatSpec): number {
  return (spec.formFactor * Math.PI * spec.calibreM * spec.calibreM) / 4 / (spec.burnoutMassKg ?? spec.massKg);
}

/** Pivots of the equilibrated information matrix below this (relative) count as singular. */
const MIN_PIVOT = 1e-12;

/** Fisher information about the state at t₀ of one truth trajectory, accumulated measurement by measurement. */
export class CrlbAccumulator {
  readonly truth: CrlbTruth;
  /** the site frame the state is expressed in */
  readonly frame: EnuFrame;
  readonly kappa: number;
  readonly maxStep: number;
  readonly met: CrlbMet;
  /** information 1/σ² of the κ prior (0 = none) */
  readonly kappaPriorInfo: number;
  /** UTC seconds: first instant of the coasting phase (burnout for rockets, launch otherwise), and impact */
  readonly coastStart: number;
  readonly impactTime: number;
  /** reference epoch (the first measurement used); NaN until then */
  t0 = NaN;
  /** time of the last measurement used; NaN until then */
  tLast = NaN;
  /** measurements used */
  count = 0;

  private readonly J = new Float64Array(N2);
  /** Φ(tLast, t₀) */
  private readonly phi = new Float64Array(N2);
  private jInv: Float64Array | undefined;
  private jInvValid = false;
  // workspaces
  private readonly xs = new Float64Array(NX);
  private readonly s6 = new Float64Array(6);
  private readonly e3 = new Float64Array(3);
  private readonly Fa = new Float64Array(N2);
  private readonly Fm = new Float64Array(N2);
  private readonly Fb = new Float64Array(N2);
  private readonly k1 = new Float64Array(N2);
  private readonly k2 = new Float64Array(N2);
  private readonly k3 = new Float64Array(N2);
  private readonly k4 = new Float64Array(N2);
  private readonly tmp = new Float64Array(N2);
  private readonly H = new Float64Array(4 * NX);
  private readonly B = new Float64Array(4 * NX);

  constructor(truth: CrlbTruth, frame: EnuFrame, opts: CrlbOptions = {}) {
    this.truth = truth;
    this.frame = frame;
    this.kappa = opts.kappa ?? trueKappa(truth.trajectory.spec);
    this.maxStep = opts.maxStep ?? 0.25;
    this.met = opts.met;
    if (!(this.maxStep > 0)) throw new RangeError(`CrlbAccumulator: maxStep must be positive (got ${this.maxStep})`);
    const sk = opts.kappaPrior?.sigma ?? 1e-3;
    if (!(sk > 0)) throw new RangeError(`CrlbAccumulator: kappaPrior.sigma must be positive or Infinity (got ${sk})`);
    this.kappaPriorInfo = 1 / (sk * sk);
    this.J[N2 - 1] = this.kappaPriorInfo;
    const traj = truth.trajectory;
    this.coastStart = truth.launchTime + (traj.burnout?.t ?? 0);
    this.impactTime = truth.launchTime + traj.impact.t;
  }

  /** True state [e, n, u, vₑ, vₙ, vᵤ, κ] at UTC t in the site frame (into out). RangeError outside the flight. */
  trueStateAt(t: number, out: Float64Array = new Float64Array(NX)): Float64Array {
    if (!stateAt(this.truth.trajectory, t - this.truth.launchTime, this.s6)) {
      throw new RangeError(`CrlbAccumulator.trueStateAt: t = ${t} is outside the flight [${this.truth.launchTime}, ${this.impactTime}]`);
    }
    const s = this.s6;
    const f = this.frame;
    f.ecefToEnu(s[0]!, s[1]!, s[2]!, this.e3);
    out[0] = this.e3[0]!;
    out[1] = this.e3[1]!;
    out[2] = this.e3[2]!;
    f.vecEcefToEnu(s[3]!, s[4]!, s[5]!, this.e3);
    out[3] = this.e3[0]!;
    out[4] = this.e3[1]!;
    out[5] = this.e3[2]!;
    out[6] = this.kappa;
    return out;
  }

  /**
   * Add one measurement (time order: t ≥ the last one used, else RangeError). Returns false, and changes
   * nothing, when t is outside the coasting phase [burnout or launch, impact]; true when it was accumulated.
   */
  add(m: CrlbMeasurement): boolean {
    const t = m.t;
    if (!Number.isFinite(t)) throw new RangeError(`CrlbAccumulator.add: time ${t} is not finite`);
    const sg = m.sigmas;
    if (!(sg.range > 0 && sg.az > 0 && sg.el > 0)) throw new RangeError('CrlbAccumulator.add: range, az and el sigmas must be positive');
    if (t < this.coastStart || t > this.impactTime) return false;
    if (this.count === 0) {
      this.t0 = t;
      this.phi.fill(0);
      for (let i = 0; i < NX; i++) this.phi[i * NX + i] = 1;
    } else {
      if (t < this.tLast) throw new RangeError(`CrlbAccumulator.add: measurements must come in time order (${t} < ${this.tLast})`);
      this.propagate(this.phi, this.tLast, t);
    }
    this.tLast = t;
    this.count++;
    const rows: 3 | 4 = sg.rangeRate !== undefined && sg.rangeRate > 0 ? 4 : 3;
    this.trueStateAt(t, this.xs);
    measurementJacobian(this.xs, this.frame, { frame: m.frame }, rows, this.H);
    matMul(this.B, this.H, this.phi, rows, NX, NX); // B = H·Φ (rows×7)
    const w0 = 1 / (sg.range * sg.range);
    const w1 = 1 / (sg.az * sg.az);
    const w2 = 1 / (sg.el * sg.el);
    const w3 = rows === 4 ? 1 / (sg.rangeRate! * sg.rangeRate!) : 0;
    const B = this.B;
    const J = this.J;
    for (let i = 0; i < NX; i++) {
      for (let j = i; j < NX; j++) {
        let s = w0 * B[i]! * B[j]! + w1 * B[NX + i]! * B[NX + j]! + w2 * B[2 * NX + i]! * B[2 * NX + j]!;
        if (rows === 4) s += w3 * B[3 * NX + i]! * B[3 * NX + j]!;
        J[i * NX + j] = J[i * NX + j]! + s;
        if (j !== i) J[j * NX + i] = J[i * NX + j]!;
      }
    }
    this.jInvValid = false;
    return true;
  }

  /** A copy of the Fisher information about x(t₀) (7×7 row-major), prior included. */
  information(): Float64Array {
    return Float64Array.from(this.J);
  }

  /** J⁻¹: the bound on the state at t₀; undefined while J is singular (too few measurements). */
  boundAtT0(): Float64Array | undefined {
    if (this.count === 0) return undefined;
    if (!this.jInvValid) {
      this.jInv = invertInformation(this.J);
      this.jInvValid = true;
    }
    return this.jInv ? Float64Array.from(this.jInv) : undefined;
  }

  /** Φ(t, t₀) along the truth, for t₀ ≤ t ≤ impact (RangeError otherwise); undefined before any measurement. */
  transition(t: number): Float64Array | undefined {
    if (this.count === 0) return undefined;
    if (!(t >= this.t0 && t <= this.impactTime)) {
      throw new RangeError(`CrlbAccumulator: t = ${t} must lie in [t0 = ${this.t0}, impact = ${this.impactTime}]`);
    }
    const out = new Float64Array(N2);
    if (t >= this.tLast) {
      out.set(this.phi);
      this.propagate(out, this.tLast, t);
    } else {
      for (let i = 0; i < NX; i++) out[i * NX + i] = 1;
      this.propagate(out, this.t0, t);
    }
    return out;
  }

  /**
   * The bound on the covariance (7×7 row-major) of any unbiased estimator of the state at t given the
   * measurements so far: Φ(t, t₀)·J⁻¹·Φ(t, t₀)ᵀ. Meant for t ≥ the last measurement (for t₀ ≤ t < tLast it
   * is the smoothing bound). undefined while J is not invertible; RangeError for t outside [t₀, impact].
   */
  boundAt(t: number): Float64Array | undefined {
    const Pi = this.boundAtT0();
    if (!Pi) return undefined;
    const phi = this.transition(t)!;
    const out = new Float64Array(N2);
    matMul(this.tmp, phi, Pi, NX, NX, NX);
    matMulT(out, this.tmp, phi, NX, NX, NX);
    return symmetrize(out, NX);
  }

  /** phi ← Φ(tb, ta)·phi: RK4 on dΦ/dt = F(x_true(t))·Φ, steps ≤ maxStep. */
  private propagate(phi: Float64Array, ta: number, tb: number): void {
    const dt = tb - ta;
    if (!(dt > 0)) return;
    const n = Math.ceil(dt / this.maxStep - 1e-9);
    const h = dt / n;
    const { k1, k2, k3, k4, tmp } = this;
    let Fa = this.Fa;
    let Fb = this.Fb;
    const Fm = this.Fm;
    this.jacobianAt(ta, Fa);
    for (let s = 0; s < n; s++) {
      const t = ta + s * h;
      this.jacobianAt(t + 0.5 * h, Fm);
      this.jacobianAt(s === n - 1 ? tb : t + h, Fb);
      matMul(k1, Fa, phi, NX, NX, NX);
      for (let i = 0; i < N2; i++) tmp[i] = phi[i]! + 0.5 * h * k1[i]!;
      matMul(k2, Fm, tmp, NX, NX, NX);
      for (let i = 0; i < N2; i++) tmp[i] = phi[i]! + 0.5 * h * k2[i]!;
      matMul(k3, Fm, tmp, NX, NX, NX);
      for (let i = 0; i < N2; i++) tmp[i] = phi[i]! + h * k3[i]!;
      matMul(k4, Fb, tmp, NX, NX, NX);
      const c = h / 6;
      for (let i = 0; i < N2; i++) phi[i] = phi[i]! + c * (k1[i]! + 2 * k2[i]! + 2 * k3[i]! + k4[i]!);
      const sw = Fa;
      Fa = Fb;
      Fb = sw;
    }
  }

  private jacobianAt(t: number, F: Float64Array): void {
    // Clamp into the flight: the last step may land a rounding error past the impact sample.
    const tc = Math.min(Math.max(t, this.truth.launchTime), this.impactTime);
    this.trueStateAt(tc, this.xs);
    ballisticJacobian(this.xs, this.frame, F, this.met);
  }
}

/**
 * Inverse of a 7×7 information matrix, equilibrated first (D·J·D with D = diag(1/√J_ii), so positions in m
 * and κ in m²/kg do not spoil the pivots): undefined when a diagonal is not positive or a relative pivot
 * falls below MIN_PIVOT (J singular to working precision).
 */
export function invertInformation(J: Float64Array): Float64Array | undefined {
  const d = new Float64Array(NX);
  for (let i = 0; i < NX; i++) {
    const v = J[i * NX + i]!;
    if (!(v > 0 && Number.isFinite(v))) return undefined;
    d[i] = 1 / Math.sqrt(v);
  }
  const A = new Float64Array(N2);
  for (let i = 0; i < NX; i++) for (let j = 0; j < NX; j++) A[i * NX + j] = d[i]! * J[i * NX + j]! * d[j]!;
  const L = new Float64Array(N2);
  if (!cholesky(L, A, NX)) return undefined;
  for (let i = 0; i < NX; i++) {
    const p = L[i * NX + i]!;
    if (!(p * p > MIN_PIVOT)) return undefined;
  }
  const out = new Float64Array(N2);
  const col = new Float64Array(NX);
  for (let j = 0; j < NX; j++) {
    col.fill(0);
    col[j] = 1;
    choleskySolve(col, L, col, NX);
    for (let i = 0; i < NX; i++) out[i * NX + j] = d[i]! * col[i]! * d[j]!;
  }
  return symmetrize(out, NX);
}

// ---------------------------------------------------------------------------------------------------------
// Impact-point bound (self-contained linearised mapping; predict/impact.ts is the production path)
// ---------------------------------------------------------------------------------------------------------

export interface ImpactBound {
  /** impact point, ENU east and north of `frame` (m) */
  e: number;
  n: number;
  /** seconds from the state's epoch to the impact */
  tGo: number;
  /** 2×2 covariance (row-major) of the impact point's east/north: G·P·Gᵀ */
  covEN: Float64Array;
}

/**
 * Map a state and its covariance bound to the impact point on the surface h = terrainAlt (height above the
 * ellipsoid): fly the filter's model (RK4, steps ≤ maxStep, with the variational equations for Φ) until the
 * height crosses terrainAlt, locate the crossing by secant iterations on a re-integrated last step, and use
 * the first-order impact sensitivity G = [I₂ 0]·(I − v·nᵀ/(nᵀ·v))·Φ_pos (n the ellipsoid normal in ENU, v the
 * velocity at impact). undefined when the state does not come down within maxTime seconds.
 */
export function impactBoundEN(
  x: Float64Array,
  Pbound: Float64Array,
  frame: EnuFrame,
  terrainAlt: number,
  opts: { maxStep?: number; maxTime?: number; met?: CrlbMet } = {},
): ImpactBound | undefined {
  const maxStep = opts.maxStep ?? 0.25;
  const maxTime = opts.maxTime ?? 400;
  const met = opts.met;
  const xa = Float64Array.from(x);
  const pa = new Float64Array(N2);
  for (let i = 0; i < NX; i++) pa[i * NX + i] = 1;
  const xb = new Float64Array(NX);
  const pb = new Float64Array(N2);
  const w = new VarStepWork();
  const height = (s: Float64Array): number => {
    const p = frame.enuToEcef(s[0]!, s[1]!, s[2]!);
    return geodeticHeight(p[0]!, p[1]!, p[2]!);
  };
  let t = 0;
  let ha = height(xa);
  if (ha <= terrainAlt) return undefined;
  for (;;) {
    if (t >= maxTime) return undefined;
    variationalStep(xa, pa, frame, met, maxStep, xb, pb, w);
    const hb = height(xb);
    if (hb <= terrainAlt) {
      // secant (regula falsi, Illinois) on τ ∈ (0, maxStep]: height after a re-integrated step of length τ
      let lo = 0;
      let hi = maxStep;
      let flo = ha - terrainAlt;
      let fhi = hb - terrainAlt;
      let tau = maxStep;
      let side = 0;
      for (let it = 0; it < 60 && hi - lo > 1e-9; it++) {
        tau = (lo * fhi - hi * flo) / (fhi - flo);
        variationalStep(xa, pa, frame, met, tau, xb, pb, w);
        const f = height(xb) - terrainAlt;
        if (Math.abs(f) < 1e-6) break;
        if (f > 0) {
          lo = tau;
          flo = f;
          if (side === 1) fhi /= 2;
          side = 1;
        } else {
          hi = tau;
          fhi = f;
          if (side === -1) flo /= 2;
          side = -1;
        }
      }
      variationalStep(xa, pa, frame, met, tau, xb, pb, w);
      t += tau;
      break;
    }
    xa.set(xb);
    pa.set(pb);
    ha = hb;
    t += maxStep;
  }
  // Normal of the ellipsoid at the impact, in ENU; sensitivity δp_i = (I − v·nᵀ/(nᵀv))·δp(t_i).
  const pe = frame.enuToEcef(xb[0]!, xb[1]!, xb[2]!);
  const nE = new Float64Array(3);
  geodeticHeight(pe[0]!, pe[1]!, pe[2]!, nE);
  const nrm = frame.vecEcefToEnu(nE[0]!, nE[1]!, nE[2]!);
  const v0 = xb[3]!;
  const v1 = xb[4]!;
  const v2 = xb[5]!;
  const nv = nrm[0]! * v0 + nrm[1]! * v1 + nrm[2]! * v2;
  const G = new Float64Array(2 * NX);
  for (let r = 0; r < 2; r++) {
    const vr = r === 0 ? v0 : v1;
    for (let j = 0; j < NX; j++) {
      const dn = nrm[0]! * pb[j]! + nrm[1]! * pb[NX + j]! + nrm[2]! * pb[2 * NX + j]!;
      G[r * NX + j] = pb[r * NX + j]! - (vr * dn) / nv;
    }
  }
  const GP = new Float64Array(2 * NX);
  matMul(GP, G, Pbound, 2, NX, NX);
  const covEN = new Float64Array(4);
  matMulT(covEN, GP, G, 2, NX, 2);
  symmetrize(covEN, 2);
  return { e: xb[0]!, n: xb[1]!, tGo: t, covEN };
}

class VarStepWork {
  readonly k = [0, 1, 2, 3].map(() => new Float64Array(NX)) as [Float64Array, Float64Array, Float64Array, Float64Array];
  readonly kp = [0, 1, 2, 3].map(() => new Float64Array(N2)) as [Float64Array, Float64Array, Float64Array, Float64Array];
  readonly xs = new Float64Array(NX);
  readonly ps = new Float64Array(N2);
  readonly F = new Float64Array(N2);
}

/** One RK4 step of length h of the state and its variational equation dΦ/dt = F(x)·Φ (stages at RK4 states). */
function variationalStep(x: Float64Array, p: Float64Array, frame: EnuFrame, met: CrlbMet, h: number, xo: Float64Array, po: Float64Array, w: VarStepWork): void {
  const { k, kp, xs, ps, F } = w;
  const coef = [0, 0.5 * h, 0.5 * h, h];
  for (let s = 0; s < 4; s++) {
    if (s === 0) {
      xs.set(x);
      ps.set(p);
    } else {
      const c = coef[s]!;
      const kPrev = k[s - 1]!;
      const kpPrev = kp[s - 1]!;
      for (let i = 0; i < NX; i++) xs[i] = x[i]! + c * kPrev[i]!;
      for (let i = 0; i < N2; i++) ps[i] = p[i]! + c * kpPrev[i]!;
    }
    ballisticRhs(xs, frame, k[s]!, met);
    ballisticJacobian(xs, frame, F, met);
    matMul(kp[s]!, F, ps, NX, NX, NX);
  }
  const c6 = h / 6;
  for (let i = 0; i < NX; i++) xo[i] = x[i]! + c6 * (k[0][i]! + 2 * k[1][i]! + 2 * k[2][i]! + k[3][i]!);
  for (let i = 0; i < N2; i++) po[i] = p[i]! + c6 * (kp[0][i]! + 2 * kp[1][i]! + 2 * kp[2][i]! + kp[3][i]!);
}
