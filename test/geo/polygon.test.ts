/**
 * Polygons: point in ring (geodetic and ENU-projected), boundary rules, geodesic area against closed forms and
 * GeographicLib's published Antarctica example, self-intersection and centroid.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  distanceToProjectedRing,
  pointInProjectedRing,
  pointInRing,
  projectRing,
  ringAreaM2,
  ringCentroid,
  ringIsClosed,
  ringSelfIntersects,
  type Ring,
} from '../../src/geo/polygon.js';
import { EnuFrame, WGS84_A, WGS84_E2 } from '../../src/geo/wgs84.js';

const LAT0 = 33.3;
const LON0 = 44.395;
/** Metres per degree of latitude near 33.3° N (closed form M·π/180), to place test points by metres. */
const M_LAT = (() => {
  const s = Math.sin((LAT0 * Math.PI) / 180);
  return ((WGS84_A * (1 - WGS84_E2)) / Math.pow(1 - WGS84_E2 * s * s, 1.5)) * (Math.PI / 180);
})();

/** Axis-aligned lon/lat box as a closed counter-clockwise ring. */
const box = (lon1: number, lat1: number, lon2: number, lat2: number): Ring => [
  [lon1, lat1],
  [lon2, lat1],
  [lon2, lat2],
  [lon1, lat2],
  [lon1, lat1],
];

/** The approximate Green Zone outline of domain.md §3 (lat/lon there), as a closed [lon, lat] ring. */
const GREEN_ZONE: Ring = [
  [44.406, 33.3225],
  [44.4125, 33.312],
  [44.414, 33.303],
  [44.404, 33.2955],
  [44.392, 33.292],
  [44.377, 33.2965],
  [44.373, 33.3085],
  [44.381, 33.3205],
  [44.406, 33.3225],
];

describe('ringIsClosed', () => {
  it('needs ≥ 4 positions with last = first', () => {
    expect(ringIsClosed(box(0, 0, 1, 1))).toBe(true);
    expect(ringIsClosed(box(0, 0, 1, 1).slice(0, 4))).toBe(false);
    expect(ringIsClosed([[0, 0], [1, 0], [0, 0]])).toBe(false);
  });
});

describe('pointInRing', () => {
  const sq = box(44.39, 33.29, 44.40, 33.30);
  it('square: inside, outside on every side, and an unclosed copy gives the same answers', () => {
    expect(pointInRing(33.295, 44.395, sq)).toBe(true);
    for (const [lat, lon] of [[33.285, 44.395], [33.305, 44.395], [33.295, 44.385], [33.295, 44.405], [33.31, 44.41]]) {
      expect(pointInRing(lat!, lon!, sq)).toBe(false);
    }
    expect(pointInRing(33.295, 44.395, sq.slice(0, 4))).toBe(true);
    expect(pointInRing(33.295, 44.395, box(44.39, 33.29, 44.40, 33.30).slice().reverse())).toBe(true); // clockwise
  });

  it('concave U shape: the notch is outside, the arms inside', () => {
    // U open to the north: outer 0..3 × 0..3 (units of 0.001°), notch 1..2 × 1..3
    const u = (x: number, y: number) => [44.39 + x * 0.001, 33.29 + y * 0.001];
    const ring: Ring = [u(0, 0), u(3, 0), u(3, 3), u(2, 3), u(2, 1), u(1, 1), u(1, 3), u(0, 3), u(0, 0)];
    const at = (x: number, y: number) => pointInRing(33.29 + y * 0.001, 44.39 + x * 0.001, ring);
    expect(at(0.5, 2.5)).toBe(true);
    expect(at(2.5, 2.5)).toBe(true);
    expect(at(1.5, 0.5)).toBe(true);
    expect(at(1.5, 2)).toBe(false); // in the notch
    expect(at(1.5, 1.0001)).toBe(false);
    expect(at(1.5, 0.9999)).toBe(true);
  });

  it('near edges: 1 cm inside is in, 1 cm outside is out; on the edge or a vertex counts as inside', () => {
    const cm = 0.01 / M_LAT; // 1 cm of latitude in degrees
    expect(pointInRing(33.29 + cm, 44.395, sq)).toBe(true);
    expect(pointInRing(33.29 - cm, 44.395, sq)).toBe(false);
    expect(pointInRing(33.30 - cm, 44.395, sq)).toBe(true);
    expect(pointInRing(33.30 + cm, 44.395, sq)).toBe(false);
    // boundary: every edge, whichever side the interior is on, and the vertices
    expect(pointInRing(33.29, 44.395, sq)).toBe(true);
    expect(pointInRing(33.30, 44.395, sq)).toBe(true);
    expect(pointInRing(33.295, 44.39, sq)).toBe(true);
    expect(pointInRing(33.295, 44.40, sq)).toBe(true);
    expect(pointInRing(33.30, 44.40, sq)).toBe(true);
    expect(pointInRing(33.29, 44.39, sq)).toBe(true);
    // a diagonal edge: its midpoint (not exactly representable) is still on the boundary
    const tri: Ring = [[44.39, 33.29], [44.40, 33.29], [44.39, 33.30], [44.39, 33.29]];
    expect(pointInRing(33.295, 44.395, tri)).toBe(true);
    expect(pointInRing(33.295 + 10 * cm, 44.395, tri)).toBe(false);
  });

  it('a ring across the antimeridian', () => {
    const ring: Ring = [[179.99, -0.01], [-179.99, -0.01], [-179.99, 0.01], [179.99, 0.01], [179.99, -0.01]];
    expect(pointInRing(0, 180, ring)).toBe(true);
    expect(pointInRing(0, -179.995, ring)).toBe(true);
    expect(pointInRing(0, 179.98, ring)).toBe(false);
    expect(pointInRing(0, 0, ring)).toBe(false);
  });
});

