/**
 * Interceptor geometry: where a track will be (its ballistic path), and the earliest burst a gun can put on
 * it.
 *
 * Path: the track's state x = [e, n, u, vₑ, vₙ, vᵤ, κ] (site ENU) is propagated with the filter's own dynamics
 * (`ballisticRhs`, met passed through) by classical RK4 in fixed steps (policy default 0.25 s) until it is
 * below the terrain, and stored; between steps the position is the cubic Hermite interpolant of the stored
 * positions and velocities. Measured against a 0.01 s path: within 2 mm at 0.25 s, 8 mm at 0.5 s.
 *
 * Engagement envelope of a gun at time t (the target's position p(t), seen from the gun's own ENU frame, so
 * elevation is from the gun's local horizontal; everything through ECEF, no flat Earth):
 *   slant range ≤ maxRange,  elevation ≥ minElevationDeg,  geodetic height ≥ terrainAlt + minInterceptAlt
 * (never intercept lower: fragments and unexploded rounds would come down on the defended area).
 *
 * A burst starting at t_f is feasible when
 *   - the target is in the envelope during the whole burst [t_f, t_f + burstSeconds] (at both ends and at
 *     every search-grid point between: the gun must not be firing below the floor or beyond its range);
 *   - the gun can be ready: t_f ≥ t₀ + slew(t_f), t₀ = the engage order plus the reaction time (first burst)
 *     or the end of the look (follow-up bursts), slew(t_f) = angle between the gun's present pointing and the
 *     direction to the target at t_f, divided by slewDegPerSec.
 * The earliest feasible t_f is found by scanning a grid (default 0.05 s) from t₀ and refining the first
 * infeasible → feasible step by bisection (default to 0.1 ms). The aim point is the target's predicted
 * position at the middle of the burst, t_aim = t_f + burstSeconds/2: where the stream of rounds is centred.
 * The rounds' own time of flight is not modelled (a 20 mm round covers 2 km in ≈ 2 s; a real fire-control
 * computer leads the target by it, which shifts the firing time, not the envelope).
 */
import { hermiteState } from '../core/hermite.js';
import { DEG, EnuFrame, geodeticHeight, type Geodetic } from '../geo/wgs84.js';
import type { InterceptorConfig } from '../scenario/types.js';
import { ballisticRhs, type EkfMet } from '../track/ballistic-ekf.js';

const NX = 7;

// ---------------------------------------------------------------------------------------------------------
// The target's predicted path
// ---------------------------------------------------------------------------------------------------------

export interface PathOptions {
  /** RK4 step (s) */
  step: number;
  /** longest propagation (s) */
  maxTime: number;
  /** m above the ellipsoid: propagation stops once the target is below it */
  terrainAlt: number;
  met?: EkfMet;
}

const K1 = new Float64Array(NX);
const K2 = new Float64Array(NX);
const K3 = new Float64Array(NX);
const K4 = new Float64Array(NX);
const XS = new Float64Array(NX);
const XA = new Float64Array(NX);

/** A ballistic state propagated forward and stored: positions and velocities (site ENU) every `step` s. */
export class TargetPath {
  readonly frame: EnuFrame;
  /** UTC s of the first sample (the state's time) */
  readonly t0: number;
  readonly step: number;
  /** samples stored */
  readonly n: number;
  /** 6 per sample: e, n, u, vₑ, vₙ, vᵤ */
  readonly states: Float64Array;
  private readonly q = new Float64Array(3);

  constructor(x: ArrayLike<number>, t0: number, frame: EnuFrame, opts: PathOptions) {
    this.frame = frame;
    this.t0 = t0;
    const h = opts.step;
    this.step = h;
    const maxN = Math.max(2, Math.ceil(opts.maxTime / h) + 1);
    let states = new Float64Array(6 * Math.min(maxN, 1024));
    for (let i = 0; i < NX; i++) XA[i] = x[i]!;
    let n = 0;
    for (;;) {
      if (6 * (n + 1) > states.length) {
        const grown = new Float64Array(states.length * 2);
        grown.set(states);
        states = grown;
      }
      states.set(XA.subarray(0, 6), 6 * n);
      n++;
      if (!this.finiteState(XA) || this.heightAt(XA[0]!, XA[1]!, XA[2]!) < opts.terrainAlt || n >= maxN) break;
      rk4(XA, h, frame, opts.met);
    }
    this.n = n;
    this.states = states.subarray(0, 6 * n);
  }

