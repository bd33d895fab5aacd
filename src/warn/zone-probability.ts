/**
 * Probability that a predicted impact falls inside each of a set of polygons: the warning zones here, and the
 * defended assets of the engagement stage (src/engage/threat.ts `AssetThreat` uses the same projection and
 * the same integral; nothing else in tocsin integrates a Gaussian over a polygon).
 *
 * The prediction gives the impact point and its covariance `covEN` (m², east/north at the impact point): a
 * bivariate normal on the ground. The probability of a zone is the integral of that normal over the zone's
 * polygon, computed exactly up to a 1-D quadrature:
 *
 * 1. Each ring (a zone's, an asset's: anything with an `id` and a `ring`) is projected once into the site's ENU
 *    frame (`projectZones`); per prediction the impact point goes into the same frame and the covariance is
 *    turned from the impact's east/north into the site's (`impactToSite`; the two frames differ by the
 *    meridian convergence, ≈0.06° at 10 km here — done anyway, it is cheap). Steps 2–4 are
 *    `polygonProbabilitiesEnu`, which takes the mean and covariance already in the site frame.
 * 2. Whitening: with C = L·Lᵀ (Cholesky), w = L⁻¹·(x − μ) maps the normal to the standard one and the polygon
 *    to another polygon (an affine map keeps edges straight).
 * 3. Signed triangle fan from the mean: for a closed polygon P, Pr(P) = Σᵢ sgn(wᵢ × wᵢ₊₁)·Pr(triangle 0, wᵢ,
 *    wᵢ₊₁), times the ring's orientation (+1 counter-clockwise). This holds for any simple polygon, concave or
 *    not, with the mean inside or outside.
 * 4. Each triangle (0, A, B) splits at the foot F of the perpendicular from 0 onto line AB into two right
 *    triangles with legs h = |F| and s = distance F→A (or F→B), added or subtracted by the side of F they lie
 *    on. A right triangle's probability (the standard normal is rotation invariant) is a 1-D integral of
 *    φ·Φ, taken along the longer leg so that the inner Φ has slope ≤ 1 (a smooth integrand):
 *      s ≥ h:  R = ∫₀^s φ(y)·[Φ(h) − Φ(y·h/s)] dy
 *      s < h:  R = ∫₀^h φ(x)·[Φ(x·s/h) − ½] dx
 *    The upper limit U is cut at 6 (the mass beyond is 1e-9) and the integral done by 2 × 6-point
 *    Gauss–Legendre on [0, U/2] and [U/2, U]; Φ from Abramowitz & Stegun 7.1.26 (|error| ≤ 1.5e-7). Error
 *    of one right triangle ≤ 5e-7 over h, s ∈ [0.01, 1000] against a 10⁵-step polar reference; of a zone,
 *    against brute-force Monte Carlo: test/warn/zone-probability.test.ts.
 *
 * Zones whose bounding box, or whose boundary, lies more than `SKIP_SIGMAS` standard deviations (of the
 * major axis) from the mean are not integrated: 0 when the mean is outside, 1 when it is inside (error below
 * exp(−5²/2) ≈ 4e-6). The fan's terms cancel to about 1e-6 when the ellipse is tiny next to the zone, which
 * this also avoids.
 *
 * Cost: about 2 × 12 × 2 exp evaluations per zone edge — ≈1–2 µs per zone for the Green Zone's 5–6-vertex
 * zones (figures in docs/warning.md). Nothing is allocated per zone.
 */
import { geodeticToEcef, DEG, type EnuFrame } from '../geo/wgs84.js';
import { pointInProjectedRing, projectRing, type Ring } from '../geo/polygon.js';
import type { Zone } from '../scenario/types.js';

/** What the integral runs over: anything with an id and a closed [lon, lat] ring (a warning zone, an asset). */
export interface PolygonItem {
  readonly id: string;
  readonly ring: Ring;
}

/** A polygon ready for the probability integral: its ring in the site's ENU frame and its bounding box. */
export interface ProjectedZone<T extends PolygonItem = Zone> {
  /** the zone, asset, … it was projected from */
  readonly item: T;
  readonly id: string;
  /** interleaved east, north (m) of the distinct vertices in the site frame (closing duplicate dropped) */
  readonly ring: Float64Array;
  /** +1 when the projected ring winds counter-clockwise, −1 clockwise */
  readonly orientation: number;
  readonly minE: number;
  readonly maxE: number;
  readonly minN: number;
  readonly maxN: number;
}

/** The zones (or assets) of a site projected into one ENU frame, with the scratch space the integral needs. */
export interface ProjectedZones<T extends PolygonItem = Zone> {
  readonly frame: EnuFrame;
  readonly zones: readonly ProjectedZone<T>[];
  /** scratch: whitened vertices (2 × the largest vertex count) */
  readonly scratch: Float64Array;
  /** scratch: the probabilities of the last `zoneProbabilitiesInto`, by index */
  readonly probs: Float64Array;
}

