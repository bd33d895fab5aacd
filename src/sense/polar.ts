/**
 * Radar polar measurements (slant range, azimuth clockwise from true north, elevation above the radar's
 * local tangent plane) ↔ ECEF and ↔ height above the ellipsoid. Exact on the WGS-84 ellipsoid: the radar's
 * own ENU frame is a rotation of ECEF, so curvature is carried through the conversion to ECEF.
 */
import { EnuFrame, ecefToGeodetic } from '../geo/wgs84.js';

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

/** Height above the ellipsoid of the point measured at (r, az, el). */
export function heightFromPolar(radar: EnuFrame, r: number, az: number, el: number): number {
  const p = polarToEcef(radar, r, az, el);
  return ecefToGeodetic(p[0]!, p[1]!, p[2]!).alt;
}

/**
 * Elevation at which a point at slant range r and azimuth az has height h above the ellipsoid: the inverse of
 * heightFromPolar (what a CAT048 decoder needs, since I048/110 carries height, not elevation). Newton on the
 * exact forward function; returns NaN when no elevation in [−π/2, π/2] gives that height.
 */
export function elevationFromHeight(radar: EnuFrame, r: number, az: number, h: number): number {
  const h0 = radar.origin.alt;
  if (r <= 0) return NaN;
  let el = Math.asin(Math.max(-1, Math.min(1, (h - h0) / r)));
  // Stop after the step that follows a residual below 10 nm (Newton then leaves an error far below the
  // round-off of the ECEF coordinates), or once the step itself is negligible; stopping as soon as the
  // residual was under 1 µm left up to 1e-6/(r·cos el) rad of error (3e-7 rad at 50 m, near the zenith).
  for (let i = 0; i < 20; i++) {
    const f = heightFromPolar(radar, r, az, el) - h;
    const d = 1e-7;
    const df = (heightFromPolar(radar, r, az, el + d) - heightFromPolar(radar, r, az, el - d)) / (2 * d);
    if (!(Math.abs(df) > 1e-9)) return NaN;
    const step = f / df;
    el -= step;
    if (el > Math.PI / 2 || el < -Math.PI / 2) return NaN;
    if (Math.abs(f) < 1e-8 || Math.abs(step) < 1e-14) return el;
  }
  return Math.abs(heightFromPolar(radar, r, az, el) - h) < 1e-3 ? el : NaN;
}
