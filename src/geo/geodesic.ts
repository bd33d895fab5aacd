/**
 * Geodesics on the WGS-84 ellipsoid: a thin typed wrapper over GeographicLib (Karney, "Algorithms for
 * geodesics", J. Geod. 87:43–55, 2013), accurate to about 15 nm for any pair of points, antipodal ones included.
 *
 * One `Geodesic.WGS84` instance is shared by the whole process. Angles are degrees at this edge (azimuths
 * clockwise from true north, in (−180°, 180°]); distances metres along the ellipsoid surface.
 */
import geographiclib from 'geographiclib-geodesic';

const { Geodesic } = geographiclib;

/** The shared WGS-84 geodesic solver (also used by polygon area). */
export const WGS84_GEODESIC = Geodesic.WGS84;

const INVERSE_MASK = Geodesic.DISTANCE | Geodesic.AZIMUTH;
const DIRECT_MASK = Geodesic.LATITUDE | Geodesic.LONGITUDE | Geodesic.AZIMUTH;

export interface InverseResult {
  /** geodesic distance, m */
  distance: number;
  /** azimuth of the geodesic at point 1, degrees clockwise from north */
  azimuth1Deg: number;
  /** forward azimuth of the geodesic at point 2 (direction of travel there), degrees */
  azimuth2Deg: number;
}

export interface DirectResult {
  /** degrees */
  lat: number;
  /** degrees, reduced to [−180°, 180°] */
  lon: number;
  /** forward azimuth at the end point, degrees */
  azimuth2Deg: number;
}

/** Inverse problem: shortest geodesic from (lat1, lon1) to (lat2, lon2), all in degrees. */
export function inverse(lat1: number, lon1: number, lat2: number, lon2: number): InverseResult {
  const r = WGS84_GEODESIC.Inverse(lat1, lon1, lat2, lon2, INVERSE_MASK);
  return { distance: r.s12!, azimuth1Deg: r.azi1!, azimuth2Deg: r.azi2! };
}

/** Direct problem: end point after `distance` metres from (lat, lon) along initial azimuth `azimuthDeg`. */
export function direct(lat: number, lon: number, azimuthDeg: number, distance: number): DirectResult {
  const r = WGS84_GEODESIC.Direct(lat, lon, azimuthDeg, distance, DIRECT_MASK);
  return { lat: r.lat2!, lon: r.lon2!, azimuth2Deg: r.azi2! };
}

