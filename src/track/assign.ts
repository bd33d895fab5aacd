/**
 * Data-association kernels: optimal rectangular assignment and global nearest neighbour (GNN).
 *
 * Algorithm: shortest augmenting path (Jonker–Volgenant family) as described by Crouse, "On implementing 2D
 * rectangular assignment algorithms", IEEE Trans. AES 52(4), 2016 — the same algorithm as SciPy's
 * `linear_sum_assignment`. Rows are added one at a time; for each, a Dijkstra-like search over reduced costs
 * `c(i,j) − u(i) − v(j) ≥ 0` finds the cheapest alternating path to a free column, the duals are updated so
 * reduced costs stay non-negative, and the path is flipped. Cost O(nRows² · nCols) worst case, far less on
 * typical tracking matrices.
 *
 * Why hand-rolled: the tracker solves thousands of small problems per second. Every routine works on
 * caller-supplied typed arrays and on the growable workspaces of an {@link Assigner}, so the steady state
 * allocates nothing; visited rows/columns are kept as short lists so that bookkeeping is proportional to
 * what a search touched, not to the matrix size.
 *
 * Conventions: cost matrices are dense, row-major Float64Array, rows = tracks, columns = plots.
 * `Infinity` (or NaN) marks a forbidden pair. Outputs are `Int32Array` row → column, −1 = unassigned.
 *
 * GNN construction (missed detection): a row may stay unassigned at cost `missCost`. This is solved exactly
 * as the square-free augmented problem [C | D] of size nRows × (nCols + nRows), where D is diagonal with
 * D(i,i) = missCost and every off-diagonal entry forbidden: dummy column nCols+i is "row i is missed".
 * Columns left over are plots that start new tracks and cost nothing here. The dummy block is never
 * materialised: dummy column nCols+i can only be reached from row i, so it is relaxed once, when the search
 * visits row i, and kept on a short list. A dummy column is always free when it is relaxed (row i is either
 * the row being inserted or holds a real column), so choosing it ends the search. Because every row always
 * has its own dummy, the augmented problem is always feasible, whatever Infinities C holds.
 */

const INF = Infinity;

/** Grow an Int32Array to at least n (contents are not preserved). */
function growI32(a: Int32Array, n: number): Int32Array {
  if (a.length >= n) return a;
  let cap = Math.max(16, a.length);
  while (cap < n) cap *= 2;
  return new Int32Array(cap);
}

function growF64(a: Float64Array, n: number): Float64Array {
  if (a.length >= n) return a;
  let cap = Math.max(16, a.length);
  while (cap < n) cap *= 2;
  return new Float64Array(cap);
}

/**
 * Assignment solver with reusable workspaces. Not re-entrant (one solve at a time per instance); each
 * worker or tracker should own one. Workspaces grow to the largest problem seen and are then reused.
 */
export class Assigner {
  /** Shape of the last {@link cluster} call (diagnostics): components solved, and the largest one. */
  readonly clusterStats = { components: 0, largestRows: 0, largestCols: 0, denseSolves: 0 };
  // --- shortest-augmenting-path workspaces, sized nCols + nRows (dummy columns) or nRows ---
  private u: Float64Array = new Float64Array(16);
  private v: Float64Array = new Float64Array(16);
  private spc: Float64Array = new Float64Array(16); // shortest path cost to each column in the current search
  private path: Int32Array = new Int32Array(16); // predecessor row of each column on the search tree
  private row4col: Int32Array = new Int32Array(16);
  private remaining: Int32Array = new Int32Array(16); // real columns not yet in the search tree
  private dummies: Int32Array = new Int32Array(16); // dummy columns relaxed in the current search
  private visRows: Int32Array = new Int32Array(16);
  private visCols: Int32Array = new Int32Array(16);
  private col4row: Int32Array = new Int32Array(16);
  private tcost: Float64Array = new Float64Array(16); // transposed cost for solve() when nRows > nCols
  // --- cluster workspaces ---
  private parent: Int32Array = new Int32Array(16);
  private size: Int32Array = new Int32Array(16);
  private compOfRoot: Int32Array = new Int32Array(16);
  private stamp: Int32Array = new Int32Array(16);
  private local: Int32Array = new Int32Array(16);
  private kept: Int32Array = new Int32Array(16);
  private keptComp: Int32Array = new Int32Array(16);
  private compStart: Int32Array = new Int32Array(16);
  private sorted: Int32Array = new Int32Array(16);
  private rowMap: Int32Array = new Int32Array(16);
  private colMap: Int32Array = new Int32Array(16);
  private sub: Float64Array = new Float64Array(16);
  private subOut: Int32Array = new Int32Array(16);