/**
 * A zone whose boundary is farther than this many σ (major axis) from the mean gets probability 0 (mean
 * outside) or 1 (mean inside) without integrating: the error is below exp(−5²/2) ≈ 4e-6.
 */
export const SKIP_SIGMAS = 5;

/** Smallest variance (m²) used on each axis: keeps the Cholesky factor finite for a degenerate covariance. */
const MIN_VARIANCE = 1e-4;
/** Integrals are cut at this many σ (the mass beyond, 1 − Φ(6) ≈ 1e-9, is dropped). */
const CUT = 6;

/**
 * Projects the zones — or any polygons with an id and a ring, such as the site's assets — into the frame once
 * (do it at start-up, not per prediction).
 */
export function projectZones<T extends PolygonItem>(frame: EnuFrame, zones: readonly T[]): ProjectedZones<T> {
  let maxVertices = 3;
  const out: ProjectedZone<T>[] = zones.map((item) => {
    const ring = projectRing(frame, item.ring);
    const m = ring.length >> 1;
    maxVertices = Math.max(maxVertices, m);
    let area2 = 0;
    let minE = Infinity, maxE = -Infinity, minN = Infinity, maxN = -Infinity;
    for (let i = 0, j = m - 1; i < m; j = i++) {
      const xi = ring[2 * i]!, yi = ring[2 * i + 1]!;
      area2 += ring[2 * j]! * yi - xi * ring[2 * j + 1]!;
      if (xi < minE) minE = xi;
      if (xi > maxE) maxE = xi;
      if (yi < minN) minN = yi;
      if (yi > maxN) maxN = yi;
    }
    return { item, id: item.id, ring, orientation: area2 >= 0 ? 1 : -1, minE, maxE, minN, maxN };
  });
  return { frame, zones: out, scratch: new Float64Array(2 * maxVertices), probs: new Float64Array(out.length) };
}

// ---- the standard normal -------------------------------------------------------------------------------

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
const INV_SQRT2 = Math.SQRT1_2;

/** Standard normal CDF for x ≥ 0 (Abramowitz & Stegun 7.1.26 on erf(x/√2); |error| ≤ 1.5e-7 / 2). */
function phiCdfPos(x: number): number {
  const z = x * INV_SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  return 1 - 0.5 * poly * Math.exp(-z * z);
}

// ---- Gauss–Legendre, 6 points on [-1, 1] ----------------------------------------------------------------

const GL_X = [0.2386191860831969, 0.6612093864662645, 0.9324695142031521];
const GL_W = [0.4679139345726910, 0.3607615730481386, 0.1713244923791704];
/** Nodes and weights mapped onto [0, 1] (12 nodes: 6 on [0, ½], 6 on [½, 1]); weights sum to 1. */
const NQ = 12;
const NODES = new Float64Array(NQ);
const WEIGHTS = new Float64Array(NQ);
(() => {
  let k = 0;
  for (const [lo, hi] of [
    [0, 0.5],
    [0.5, 1],
  ] as const) {
    const mid = (lo + hi) / 2;
    const half = (hi - lo) / 2;
    for (let i = 0; i < 3; i++) {
      for (const sgn of [-1, 1]) {
        NODES[k] = mid + sgn * half * GL_X[i]!;
        WEIGHTS[k] = half * GL_W[i]!;
        k++;
      }
    }
  }
})();

/**
 * Standard-normal probability of the right triangle with legs h (from the mean, perpendicular to the far side)
 * and s (along the far side), h, s ≥ 0.
 */
export function rightTriangleProbability(h: number, s: number): number {
  if (h <= 0 || s <= 0) return 0;
  let sum = 0;
  if (s >= h) {
    const u = s < CUT ? s : CUT;
    const b = h / s;
    const ph = phiCdfPos(h);
    for (let k = 0; k < NQ; k++) {
      const y = u * NODES[k]!;
      sum += WEIGHTS[k]! * Math.exp(-0.5 * y * y) * (ph - phiCdfPos(y * b));
    }
    return sum * u * INV_SQRT_2PI;
  }
  const u = h < CUT ? h : CUT;
  const a = s / h;
  for (let k = 0; k < NQ; k++) {
    const x = u * NODES[k]!;
    sum += WEIGHTS[k]! * Math.exp(-0.5 * x * x) * (phiCdfPos(x * a) - 0.5);
  }
  return sum * u * INV_SQRT_2PI;
}

/** signedTriangle's result (see there) */
const TRI = new Float64Array(1);

