import { describe, expect, it } from 'vitest';
import { isa, isaDensity, isaSpeedOfSound, geopotentialHeight } from '../../src/physics/atmosphere.js';

/**
 * Published values of the standard atmosphere by GEOMETRIC altitude (U.S. Standard Atmosphere 1976, which
 * is identical to the ICAO Standard Atmosphere, Doc 7488, up to 32 km): T (K), p (Pa), ρ (kg/m³), compared to
 * the table's digits.
 */
const TABLE = [
  { z: 0, T: 288.15, p: 101325, rho: 1.225 },
  { z: 1000, T: 281.651, p: 89876, rho: 1.1117 },
  { z: 5000, T: 255.676, p: 54048, rho: 0.73643 },
  { z: 11000, T: 216.774, p: 22700, rho: 0.3648 },
  { z: 20000, T: 216.65, p: 5529.3, rho: 0.08891 },
];

/** Number of decimals of a table figure as printed. */
const halfUlp = (v: number, sig: number): number => 0.5 * Math.pow(10, Math.floor(Math.log10(Math.abs(v))) - sig + 1);
const sigDigits = (v: number): number => v.toPrecision(12).replace(/\.?0+$/, '').replace('.', '').replace(/^0+/, '').length;

describe('ISA', () => {
  for (const row of TABLE) {
    it(`matches the standard table at ${row.z} m`, () => {
      const a = isa(row.z);
      expect(Math.abs(a.temperature - row.T)).toBeLessThanOrEqual(halfUlp(row.T, sigDigits(row.T)) + 1e-9);
      expect(Math.abs(a.pressure - row.p)).toBeLessThanOrEqual(Math.max(halfUlp(row.p, 5), 0.5));
      expect(Math.abs(a.density - row.rho)).toBeLessThanOrEqual(halfUlp(row.rho, 5));
    });
  }

  it('speed of sound is 340.294 m/s at sea level and 295.07 m/s in the stratosphere (ICAO)', () => {
    expect(isa(0).speedOfSound).toBeCloseTo(340.294, 3);
    expect(isa(15000).speedOfSound).toBeCloseTo(295.07, 2);
  });

  it('geopotential height of 11 019 m geometric (USSA-1976) is the 11 000 m tropopause', () => {
    expect(geopotentialHeight(11019)).toBeCloseTo(11000, 0);
  });

  it('is continuous across the tropopause', () => {
    const z = (6356766 * 11000) / (6356766 - 11000); // geometric height of the 11 km geopotential tropopause
    const below = isa(z - 1e-3);
    const above = isa(z + 1e-3);
    expect(Math.abs(below.pressure - above.pressure)).toBeLessThan(1e-2);
    expect(Math.abs(below.temperature - above.temperature)).toBeLessThan(1e-4);
  });

  it('a temperature offset keeps pressure and thins the air by T/(T+ΔT)', () => {
    const std = isa(2000);
    const hot = isa(2000, 15);
    expect(hot.pressure).toBe(std.pressure);
    expect(hot.temperature).toBeCloseTo(std.temperature + 15, 12);
    expect(hot.density / std.density).toBeCloseTo(std.temperature / (std.temperature + 15), 12);
    expect(hot.speedOfSound / std.speedOfSound).toBeCloseTo(Math.sqrt((std.temperature + 15) / std.temperature), 12);
  });

  it('allocation-free versions agree with isa()', () => {
    for (const h of [0, 777, 9000, 14000, 30000]) {
      expect(isaDensity(h, -7)).toBeCloseTo(isa(h, -7).density, 14);
      expect(isaSpeedOfSound(h, -7)).toBeCloseTo(isa(h, -7).speedOfSound, 12);
    }
  });
});
