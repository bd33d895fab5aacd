/**
 * The predictor's propagator (src/predict/impact.ts) runs on the ballistic filter's own dynamics evaluator
 * (track/ballistic-ekf.ts: evalDynamics, rk4Step), the one implementation BallisticEkf.predict and
 * ballisticRhs / ballisticJacobian use too. Held here to exact references and to itself:
 *  - the evaluator's two shortcuts: the tabulated ISA pressure (through ballisticRhs, against
 *    physics/atmosphere.ts's density) and, in one RK4 step, the stage heights from their expansion about the
 *    step start (against classical RK4 of ballisticRhs, exact height at every stage), with the stage
 *    Jacobian against ballisticJacobian at the stage point;
 *  - propagated to the terrain with fine steps it lands where plain RK4 of ballisticRhs does (which checks
 *    the stage-height expansion, the Cd-segment holding and the crossing search end to end);
 *  - the linearising and the plain propagation are the same map (the Monte Carlo tests rely on it);
 *  - its default 1 s steps against 0.02 s steps, impact and launch.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.js';
import { EnuFrame } from '../../src/geo/wgs84.js';
import { isaDensity, isaSpeedOfSound } from '../../src/physics/atmosphere.js';
import { G7, dragCoefficient } from '../../src/physics/drag.js';
import { type Trajectory } from '../../src/physics/trajectory.js';
import { CROSSING, predictImpact, propagateToTerrain, type DynamicsMet } from '../../src/predict/impact.js';
import { predictLaunch } from '../../src/predict/launch.js';
import {
  EVAL_POINT, EVAL_POINT_JAC, FJ, STEP_H, ballisticJacobian, ballisticRhs, beginStep, evalDynamics, rk4Step, setDynamics,
} from '../../src/track/ballistic-ekf.js';
import { NX, SITE, frame, rk4Reference, flyFrom, truthState, diagP } from './helpers.js';


/** Random states (site ENU of fr) from −1 km to 34 km: through the troposphere, the stratosphere and past the pressure table. */
function randomState(rng: Rng): Float64Array {
  return Float64Array.of(
    20000 * rng.normal(), 20000 * rng.normal(), -1000 + 35000 * rng.uniform(),
    300 * rng.normal(), 300 * rng.normal(), 300 * rng.normal(), 2e-4 * Math.exp(rng.normal()),
  );
}

const SITES = [SITE, { lat: -60, lon: -120, alt: 1500 }, { lat: 0.5, lon: 10, alt: 0 }];

