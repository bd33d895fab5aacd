/**
 * Clutter positions. "Uniform" here means uniform in volume (constant density per m³) over the clutter
 * region V of a radar:
 *   minRange ≤ r ≤ maxRange, azimuth in the sector, elevation ≥ the mask, and
 *   floor ≤ up ≤ clutterMaxAlt, where up = r·sin(el) is the height above the radar's tangent plane.
 * Sampling: a point uniform in the spherical shell-sector (r³ uniform in [minRange³, maxRange³], azimuth
 * uniform in the sector, sin(el) uniform in [sin(mask), 1] — Archimedes: equal heights of a sphere have equal
 * areas) is kept only if its height lies in [floor, clutterMaxAlt]. Rejection keeps the density uniform, so
 * r³ is uniform only when the height band does not cut the shell; with the band, the density of r is
 * ∝ r·(length of [r·sin(mask), r] ∩ [floor, top]) and that of up is ∝ the area of the slice at height up.
 */
import type { Rng } from '../core/rng.js';
import type { Coverage } from './coverage.js';

/** Attempts per point before giving up on an (almost) empty region. */
const MAX_TRIES = 10000;

/**
 * Draws one clutter position uniform in the region; writes r (m), az (rad, [0, 2π)), el (rad) into out[0..2].
 * Returns false when no point was found in MAX_TRIES draws (the region is empty or vanishingly thin).
 */
export function sampleClutterPoint(rng: Rng, cov: Coverage, top: number, out: Float64Array): boolean {
  const r0 = cov.minRange ** 3;
  const r1 = cov.maxRange ** 3;
  const s0 = Math.sin(cov.minEl);
  for (let i = 0; i < MAX_TRIES; i++) {
    const r = Math.cbrt(r0 + (r1 - r0) * rng.uniform());
    const sinEl = s0 + (1 - s0) * rng.uniform();
    const az = cov.sectorFrom + cov.sectorWidth * rng.uniform();
    const up = r * sinEl;
    if (up < cov.floor || up > top) continue;
    out[0] = r;
    out[1] = az >= 2 * Math.PI ? az - 2 * Math.PI : az;
    out[2] = Math.asin(sinEl);
    return true;
  }
  return false;
}
