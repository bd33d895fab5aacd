/**
 * Uniform 3-D hash grid over points, for gating: which plots lie within a radius of a predicted track
 * position. Building it is O(points); a query touches only the cells overlapping the query sphere's bounding
 * box, so gating 1,000 tracks against 1,300 plots costs about one query per track instead of 1.3 million
 * distance tests.
 *
 * Layout (why hand-rolled): cells live in an open-addressing hash table keyed by their integer cell indices
 * (ix, iy, iz) = floor(p / cellSize), so only occupied cells use memory and coordinates can be anywhere
 * (negative, ECEF ~6.4e6 m). Each cell holds the head of a singly linked list threaded through the point
 * arrays. Everything is in typed arrays that grow by doubling and are then reused; `clear()` is O(1): each
 * table slot carries the generation that wrote it, and clearing starts a new generation.
 *
 * Cell indices must fit in a signed 32-bit integer: |coordinate / cellSize| < 2³¹ (insert throws otherwise).
 */

const EMPTY_GEN = 0;

// Cell hash: large odd multipliers per axis, XOR, then an avalanche step; the table uses linear probing.
const HX = 0x8da6b343 | 0;
const HY = 0xd8163841 | 0;
const HZ = 0xcb1ab31f | 0;
function mix(h: number): number {
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  return h ^ (h >>> 12);
}

export class SpatialGrid {
  readonly cellSize: number;
  private readonly inv: number;
  // points
  private n = 0;
  private px: Float64Array;
  private py: Float64Array;
  private pz: Float64Array;
  private pid: Int32Array;
  private next: Int32Array;
  // cell hash table
  private mask: number;
  private kx: Int32Array;
  private ky: Int32Array;
  private kz: Int32Array;
  private head: Int32Array;
  private gen: Int32Array;
  private curGen = 1;
  private nCells = 0;
  /** query()'s sphere, passed on to querySphere */
  private readonly centre = new Float64Array(4);
  /**
   * the points' bounding box: a query sphere outside it returns at once (the tracker asks once per track per
   * batch, and a radar sector's batch lies far from most of the tracks: those queries had probed their cells)
   */
  private bx0 = Infinity;
  private bx1 = -Infinity;
  private by0 = Infinity;
  private by1 = -Infinity;
  private bz0 = Infinity;
  private bz1 = -Infinity;

  /**
   * cellSize in metres; a good choice is about twice the usual query radius (a query then probes at most
   * 2×2×2 cells). capacity is a hint for the number of points.
   */
  constructor(cellSize: number, capacity = 1024) {
    if (!(cellSize > 0 && Number.isFinite(cellSize))) throw new RangeError(`cellSize must be > 0, got ${cellSize}`);
    this.cellSize = cellSize;
    this.inv = 1 / cellSize;
    const cap = Math.max(16, capacity | 0);
    this.px = new Float64Array(cap);
    this.py = new Float64Array(cap);
    this.pz = new Float64Array(cap);
    this.pid = new Int32Array(cap);
    this.next = new Int32Array(cap);
    let t = 32;
    while (t < 2 * cap) t *= 2;
    this.mask = t - 1;
    this.kx = new Int32Array(t);
    this.ky = new Int32Array(t);
    this.kz = new Int32Array(t);
    this.head = new Int32Array(t);
    this.gen = new Int32Array(t);
  }

  /** Number of points inserted since the last clear. */
  get size(): number {
    return this.n;
  }

  /** Remove every point (O(1)). */
  clear(): void {
    this.n = 0;
    this.nCells = 0;
    this.bx0 = this.by0 = this.bz0 = Infinity;
    this.bx1 = this.by1 = this.bz1 = -Infinity;
    this.curGen++;
    if (this.curGen === 0x7fffffff) {
      this.gen.fill(EMPTY_GEN);
      this.curGen = 1;
    }
  }

  /** Add point `index` (any int32 the caller uses to identify it, e.g. a plot number) at (x, y, z). */
  insert(index: number, x: number, y: number, z: number): void {
    const ix = Math.floor(x * this.inv);
    const iy = Math.floor(y * this.inv);
    const iz = Math.floor(z * this.inv);
    if (!(Math.abs(ix) < 0x7fffffff && Math.abs(iy) < 0x7fffffff && Math.abs(iz) < 0x7fffffff)) {
      throw new RangeError(`point (${x}, ${y}, ${z}) outside the grid's index range (or not finite)`);
    }
    if (this.n === this.px.length) this.growPoints();
    if (2 * (this.nCells + 1) > this.mask + 1) this.rehash();
    const k = this.n++;
    if (x < this.bx0) this.bx0 = x;
    if (x > this.bx1) this.bx1 = x;
    if (y < this.by0) this.by0 = y;
    if (y > this.by1) this.by1 = y;
    if (z < this.bz0) this.bz0 = z;
    if (z > this.bz1) this.bz1 = z;
    this.px[k] = x;
    this.py[k] = y;
    this.pz[k] = z;
    this.pid[k] = index;
    const s = this.slot(ix, iy, iz);
    this.next[k] = this.head[s]!;
    this.head[s] = k;
  }

  /**
   * Indices of the points within `radius` (inclusive: dx² + dy² + dz² ≤ radius²) of (x, y, z), written to
   * out in no particular order. Returns how many there are; if that exceeds out.length, only the first
   * out.length are written (check the return value).
   */
  query(x: number, y: number, z: number, radius: number, out: Int32Array): number {
    const c = this.centre;
    c[0] = x;
    c[1] = y;
    c[2] = z;
    c[3] = radius;
    return this.querySphere(c, out);
  }