describe("the evaluator's shortcuts against the exact model", () => {
  it('tabulated ISA pressure: the drag of ballisticRhs is ½ρ|v − w|²·Cd·κ of physics/atmosphere to 1e-9 relative (random states, three sites, with and without met)', () => {
    const rng = new Rng(1, 'dynamics');
    const o = new Float64Array(NX);
    const dragFree = new Float64Array(NX);
    let worst = 0;
    for (const site of SITES) {
      const fr = new EnuFrame(site);
      for (let k = 0; k < 500; k++) {
        const x = randomState(rng);
        const met: DynamicsMet | undefined = k % 2 ? { wind: { east: 10 * rng.normal(), north: 10 * rng.normal() }, temperatureOffsetK: 15 * rng.normal() } : undefined;
        ballisticRhs(x, fr, o, met);
        ballisticRhs(Float64Array.of(...x.subarray(0, 6), 0), fr, dragFree, met);
        const drag = Math.hypot(o[3]! - dragFree[3]!, o[4]! - dragFree[4]!, o[5]! - dragFree[5]!);
        const dT = met?.temperatureOffsetK ?? 0;
        const h = fr.heightOf(x[0]!, x[1]!, x[2]!);
        const u = Math.hypot(x[3]! - (met?.wind?.east ?? 0), x[4]! - (met?.wind?.north ?? 0), x[5]!);
        const expected = 0.5 * isaDensity(h, dT) * u * u * dragCoefficient(G7, u / isaSpeedOfSound(h, dT)) * x[6]!;
        worst = Math.max(worst, Math.abs(drag / expected - 1));
      }
    }
    expect(worst, `drag: ${worst}`).toBeLessThan(1e-9);
  });

  it('one RK4 step (stage heights from the expansion) equals classical RK4 of ballisticRhs, its midpoint Jacobian ballisticJacobian there; the Jacobian modes leave the state bit for bit', () => {
    const rng = new Rng(2, 'rk4 step');
    const xm = new Float64Array(NX);
    const ref = new Float64Array(NX);
    const out0 = new Float64Array(NX);
    const out1 = new Float64Array(NX);
    const out2 = new Float64Array(NX);
    const G = new Float64Array(NX * NX);
    // column scales: a typical state perturbation (m, m/s, m²/kg), so that the Jacobian's rows compare in m/s²
    const scale = [1e3, 1e3, 1e3, 1e2, 1e2, 1e2, 1e-3];
    let worstP = 0;
    let worstV = 0;
    let worstF = 0;
    for (const site of SITES) {
      const fr = new EnuFrame(site);
      for (let k = 0; k < 300; k++) {
        const x = randomState(rng);
        const met: DynamicsMet | undefined = k % 2 ? { wind: { east: 10 * rng.normal(), north: 10 * rng.normal() }, temperatureOffsetK: 15 * rng.normal() } : undefined;
        const h = k % 3 === 0 ? -1 : 1; // forwards and backwards (the launch propagation)
        rk4Reference(x, fr, h, ref, met, xm);
        ballisticJacobian(xm, fr, G, met);
        // Cd looked up by the Mach number at every stage, as ballisticRhs does (SEG = −1 after setDynamics)
        setDynamics(fr, met);
        evalDynamics(x, EVAL_POINT);
        beginStep();
        STEP_H[0] = h;
        rk4Step(x, out0, 0);
        rk4Step(x, out1, 1);
        const F = Float64Array.from(FJ);
        evalDynamics(x, EVAL_POINT_JAC); // stage 1's Jacobian, as BallisticEkf.predict starts a step
        rk4Step(x, out2, 2);
        expect(Array.from(out1)).toEqual(Array.from(out0));
        expect(Array.from(out2)).toEqual(Array.from(out0));
        worstP = Math.max(worstP, Math.hypot(out0[0]! - ref[0]!, out0[1]! - ref[1]!, out0[2]! - ref[2]!));
        worstV = Math.max(worstV, Math.hypot(out0[3]! - ref[3]!, out0[4]! - ref[4]!, out0[5]! - ref[5]!));
        expect(out0[6]).toBe(x[6]);
        for (let i = 0; i < 3; i++) {
          let rowScale = 0;
          for (let j = 0; j < NX; j++) rowScale = Math.max(rowScale, Math.abs(G[(3 + i) * NX + j]!) * scale[j]!);
          for (let j = 0; j < NX; j++) worstF = Math.max(worstF, (Math.abs(F[i * NX + j]! - G[(3 + i) * NX + j]!) * scale[j]!) / rowScale);
        }
      }
    }
    // Measured: 1.6e-9 m and 8.9e-9 m/s (the step's own truncation error is millimetres); a height expansion
    // without its curvature term would be off by ~|Δ|²/2R ≈ 4 cm at 700 m, 2e-5 m/s here. The stage Jacobian
    // sees the expansion's gradient for the normal, O(|Δ|²/R²) off the exact one: measured 2.8e-9.
    expect(worstP, `position: ${worstP} m`).toBeLessThan(1e-7);
    expect(worstV, `velocity: ${worstV} m/s`).toBeLessThan(1e-7);
    expect(worstF, `Jacobian: ${worstF}`).toBeLessThan(1e-8);
  });
});

/**
 * Plain RK4 of ballisticRhs with fixed steps h (Cd looked up by the Mach number, no knots, the exact height at
 * every stage) until the height crosses the terrain, then bisection on the last step: the crossing state.
 */
function referenceCrossing(x0: Float64Array, dir: 1 | -1, h: number, terrainAlt: number, met?: DynamicsMet): { x: Float64Array; dt: number } {
  const step = (x: Float64Array, dt: number, out: Float64Array): void => rk4Reference(x, frame, dt, out, met);
  const height = (x: Float64Array): number => frame.heightOf(x[0]!, x[1]!, x[2]!) - terrainAlt;
  let x = Float64Array.from(x0);
  const y = new Float64Array(NX);
  let t = 0;
  for (;;) {
    step(x, dir * h, y);
    if (height(y) <= 0) break;
    x = Float64Array.from(y);
    t += h;
  }
  let lo = 0;
  let hi = h;
  for (let it = 0; it < 60; it++) {
    const mid = 0.5 * (lo + hi);
    step(x, dir * mid, y);
    if (height(y) > 0) lo = mid;
    else hi = mid;
  }
  step(x, dir * lo, y);
  return { x: Float64Array.from(y), dt: dir * (t + lo) };
}

