/** Config schema, CAT048 quantisers and angle wrapping, against hand-computed values. */
import { describe, expect, it } from 'vitest';
import { wrapPi, wrapTwoPi } from '../../src/sense/angles.js';
import {
  AZ_LSB,
  HEIGHT_LSB,
  RANGE_LSB,
  quantiseAz,
  quantiseHeight,
  quantiseRange,
  quantiseRangeRate,
} from '../../src/sense/quantise.js';
import { radarConfigSchema } from '../../src/sense/radar-config.js';
import { coverageOf, inSector } from '../../src/sense/coverage.js';
import { radarCfg } from './helpers.js';

describe('radarConfigSchema', () => {
  const base = { id: 'lcmr-1', sac: 25, sic: 1, lat: 33.3, lon: 44.39, alt: 34, rangeSigma: 10, azSigmaMrad: 3, elSigmaMrad: 3, period: 1, maxRange: 10000 };

  it('fills the documented defaults', () => {
    const c = radarConfigSchema.parse(base);
    expect(c).toMatchObject({
      rangeRateSigma: 1,
      minRange: 100,
      pd: 0.95,
      minElevationDeg: 0.5,
      minHeightAboveRadar: 50,
      clutterPerScan: 0,
      clutterMaxAlt: 3000,
      startPhaseDeg: 0,
    });
    expect(c.sector).toBeUndefined();
  });

  it('rejects typos, bad values and an empty range interval', () => {
    expect(radarConfigSchema.safeParse({ ...base, perod: 1 }).success).toBe(false);
    expect(radarConfigSchema.safeParse({ ...base, pd: 1.2 }).success).toBe(false);
    expect(radarConfigSchema.safeParse({ ...base, sac: 256 }).success).toBe(false);
    expect(radarConfigSchema.safeParse({ ...base, period: 0 }).success).toBe(false);
    expect(radarConfigSchema.safeParse({ ...base, maxRange: 100 }).success).toBe(false);
    expect(radarConfigSchema.safeParse({ ...base, sector: { fromDeg: 0, toDeg: 90, width: 3 } }).success).toBe(false);
    const { maxRange: _omit, ...noMax } = base;
    expect(radarConfigSchema.safeParse(noMax).success).toBe(false);
  });

  it('reads sectors clockwise, through north as well', () => {
    const c = coverageOf(radarCfg({ sector: { fromDeg: 315, toDeg: 45 } }));
    expect(c.sectorFrom).toBeCloseTo((315 * Math.PI) / 180, 12);
    expect(c.sectorWidth).toBeCloseTo(Math.PI / 2, 12);
    expect(inSector(0, c.sectorFrom, c.sectorWidth)).toBe(true);
    expect(inSector((30 * Math.PI) / 180, c.sectorFrom, c.sectorWidth)).toBe(true);
    expect(inSector(Math.PI, c.sectorFrom, c.sectorWidth)).toBe(false);
    expect(inSector((50 * Math.PI) / 180, c.sectorFrom, c.sectorWidth)).toBe(false);
    expect(coverageOf(radarCfg()).sectorWidth).toBe(2 * Math.PI);
  });
});

describe('CAT048 quantisation', () => {
  it('has the CAT048 resolutions', () => {
    expect(RANGE_LSB).toBeCloseTo(7.234375, 12); // 1852 / 256
    expect(AZ_LSB * 65536).toBeCloseTo(2 * Math.PI, 12);
    expect(HEIGHT_LSB).toBeCloseTo(7.62, 12); // 25 ft
  });

  it('rounds range to 1/256 NM', () => {
    expect(quantiseRange(1852)).toBeCloseTo(1852, 9);
    expect(quantiseRange(10.4 * 7.234375)).toBeCloseTo(10 * 7.234375, 9);
    expect(quantiseRange(10.6 * 7.234375)).toBeCloseTo(11 * 7.234375, 9);
    expect(quantiseRange(-3)).toBe(0);
  });

  it('rounds azimuth to 360°/2^16 and wraps 2^16 to 0', () => {
    expect(quantiseAz(Math.PI / 2)).toBeCloseTo(Math.PI / 2, 14);
    expect(quantiseAz(2 * Math.PI - AZ_LSB / 4)).toBe(0);
    expect(quantiseAz(-1e-9)).toBe(0);
    expect(quantiseAz(-Math.PI / 2)).toBeCloseTo((3 * Math.PI) / 2, 12);
    expect(quantiseAz(1000.4 * AZ_LSB) / AZ_LSB).toBeCloseTo(1000, 9);
  });

  it('rounds height to 25 ft', () => {
    expect(quantiseHeight(100)).toBeCloseTo(13 * 7.62, 9); // 100 / 7.62 = 13.12
    expect(quantiseHeight(-4)).toBeCloseTo(-7.62, 9); // −0.52 LSB rounds to −1
  });

  it('rounds range rate to 1 m/s and omits it beyond ±511 m/s', () => {
    expect(quantiseRangeRate(12.49)).toBe(12);
    expect(quantiseRangeRate(511.4)).toBe(511);
    expect(quantiseRangeRate(511.6)).toBeNaN();
    expect(quantiseRangeRate(-511.4)).toBe(-511);
    expect(quantiseRangeRate(-600)).toBeNaN();
    expect(Object.is(quantiseRangeRate(-0.2), 0)).toBe(true);
  });
});

describe('angle wrapping', () => {
  it('wraps into the half-open ranges', () => {
    expect(wrapTwoPi(-Math.PI / 2)).toBeCloseTo((3 * Math.PI) / 2, 14);
    expect(wrapTwoPi(5 * Math.PI)).toBeCloseTo(Math.PI, 12);
    expect(wrapTwoPi(-1e-300)).toBe(0);
    expect(wrapPi((3 * Math.PI) / 2)).toBeCloseTo(-Math.PI / 2, 14);
    expect(wrapPi(Math.PI)).toBeCloseTo(-Math.PI, 14);
  });
});
