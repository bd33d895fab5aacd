/**
 * Fire control in reverse: the azimuth and elevation(s) that put a threat's impact on a target point.
 *
 * Range against elevation is unimodal (see range.ts), so a given distance is reached on at most two branches:
 * the low angle (below the optimum elevation) and the high angle (above it), each only where the launcher's
 * elevation limits allow it. On each branch the elevation is found by a bracketed root (Illinois) on range;
 * the azimuth starts on the geodesic to the target and is corrected by the impact's azimuth error, which
 * absorbs cross-wind and Coriolis drift (both nearly independent of small azimuth changes), until the impact
 * lies within `tolM` of the target.
 */
import { InputError } from '../core/errors.js';
import { inverse } from '../geo/geodesic.js';
import { type ThreatSpec } from './catalogue.js';
import { maxRange } from './range.js';
import { fly, type FlyOptions, type LaunchPoint, type Trajectory } from './trajectory.js';

/** Target beyond (or short of) what the threat can reach from the launch point: bad input, exit 2. */
export class OutOfRangeError extends InputError {
  constructor(message: string, field = 'aim') {
    super(message, undefined, undefined, field);
    this.name = 'OutOfRangeError';
  }
}

export interface AimSolution {
  azimuthDeg: number;
  elevationDeg: number;
  trajectory: Trajectory;
  /** distance from the impact to the target (m) */
  missM: number;
}

export interface AimResult {
  /** geodesic distance launch → target (m) */
  distanceM: number;
  /** azimuth of the low solution if any, otherwise of the high one (degrees) */
  azimuthDeg: number;
  low?: AimSolution;
  high?: AimSolution;
}

export interface AimOptions extends FlyOptions {
  /** required accuracy of the impact on the target (m). Default 0.5. */
  tolM?: number;
}

const km = (m: number): string => (m / 1000).toFixed(1);

/** Signed smallest difference a − b of two angles in degrees, in (−180, 180]. */
function angleDiff(a: number, b: number): number {
  let d = (a - b) % 360;
  if (d > 180) d -= 360;
  if (d <= -180) d += 360;
  return d;
}

/** Root of f on [a, b] with f(a), f(b) of opposite signs, to |f| < tol (Illinois regula falsi). */
function illinois(f: (x: number) => number, a: number, b: number, fa: number, fb: number, tol: number): number {
  let side = 0;
  let x = a;
  for (let i = 0; i < 80; i++) {
    x = (a * fb - b * fa) / (fb - fa);
    const fx = f(x);
    if (Math.abs(fx) < tol || Math.abs(b - a) < 1e-10) return x;
    if (fx > 0 === fa > 0) {
      a = x;
      fa = fx;
      if (side === 1) fb /= 2;
      side = 1;
    } else {
      b = x;
      fb = fx;
      if (side === -1) fa /= 2;
      side = -1;
    }
  }
  return x;
}

/**
 * Solve for the low- and high-angle solutions hitting `target` (degrees) from `launch`. Throws
 * OutOfRangeError when neither branch reaches it.
 */
export function solveAim(spec: ThreatSpec, launch: LaunchPoint, target: { lat: number; lon: number }, opts: AimOptions): AimResult {
  const tolM = opts.tolM ?? 0.5;
  const flyOpts: FlyOptions = { ...opts };
  const geo = inverse(launch.lat, launch.lon, target.lat, target.lon);
  const D = geo.distance;
  const az0 = geo.azimuth1Deg;
  const { min, max } = spec.elevationDeg;
  const best = maxRange(spec, flyOpts, launch, az0);
  if (D > best.rangeM) {
    throw new OutOfRangeError(`target ${km(D)} km away is beyond ${spec.type} maximum range ${km(best.rangeM)} km`);
  }

  const solveBranch = (lo: number, hi: number): AimSolution | undefined => {
    let az = az0;
    let el = NaN;
    for (let outer = 0; outer < 10; outer++) {
      // Range error along this azimuth, as the impact's distance from the launcher.
      const f = (e: number): number => fly(spec, launch, az, e, { ...flyOpts, sampleDt: 1 }).impact.rangeM - D;
      const flo = f(lo);
      const fhi = f(hi);
      if (flo > 0 === fhi > 0) {
        // Both ends on one side: D lies beyond this branch (or just at its end within tolerance).
        if (Math.abs(flo) < tolM) el = lo;
        else if (Math.abs(fhi) < tolM) el = hi;
        else return undefined;
      } else el = illinois(f, lo, hi, flo, fhi, tolM / 20);
      const traj = fly(spec, launch, az, el, flyOpts);
      const miss = inverse(traj.impact.lat, traj.impact.lon, target.lat, target.lon).distance;
      if (miss < tolM) return { azimuthDeg: az, elevationDeg: el, trajectory: traj, missM: miss };
      az = az + angleDiff(az0, traj.impact.azimuthDeg);
    }
    return undefined;
  };

  const result: AimResult = { distanceM: D, azimuthDeg: az0 };
  if (best.elevationDeg - min > 0.01) {
    const low = solveBranch(min, best.elevationDeg);
    if (low) result.low = low;
  }
  if (max - best.elevationDeg > 0.01) {
    const high = solveBranch(best.elevationDeg, max);
    if (high) result.high = high;
  }
  const first = result.low ?? result.high;
  if (!first) {
    throw new OutOfRangeError(`target ${km(D)} km away is closer than ${spec.type} can reach within elevations ${min}°–${max}°`);
  }
  result.azimuthDeg = first.azimuthDeg;
  return result;
}