describe('the propagation to the terrain', () => {
  const cases: Array<[string, Trajectory, number]> = [
    ['120 mm mortar', flyFrom('mortar-120', -3000, 2000, 34, 100, 60), 12],
    ['122 mm rocket', flyFrom('rocket-122', -12000, 8000, 34, 120, 40), 8],
    ['107 mm rocket', flyFrom('rocket-107', -2000, -4000, 34, 20, 30), 6],
  ];
  for (const [name, traj, tRel] of cases) {
    it(`${name}: with 0.02 s steps, where plain RK4 of ballisticRhs at 0.005 s lands (1 cm, 0.1 ms), forwards and backwards`, () => {
      const x = truthState(traj, tRel);
      for (const dir of [1, -1] as const) {
        for (const met of [undefined, { wind: { east: 8, north: -5 }, temperatureOffsetK: 15 }] as const) {
          const ref = referenceCrossing(x, dir, 0.005, 34, met);
          expect(propagateToTerrain(x, frame, 34, dir, false, { step: 0.02, met })).toBe(true);
          const d = Math.hypot(CROSSING.x[0]! - ref.x[0]!, CROSSING.x[1]! - ref.x[1]!, CROSSING.x[2]! - ref.x[2]!);
          expect(d, `${name} dir ${dir}${met ? ' with met' : ''}: ${d} m`).toBeLessThan(0.01);
          expect(Math.abs(CROSSING.dt - ref.dt)).toBeLessThan(1e-4);
          expect(Math.hypot(CROSSING.x[3]! - ref.x[3]!, CROSSING.x[4]! - ref.x[4]!, CROSSING.x[5]! - ref.x[5]!)).toBeLessThan(0.01);
        }
      }
    });
  }

  it('the linearising and the plain propagation give the same crossing, bit for bit', () => {
    for (const [traj, tRel] of [[cases[0]![1], 12], [cases[1]![1], 30]] as const) {
      const x = truthState(traj, tRel);
      for (const dir of [1, -1] as const) {
        expect(propagateToTerrain(x, frame, 34, dir, true)).toBe(true);
        const a = Float64Array.from(CROSSING.x);
        const dtA = CROSSING.dt;
        expect(propagateToTerrain(x, frame, 34, dir, false)).toBe(true);
        expect(Array.from(CROSSING.x)).toEqual(Array.from(a));
        expect(CROSSING.dt).toBe(dtA);
      }
    }
  });
});

describe('default 1 s steps against 0.02 s steps', () => {
  it('impact within 0.05 m, launch within 0.5 m; σ within 0.5 % (impact) and 1.5 % (launch)', () => {
    const study: Array<[string, number[]]> = [
      ['mortar-120', [45, 80]],
      ['mortar-82', [60]],
      ['rocket-122', [10, 30, 55]],
      ['rocket-107', [30]],
    ];
    let worst = { imp: 0, lau: 0, simp: 0, slau: 0 };
    for (const [type, els] of study) {
      for (const el of els) {
        const traj = flyFrom(type, -3000, 2000, 34, 100, el);
        const t0 = traj.burnout ? traj.burnout.t + 1 : 1;
        for (let f = 0; f < 4; f++) {
          const x = truthState(traj, t0 + ((traj.impact.t - t0 - 2) * f) / 3);
          const P = diagP([20, 20, 20, 3, 3, 3, 0.1 * x[6]!]);
          const ri = predictImpact(x, P, 0, frame, 34)!;
          const fi = predictImpact(x, P, 0, frame, 34, { step: 0.02 })!;
          const rl = predictLaunch(x, P, 0, frame, 34)!;
          const fl = predictLaunch(x, P, 0, frame, 34, { step: 0.02 })!;
          const rel = (u: number, w: number): number => Math.abs(Math.sqrt(u / w) - 1);
          worst = {
            imp: Math.max(worst.imp, Math.hypot(ri.e - fi.e, ri.n - fi.n)),
            lau: Math.max(worst.lau, Math.hypot(rl.e - fl.e, rl.n - fl.n)),
            simp: Math.max(worst.simp, rel(ri.covEN[0][0], fi.covEN[0][0]), rel(ri.covEN[1][1], fi.covEN[1][1]), rel(ri.sigmaT ** 2, fi.sigmaT ** 2)),
            slau: Math.max(worst.slau, rel(rl.covEN[0][0], fl.covEN[0][0]), rel(rl.covEN[1][1], fl.covEN[1][1]), rel(rl.sigmaT ** 2, fl.sigmaT ** 2)),
          };
        }
      }
    }
    const msg = JSON.stringify(worst);
    expect(worst.imp, msg).toBeLessThan(0.05);
    expect(worst.lau, msg).toBeLessThan(0.5);
    expect(worst.simp, msg).toBeLessThan(0.005);
    expect(worst.slau, msg).toBeLessThan(0.015);
  });
});
