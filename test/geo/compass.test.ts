/** Compass names and the "≈ 520 m WSW of the US Embassy" phrasing. */
import { describe, expect, it } from 'vitest';
import { compassPoint, describeFrom } from '../../src/geo/compass.js';
import { direct } from '../../src/geo/geodesic.js';
import { DEG, WGS84_A, WGS84_E2 } from '../../src/geo/wgs84.js';

describe('compassPoint', () => {
  it('cardinal and intercardinal centres', () => {
    const names = ['N', 'NNE', 'NE', 'ENE', 'E', 'ESE', 'SE', 'SSE', 'S', 'SSW', 'SW', 'WSW', 'W', 'WNW', 'NW', 'NNW'];
    names.forEach((name, i) => expect(compassPoint(i * 22.5)).toBe(name));
  });
  it('sector boundaries: [centre − 11.25°, centre + 11.25°)', () => {
    expect(compassPoint(11.25)).toBe('NNE');
    expect(compassPoint(11.2499)).toBe('N');
    expect(compassPoint(348.75)).toBe('N');
    expect(compassPoint(348.7499)).toBe('NNW');
    expect(compassPoint(33.75)).toBe('NE');
    expect(compassPoint(359.9999)).toBe('N');
  });
  it('any angle: negative, ≥ 360, non-finite', () => {
    expect(compassPoint(360)).toBe('N');
    expect(compassPoint(-90)).toBe('W');
    expect(compassPoint(-11.25)).toBe('N');
    expect(compassPoint(765)).toBe('NE');
    expect(compassPoint(NaN)).toBe('');
  });
});

describe('describeFrom', () => {
  const embassy = { name: 'the US Embassy', lat: 33.299, lon: 44.396 };

  it('≈ 520 m WSW of the US Embassy (bearing from the landmark to the point)', () => {
    const p = direct(embassy.lat, embassy.lon, 247.5, 523);
    const d = describeFrom(embassy, p.lat, p.lon);
    expect(d.text).toBe('≈ 520 m WSW of the US Embassy');
    expect(d.distance).toBeCloseTo(523, 6);
    expect(d.azimuthDeg).toBeCloseTo(247.5, 9);
  });

  it('rounding: 10 m below 1 km, 0.1 km above, decided on the rounded value', () => {
    const at = (az: number, m: number) => {
      const p = direct(embassy.lat, embassy.lon, az, m);
      return describeFrom(embassy, p.lat, p.lon).text;
    };
    expect(at(0, 994)).toBe('≈ 990 m N of the US Embassy');
    expect(at(0, 996)).toBe('≈ 1.0 km N of the US Embassy');
    expect(at(90, 1234)).toBe('≈ 1.2 km E of the US Embassy');
    expect(at(135, 17_260)).toBe('≈ 17.3 km SE of the US Embassy');
    expect(at(200, 14)).toBe('≈ 10 m SSW of the US Embassy');
    expect(at(10, 3)).toBe('at the US Embassy');
  });

  it('the Victory Arch seen from the US Embassy (hand computation on the local radii)', () => {
    // domain.md: embassy 33.2990 N 44.3960 E, Victory Arch 33.3053 N 44.3865 E. Local flat-earth: north =
    // Δφ·M, east = Δλ·N·cos φ with the WGS-84 radii at the mean latitude; good to ~1e-5 at 1 km.
    const phi = ((33.299 + 33.3053) / 2) * DEG;
    const s = Math.sin(phi);
    const w2 = 1 - WGS84_E2 * s * s;
    const north = (33.3053 - 33.299) * DEG * ((WGS84_A * (1 - WGS84_E2)) / Math.pow(w2, 1.5));
    const east = (44.3865 - 44.396) * DEG * (WGS84_A / Math.sqrt(w2)) * Math.cos(phi);
    const d = describeFrom(embassy, 33.3053, 44.3865);
    expect(Math.abs(d.distance / Math.hypot(east, north) - 1)).toBeLessThan(1e-4);
    const az = (Math.atan2(east, north) / DEG + 360) % 360;
    expect(Math.abs(d.azimuthDeg - az)).toBeLessThan(0.01);
    expect(d.text).toBe('≈ 1.1 km NW of the US Embassy');
  });
});