  private ensureSsp(nr: number, nc: number): void {
    const n = nr + nc;
    if (this.u.length < nr) this.u = growF64(this.u, nr);
    if (this.v.length < n) {
      this.v = growF64(this.v, n);
      this.spc = growF64(this.spc, n);
      this.path = growI32(this.path, n);
      this.row4col = growI32(this.row4col, n);
    }
    if (this.remaining.length < nc) this.remaining = growI32(this.remaining, nc);
    if (this.dummies.length < nr) this.dummies = growI32(this.dummies, nr);
    if (this.visRows.length < nr) this.visRows = growI32(this.visRows, nr);
    if (this.visCols.length < nc) this.visCols = growI32(this.visCols, nc);
  }

  /**
   * Core shortest-augmenting-path solve on an nr × nc matrix. Without dummies (miss NaN) it needs
   * nr ≤ nc and returns false as soon as a row cannot be augmented (infeasible); with dummies it always
   * succeeds. col4row receives a real column, or a value ≥ nc meaning "assigned to its dummy" (missed).
   */
  private ssp(cost: Float64Array, nr: number, nc: number, miss: number, col4row: Int32Array): boolean {
    const useDummy = miss === miss;
    this.ensureSsp(nr, nc);
    const { u, v, spc, path, row4col, remaining, dummies, visRows, visCols } = this;
    const nTot = useDummy ? nc + nr : nc;
    u.fill(0, 0, nr);
    v.fill(0, 0, nTot);
    row4col.fill(-1, 0, nTot);
    col4row.fill(-1, 0, nr);

    for (let cur = 0; cur < nr; cur++) {
      let nRem = nc;
      for (let j = 0; j < nc; j++) {
        remaining[j] = j;
        spc[j] = INF;
      }
      let nDum = 0;
      let nVR = 0;
      let nVC = 0;
      let minVal = 0;
      let i = cur;
      let sink = -1;
      while (sink < 0) {
        visRows[nVR++] = i;
        const ui = u[i]!;
        const base = i * nc;
        const shift = minVal - ui; // hoisted out of the scan
        let lowest = INF;
        let index = -1;
        let lowFree = false;
        let lowDummy = false;
        // Relax every real column not yet in the tree and pick the closest; on ties prefer a free
        // column (it ends the search sooner, Crouse §IV).
        for (let it = 0; it < nRem; it++) {
          const j = remaining[it]!;
          const r = cost[base + j]! - v[j]! + shift;
          let s = spc[j]!;
          if (r < s) {
            path[j] = i;
            spc[j] = r;
            s = r;
          }
          if (s < lowest || (s === lowest && !lowFree && row4col[j]! < 0)) {
            lowest = s;
            index = it;
            lowFree = row4col[j]! < 0;
          }
        }
        if (useDummy) {
          // Row i's own dummy column becomes reachable now, and only now.
          const d = nc + i;
          spc[d] = minVal + miss - ui - v[d]!;
          path[d] = i;
          dummies[nDum++] = d;
          for (let it = 0; it < nDum; it++) {
            const s = spc[dummies[it]!]!;
            if (s < lowest || (s === lowest && !lowFree)) {
              lowest = s;
              index = it;
              lowFree = true;
              lowDummy = true;
            }
          }
        }
        if (lowest === INF) return false; // no augmenting path: infeasible (cannot happen with dummies)
        minVal = lowest;
        if (lowDummy) {
          sink = dummies[index]!;
        } else {
          const j = remaining[index]!;
          remaining[index] = remaining[--nRem]!;
          const r4c = row4col[j]!;
          if (r4c < 0) sink = j;
          else {
            visCols[nVC++] = j;
            i = r4c;
          }
        }
      }
      // Dual update (the sink's own change is zero: spc[sink] = minVal).
      u[cur] = u[cur]! + minVal;
      for (let k = 1; k < nVR; k++) {
        const r = visRows[k]!;
        u[r] = u[r]! + minVal - spc[col4row[r]!]!;
      }
      for (let k = 0; k < nVC; k++) {
        const j = visCols[k]!;
        v[j] = v[j]! - (minVal - spc[j]!);
      }
      // Flip the alternating path from the sink back to cur.
      let j = sink;
      for (;;) {
        const r = path[j]!;
        row4col[j] = r;
        const t = col4row[r]!;
        col4row[r] = j;
        j = t;
        if (r === cur) break;
      }
    }
    return true;
  }

