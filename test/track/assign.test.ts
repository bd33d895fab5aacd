import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Assigner, clusterAssign, gnnAssign, gnnCost, likelihoodCosts, linearAssign } from '../../src/track/assign.js';

/** Brute force over every partial matching: returns the best (max cardinality, then min cost) under the
 * plain LSAP objective, and the best GNN objective (cost + miss per unassigned row). */
function brute(cost: Float64Array, nr: number, nc: number, miss: number): { card: number; lsap: number; gnn: number } {
  let bestCard = -1;
  let bestLsap = Infinity;
  let bestGnn = Infinity;
  const used = new Uint8Array(nc);
  const rec = (i: number, card: number, sum: number, missed: number): void => {
    if (i === nr) {
      if (card > bestCard || (card === bestCard && sum < bestLsap)) {
        bestCard = card;
        bestLsap = sum;
      }
      const g = sum + missed * miss;
      if (g < bestGnn) bestGnn = g;
      return;
    }
    rec(i + 1, card, sum, missed + 1);
    for (let j = 0; j < nc; j++) {
      const w = cost[i * nc + j]!;
      if (used[j] || !(w < Infinity)) continue;
      used[j] = 1;
      rec(i + 1, card + 1, sum + w, missed);
      used[j] = 0;
    }
  };
  rec(0, 0, 0, 0);
  return { card: bestCard, lsap: bestLsap, gnn: bestGnn };
}

/** Checks a row→col result is a valid matching on allowed pairs; returns [cardinality, cost of pairs]. */
function validate(cost: Float64Array, nr: number, nc: number, a: Int32Array): [number, number] {
  const seen = new Set<number>();
  let card = 0;
  let sum = 0;
  for (let i = 0; i < nr; i++) {
    const j = a[i]!;
    if (j === -1) continue;
    expect(j).toBeGreaterThanOrEqual(0);
    expect(j).toBeLessThan(nc);
    expect(seen.has(j)).toBe(false);
    seen.add(j);
    const w = cost[i * nc + j]!;
    expect(w).toBeLessThan(Infinity);
    card++;
    sum += w;
  }
  return [card, sum];
}

const close = (a: number, b: number): void => {
  expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-9 * (1 + Math.abs(a) + Math.abs(b)));
};

const entry = fc.oneof(
  // uniform reals (fc.double is uniform over bit patterns, i.e. mostly tiny numbers)
  { weight: 3, arbitrary: fc.noBias(fc.integer({ min: -50_000, max: 100_000 })).map((x) => x / 1000 + 1e-4) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 6 }) }, // ties
  { weight: 2, arbitrary: fc.constant(Infinity) }, // forbidden
);
const problem = fc
  // noBias: fast-check otherwise favours tiny sizes, where few alternating paths exist
  .record({ nr: fc.noBias(fc.integer({ min: 0, max: 7 })), nc: fc.noBias(fc.integer({ min: 0, max: 7 })) })
  .filter(({ nr, nc }) => nr * nc <= 42)
  .chain(({ nr, nc }) =>
    fc.record({
      nr: fc.constant(nr),
      nc: fc.constant(nc),
      cost: fc.array(entry, { minLength: nr * nc, maxLength: nr * nc }).map((a) => Float64Array.from(a)),
      miss: fc.noBias(fc.integer({ min: 0, max: 80_000 })).map((x) => x / 1000),
    }),
  );

describe('Assigner.solve (rectangular LSAP)', () => {
  it('hand-worked 3×3: [[4,1,3],[2,0,5],[3,2,2]] → rows to cols (1,0,2), cost 5', () => {
    // Enumerating the six permutations: 4+0+2=6, 4+5+2=11, 1+2+2=5, 1+5+3=9, 3+2+2=7, 3+0+3=6.
    const c = Float64Array.from([4, 1, 3, 2, 0, 5, 3, 2, 2]);
    const out = new Int32Array(3);
    expect(new Assigner().solve(c, 3, 3, out)).toBe(5);
    expect(Array.from(out)).toEqual([1, 0, 2]);
  });

  it('matches brute-force enumeration on random matrices up to 7×6 / 6×7 with forbidden entries', () => {
    const asg = new Assigner(); // one instance: workspaces reused across sizes
    fc.assert(
      fc.property(problem, ({ nr, nc, cost }) => {
        const out = new Int32Array(nr);
        const total = asg.solve(cost, nr, nc, out);
        const b = brute(cost, nr, nc, 0);
        const [card, sum] = validate(cost, nr, nc, out);
        expect(card).toBe(b.card);
        close(sum, total);
        close(total, b.lsap);
      }),
      { numRuns: 600 },
    );
  });

  it('leaves a row unassigned when forbidden entries make a full matching impossible, keeping the cheaper row', () => {
    // rows A, B can only take column 0: A at 10, B at 1. Greedy row order would lock A in; optimum is B.
    const c = Float64Array.from([10, Infinity, 1, Infinity]);
    expect(Array.from(linearAssign(c, 2, 2))).toEqual([-1, 0]);
    // An all-forbidden row does not block the others.
    const d = Float64Array.from([Infinity, Infinity, 3, 1]);
    expect(Array.from(linearAssign(d, 2, 2))).toEqual([-1, 1]);
  });

  it('handles tall matrices (more rows than columns)', () => {
    const c = Float64Array.from([5, 9, 1, 7, 8, 2]); // 3×2
    // options: col0 from {5,1,8}, col1 from {9,7,2}: best 1 (row1) + 2 (row2) = 3
    expect(Array.from(linearAssign(c, 3, 2))).toEqual([-1, 0, 1]);
  });
});

