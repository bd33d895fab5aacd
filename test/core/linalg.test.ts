/**
 * Small dense linear algebra: hand-computed products, a textbook Cholesky factor, and solves/inverses checked
 * by their residuals on random symmetric positive-definite matrices.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  addScaled,
  cholesky,
  choleskySolve,
  determinant,
  identity,
  mahalanobis2,
  mat,
  matMul,
  matMulT,
  matVec,
  norm3,
  spdInverse,
  symmetrize,
  transpose,
} from '../../src/core/linalg.js';

const f = (...v: number[]) => Float64Array.from(v);

describe('products and transposes (hand-computed)', () => {
  const a = f(1, 2, 3, 4, 5, 6); // 2×3
  const b = f(7, 8, 9, 10, 11, 12); // 3×2
  it('matMul: [[1,2,3],[4,5,6]]·[[7,8],[9,10],[11,12]] = [[58,64],[139,154]]', () => {
    expect(Array.from(matMul(mat(2, 2), a, b, 2, 3, 2))).toEqual([58, 64, 139, 154]);
    // 3×2 · 2×3 = [[39,54,69],[49,68,87],[59,82,105]]
    expect(Array.from(matMul(mat(3, 3), b, a, 3, 2, 3))).toEqual([39, 54, 69, 49, 68, 87, 59, 82, 105]);
  });
  it('transpose and matMulT agree with matMul of the transpose', () => {
    expect(Array.from(transpose(mat(3, 2), a, 2, 3))).toEqual([1, 4, 2, 5, 3, 6]);
    const bt = f(7, 9, 11, 8, 10, 12); // Bᵀ, 2×3
    expect(Array.from(matMulT(mat(2, 2), a, bt, 2, 3, 2))).toEqual([58, 64, 139, 154]);
  });
  it('matVec, identity, addScaled, symmetrize, norm3', () => {
    expect(Array.from(matVec(new Float64Array(2), a, f(1, 0, -1), 2, 3))).toEqual([-2, -2]);
    expect(Array.from(identity(3))).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    const x = f(1, 2, 3);
    expect(Array.from(addScaled(x, x, f(1, 1, 1), -2))).toEqual([-1, 0, 1]);
    expect(Array.from(symmetrize(f(1, 2, 4, 3), 2))).toEqual([1, 3, 3, 3]);
    expect(norm3(2, 3, 6)).toBe(7);
  });
});

describe('cholesky', () => {
  const a = f(4, 12, -16, 12, 37, -43, -16, -43, 98);
  const lExpected = [2, 0, 0, 6, 1, 0, -8, 5, 3];
  it('factors the textbook matrix [[4,12,-16],[12,37,-43],[-16,-43,98]] into [[2,0,0],[6,1,0],[-8,5,3]]', () => {
    const l = mat(3, 3).fill(99); // garbage in the upper triangle must be cleared
    expect(cholesky(l, a, 3)).toBe(true);
    expect(Array.from(l)).toEqual(lExpected);
  });
  it('may factor in place (out aliases A)', () => {
    const inPlace = Float64Array.from(a);
    expect(cholesky(inPlace, inPlace, 3)).toBe(true);
    expect(Array.from(inPlace)).toEqual(lExpected);
  });
  it('returns false for matrices that are not positive definite', () => {
    expect(cholesky(mat(2, 2), f(1, 2, 2, 1), 2)).toBe(false); // eigenvalues 3, −1
    expect(cholesky(mat(2, 2), f(0, 0, 0, 0), 2)).toBe(false); // singular
    expect(cholesky(mat(2, 2), f(-1, 0, 0, 1), 2)).toBe(false);
    expect(cholesky(mat(2, 2), f(NaN, 0, 0, 1), 2)).toBe(false);
    expect(spdInverse(mat(2, 2), f(1, 2, 2, 1), 2)).toBe(false);
  });
});

/** Random well-conditioned SPD n×n: M·Mᵀ + n·I with M entries in [−1, 1]. */
const spd = (n: number) =>
  fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: n * n, maxLength: n * n }).map((m) => {
    const mm = Float64Array.from(m);
    const a = matMulT(mat(n, n), mm, mm, n, n, n);
    for (let i = 0; i < n; i++) a[i * n + i] = a[i * n + i]! + n;
    return a;
  });
const vec = (n: number) =>
  fc.array(fc.double({ min: -100, max: 100, noNaN: true }), { minLength: n, maxLength: n }).map((v) => Float64Array.from(v));

