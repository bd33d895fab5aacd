import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { THREAT_CATALOGUE, threatSpec } from '../../src/physics/catalogue.js';
import { maxRange } from '../../src/physics/range.js';
import { THREAT_TYPES } from '../../src/physics/threat-types.js';
import { fly } from '../../src/physics/trajectory.js';

/** Published maximum ranges, domain.md §1 (m). */
const PUBLISHED: Record<string, number> = {
  'rocket-122': 20400, 'rocket-107': 8300, 'mortar-60': 3500, 'mortar-81': 5900, 'mortar-82': 3040, 'mortar-120': 7100,
};

describe('threat catalogue', () => {
  it('has an entry for every threat type', () => {
    for (const t of THREAT_TYPES) expect(THREAT_CATALOGUE[t].type).toBe(t);
  });

  for (const type of THREAT_TYPES) {
    it(`${type} reaches its published maximum range within 3 %`, () => {
      const spec = threatSpec(type);
      const m = maxRange(spec, { terrainAlt: 34 }, undefined, 0, undefined, undefined, 0.2);
      expect(Math.abs(m.rangeM / PUBLISHED[type]! - 1)).toBeLessThan(0.03);
      expect(m.elevationDeg).toBeGreaterThanOrEqual(spec.elevationDeg.min);
      expect(m.elevationDeg).toBeLessThanOrEqual(spec.elevationDeg.max);
    });
  }

  it('reproduces domain.md illustrative mortar trajectories (82 mm, 120 mm) within 2 %', () => {
    // [range m, apogee m, time of flight s] from domain.md's table (launch and impact at 35 m)
    const rows: Array<[string, number, number, number, number]> = [
      ['mortar-82', 45, 3030, 894, 27], ['mortar-82', 60, 2580, 1310, 32.6], ['mortar-82', 75, 1510, 1610, 36.3],
      ['mortar-120', 45, 7090, 2070, 41], ['mortar-120', 60, 6100, 3050, 49.8],
    ];
    for (const [type, el, range, apogee, tof] of rows) {
      const tr = flyAt(type, el);
      expect(Math.abs(tr.range / range - 1)).toBeLessThan(0.02);
      expect(Math.abs(tr.apogee / apogee - 1)).toBeLessThan(0.02);
      expect(Math.abs(tr.tof / tof - 1)).toBeLessThan(0.02);
    }
  });

  it('threatSpec applies overrides and rejects unknown types and bad values', () => {
    expect(threatSpec('mortar-82', { massKg: 4 }).massKg).toBe(4);
    expect(THREAT_CATALOGUE['mortar-82'].massKg).toBe(3.1);
    expect(() => threatSpec('rocket-240')).toThrow(InputError);
    expect(() => threatSpec('rocket-240')).toThrow(/valid: rocket-107, rocket-122/);
    expect(() => threatSpec('mortar-82', { massKg: -1 })).toThrow(/massKg/);
    expect(() => threatSpec('mortar-82', { dragTable: 'G1' })).toThrow(/unknown drag table/);
    expect(() => threatSpec('rocket-122', { burnoutMassKg: 70 })).toThrow(/burnoutMassKg/);
  });
});

/** Range (m), apogee (m) and time of flight (s) at one elevation, launch and impact at 35 m. */
function flyAt(type: string, el: number): { range: number; apogee: number; tof: number } {
  const tr = fly(threatSpec(type), { lat: 33.3, lon: 44.395, alt: 35 }, 0, el, { terrainAlt: 35 });
  return { range: tr.impact.rangeM, apogee: tr.apogeeAlt, tof: tr.impact.t };
}
