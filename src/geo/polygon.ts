/**
 * Polygons on the WGS-84 ellipsoid, sized for warning zones and defended assets (a few kilometres across).
 *
 * A ring is an array of GeoJSON positions [lon, lat] (degrees), closed (first position = last) as GeoJSON
 * requires; the functions also accept an unclosed ring and close it implicitly. Edges are treated as straight
 * lines in a local planar projection (equirectangular about the ring's first vertex): for a
 * 5 km edge the straight line and the geodesic part by well under a millimetre, far below the accuracy of any
 * zone outline. Longitudes are unwrapped relative to the projection centre, so rings may cross ±180°.
 * Area is the exception: `ringAreaM2` is the exact geodesic area from GeographicLib.
 *
 * Hot loops (the warning stage integrates impact probability over zone polygons millions of times) should
 * project each ring once into the site's ENU frame with `projectRing` and then use `pointInProjectedRing` and
 * `distanceToProjectedRing`, which allocate nothing.
 *
 * Boundary rules (deterministic, documented because a projected impact exactly on a zone wall must always get
 * the same answer):
 * - `pointInRing` counts a point on the boundary (within `BOUNDARY_TOLERANCE_M` of an edge or vertex) as
 *   inside: a round falling on a zone's wall is a round in the zone.
 * - `pointInProjectedRing` uses the half-open crossing rule with no tolerance: a point exactly on an edge is
 *   inside when the interior lies to its +east side (or, for a horizontal edge, to its +north side), outside
 *   otherwise — for an axis-aligned square, the west and south edges are in, the east and north edges out.
 *   Two rings sharing an edge therefore never both claim a point on it, which is what an integral over
 *   a partition of zones needs. Callers who want the inclusive rule test `distanceToProjectedRing(...) <= tol`.
 */
import geographiclib from 'geographiclib-geodesic';
import type { EnuFrame } from './wgs84.js';
import { DEG } from './wgs84.js';

/** A GeoJSON position: [lon, lat] or [lon, lat, alt] (degrees, metres). */
export type Position = readonly number[];
/** A GeoJSON linear ring of positions, closed (first = last). */
export type Ring = readonly Position[];

/** A point within this distance (m) of a ring's boundary counts as inside for `pointInRing`. */
export const BOUNDARY_TOLERANCE_M = 1e-3;

/** Metres per degree of latitude on a sphere of the WGS-84 mean radius (used only for tolerances). */
const M_PER_DEG = 6371008.8 * DEG;

/** True when the ring has at least 4 positions (a triangle) and its last position equals its first. */
export function ringIsClosed(ring: Ring): boolean {
  if (ring.length < 4) return false;
  const a = ring[0]!;
  const b = ring[ring.length - 1]!;
  return a[0] === b[0] && a[1] === b[1];
}

/** Number of distinct vertices: the ring without its closing duplicate. */
function vertexCount(ring: Ring): number {
  const n = ring.length;
  if (n >= 2) {
    const a = ring[0]!;
    const b = ring[n - 1]!;
    if (a[0] === b[0] && a[1] === b[1]) return n - 1;
  }
  return n;
}

/** Longitude difference lon − lon0 reduced to [−180°, 180°). */
function dLon(lon: number, lon0: number): number {
  let d = lon - lon0;
  if (d >= 180 || d < -180) d -= 360 * Math.floor((d + 180) / 360);
  return d;
}

/**
 * Local planar projection of the ring's vertices about (lat0, lon0): x east, y north, both in metres on a
 * sphere of mean radius (x scaled by cos lat0). Returns interleaved x, y of the distinct vertices.
 */
function localProject(ring: Ring, lat0: number, lon0: number): Float64Array {
  const n = vertexCount(ring);
  const out = new Float64Array(2 * n);
  const kx = M_PER_DEG * Math.cos(lat0 * DEG);
  for (let i = 0; i < n; i++) {
    const p = ring[i]!;
    out[2 * i] = dLon(p[0]!, lon0) * kx;
    out[2 * i + 1] = (p[1]! - lat0) * M_PER_DEG;
  }
  return out;
}

/** Squared distance from (px, py) to the segment (ax, ay)–(bx, by). */
function segmentDistance2(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  let t = len2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / len2 : 0;
  if (t < 0) t = 0;
  else if (t > 1) t = 1;
  const ex = ax + t * dx - px;
  const ey = ay + t * dy - py;
  return ex * ex + ey * ey;
}

/**
 * Is (lat, lon) inside the ring? Ray casting in a local planar projection about the ring's first vertex; points within
 * `BOUNDARY_TOLERANCE_M` of the boundary are inside (see the module comment).
 */
