/**
 * Range as a function of elevation, and the maximum range over a launcher's elevation limits.
 * Range rises with elevation up to an optimum (near 45°, lower with drag, higher for boosted rockets whose
 * thin-air apogee pays) and falls after it: unimodal, so golden-section search finds the maximum.
 */
import { type ThreatSpec } from './catalogue.js';
import { fly, type FlyOptions, type LaunchPoint } from './trajectory.js';
import { goldenSectionMax } from '../core/golden.js';

/** Launch point used when none matters (range tables): the Green Zone origin. */
export const DEFAULT_LAUNCH: LaunchPoint = { lat: 33.3, lon: 44.395, alt: 34 };

/** Ground range (m) at one elevation and azimuth. */
export function rangeAt(spec: ThreatSpec, elevationDeg: number, opts: FlyOptions, launch: LaunchPoint = DEFAULT_LAUNCH, azimuthDeg = 0): number {
  return fly(spec, launch, azimuthDeg, elevationDeg, { sampleDt: 1, ...opts }).impact.rangeM;
}

export interface MaxRange {
  elevationDeg: number;
  rangeM: number;
}

/**
 * Maximum range (m) and the elevation that gives it, within [lo, hi] (default: the spec's elevation limits),
 * by golden-section search to `tolDeg`.
 */
export function maxRange(
  spec: ThreatSpec, opts: FlyOptions, launch: LaunchPoint = DEFAULT_LAUNCH, azimuthDeg = 0,
  lo = spec.elevationDeg.min, hi = spec.elevationDeg.max, tolDeg = 0.01,
): MaxRange {
  const R = (e: number): number => rangeAt(spec, e, opts, launch, azimuthDeg);
  const { c, fc: rc, d, fd: rd } = goldenSectionMax(R, lo, hi, (a, b) => b - a <= tolDeg);
  // The optimum may sit on a limit (mortars: below 45°): compare with the ends.
  let best: MaxRange = rc > rd ? { elevationDeg: c, rangeM: rc } : { elevationDeg: d, rangeM: rd };
  for (const e of [lo, hi]) {
    const re = R(e);
    if (re > best.rangeM) best = { elevationDeg: e, rangeM: re };
  }
  return best;
}
