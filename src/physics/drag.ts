/**
 * Drag coefficient against Mach number. Drag tables are data (a standard projectile shape), scaled per threat
 * by a form factor i (Cd = i · Cd_std(M)) calibrated so the catalogue reproduces published maximum ranges.
 */

export interface DragTable {
  /** Mach numbers, strictly increasing */
  mach: Float64Array;
  /** drag coefficient at each Mach number */
  cd: Float64Array;
  name: string;
}

/** Build a table from [mach, cd] pairs, checking that Mach increases. */
export function dragTable(name: string, pairs: ReadonlyArray<readonly [number, number]>): DragTable {
  if (pairs.length < 2) throw new Error(`drag table ${name}: needs at least two points`);
  const mach = new Float64Array(pairs.length);
  const cd = new Float64Array(pairs.length);
  pairs.forEach(([m, c], i) => {
    if (i > 0 && !(m > mach[i - 1]!)) throw new Error(`drag table ${name}: Mach must increase (at ${m})`);
    mach[i] = m;
    cd[i] = c;
  });
  return { name, mach, cd };
}

/** The standard G7 (long boat-tail) drag function, domain.md §1. */
export const G7: DragTable = dragTable('G7', [
  [0.0, 0.1198], [0.5, 0.1194], [0.7, 0.1202], [0.8, 0.1242], [0.85, 0.1306], [0.9, 0.1464], [0.925, 0.166],
  [0.95, 0.2054], [0.975, 0.2993], [1.0, 0.3803], [1.05, 0.4043], [1.1, 0.4014], [1.2, 0.3884], [1.3, 0.3732],
  [1.5, 0.344], [1.75, 0.316], [2.0, 0.298], [2.5, 0.2697], [3.0, 0.2424], [4.0, 0.1935], [5.0, 0.1618],
]);

/** Drag tables by name, for catalogue overrides given in files. */
export const DRAG_TABLES: Record<string, DragTable> = { G7 };

/**
 * Cd at a Mach number by linear interpolation, clamped to the end values outside the table. Binary search:
 * tables are short (≈20 points), so five comparisons and no allocation.
 */
export function dragCoefficient(table: DragTable, mach: number): number {
  const c = table.cd;
  const lo = tableSegment(table.mach, mach);
  if (lo < 0) return c[0]!;
  if (lo >= c.length - 1) return c[c.length - 1]!;
  const m = table.mach;
  const w = (mach - m[lo]!) / (m[lo + 1]! - m[lo]!);
  return c[lo]! + w * (c[lo + 1]! - c[lo]!);
}

/**
 * Cd and its table slope dCd/dM (piecewise linear; 0 outside the table, where Cd is clamped) into
 * out[0..1]: what a filter's Jacobian needs.
 */
export function dragCoefficientAndSlope(table: DragTable, mach: number, out: Float64Array): void {
  const c = table.cd;
  const lo = tableSegment(table.mach, mach);
  if (lo < 0 || lo >= c.length - 1) {
    out[0] = lo < 0 ? c[0]! : c[c.length - 1]!;
    out[1] = 0;
    return;
  }
  const m = table.mach;
  const slope = (c[lo + 1]! - c[lo]!) / (m[lo + 1]! - m[lo]!);
  out[0] = c[lo]! + (mach - m[lo]!) * slope;
  out[1] = slope;
}

/**
 * Index lo of the table segment [m[lo], m[lo+1]) holding mach by binary search; −1 below the table (and for
 * NaN), n−1 at or beyond its last entry.
 */
function tableSegment(m: Float64Array, mach: number): number {
  const n = m.length;
  if (!(mach > m[0]!)) return -1;
  if (mach >= m[n - 1]!) return n - 1;
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (m[mid]! <= mach) lo = mid;
    else hi = mid;
  }
  return lo;
}