describe('solve, inverse and Mahalanobis distance on random SPD matrices', () => {
  for (const n of [1, 2, 3, 6, 7]) {
    it(`choleskySolve: ‖A·x − b‖ ≤ 1e-12·‖b‖ (n = ${n})`, () => {
      fc.assert(
        fc.property(spd(n), vec(n), (a, b) => {
          const l = mat(n, n);
          expect(cholesky(l, a, n)).toBe(true);
          // L·Lᵀ reproduces A
          const llt = matMulT(mat(n, n), l, l, n, n, n);
          for (let i = 0; i < n * n; i++) expect(Math.abs(llt[i]! - a[i]!)).toBeLessThanOrEqual(1e-12 * (n + n));
          const x = choleskySolve(new Float64Array(n), l, b, n);
          const r = matVec(new Float64Array(n), a, x, n, n);
          let res = 0;
          let bb = 0;
          for (let i = 0; i < n; i++) {
            res += (r[i]! - b[i]!) ** 2;
            bb += b[i]! ** 2;
          }
          expect(Math.sqrt(res)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.sqrt(bb)));
          // in place: x may alias b
          const b2 = Float64Array.from(b);
          choleskySolve(b2, l, b2, n);
          expect(Array.from(b2)).toEqual(Array.from(x));
        }),
        { numRuns: 200 },
      );
    });

    it(`spdInverse: A·A⁻¹ = I to 1e-12 (n = ${n})`, () => {
      fc.assert(
        fc.property(spd(n), (a) => {
          const inv = mat(n, n);
          expect(spdInverse(inv, a, n)).toBe(true);
          const p = matMul(mat(n, n), a, inv, n, n, n);
          for (let i = 0; i < n; i++)
            for (let j = 0; j < n; j++) expect(Math.abs(p[i * n + j]! - (i === j ? 1 : 0))).toBeLessThanOrEqual(1e-12);
        }),
        { numRuns: 200 },
      );
    });

    it(`mahalanobis2: xᵀA⁻¹x with x = A·y equals yᵀ·A·y (n = ${n})`, () => {
      fc.assert(
        fc.property(spd(n), vec(n), (a, y) => {
          const x = matVec(new Float64Array(n), a, y, n, n);
          const ay = matVec(new Float64Array(n), a, y, n, n);
          let expected = 0;
          for (let i = 0; i < n; i++) expected += y[i]! * ay[i]!;
          const l = mat(n, n);
          cholesky(l, a, n);
          const q = mahalanobis2(l, x, n);
          expect(Math.abs(q - expected)).toBeLessThanOrEqual(1e-10 * Math.max(1, expected));
        }),
        { numRuns: 200 },
      );
    });
  }

  it('mahalanobis2 against the explicit 2×2 inverse', () => {
    // A = [[4, 2], [2, 3]], det 8, A⁻¹ = [[3, −2], [−2, 4]]/8; x = (1, 2): xᵀA⁻¹x = (3 − 8 + 16)/8 = 11/8
    const l = mat(2, 2);
    cholesky(l, f(4, 2, 2, 3), 2);
    expect(mahalanobis2(l, f(1, 2), 2)).toBeCloseTo(11 / 8, 14);
  });
});

describe('determinant (hand cases)', () => {
  it('diagonal, 2×2, 3×3, permutation, singular', () => {
    expect(determinant(f(2, 0, 0, 3), 2)).toBe(6);
    expect(determinant(f(1, 2, 3, 4), 2)).toBeCloseTo(-2, 14);
    // 6(−2·7 − 5·8) − 1(4·7 − 5·2) + 1(4·8 + 2·2) = −324 − 18 + 36 = −306
    expect(determinant(f(6, 1, 1, 4, -2, 5, 2, 8, 7), 3)).toBeCloseTo(-306, 11);
    expect(determinant(f(0, 1, 1, 0), 2)).toBe(-1); // needs a row swap
    expect(determinant(f(1, 2, 2, 4), 2)).toBe(0);
    expect(determinant(f(1, 2, 3, 4, 5, 6, 7, 8, 9), 3)).toBeCloseTo(0, 12);
    // det of the Cholesky example = (2·1·3)² = 36
    expect(determinant(f(4, 12, -16, 12, 37, -43, -16, -43, 98), 3)).toBeCloseTo(36, 10);
    expect(determinant(identity(7), 7)).toBe(1);
  });
  it('does not modify its input', () => {
    const a = f(1, 2, 3, 4);
    determinant(a, 2);
    expect(Array.from(a)).toEqual([1, 2, 3, 4]);
  });
});