  /**
   * query() with the sphere passed as [x, y, z, radius] in a typed array: for hot loops. A call V8 does not
   * inline boxes every double argument into a fresh heap number; a typed array passes them unboxed (the
   * tracker queries once per track per batch, and that garbage was paid for in scavenges).
   */
  querySphere(c: Float64Array, out: Int32Array): number {
    const x = c[0]!;
    const y = c[1]!;
    const z = c[2]!;
    const radius = c[3]!;
    if (this.n === 0 || !(radius >= 0)) return 0;
    const inv = this.inv;
    const r2 = radius * radius;
    // Cell range of the bounding box, widened by a hair so that rounding in (x ± r)·inv can never drop a
    // cell holding a point that passes the exact test below (the extra cells cost nothing when empty).
    const eps = 1e-9 * (1 + (Math.abs(x) + Math.abs(y) + Math.abs(z) + radius) * inv);
    // the sphere's box misses the points' box (widened by the same hair, in metres): nothing within reach
    const m = radius + eps * this.cellSize;
    if (x + m < this.bx0 || x - m > this.bx1 || y + m < this.by0 || y - m > this.by1 || z + m < this.bz0 || z - m > this.bz1) return 0;
    const ix0 = Math.floor((x - radius) * inv - eps);
    const ix1 = Math.floor((x + radius) * inv + eps);
    const iy0 = Math.floor((y - radius) * inv - eps);
    const iy1 = Math.floor((y + radius) * inv + eps);
    const iz0 = Math.floor((z - radius) * inv - eps);
    const iz1 = Math.floor((z + radius) * inv + eps);
    const { px, py, pz, pid, next } = this;
    const cap = out.length;
    let count = 0;
    const cells = (ix1 - ix0 + 1) * (iy1 - iy0 + 1) * (iz1 - iz0 + 1);
    if (cells > this.nCells) {
      // A huge radius: scanning every point is cheaper than probing empty cells.
      for (let k = 0; k < this.n; k++) {
        const dx = px[k]! - x;
        const dy = py[k]! - y;
        const dz = pz[k]! - z;
        if (dx * dx + dy * dy + dz * dz <= r2) {
          if (count < cap) out[count] = pid[k]!;
          count++;
        }
      }
      return count;
    }
    // Probe each cell of the box. The hash's per-axis products are hoisted out of the inner loops and
    // the table lookup is inlined: with a cell about twice the radius a query probes ≤ 8 cells.
    const { kx, ky, kz, gen, head } = this;
    const mask = this.mask;
    const g = this.curGen;
    for (let ix = ix0; ix <= ix1; ix++) {
      const hx = Math.imul(ix, HX);
      for (let iy = iy0; iy <= iy1; iy++) {
        const hxy = hx ^ Math.imul(iy, HY);
        for (let iz = iz0; iz <= iz1; iz++) {
          let s = mix(hxy ^ Math.imul(iz, HZ)) & mask;
          let k = -1;
          while (gen[s] === g) {
            if (kx[s] === ix && ky[s] === iy && kz[s] === iz) {
              k = head[s]!;
              break;
            }
            s = (s + 1) & mask;
          }
          for (; k >= 0; k = next[k]!) {
            const dx = px[k]! - x;
            const dy = py[k]! - y;
            const dz = pz[k]! - z;
            if (dx * dx + dy * dy + dz * dz <= r2) {
              if (count < cap) out[count] = pid[k]!;
              count++;
            }
          }
        }
      }
    }
    return count;
  }

  /** Table slot of cell (ix, iy, iz), created (empty list) if absent. */
  private slot(ix: number, iy: number, iz: number): number {
    const h = mix(Math.imul(ix, HX) ^ Math.imul(iy, HY) ^ Math.imul(iz, HZ));
    const mask = this.mask;
    const { kx, ky, kz, gen } = this;
    const g = this.curGen;
    let s = h & mask;
    for (;;) {
      if (gen[s] !== g) {
        gen[s] = g;
        kx[s] = ix;
        ky[s] = iy;
        kz[s] = iz;
        this.head[s] = -1;
        this.nCells++;
        return s;
      }
      if (kx[s] === ix && ky[s] === iy && kz[s] === iz) return s;
      s = (s + 1) & mask;
    }
  }

  private growPoints(): void {
    const cap = this.px.length * 2;
    const f = (a: Float64Array): Float64Array => {
      const b = new Float64Array(cap);
      b.set(a);
      return b;
    };
    const i = (a: Int32Array): Int32Array => {
      const b = new Int32Array(cap);
      b.set(a);
      return b;
    };
    this.px = f(this.px);
    this.py = f(this.py);
    this.pz = f(this.pz);
    this.pid = i(this.pid);
    this.next = i(this.next);
  }

  /** Double the table and re-insert every current point (keeps the load factor ≤ 1/2). */
  private rehash(): void {
    const t = (this.mask + 1) * 2;
    this.mask = t - 1;
    this.kx = new Int32Array(t);
    this.ky = new Int32Array(t);
    this.kz = new Int32Array(t);
    this.head = new Int32Array(t);
    this.gen = new Int32Array(t);
    this.curGen = 1;
    this.nCells = 0;
    const inv = this.inv;
    for (let k = 0; k < this.n; k++) {
      const s = this.slot(
        Math.floor(this.px[k]! * inv),
        Math.floor(this.py[k]! * inv),
        Math.floor(this.pz[k]! * inv),
      );
      this.next[k] = this.head[s]!;
      this.head[s] = k;
    }
  }
}
