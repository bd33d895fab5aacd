/**
 * Nearly-constant-velocity EKF: the "not ballistic" model the classifier weighs the ballistic filter against
 * (drones, aircraft, birds fly; they do not fall under gravity and drag). State [e, n, u, vₑ, vₙ, vᵤ] in the
 * site's ENU frame, white-noise acceleration of spectral density q per axis (discrete Wiener model), the same
 * exact polar measurement as the ballistic filter (ballistic-ekf.ts `measure`, fed with κ = 0 — it does not
 * read κ). Hand-written 6×6 algebra on preallocated Float64Arrays, like the ballistic filter, for speed.
 */
import { cholesky, choleskySolve, mahalanobis2 } from '../core/linalg.js';
import type { EnuFrame } from '../geo/wgs84.js';
import { NX, measure, measurementJacobian, wrapPi, type MeasurementSigmas, type PolarMeasurement, type RadarLike } from './ballistic-ekf.js';
import { addWhiteAcceleration } from './process-noise.js';

const N = 6;
const LOG_2PI = Math.log(2 * Math.PI);

export interface UpdateResult {
  /** normalised innovation squared */
  nis: number;
  dof: number;
  /** log of the Gaussian innovation likelihood, −½(ν'S⁻¹ν + log|S| + m·log 2π) */
  logLik: number;
}

export class CvEkf {
  readonly frame: EnuFrame;
  readonly q: number;
  /** state padded to 7 (κ slot = 0) so the shared measurement functions can read it */
  readonly x = new Float64Array(NX);
  readonly P = new Float64Array(N * N);
  t = 0;
  private readonly zp = new Float64Array(4);
  private readonly nu = new Float64Array(4);
  private readonly H7 = new Float64Array(4 * NX);
  private readonly H = new Float64Array(4 * N);
  private readonly HP = new Float64Array(4 * N);
  private readonly S = new Float64Array(16);
  private readonly L = new Float64Array(16);
  private readonly K = new Float64Array(N * 4);
  private readonly col = new Float64Array(4);
  private readonly w4 = new Float64Array(4);

  constructor(frame: EnuFrame, q = 5) {
    this.frame = frame;
    this.q = q;
  }

  init(pos: ArrayLike<number>, vel: ArrayLike<number>, P6: ArrayLike<number>, t: number): void {
    for (let i = 0; i < 3; i++) {
      this.x[i] = pos[i]!;
      this.x[i + 3] = vel[i]!;
    }
    this.x[6] = 0;
    this.P.set(P6);
    this.t = t;
  }

  /** x ← F·x, P ← F·P·Fᵀ + Q with F = [[I, dt·I], [0, I]] — closed form, block by block. */
  predict(t: number): void {
    const dt = t - this.t;
    if (!(dt > 0)) return;
    const x = this.x;
    const P = this.P;
    for (let i = 0; i < 3; i++) x[i] = x[i]! + dt * x[i + 3]!;
    // P' = F P Fᵀ: Ppp += dt(Ppv + Pvp) + dt²Pvv; Ppv += dt·Pvv; Pvp += dt·Pvv
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        const pv = P[i * N + j + 3]!;
        const vp = P[(i + 3) * N + j]!;
        const vv = P[(i + 3) * N + j + 3]!;
        P[i * N + j] = P[i * N + j]! + dt * (pv + vp) + dt * dt * vv;
        P[i * N + j + 3] = pv + dt * vv;
        P[(i + 3) * N + j] = vp + dt * vv;
      }
    }
    addWhiteAcceleration(P, N, this.q, dt);
    this.t = t;
  }

  /** Polar update (standard form P ← P − K·H·P, symmetrised); throws when S is not positive definite. */
  update(z: PolarMeasurement, radar: RadarLike, sigmas: MeasurementSigmas): UpdateResult {
    const m: 3 | 4 = z.rangeRate !== undefined && sigmas.rangeRate !== undefined ? 4 : 3;
    const { x, P, H, HP, S, L, K, nu, zp } = this;
    measure(x, this.frame, radar, zp);
    measurementJacobian(x, this.frame, radar, m, this.H7);
    for (let i = 0; i < m; i++) for (let j = 0; j < N; j++) H[i * N + j] = this.H7[i * NX + j]!;
    nu[0] = z.range - zp[0]!;
    nu[1] = wrapPi(z.az - zp[1]!);
    nu[2] = z.el - zp[2]!;
    if (m === 4) nu[3] = z.rangeRate! - zp[3]!;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < N; j++) {
        let s = 0;
        for (let k = 0; k < N; k++) s += H[i * N + k]! * P[k * N + j]!;
        HP[i * N + j] = s;
      }
    }
    for (let i = 0; i < m; i++) {
      for (let j = 0; j <= i; j++) {
        let s = 0;
        for (let k = 0; k < N; k++) s += HP[i * N + k]! * H[j * N + k]!;
        S[i * m + j] = s;
        S[j * m + i] = s;
      }
    }
    S[0] = S[0]! + sigmas.range * sigmas.range;
    S[m + 1] = S[m + 1]! + sigmas.az * sigmas.az;
    S[2 * m + 2] = S[2 * m + 2]! + sigmas.el * sigmas.el;
    if (m === 4) S[15] = S[15]! + sigmas.rangeRate! * sigmas.rangeRate!;
    if (!cholesky(L, S, m)) throw new Error('CvEkf.update: innovation covariance not positive definite');
    let logDet = 0;
    for (let i = 0; i < m; i++) logDet += 2 * Math.log(L[i * m + i]!);
    const nis = mahalanobis2(L, nu, m, this.w4);
    for (let i = 0; i < N; i++) {
      for (let j = 0; j < m; j++) this.col[j] = HP[j * N + i]!;
      choleskySolve(this.col, L, this.col, m);
      for (let j = 0; j < m; j++) K[i * m + j] = this.col[j]!;
    }
    for (let i = 0; i < N; i++) {
      let s = 0;
      for (let j = 0; j < m; j++) s += K[i * m + j]! * nu[j]!;
      x[i] = x[i]! + s;
    }
    for (let i = 0; i < N; i++) {
      for (let j = 0; j <= i; j++) {
        let s = 0;
        for (let k = 0; k < m; k++) s += K[i * m + k]! * HP[k * N + j]!;
        const v = 0.5 * (P[i * N + j]! - s + P[j * N + i]! - s);
        P[i * N + j] = v;
        P[j * N + i] = v;
      }
    }
    return { nis, dof: m, logLik: -0.5 * (nis + logDet + m * LOG_2PI) };
  }
}
