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
  const m = table.mach;
  const c = table.cd;
  const n = m.length;
  if (!(mach > m[0]!)) return c[0]!; // also catches NaN
  if (mach >= m[n - 1]!) return c[n - 1]!;
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (m[mid]! <= mach) lo = mid;
    else hi = mid;
  }
  const m0 = m[lo]!;
  const w = (mach - m0) / (m[hi]! - m0);
  return c[lo]! + w * (c[hi]! - c[lo]!);
}
