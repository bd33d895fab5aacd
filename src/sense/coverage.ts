/**
 * The volume a radar can detect in: range limits, elevation mask, detection floor and azimuth sector.
 * Heights here are heights above the radar's local tangent plane (the ENU "up" of the radar frame), which is
 * what "metres above the radar horizon" means for a radar looking at targets a few kilometres away.
 */
import { wrapTwoPi } from './angles.js';
import type { RadarConfig } from './radar-config.js';

const DEG = Math.PI / 180;

export interface Coverage {
  /** m */
  minRange: number;
  maxRange: number;
  /** elevation mask, rad */
  minEl: number;
  /** detection floor above the radar's tangent plane, m */
  floor: number;
  /** sector start, rad clockwise from north, in [0, 2π) */
  sectorFrom: number;
  /** sector width, rad, in (0, 2π]; 2π is all round */
  sectorWidth: number;
}

/** Coverage of a configured radar (degrees converted here). */
export function coverageOf(cfg: RadarConfig): Coverage {
  let from = 0;
  let width = 2 * Math.PI;
  if (cfg.sector) {
    from = wrapTwoPi(cfg.sector.fromDeg * DEG);
    const w = wrapTwoPi((cfg.sector.toDeg - cfg.sector.fromDeg) * DEG);
    width = w === 0 ? 2 * Math.PI : w;
  }
  return {
    minRange: cfg.minRange,
    maxRange: cfg.maxRange,
    minEl: cfg.minElevationDeg * DEG,
    floor: cfg.minHeightAboveRadar,
    sectorFrom: from,
    sectorWidth: width,
  };
}

/** Whether azimuth az (rad) lies in the sector [from, from + width] taken clockwise. */
export function inSector(az: number, from: number, width: number): boolean {
  return width >= 2 * Math.PI || wrapTwoPi(az - from) <= width;
}

/** Whether a point at slant range r, azimuth az, elevation el and tangent-plane height up can be detected. */
export function inCoverage(cov: Coverage, r: number, az: number, el: number, up: number): boolean {
  return (
    r >= cov.minRange &&
    r <= cov.maxRange &&
    el >= cov.minEl &&
    up >= cov.floor &&
    inSector(az, cov.sectorFrom, cov.sectorWidth)
  );
}
