/**
 * Interceptor geometry (src/engage/geometry.ts) against hand-computed cases. The targets are drag-free (κ = 0)
 * so that a flat-Earth closed form with the local normal gravity (and, for an eastbound target, the Eötvös
 * term 2ω·vₑ·cos φ) is the reference; what that form neglects (Earth curvature, the horizontal Coriolis term)
 * is well under a metre over these ranges.
 */
import { describe, expect, it } from 'vitest';
import { Gun, TargetPath } from '../../src/engage/geometry.js';
import { DEFAULT_ENGAGE_POLICY } from '../../src/engage/policy.js';
import { loadScenario } from '../../src/scenario/load.js';
import { buildTruth } from '../../src/scenario/truth.js';
import { EnuFrame } from '../../src/geo/wgs84.js';
import { G_LOCAL, OMEGA, ORIGIN, frame, gunCfg, truthState } from './helpers.js';

const SEARCH = DEFAULT_ENGAGE_POLICY;
const PATH = { step: SEARCH.pathStep, maxTime: 200, terrainAlt: 0 };
const NORTH_HORIZON = Gun.direction(0, 0);

/** Root of a continuous f on [a, b] with f(a)·f(b) < 0, by bisection. */
function bisect(f: (t: number) => number, a: number, b: number): number {
  let fa = f(a);
  for (let i = 0; i < 100; i++) {
    const m = 0.5 * (a + b);
    const fm = f(m);
    if (fm === 0) return m;
    if (fa * fm < 0) b = m;
    else {
      a = m;
      fa = fm;
    }
  }
  return 0.5 * (a + b);
}

describe('Gun.solve, hand-computed cases', () => {
  it('a round falling straight down on the gun: fire at reaction + slew (90° at 100°/s), aim at the burst middle', () => {
    const gun = new Gun(gunCfg(), frame, 0);
    const path = new TargetPath([0, 0, 1500, 0, 0, -50, 0], 0, frame, PATH);
    const sol = gun.solve(path, 2, NORTH_HORIZON, SEARCH);
    if (typeof sol === 'string') throw new Error(sol);
    // the gun points at the northern horizon, the target is at the zenith: 90° → 0.9 s after the 2 s reaction
    expect(sol.tFire).toBeCloseTo(2.9, 3);
    expect(sol.slewSeconds).toBeCloseTo(0.9, 4);
    expect(sol.tAim).toBeCloseTo(3.65, 3);
    expect(sol.tEnd).toBeCloseTo(4.4, 3);
    // u(3.65) = 1500 − 50·3.65 − ½·g·3.65²
    const u = 1500 - 50 * 3.65 - 0.5 * G_LOCAL * 3.65 ** 2;
    expect(sol.aimEnu[2]!).toBeCloseTo(u, 0);
    expect(Math.hypot(sol.aimEnu[0]!, sol.aimEnu[1]!)).toBeLessThan(0.2);
    expect(sol.aim.alt).toBeCloseTo(u, 0);
    expect(sol.range).toBeCloseTo(u, 0);
    expect(sol.elevationDeg).toBeGreaterThan(89.99);
  });

  it('a target passing overhead from the west at 250 m/s: the burst starts when it enters the 2 km range', () => {
    const vE = 250;
    const gun = new Gun(gunCfg(), frame, 0);
    const path = new TargetPath([-5000, 0, 1500, vE, 0, 0, 0], 0, frame, PATH);
    const sol = gun.solve(path, 2, NORTH_HORIZON, SEARCH);
    if (typeof sol === 'string') throw new Error(sol);
    const g = G_LOCAL - 2 * OMEGA * vE * Math.cos(ORIGIN.lat * (Math.PI / 180)); // Eötvös: eastbound is lighter
    const e = (t: number): number => -5000 + vE * t;
    const u = (t: number): number => 1500 - 0.5 * g * t * t;
    const tIn = bisect((t) => Math.hypot(e(t), u(t)) - 2000, 5, 15);
    expect(tIn).toBeCloseTo(12.55, 1);
    expect(sol.tFire).toBeCloseTo(tIn, 2);
    expect(sol.tAim).toBeCloseTo(tIn + 0.75, 2);
    expect(sol.aimEnu[0]!).toBeCloseTo(e(tIn + 0.75), 0);
    expect(Math.abs(sol.aimEnu[2]! - u(tIn + 0.75))).toBeLessThan(1);
    expect(Math.abs(sol.aimEnu[1]!)).toBeLessThan(3); // the horizontal Coriolis drift (−2ω·vₑ·sin φ)
    expect(sol.range).toBeLessThan(2000);
    // slew from the northern horizon to the line of sight at the burst start (west, ≈ 21° up) fits easily
    expect(sol.slewSeconds).toBeCloseTo(0.9, 1);
  });

  it('a target that never comes within maxRange: no solution (range)', () => {
    const gun = new Gun(gunCfg(), frame, 0);
    // passes 2.5 km north of the gun
    const path = new TargetPath([-2000, 2500, 1000, 250, 0, 0, 0], 0, frame, PATH);
    expect(gun.solve(path, 2, NORTH_HORIZON, SEARCH)).toBe('range');
    // the same pass 1.5 km north is in range
    const near = new TargetPath([-2000, 1500, 1000, 250, 0, 0, 0], 0, frame, PATH);
    expect(typeof gun.solve(near, 2, NORTH_HORIZON, SEARCH)).toBe('object');
  });

  it('a target in range only below minInterceptAlt: no solution (altitude); a lower floor allows it', () => {
    // diving in from the west: above 100 m only while farther than 2 km
    const x0 = [-4000, 0, 500, 300, 0, -40, 0];
    const path = new TargetPath(x0, 0, frame, PATH);
    const gun = new Gun(gunCfg({ minInterceptAlt: 100 }), frame, 0);
    expect(gun.solve(path, 0, NORTH_HORIZON, SEARCH)).toBe('altitude');
    let inRangeAbove = false;
    for (let t = 0; t < path.tEnd; t += 0.01) {
      const s = new Float64Array(6);
      path.at(t, s);
      if (Math.hypot(s[0]!, s[1]!, s[2]!) <= 2000 && s[2]! >= 100) inRangeAbove = true;
    }
    expect(inRangeAbove).toBe(false);
    // a gun that reaches 3 km catches it while it is still above 100 m
    const far = new Gun(gunCfg({ maxRange: 3000 }), frame, 0);
    const sol = far.solve(path, 0, NORTH_HORIZON, SEARCH);
    if (typeof sol === 'string') throw new Error(sol);
    expect(sol.aim.alt).toBeGreaterThanOrEqual(100);
  });

  it('never fires a burst that would end below the floor: the latest ready time is hand-computed', () => {
    const gun = new Gun(gunCfg(), frame, 0);
    const path = new TargetPath([0, 0, 1500, 0, 0, -50, 0], 0, frame, PATH);
    // the burst must end at u ≥ 100: 1500 − 50·t − ½·g·t² = 100 → t_end ≤ 12.556 s; minus the 1.5 s burst and
    // the 0.9 s slew from the northern horizon to the zenith: ready by 10.156 s at the latest
    const tEndMax = (-50 + Math.sqrt(2500 + 2 * G_LOCAL * 1400)) / G_LOCAL;
    const readyMax = tEndMax - 1.5 - 0.9;
    expect(readyMax).toBeCloseTo(10.156, 2);
    const sol = gun.solve(path, readyMax - 0.02, NORTH_HORIZON, SEARCH);
    if (typeof sol === 'string') throw new Error(sol);
    expect(sol.tFire).toBeCloseTo(readyMax - 0.02 + 0.9, 3);
    const s = new Float64Array(6);
    path.at(sol.tEnd, s);
    expect(s[2]!).toBeGreaterThanOrEqual(100);
    expect(gun.solve(path, readyMax + 0.02, NORTH_HORIZON, SEARCH)).toBe('time');
  });

  it('minimum elevation: a pass never more than 1.7° above the horizon is refused with minElevationDeg 2', () => {
    // 1.5–1.7 km out, apogee 45 m
    const path = new TargetPath([-1500, -800, 20, 0, 150, 22, 0], 0, frame, PATH);
    expect(new Gun(gunCfg({ minElevationDeg: 2, minInterceptAlt: 0 }), frame, 0).solve(path, 0, NORTH_HORIZON, SEARCH)).toBe('elevation');
    expect(typeof new Gun(gunCfg({ minElevationDeg: 1, minInterceptAlt: 0 }), frame, 0).solve(path, 0, NORTH_HORIZON, SEARCH)).toBe('object');
  });
});

