/**
 * The equations of motion of a point-mass threat (3-DOF), as a pure right-hand side the integrator, the
 * tracker and the predictor can all call.
 *
 * Frame: Earth-centred, Earth-fixed (ECEF), rotating with the Earth. Why ECEF rather than the site's ENU
 * plane: gravity, height above the ellipsoid and therefore air density come out right everywhere along a
 * 20 km flight with no flat-earth approximation (a tangent plane is ≈31 m below the ellipsoid at 20 km), and
 * the tracker and radar model already speak ECEF. Positions are ~6.4e6 m, so a double still resolves 1 nm.
 *
 *   dv/dt = T/m·v̂ − ½ρ(h)·|v−w|·(v−w)·S·Cd(M)/m + g(r) − 2Ω×v − Ω×(Ω×r),   dr/dt = v
 *
 * Gravity models:
 * - 'wgs84' (default): GM/r² plus the J2 (oblateness) term, with the Earth's rotation (Coriolis and
 *   centrifugal terms). Together these make "down" the ellipsoid normal to within arc-seconds, as a real
 *   plumb line is. Measured for a 122 mm rocket at 45° (20.2 km, 70 s) from Baghdad: the impact moves by
 *   27 m firing north and 134 m firing east (Coriolis/Eötvös, 0.7 % of range) against plain central gravity
 *   in a non-rotating frame, so the "< 0.1 % of range" often quoted for Coriolis does not hold here.
 * - 'central': GM/r² towards the centre in a non-rotating frame: the exact two-body problem, used by the
 *   tests that compare drag-free flight with Kepler's closed form.
 *
 * Wind is constant in ECEF (a fixed east/north vector at the launch site; the local frame turns by only 0.2°
 * over 20 km). Thrust acts along the velocity (the rocket flies nose-first); on the rail, along the rail.
 */
import { WGS84_A, WGS84_B, WGS84_GM, WGS84_OMEGA } from '../geo/wgs84.js';
import { isaDensityAndSound } from './atmosphere.js';
import { dragCoefficient, type DragTable } from './drag.js';

/** WGS-84 second zonal harmonic (unnormalised). */
export const WGS84_J2 = 1.08262982e-3;

export type GravityModel = 'wgs84' | 'central';

/**
 * Everything the right-hand side needs besides the state. Mutable on purpose: the integrator flips the phase
 * flags (`onRail`, `boosting`) between steps so that a step never straddles a discontinuity.
 */
export interface RhsParams {
  gm: number;
  /** J2 coefficient (0 for 'central') */
  j2: number;
  /** Earth rotation rate (rad/s, 0 for 'central') */
  omega: number;
  /** S·i: reference area times form factor (m²); the drag coefficient is this times table Cd */
  areaForm: number;
  dragTable: DragTable;
  /** wind in ECEF (m/s) */
  windX: number;
  windY: number;
  windZ: number;
  /** temperature offset (K) */
  tempOffsetK: number;
  /** launch mass (kg) */
  m0: number;
  /** mass flow during the burn (kg/s), 0 when unpowered */
  mdot: number;
  /** burn time (s), 0 when unpowered */
  burnTime: number;
  /** thrust (N) while burning */
  thrust: number;
  /** true while the motor burns: the integrator clears it exactly at burnTime */
  boosting: boolean;
  /** true while the rocket is held by its rail: acceleration is projected on the rail direction */
  onRail: boolean;
  /** rail (launch) direction, unit ECEF vector */
  railX: number;
  railY: number;
  railZ: number;
  /** when false, drag is switched off (test hook for closed-form checks) */
  drag: boolean;
  /** scratch for the atmosphere lookup */
  readonly air: Float64Array;
}

/** Mass (kg) at time t since ignition. */
export function massAt(p: RhsParams, t: number): number {
  const tb = t < p.burnTime ? t : p.burnTime;
  return p.m0 - p.mdot * (tb > 0 ? tb : 0);
}

/**
 * A fast height above the ellipsoid for the atmosphere: distance from the centre minus the ellipsoid's radius
 * along the same ray. It differs from the geodetic height by a factor 1/cos(δ) with δ ≤ 0.19° the angle
 * between the ray and the normal (≤ 6 cm at 10 km), which is nothing for air density; events (impact) use
 * the exact `geodeticHeight` instead.
 */
