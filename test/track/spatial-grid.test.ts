import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SpatialGrid } from '../../src/track/spatial-grid.js';

type P = [number, number, number];

function bruteQuery(pts: P[], x: number, y: number, z: number, r: number): number[] {
  const res: number[] = [];
  pts.forEach(([px, py, pz], k) => {
    const dx = px - x;
    const dy = py - y;
    const dz = pz - z;
    if (dx * dx + dy * dy + dz * dz <= r * r) res.push(k);
  });
  return res;
}

function gridQuery(g: SpatialGrid, x: number, y: number, z: number, r: number, out: Int32Array): number[] {
  const n = g.query(x, y, z, r, out);
  expect(n).toBeLessThanOrEqual(out.length);
  return Array.from(out.subarray(0, n)).sort((a, b) => a - b);
}

const CELL = 500;
// Coordinates: arbitrary, exact multiples of the cell size (cell boundaries), and small offsets from them.
const coord = fc.oneof(
  // uniform in metres (fc.double is uniform over bit patterns, i.e. mostly tiny numbers)
  { weight: 4, arbitrary: fc.noBias(fc.integer({ min: -3e6, max: 3e6 })).map((mm) => mm / 1000 + 1 / 3) },
  fc.integer({ min: -10, max: 10 }).map((k) => k * CELL),
  fc.tuple(fc.integer({ min: -10, max: 10 }), fc.constantFrom(-1e-9, 1e-9, -0.5, 0.5)).map(([k, e]) => k * CELL + e),
);
const point = fc.tuple(coord, coord, coord);

