/**
 * Met data in the ballistic EKF's dynamics: wind (constant with height, drag on the air-relative velocity)
 * and an ISA temperature offset. Checked three ways: the analytic Jacobian against central finite differences
 * of the right-hand side with the same met; the filter's prediction against the truth physics (`fly` with the
 * same wind and offset); and no met = zero met = today's still-air ISA model, bit for bit.
 */
import { describe, expect, it } from 'vitest';
import { EnuFrame } from '../../src/geo/wgs84.js';
import { isaDensity, isaSpeedOfSound } from '../../src/physics/atmosphere.js';
import { threatSpec } from '../../src/physics/catalogue.js';
import { G7, dragCoefficient } from '../../src/physics/drag.js';
import { fly } from '../../src/physics/trajectory.js';
import { BallisticEkf, NX, ballisticJacobian, ballisticRhs, type EkfMet } from '../../src/track/ballistic-ekf.js';
import { FD_STEPS, STATES_OFF_KNOTS, truthStateAt } from './helpers.js';

const frame = new EnuFrame({ lat: 33.3, lon: 44.395, alt: 34 });

// states away from the Cd table knots (a difference across a knot would see two slopes)
const STATES = STATES_OFF_KNOTS;
const STEPS = FD_STEPS;

const METS: EkfMet[] = [
  { wind: { east: 14, north: -9 }, temperatureOffsetK: 18 },
  { wind: { east: -20, north: 6 }, temperatureOffsetK: -25 },
  { wind: { east: 8, north: 11 } },
  { temperatureOffsetK: 12 },
];

/** Worst |F − FD| relative to each column's largest entry. */
function jacobianError(x: Float64Array, met: EkfMet): number {
  const F = new Float64Array(NX * NX);
  ballisticJacobian(x, frame, F, met);
  const a = new Float64Array(NX);
  const b = new Float64Array(NX);
  let worst = 0;
  for (let j = 0; j < NX; j++) {
    const xp = Float64Array.from(x);
    const xm = Float64Array.from(x);
    xp[j] = xp[j]! + STEPS[j]!;
    xm[j] = xm[j]! - STEPS[j]!;
    ballisticRhs(xp, frame, a, met);
    ballisticRhs(xm, frame, b, met);
    const fd = Array.from({ length: NX }, (_, i) => (a[i]! - b[i]!) / (2 * STEPS[j]!));
    const colMax = Math.max(...fd.map(Math.abs), ...Array.from({ length: NX }, (_, i) => Math.abs(F[i * NX + j]!)));
    if (colMax === 0) continue;
    for (let i = 0; i < NX; i++) worst = Math.max(worst, Math.abs(fd[i]! - F[i * NX + j]!) / colMax);
  }
  return worst;
}

