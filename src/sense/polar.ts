/**
 * Radar polar measurements (slant range, azimuth clockwise from true north, elevation above the radar's
 * local tangent plane) ↔ ECEF and ↔ height above the ellipsoid. Exact on the WGS-84 ellipsoid: the radar's
 * own ENU frame is a rotation of ECEF, so curvature is carried through the conversion to ECEF.
 */
import { EnuFrame, geodeticHeight } from '../geo/wgs84.js';

/** Radar-centred polar → ENU of the radar frame. */
export function polarToEnu(r: number, az: number, el: number, out: Float64Array = new Float64Array(3)): Float64Array {
  const ce = Math.cos(el);
  out[0] = r * ce * Math.sin(az);
  out[1] = r * ce * Math.cos(az);
  out[2] = r * Math.sin(el);
  return out;
}

/** ENU of the radar frame → polar {r, az in [0, 2π), el}. */
export function enuToPolar(e: number, n: number, u: number): { r: number; az: number; el: number } {
  const h = Math.hypot(e, n);
  let az = Math.atan2(e, n);
  if (az < 0) {
    az += 2 * Math.PI;
    if (az >= 2 * Math.PI) az = 0; // −1e-17 + 2π rounds to 2π, outside the documented [0, 2π)
  }
  return { r: Math.hypot(h, u), az, el: Math.atan2(u, h) };
}

/** Polar measurement from a radar (frame anchored at the radar) → ECEF. */
export function polarToEcef(radar: EnuFrame, r: number, az: number, el: number, out: Float64Array = new Float64Array(3)): Float64Array {
  const p = polarToEnu(r, az, el);
  return radar.enuToEcef(p[0]!, p[1]!, p[2]!, out);
}

/** Scratch for the allocation-free conversions below (single-threaded use). */
const P = new Float64Array(3);
const NRM = new Float64Array(3);

/** Height above the ellipsoid of the point measured at (r, az, el). Allocation-free. */
export function heightFromPolar(radar: EnuFrame, r: number, az: number, el: number): number {
  polarToEnu(r, az, el, P);
  radar.enuToEcef(P[0]!, P[1]!, P[2]!, P);
  return geodeticHeight(P[0]!, P[1]!, P[2]!);
}

/**
 * Elevation at which a point at slant range r and azimuth az has height h above the ellipsoid: the inverse of
 * heightFromPolar (what a CAT048 decoder needs, since I048/110 carries height, not elevation). Returns NaN
 * when no elevation in [−π/2, π/2] gives that height.
 *
 * Newton on the exact forward function with its exact derivative: dh/d(el) is the ellipsoid normal at the
 * point dotted with d(point)/d(el). The start comes from a sphere of the local radius (h ≈ h0 + r·sin el +
 * (r·cos el)²/2R), already within centimetres, so two or three steps reach round-off: this runs for every
 * decoded plot, so one forward evaluation per step and no allocation matter (it was 5 µs, now well under 1).
 */
export function elevationFromHeight(radar: EnuFrame, r: number, az: number, h: number): number {
  const h0 = radar.origin.alt;
  if (!(r > 0)) return NaN;
  // sphere guess: (r²/2R)·s² − r·s + (h − h0 − r²/2R) = 0 with s = sin el, the root near (h − h0)/r
  const k = (r * r) / (2 * 6371000);
  const c = h - h0 - k;
  const disc = r * r + 4 * k * c;
  let s = disc >= 0 ? (2 * c) / (r + Math.sqrt(disc)) : (h - h0) / r;
  s = Math.max(-1, Math.min(1, s));
  let el = Math.asin(s);
  const rr = radar.r;
  for (let i = 0; i < 20; i++) {
    const se = Math.sin(el);
    const ce = Math.cos(el);
    const sa = Math.sin(az);
    const ca = Math.cos(az);
    radar.enuToEcef(r * ce * sa, r * ce * ca, r * se, P);
    const f = geodeticHeight(P[0]!, P[1]!, P[2]!, NRM) - h;
    // d(ENU)/d(el) rotated to ECEF (columns of rᵀ), dotted with the normal
    const de = -r * se * sa;
    const dn = -r * se * ca;
    const du = r * ce;
    const dx = rr[0]! * de + rr[3]! * dn + rr[6]! * du;
    const dy = rr[1]! * de + rr[4]! * dn + rr[7]! * du;
    const dz = rr[2]! * de + rr[5]! * dn + rr[8]! * du;
    const df = NRM[0]! * dx + NRM[1]! * dy + NRM[2]! * dz;
    if (!(Math.abs(df) > 1e-9)) return Math.abs(f) < 1e-3 ? el : NaN;
    const step = f / df;
    el -= step;
    if (el > Math.PI / 2 || el < -Math.PI / 2) return NaN;
    if (Math.abs(f) < 1e-8 || Math.abs(step) < 1e-14) return el;
  }
  return Math.abs(heightFromPolar(radar, r, az, el) - h) < 1e-3 ? el : NaN;
}