describe('SpatialGrid', () => {
  it('equals brute-force radius search (random points, boundaries, negatives, ECEF-scale offsets)', () => {
    const grid = new SpatialGrid(CELL, 4); // tiny capacity: exercises growth and rehash
    const out = new Int32Array(512);
    const offset = fc.noBias(fc.integer({ min: -7e5, max: 7e5 })).map((mm) => mm / 1000);
    fc.assert(
      fc.property(
        fc.noBias(fc.integer({ min: 1, max: 300 })).chain((n) => fc.array(point, { minLength: n, maxLength: n })),
        // Queries centred near a stored point (so results are not empty) or anywhere; radii mostly up to
        // about a cell so the cell walk, not the huge-radius scan, is what gets checked.
        fc.array(
          fc.tuple(
            fc.nat(),
            fc.tuple(offset, offset, offset),
            fc.oneof(
              { weight: 4, arbitrary: fc.noBias(fc.integer({ min: 0, max: 7e5 })).map((mm) => mm / 1000) },
              fc.constantFrom(0, CELL, 2 * CELL, 5000),
            ),
          ),
          { minLength: 1, maxLength: 20 },
        ),
        fc.constantFrom<P>([0, 0, 0], [6.378e6, -1.2e5, 3.1e5], [-4.1e6, 2.9e6, -3.7e6]),
        (pts0, queries, [ox, oy, oz]) => {
          const pts: P[] = pts0.map(([x, y, z]) => [x + ox, y + oy, z + oz]);
          grid.clear();
          pts.forEach(([x, y, z], k) => grid.insert(k, x, y, z));
          expect(grid.size).toBe(pts.length);
          for (const [at, [dx, dy, dz], r] of queries) {
            const [px, py, pz] = pts[at % pts.length]!;
            const x = px + dx;
            const y = py + dy;
            const z = pz + dz;
            expect(gridQuery(grid, x, y, z, r, out)).toEqual(bruteQuery(pts, x, y, z, r));
            // radius 0 at a stored point finds it (and its duplicates)
            expect(gridQuery(grid, px, py, pz, 0, out)).toEqual(bruteQuery(pts, px, py, pz, 0));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('equals brute force in a dense cluster (many points per cell, cell walk only)', () => {
    // 3,000 points in a 2 km cube: ~1,000 cells occupied out of 64, queries span ≤ 27 cells, so the
    // exhaustive-scan shortcut (taken only when the query box has more cells than are occupied) never runs.
    let s = 12345;
    const rnd = (): number => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    const g = new SpatialGrid(100);
    const pts: P[] = [];
    for (let k = 0; k < 3000; k++) {
      const p: P = [rnd() * 2000 - 1000, rnd() * 2000 - 1000, rnd() * 2000 - 1000];
      pts.push(p);
      g.insert(k, ...p);
    }
    const out = new Int32Array(3000);
    for (let q = 0; q < 300; q++) {
      const x = rnd() * 2200 - 1100;
      const y = rnd() * 2200 - 1100;
      const z = rnd() * 2200 - 1100;
      const r = rnd() * 100;
      expect(gridQuery(g, x, y, z, r, out)).toEqual(bruteQuery(pts, x, y, z, r));
    }
  });

  it('includes points exactly at the radius and across cell faces', () => {
    const g = new SpatialGrid(CELL);
    g.insert(10, 500, 0, 0); // on a cell face, at distance exactly 500
    g.insert(11, -500, 0, 0);
    g.insert(12, 0, 0, 500.000001);
    g.insert(13, -0.001, -0.001, -0.001); // other cell than the origin
    const out = new Int32Array(8);
    expect(gridQuery(g, 0, 0, 0, 500, out)).toEqual([10, 11, 13]);
  });

  it('a sphere reaching into the points’ bounding box from outside finds the point there, exactly at the radius too', () => {
    const g = new SpatialGrid(CELL);
    g.insert(1, 1000, 2000, 300);
    g.insert(2, 1200, 2100, 350);
    const out = new Int32Array(4);
    // from beyond a face of the box, exactly reaching its extreme point
    expect(gridQuery(g, 700, 2000, 300, 300, out)).toEqual([1]);
    expect(gridQuery(g, 1500, 2100, 350, 300, out)).toEqual([2]);
    expect(gridQuery(g, 1200, 2100, 650, 300, out)).toEqual([2]);
    expect(gridQuery(g, 1000, 2000, -0.5, 300, out)).toEqual([]);
    // after clear() only the new points count
    g.clear();
    g.insert(3, -5000, -5000, 0);
    expect(gridQuery(g, -5000, -5000, 10, 10, out)).toEqual([3]);
    expect(gridQuery(g, 1000, 2000, 300, 10, out)).toEqual([]);
  });

  it('clear() forgets points and the grid is reusable', () => {
    const g = new SpatialGrid(100);
    const out = new Int32Array(4);
    g.insert(1, 0, 0, 0);
    expect(g.query(0, 0, 0, 1, out)).toBe(1);
    g.clear();
    expect(g.query(0, 0, 0, 1, out)).toBe(0);
    g.insert(2, 50, 50, 50);
    expect(g.query(50, 50, 50, 1, out)).toBe(1);
    expect(out[0]).toBe(2);
  });

  it('returns the full count when out is too small, writing only what fits', () => {
    const g = new SpatialGrid(100);
    for (let k = 0; k < 10; k++) g.insert(k, k, 0, 0);
    const out = new Int32Array(3);
    expect(g.query(0, 0, 0, 100, out)).toBe(10);
  });

  it('a huge radius (brute-force path) still returns exactly the points within it', () => {
    const g = new SpatialGrid(1);
    const pts: P[] = [
      [0, 0, 0],
      [1e6, 0, 0],
      [0, -2e6, 0],
    ];
    pts.forEach(([x, y, z], k) => g.insert(k, x, y, z));
    const out = new Int32Array(8);
    expect(gridQuery(g, 0, 0, 0, 1.5e6, out)).toEqual([0, 1]);
  });

  it('rejects coordinates whose cell index overflows int32, and bad cell sizes', () => {
    const g = new SpatialGrid(0.001);
    expect(() => g.insert(0, 1e7, 0, 0)).toThrow(RangeError);
    expect(() => g.insert(0, NaN, 0, 0)).toThrow(RangeError);
    expect(() => new SpatialGrid(0)).toThrow(RangeError);
  });
});
