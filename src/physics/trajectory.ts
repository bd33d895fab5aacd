/**
 * Fly one threat: integrate the 3-DOF point mass (dynamics.ts) from the launcher to the ground.
 *
 * Phases, each a separate stretch of integration so no step straddles a discontinuity in the forces:
 * rail (rockets: acceleration only along the tube until the rocket has run its length) → boost (thrust until
 * the burn time, a step ends exactly there) → ballistic. Events (rail exit, impact) are located inside the
 * step where they happen: a root of the step's quintic Hermite interpolant, then polished by Newton on
 * states re-integrated from the step start, so the final state is a true integrator state at the event.
 */
import { hermiteState } from '../core/hermite.js';
import { InputError } from '../core/errors.js';
import { DEG, EnuFrame, ecefToGeodetic, geodeticToEcef } from '../geo/wgs84.js';
import { inverse } from '../geo/geodesic.js';
import { isRocket, type ThreatSpec } from './catalogue.js';
import { derivatives, geodeticHeight, makeRhsParams, type GravityModel, type RhsParams } from './dynamics.js';
import { dopri5Step, hermiteStep, makeStepWork, rk4Step, type StepWork } from './integrators.js';
import { goldenSectionMax } from '../core/golden.js';

export interface LaunchPoint {
  /** degrees */
  lat: number;
  /** degrees */
  lon: number;
  /** metres above the ellipsoid */
  alt: number;
}

export interface FlyOptions {
  /** terrain height above the ellipsoid (m) the impact is found against */
  terrainAlt: number;
  /** wind towards the east / north (m/s), constant with height */
  windEast?: number;
  windNorth?: number;
  /** ISA temperature offset (K) */
  tempOffsetK?: number;
  /**
   * fixed RK4 step (s), or 'adaptive' for Dormand–Prince 5(4) (default: as accurate as 10 ms RK4, a few mm
   * over 20 km, and 15–30× faster; see bench/physics.ts).
   */
  step?: number | 'adaptive';
  /** adaptive only: local error tolerance (m on positions, m/s on velocities). Default 1e-6. */
  tol?: number;
  /** sampling interval of the stored trajectory (s). Default 0.05. */
  sampleDt?: number;
  /** give up after this flight time (s). Default 400. */
  maxTime?: number;
  /** 'wgs84' (J2 + Earth rotation, default) or 'central' (two-body, non-rotating; for closed-form tests) */
  gravity?: GravityModel;
  /** false switches drag off (closed-form tests). Default true. */
  drag?: boolean;
}

export interface Impact {
  /** s after launch */
  t: number;
  /** degrees */
  lat: number;
  lon: number;
  /** m above the ellipsoid (equals terrainAlt to < 1 mm) */
  alt: number;
  /** ground-relative speed (m/s) */
  speed: number;
  ecef: Float64Array;
  /** geodesic distance from the launch point (m) */
  rangeM: number;
  /** geodesic azimuth from the launch point (degrees clockwise from north) */
  azimuthDeg: number;
}

export interface Trajectory {
  spec: ThreatSpec;
  launch: LaunchPoint;
  azimuthDeg: number;
  elevationDeg: number;
  terrainAlt: number;
  sampleDt: number;
  /** s after launch: 0, sampleDt, 2·sampleDt, …, and last exactly impact.t */
  times: Float64Array;
  /** 6 per sample: ECEF x, y, z (m), vx, vy, vz (m/s, Earth-fixed) */
  states: Float64Array;
  impact: Impact;
  /** highest point, m above the launch point */
  apogeeAlt: number;
  apogeeT: number;
  /** rockets: end of the burn */
  burnout?: { t: number; speed: number };
  /** rockets: leaving the rail */
  railExit?: { t: number; speed: number };
  /** integration steps taken (accepted) and right-hand-side evaluations: for benchmarks */
  steps: number;
}

/** Growable sample store. */
class Samples {
  times = new Float64Array(1024);
  states = new Float64Array(6 * 1024);
  n = 0;
  /** Reserve one slot and return its index. */
  push(t: number): number {
    if (this.n === this.times.length) {
      const t2 = new Float64Array(this.n * 2);
      t2.set(this.times);
      this.times = t2;
      const s2 = new Float64Array(this.n * 12);
      s2.set(this.states);
      this.states = s2;
    }
    this.times[this.n] = t;
    return this.n++;
  }
}

