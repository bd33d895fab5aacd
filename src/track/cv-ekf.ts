/**
 * Nearly-constant-velocity EKF: the "not ballistic" model the classifier weighs the ballistic filter against
 * (drones, aircraft, birds fly; they do not fall under gravity and drag). State [e, n, u, vₑ, vₙ, vᵤ] in the
 * site's ENU frame, white-noise acceleration of spectral density q per axis (discrete Wiener model), the same
 * exact polar measurement as the ballistic filter (ballistic-ekf.ts `measure`, fed with κ = 0 — it does not
 * read κ). Hand-written 6×6 algebra on preallocated Float64Arrays, like the ballistic filter, for speed.
 */
import type { EnuFrame } from '../geo/wgs84.js';
import { NX, measureWithJacobian, wrapPi, type MeasurementSigmas, type PolarMeasurement, type RadarLike } from './ballistic-ekf.js';
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

// Workspaces of update, shared by every filter (nothing in them outlives one call): a track owns only its x
// and P, and the scratch stays hot across the tracks of a batch (see ballistic-ekf.ts).
const ZP = new Float64Array(4);
/** the measurement Jacobian (4×7; the κ column unused) */
const H7 = new Float64Array(4 * NX);
/** H·P (4×6) */
const HPM = new Float64Array(4 * N);
/** gain K (6×4) */
const KM = new Float64Array(N * 4);

export class CvEkf {
  readonly frame: EnuFrame;
  readonly q: number;
  /** state padded to 7 (κ slot = 0) so the shared measurement functions can read it */
  readonly x = new Float64Array(NX);
  readonly P = new Float64Array(N * N);
  t = 0;

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