/** Textbook O(n²m) Hungarian (Kuhn–Munkres with potentials, the e-maxx formulation), n ≤ m, finite costs:
 * an independent reference for sizes brute force cannot reach. Returns the optimal total. */
function hungarian(a: Float64Array, n: number, m: number): number {
  const u = new Float64Array(n + 1);
  const v = new Float64Array(m + 1);
  const p = new Int32Array(m + 1);
  const way = new Int32Array(m + 1);
  for (let i = 1; i <= n; i++) {
    p[0] = i;
    let j0 = 0;
    const minv = new Float64Array(m + 1).fill(Infinity);
    const used = new Uint8Array(m + 1);
    do {
      used[j0] = 1;
      const i0 = p[j0]!;
      let delta = Infinity;
      let j1 = 0;
      for (let j = 1; j <= m; j++) {
        if (used[j]) continue;
        const cur = a[(i0 - 1) * m + j - 1]! - u[i0]! - v[j]!;
        if (cur < minv[j]!) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j]! < delta) {
          delta = minv[j]!;
          j1 = j;
        }
      }
      for (let j = 0; j <= m; j++) {
        if (used[j]) {
          u[p[j]!] = u[p[j]!]! + delta;
          v[j] = v[j]! - delta;
        } else minv[j] = minv[j]! - delta;
      }
      j0 = j1;
    } while (p[j0] !== 0);
    do {
      const j1 = way[j0]!;
      p[j0] = p[j1]!;
      j0 = j1;
    } while (j0);
  }
  let total = 0;
  for (let j = 1; j <= m; j++) if (p[j]) total += a[(p[j]! - 1) * m + j - 1]!;
  return total;
}

describe('Assigner.solve at larger sizes', () => {
  it('equals an independent Hungarian implementation on random 1×1 … 80×120 matrices, both orientations', () => {
    let s = 7;
    const rnd = (): number => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    const asg = new Assigner();
    for (const [n, m] of [[1, 1], [5, 5], [20, 20], [30, 45], [60, 60], [80, 120]] as const) {
      for (let rep = 0; rep < 3; rep++) {
        const a = new Float64Array(n * m);
        // integers in [0, 20) give many ties; reals in [0, 1000) none
        for (let k = 0; k < a.length; k++) a[k] = rep === 0 ? Math.floor(rnd() * 20) : rnd() * 1000;
        const ref = hungarian(a, n, m);
        const out = new Int32Array(m);
        close(asg.solve(a, n, m, out), ref);
        expect(validate(a, n, m, out)[0]).toBe(n);
        // transpose: m×n, rows > cols
        const t = new Float64Array(n * m);
        for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) t[j * n + i] = a[i * m + j]!;
        close(asg.solve(t, m, n, out), ref);
        expect(validate(t, m, n, out)[0]).toBe(n);
      }
    }
  });
});

