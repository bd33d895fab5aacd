import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { gospa } from '../../src/report/gospa.js';

const pts = (...xs: number[][]): Float64Array => Float64Array.from(xs.flat());

/** GOSPA (α = 2) straight from the definition: minimum over every partial assignment of pairs closer than c. */
function bruteGospa(x: number[][], y: number[][], c: number, p: number): number {
  const dist = (a: number[], b: number[]): number => Math.hypot(...a.map((v, q) => v - b[q]!));
  let best = Infinity;
  const used = new Array<boolean>(y.length).fill(false);
  const rec = (i: number, loc: number, pairs: number): void => {
    if (i === x.length) {
      const v = loc + (Math.pow(c, p) / 2) * (x.length + y.length - 2 * pairs);
      if (v < best) best = v;
      return;
    }
    rec(i + 1, loc, pairs);
    for (let j = 0; j < y.length; j++) {
      const d = dist(x[i]!, y[j]!);
      if (used[j] || d >= c) continue;
      used[j] = true;
      rec(i + 1, loc + Math.pow(d, p), pairs + 1);
      used[j] = false;
    }
  };
  rec(0, 0, 0);
  return Math.pow(best, 1 / p);
}

const set = (d: number, max: number): fc.Arbitrary<number[][]> =>
  fc.array(
    fc.array(
      fc.noBias(fc.integer({ min: -10_000, max: 10_000 })).map((x) => x / 1000),
      { minLength: d, maxLength: d },
    ),
    { maxLength: max },
  );
const cutoff = fc.noBias(fc.integer({ min: 500, max: 15_000 })).map((x) => x / 1000);
const G = (x: number[][], y: number[][], d: number, c: number, p: number): number =>
  gospa(Float64Array.from(x.flat()), x.length, Float64Array.from(y.flat()), y.length, d, c, p).total;

describe('GOSPA (α = 2)', () => {
  it('one truth, one estimate at distance 3, c = 5, p = 2 → 3', () => {
    const r = gospa(pts([0, 0]), 1, pts([3, 0]), 1, 2, 5, 2);
    expect(r.total).toBeCloseTo(3, 12);
    expect(r).toMatchObject({ localisation: 9, missed: 0, false: 0, nMissed: 0, nFalse: 0 });
  });

  it('a missed target contributes c^p/2; a false one too', () => {
    const r = gospa(pts([0, 0], [100, 100]), 2, pts([3, 4]), 1, 2, 5, 2);
    // (3,4) is at exactly c = 5 from (0,0): counts as missed + false, like (100,100)
    expect(r).toMatchObject({ localisation: 0, missed: 25, false: 12.5, nMissed: 2, nFalse: 1 });
    expect(r.total).toBeCloseTo(Math.sqrt(37.5), 12);
    const s = gospa(pts([0, 0], [100, 100]), 2, pts([1, 0]), 1, 2, 5, 2);
    expect(s).toMatchObject({ localisation: 1, missed: 12.5, false: 0, nMissed: 1, nFalse: 0 });
    expect(s.total).toBeCloseTo(Math.sqrt(13.5), 12);
  });

  it('empty sets: both empty → 0; only truth → (k·c^p/2)^(1/p); only estimates likewise', () => {
    const e = new Float64Array(0);
    expect(gospa(e, 0, e, 0, 3, 10, 1).total).toBe(0);
    const r = gospa(pts([1, 2, 3], [4, 5, 6], [7, 8, 9]), 3, e, 0, 3, 10, 2);
    expect(r).toMatchObject({ missed: 150, false: 0, nMissed: 3 });
    expect(r.total).toBeCloseTo(Math.sqrt(150), 12);
    expect(gospa(e, 0, pts([0, 0, 0]), 1, 3, 10, 1)).toMatchObject({ total: 5, false: 5, nFalse: 1 });
  });

  it('picks the optimal, not the greedy, assignment', () => {
    // truths 0 and 4, estimates 2.1 and 6 on a line, c = 10, p = 1.
    // greedy would pair 4↔2.1 (1.9) then 0↔6 (6) = 7.9; optimal 0↔2.1 + 4↔6 = 2.1 + 2 = 4.1.
    expect(G([[0], [4]], [[2.1], [6]], 1, 10, 1)).toBeCloseTo(4.1, 12);
  });

  it('equals the definition (brute force over partial assignments) on random sets', () => {
    fc.assert(
      fc.property(set(2, 5), set(2, 5), cutoff, fc.constantFrom(1, 2, 3), (x, y, c, p) => {
        const g = G(x, y, 2, c, p);
        const b = bruteGospa(x, y, c, p);
        expect(Math.abs(g - b)).toBeLessThanOrEqual(1e-9 * (1 + b));
      }),
      { numRuns: 300 },
    );
  });

  it('is a metric: identity, symmetry, triangle inequality', () => {
    fc.assert(
      fc.property(
        set(2, 4),
        set(2, 4),
        set(2, 4),
        cutoff,
        fc.constantFrom(1, 2, 4),
        (x, y, z, c, p) => {
          expect(G(x, x, 2, c, p)).toBe(0);
          const xy = G(x, y, 2, c, p);
          expect(Math.abs(xy - G(y, x, 2, c, p))).toBeLessThanOrEqual(1e-12 * (1 + xy));
          expect(G(x, z, 2, c, p)).toBeLessThanOrEqual(xy + G(y, z, 2, c, p) + 1e-9);
          if (x.length !== y.length) expect(xy).toBeGreaterThan(0);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('rejects c ≤ 0 and p < 1', () => {
    const a = pts([0]);
    expect(() => gospa(a, 1, a, 1, 1, 0, 2)).toThrow(RangeError);
    expect(() => gospa(a, 1, a, 1, 1, 5, 0.5)).toThrow(RangeError);
  });
});