  /** UTC s of the last sample (at or just below the terrain, or the propagation limit) */
  get tEnd(): number {
    return this.t0 + (this.n - 1) * this.step;
  }

  /** Position and velocity (site ENU) at UTC t into out[0..5]; false outside [t0, tEnd]. */
  at(t: number, out: Float64Array): boolean {
    const s = (t - this.t0) / this.step;
    if (!(s >= 0 && s <= this.n - 1)) return false;
    const i = Math.min(this.n - 2, Math.floor(s));
    if (i < 0) {
      out.set(this.states.subarray(0, 6));
      return true;
    }
    hermiteState(this.states, i, s - i, this.step, out);
    return true;
  }

  /** Geodetic height of a site-ENU point (m above the ellipsoid). */
  heightAt(e: number, n: number, u: number): number {
    const q = this.frame.enuToEcef(e, n, u, this.q);
    return geodeticHeight(q[0]!, q[1]!, q[2]!);
  }

  private finiteState(x: Float64Array): boolean {
    for (let i = 0; i < 6; i++) if (!Number.isFinite(x[i]!)) return false;
    return true;
  }
}

/** One classical RK4 step of h in place on XA (7-state, EKF dynamics). */
function rk4(x: Float64Array, h: number, frame: EnuFrame, met: EkfMet | undefined): void {
  ballisticRhs(x, frame, K1, met);
  for (let i = 0; i < NX; i++) XS[i] = x[i]! + 0.5 * h * K1[i]!;
  ballisticRhs(XS, frame, K2, met);
  for (let i = 0; i < NX; i++) XS[i] = x[i]! + 0.5 * h * K2[i]!;
  ballisticRhs(XS, frame, K3, met);
  for (let i = 0; i < NX; i++) XS[i] = x[i]! + h * K3[i]!;
  ballisticRhs(XS, frame, K4, met);
  const c = h / 6;
  for (let i = 0; i < NX; i++) x[i] = x[i]! + c * (K1[i]! + 2 * K2[i]! + 2 * K3[i]! + K4[i]!);
}

// ---------------------------------------------------------------------------------------------------------
// The gun
// ---------------------------------------------------------------------------------------------------------

/** Why no burst is possible (the first envelope condition that no time along the path meets). */
export type NoSolutionReason = 'range' | 'elevation' | 'altitude' | 'time';

export interface InterceptSolution {
  /** UTC s: burst start, aim time (burst middle), burst end */
  tFire: number;
  tAim: number;
  tEnd: number;
  /** aim point: site ENU (m) and geodetic */
  aimEnu: Float64Array;
  aim: Geodetic;
  /** slant range (m) and elevation (degrees) from the gun at tAim */
  range: number;
  elevationDeg: number;
  /** s spent slewing from the present pointing to the target at tFire */
  slewSeconds: number;
  /** unit vectors (gun ENU) of the line of fire at tFire and at tEnd (where the gun points after the burst) */
  dirFire: Float64Array;
  dirEnd: Float64Array;
}

export interface SearchOptions {
  searchStep: number;
  timeTolerance: number;
}

/** A gun's fixed geometry in a site frame: its own ENU frame, the map from the site ENU into it, its floor. */
export class Gun {
  readonly cfg: InterceptorConfig;
  readonly id: string;
  readonly frame: EnuFrame;
  /** m above the ellipsoid: terrainAlt + minInterceptAlt */
  readonly floorAlt: number;
  private readonly siteFrame: EnuFrame;
  /** d = M·p + b: a site-ENU point p in the gun's ENU */
  private readonly M = new Float64Array(9);
  private readonly b = new Float64Array(3);
  private readonly sinMinEl: number;
  private readonly s6 = new Float64Array(6);
  private readonly d3 = new Float64Array(3);
  private readonly q3 = new Float64Array(3);

