/**
 * Threat evaluation: the probability that a predicted impact falls inside each defended asset.
 *
 * The impact is Gaussian, N(m, C) on the ground (prediction.md: the linearised impact covariance covEN in the
 * local east/north at the impact point). The probability of an asset is that Gaussian's integral over the
 * asset polygon, by the one implementation tocsin has of it, shared with the warning zones
 * (src/warn/zone-probability.ts): rings projected once into the site ENU (`projectZones`), then per
 * prediction whitening by the Cholesky factor of C, a signed triangle fan from the mean (exact for concave
 * polygons) and each triangle's two right triangles by 12-point Gauss–Legendre on a 1-D integral of φ·Φ —
 * exact up to the quadrature (≤ 5e-7 per right triangle). An asset whose bounding box or boundary is more
 * than `SKIP_SIGMAS` (5) σ of the major axis from the mean is not integrated: 0 outside, 1 inside (error
 * < 4e-6). A degenerate covariance is floored at (1 cm)², so a zero covariance gives the point-in-polygon
 * answer. Accuracy against closed forms and Monte Carlos: test/engage/threat.test.ts, docs/engagement.md §2.
 *
 * Frames: `evaluateImpact` takes the prediction as it comes (impact lat/lon, covEN at the impact) and turns
 * the covariance into the site's east/north exactly as the zones do; `evaluate` takes the mean in site ENU and
 * the covariance already in the site's east/north.
 *
 * Assets are taken as disjoint: the probability of hitting any asset is the sum (capped at 1).
 */
import type { EnuFrame } from '../geo/wgs84.js';
import type { Asset } from '../scenario/types.js';
import { impactToSite, polygonProbabilitiesEnu, projectZones, type ProjectedZones } from '../warn/zone-probability.js';

export interface AssetThreatResult {
  /** probability that the impact falls in any asset (assets are taken as disjoint) */
  p: number;
  /** per asset, in the order of the site's assets */
  perAsset: Float64Array;
  /** the asset with the highest probability (undefined when every probability is 0) */
  asset: Asset | undefined;
}

export class AssetThreat {
  readonly assets: readonly Asset[];
  private readonly projected: ProjectedZones<Asset>;
  /** scratch: the impact in the site frame, [e, n, cEE, cEN, cNN] */
  private readonly site = new Float64Array(5);

  constructor(frame: EnuFrame, assets: readonly Asset[]) {
    this.assets = assets;
    this.projected = projectZones(frame, assets);
  }

  /**
   * Probabilities for an impact at site-ENU (e, n) with covariance covEN (m², [[ee, en], [ne, nn]]) in the
   * site's east/north. A covariance that is not positive definite is floored (variances at (1 cm)²,
   * correlation clipped). Throws RangeError for a non-finite mean or covariance.
   */
  evaluate(e: number, n: number, covEN: readonly (readonly number[])[]): AssetThreatResult {
    const row0 = covEN[0]!;
    const row1 = covEN[1]!;
    return this.integrate(e, n, row0[0]!, 0.5 * (row0[1]! + row1[0]!), row1[1]!);
  }

  /**
   * Probabilities for a prediction as it comes: the impact's lat/lon and covEN (m²) in the local east/north
   * at the impact point (turned into the site's, as for the warning zones).
   */
  evaluateImpact(impact: { lat: number; lon: number }, covEN: readonly (readonly number[])[]): AssetThreatResult {
    const s = impactToSite(this.projected.frame, impact, covEN, this.site);
    return this.integrate(s[0]!, s[1]!, s[2]!, s[3]!, s[4]!);
  }

  private integrate(e: number, n: number, cEE: number, cEN: number, cNN: number): AssetThreatResult {
    const perAsset = new Float64Array(this.assets.length);
    polygonProbabilitiesEnu(e, n, cEE, cEN, cNN, this.projected, perAsset);
    let p = 0;
    let best = -1;
    let bestP = 0;
    for (let a = 0; a < perAsset.length; a++) {
      const pa = perAsset[a]!;
      p += pa;
      if (pa > bestP) {
        bestP = pa;
        best = a;
      }
    }
    return { p: Math.min(1, p), perAsset, asset: best >= 0 ? this.assets[best] : undefined };
  }
}