describe('projected rings (ENU fast path)', () => {
  const sq = Float64Array.of(0, 0, 10, 0, 10, 10, 0, 10);

  it('half-open rule on a square: west and south edges in, east and north edges out', () => {
    expect(pointInProjectedRing(5, 5, sq)).toBe(true);
    expect(pointInProjectedRing(0, 5, sq)).toBe(true);
    expect(pointInProjectedRing(5, 0, sq)).toBe(true);
    expect(pointInProjectedRing(10, 5, sq)).toBe(false);
    expect(pointInProjectedRing(5, 10, sq)).toBe(false);
    expect(pointInProjectedRing(0, 0, sq)).toBe(true);
    expect(pointInProjectedRing(10, 10, sq)).toBe(false);
    expect(pointInProjectedRing(-1e-9, 5, sq)).toBe(false);
    expect(pointInProjectedRing(5, 10 - 1e-9, sq)).toBe(true);
  });

  it('squares tiling the plane claim every point exactly once, boundaries included', () => {
    const tiles: Float64Array[] = [];
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++) {
        const x = 10 * i, y = 10 * j;
        // alternate the winding to show the rule does not depend on it
        tiles.push((i + j) % 2 ? Float64Array.of(x, y, x + 10, y, x + 10, y + 10, x, y + 10) : Float64Array.of(x, y, x, y + 10, x + 10, y + 10, x + 10, y));
      }
    const onGrid = fc.integer({ min: 1, max: 29 }).map((k) => k); // integers hit edges and corners
    const anywhere = fc.double({ min: 0.0001, max: 29.9999, noNaN: true });
    fc.assert(
      fc.property(fc.oneof(onGrid, anywhere), fc.oneof(onGrid, anywhere), (e, n) => {
        expect(tiles.filter((t) => pointInProjectedRing(e, n, t)).length).toBe(1);
      }),
      { numRuns: 3000 },
    );
  });

  it('distanceToProjectedRing: 0 inside, distance to the nearest edge or corner outside', () => {
    expect(distanceToProjectedRing(5, 5, sq)).toBe(0);
    expect(distanceToProjectedRing(15, 5, sq)).toBeCloseTo(5, 12);
    expect(distanceToProjectedRing(-3, 5, sq)).toBeCloseTo(3, 12);
    expect(distanceToProjectedRing(13, 14, sq)).toBeCloseTo(5, 12); // 3-4-5 from the corner (10, 10)
    expect(distanceToProjectedRing(5, 10, sq)).toBe(0); // on the (excluded) north edge: distance 0
  });

  it('projectRing puts a ring into the site frame: a 1 km ENU square comes back as itself', () => {
    const frame = new EnuFrame({ lat: LAT0, lon: LON0, alt: 34 });
    const corners = [[-500, -500], [500, -500], [500, 500], [-500, 500], [-500, -500]];
    const ring: Ring = corners.map(([e, n]) => {
      const g = frame.enuToGeodetic(e!, n!, 0);
      return [g.lon, g.lat];
    });
    const p = projectRing(frame, ring);
    expect(p.length).toBe(8); // closing duplicate dropped
    for (let i = 0; i < 4; i++) {
      // ground points at the origin's height: the horizontal position is unchanged to the curvature term
      expect(Math.abs(p[2 * i]! - corners[i]![0]!)).toBeLessThan(1e-3);
      expect(Math.abs(p[2 * i + 1]! - corners[i]![1]!)).toBeLessThan(1e-3);
    }
  });

  it('agrees with pointInRing on the Green Zone outline away from the boundary', () => {
    const frame = new EnuFrame({ lat: LAT0, lon: LON0, alt: 34 });
    const p = projectRing(frame, GREEN_ZONE);
    fc.assert(
      fc.property(fc.double({ min: -4000, max: 4000, noNaN: true }), fc.double({ min: -4000, max: 4000, noNaN: true }), (e, n) => {
        const g = frame.enuToGeodetic(e, n, 0);
        const d = distanceToProjectedRing(e, n, p);
        if (d > 0 && d < 0.1) return; // within 10 cm of a wall the two projections may differ
        expect(pointInRing(g.lat, g.lon, GREEN_ZONE)).toBe(pointInProjectedRing(e, n, p));
      }),
      { numRuns: 3000 },
    );
    // the zone's reference point (domain.md) is inside; Dora, 5 km south, is not
    expect(pointInRing(33.3076, 44.3903, GREEN_ZONE)).toBe(true);
    expect(pointInRing(33.2514, 44.3919, GREEN_ZONE)).toBe(false);
  });
});