  /**
   * Rectangular linear assignment: out[i] = column of row i or −1, minimising the total cost of a matching
   * of size min(nRows, nCols). If forbidden (Infinity) entries make that size impossible, the result is a
   * maximum-cardinality matching of least cost among those (solved by giving each row a miss option of
   * cost M = 1 + 2·Σᵢ maxⱼ|finite cᵢⱼ|, so one more matched row always outweighs any cost difference; with
   * very large cost ranges the tie resolution is limited by float64 precision at that magnitude).
   * Returns the total cost of the pairs assigned.
   */
  solve(cost: Float64Array, nRows: number, nCols: number, out: Int32Array): number {
    checkDims(cost, nRows, nCols, out);
    out.fill(-1, 0, nRows);
    if (nRows === 0 || nCols === 0) return 0;
    let c = cost;
    let nr = nRows;
    let nc = nCols;
    const transposed = nRows > nCols;
    if (transposed) {
      // SSP inserts rows one at a time and needs nr ≤ nc: solve the transpose (a copy is O(n·m), cheap
      // next to the solve, and keeps the inner loop on contiguous memory).
      this.tcost = growF64(this.tcost, nRows * nCols);
      const t = this.tcost;
      for (let i = 0; i < nRows; i++) {
        const b = i * nCols;
        for (let j = 0; j < nCols; j++) t[j * nRows + i] = cost[b + j]!;
      }
      c = t;
      nr = nCols;
      nc = nRows;
    }
    this.col4row = growI32(this.col4row, nr);
    const c4r = this.col4row;
    if (!this.ssp(c, nr, nc, NaN, c4r)) {
      let big = 0;
      for (let i = 0; i < nr; i++) {
        let m = 0;
        for (let j = 0; j < nc; j++) {
          const x = Math.abs(c[i * nc + j]!);
          if (x < INF && x > m) m = x;
        }
        big += m;
      }
      this.ssp(c, nr, nc, 1 + 2 * big, c4r);
    }
    let total = 0;
    for (let i = 0; i < nr; i++) {
      const j = c4r[i]!;
      if (j >= nc) continue; // dummy: row unmatched
      total += c[i * nc + j]!;
      if (transposed) out[j] = i;
      else out[i] = j;
    }
    return total;
  }

  /**
   * Global nearest neighbour: out[i] = column of row i or −1 (missed), minimising
   * Σ assigned cᵢⱼ + missCost · (rows unassigned). Columns may stay unassigned at no cost. Any nRows, nCols.
   * missCost = Infinity means "assign as many rows as possible" ({@link solve}). Returns the total cost.
   */
  gnn(cost: Float64Array, nRows: number, nCols: number, missCost: number, out: Int32Array): number {
    checkDims(cost, nRows, nCols, out);
    if (Number.isNaN(missCost)) throw new RangeError('missCost is NaN');
    if (missCost === INF) {
      const t = this.solve(cost, nRows, nCols, out);
      for (let i = 0; i < nRows; i++) if (out[i]! < 0) return INF;
      return t;
    }
    out.fill(-1, 0, nRows);
    if (nRows === 0) return 0;
    if (nCols === 0) return missCost * nRows;
    return this.gnnInto(cost, nRows, nCols, missCost, out);
  }

