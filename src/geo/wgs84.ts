/**
 * WGS-84 geodetic ↔ ECEF ↔ local ENU (east, north, up) conversions.
 *
 * Geodetic coordinates are latitude and longitude in degrees and height in metres above the ellipsoid at the
 * edges of the system; inside the engine positions are ECEF or ENU metres anchored at the site origin.
 * ENU is a tangent plane: it is exact as a rotation of ECEF, so nothing is lost to Earth curvature as long as
 * heights are converted back through ECEF (never read "up" as height above ground far from the origin).
 */

export const WGS84_A = 6378137.0;
export const WGS84_F = 1 / 298.257223563;
export const WGS84_B = WGS84_A * (1 - WGS84_F);
export const WGS84_E2 = WGS84_F * (2 - WGS84_F);
export const WGS84_EP2 = WGS84_E2 / (1 - WGS84_E2);
/** Earth's gravitational constant GM (m³/s², WGS-84). */
export const WGS84_GM = 3.986004418e14;
/** Earth's rotation rate (rad/s, WGS-84). */
export const WGS84_OMEGA = 7.292115e-5;

export const DEG = Math.PI / 180;

/**
 * Exact height above the WGS-84 ellipsoid (Bowring, two iterations: sub-micrometre for any height a threat
 * reaches), allocation-free. If `normal` is given, the unit ellipsoid normal (ECEF) is written into it.
 */
export function geodeticHeight(x: number, y: number, z: number, normal?: Float64Array): number {
  const p = Math.sqrt(x * x + y * y);
  let beta = Math.atan2(z * WGS84_A, p * WGS84_B);
  let phi = 0;
  for (let i = 0; i < 2; i++) {
    const sb = Math.sin(beta);
    const cb = Math.cos(beta);
    phi = Math.atan2(z + WGS84_EP2 * WGS84_B * sb * sb * sb, p - WGS84_E2 * WGS84_A * cb * cb * cb);
    beta = Math.atan2(WGS84_B * Math.sin(phi), WGS84_A * Math.cos(phi));
  }
  const sp = Math.sin(phi);
  const cp = Math.cos(phi);
  const n = WGS84_A / Math.sqrt(1 - WGS84_E2 * sp * sp);
  if (normal) {
    const inv = p > 0 ? 1 / p : 0;
    normal[0] = p > 0 ? cp * x * inv : 0;
    normal[1] = p > 0 ? cp * y * inv : 0;
    normal[2] = sp;
  }
  return p * cp + z * sp - (WGS84_A * WGS84_A) / n;
}

export interface Geodetic {
  /** degrees */
  lat: number;
  /** degrees */
  lon: number;
  /** metres above the WGS-84 ellipsoid */
  alt: number;
}

/** Geodetic (deg, deg, m) → ECEF metres, into out[0..2]. */
export function geodeticToEcef(lat: number, lon: number, alt: number, out: Float64Array = new Float64Array(3)): Float64Array {
  const phi = lat * DEG;
  const lam = lon * DEG;
  const sp = Math.sin(phi);
  const cp = Math.cos(phi);
  const n = WGS84_A / Math.sqrt(1 - WGS84_E2 * sp * sp);
  out[0] = (n + alt) * cp * Math.cos(lam);
  out[1] = (n + alt) * cp * Math.sin(lam);
  out[2] = (n * (1 - WGS84_E2) + alt) * sp;
  return out;
}

/**
 * ECEF → geodetic by Bowring's method iterated to convergence (sub-micrometre for any point from the
 * Earth's centre region to far above the atmosphere; converges in 2–3 steps for terrestrial heights).
 */
export function ecefToGeodetic(x: number, y: number, z: number): Geodetic {
  const p = Math.hypot(x, y);
  const lon = Math.atan2(y, x);
  if (p < 1e-9) {
    const alt = Math.abs(z) - WGS84_B;
    return { lat: z >= 0 ? 90 : -90, lon: 0, alt };
  }
  // Bowring's initial parametric latitude
  let beta = Math.atan2(z * WGS84_A, p * WGS84_B);
  let phi = 0;
  for (let i = 0; i < 8; i++) {
    const sb = Math.sin(beta);
    const cb = Math.cos(beta);
    const phiNew = Math.atan2(z + WGS84_EP2 * WGS84_B * sb * sb * sb, p - WGS84_E2 * WGS84_A * cb * cb * cb);
    const done = Math.abs(phiNew - phi) < 1e-15;
    phi = phiNew;
    beta = Math.atan2((1 - WGS84_F) * Math.sin(phi), Math.cos(phi));
    if (done) break;
  }
  const sp = Math.sin(phi);
  const cp = Math.cos(phi);
  const n = WGS84_A / Math.sqrt(1 - WGS84_E2 * sp * sp);
  // Height formula that stays accurate near the poles and the equator alike.
  const alt = p * cp + z * sp - (WGS84_A * WGS84_A) / n;
  return { lat: phi / DEG, lon: lon / DEG, alt };
}

