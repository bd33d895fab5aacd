/**
 * The little geometry the map needs, in WGS-84 degrees: ellipses of a 2×2 east/north covariance, range
 * circles, point in polygon, distance and bearing for "≈ 300 m SE of Victory Arch". Local metres use the
 * ellipsoid's radii of curvature at the point: at the few kilometres of a site that is exact to centimetres.
 */
import type { Position } from 'geojson';

const A = 6378137;
const F = 1 / 298.257223563;
const E2 = F * (2 - F);

/** metres per degree of latitude and of longitude at latitude lat (degrees) */
export function metresPerDegree(lat: number): { mLat: number; mLon: number } {
  const phi = (lat * Math.PI) / 180;
  const s = Math.sin(phi);
  const w = 1 - E2 * s * s;
  const m = (A * (1 - E2)) / (w * Math.sqrt(w));
  const n = A / Math.sqrt(w);
  return { mLat: (m * Math.PI) / 180, mLon: (n * Math.cos(phi) * Math.PI) / 180 };
}

/** χ²(2 dof) 95 % quantile: the 95 % ellipse is √5.991 ≈ 2.448 σ */
export const SIGMA_95 = Math.sqrt(5.991464547107979);

/** Semi-axes (m) and the major axis' bearing (rad from north) of a 2×2 east/north covariance. */
export function ellipseAxes(c: readonly (readonly number[])[]): { major: number; minor: number; bearing: number } {
  const a = c[0]?.[0] ?? 0;
  const b = c[0]?.[1] ?? 0;
  const d = c[1]?.[1] ?? 0;
  const mid = 0.5 * (a + d);
  const rad = Math.sqrt(0.25 * (a - d) ** 2 + b * b);
  const l1 = Math.max(0, mid + rad);
  const l2 = Math.max(0, mid - rad);
  const [ve, vn] = Math.abs(b) > 1e-12 ? [b, l1 - a] : a >= d ? [1, 0] : [0, 1];
  return { major: Math.sqrt(l1), minor: Math.sqrt(l2), bearing: Math.atan2(ve, vn) };
}

/** Closed ring of the k-σ ellipse of covEN (m²) around (lat, lon); at least `minRadius` m across. */
export function ellipseRing(
  lat: number,
  lon: number,
  covEN: readonly (readonly number[])[],
  k = SIGMA_95,
  minRadius = 10,
  n = 40,
): Position[] {
  const { major, minor, bearing } = ellipseAxes(covEN);
  const a = Math.max(k * major, minRadius);
  const b = Math.max(k * minor, minRadius);
  const { mLat, mLon } = metresPerDegree(lat);
  const sb = Math.sin(bearing);
  const cb = Math.cos(bearing);
  const ring: Position[] = [];
  for (let i = 0; i <= n; i++) {
    const th = (2 * Math.PI * (i % n)) / n;
    const u = a * Math.cos(th); // along the major axis
    const v = b * Math.sin(th);
    // major axis direction (east, north) = (sin β, cos β); minor = (cos β, −sin β)
    const e = u * sb + v * cb;
    const nn = u * cb - v * sb;
    ring.push([lon + e / mLon, lat + nn / mLat]);
  }
  return ring;
}

/** Closed ring of a circle of radius r (m). */
export function circleRing(lat: number, lon: number, r: number, n = 72): Position[] {
  return ellipseRing(lat, lon, [[r * r, 0], [0, r * r]], 1, 0, n);
}

/** Ray casting over a GeoJSON polygon's rings (holes count by parity). */
export function pointInPolygon(lon: number, lat: number, rings: readonly (readonly Position[])[]): boolean {
  let inside = false;
  for (const ring of rings) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const xi = ring[i]![0]!;
      const yi = ring[i]![1]!;
      const xj = ring[j]![0]!;
      const yj = ring[j]![1]!;
      if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
    }
  }
  return inside;
}

/** Distance (m) and bearing (degrees from north) from a to b, locally flat. */
export function distanceBearing(aLat: number, aLon: number, bLat: number, bLon: number): { d: number; bearing: number } {
  const { mLat, mLon } = metresPerDegree((aLat + bLat) / 2);
  const e = (bLon - aLon) * mLon;
  const n = (bLat - aLat) * mLat;
  let br = (Math.atan2(e, n) * 180) / Math.PI;
  if (br < 0) br += 360;
  return { d: Math.hypot(e, n), bearing: br };
}

const POINTS = ['N', 'NE', 'E', 'SE', 'S', 'SW', 'W', 'NW'];
export function compass8(bearing: number): string {
  return POINTS[Math.round(bearing / 45) % 8]!;
}

/** Centre of a polygon's outer ring (vertex mean, closing vertex excluded): where its label goes. */
export function ringCentre(ring: readonly Position[]): Position {
  const n = ring.length > 1 ? ring.length - 1 : ring.length;
  let x = 0;
  let y = 0;
  for (let i = 0; i < n; i++) {
    x += ring[i]![0]!;
    y += ring[i]![1]!;
  }
  return [x / n, y / n];
}