  /** GNN with dummies, no argument checks; out must hold nRows. */
  private gnnInto(cost: Float64Array, nr: number, nc: number, miss: number, out: Int32Array): number {
    this.col4row = growI32(this.col4row, nr);
    const c4r = this.col4row;
    this.ssp(cost, nr, nc, miss, c4r);
    let total = 0;
    for (let i = 0; i < nr; i++) {
      const j = c4r[i]!;
      if (j >= nc) {
        out[i] = -1;
        total += miss;
      } else {
        out[i] = j;
        total += cost[i * nc + j]!;
      }
    }
    return total;
  }

  /**
   * Sparse GNN over a gating graph: edge e joins row edgeRows[e] and column edgeCols[e] at cost edgeCosts[e];
   * absent pairs are forbidden. Same objective and result as {@link gnn} on the dense matrix (up to ties).
   *
   * Edges with cost ≥ missCost are dropped first: replacing such a pair by "row missed, column free" never
   * costs more. The remaining graph is split into connected components by union-find; components with one
   * row (pick its cheapest edge) or one column (its cheapest row takes it, the others miss) are solved in
   * closed form, the rest as small dense GNN problems. With 1,000 tracks the components are a handful of
   * rows each, so the cost is linear in the number of edges instead of cubic in the number of tracks.
   * Duplicate edges keep the cheapest. Writes out[0..nRows); returns the total cost.
   */
  cluster(
    edgeRows: Int32Array,
    edgeCols: Int32Array,
    edgeCosts: Float64Array,
    nEdges: number,
    nRows: number,
    nCols: number,
    missCost: number,
    out: Int32Array,
  ): number {
    if (out.length < nRows) throw new RangeError(`out holds ${out.length} < ${nRows} rows`);
    if (edgeRows.length < nEdges || edgeCols.length < nEdges || edgeCosts.length < nEdges) {
      throw new RangeError('edge arrays shorter than nEdges');
    }
    if (Number.isNaN(missCost)) throw new RangeError('missCost is NaN');
    out.fill(-1, 0, nRows);
    const nNodes = nRows + nCols;
    if (this.parent.length < nNodes) {
      this.parent = growI32(this.parent, nNodes);
      this.size = growI32(this.size, nNodes);
      this.compOfRoot = growI32(this.compOfRoot, nNodes);
      this.stamp = growI32(this.stamp, nNodes);
      this.local = growI32(this.local, nNodes);
    }
    if (this.kept.length < nEdges) {
      this.kept = growI32(this.kept, nEdges);
      this.keptComp = growI32(this.keptComp, nEdges);
      this.sorted = growI32(this.sorted, nEdges);
      this.compStart = growI32(this.compStart, nEdges + 1);
    }
    const { parent, size, compOfRoot, stamp, local, kept, keptComp, sorted } = this;
    for (let n = 0; n < nNodes; n++) {
      parent[n] = n;
      size[n] = 1;
      compOfRoot[n] = -1;
      stamp[n] = -1;
    }

    // Pass 1: keep useful edges and union their endpoints (rows 0..nRows-1, columns nRows..).
    let nKept = 0;
    for (let e = 0; e < nEdges; e++) {
      const w = edgeCosts[e]!;
      if (!(w < missCost)) continue; // also drops NaN and +Infinity
      const r = edgeRows[e]!;
      const c = edgeCols[e]!;
      if (r < 0 || r >= nRows || c < 0 || c >= nCols) throw new RangeError(`edge ${e} (${r}, ${c}) out of range`);
      kept[nKept++] = e;
      let a = find(parent, r);
      let b = find(parent, nRows + c);
      if (a !== b) {
        if (size[a]! < size[b]!) {
          const t = a;
          a = b;
          b = t;
        }
        parent[b] = a;
        size[a] = size[a]! + size[b]!;
      }
    }

    // Pass 2: number the components in order of first appearance and bucket the kept edges by component.
    let nComp = 0;
    this.compStart = growI32(this.compStart, nKept + 2);
    const compStart = this.compStart;
    for (let k = 0; k < nKept; k++) {
      const root = find(parent, edgeRows[kept[k]!]!);
      let id = compOfRoot[root]!;
      if (id < 0) {
        id = nComp++;
        compOfRoot[root] = id;
        compStart[id] = 0;
      }
      keptComp[k] = id;
      compStart[id] = compStart[id]! + 1;
    }
    let acc = 0;
    for (let id = 0; id < nComp; id++) {
      const n = compStart[id]!;
      compStart[id] = acc;
      acc += n;
    }
    compStart[nComp] = acc;
    // Use `size` (free now) as per-component insertion cursor.
    for (let id = 0; id < nComp; id++) size[id] = compStart[id]!;
    for (let k = 0; k < nKept; k++) {
      const id = keptComp[k]!;
      sorted[size[id]!] = kept[k]!;
      size[id] = size[id]! + 1;
    }

    const stats = this.clusterStats;
    stats.components = nComp;
    stats.largestRows = 0;
    stats.largestCols = 0;
    stats.denseSolves = 0;
    let total = 0;
    for (let id = 0; id < nComp; id++) {
      const s0 = compStart[id]!;
      const s1 = compStart[id + 1]!;
      // Local numbering of the component's rows and columns.
      let nr = 0;
      let nc = 0;
      let best = -1;
      let bestW = INF;
      for (let s = s0; s < s1; s++) {
        const e = sorted[s]!;
        const r = edgeRows[e]!;
        const cn = nRows + edgeCols[e]!;
        if (stamp[r] !== id) {
          stamp[r] = id;
          local[r] = nr++;
        }
        if (stamp[cn] !== id) {
          stamp[cn] = id;
          local[cn] = nc++;
        }
        const w = edgeCosts[e]!;
        if (w < bestW) {
          bestW = w;
          best = e;
        }
      }
      if (nr > stats.largestRows) stats.largestRows = nr;
      if (nc > stats.largestCols) stats.largestCols = nc;
      if (nr === 1 || nc === 1) {
        // One row: its cheapest edge. One column: the cheapest row takes it, the others are missed
        // (handled with all unassigned rows below). Every kept edge beats a miss.
        out[edgeRows[best]!] = edgeCols[best]!;
        total += bestW;
        continue;
      }
      this.rowMap = growI32(this.rowMap, nr);
      this.colMap = growI32(this.colMap, nc);
      this.sub = growF64(this.sub, nr * nc);
      this.subOut = growI32(this.subOut, nr);
      const { rowMap, colMap, sub, subOut } = this;
      sub.fill(INF, 0, nr * nc);
      for (let s = s0; s < s1; s++) {
        const e = sorted[s]!;
        const r = edgeRows[e]!;
        const c = edgeCols[e]!;
        const lr = local[r]!;
        const lc = local[nRows + c]!;
        rowMap[lr] = r;
        colMap[lc] = c;
        const w = edgeCosts[e]!;
        const at = lr * nc + lc;
        if (w < sub[at]!) sub[at] = w;
      }
      stats.denseSolves++;
      this.gnnInto(sub, nr, nc, missCost, subOut);
      for (let lr = 0; lr < nr; lr++) {
        const lc = subOut[lr]!;
        if (lc >= 0) {
          out[rowMap[lr]!] = colMap[lc]!;
          total += sub[lr * nc + lc]!;
        }
      }
    }
    for (let r = 0; r < nRows; r++) if (out[r]! < 0) total += missCost;
    return total;
  }
}

