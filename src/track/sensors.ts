/**
 * The sensors as the tracker sees them: each radar's own ENU frame (its antenna position), its measurement
 * noise in SI units and its revisit period, looked up by sensor id. ASTERIX plots carry no noise figures, so
 * they come from the site file (design.md §4.2).
 */
import { EnuFrame } from '../geo/wgs84.js';
import type { RadarConfig } from '../sense/radar-config.js';
import type { MeasurementSigmas } from './ballistic-ekf.js';

export interface TrackerSensor {
  id: string;
  frame: EnuFrame;
  /** range m, az/el rad, rangeRate m/s (absent: the radar measures no Doppler) */
  sigmas: MeasurementSigmas;
  /** antenna revolution period, s */
  period: number;
  /** rotation from this radar's ENU axes to the site's ENU axes (3×3 row-major): v_site = M·v_radar */
  toSite: Float64Array;
  /** the radar's position in the site's ENU frame */
  positionInSite: Float64Array;
}

export function trackerSensor(cfg: RadarConfig, site: EnuFrame): TrackerSensor {
  const frame = new EnuFrame({ lat: cfg.lat, lon: cfg.lon, alt: cfg.alt });
  const sigmas: MeasurementSigmas = { range: cfg.rangeSigma, az: cfg.azSigmaMrad * 1e-3, el: cfg.elSigmaMrad * 1e-3 };
  if (cfg.rangeRateSigma > 0) sigmas.rangeRate = cfg.rangeRateSigma;
  // M = R_site · R_radarᵀ (both rotate ECEF → their ENU)
  const a = site.r;
  const b = frame.r;
  const toSite = new Float64Array(9);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) toSite[i * 3 + j] = a[i * 3]! * b[j * 3]! + a[i * 3 + 1]! * b[j * 3 + 1]! + a[i * 3 + 2]! * b[j * 3 + 2]!;
  const o = frame.originEcef;
  const positionInSite = site.ecefToEnu(o[0]!, o[1]!, o[2]!);
  return { id: cfg.id, frame, sigmas, period: cfg.period, toSite, positionInSite };
}

/**
 * A polar plot as a point in the site's ENU frame (into pos) with its 3×3 covariance (into cov, may be
 * omitted): the polar-to-Cartesian Jacobian J at the measured point, C = M·J·diag(σ²)·Jᵀ·Mᵀ.
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
  // columns of J: ∂/∂r, ∂/∂az, ∂/∂el in the radar frame, scaled by the sigmas
  const sr = s.sigmas.range;
  const sz = s.sigmas.az;
  const sl = s.sigmas.el;
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