  /**
   * Polar update (standard form P ← P − K·H·P, symmetrised); throws when S is not positive definite.
   *
   * Written out like BallisticEkf.update, in linalg's order of operations (cholesky, mahalanobis2,
   * choleskySolve: the same results as those loops, at a third of the cost): m = 4 always, without range
   * rate the fourth row padded (H row and innovation 0, variance 1), which leaves the first three rows'
   * results as they are. H's zeros are skipped: columns 3..5 are zero on the range/az/el rows.
   */
  update(z: PolarMeasurement, radar: RadarLike, sigmas: MeasurementSigmas): UpdateResult {
    const m: 3 | 4 = z.rangeRate !== undefined && sigmas.rangeRate !== undefined ? 4 : 3;
    const x = this.x;
    const P = this.P;
    const HP = HPM;
    const K = KM;
    const zp = ZP;
    const H = H7;
    measureWithJacobian(x, this.frame, radar, m, zp, H);
    const nu0 = z.range - zp[0]!;
    const nu1 = wrapPi(z.az - zp[1]!);
    const nu2 = z.el - zp[2]!;
    const nu3 = m === 4 ? z.rangeRate! - zp[3]! : 0;
    const h00 = H[0]!, h01 = H[1]!, h02 = H[2]!;
    const h10 = H[NX]!, h11 = H[NX + 1]!, h12 = H[NX + 2]!;
    const h20 = H[2 * NX]!, h21 = H[2 * NX + 1]!, h22 = H[2 * NX + 2]!;
    let h30 = 0, h31 = 0, h32 = 0, h33 = 0, h34 = 0, h35 = 0;
    if (m === 4) {
      h30 = H[3 * NX]!;
      h31 = H[3 * NX + 1]!;
      h32 = H[3 * NX + 2]!;
      h33 = H[3 * NX + 3]!;
      h34 = H[3 * NX + 4]!;
      h35 = H[3 * NX + 5]!;
    }
    // HP = H·P (4×6)
    for (let j = 0; j < N; j++) {
      const p0 = P[j]!;
      const p1 = P[N + j]!;
      const p2 = P[2 * N + j]!;
      HP[j] = h00 * p0 + h01 * p1 + h02 * p2;
      HP[N + j] = h10 * p0 + h11 * p1 + h12 * p2;
      HP[2 * N + j] = h20 * p0 + h21 * p1 + h22 * p2;
      HP[3 * N + j] = h30 * p0 + h31 * p1 + h32 * p2 + h33 * P[3 * N + j]! + h34 * P[4 * N + j]! + h35 * P[5 * N + j]!;
    }
    // S = HP·Hᵀ + R, lower triangle (row i of HP against row j ≤ i of H)
    const s00 = HP[0]! * h00 + HP[1]! * h01 + HP[2]! * h02 + sigmas.range * sigmas.range;
    const s10 = HP[N]! * h00 + HP[N + 1]! * h01 + HP[N + 2]! * h02;
    const s11 = HP[N]! * h10 + HP[N + 1]! * h11 + HP[N + 2]! * h12 + sigmas.az * sigmas.az;
    const s20 = HP[2 * N]! * h00 + HP[2 * N + 1]! * h01 + HP[2 * N + 2]! * h02;
    const s21 = HP[2 * N]! * h10 + HP[2 * N + 1]! * h11 + HP[2 * N + 2]! * h12;
    const s22 = HP[2 * N]! * h20 + HP[2 * N + 1]! * h21 + HP[2 * N + 2]! * h22 + sigmas.el * sigmas.el;
    const s30 = HP[3 * N]! * h00 + HP[3 * N + 1]! * h01 + HP[3 * N + 2]! * h02;
    const s31 = HP[3 * N]! * h10 + HP[3 * N + 1]! * h11 + HP[3 * N + 2]! * h12;
    const s32 = HP[3 * N]! * h20 + HP[3 * N + 1]! * h21 + HP[3 * N + 2]! * h22;
    const s33 =
      HP[3 * N]! * h30 + HP[3 * N + 1]! * h31 + HP[3 * N + 2]! * h32 + HP[3 * N + 3]! * h33 + HP[3 * N + 4]! * h34 + HP[3 * N + 5]! * h35 + (m === 4 ? sigmas.rangeRate! * sigmas.rangeRate! : 1);
    // Cholesky S = L·Lᵀ
    const NOT_PD = 'CvEkf.update: innovation covariance not positive definite';
    if (!(s00 > 0)) throw new Error(NOT_PD);
    const l00 = Math.sqrt(s00);
    const l10 = s10 / l00;
    const l20 = s20 / l00;
    const l30 = s30 / l00;
    const d1 = s11 - l10 * l10;
    if (!(d1 > 0)) throw new Error(NOT_PD);
    const l11 = Math.sqrt(d1);
    const l21 = (s21 - l20 * l10) / l11;
    const l31 = (s31 - l30 * l10) / l11;
    const d2 = s22 - l20 * l20 - l21 * l21;
    if (!(d2 > 0)) throw new Error(NOT_PD);
    const l22 = Math.sqrt(d2);
    const l32 = (s32 - l30 * l20 - l31 * l21) / l22;
    const d3 = s33 - l30 * l30 - l31 * l31 - l32 * l32;
    if (!(d3 > 0)) throw new Error(NOT_PD);
    const l33 = Math.sqrt(d3);
    let logDet = 2 * Math.log(l00) + 2 * Math.log(l11) + 2 * Math.log(l22);
    if (m === 4) logDet += 2 * Math.log(l33);
    const w0 = nu0 / l00;
    const w1 = (nu1 - l10 * w0) / l11;
    const w2 = (nu2 - l20 * w0 - l21 * w1) / l22;
    const w3 = (nu3 - l30 * w0 - l31 * w1 - l32 * w2) / l33;
    const nis = w0 * w0 + w1 * w1 + w2 * w2 + w3 * w3;
    // Gain K = P·Hᵀ·S⁻¹ (row i solves S·k = column i of HP), then x += K·ν
    for (let i = 0; i < N; i++) {
      const y0 = HP[i]! / l00;
      const y1 = (HP[N + i]! - l10 * y0) / l11;
      const y2 = (HP[2 * N + i]! - l20 * y0 - l21 * y1) / l22;
      const y3 = (HP[3 * N + i]! - l30 * y0 - l31 * y1 - l32 * y2) / l33;
      const k3 = y3 / l33;
      const k2 = (y2 - l32 * k3) / l22;
      const k1 = (y1 - l21 * k2 - l31 * k3) / l11;
      const k0 = (y0 - l10 * k1 - l20 * k2 - l30 * k3) / l00;
      K[4 * i] = k0;
      K[4 * i + 1] = k1;
      K[4 * i + 2] = k2;
      K[4 * i + 3] = k3;
      x[i] = x[i]! + (k0 * nu0 + k1 * nu1 + k2 * nu2 + k3 * nu3);
    }
    // P ← P − K·HP, symmetrised (lower triangle computed, mirrored)
    for (let i = 0; i < N; i++) {
      const k0 = K[4 * i]!;
      const k1 = K[4 * i + 1]!;
      const k2 = K[4 * i + 2]!;
      const k3 = K[4 * i + 3]!;
      for (let j = 0; j <= i; j++) {
        const s = k0 * HP[j]! + k1 * HP[N + j]! + k2 * HP[2 * N + j]! + k3 * HP[3 * N + j]!;
        const v = 0.5 * (P[i * N + j]! - s + P[j * N + i]! - s);
        P[i * N + j] = v;
        P[j * N + i] = v;
      }
    }
    return { nis, dof: m, logLik: -0.5 * (nis + logDet + m * LOG_2PI) };
  }
}