/**
 * Signed standard-normal probability of the triangle (0, A, B) into TRI[0]: positive when A → B turns
 * counter-clockwise. A and B are the points at w[2a], w[2a + 1] and w[2b], w[2b + 1]: V8 does not inline this
 * (its two inlined quadratures are too big), and doubles passed to or returned from such a call are boxed, a
 * heap number each, an edge of every zone of every prediction.
 */
function signedTriangle(w: Float64Array, ia: number, ib: number): void {
  const ax = w[2 * ia]!;
  const ay = w[2 * ia + 1]!;
  const bx = w[2 * ib]!;
  const by = w[2 * ib + 1]!;
  const cross = ax * by - ay * bx;
  if (cross === 0) {
    TRI[0] = 0;
    return;
  }
  const dx = bx - ax;
  const dy = by - ay;
  const len = Math.sqrt(dx * dx + dy * dy);
  const ux = dx / len;
  const uy = dy / len;
  // positions of A and B along the line, measured from the foot F of the perpendicular from the origin
  const ta = ax * ux + ay * uy;
  const tb = bx * ux + by * uy;
  const h = Math.abs(cross) / len;
  // two call sites, not four: V8 inlines only so many, and a call left out boxes its doubles
  const rb = rightTriangleProbability(h, Math.abs(tb));
  const ra = rightTriangleProbability(h, Math.abs(ta));
  const p = (tb >= 0 ? rb : -rb) - (ta >= 0 ? ra : -ra);
  TRI[0] = cross > 0 ? p : -p;
}

/** Squared distance from (x, y) to the nearest edge of the projected ring (inside or out). */
function boundaryDistance2(x: number, y: number, ring: Float64Array): number {
  const m = ring.length >> 1;
  let best = Infinity;
  let ax = ring[2 * m - 2]!;
  let ay = ring[2 * m - 1]!;
  for (let i = 0; i < m; i++) {
    const bx = ring[2 * i]!;
    const by = ring[2 * i + 1]!;
    const dx = bx - ax;
    const dy = by - ay;
    const len2 = dx * dx + dy * dy;
    let f = len2 > 0 ? ((x - ax) * dx + (y - ay) * dy) / len2 : 0;
    if (f < 0) f = 0;
    else if (f > 1) f = 1;
    const ex = ax + f * dx - x;
    const ey = ay + f * dy - y;
    const d2 = ex * ex + ey * ey;
    if (d2 < best) best = d2;
    ax = bx;
    ay = by;
  }
  return best;
}

/** Scratch for the impact point (module-level: nothing allocated per call). */
const ecef = new Float64Array(3);
const enu = new Float64Array(3);
/** Scratch: the impact in the site frame, [e, n, cEE, cEN, cNN]. */
const site5 = new Float64Array(5);

/**
 * An impact given as lat/lon with its covariance `covEN` (m², east/north at the impact, as a prediction gives
 * it) in the site frame: writes [e, n, cEE, cEN, cNN] to `out` — the mean in site ENU (at the frame origin's
 * height, like the projected rings) and the covariance turned into the site's east/north (symmetrised).
 */
export function impactToSite(
  frame: EnuFrame,
  impact: { lat: number; lon: number },
  covEN: readonly (readonly number[])[],
  out: Float64Array,
): Float64Array {
  geodeticToEcef(impact.lat, impact.lon, frame.origin.alt, ecef);
  frame.ecefToEnu(ecef[0]!, ecef[1]!, ecef[2]!, enu);

  // the impact's east and north unit vectors (ECEF), seen in the site frame's east/north: J = [[eE, nE], [eN, nN]]
  const phi = impact.lat * DEG;
  const lam = impact.lon * DEG;
  const sp = Math.sin(phi), cp = Math.cos(phi), sl = Math.sin(lam), cl = Math.cos(lam);
  const r = frame.r;
  const eE = r[0]! * -sl + r[1]! * cl;
  const eN = r[3]! * -sl + r[4]! * cl;
  const nE = r[0]! * -sp * cl + r[1]! * -sp * sl + r[2]! * cp;
  const nN = r[3]! * -sp * cl + r[4]! * -sp * sl + r[5]! * cp;
  const row0 = covEN[0]!;
  const row1 = covEN[1]!;
  const c00 = row0[0]!;
  const c01 = 0.5 * (row0[1]! + row1[0]!);
  const c11 = row1[1]!;
  // C' = J·C·Jᵀ
  out[0] = enu[0]!;
  out[1] = enu[1]!;
  out[2] = eE * (c00 * eE + c01 * nE) + nE * (c01 * eE + c11 * nE);
  out[3] = eE * (c00 * eN + c01 * nN) + nE * (c01 * eN + c11 * nN);
  out[4] = eN * (c00 * eN + c01 * nN) + nN * (c01 * eN + c11 * nN);
  return out;
}

