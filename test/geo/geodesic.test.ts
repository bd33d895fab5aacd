/**
 * Geodesic wrapper against published reference values.
 *
 * Sources:
 * - Karney, "Algorithms for geodesics", J. Geodesy 87:43–55 (2013), doi:10.1007/s00190-012-0578-z, worked
 *   examples (WGS-84): the direct problem (Table 2), the short inverse problem that defeats Vincenty
 *   (Table 3) and the nearly antipodal inverse problem (Table 5), with the digits printed there.
 * - Rows of Karney's GeodTest.dat (doi:10.5281/zenodo.32156): lat1 lon1 azi1 lat2 lon2 azi2 s12 …, as
 *   reproduced in geographiclib-js test/geodesictest.js.
 */
import { describe, expect, it } from 'vitest';
import { direct, inverse } from '../../src/geo/geodesic.js';

/** Difference of two angles in degrees, reduced to (−180, 180]. */
const dAng = (a: number, b: number) => (((a - b) % 360) + 540) % 360 - 180;

describe('Karney (2013) worked examples', () => {
  it('direct: φ1 = 40°, α1 = 30°, s12 = 10 000 km → φ2 = 41.79331020506°, λ12 = 137.84490004377°, α2 = 149.09016931807°', () => {
    const r = direct(40, 0, 30, 10_000_000);
    expect(Math.abs(r.lat - 41.79331020506)).toBeLessThan(1e-11);
    expect(Math.abs(dAng(r.lon, 137.84490004377))).toBeLessThan(1e-11);
    expect(Math.abs(dAng(r.azimuth2Deg, 149.09016931807))).toBeLessThan(1e-11);
  });

  it('short inverse: φ1 = −30.12345°, φ2 = −30.12344°, λ12 = 0.00005° → s12 = 4.944208 m, α1 = 77.043533°, α2 = 77.043508°', () => {
    // These digits are as quoted from the paper in secondary sources; they look truncated
    // rather than rounded (α1 comes out 77.0435335…), so the tolerance is one unit of the last quoted digit.
    const r = inverse(-30.12345, 0, -30.12344, 0.00005);
    expect(Math.abs(r.distance - 4.944208)).toBeLessThanOrEqual(1e-6);
    expect(Math.abs(r.azimuth1Deg - 77.043533)).toBeLessThanOrEqual(1e-6);
    expect(Math.abs(r.azimuth2Deg - 77.043508)).toBeLessThanOrEqual(1e-6);
  });

  it('antipodal inverse: φ1 = −30°, φ2 = 29.9°, λ12 = 179.8° → α1 = 161.89052473633°, α2 = 18.09073724574°, s12 = 19 989 832.827610 m', () => {
    const r = inverse(-30, 0, 29.9, 179.8);
    expect(Math.abs(r.distance - 19989832.82761)).toBeLessThanOrEqual(1e-6);
    expect(Math.abs(r.azimuth1Deg - 161.89052473633)).toBeLessThanOrEqual(1e-11);
    expect(Math.abs(r.azimuth2Deg - 18.09073724574)).toBeLessThanOrEqual(1e-11);
  });
});

describe("GeodTest.dat rows (Karney's test set)", () => {
  // lat1, lon1, azi1, lat2, lon2, azi2, s12 (m); literals with more than 17 significant digits in the data set are
  // written as the shortest decimal of the same double (eslint no-loss-of-precision)
  const rows: [number, number, number, number, number, number, number][] = [
    [35.60777, -139.44815, 111.09874842956033, -11.17491, -69.95921, 129.28927088970877, 8935244.56048183],
    [55.52454, 106.05087, 22.0200598809828, 77.03196, 197.18234, 109.11204111067151, 4105086.171392441],
    [-21.97856, 142.59065, -32.44456876433189, 41.84138, 98.56635, -41.84359951440466, 8394328.894657671],
    [-66.99028, 112.2363, 173.73491240878403, -12.70631, 285.90344, 2.512956620913668, 11150344.231208025],
    [-17.42761, 173.34268, -159.03355766119293, -15.84784, 5.93557, -20.78748465153699, 16076603.163118068],
    [-19.79938, -174.47484, 71.16727578017154, -11.99349, -154.35109, 65.58909977519923, 2319004.860116939],
  ];
  for (const [lat1, lon1, azi1, lat2, lon2, azi2, s12] of rows) {
    it(`inverse (${lat1}, ${lon1}) → (${lat2}, ${lon2}): s12 = ${s12} m`, () => {
      const r = inverse(lat1, lon1, lat2, lon2);
      expect(Math.abs(r.distance - s12)).toBeLessThanOrEqual(1e-3);
      expect(Math.abs(dAng(r.azimuth1Deg, azi1))).toBeLessThan(1e-9);
      expect(Math.abs(dAng(r.azimuth2Deg, azi2))).toBeLessThan(1e-9);
    });
    it(`direct from (${lat1}, ${lon1}) along ${azi1}° for ${s12} m`, () => {
      const r = direct(lat1, lon1, azi1, s12);
      expect(Math.abs(r.lat - lat2)).toBeLessThan(1e-9);
      expect(Math.abs(dAng(r.lon, lon2))).toBeLessThan(1e-9); // lon2 is unrolled in the data set
      expect(r.lon).toBeGreaterThanOrEqual(-180);
      expect(r.lon).toBeLessThanOrEqual(180);
      expect(Math.abs(dAng(r.azimuth2Deg, azi2))).toBeLessThan(1e-9);
    });
  }
});

describe('elementary cases', () => {
  it('one degree of longitude on the equator is a·π/180 = 111 319.490793 m, due east', () => {
    const r = inverse(0, 0, 0, 1);
    expect(Math.abs(r.distance - (6378137 * Math.PI) / 180)).toBeLessThan(1e-6);
    expect(r.azimuth1Deg).toBeCloseTo(90, 12);
    expect(r.azimuth2Deg).toBeCloseTo(90, 12);
  });
  it('equator to pole is the WGS-84 quarter meridian 10 001 965.729 m (NIMA TR8350.2 / Karney 2013)', () => {
    expect(Math.abs(inverse(0, 0, 90, 0).distance - 10001965.729)).toBeLessThan(1e-3);
  });
  it('direct then inverse returns the distance and azimuth (Green Zone scale)', () => {
    const p = direct(33.2990, 44.3960, 247.5, 520);
    const r = inverse(33.2990, 44.3960, p.lat, p.lon);
    expect(Math.abs(r.distance - 520)).toBeLessThan(1e-6);
    expect(Math.abs(r.azimuth1Deg - -112.5)).toBeLessThan(1e-9); // 247.5° reported in (−180°, 180°]
  });
});