/**
 * Fly `spec` from `launch` at azimuth/elevation (degrees) until it meets the terrain height.
 * Throws InputError for impossible inputs and Error if the threat never comes down within maxTime.
 */
export function fly(spec: ThreatSpec, launch: LaunchPoint, azimuthDeg: number, elevationDeg: number, opts: FlyOptions): Trajectory {
  const terrain = opts.terrainAlt;
  const sampleDt = opts.sampleDt ?? 0.05;
  const maxTime = opts.maxTime ?? 400;
  const stepOpt = opts.step ?? 'adaptive';
  const adaptive = stepOpt === 'adaptive';
  const tol = opts.tol ?? 1e-6;
  if (!Number.isFinite(elevationDeg) || elevationDeg <= 0 || elevationDeg >= 90) {
    throw new InputError(`elevation ${elevationDeg}° must be between 0° and 90°`, undefined, undefined, 'elevation');
  }
  if (!Number.isFinite(azimuthDeg)) throw new InputError(`azimuth ${azimuthDeg} is not a number`, undefined, undefined, 'azimuth');
  if (!(sampleDt > 0)) throw new InputError(`sampleDt must be positive`, undefined, undefined, 'sampleDt');
  if (!adaptive && !(typeof stepOpt === 'number' && stepOpt > 0)) throw new InputError(`step must be positive or 'adaptive'`, undefined, undefined, 'step');
  if (launch.alt < terrain - 1e-6) {
    throw new InputError(`launch altitude ${launch.alt} m is below the terrain (${terrain} m)`, undefined, undefined, 'alt');
  }

  // Launch frame: rail direction and wind in ECEF.
  const frame = new EnuFrame(launch);
  const az = azimuthDeg * DEG;
  const el = elevationDeg * DEG;
  const u = frame.vecEnuToEcef(Math.cos(el) * Math.sin(az), Math.cos(el) * Math.cos(az), Math.sin(el));
  const p: RhsParams = makeRhsParams(opts.gravity ?? 'wgs84', spec.dragTable);
  p.drag = opts.drag ?? true;
  p.areaForm = ((Math.PI * spec.calibreM * spec.calibreM) / 4) * spec.formFactor;
  const wind = frame.vecEnuToEcef(opts.windEast ?? 0, opts.windNorth ?? 0, 0);
  p.windX = wind[0]!;
  p.windY = wind[1]!;
  p.windZ = wind[2]!;
  p.tempOffsetK = opts.tempOffsetK ?? 0;
  p.m0 = spec.massKg;
  p.railX = u[0]!;
  p.railY = u[1]!;
  p.railZ = u[2]!;
  const rocket = isRocket(spec);
  const railLength = rocket ? (spec.railLength ?? 0) : 0;
  if (rocket) {
    p.burnTime = spec.burnTime!;
    p.mdot = (spec.massKg - spec.burnoutMassKg!) / spec.burnTime!;
    p.thrust = p.mdot * spec.exhaustSpeed!;
    p.boosting = true;
  }
  p.onRail = railLength > 0;

  const origin = geodeticToEcef(launch.lat, launch.lon, launch.alt);
  let y = new Float64Array(6);
  let f = new Float64Array(6);
  let y1 = new Float64Array(6);
  let f1 = new Float64Array(6);
  const w = makeStepWork();
  y.set(origin);
  y[3] = spec.launchSpeed * u[0]!;
  y[4] = spec.launchSpeed * u[1]!;
  y[5] = spec.launchSpeed * u[2]!;
  derivatives(y, 0, p, f);

  const samples = new Samples();
  samples.states.set(y, 6 * samples.push(0));
  let k = 1; // next sample index
  const hFixed = adaptive ? 0 : sampleDt / Math.ceil(sampleDt / (stepOpt as number) - 1e-9);
  let hAd = 0.01;
  const maxStep = 2.0;
  let t = 0;
  let steps = 0;
  let burnout: { t: number; speed: number } | undefined;
  let railExit: { t: number; speed: number } | undefined;
  let apogeeH = launch.alt;
  let apogeeT = 0;
  let prevVn = 1;
  const normal = new Float64Array(3);
  let impacted = false;

  const takeStep = (h: number, out: Float64Array, fout: Float64Array): void => {
    if (adaptive) dopri5Step(y, f, t, h, p, w, out, fout, tol, tol);
    else rk4Step(y, f, t, h, p, w, out, fout);
  };

  while (t < maxTime) {
    let h: number;
    if (adaptive) h = hAd;
    else {
      // Stay on the grid n·hFixed (so samples coincide with steps), re-joining it after an event.
      const tEnd = (Math.floor(t / hFixed + 1e-7) + 1) * hFixed;
      h = tEnd - t;
    }
    let hitBurn = false;
    if (p.boosting && t + h >= p.burnTime - 1e-12) {
      h = p.burnTime - t;
      hitBurn = true;
    }
    if (t + h > maxTime) h = maxTime - t;
    takeStep(h, y1, f1);
    if (adaptive) {
      const err = w.err;
      if (err > 1) {
        hAd = h * Math.max(0.2, 0.9 * Math.pow(err, -0.2));
        continue;
      }
      hAd = Math.min(maxStep, h * Math.min(5, 0.9 * Math.pow(Math.max(err, 1e-10), -0.2)));
    }
    steps++;

    let event: 'rail' | 'impact' | undefined;
    const hNow = geodeticHeight(y1[0]!, y1[1]!, y1[2]!, normal);
    const vn1 = y1[3]! * normal[0]! + y1[4]! * normal[1]! + y1[5]! * normal[2]!;
    if (p.onRail) {
      const s1 = (y1[0]! - origin[0]!) * u[0]! + (y1[1]! - origin[1]!) * u[1]! + (y1[2]! - origin[2]!) * u[2]!;
      if (s1 >= railLength) event = 'rail';
    } else if (hNow < terrain && t > 0) event = 'impact';

    if (event) {
      // g(state) = 0 at the event; ġ from the velocity for Newton.
      const g = (s: Float64Array): number =>
        event === 'rail'
          ? (s[0]! - origin[0]!) * u[0]! + (s[1]! - origin[1]!) * u[1]! + (s[2]! - origin[2]!) * u[2]! - railLength
          : geodeticHeight(s[0]!, s[1]!, s[2]!, normal) - terrain;
      const gdot = (s: Float64Array): number =>
        event === 'rail'
          ? s[3]! * u[0]! + s[4]! * u[1]! + s[5]! * u[2]!
          : (geodeticHeight(s[0]!, s[1]!, s[2]!, normal), s[3]! * normal[0]! + s[4]! * normal[1]! + s[5]! * normal[2]!);
      const tau = locateEvent(y, f, y1, f1, h, g, gdot, takeStep);
      h = tau;
      hitBurn = hitBurn && Math.abs(tau - (p.burnTime - t)) < 1e-12;
    }

    const t1 = t + h;
    // Samples strictly inside the step by interpolation; one at the step end if it falls there.
    while (k * sampleDt < t1 - 1e-9) {
      const idx = samples.push(k * sampleDt);
      hermiteStep(y, f, y1, f1, h, (k * sampleDt - t) / h, samples.states, 6 * idx);
      k++;
    }
    if (event === 'impact' || Math.abs(k * sampleDt - t1) <= 1e-9) {
      const idx = samples.push(event === 'impact' ? t1 : k * sampleDt);
      samples.states.set(y1, 6 * idx);
      if (event !== 'impact') k++;
    }

    // Apogee: in the step where the vertical speed turns negative, refined on the interpolant.
    const h1 = event === 'impact' ? terrain : hNow;
    if (prevVn > 0 && vn1 <= 0) {
      const r = refineApogee(y, f, y1, f1, h);
      if (r.h > apogeeH) {
        apogeeH = r.h;
        apogeeT = t + r.s * h;
      }
    }
    if (h1 > apogeeH) {
      apogeeH = h1;
      apogeeT = t1;
    }
    prevVn = event === 'impact' ? -1 : vn1;

    t = t1;
    [y, y1] = [y1, y];
    [f, f1] = [f1, f];
    if (event === 'impact') {
      impacted = true;
      break;
    }
    let recompute = false;
    if (event === 'rail') {
      p.onRail = false;
      railExit = { t, speed: Math.hypot(y[3]!, y[4]!, y[5]!) };
      recompute = true;
    }
    if (hitBurn) {
      p.boosting = false;
      burnout = { t, speed: Math.hypot(y[3]!, y[4]!, y[5]!) };
      recompute = true;
    }
    if (recompute) derivatives(y, t, p, f);
  }
  if (!impacted) throw new Error(`${spec.type} did not come down within ${maxTime} s`);

  const n = samples.n;
  const states = samples.states.slice(0, 6 * n);
  const last = 6 * (n - 1);
  const g = ecefToGeodetic(states[last]!, states[last + 1]!, states[last + 2]!);
  const inv = inverse(launch.lat, launch.lon, g.lat, g.lon);
  const impact: Impact = {
    t,
    lat: g.lat,
    lon: g.lon,
    alt: g.alt,
    speed: Math.hypot(states[last + 3]!, states[last + 4]!, states[last + 5]!),
    ecef: states.slice(last, last + 3),
    rangeM: inv.distance,
    azimuthDeg: inv.azimuth1Deg,
  };
  const traj: Trajectory = {
    spec,
    launch: { ...launch },
    azimuthDeg,
    elevationDeg,
    terrainAlt: terrain,
    sampleDt,
    times: samples.times.slice(0, n),
    states,
    impact,
    apogeeAlt: apogeeH - launch.alt,
    apogeeT,
    steps,
  };
  if (burnout) traj.burnout = burnout;
  if (railExit) traj.railExit = railExit;
  return traj;
}

