/**
 * Small dense linear algebra on row-major Float64Array.
 *
 * Why our own and not a matrix library: the tracker's matrices are 3×3 … 7×7 and are touched millions of
 * times a second. Generic libraries allocate an object per matrix and per result and check shapes on every
 * call; here every routine writes into a caller-owned output array (preallocated workspaces), loops are plain
 * indexed loops the JIT compiles to tight code, and symmetric positive-definite systems are solved by
 * Cholesky instead of a general inverse. Dimensions are passed explicitly; outputs must not alias inputs
 * unless a routine says it may.
 */

export type Mat = Float64Array;
export type Vec = Float64Array;

/** New zero matrix of r×c. */
export function mat(r: number, c: number): Mat {
  return new Float64Array(r * c);
}

/** Identity n×n (into out if given). */
export function identity(n: number, out: Mat = new Float64Array(n * n)): Mat {
  out.fill(0);
  for (let i = 0; i < n; i++) out[i * n + i] = 1;
  return out;
}

/** out = A·B with A r×k, B k×c. */
export function matMul(out: Mat, a: Mat, b: Mat, r: number, k: number, c: number): Mat {
  for (let i = 0; i < r; i++) {
    for (let j = 0; j < c; j++) {
      let s = 0;
      for (let m = 0; m < k; m++) s += a[i * k + m]! * b[m * c + j]!;
      out[i * c + j] = s;
    }
  }
  return out;
}

/** out = A·Bᵀ with A r×k, B c×k. */
export function matMulT(out: Mat, a: Mat, b: Mat, r: number, k: number, c: number): Mat {
  for (let i = 0; i < r; i++) {
    for (let j = 0; j < c; j++) {
      let s = 0;
      for (let m = 0; m < k; m++) s += a[i * k + m]! * b[j * k + m]!;
      out[i * c + j] = s;
    }
  }
  return out;
}

/** out = Aᵀ with A r×c (out is c×r). */
export function transpose(out: Mat, a: Mat, r: number, c: number): Mat {
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = a[i * c + j]!;
  return out;
}

/** out = A·x with A r×c. */
export function matVec(out: Vec, a: Mat, x: Vec, r: number, c: number): Vec {
  for (let i = 0; i < r; i++) {
    let s = 0;
    for (let j = 0; j < c; j++) s += a[i * c + j]! * x[j]!;
    out[i] = s;
  }
  return out;
}

/** out = A + s·B (elementwise, any shape); out may alias A or B. */
export function addScaled(out: Float64Array, a: Float64Array, b: Float64Array, s = 1): Float64Array {
  for (let i = 0; i < out.length; i++) out[i] = a[i]! + s * b[i]!;
  return out;
}

/** Make an n×n matrix exactly symmetric in place (average with its transpose). */
export function symmetrize(a: Mat, n: number): Mat {
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const v = 0.5 * (a[i * n + j]! + a[j * n + i]!);
      a[i * n + j] = v;
      a[j * n + i] = v;
    }
  }
  return a;
}

/**
 * Cholesky factorisation A = L·Lᵀ of a symmetric positive-definite n×n matrix; L (lower) into out, which
 * may alias A. Returns false (and leaves out undefined) when A is not positive definite.
 */
export function cholesky(out: Mat, a: Mat, n: number): boolean {
  for (let j = 0; j < n; j++) {
    let d = a[j * n + j]!;
    for (let k = 0; k < j; k++) d -= out[j * n + k]! * out[j * n + k]!;
    if (!(d > 0)) return false;
    const ljj = Math.sqrt(d);
    out[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j]!;
      for (let k = 0; k < j; k++) s -= out[i * n + k]! * out[j * n + k]!;
      out[i * n + j] = s / ljj;
    }
    for (let k = j + 1; k < n; k++) out[j * n + k] = 0;
  }
  return true;
}

/** Solve L·Lᵀ·x = b given the Cholesky factor L (n×n); x into out (may alias b). */
export function choleskySolve(out: Vec, l: Mat, b: Vec, n: number): Vec {
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= l[i * n + k]! * out[k]!;
    out[i] = s / l[i * n + i]!;
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = out[i]!;
    for (let k = i + 1; k < n; k++) s -= l[k * n + i]! * out[k]!;
    out[i] = s / l[i * n + i]!;
  }
  return out;
}

/** Inverse of an SPD n×n matrix through its Cholesky factor; false when not positive definite. */
export function spdInverse(out: Mat, a: Mat, n: number, work: Mat = new Float64Array(n * n)): boolean {
  if (!cholesky(work, a, n)) return false;
  const col = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    col.fill(0);
    col[j] = 1;
    choleskySolve(col, work, col, n);
    for (let i = 0; i < n; i++) out[i * n + j] = col[i]!;
  }
  return true;
}

/** Quadratic form xᵀ·A⁻¹·x for SPD A via its Cholesky factor L (forward substitution only). */
export function mahalanobis2(l: Mat, x: Vec, n: number, work: Vec = new Float64Array(n)): number {
  let q = 0;
  for (let i = 0; i < n; i++) {
    let s = x[i]!;
    for (let k = 0; k < i; k++) s -= l[i * n + k]! * work[k]!;
    const y = s / l[i * n + i]!;
    work[i] = y;
    q += y * y;
  }
  return q;
}

/** Determinant of a general n×n matrix by LU with partial pivoting (small n; allocates a copy). */
export function determinant(a: Mat, n: number): number {
  const m = Float64Array.from(a);
  let det = 1;
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r * n + c]!) > Math.abs(m[p * n + c]!)) p = r;
    if (m[p * n + c] === 0) return 0;
    if (p !== c) {
      for (let k = 0; k < n; k++) {
        const t = m[c * n + k]!;
        m[c * n + k] = m[p * n + k]!;
        m[p * n + k] = t;
      }
      det = -det;
    }
    const piv = m[c * n + c]!;
    det *= piv;
    for (let r = c + 1; r < n; r++) {
      const f = m[r * n + c]! / piv;
      for (let k = c; k < n; k++) m[r * n + k] = m[r * n + k]! - f * m[c * n + k]!;
    }
  }
  return det;
}

/** Vector helpers on 3-vectors. */
export function norm3(x: number, y: number, z: number): number {
  return Math.sqrt(x * x + y * y + z * z);
}
