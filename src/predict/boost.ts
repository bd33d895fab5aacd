/**
 * Boost correction for launch-point prediction of rockets.
 *
 * A tracker sees a rocket only after burnout, and back-propagates it with the ballistic (unpowered) EKF
 * dynamics. During the boost the real rocket was accelerating from rest along the rail, so the ballistic
 * back-extrapolation, which flies the burnout state backwards as if it had always coasted, reaches the launch
 * altitude at the wrong place and time. The error is a property of the rocket type and of the trajectory
 * (launch elevation), so it is computed once per type from the catalogue model:
 *
 *   fly the catalogue trajectory (`fly`, no wind, ISA) at launch elevation ε → take the true state 0.5 s after
 *   burnout (κ true = i·π·d²/4/m_burnout) → back-propagate it with the EKF dynamics to the launch altitude →
 *   record, in the local horizontal frame of that ballistic ground point, the offset to the true launch point
 *   along the back-propagated azimuth (`along`, > 0 when the true launch point lies further downrange) and
 *   across it (`cross`), the launch-time offset dt = t_launch − t_ballistic (< 0: the rocket left earlier),
 *   and the flight-path angle γ of the back-propagated state at the ground.
 *
 * The table runs over ε from the type's minimum to its maximum elevation every 2.5°, the lowest interval in
 * fifths and the next in halves (28 trajectories for 5°…60°, ≈ 50 ms once per type, built lazily). A track's
 * launch prediction looks it up by γ — the quantity the back-propagation itself yields, monotonic in ε.
 *
 * What it holds (measured, docs/prediction.md): the real boost path stays above the ballistic one by a
 * nearly constant rise = along·tan γ (4.5 m for the 122 mm, 0.61 m for the 107 mm), so `along` ≈ rise/tan γ:
 * 181 m at 5° elevation, 22 m at 15°, 5 m at 45° for the 122 mm; dt ≈ −1.0 s (122 mm) and −0.36 s (107 mm).
 * Reference conditions: launch at 33.3° N 44.4° E, 0 m, azimuth 0° (north); changing them (1,000 m launch
 * altitude, latitude 0° or 60°, azimuth 90° or 270°) moves `along` by ≤ 0.08 m and dt by ≤ 0.5 ms.
 *
 * Model uncertainty (1σ, added to the launch covariance by predictLaunch): σ_along = 25 % of |along| + 0.5 m,
 * σ_cross = 0.5 m, σ_dt = 10 % of |dt| + 0.01 s. Why: inside the model the correction is good to < 0.5 m
 * (interpolation) and the reference conditions add < 0.1 m; the real spread is in the motor. Burn time
 * varies from round to round and with propellant temperature by several to ±10 %, and measured on the model a
 * 10 % longer burn moves `along` by +26 % and |dt| by +9.5 % (10 % shorter: −22 %, −9.5 %), while ±5 %
 * exhaust speed moves `along` by ≤ 2 % and a rail twice as long by ≤ 10 %. A 10 % 1σ burn-time spread is
 * what these σ encode.
 */
import { EnuFrame } from '../geo/wgs84.js';
import { THREAT_CATALOGUE, isRocket, type ThreatSpec } from '../physics/catalogue.js';
import type { ThreatType } from '../physics/threat-types.js';
import { fly } from '../physics/trajectory.js';
import { CROSSING, propagateToTerrain } from './impact.js';

/** One table node. */
export interface BoostEntry {
  /** launch elevation of the reference trajectory (degrees) */
  elevationDeg: number;
  /** flight-path angle of the ballistic back-extrapolation where it meets the launch altitude (rad) */
  gamma: number;
  /** true launch point − ballistic ground point, along the back-propagated azimuth (m) */
  along: number;
  /** along·tan γ: how far the real boost path stays above the ballistic one at the launch point (m) */
  rise: number;
  /** … and across it, positive to the right of the direction of flight (m) */
  cross: number;
  /** true launch time − ballistic ground time (s) */
  dt: number;
}