export function pointInRing(lat: number, lon: number, ring: Ring): boolean {
  const n = vertexCount(ring);
  if (n < 3) return false;
  // project about the ring's first vertex (so the ring is unwrapped continuously even across ±180°, and a
  // query point on the far side of the Earth lands far away instead of wrapping into it)
  const p0 = ring[0]!;
  const lat0 = p0[1]!;
  const lon0 = p0[0]!;
  const xy = localProject(ring, lat0, lon0);
  const px = dLon(lon, lon0) * M_PER_DEG * Math.cos(lat0 * DEG);
  const py = (lat - lat0) * M_PER_DEG;
  const tol2 = BOUNDARY_TOLERANCE_M * BOUNDARY_TOLERANCE_M;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    if (segmentDistance2(px, py, xy[2 * j]!, xy[2 * j + 1]!, xy[2 * i]!, xy[2 * i + 1]!) <= tol2) return true;
  }
  return pointInProjectedRing(px, py, xy);
}

/**
 * Project a ring into an ENU frame (at the frame origin's height, so the result is the horizontal position):
 * interleaved east, north metres of the distinct vertices (closing duplicate dropped).
 */
export function projectRing(frame: EnuFrame, ring: Ring): Float64Array {
  const n = vertexCount(ring);
  const out = new Float64Array(2 * n);
  const tmp = new Float64Array(3);
  const alt = frame.origin.alt;
  for (let i = 0; i < n; i++) {
    const p = ring[i]!;
    frame.geodeticToEnu(p[1]!, p[0]!, alt, tmp);
    out[2 * i] = tmp[0]!;
    out[2 * i + 1] = tmp[1]!;
  }
  return out;
}

/**
 * Is (e, n) inside the projected ring (interleaved e, n of distinct vertices)? Crossing-number test with the
 * half-open rule (see the module comment); allocates nothing.
 */
export function pointInProjectedRing(e: number, n: number, projected: Float64Array): boolean {
  const m = projected.length >> 1;
  let inside = false;
  let xj = projected[2 * m - 2]!;
  let yj = projected[2 * m - 1]!;
  for (let i = 0; i < m; i++) {
    const xi = projected[2 * i]!;
    const yi = projected[2 * i + 1]!;
    if (yi > n !== yj > n && e < xi + ((n - yi) * (xj - xi)) / (yj - yi)) inside = !inside;
    xj = xi;
    yj = yi;
  }
  return inside;
}

/** Distance (m) from (e, n) to the nearest edge of the projected ring; 0 when inside. */
export function distanceToProjectedRing(e: number, n: number, projected: Float64Array): number {
  if (pointInProjectedRing(e, n, projected)) return 0;
  const m = projected.length >> 1;
  let best = Infinity;
  let xj = projected[2 * m - 2]!;
  let yj = projected[2 * m - 1]!;
  for (let i = 0; i < m; i++) {
    const xi = projected[2 * i]!;
    const yi = projected[2 * i + 1]!;
    const d2 = segmentDistance2(e, n, xj, yj, xi, yi);
    if (d2 < best) best = d2;
    xj = xi;
    yj = yi;
  }
  return Math.sqrt(best);
}

/**
 * Geodesic area of the ring in m² (edges are geodesics; GeographicLib's PolygonArea, exact to round-off).
 * Always positive, whichever way the ring winds.
 */
export function ringAreaM2(ring: Ring): number {
  const n = vertexCount(ring);
  if (n < 3) return 0;
  const poly = geographiclib.Geodesic.WGS84.Polygon(false);
  for (let i = 0; i < n; i++) {
    const p = ring[i]!;
    poly.AddPoint(p[1]!, p[0]!);
  }
  // sign = true: a clockwise ring gives a negative area instead of the area of the rest of the Earth.
  return Math.abs(poly.Compute(false, true).area!);
}