export function radialHeight(x: number, y: number, z: number): number {
  const p2 = x * x + y * y;
  const r = Math.sqrt(p2 + z * z);
  const R = (WGS84_A * WGS84_B * r) / Math.sqrt(WGS84_B * WGS84_B * p2 + WGS84_A * WGS84_A * z * z);
  return r - R;
}

export { geodeticHeight } from '../geo/wgs84.js';

/** Fresh parameters with the gravity model set and everything else neutral (no drag area, no motor). */
export function makeRhsParams(gravity: GravityModel, dragTable: DragTable): RhsParams {
  const central = gravity === 'central';
  return {
    gm: WGS84_GM,
    j2: central ? 0 : WGS84_J2,
    omega: central ? 0 : WGS84_OMEGA,
    areaForm: 0,
    dragTable,
    windX: 0,
    windY: 0,
    windZ: 0,
    tempOffsetK: 0,
    m0: 1,
    mdot: 0,
    burnTime: 0,
    thrust: 0,
    boosting: false,
    onRail: false,
    railX: 0,
    railY: 0,
    railZ: 1,
    drag: true,
    air: new Float64Array(2),
  };
}

/**
 * The right-hand side: out = d/dt [x, y, z, vx, vy, vz] at state s and time t (s since ignition).
 * Pure apart from writing `out` and the scratch in `p.air`; no allocation. `out` must not alias `s`.
 */
export function derivatives(s: Float64Array, t: number, p: RhsParams, out: Float64Array): void {
  const x = s[0]!;
  const y = s[1]!;
  const z = s[2]!;
  const vx = s[3]!;
  const vy = s[4]!;
  const vz = s[5]!;
  const m = massAt(p, t);

  // Gravity: −GM/r³·r with the J2 correction (the standard closed form of the oblate potential's gradient).
  const r2 = x * x + y * y + z * z;
  const r = Math.sqrt(r2);
  const gmr3 = p.gm / (r2 * r);
  let ax: number;
  let ay: number;
  let az: number;
  if (p.j2 !== 0) {
    const k = 1.5 * p.j2 * ((WGS84_A * WGS84_A) / r2);
    const zr2 = (5 * z * z) / r2;
    const fxy = 1 + k * (1 - zr2);
    const fz = 1 + k * (3 - zr2);
    ax = -gmr3 * x * fxy;
    ay = -gmr3 * y * fxy;
    az = -gmr3 * z * fz;
  } else {
    ax = -gmr3 * x;
    ay = -gmr3 * y;
    az = -gmr3 * z;
  }

  // Rotating frame: Coriolis −2Ω×v and centrifugal −Ω×(Ω×r), with Ω along +z.
  const w = p.omega;
  if (w !== 0) {
    ax += 2 * w * vy + w * w * x;
    ay += -2 * w * vx + w * w * y;
  }

  // Drag on the air-relative velocity.
  if (p.drag && p.areaForm > 0) {
    const rx = vx - p.windX;
    const ry = vy - p.windY;
    const rz = vz - p.windZ;
    const vr = Math.sqrt(rx * rx + ry * ry + rz * rz);
    if (vr > 0) {
      isaDensityAndSound(radialHeight(x, y, z), p.tempOffsetK, p.air);
      const cd = dragCoefficient(p.dragTable, vr / p.air[1]!);
      const k = (-0.5 * p.air[0]! * vr * p.areaForm * cd) / m;
      ax += k * rx;
      ay += k * ry;
      az += k * rz;
    }
  }

  // Thrust along the velocity (along the rail while on it or before the rocket moves).
  if (p.boosting && p.thrust > 0) {
    const v = Math.sqrt(vx * vx + vy * vy + vz * vz);
    const a = p.thrust / m;
    if (p.onRail || v < 1e-9) {
      ax += a * p.railX;
      ay += a * p.railY;
      az += a * p.railZ;
    } else {
      ax += (a * vx) / v;
      ay += (a * vy) / v;
      az += (a * vz) / v;
    }
  }

  // On the rail only the component along it accelerates the rocket: the rail takes the rest.
  if (p.onRail) {
    const along = ax * p.railX + ay * p.railY + az * p.railZ;
    const a = along > 0 ? along : 0; // the rocket rests on the rail until thrust exceeds the pull back
    ax = a * p.railX;
    ay = a * p.railY;
    az = a * p.railZ;
  }

  out[0] = vx;
  out[1] = vy;
  out[2] = vz;
  out[3] = ax;
  out[4] = ay;
  out[5] = az;
}
