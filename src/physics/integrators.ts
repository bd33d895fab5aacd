/**
 * One-step integrators for the 6-state ballistic system, on preallocated workspaces (no allocation per step).
 *
 * - RK4 (classical fourth order), fixed step: simple, predictable cost, the reference.
 * - Dormand–Prince 5(4) (Dormand & Prince 1980; Hairer, Nørsett & Wanner, *Solving ODEs I*, II.5), an
 *   embedded pair whose fourth-order companion gives a local error estimate for step-size control.
 *
 * Both take the derivative at the start of the step (f0) from the caller, who has it from the previous step,
 * and return the derivative at the end (f1) so the caller can interpolate (quintic Hermite) and reuse it.
 */
import { derivatives, type RhsParams } from './dynamics.js';

const N = 6;

export interface StepWork {
  k2: Float64Array;
  k3: Float64Array;
  k4: Float64Array;
  k5: Float64Array;
  k6: Float64Array;
  tmp: Float64Array;
  /** Dormand–Prince: last error norm (≤ 1 accepted) */
  err: number;
}

export function makeStepWork(): StepWork {
  return {
    k2: new Float64Array(N),
    k3: new Float64Array(N),
    k4: new Float64Array(N),
    k5: new Float64Array(N),
    k6: new Float64Array(N),
    tmp: new Float64Array(N),
    err: 0,
  };
}

/** Classical RK4 from (t, y0) with f0 = f(t, y0) over h into y1, and f1 = f(t+h, y1). */
export function rk4Step(
  y0: Float64Array, f0: Float64Array, t: number, h: number, p: RhsParams, w: StepWork, y1: Float64Array, f1: Float64Array,
): void {
  const { k2, k3, k4, tmp } = w;
  const h2 = 0.5 * h;
  for (let i = 0; i < N; i++) tmp[i] = y0[i]! + h2 * f0[i]!;
  derivatives(tmp, t + h2, p, k2);
  for (let i = 0; i < N; i++) tmp[i] = y0[i]! + h2 * k2[i]!;
  derivatives(tmp, t + h2, p, k3);
  for (let i = 0; i < N; i++) tmp[i] = y0[i]! + h * k3[i]!;
  derivatives(tmp, t + h, p, k4);
  const h6 = h / 6;
  for (let i = 0; i < N; i++) y1[i] = y0[i]! + h6 * (f0[i]! + 2 * k2[i]! + 2 * k3[i]! + k4[i]!);
  derivatives(y1, t + h, p, f1);
}

// Dormand–Prince 5(4) tableau.
const A21 = 1 / 5;
const A31 = 3 / 40, A32 = 9 / 40;
const A41 = 44 / 45, A42 = -56 / 15, A43 = 32 / 9;
const A51 = 19372 / 6561, A52 = -25360 / 2187, A53 = 64448 / 6561, A54 = -212 / 729;
const A61 = 9017 / 3168, A62 = -355 / 33, A63 = 46732 / 5247, A64 = 49 / 176, A65 = -5103 / 18656;
const B1 = 35 / 384, B3 = 500 / 1113, B4 = 125 / 192, B5 = -2187 / 6784, B6 = 11 / 84;
// Differences between the 5th- and 4th-order weights (error estimate).
const E1 = 71 / 57600, E3 = -71 / 16695, E4 = 71 / 1920, E5 = -17253 / 339200, E6 = 22 / 525, E7 = -1 / 40;

/**
 * One Dormand–Prince step (5th-order solution, local extrapolation). Writes y1, f1 (FSAL: f1 is the 7th
 * stage) and w.err, the RMS of the error estimate scaled by `posTol` (m) on positions and `velTol` (m/s) on
 * velocities: the step is acceptable when w.err ≤ 1.
 */