/**
 * Time into the step (0 < τ ≤ h) where g crosses zero: Illinois regula falsi on the step's interpolant, then
 * Newton on re-integrated states until |g| < 1 µm. On return y1/f1 hold the state at the event.
 */
function locateEvent(
  y0: Float64Array, f0: Float64Array, y1: Float64Array, f1: Float64Array, h: number,
  g: (s: Float64Array) => number, gdot: (s: Float64Array) => number,
  takeStep: (h: number, out: Float64Array, fout: Float64Array) => void,
): number {
  const tmp = new Float64Array(6);
  let a = 0;
  let b = 1;
  hermiteStep(y0, f0, y1, f1, h, a, tmp);
  let ga = g(tmp);
  let gb = g(y1);
  let side = 0;
  let s = 1;
  for (let i = 0; i < 60 && (b - a) * h > 1e-12; i++) {
    s = (a * gb - b * ga) / (gb - ga);
    hermiteStep(y0, f0, y1, f1, h, s, tmp);
    const gs = g(tmp);
    if (gs === 0) break;
    if ((gs > 0) === (ga > 0)) {
      a = s;
      ga = gs;
      if (side === 1) gb /= 2;
      side = 1;
    } else {
      b = s;
      gb = gs;
      if (side === -1) ga /= 2;
      side = -1;
    }
  }
  let tau = s * h;
  for (let i = 0; i < 6; i++) {
    takeStep(tau, y1, f1);
    const gv = g(y1);
    if (Math.abs(gv) < 1e-6) break;
    const d = gdot(y1);
    if (d === 0) break;
    tau = Math.min(h, Math.max(1e-12, tau - gv / d));
  }
  return tau;
}