describe('ringAreaM2', () => {
  it('a 1 km × 1 km square laid out in the tangent plane is 1 km² within 0.1 %', () => {
    const frame = new EnuFrame({ lat: LAT0, lon: LON0, alt: 0 });
    const ring: Ring = [[0, 0], [1000, 0], [1000, 1000], [0, 1000], [0, 0]].map(([e, n]) => {
      const g = frame.enuToGeodetic(e!, n!, 0);
      return [g.lon, g.lat];
    });
    expect(Math.abs(ringAreaM2(ring) / 1e6 - 1)).toBeLessThan(1e-3);
    expect(ringAreaM2(ring.slice().reverse())).toBeCloseTo(ringAreaM2(ring), 3); // winding does not matter
  });

  it('the octant (0°,0°)–(0°,90°E)–(90°N) is 1/8 of the ellipsoid: 2πa²(1 + (1−e²)/e·atanh e)/8', () => {
    const e = Math.sqrt(WGS84_E2);
    const total = 2 * Math.PI * WGS84_A * WGS84_A * (1 + ((1 - WGS84_E2) / e) * Math.atanh(e));
    expect(total / 1e6).toBeCloseTo(510065621.72, 1); // WGS-84 surface area, km²
    const octant: Ring = [[0, 0], [90, 0], [0, 90], [0, 0]];
    expect(Math.abs(ringAreaM2(octant) / (total / 8) - 1)).toBeLessThan(1e-12);
  });

  it("Antarctica: GeographicLib's documented example, 13 662 703 680 020.1 m²", () => {
    // GeographicLib JavaScript documentation, "Measuring areas" (lat, lon pairs there; [lon, lat] here)
    const latLon = [
      [-63.1, -58], [-72.9, -74], [-71.9, -102], [-74.9, -102], [-74.3, -131], [-77.5, -163], [-77.4, 163],
      [-71.7, 172], [-65.9, 140], [-65.7, 113], [-66.6, 88], [-66.9, 59], [-69.8, 25], [-70.0, -4],
      [-71.0, -14], [-77.3, -33], [-77.9, -46], [-74.7, -61],
    ];
    const ring: Ring = [...latLon, latLon[0]!].map(([lat, lon]) => [lon!, lat!]);
    expect(Math.abs(ringAreaM2(ring) - 13662703680020.1)).toBeLessThanOrEqual(0.1);
  });

  it('degenerate rings have zero area', () => {
    expect(ringAreaM2([[0, 0], [1, 1], [0, 0]])).toBe(0);
  });
});