/** Union-find root with path halving. */
function find(parent: Int32Array, x: number): number {
  while (parent[x] !== x) {
    const g = parent[parent[x]!]!;
    parent[x] = g;
    x = g;
  }
  return x;
}

function checkDims(cost: Float64Array, nRows: number, nCols: number, out: Int32Array): void {
  if (!(nRows >= 0 && nCols >= 0) || !Number.isInteger(nRows) || !Number.isInteger(nCols)) {
    throw new RangeError(`bad dimensions ${nRows}×${nCols}`);
  }
  if (cost.length < nRows * nCols) throw new RangeError(`cost holds ${cost.length} < ${nRows}×${nCols}`);
  if (out.length < nRows) throw new RangeError(`out holds ${out.length} < ${nRows} rows`);
}

/** Shared instance behind the convenience functions (JavaScript is single-threaded per isolate). */
const shared = new Assigner();

/** Rectangular linear assignment (see {@link Assigner.solve}); allocates the result. */
export function linearAssign(cost: Float64Array, nRows: number, nCols: number): Int32Array {
  const out = new Int32Array(nRows);
  shared.solve(cost, nRows, nCols, out);
  return out;
}

/** Dense GNN with missed-detection cost (see {@link Assigner.gnn}); allocates the result. */
export function gnnAssign(cost: Float64Array, nRows: number, nCols: number, missCost: number): Int32Array {
  const out = new Int32Array(nRows);
  shared.gnn(cost, nRows, nCols, missCost, out);
  return out;
}