/** Sign of the orientation of (a, b, c): > 0 counter-clockwise, < 0 clockwise, 0 collinear. */
function orient(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number {
  return (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
}

/** For collinear p, is p within the bounding box of segment a–b? */
function onSegment(ax: number, ay: number, bx: number, by: number, px: number, py: number): boolean {
  return Math.min(ax, bx) <= px && px <= Math.max(ax, bx) && Math.min(ay, by) <= py && py <= Math.max(ay, by);
}

function segmentsIntersect(xy: Float64Array, a: number, b: number, c: number, d: number): boolean {
  const ax = xy[2 * a]!, ay = xy[2 * a + 1]!, bx = xy[2 * b]!, by = xy[2 * b + 1]!;
  const cx = xy[2 * c]!, cy = xy[2 * c + 1]!, dx = xy[2 * d]!, dy = xy[2 * d + 1]!;
  const o1 = orient(ax, ay, bx, by, cx, cy);
  const o2 = orient(ax, ay, bx, by, dx, dy);
  const o3 = orient(cx, cy, dx, dy, ax, ay);
  const o4 = orient(cx, cy, dx, dy, bx, by);
  if (((o1 > 0 && o2 < 0) || (o1 < 0 && o2 > 0)) && ((o3 > 0 && o4 < 0) || (o3 < 0 && o4 > 0))) return true;
  if (o1 === 0 && onSegment(ax, ay, bx, by, cx, cy)) return true;
  if (o2 === 0 && onSegment(ax, ay, bx, by, dx, dy)) return true;
  if (o3 === 0 && onSegment(cx, cy, dx, dy, ax, ay)) return true;
  if (o4 === 0 && onSegment(cx, cy, dx, dy, bx, by)) return true;
  return false;
}

/**
 * Does the ring cross or touch itself? True when two non-adjacent edges meet (crossing, touching, or a vertex
 * repeated), or two adjacent edges fold back over each other (a zero-width spike). Consecutive duplicate
 * vertices are ignored. O(n²), meant for validating zone files, not for hot loops.
 */
export function ringSelfIntersects(ring: Ring): boolean {
  const n0 = vertexCount(ring);
  if (n0 < 3) return false;
  const p0 = ring[0]!;
  const raw = localProject(ring, p0[1]!, p0[0]!);
  // drop consecutive duplicates (zero-length edges), including the wrap-around pair
  const kept: number[] = [];
  for (let i = 0; i < n0; i++) {
    const x = raw[2 * i]!, y = raw[2 * i + 1]!;
    const k = kept.length;
    if (k >= 2 && kept[k - 2] === x && kept[k - 1] === y) continue;
    kept.push(x, y);
  }
  while (kept.length >= 4 && kept[0] === kept[kept.length - 2] && kept[1] === kept[kept.length - 1]) kept.length -= 2;
  const xy = Float64Array.from(kept);
  const n = xy.length / 2;
  if (n < 3) return true; // degenerate: fewer than three distinct vertices
  for (let i = 0; i < n; i++) {
    const i2 = (i + 1) % n;
    // adjacent edge (i → i2, i2 → i3): they fold back when i3 lies on the ray from i2 back over edge i
    const i3 = (i2 + 1) % n;
    const ax = xy[2 * i]!, ay = xy[2 * i + 1]!, bx = xy[2 * i2]!, by = xy[2 * i2 + 1]!;
    const cx = xy[2 * i3]!, cy = xy[2 * i3 + 1]!;
    if (orient(ax, ay, bx, by, cx, cy) === 0 && (ax - bx) * (cx - bx) + (ay - by) * (cy - by) > 0) return true;
    for (let j = i + 2; j < n; j++) {
      const j2 = (j + 1) % n;
      if (j2 === i) continue; // the last edge is adjacent to the first
      if (segmentsIntersect(xy, i, i2, j, j2)) return true;
    }
  }
  return false;
}

/**
 * Area-weighted centroid of the ring (of the enclosed region, not of its vertices), computed in a local planar
 * projection about the first vertex; falls back to the vertex mean for a ring of zero area.
 */
export function ringCentroid(ring: Ring): { lat: number; lon: number } {
  const n = vertexCount(ring);
  if (n === 0) throw new RangeError('ringCentroid: empty ring');
  const p0 = ring[0]!;
  const lat0 = p0[1]!;
  const lon0 = p0[0]!;
  const xy = localProject(ring, lat0, lon0);
  let a2 = 0;
  let cx = 0;
  let cy = 0;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const xj = xy[2 * j]!, yj = xy[2 * j + 1]!, xi = xy[2 * i]!, yi = xy[2 * i + 1]!;
    const c = xj * yi - xi * yj;
    a2 += c;
    cx += (xj + xi) * c;
    cy += (yj + yi) * c;
  }
  let x: number;
  let y: number;
  if (Math.abs(a2) > 1e-9) {
    x = cx / (3 * a2);
    y = cy / (3 * a2);
  } else {
    x = 0;
    y = 0;
    for (let i = 0; i < n; i++) {
      x += xy[2 * i]! / n;
      y += xy[2 * i + 1]! / n;
    }
  }
  const lon = lon0 + x / (M_PER_DEG * Math.cos(lat0 * DEG));
  return { lat: lat0 + y / M_PER_DEG, lon: dLon(lon, 0) };
}