describe('ringSelfIntersects', () => {
  it('bow-tie yes; square, triangle, concave U and the Green Zone no', () => {
    expect(ringSelfIntersects([[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]])).toBe(true);
    expect(ringSelfIntersects(box(0, 0, 1, 1))).toBe(false);
    expect(ringSelfIntersects([[0, 0], [1, 0], [0, 1], [0, 0]])).toBe(false);
    expect(ringSelfIntersects([[0, 0], [3, 0], [3, 3], [2, 3], [2, 1], [1, 1], [1, 3], [0, 3], [0, 0]])).toBe(false);
    expect(ringSelfIntersects(GREEN_ZONE)).toBe(false);
  });
  it('touching at a vertex, an edge folding back, and a repeated vertex count as self-intersections', () => {
    // two triangles sharing the vertex (1, 1)
    expect(ringSelfIntersects([[0, 0], [2, 0], [1, 1], [2, 2], [0, 2], [1, 1], [0, 0]])).toBe(true);
    // a spike: out to (3, 0.5) and straight back along the same line
    expect(ringSelfIntersects([[0, 0], [2, 0], [2, 0.5], [3, 0.5], [2, 0.5], [2, 1], [0, 1], [0, 0]])).toBe(true);
    // a vertex on a non-adjacent edge
    expect(ringSelfIntersects([[0, 0], [2, 0], [2, 2], [1, 0], [0, 2], [0, 0]])).toBe(true);
  });
  it('consecutive duplicate vertices alone are not an intersection', () => {
    expect(ringSelfIntersects([[0, 0], [1, 0], [1, 0], [1, 1], [0, 1], [0, 0]])).toBe(false);
  });
});

describe('ringCentroid', () => {
  it('centre of a box, and the hand-computed centroid of an L', () => {
    const c = ringCentroid(box(44.39, 33.29, 44.41, 33.31));
    expect(c.lat).toBeCloseTo(33.3, 9);
    expect(c.lon).toBeCloseTo(44.4, 9);
    // L = [0,2]×[0,1] ∪ [0,1]×[1,2] (units of 0.01°): area 3, centroid ((2·1 + 1·0.5)/3, (2·0.5 + 1·1.5)/3)
    const u = (x: number, y: number) => [44.39 + x * 0.01, 33.29 + y * 0.01];
    const l = ringCentroid([u(0, 0), u(2, 0), u(2, 1), u(1, 1), u(1, 2), u(0, 2), u(0, 0)]);
    expect(l.lon).toBeCloseTo(44.39 + (2.5 / 3) * 0.01, 9);
    expect(l.lat).toBeCloseTo(33.29 + (2.5 / 3) * 0.01, 9);
  });
  it('does not depend on winding or the starting vertex; crosses ±180°', () => {
    const ring = box(44.39, 33.29, 44.41, 33.31);
    const rev = ringCentroid(ring.slice().reverse());
    expect(rev.lat).toBeCloseTo(33.3, 9);
    expect(rev.lon).toBeCloseTo(44.4, 9);
    const am = ringCentroid([[179.99, -0.01], [-179.97, -0.01], [-179.97, 0.01], [179.99, 0.01], [179.99, -0.01]]);
    expect(am.lat).toBeCloseTo(0, 9);
    expect(am.lon).toBeCloseTo(-179.99, 9);
  });
});