/** Highest point inside a step, by golden-section search on the interpolant's height. */
function refineApogee(y0: Float64Array, f0: Float64Array, y1: Float64Array, f1: Float64Array, h: number): { s: number; h: number } {
  const tmp = new Float64Array(6);
  const height = (s: number): number => {
    hermiteStep(y0, f0, y1, f1, h, s, tmp);
    return geodeticHeight(tmp[0]!, tmp[1]!, tmp[2]!);
  };
  const { a, b } = goldenSectionMax(height, 0, 1, (_a, _b, i) => i >= 40);
  const s = (a + b) / 2;
  return { s, h: height(s) };
}

/**
 * State at tRel seconds after launch by cubic Hermite interpolation between stored samples (positions with
 * the velocities as derivatives; velocity is the derivative of that cubic). Writes 6 numbers into out and
 * returns true, or returns false outside [0, impact.t].
 */
export function stateAt(traj: Trajectory, tRel: number, out: Float64Array): boolean {
  const times = traj.times;
  const n = times.length;
  if (!(tRel >= 0 && tRel <= times[n - 1]!)) return false;
  let i = Math.min(n - 2, Math.floor(tRel / traj.sampleDt));
  while (i > 0 && times[i]! > tRel) i--;
  while (i < n - 2 && times[i + 1]! < tRel) i++;
  const t0 = times[i]!;
  const h = times[i + 1]! - t0;
  const s = h > 0 ? (tRel - t0) / h : 0;
  hermiteState(traj.states, i, s, h, out);
  return true;
}

export type { StepWork };
