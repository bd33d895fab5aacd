/**
 * Point of origin (launch point) prediction from a ballistic track: the track state is propagated BACKWARDS
 * (negative RK4 steps) with the EKF dynamics to where it meets the terrain, with the same linearised covariance
 * mapping as the impact prediction (impact.ts: Φ by the 3rd-order series per step, δp_g = (I − v·n̂ᵀ/(n̂ᵀv))·δp,
 * δt = −n̂ᵀδp/(n̂ᵀv), covariance in the local east/north at the ground point).
 *
 * Mortars are ballistic from the muzzle, so that is the launch point. Rockets were boosting for their first
 * 0.7–1.9 s; with `rocketType` the ballistic ground point is corrected by the boost table of boost.ts, looked
 * up by the back-propagated flight-path angle γ at the ground: the point moves by `along` along the
 * back-propagated azimuth (and `cross` across it), the time by dt, and the table's model uncertainty
 * (σ_along = 25 % of |along| + 0.5 m, σ_cross = 0.5 m, σ_dt = 10 % of |dt| + 0.01 s; see boost.ts for why) is
 * added to covEN and σ_t. Measured (docs/prediction.md): from true coasting states of the 122 mm rocket the
 * ballistic ground point lies 5–22 m uprange of the real one (at 45°–15° elevation) and is 1.0 s late;
 * corrected, < 0.1 m and < 1 ms (107 mm: 0.7–2.7 m and 0.36 s → < 0.05 m). Linearised: the same caveats as
 * predictImpact.
 *
 * Cost: that of predictImpact for the same flight time (impact.ts's propagator, ≈ 0.4 µs a 1 s step), plus the
 * table lookup and the corrected point's lat/lon (from its ellipsoid normal, without allocating): 12.5 µs for a
 * 120 mm mortar 25 s after launch, 15 µs for a boost-corrected 122 mm rocket 31 s after (bench/predict.ts).
 */
import { geodeticHeight, type EnuFrame } from '../geo/wgs84.js';
import type { ThreatType } from '../physics/threat-types.js';
import { boostCorrection, boostTable, type BoostCorrection } from './boost.js';
import { CROSSING, groundFix, makeGroundFix, propagateToTerrain, type GroundPoint, type PredictOptions } from './impact.js';

/** The estimated launch point: where and when the back-propagated round meets the terrain. */
export interface LaunchPrediction extends GroundPoint {
  /** the boost correction applied (rockets only): metres along/across the azimuth, seconds */
  boost?: { along: number; cross: number; dt: number };
}

export interface LaunchOptions extends PredictOptions {
  /** the track's classified type: a rocket type ('rocket-122', 'rocket-107') turns the boost correction on */
  rocketType?: ThreatType;
}

const FIX = makeGroundFix();
const CORR: BoostCorrection = { along: 0, cross: 0, dt: 0, sigmaAlong: 0, sigmaCross: 0, sigmaDt: 0 };
const NRM = new Float64Array(3); // ellipsoid normal (ECEF) of the corrected point

/**
 * Predicted launch point of the track state x (7, site ENU of `frame`) with covariance P (7×7) at UTC t, on
 * terrain of height terrainAlt (m above the ellipsoid). Undefined when x is below the terrain or the
 * back-propagation does not reach it within opts.maxTime (default 200 s).
 */
export function predictLaunch(
  x: Float64Array, P: Float64Array, t: number, frame: EnuFrame, terrainAlt: number, opts: LaunchOptions = {},
): LaunchPrediction | undefined {
  // The table (built on first use with the same propagator) before the propagation whose results we read.
  const table = opts.rocketType ? boostTable(opts.rocketType) : undefined;
  if (!propagateToTerrain(x, frame, terrainAlt, -1, true, opts)) return undefined;
  const f = groundFix(P, frame, FIX);
  const xc = CROSSING.x;
  let e = xc[0]!;
  let n = xc[1]!;
  let u = xc[2]!;
  let lat = f.lat;
  let lon = f.lon;
  let tl = t + CROSSING.dt;
  let ee = f.ee;
  let en = f.en;
  let nn = f.nn;
  let tt = f.tt;
  let boost: LaunchPrediction['boost'];
  if (table) {
    const hs = Math.hypot(f.ve, f.vn);
    if (hs > 0) {
      const gamma = Math.atan2(f.vu, hs);
      const c = boostCorrection(table, gamma, CORR);
      const ux = f.ve / hs; // horizontal direction of flight in the local east/north
      const uy = f.vn / hs;
      const de = c.along * ux + c.cross * uy; // cross is to the right of the direction of flight
      const dn = c.along * uy - c.cross * ux;
      const ax = f.axes;
      e += de * ax[0]! + dn * ax[3]!;
      n += de * ax[1]! + dn * ax[4]!;
      u += de * ax[2]! + dn * ax[5]!;
      // geodetic lat/lon of the corrected point from its ellipsoid normal (cφcλ, cφsλ, sφ), without allocating
      const R = frame.r;
      const o = frame.originEcef;
      geodeticHeight(R[0]! * e + R[3]! * n + R[6]! * u + o[0]!, R[1]! * e + R[4]! * n + R[7]! * u + o[1]!, R[2]! * e + R[5]! * n + R[8]! * u + o[2]!, NRM);
      lat = Math.atan2(NRM[2]!, Math.sqrt(NRM[0]! * NRM[0]! + NRM[1]! * NRM[1]!)) * (180 / Math.PI);
      lon = Math.atan2(NRM[1]!, NRM[0]!) * (180 / Math.PI);
      tl += c.dt;
      const sa2 = c.sigmaAlong * c.sigmaAlong;
      const sc2 = c.sigmaCross * c.sigmaCross;
      ee += sa2 * ux * ux + sc2 * uy * uy;
      en += (sa2 - sc2) * ux * uy;
      nn += sa2 * uy * uy + sc2 * ux * ux;
      tt += c.sigmaDt * c.sigmaDt;
      boost = { along: c.along, cross: c.cross, dt: c.dt };
    }
  }
  const out: LaunchPrediction = {
    t: tl,
    sigmaT: Math.sqrt(Math.max(0, tt)),
    lat,
    lon,
    alt: terrainAlt,
    e,
    n,
    covEN: [
      [ee, en],
      [en, nn],
    ],
  };
  if (boost) out.boost = boost;
  return out;
}
