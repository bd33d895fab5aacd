/**
 * The sensors as the tracker sees them: each radar's own ENU frame (its antenna position), its measurement
 * noise in SI units and its revisit period, looked up by sensor id. ASTERIX plots carry no noise figures, so
 * they come from the site file (design.md §4.2).
 *
 * Resolution is noise too. Every plot reaches the tracker at ASTERIX CAT048 resolution — decoded from the
 * wire, or simulated and rounded the same way (sense/quantise.ts) — and a value rounded to a step of one LSB
 * carries, besides the radar's own error, a rounding error spread evenly over ±LSB/2: variance LSB²/12
 * (Sheppard), independent of the radar's error. `plotSigmas` adds it in quadrature:
 * - range, 1/256 NM steps: 2.1 m (10 m → 10.2 m); azimuth, 2⁻¹⁶ of a turn: 0.03 mrad (nothing); range rate,
 *   1 m/s steps: 0.29 m/s (1 → 1.04 m/s);
 * - elevation: CAT048 has none. It carries the measured point's height in 25 ft steps (I048/110), and the
 *   elevation is recovered from it at the plot's range (sense/polar.ts). A height step δh moves that elevation
 *   by δh/(r·cos el), so the rounding adds (7.62 m)²/12/(r·cos el)² to its variance: 0.9 mrad at 2.5 km and
 *   17° of elevation (3 mrad → 3.13), but 8 mrad at 2.6 km and 84° (3 → 8.5). A round coming down steeply
 *   near a radar is seen at about a third of the elevation accuracy the site file gives, and a tracker that
 *   took the site file's figure gated out 0.5 % of its own tracks' plots instead of the 0.1 % its 99.9 % gate
 *   allows, 9 in 10 of them on elevation at high elevation angles — each such miss a plot free to start a
 *   second track on the same round (docs/tracking.md "Measurement noise").
 * (flat Earth for dh/d(el): the curvature term changes it by r·sin(el)/R⊕, under 0.2 % at 10 km)
 */
import { EnuFrame } from '../geo/wgs84.js';
import type { RadarConfig } from '../sense/radar-config.js';
import { AZ_LSB, HEIGHT_LSB, RANGE_LSB, RANGE_RATE_LSB } from '../sense/quantise.js';
import type { MeasurementSigmas } from './ballistic-ekf.js';

/** Variances (SI) of rounding to the CAT048 steps: LSB²/12. */
const RANGE_ROUNDING_VAR = (RANGE_LSB * RANGE_LSB) / 12;
const AZ_ROUNDING_VAR = (AZ_LSB * AZ_LSB) / 12;
const HEIGHT_ROUNDING_VAR = (HEIGHT_LSB * HEIGHT_LSB) / 12;
const RANGE_RATE_ROUNDING_VAR = (RANGE_RATE_LSB * RANGE_RATE_LSB) / 12;
/**
 * cos(el) is floored here for the elevation's rounding term: within 1.1° of the zenith its σ stops growing at
 * 2.2 m / (0.02·r) — at 2 km, 55 mrad, already worth nothing to the filter.
 */
const MIN_COS_EL = 0.02;

export interface TrackerSensor {
  id: string;
  frame: EnuFrame;
  /** the radar's own noise as the site file gives it: range m, az/el rad, rangeRate m/s (absent: no Doppler) */
  sigmas: MeasurementSigmas;
  /**
   * whether its plots come at CAT048 resolution (every plot source in tocsin does; false only for tests that
   * feed unrounded plots): `plotSigmas` then adds the rounding
   */
  rounded: boolean;
  /**
   * a plot's noise as the filters take it (range, az, rangeRate: `sigmas` with the rounding; el: per plot) —
   * scratch written by `plotSigmas`, one per sensor
   */
  plot: MeasurementSigmas;
  /** antenna revolution period, s */
  period: number;
  /** rotation from this radar's ENU axes to the site's ENU axes (3×3 row-major): v_site = M·v_radar */
  toSite: Float64Array;
  /** the radar's position in the site's ENU frame */
  positionInSite: Float64Array;
}