describe('ballistic EKF with met data', () => {
  it('ballisticJacobian with wind and temperature offset matches central finite differences of ballisticRhs', () => {
    for (const met of METS) for (const x of STATES) expect(jacobianError(x, met), JSON.stringify(met)).toBeLessThan(1e-5);
  });

  /** |drag acceleration| of x under met, as the right-hand side minus the same state without drag. */
  function dragOf(x: Float64Array, met?: EkfMet): number {
    const o = new Float64Array(NX);
    const dragFree = new Float64Array(NX);
    ballisticRhs(x, frame, o, met);
    ballisticRhs(Float64Array.of(...x.subarray(0, 6), 0), frame, dragFree, met);
    return Math.hypot(o[3]! - dragFree[3]!, o[4]! - dragFree[4]!, o[5]! - dragFree[5]!);
  }
  /** ½·ρ·|u|²·Cd(|u|/a)·κ from the physics modules, u = v − w, at the state's height above the ellipsoid. */
  function expectedDrag(x: Float64Array, met: EkfMet): number {
    const dT = met.temperatureOffsetK ?? 0;
    const h = frame.heightOf(x[0]!, x[1]!, x[2]!);
    const u = Math.hypot(x[3]! - (met.wind?.east ?? 0), x[4]! - (met.wind?.north ?? 0), x[5]!);
    return 0.5 * isaDensity(h, dT) * u * u * dragCoefficient(G7, u / isaSpeedOfSound(h, dT)) * x[6]!;
  }

  it('drag is ½ρ|v − w|²·Cd·κ with the wind and the ISA+ΔT density and speed of sound', () => {
    for (const met of [{}, ...METS]) {
      for (const x of STATES) expect(Math.abs(dragOf(x, met) / expectedDrag(x, met) - 1), JSON.stringify(met)).toBeLessThan(1e-9);
    }
    // horizontal flight with the air moving along with the round: no drag at all
    const x = Float64Array.of(-3000, 2500, 900, 250, 60, 0, 9e-4);
    expect(dragOf(x, { wind: { east: 250, north: 60 } })).toBeLessThan(1e-12);
  });

  it('a hot day thins the air: less drag with a positive offset, more with a negative one', () => {
    const x = STATES[0]!;
    const base = dragOf(x);
    expect(dragOf(x, { temperatureOffsetK: 20 })).toBeLessThan(base);
    expect(dragOf(x, { temperatureOffsetK: -20 })).toBeGreaterThan(base);
  });

  it('no met, an empty met and a zero met give exactly the still-air ISA model', () => {
    const zero: EkfMet = { wind: { east: 0, north: 0 }, temperatureOffsetK: 0 };
    for (const x of STATES) {
      const a = new Float64Array(NX);
      const b = new Float64Array(NX);
      const c = new Float64Array(NX);
      ballisticRhs(x, frame, a);
      ballisticRhs(x, frame, b, {});
      ballisticRhs(x, frame, c, zero);
      expect(Array.from(b)).toEqual(Array.from(a));
      expect(Array.from(c)).toEqual(Array.from(a));
      const Fa = new Float64Array(NX * NX);
      const Fc = new Float64Array(NX * NX);
      ballisticJacobian(x, frame, Fa);
      ballisticJacobian(x, frame, Fc, zero);
      expect(Array.from(Fc)).toEqual(Array.from(Fa));
    }
    const P0 = new Float64Array(NX * NX);
    for (let i = 0; i < NX; i++) P0[i * NX + i] = i < 3 ? 100 : i < 6 ? 25 : 1e-8;
    const f1 = new BallisticEkf({ frame });
    const f2 = new BallisticEkf({ frame, ...zero });
    f1.init(STATES[1]!, P0, 0);
    f2.init(STATES[1]!, P0, 0);
    f1.predict(3.5);
    f2.predict(3.5);
    expect(Array.from(f2.x)).toEqual(Array.from(f1.x));
    expect(Array.from(f2.P)).toEqual(Array.from(f1.P));
  });

  it('predict with met follows the truth physics (fly with the same wind and temperature offset) over 20 s', () => {
    const spec = threatSpec('mortar-120');
    const kappa = (spec.formFactor * Math.PI * spec.calibreM * spec.calibreM) / 4 / spec.massKg;
    const launch = frame.enuToGeodetic(-3500, -3000, 0);
    // the filter's frame at the launcher, so that "east" and "north" of the wind are the same vector for both
    const lf = new EnuFrame(launch);
    const met = { windEast: 12, windNorth: -8, tempOffsetK: 15 };
    const traj = fly(spec, launch, 60, 50, { terrainAlt: launch.alt, ...met });
    const truthAt = truthStateAt(traj, lf, kappa);
    const t0 = 3;
    expect(traj.impact.t).toBeGreaterThan(t0 + 21);
    const withMet = new BallisticEkf({ frame: lf, q: 0, qKappa: 0, wind: { east: met.windEast, north: met.windNorth }, temperatureOffsetK: met.tempOffsetK });
    const stillAir = new BallisticEkf({ frame: lf, q: 0, qKappa: 0 });
    withMet.init(truthAt(t0), new Float64Array(NX * NX), t0);
    stillAir.init(truthAt(t0), new Float64Array(NX * NX), t0);
    let worst = 0;
    let worstStill = 0;
    for (let k = 1; k <= 20; k++) {
      const t = t0 + k;
      withMet.predict(t);
      stillAir.predict(t);
      const tr = truthAt(t);
      worst = Math.max(worst, Math.hypot(withMet.x[0]! - tr[0]!, withMet.x[1]! - tr[1]!, withMet.x[2]! - tr[2]!));
      worstStill = Math.max(worstStill, Math.hypot(stillAir.x[0]! - tr[0]!, stillAir.x[1]! - tr[1]!, stillAir.x[2]! - tr[2]!));
    }
    console.log(`mortar-120 in wind (12, −8) m/s, ISA+15 K: EKF predict vs fly() over 20 s: ${(100 * worst).toFixed(2)} cm (still-air model: ${worstStill.toFixed(1)} m)`);
    expect(worst).toBeLessThan(0.05); // the models are the same up to the integrators: in practice ~0.1 mm
    expect(worstStill).toBeGreaterThan(20 * worst); // the met is what closes the gap
  });
});