describe('Gun.solve on a real 122 mm rocket at the US Embassy (green-zone.yaml, scenario 2021-12-19)', () => {
  const scenario = loadScenario('scenarios/2021-12-19-green-zone-rockets.yaml');
  const truth = buildTruth(scenario);
  const site = scenario.site;
  const siteFrame = new EnuFrame(site.origin);
  const r1 = truth.threats.find((t) => t.id === 'r1')!;
  const met = { wind: { east: scenario.environment.windEast, north: scenario.environment.windNorth }, temperatureOffsetK: scenario.environment.temperatureOffsetK };

  it('from a truth state 15 s before impact: a burst inside the envelope, above 100 m over the terrain', () => {
    const t = r1.impactTime - 15;
    const path = new TargetPath(truthState(r1, t, siteFrame), t, siteFrame, { step: SEARCH.pathStep, maxTime: 200, terrainAlt: site.terrainAlt, met });
    // the path lands where the truth lands (same dynamics up to the truth's interpolation): within a few metres
    const end = new Float64Array(6);
    path.at(path.tEnd, end);
    expect(path.tEnd).toBeGreaterThan(r1.impactTime - 0.2);
    const gun = new Gun(site.interceptors[0]!, siteFrame, site.terrainAlt);
    const sol = gun.solve(path, t + 2, Gun.direction(0, 2), SEARCH);
    if (typeof sol === 'string') throw new Error(sol);
    expect(sol.range).toBeLessThanOrEqual(2000);
    expect(sol.aim.alt).toBeGreaterThanOrEqual(site.terrainAlt + 100);
    // the aim point is the truth's position at the aim time, to within a metre (no filter error here)
    const s = new Float64Array(6);
    r1.stateAt(sol.tAim, s);
    const p = siteFrame.ecefToEnu(s[0]!, s[1]!, s[2]!);
    expect(Math.hypot(p[0]! - sol.aimEnu[0]!, p[1]! - sol.aimEnu[1]!, p[2]! - sol.aimEnu[2]!)).toBeLessThan(1);
    // raising the floor to 1.5 km leaves nothing
    const high = new Gun({ ...site.interceptors[0]!, minInterceptAlt: 1500 }, siteFrame, site.terrainAlt);
    expect(high.solve(path, t + 2, Gun.direction(0, 2), SEARCH)).toBe('altitude');
  });
});
