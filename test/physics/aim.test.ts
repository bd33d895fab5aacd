import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { inverse } from '../../src/geo/geodesic.js';
import { OutOfRangeError, solveAim } from '../../src/physics/aim.js';
import { threatSpec } from '../../src/physics/catalogue.js';

const EMBASSY = { lat: 33.299, lon: 44.396 };
const ZAFARANIYA = { lat: 33.24, lon: 44.5, alt: 34 };
const DORA = { lat: 33.2514, lon: 44.3919, alt: 34 };

const miss = (lat: number, lon: number): number => inverse(lat, lon, EMBASSY.lat, EMBASSY.lon).distance;

describe('solveAim', () => {
  it('a 122 mm rocket from Za\'faraniya hits the embassy within 1 m (low angle), in a cross wind', () => {
    const r = solveAim(threatSpec('rocket-122'), ZAFARANIYA, EMBASSY, { terrainAlt: 34, windEast: 6, windNorth: -3 });
    expect(r.low).toBeDefined();
    const im = r.low!.trajectory.impact;
    expect(miss(im.lat, im.lon)).toBeLessThan(1);
    expect(r.low!.elevationDeg).toBeGreaterThan(5);
    expect(r.high).toBeUndefined(); // 11.7 km is below the range reachable above the optimum (≤ 60°)
    // the wind made the solver turn away from the geodesic azimuth
    expect(Math.abs(r.low!.azimuthDeg - inverse(ZAFARANIYA.lat, ZAFARANIYA.lon, EMBASSY.lat, EMBASSY.lon).azimuth1Deg)).toBeGreaterThan(0.01);
  });

  it('an 82 mm mortar from Dora has only a high-angle solution, within 1 m', () => {
    const spec = threatSpec('mortar-82');
    const from = { lat: 33.2800, lon: 44.3950, alt: 34 };
    const r = solveAim(spec, from, EMBASSY, { terrainAlt: 34 });
    expect(r.low).toBeUndefined();
    expect(r.high!.elevationDeg).toBeGreaterThan(45);
    const im = r.high!.trajectory.impact;
    expect(miss(im.lat, im.lon)).toBeLessThan(1);
  });

  it('throws OutOfRangeError (an InputError) beyond maximum range', () => {
    const far = { lat: 33.07, lon: 44.395, alt: 34 }; // ≈25.5 km south
    let err: unknown;
    try {
      solveAim(threatSpec('rocket-122'), far, EMBASSY, { terrainAlt: 34 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(OutOfRangeError);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(/^target 25\.\d km away is beyond rocket-122 maximum range 20\.\d km$/);
    expect(() => solveAim(threatSpec('mortar-82'), DORA, EMBASSY, { terrainAlt: 34 })).toThrow(OutOfRangeError);
  });
});