  constructor(cfg: InterceptorConfig, siteFrame: EnuFrame, terrainAlt: number) {
    this.cfg = cfg;
    this.id = cfg.id;
    this.siteFrame = siteFrame;
    this.frame = new EnuFrame({ lat: cfg.lat, lon: cfg.lon, alt: cfg.alt });
    this.floorAlt = terrainAlt + cfg.minInterceptAlt;
    this.sinMinEl = Math.sin(cfg.minElevationDeg * DEG);
    const Rg = this.frame.r;
    const Rs = siteFrame.r;
    const og = this.frame.originEcef;
    const os = siteFrame.originEcef;
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        // (R_g·R_sᵀ)[i][j] = Σ_k R_g[i][k]·R_s[j][k]
        this.M[3 * i + j] = Rg[3 * i]! * Rs[3 * j]! + Rg[3 * i + 1]! * Rs[3 * j + 1]! + Rg[3 * i + 2]! * Rs[3 * j + 2]!;
      }
      this.b[i] = Rg[3 * i]! * (os[0]! - og[0]!) + Rg[3 * i + 1]! * (os[1]! - og[1]!) + Rg[3 * i + 2]! * (os[2]! - og[2]!);
    }
  }

  /** The site-ENU point (e, n, u) in the gun's ENU, into out. */
  toGun(e: number, n: number, u: number, out: Float64Array): Float64Array {
    const M = this.M;
    out[0] = M[0]! * e + M[1]! * n + M[2]! * u + this.b[0]!;
    out[1] = M[3]! * e + M[4]! * n + M[5]! * u + this.b[1]!;
    out[2] = M[6]! * e + M[7]! * n + M[8]! * u + this.b[2]!;
    return out;
  }

  /** Unit vector of a pointing given in degrees (azimuth clockwise from north, elevation), gun ENU. */
  static direction(azDeg: number, elDeg: number, out = new Float64Array(3)): Float64Array {
    const az = azDeg * DEG;
    const el = elDeg * DEG;
    out[0] = Math.cos(el) * Math.sin(az);
    out[1] = Math.cos(el) * Math.cos(az);
    out[2] = Math.sin(el);
    return out;
  }

  /**
   * Envelope code of the target at UTC t on the path: 0 inside; else the first condition it fails: 1 beyond
   * maxRange (or not on the path), 2 below minimum elevation, 3 below the floor. The gun-ENU vector is left in
   * this.d3.
   */
  private envelope(path: TargetPath, t: number): number {
    const s = this.s6;
    if (!path.at(t, s)) return 1;
    const d = this.toGun(s[0]!, s[1]!, s[2]!, this.d3);
    const r2 = d[0]! * d[0]! + d[1]! * d[1]! + d[2]! * d[2]!;
    const rMax = this.cfg.maxRange;
    if (r2 > rMax * rMax) return 1;
    if (d[2]! < this.sinMinEl * Math.sqrt(r2)) return 2;
    const q = this.siteFrame.enuToEcef(s[0]!, s[1]!, s[2]!, this.q3);
    if (geodeticHeight(q[0]!, q[1]!, q[2]!) < this.floorAlt) return 3;
    return 0;
  }

  /** Whether the target is in the envelope at t (exported for tests and reports). */
  inEnvelope(path: TargetPath, t: number): boolean {
    return this.envelope(path, t) === 0;
  }

  /** Unit direction (gun ENU) to the target at t into out; false when t is off the path. */
  directionAt(path: TargetPath, t: number, out: Float64Array): boolean {
    const s = this.s6;
    if (!path.at(t, s)) return false;
    const d = this.toGun(s[0]!, s[1]!, s[2]!, out);
    const r = Math.hypot(d[0]!, d[1]!, d[2]!);
    if (!(r > 0)) return false;
    out[0] = d[0]! / r;
    out[1] = d[1]! / r;
    out[2] = d[2]! / r;
    return true;
  }

  /**
   * The earliest feasible burst on the path (see the module comment): the gun is free to slew from
   * `pointing` (unit vector, gun ENU) at `tReady` (UTC s; reaction already included). Returns the solution,
   * or the reason there is none.
   */
  solve(path: TargetPath, tReady: number, pointing: Float64Array, opts: SearchOptions): InterceptSolution | NoSolutionReason {
    const burst = this.cfg.burstSeconds;
    const rate = this.cfg.slewDegPerSec * DEG;
    const t0 = Math.max(tReady, path.t0);
    const tLast = path.tEnd - burst;
    const dir = new Float64Array(3);
    // slew time to the target at t (Infinity when off the path)
    const slew = (t: number): number => {
      if (!this.directionAt(path, t, dir)) return Infinity;
      const c = pointing[0]! * dir[0]! + pointing[1]! * dir[1]! + pointing[2]! * dir[2]!;
      const cx = pointing[1]! * dir[2]! - pointing[2]! * dir[1]!;
      const cy = pointing[2]! * dir[0]! - pointing[0]! * dir[2]!;
      const cz = pointing[0]! * dir[1]! - pointing[1]! * dir[0]!;
      return Math.atan2(Math.hypot(cx, cy, cz), c) / rate;
    };
    if (!(tLast >= t0)) return this.reasonOver(path);
    const dt = opts.searchStep;
    const nGrid = Math.floor((tLast + burst - t0) / dt) + 1;
    // envelope on the grid τ_k = t0 + k·dt; bad[k] = how many of τ_0 … τ_{k−1} are outside it
    const bad = new Int32Array(nGrid + 1);
    for (let k = 0; k < nGrid; k++) bad[k + 1] = bad[k]! + (this.envelope(path, t0 + k * dt) === 0 ? 0 : 1);
    /** every grid sample strictly inside (a, b) is in the envelope */
    const interiorOk = (a: number, b: number): boolean => {
      const k0 = Math.max(0, Math.floor((a - t0) / dt) + 1);
      const k1 = Math.min(nGrid - 1, Math.ceil((b - t0) / dt) - 1);
      return k1 < k0 || bad[k1 + 1]! - bad[k0]! === 0;
    };
    const feasible = (t: number): boolean =>
      t <= tLast &&
      this.envelope(path, t) === 0 &&
      this.envelope(path, t + burst) === 0 &&
      interiorOk(t, t + burst) &&
      t >= tReady + slew(t) - 1e-12;
    for (let k = 0; k < nGrid; k++) {
      const t = t0 + k * dt;
      if (t > tLast) break;
      if (bad[k + 1]! - bad[k]! !== 0 || !feasible(t)) continue;
      if (k === 0) return this.solution(path, t, slew(t));
      // the previous grid time was infeasible: bisect for the first feasible time in (τ_{k−1}, τ_k]
      let lo = t - dt;
      let hi = t;
      while (hi - lo > opts.timeTolerance) {
        const mid = 0.5 * (lo + hi);
        if (feasible(mid)) hi = mid;
        else lo = mid;
      }
      return this.solution(path, hi, slew(hi));
    }
    return this.reasonOver(path);
  }

  /**
   * Why there is no solution: the furthest any point of the path gets through the envelope's conditions in
   * order (range, elevation, floor). 'time' when the envelope is entered but no burst fits after the gun can
   * be ready (or the stay is shorter than a burst).
   */
  private reasonOver(path: TargetPath): NoSolutionReason {
    const PROGRESS = [3, 0, 1, 2]; // envelope code → conditions passed
    let best = 0;
    for (let t = path.t0; t <= path.tEnd + 1e-9 && best < 3; t += 0.05) {
      best = Math.max(best, PROGRESS[this.envelope(path, Math.min(t, path.tEnd))]!);
    }
    return (['range', 'elevation', 'altitude', 'time'] as const)[best]!;
  }

  private solution(path: TargetPath, tFire: number, slewSeconds: number): InterceptSolution {
    const burst = this.cfg.burstSeconds;
    const tAim = tFire + burst / 2;
    const s = new Float64Array(6);
    path.at(tAim, s);
    const aimEnu = Float64Array.of(s[0]!, s[1]!, s[2]!);
    const d = this.toGun(s[0]!, s[1]!, s[2]!, new Float64Array(3));
    const range = Math.hypot(d[0]!, d[1]!, d[2]!);
    const dirFire = new Float64Array(3);
    const dirEnd = new Float64Array(3);
    this.directionAt(path, tFire, dirFire);
    this.directionAt(path, tFire + burst, dirEnd);
    return {
      tFire,
      tAim,
      tEnd: tFire + burst,
      aimEnu,
      aim: this.siteFrame.enuToGeodetic(s[0]!, s[1]!, s[2]!),
      range,
      elevationDeg: Math.asin(d[2]! / range) / DEG,
      slewSeconds,
      dirFire,
      dirEnd,
    };
  }
}