/** `rounded`: see TrackerSensor.rounded (default true). */
export function trackerSensor(cfg: RadarConfig, site: EnuFrame, rounded = true): TrackerSensor {
  const frame = new EnuFrame({ lat: cfg.lat, lon: cfg.lon, alt: cfg.alt });
  const sigmas: MeasurementSigmas = { range: cfg.rangeSigma, az: cfg.azSigmaMrad * 1e-3, el: cfg.elSigmaMrad * 1e-3 };
  if (cfg.rangeRateSigma > 0) sigmas.rangeRate = cfg.rangeRateSigma;
  // (the same shape as sigmas, so that the filters see one object shape per sensor)
  const plot: MeasurementSigmas = rounded
    ? { range: Math.sqrt(sigmas.range ** 2 + RANGE_ROUNDING_VAR), az: Math.sqrt(sigmas.az ** 2 + AZ_ROUNDING_VAR), el: sigmas.el }
    : { range: sigmas.range, az: sigmas.az, el: sigmas.el };
  if (sigmas.rangeRate !== undefined) plot.rangeRate = rounded ? Math.sqrt(sigmas.rangeRate ** 2 + RANGE_RATE_ROUNDING_VAR) : sigmas.rangeRate;
  // M = R_site · R_radarᵀ (both rotate ECEF → their ENU)
  const a = site.r;
  const b = frame.r;
  const toSite = new Float64Array(9);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) toSite[i * 3 + j] = a[i * 3]! * b[j * 3]! + a[i * 3 + 1]! * b[j * 3 + 1]! + a[i * 3 + 2]! * b[j * 3 + 2]!;
  const o = frame.originEcef;
  const positionInSite = site.ecefToEnu(o[0]!, o[1]!, o[2]!);
  return { id: cfg.id, frame, sigmas, rounded, plot, period: cfg.period, toSite, positionInSite };
}

/**
 * The noise of one plot of sensor s at slant range `range` (m) and elevation `el` (rad): the radar's own plus
 * the rounding (see the head of this file). Returns s.plot, rewritten: read it before the next call for s.
 */
export function plotSigmas(s: TrackerSensor, range: number, el: number): MeasurementSigmas {
  const out = s.plot;
  const se = s.sigmas.el;
  if (!s.rounded) return out;
  const c = Math.cos(el);
  const rc = range * (c > MIN_COS_EL ? c : MIN_COS_EL);
  // (a plot at the antenna, r·cos el < 1 m, has no meaningful elevation anyway)
  out.el = Math.sqrt(se * se + HEIGHT_ROUNDING_VAR / (rc > 1 ? rc * rc : 1));
  return out;
}

/**
 * A bound on the elevation's rounding variance (rad²) times d², for a point at distance d from the radar whose
 * horizontal distance is at least rhoMin (m): HEIGHT_ROUNDING_VAR·d²/max(rhoMin, MIN_COS_EL·d)² — in m², the
 * search-sphere counterpart of plotSigmas. 0 when the sensor's plots are not rounded.
 */
export function elevationRoundingM2(s: TrackerSensor, d2: number, rhoMin: number): number {
  if (!s.rounded) return 0;
  const floor = MIN_COS_EL * MIN_COS_EL * d2;
  const r2 = rhoMin > 0 && rhoMin * rhoMin > floor ? rhoMin * rhoMin : floor;
  return r2 > 1 ? (HEIGHT_ROUNDING_VAR * d2) / r2 : HEIGHT_ROUNDING_VAR * d2;
}

/**
 * A polar plot as a point in the site's ENU frame (into pos) with its 3×3 covariance (into cov, may be
 * omitted): the polar-to-Cartesian Jacobian J at the measured point, C = M·J·diag(σ²)·Jᵀ·Mᵀ, σ the plot's
 * (plotSigmas).
 */
export function plotToSite(s: TrackerSensor, range: number, az: number, el: number, pos: Float64Array, cov?: Float64Array): void {
  const ce = Math.cos(el);
  const se = Math.sin(el);
  const sa = Math.sin(az);
  const ca = Math.cos(az);
  const le = range * ce * sa;
  const ln = range * ce * ca;
  const lu = range * se;
  const M = s.toSite;
  const p = s.positionInSite;
  for (let i = 0; i < 3; i++) pos[i] = p[i]! + M[i * 3]! * le + M[i * 3 + 1]! * ln + M[i * 3 + 2]! * lu;
  if (!cov) return;
  // columns of J: ∂/∂r, ∂/∂az, ∂/∂el in the radar frame, scaled by the plot's sigmas
  const sg = plotSigmas(s, range, el);
  const sr = sg.range;
  const sz = sg.az;
  const sl = sg.el;
  const J = [
    [ce * sa * sr, range * ce * ca * sz, -range * se * sa * sl],
    [ce * ca * sr, -range * ce * sa * sz, -range * se * ca * sl],
    [se * sr, 0, range * ce * sl],
  ];
  // A = M·J (site frame, scaled columns); C = A·Aᵀ
  const A = new Float64Array(9);
  for (let i = 0; i < 3; i++)
    for (let k = 0; k < 3; k++) A[i * 3 + k] = M[i * 3]! * J[0]![k]! + M[i * 3 + 1]! * J[1]![k]! + M[i * 3 + 2]! * J[2]![k]!;
  for (let i = 0; i < 3; i++)
    for (let j = 0; j < 3; j++) cov[i * 3 + j] = A[i * 3]! * A[j * 3]! + A[i * 3 + 1]! * A[j * 3 + 1]! + A[i * 3 + 2]! * A[j * 3 + 2]!;
}
