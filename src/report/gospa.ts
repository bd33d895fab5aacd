/**
 * GOSPA — generalized optimal sub-pattern assignment metric (Rahmathullah, García-Fernández, Svensson,
 * "Generalized optimal sub-pattern assignment metric", FUSION 2017) with α = 2, the choice under which it
 * splits into localisation error, missed targets and false targets:
 *
 *   d_p^(c,2)(X, Y) = ( min_γ Σ_{(i,j)∈γ} d(xᵢ, yⱼ)^p + c^p/2 · (|X| − |γ|) + c^p/2 · (|Y| − |γ|) )^{1/p}
 *
 * over partial assignments γ whose pairs are closer than c. Equivalently (what we solve) the optimal full
 * assignment of min(|X|, |Y|) pairs under cost min(d, c)^p, counting each pair at distance ≥ c as one missed
 * and one false target. d is the Euclidean distance in the d-dimensional state given.
 *
 * The components are reported in p-th-power units, so total = (localisation + missed + false)^{1/p}.
 */
import { Assigner } from '../track/assign.js';

export interface GospaResult {
  /** The GOSPA distance. */
  total: number;
  /** Σ d^p over assigned pairs closer than c. */
  localisation: number;
  /** c^p/2 per missed truth. */
  missed: number;
  /** c^p/2 per false estimate. */
  false: number;
  /** Number of missed truths. */
  nMissed: number;
  /** Number of false estimates. */
  nFalse: number;
}

let work = new Float64Array(64);
let assignOut = new Int32Array(16);
const sharedAssigner = new Assigner();

/**
 * GOSPA between truth (k points of dimension d, row-major) and estimates (m points), cut-off c > 0,
 * order p ≥ 1, α = 2.
 */
export function gospa(
  truth: Float64Array,
  k: number,
  est: Float64Array,
  m: number,
  d: number,
  c: number,
  p: number,
  assigner: Assigner = sharedAssigner,
): GospaResult {
  if (!(c > 0) || !Number.isFinite(c)) throw new RangeError(`GOSPA cut-off c must be > 0, got ${c}`);
  if (!(p >= 1) || !Number.isFinite(p)) throw new RangeError(`GOSPA order p must be ≥ 1, got ${p}`);
  if (truth.length < k * d || est.length < m * d) throw new RangeError('point arrays shorter than k·d or m·d');
  const cp = Math.pow(c, p);
  const half = cp / 2;
  if (work.length < k * m) work = new Float64Array(Math.max(k * m, 2 * work.length));
  if (assignOut.length < k) assignOut = new Int32Array(Math.max(k, 2 * assignOut.length));
  const cost = work;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let q = 0; q < d; q++) {
        const e = truth[i * d + q]! - est[j * d + q]!;
        s += e * e;
      }
      const dist = Math.sqrt(s);
      cost[i * m + j] = dist < c ? Math.pow(dist, p) : cp;
    }
  }
  assigner.solve(cost, k, m, assignOut);
  let localisation = 0;
  let paired = 0;
  for (let i = 0; i < k; i++) {
    const j = assignOut[i]!;
    if (j < 0) continue;
    const w = cost[i * m + j]!;
    if (w < cp) {
      localisation += w;
      paired++;
    }
  }
  const nMissed = k - paired;
  const nFalse = m - paired;
  const missed = half * nMissed;
  const fals = half * nFalse;
  return {
    total: Math.pow(localisation + missed + fals, 1 / p),
    localisation,
    missed,
    false: fals,
    nMissed,
    nFalse,
  };
}