/** enuToGeodetic's ECEF point (read before it returns; the engine converts a track at each update) */
const ECEF_SCRATCH = new Float64Array(3);

/**
 * A local east-north-up frame anchored at an origin. The rotation matrix `r` is row-major 3×3 with rows
 * e, n, u expressed in ECEF: enu = r · (ecef − origin).
 */
export class EnuFrame {
  readonly origin: Geodetic;
  readonly originEcef: Float64Array;
  readonly r: Float64Array;

  constructor(origin: Geodetic) {
    this.origin = { ...origin };
    this.originEcef = geodeticToEcef(origin.lat, origin.lon, origin.alt);
    const phi = origin.lat * DEG;
    const lam = origin.lon * DEG;
    const sp = Math.sin(phi);
    const cp = Math.cos(phi);
    const sl = Math.sin(lam);
    const cl = Math.cos(lam);
    this.r = Float64Array.of(-sl, cl, 0, -sp * cl, -sp * sl, cp, cp * cl, cp * sl, sp);
  }

  /** ECEF point → ENU, into out. */
  ecefToEnu(x: number, y: number, z: number, out: Float64Array = new Float64Array(3)): Float64Array {
    const dx = x - this.originEcef[0]!;
    const dy = y - this.originEcef[1]!;
    const dz = z - this.originEcef[2]!;
    const r = this.r;
    out[0] = r[0]! * dx + r[1]! * dy + r[2]! * dz;
    out[1] = r[3]! * dx + r[4]! * dy + r[5]! * dz;
    out[2] = r[6]! * dx + r[7]! * dy + r[8]! * dz;
    return out;
  }

  /** ENU point → ECEF, into out. */
  enuToEcef(e: number, n: number, u: number, out: Float64Array = new Float64Array(3)): Float64Array {
    const r = this.r;
    out[0] = r[0]! * e + r[3]! * n + r[6]! * u + this.originEcef[0]!;
    out[1] = r[1]! * e + r[4]! * n + r[7]! * u + this.originEcef[1]!;
    out[2] = r[2]! * e + r[5]! * n + r[8]! * u + this.originEcef[2]!;
    return out;
  }

  /** Rotate an ECEF vector (velocity, acceleration) into ENU (no translation). */
  vecEcefToEnu(x: number, y: number, z: number, out: Float64Array = new Float64Array(3)): Float64Array {
    const r = this.r;
    out[0] = r[0]! * x + r[1]! * y + r[2]! * z;
    out[1] = r[3]! * x + r[4]! * y + r[5]! * z;
    out[2] = r[6]! * x + r[7]! * y + r[8]! * z;
    return out;
  }

  /** Rotate an ENU vector into ECEF (no translation). */
  vecEnuToEcef(e: number, n: number, u: number, out: Float64Array = new Float64Array(3)): Float64Array {
    const r = this.r;
    out[0] = r[0]! * e + r[3]! * n + r[6]! * u;
    out[1] = r[1]! * e + r[4]! * n + r[7]! * u;
    out[2] = r[2]! * e + r[5]! * n + r[8]! * u;
    return out;
  }

  /** Geodetic → ENU. */
  geodeticToEnu(lat: number, lon: number, alt: number, out: Float64Array = new Float64Array(3)): Float64Array {
    const p = geodeticToEcef(lat, lon, alt);
    return this.ecefToEnu(p[0]!, p[1]!, p[2]!, out);
  }

  /** ENU → geodetic. */
  enuToGeodetic(e: number, n: number, u: number): Geodetic {
    const p = this.enuToEcef(e, n, u, ECEF_SCRATCH);
    return ecefToGeodetic(p[0]!, p[1]!, p[2]!);
  }

  /** Height above the ellipsoid of an ENU point (exact, through ECEF). */
  heightOf(e: number, n: number, u: number): number {
    return this.enuToGeodetic(e, n, u).alt;
  }
}