/**
 * Sparse clustered GNN (see {@link Assigner.cluster}): writes row → column or −1 into out and returns the
 * total cost. Pass your own Assigner to keep workspaces per tracker.
 */
export function clusterAssign(
  edgeRows: Int32Array,
  edgeCols: Int32Array,
  edgeCosts: Float64Array,
  nEdges: number,
  nRows: number,
  nCols: number,
  missCost: number,
  out: Int32Array,
  assigner: Assigner = shared,
): number {
  return assigner.cluster(edgeRows, edgeCols, edgeCosts, nEdges, nRows, nCols, missCost, out);
}

/** Total cost of an assignment under the GNN objective (for checks and reports). */
export function gnnCost(cost: Float64Array, nRows: number, nCols: number, missCost: number, rowToCol: Int32Array): number {
  let t = 0;
  for (let i = 0; i < nRows; i++) {
    const j = rowToCol[i]!;
    t += j < 0 ? missCost : cost[i * nCols + j]!;
  }
  return t;
}

/**
 * GNN costs from gated NIS values in place: edge k (plot cols[k], NIS costs[k], ln|S| lnDet[k]) becomes
 * NIS + ln|S| − the smallest ln|S| among its plot's edges. −2 ln N(ν; 0, S) = NIS + ln|S| + const is what a
 * track's likelihood of a plot says; NIS alone favours the vaguer track, whose large S gates a plot at a low
 * NIS: a stale tentative track, or an undecided one's constant-velocity model, took plots from the confirmed
 * track beside it and that track was lost (salvo-300, s017: NIS 5.5 against 5.9, ln|S| 6 apart). The plot's
 * best-placed track pays nothing: a plot only one track gates costs its NIS as before, and a miss cost set
 * at the gate keeps its meaning (every pair inside a gate stays preferred to a miss unless a better-placed
 * track contests its plot). colMin: scratch indexed by plot, at least as long as the largest column + 1.
 */
export function likelihoodCosts(cols: Int32Array, costs: Float64Array, lnDet: Float64Array, n: number, colMin: Float64Array): void {
  for (let k = 0; k < n; k++) colMin[cols[k]!] = Infinity;
  for (let k = 0; k < n; k++) {
    const j = cols[k]!;
    if (lnDet[k]! < colMin[j]!) colMin[j] = lnDet[k]!;
  }
  for (let k = 0; k < n; k++) costs[k] = costs[k]! + (lnDet[k]! - colMin[cols[k]!]!);
}