export interface BoostTable {
  type: ThreatType;
  /** sorted by gamma */
  entries: BoostEntry[];
}

/** Correction at a given γ, with its 1σ model uncertainty. */
export interface BoostCorrection {
  along: number;
  cross: number;
  dt: number;
  sigmaAlong: number;
  sigmaCross: number;
  sigmaDt: number;
}

export const BOOST_ELEVATION_STEP_DEG = 2.5;
/** relative and absolute parts of the model uncertainty (see the module comment) */
export const BOOST_SIGMA = { alongRel: 0.25, alongAbs: 0.5, cross: 0.5, dtRel: 0.1, dtAbs: 0.01 };

export interface BoostReference {
  lat: number;
  lon: number;
  alt: number;
  azimuthDeg: number;
}
export const BOOST_REFERENCE: BoostReference = { lat: 33.3, lon: 44.4, alt: 0, azimuthDeg: 0 };

/** How long after burnout the "tracked" state is taken (s): clear of the burnout discontinuity. */
const AFTER_BURNOUT = 0.5;
/** γ floor for along = rise/tan γ (a back-propagation that arrives flatter than this is not a rocket launch) */
const MIN_GAMMA = 0.5 * (Math.PI / 180);

/**
 * One table node: fly `spec` at `elevationDeg` from `ref` and compare the ballistic back-extrapolation of its
 * coasting state with the true launch point. Throws for a spec without a motor.
 */
export function boostEntry(spec: ThreatSpec, elevationDeg: number, ref: BoostReference = BOOST_REFERENCE): BoostEntry {
  if (!isRocket(spec)) throw new Error(`boostEntry: ${spec.type} has no motor`);
  const launch = { lat: ref.lat, lon: ref.lon, alt: ref.alt };
  const traj = fly(spec, launch, ref.azimuthDeg, elevationDeg, { terrainAlt: ref.alt, sampleDt: 0.05 });
  const tb = traj.burnout!.t;
  let i = 0;
  while (i < traj.times.length - 1 && traj.times[i]! < tb + AFTER_BURNOUT) i++;
  const frame = new EnuFrame(launch);
  const s = traj.states.subarray(6 * i, 6 * i + 6);
  const p = frame.ecefToEnu(s[0]!, s[1]!, s[2]!);
  const v = frame.vecEcefToEnu(s[3]!, s[4]!, s[5]!);
  const kappa = (spec.formFactor * Math.PI * spec.calibreM * spec.calibreM) / 4 / spec.burnoutMassKg!;
  const x = Float64Array.of(p[0]!, p[1]!, p[2]!, v[0]!, v[1]!, v[2]!, kappa);
  if (!propagateToTerrain(x, frame, ref.alt, -1, false, { maxTime: traj.times[i]! + 60 })) {
    throw new Error(`boostEntry: ${spec.type} at ${elevationDeg}° did not come back to the launch altitude`);
  }
  const xc = CROSSING.x;
  const tGround = traj.times[i]! + CROSSING.dt; // s after launch
  // Local horizontal frame at the ballistic ground point; azimuth of flight there.
  const g = frame.enuToGeodetic(xc[0]!, xc[1]!, xc[2]!);
  const local = new EnuFrame({ lat: g.lat, lon: g.lon, alt: ref.alt });
  const ve = frame.vecEnuToEcef(xc[3]!, xc[4]!, xc[5]!);
  const vl = local.vecEcefToEnu(ve[0]!, ve[1]!, ve[2]!);
  const hs = Math.hypot(vl[0]!, vl[1]!);
  const ux = vl[0]! / hs; // unit horizontal direction of flight (east, north)
  const uy = vl[1]! / hs;
  const o = frame.originEcef;
  const d = local.ecefToEnu(o[0]!, o[1]!, o[2]!); // true launch point in the local frame
  const gamma = Math.atan2(vl[2]!, hs);
  const along = d[0]! * ux + d[1]! * uy;
  return {
    elevationDeg,
    gamma,
    along,
    rise: along * Math.tan(gamma),
    cross: d[0]! * uy - d[1]! * ux,
    dt: 0 - tGround,
  };
}