export function dopri5Step(
  y0: Float64Array, f0: Float64Array, t: number, h: number, p: RhsParams, w: StepWork, y1: Float64Array, f1: Float64Array,
  posTol: number, velTol: number,
): void {
  const { k2, k3, k4, k5, k6, tmp } = w;
  for (let i = 0; i < N; i++) tmp[i] = y0[i]! + h * A21 * f0[i]!;
  derivatives(tmp, t + h / 5, p, k2);
  for (let i = 0; i < N; i++) tmp[i] = y0[i]! + h * (A31 * f0[i]! + A32 * k2[i]!);
  derivatives(tmp, t + (3 * h) / 10, p, k3);
  for (let i = 0; i < N; i++) tmp[i] = y0[i]! + h * (A41 * f0[i]! + A42 * k2[i]! + A43 * k3[i]!);
  derivatives(tmp, t + (4 * h) / 5, p, k4);
  for (let i = 0; i < N; i++) tmp[i] = y0[i]! + h * (A51 * f0[i]! + A52 * k2[i]! + A53 * k3[i]! + A54 * k4[i]!);
  derivatives(tmp, t + (8 * h) / 9, p, k5);
  for (let i = 0; i < N; i++) {
    tmp[i] = y0[i]! + h * (A61 * f0[i]! + A62 * k2[i]! + A63 * k3[i]! + A64 * k4[i]! + A65 * k5[i]!);
  }
  derivatives(tmp, t + h, p, k6);
  for (let i = 0; i < N; i++) {
    y1[i] = y0[i]! + h * (B1 * f0[i]! + B3 * k3[i]! + B4 * k4[i]! + B5 * k5[i]! + B6 * k6[i]!);
  }
  derivatives(y1, t + h, p, f1);
  let sum = 0;
  for (let i = 0; i < N; i++) {
    const e = h * (E1 * f0[i]! + E3 * k3[i]! + E4 * k4[i]! + E5 * k5[i]! + E6 * k6[i]! + E7 * f1[i]!);
    const s = e / (i < 3 ? posTol : velTol);
    sum += s * s;
  }
  w.err = Math.sqrt(sum / N);
}

/**
 * Quintic Hermite interpolation of a step: position from (p, v, a) at both ends, velocity as its derivative.
 * s ∈ [0, 1] is the fraction of the step h. Error O(h⁶) in position: far below the integrator's own error.
 */
export function hermiteStep(
  y0: Float64Array, f0: Float64Array, y1: Float64Array, f1: Float64Array, h: number, s: number, out: Float64Array, off = 0,
): void {
  const s2 = s * s;
  const s3 = s2 * s;
  const s4 = s3 * s;
  const s5 = s4 * s;
  const h0 = 1 - 10 * s3 + 15 * s4 - 6 * s5;
  const h1 = s - 6 * s3 + 8 * s4 - 3 * s5;
  const h2 = 0.5 * s2 - 1.5 * s3 + 1.5 * s4 - 0.5 * s5;
  const h3 = 0.5 * s3 - s4 + 0.5 * s5;
  const h4 = -4 * s3 + 7 * s4 - 3 * s5;
  const h5 = 10 * s3 - 15 * s4 + 6 * s5;
  const d0 = -30 * s2 + 60 * s3 - 30 * s4;
  const d1 = 1 - 18 * s2 + 32 * s3 - 15 * s4;
  const d2 = s - 4.5 * s2 + 6 * s3 - 2.5 * s4;
  const d3 = 1.5 * s2 - 4 * s3 + 2.5 * s4;
  const d4 = -12 * s2 + 28 * s3 - 15 * s4;
  const hh = h * h;
  for (let i = 0; i < 3; i++) {
    const p0 = y0[i]!;
    const v0 = y0[i + 3]!;
    const a0 = f0[i + 3]!;
    const p1 = y1[i]!;
    const v1 = y1[i + 3]!;
    const a1 = f1[i + 3]!;
    out[off + i] = h0 * p0 + h1 * h * v0 + h2 * hh * a0 + h3 * hh * a1 + h4 * h * v1 + h5 * p1;
    // d/dt = (d/ds)/h; the p terms' derivative weights are d0 and −d0.
    out[off + i + 3] = (d0 * (p0 - p1)) / h + d1 * v0 + d2 * h * a0 + d3 * h * a1 + d4 * v1;
  }
}