describe('gnnAssign (missed detection by dummy columns)', () => {
  it('chooses "miss" for every row when all costs exceed missCost', () => {
    const c = Float64Array.from([12, 15, 11, 30, 10.5, 99]);
    expect(Array.from(gnnAssign(c, 2, 3, 10))).toEqual([-1, -1]);
  });

  it('hand-worked: a contested plot goes to the track that gains most', () => {
    // two tracks, one plot; costs 3 and 4, miss 5: assign row 0 (3+5=8 < 4+5=9).
    expect(Array.from(gnnAssign(Float64Array.from([3, 4]), 2, 1, 5))).toEqual([0, -1]);
    // with miss 2 neither is worth it
    expect(Array.from(gnnAssign(Float64Array.from([3, 4]), 2, 1, 2))).toEqual([-1, -1]);
  });

  it('matches a brute force that includes the miss option (random, with forbidden pairs)', () => {
    const asg = new Assigner();
    fc.assert(
      fc.property(problem, ({ nr, nc, cost, miss }) => {
        const out = new Int32Array(nr);
        const total = asg.gnn(cost, nr, nc, miss, out);
        validate(cost, nr, nc, out);
        close(gnnCost(cost, nr, nc, miss, out), total);
        close(total, brute(cost, nr, nc, miss).gnn);
      }),
      { numRuns: 600 },
    );
  });

  it('missCost = Infinity assigns as many rows as possible', () => {
    const c = Float64Array.from([10, Infinity, 1, Infinity]);
    const out = new Int32Array(2);
    expect(new Assigner().gnn(c, 2, 2, Infinity, out)).toBe(Infinity);
    expect(Array.from(out)).toEqual([-1, 0]);
  });
});

describe('clusterAssign (sparse, by connected components)', () => {
  const sparse = fc
    .record({
      nr: fc.noBias(fc.integer({ min: 0, max: 30 })),
      nc: fc.noBias(fc.integer({ min: 1, max: 30 })),
      seed: fc.integer(),
      density: fc.noBias(fc.integer({ min: 2, max: 30 })).map((x) => x / 100),
      miss: fc.noBias(fc.integer({ min: 10, max: 600 })).map((x) => x / 10),
      dup: fc.boolean(),
    })
    .map(({ nr, nc, seed, density, miss, dup }) => {
      // a small LCG keeps the case reproducible from the fast-check seed
      let s = seed >>> 0;
      const rnd = (): number => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
      const dense = new Float64Array(nr * nc).fill(Infinity);
      const er: number[] = [];
      const ec: number[] = [];
      const ew: number[] = [];
      for (let i = 0; i < nr; i++) {
        for (let j = 0; j < nc; j++) {
          if (rnd() >= density) continue;
          const w = rnd() < 0.3 ? Math.floor(rnd() * 8) : rnd() * 70;
          er.push(i);
          ec.push(j);
          ew.push(w);
          dense[i * nc + j] = Math.min(dense[i * nc + j]!, w);
          if (dup) {
            const w2 = rnd() * 70; // duplicate edge: the cheaper must win
            er.push(i);
            ec.push(j);
            ew.push(w2);
            dense[i * nc + j] = Math.min(dense[i * nc + j]!, w2);
          }
        }
      }
      // shuffle edge order
      for (let k = er.length - 1; k > 0; k--) {
        const m = Math.floor(rnd() * (k + 1));
        [er[k], er[m]] = [er[m]!, er[k]!];
        [ec[k], ec[m]] = [ec[m]!, ec[k]!];
        [ew[k], ew[m]] = [ew[m]!, ew[k]!];
      }
      return { nr, nc, miss, dense, er: Int32Array.from(er), ec: Int32Array.from(ec), ew: Float64Array.from(ew) };
    });

  it('equals dense gnnAssign on random sparse problems', () => {
    const asg = new Assigner();
    fc.assert(
      fc.property(sparse, ({ nr, nc, miss, dense, er, ec, ew }) => {
        const out = new Int32Array(nr + 3).fill(7);
        const total = clusterAssign(er, ec, ew, er.length, nr, nc, miss, out, asg);
        const [, sum] = validate(dense, nr, nc, out);
        let nMiss = 0;
        for (let i = 0; i < nr; i++) if (out[i] === -1) nMiss++;
        close(sum + nMiss * miss, total);
        const ref = new Int32Array(nr);
        close(total, new Assigner().gnn(dense, nr, nc, miss, ref));
        expect(out[nr]).toBe(7); // nothing written past nRows
      }),
      { numRuns: 400 },
    );
  });

  it('hand-worked components: a 1×1, a one-column pair and a 2×2 cross', () => {
    // rows 0..4, cols 0..3; miss 10.
    // comp A: r0–c0 (4).  comp B: r1–c1 (6), r2–c1 (3) → r2 takes c1, r1 missed.
    // comp C: r3–c2 (1), r3–c3 (2), r4–c2 (2), r4–c3 (9) → r3→c3, r4→c2 (2+2=4 < 1+9 or 1+miss).
    // edge r0–c3 at 12 ≥ miss is dropped (does not merge A and C).
    const er = Int32Array.from([0, 1, 2, 3, 3, 4, 4, 0]);
    const ec = Int32Array.from([0, 1, 1, 2, 3, 2, 3, 3]);
    const ew = Float64Array.from([4, 6, 3, 1, 2, 2, 9, 12]);
    const out = new Int32Array(5);
    const total = clusterAssign(er, ec, ew, 8, 5, 4, 10, out);
    expect(Array.from(out)).toEqual([0, -1, 1, 3, 2]);
    expect(total).toBe(4 + 10 + 3 + 2 + 2);
  });

  it('rows without edges are missed; no edges at all is fine', () => {
    const out = new Int32Array(3);
    expect(clusterAssign(new Int32Array(0), new Int32Array(0), new Float64Array(0), 0, 3, 5, 2.5, out)).toBe(7.5);
    expect(Array.from(out)).toEqual([-1, -1, -1]);
  });

  it('rejects out-of-range edges', () => {
    const out = new Int32Array(1);
    expect(() => clusterAssign(Int32Array.from([0]), Int32Array.from([4]), Float64Array.from([1]), 1, 1, 4, 5, out)).toThrow(
      RangeError,
    );
  });
});

