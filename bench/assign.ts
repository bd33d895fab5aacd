/**
 * Data-association kernels: dense shortest-augmenting-path solve, clustered sparse GNN at 1,000 threats,
 * and spatial-grid gating queries.
 */
import { Rng } from '../src/core/rng.js';
import { Assigner } from '../src/track/assign.js';
import { SpatialGrid } from '../src/track/spatial-grid.js';

function timeIt(fn: () => void, minMs = 300): number {
  // warm up (let the JIT settle) for a third of the time, then repeat until minMs has elapsed; returns
  // mean µs per call
  const w0 = performance.now();
  do fn();
  while (performance.now() - w0 < minMs / 3);
  let n = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < minMs) {
    fn();
    n++;
    t = performance.now();
  }
  return ((t - t0) * 1000) / n;
}

export async function bench(): Promise<void> {
  const rng = new Rng(20211219).stream('bench:assign');
  const asg = new Assigner();

  for (const n of [10, 100, 1000]) {
    const cost = new Float64Array(n * n);
    for (let k = 0; k < cost.length; k++) cost[k] = rng.uniform() * 1000;
    const out = new Int32Array(n);
    const us = timeIt(() => asg.solve(cost, n, n, out), n >= 1000 ? 2000 : 300);
    const gus = timeIt(() => asg.gnn(cost, n, n, 500, out), n >= 1000 ? 2000 : 300);
    console.log(
      `dense solve ${n}×${n} uniform costs: ${fmt(us)} µs/solve; dense gnn (miss 500): ${fmt(gus)} µs/solve`,
    );
  }

  // 1,000 threats flying as 100 salvos of 10 (rockets in a salvo stay a few hundred metres apart, which
  // is what makes gates overlap) spread over a 40 km × 40 km × 8 km volume; 1,300 plots: 90 % of threats
  // detected with 60 m noise, the rest clutter, half of it near salvos. Gate 250 m around each predicted
  // position, cost d²/σ² with σ = 60 m, miss cost = the gate's d²/σ².
  const nTracks = 1000;
  const L = 40_000;
  const H = 8000;
  const spread = 200;
  const tx = new Float64Array(nTracks);
  const ty = new Float64Array(nTracks);
  const tz = new Float64Array(nTracks);
  for (let i = 0; i < nTracks; i += 10) {
    const cx = rng.uniform() * L;
    const cy = rng.uniform() * L;
    const cz = rng.uniform() * H;
    for (let k = i; k < i + 10; k++) {
      tx[k] = cx + spread * rng.normal();
      ty[k] = cy + spread * rng.normal();
      tz[k] = cz + spread * rng.normal();
    }
  }
  const maxPlots = 1300;
  const px = new Float64Array(maxPlots);
  const py = new Float64Array(maxPlots);
  const pz = new Float64Array(maxPlots);
  let nPlots = 0;
  for (let i = 0; i < nTracks; i++) {
    if (rng.uniform() < 0.9) {
      px[nPlots] = tx[i]! + 60 * rng.normal();
      py[nPlots] = ty[i]! + 60 * rng.normal();
      pz[nPlots] = tz[i]! + 60 * rng.normal();
      nPlots++;
    }
  }
  // Clutter up to 1,300 plots: alternately uniform in the volume and near a random threat.
  for (let k = 0; nPlots < 1300; k++) {
    const i = Math.floor(rng.uniform() * nTracks);
    const near = k % 2 === 0;
    px[nPlots] = near ? tx[i]! + 300 * rng.normal() : rng.uniform() * L;
    py[nPlots] = near ? ty[i]! + 300 * rng.normal() : rng.uniform() * L;
    pz[nPlots] = near ? tz[i]! + 300 * rng.normal() : rng.uniform() * H;
    nPlots++;
  }
  const gate = 250;
  const sigma2 = 60 * 60;
  const miss = (gate * gate) / sigma2;
  const grid = new SpatialGrid(2 * gate);
  const cand = new Int32Array(256);
  const er = new Int32Array(nTracks * 64);
  const ec = new Int32Array(nTracks * 64);
  const ew = new Float64Array(nTracks * 64);
  let nEdges = 0;
  const gating = (): void => {
    grid.clear();
    for (let k = 0; k < nPlots; k++) grid.insert(k, px[k]!, py[k]!, pz[k]!);
    nEdges = 0;
    for (let i = 0; i < nTracks; i++) {
      const n = grid.query(tx[i]!, ty[i]!, tz[i]!, gate, cand);
      for (let q = 0; q < n; q++) {
        const k = cand[q]!;
        const dx = px[k]! - tx[i]!;
        const dy = py[k]! - ty[i]!;
        const dz = pz[k]! - tz[i]!;
        er[nEdges] = i;
        ec[nEdges] = k;
        ew[nEdges] = (dx * dx + dy * dy + dz * dz) / sigma2;
        nEdges++;
      }
    }
  };
  gating();
  const out = new Int32Array(nTracks);
  asg.cluster(er, ec, ew, nEdges, nTracks, nPlots, miss, out);
  let assigned = 0;
  for (let i = 0; i < nTracks; i++) if (out[i]! >= 0) assigned++;
  const usCluster = timeIt(() => asg.cluster(er, ec, ew, nEdges, nTracks, nPlots, miss, out), 1000);
  const usGate = timeIt(gating, 1000);
  console.log(
    `scene: ${nTracks} tracks × ${nPlots} plots, ${nEdges} gated pairs (${(nEdges / nTracks).toFixed(2)} per track), ${assigned} tracks assigned`,
  );
  const st = asg.clusterStats;
  console.log(
    `components: ${st.components} (${st.denseSolves} dense sub-solves), largest ${st.largestRows} tracks × ${st.largestCols} plots`,
  );
  console.log(`clusterAssign: ${fmt(usCluster)} µs/call (${fmt((nPlots / usCluster) * 1e6 / 1e6)} M plots/s)`);
  console.log(
    `grid build + 1,000 gate queries + edge costs: ${fmt(usGate)} µs/scan; ` +
      `gate + assign ≈ ${fmt((nPlots / (usGate + usCluster)) * 1e6 / 1e6)} M plots/s`,
  );

  // Dense GNN over the same scene for comparison (what clustering saves).
  const dense = new Float64Array(nTracks * nPlots).fill(Infinity);
  for (let e = 0; e < nEdges; e++) dense[er[e]! * nPlots + ec[e]!] = ew[e]!;
  const usDense = timeIt(() => asg.gnn(dense, nTracks, nPlots, miss, out), 1000);
  console.log(`same scene as one dense ${nTracks}×${nPlots} gnn: ${fmt(usDense)} µs/call`);

  // Raw query rate.
  let qi = 0;
  let sink = 0;
  const nq = 100_000;
  const t0 = performance.now();
  for (let q = 0; q < nq; q++) {
    const i = qi++ % nTracks;
    sink += grid.query(tx[i]!, ty[i]!, tz[i]!, gate, cand);
  }
  const dt = performance.now() - t0;
  console.log(`grid queries (radius 250 m, cell 500 m, 1,300 points): ${fmt((nq / dt) * 1000 / 1e6)} M queries/s (${sink} hits)`);

  // ECEF-scale coordinates: same scene shifted to (6.37e6, 1e5, 3e5).
  const g2 = new SpatialGrid(500);
  for (let k = 0; k < nPlots; k++) g2.insert(k, px[k]! + 6.37e6, py[k]! + 1e5, pz[k]! + 3e5);
  const t1 = performance.now();
  for (let q = 0; q < nq; q++) {
    const i = q % nTracks;
    sink += g2.query(tx[i]! + 6.37e6, ty[i]! + 1e5, tz[i]! + 3e5, gate, cand);
  }
  const dt2 = performance.now() - t1;
  console.log(`grid queries at ECEF scale (cell 500 m): ${fmt((nq / dt2) * 1000 / 1e6)} M queries/s`);
}

function fmt(x: number): string {
  return x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2);
}