/**
 * Probability that the impact (normal, mean `impact`, covariance `covEN` in m² east/north at the impact)
 * lands in each zone. Returns every zone's id; zones whose boundary is more than `SKIP_SIGMAS` σ away get
 * exactly 0 or 1.
 */
export function zoneProbabilities<T extends PolygonItem>(
  impact: { lat: number; lon: number },
  covEN: readonly (readonly number[])[],
  zones: ProjectedZones<T>,
): Map<string, number> {
  const out = new Map<string, number>();
  zoneProbabilitiesInto(impact, covEN, zones, (id, p) => out.set(id, p));
  return out;
}

/**
 * Like `zoneProbabilities`, but hands each (zone id, probability) to `sink` in the zones' order instead of
 * building a Map (for hot loops).
 */
export function zoneProbabilitiesInto<T extends PolygonItem>(
  impact: { lat: number; lon: number },
  covEN: readonly (readonly number[])[],
  zones: ProjectedZones<T>,
  sink: (id: string, p: number, zone: ProjectedZone<T>) => void,
): void {
  const s = impactToSite(zones.frame, impact, covEN, site5);
  const probs = zones.probs;
  polygonProbabilitiesEnu(s[0]!, s[1]!, s[2]!, s[3]!, s[4]!, zones, probs);
  const list = zones.zones;
  for (let i = 0; i < list.length; i++) {
    const z = list[i]!;
    sink(z.id, probs[i]!, z);
  }
}

/**
 * The integral itself: probability of each projected polygon for an impact N(m, C) with the mean m = (me, mn)
 * in site ENU (m) and C = [[cEE, cEN], [cEN, cNN]] (m²) in the site's east/north. Writes polygon i's
 * probability to out[i] (out.length ≥ the polygon count). Polygons whose boundary is more than `SKIP_SIGMAS`
 * σ away get exactly 0 or 1. A degenerate covariance is floored (variances at (1 cm)², correlation kept inside
 * (−1, 1)): a point-like impact gives the point-in-polygon answer. Throws RangeError for a non-finite input.
 */
export function polygonProbabilitiesEnu<T extends PolygonItem>(
  me: number,
  mn: number,
  cEE: number,
  cEN: number,
  cNN: number,
  zones: ProjectedZones<T>,
  out: Float64Array,
): void {
  // Cholesky, with a variance floor and the correlation kept strictly inside (−1, 1)
  const vE = cEE > MIN_VARIANCE ? cEE : MIN_VARIANCE;
  const vN = cNN > MIN_VARIANCE ? cNN : MIN_VARIANCE;
  const lim = 0.999999 * Math.sqrt(vE * vN);
  const c = cEN > lim ? lim : cEN < -lim ? -lim : cEN;
  if (!(Number.isFinite(me) && Number.isFinite(mn) && Number.isFinite(vE) && Number.isFinite(vN) && Number.isFinite(c))) {
    throw new RangeError('zoneProbabilities: impact or covariance is not finite');
  }
  const l11 = Math.sqrt(vE);
  const l21 = c / l11;
  const l22 = Math.sqrt(vN - l21 * l21);
  const inv11 = 1 / l11;
  const inv22 = 1 / l22;

  // σ of the major axis, for the skip test
  const tr = 0.5 * (vE + vN);
  const dd = Math.sqrt(0.25 * (vE - vN) * (vE - vN) + c * c);
  const reach = SKIP_SIGMAS * Math.sqrt(tr + dd);

  const w = zones.scratch;
  const list = zones.zones;
  for (let k = 0; k < list.length; k++) {
    const z = list[k]!;
    const dE = me < z.minE ? z.minE - me : me > z.maxE ? me - z.maxE : 0;
    const dN = mn < z.minN ? z.minN - mn : mn > z.maxN ? mn - z.maxN : 0;
    if (dE * dE + dN * dN > reach * reach) {
      out[k] = 0;
      continue;
    }
    const ring = z.ring;
    const m = ring.length >> 1;
    // the mean deeper inside, or farther outside, than the reach: 1 or 0 without integrating
    const edge = boundaryDistance2(me, mn, ring);
    if (edge > reach * reach) {
      out[k] = pointInProjectedRing(me, mn, ring) ? 1 : 0;
      continue;
    }
    for (let i = 0; i < m; i++) {
      const x = (ring[2 * i]! - me) * inv11;
      w[2 * i] = x;
      w[2 * i + 1] = (ring[2 * i + 1]! - mn - l21 * x) * inv22;
    }
    let sum = 0;
    for (let i = 0, prev = m - 1; i < m; prev = i++) {
      signedTriangle(w, prev, i);
      sum += TRI[0]!;
    }
    let p = sum * z.orientation;
    if (p < 0) p = 0;
    else if (p > 1) p = 1;
    out[k] = p;
  }
}