describe('likelihoodCosts (a contested plot goes to the track that explains it better)', () => {
  // 99.9 % χ² gate of 4 degrees of freedom, the tracker's miss cost
  const GATE4 = 18.467;

  it('a confirmed track keeps a plot that a vaguer track gates at a slightly lower NIS (salvo-300, s017)', () => {
    // row 0: the confirmed track, NIS 5.9 with ln|S| 10; row 1: a stale tentative track whose S is e⁶ times
    // larger, NIS 5.5. By NIS alone the stale track takes the plot; by likelihood the confirmed one does.
    const rows = Int32Array.from([0, 1]);
    const cols = Int32Array.from([0, 0]);
    const nis = Float64Array.from([5.9, 5.5]);
    const out = new Int32Array(2);
    clusterAssign(rows, cols, nis.slice(), 2, 2, 1, GATE4, out);
    expect(Array.from(out)).toEqual([-1, 0]);
    const costs = nis.slice();
    likelihoodCosts(cols, costs, Float64Array.from([10, 16]), 2, new Float64Array(1));
    // hand-computed: 5.9 + (10 − 10), 5.5 + (16 − 10)
    expect(costs[0]).toBeCloseTo(5.9, 12);
    expect(costs[1]).toBeCloseTo(11.5, 12);
    clusterAssign(rows, cols, costs, 2, 2, 1, GATE4, out);
    expect(Array.from(out)).toEqual([0, -1]);
  });

  it('a NIS far enough ahead still wins: the better-placed track does not take a plot it explains worse', () => {
    // ln|S| 2 apart, NIS 6 apart: 3 + 2 < 9
    const costs = Float64Array.from([9, 3]);
    likelihoodCosts(Int32Array.from([0, 0]), costs, Float64Array.from([4, 6]), 2, new Float64Array(1));
    const out = new Int32Array(2);
    clusterAssign(Int32Array.from([0, 1]), Int32Array.from([0, 0]), costs, 2, 2, 1, GATE4, out);
    expect(Array.from(out)).toEqual([-1, 0]);
  });

  it('a plot one track gates costs its NIS, whatever its ln|S|', () => {
    const costs = Float64Array.from([7.5, 2.25, 11]);
    likelihoodCosts(Int32Array.from([2, 0, 1]), costs, Float64Array.from([40, -3, 0.5]), 3, new Float64Array(3));
    expect(Array.from(costs)).toEqual([7.5, 2.25, 11]);
  });

  it("a plot's own measurement noise cancels: ln|S| shifted by a constant per plot leaves the costs alone", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ col: fc.integer({ min: 0, max: 5 }), nis: fc.double({ min: 0, max: 20, noNaN: true }), ld: fc.double({ min: -30, max: 30, noNaN: true }) }), { minLength: 1, maxLength: 30 }),
        fc.array(fc.double({ min: -50, max: 50, noNaN: true }), { minLength: 6, maxLength: 6 }),
        (edges, shift) => {
          const cols = Int32Array.from(edges.map((e) => e.col));
          const a = Float64Array.from(edges.map((e) => e.nis));
          const b = a.slice();
          likelihoodCosts(cols, a, Float64Array.from(edges.map((e) => e.ld)), edges.length, new Float64Array(6));
          likelihoodCosts(cols, b, Float64Array.from(edges.map((e) => e.ld + shift[e.col]!)), edges.length, new Float64Array(6));
          for (let k = 0; k < edges.length; k++) {
            expect(b[k]).toBeCloseTo(a[k]!, 9);
            // never below the NIS: a plot's best-placed track pays nothing, the others their ln|S| excess
            expect(a[k]).toBeGreaterThanOrEqual(edges[k]!.nis);
          }
        },
      ),
    );
  });
});