/** The table for a spec over its elevation limits (computed afresh; see boostTable for the cached one). */
export function buildBoostTable(spec: ThreatSpec, ref: BoostReference = BOOST_REFERENCE, stepDeg = BOOST_ELEVATION_STEP_DEG): BoostTable {
  const { min, max } = spec.elevationDeg;
  const entries: BoostEntry[] = [];
  const n = Math.max(1, Math.round((max - min) / stepDeg));
  const h = (max - min) / n;
  for (let k = 0; k <= n; k++) {
    // the lowest elevations arrive flattest, where rise and dt bend most: first interval in fifths, second in halves
    const sub = k === 0 ? 5 : k === 1 ? 2 : 1;
    for (let j = 0; j < sub && (k < n || j === 0); j++) entries.push(boostEntry(spec, min + h * (k + j / sub), ref));
  }
  entries.sort((a, b) => a.gamma - b.gamma);
  return { type: spec.type, entries };
}

const CACHE = new Map<ThreatType, BoostTable>();

/** The cached table of a catalogue rocket type (built on first use); undefined for a type without a motor. */
export function boostTable(type: ThreatType): BoostTable | undefined {
  const spec = THREAT_CATALOGUE[type];
  if (!isRocket(spec)) return undefined;
  let t = CACHE.get(type);
  if (!t) {
    t = buildBoostTable(spec);
    CACHE.set(type, t);
  }
  return t;
}

/**
 * Correction at flight-path angle γ (rad). Interpolated linearly in γ are the rise = along·tan γ (the height
 * by which the real boost path stays above the ballistic one at the launch point: nearly constant, 4.5 m for
 * the 122 mm and 0.61 m for the 107 mm over all elevations, so the interpolation error is a few cm where
 * `along` itself, ∝ 1/tan γ, would be off by 27 m at 6°), the cross offset and dt; along = rise/tan γ.
 * Outside the table the end values are held and σ_along grows by 2 % of |along| per degree outside.
 */
export function boostCorrection(table: BoostTable, gamma: number, out?: BoostCorrection): BoostCorrection {
  const e = table.entries;
  const r = out ?? { along: 0, cross: 0, dt: 0, sigmaAlong: 0, sigmaCross: 0, sigmaDt: 0 };
  const first = e[0]!;
  const last = e[e.length - 1]!;
  let rise: number;
  let cross: number;
  let dt: number;
  let outside = 0; // degrees beyond the table
  if (e.length === 1 || gamma <= first.gamma || gamma >= last.gamma) {
    const end = gamma <= first.gamma ? first : last;
    rise = end.rise;
    cross = end.cross;
    dt = end.dt;
    outside = Math.abs(gamma - end.gamma) * (180 / Math.PI);
  } else {
    let k = 0;
    while (e[k + 1]!.gamma < gamma) k++;
    const a = e[k]!;
    const b = e[k + 1]!;
    const w = (gamma - a.gamma) / (b.gamma - a.gamma);
    rise = a.rise + w * (b.rise - a.rise);
    cross = a.cross + w * (b.cross - a.cross);
    dt = a.dt + w * (b.dt - a.dt);
  }
  const along = rise / Math.tan(Math.max(gamma, MIN_GAMMA));
  r.along = along;
  r.cross = cross;
  r.dt = dt;
  r.sigmaAlong = (BOOST_SIGMA.alongRel + 0.02 * outside) * Math.abs(along) + BOOST_SIGMA.alongAbs;
  r.sigmaCross = BOOST_SIGMA.cross;
  r.sigmaDt = BOOST_SIGMA.dtRel * Math.abs(dt) + BOOST_SIGMA.dtAbs;
  return r;
}
