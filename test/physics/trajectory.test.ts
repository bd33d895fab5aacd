import { describe, expect, it } from 'vitest';
import { EnuFrame, WGS84_A, WGS84_E2, WGS84_GM, geodeticToEcef } from '../../src/geo/wgs84.js';
import { threatSpec, type ThreatSpec } from '../../src/physics/catalogue.js';
import { derivatives, makeRhsParams } from '../../src/physics/dynamics.js';
import { makeStepWork, rk4Step } from '../../src/physics/integrators.js';
import { fly, stateAt } from '../../src/physics/trajectory.js';

const LAUNCH = { lat: 33.3, lon: 44.395, alt: 34 };
const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => a[0]! * b[0]! + a[1]! * b[1]! + a[2]! * b[2]!;
const cross = (a: ArrayLike<number>, b: ArrayLike<number>): number[] => [
  a[1]! * b[2]! - a[2]! * b[1]!, a[2]! * b[0]! - a[0]! * b[2]!, a[0]! * b[1]! - a[1]! * b[0]!,
];
const norm = (a: ArrayLike<number>): number => Math.sqrt(dot(a, a));

/**
 * Kepler's closed form for the two-body problem (drag-free flight under GM/r² towards the centre in an
 * inertial frame is exactly an arc of a Keplerian ellipse with a focus at the Earth's centre):
 * elements from (r0, v0): a = 1/(2/r − v²/μ), eccentricity vector e = ((v² − μ/r)·r − (r·v)·v)/μ; position at
 * eccentric anomaly E: a(cos E − e)·P + a√(1−e²)·sin E·Q, with P = ê, Q = ĥ × P, and Kepler's equation
 * M = E − e·sin E advancing with mean motion n = √(μ/a³).
 */
function keplerPosition(r0: number[], v0: number[], t: number): number[] {
  const mu = WGS84_GM;
  const r = norm(r0);
  const v2 = dot(v0, v0);
  const a = 1 / (2 / r - v2 / mu);
  const rv = dot(r0, v0);
  const ev = r0.map((x, i) => ((v2 - mu / r) * x - rv * v0[i]!) / mu);
  const e = norm(ev);
  const P = ev.map((x) => x / e);
  const h = cross(r0, v0);
  const hn = norm(h);
  const Q = cross(h.map((x) => x / hn), P);
  // eccentric anomaly of the start from r = a(1 − e cos E) and the sign of r·v
  const E0 = Math.sign(rv) * Math.acos((1 - r / a) / e);
  const M = E0 - e * Math.sin(E0) + Math.sqrt(mu / (a * a * a)) * t;
  let E = M;
  for (let i = 0; i < 50; i++) E -= (E - e * Math.sin(E) - M) / (1 - e * Math.cos(E));
  const c = a * (Math.cos(E) - e);
  const s = a * Math.sqrt(1 - e * e) * Math.sin(E);
  return P.map((p, i) => c * p + s * Q[i]!);
}

function mortar(overrides: Partial<ThreatSpec> = {}): ThreatSpec {
  return { ...threatSpec('mortar-82'), ...overrides };
}

describe('drag-free flight against closed forms', () => {
  it('follows the Keplerian ellipse to 0.1 m over a 5 km flight', () => {
    const spec = mortar({ launchSpeed: 221 });
    const tr = fly(spec, LAUNCH, 30, 45, { terrainAlt: LAUNCH.alt, drag: false, gravity: 'central', step: 0.01 });
    expect(tr.impact.rangeM).toBeGreaterThan(4900);
    const r0 = Array.from(tr.states.subarray(0, 3));
    const v0 = Array.from(tr.states.subarray(3, 6));
    let worst = 0;
    for (let i = 0; i < tr.times.length; i++) {
      const k = keplerPosition(r0, v0, tr.times[i]!);
      const d = Math.hypot(k[0]! - tr.states[6 * i]!, k[1]! - tr.states[6 * i + 1]!, k[2]! - tr.states[6 * i + 2]!);
      worst = Math.max(worst, d);
    }
    expect(worst).toBeLessThan(0.1);
    // and the interpolated state between samples too
    const out = new Float64Array(6);
    for (const t of [1.013, 7.777, tr.impact.t - 0.021]) {
      expect(stateAt(tr, t, out)).toBe(true);
      const k = keplerPosition(r0, v0, t);
      expect(Math.hypot(k[0]! - out[0]!, k[1]! - out[1]!, k[2]! - out[2]!)).toBeLessThan(0.1);
    }
  });

  it('conserves energy ½v² − GM/r to 1e-6 of the launch kinetic energy', () => {
    const spec = mortar();
    const tr = fly(spec, LAUNCH, 0, 60, { terrainAlt: LAUNCH.alt, drag: false, gravity: 'central' });
    const energy = (i: number): number => {
      const s = tr.states.subarray(6 * i, 6 * i + 6);
      return 0.5 * (s[3]! ** 2 + s[4]! ** 2 + s[5]! ** 2) - WGS84_GM / Math.hypot(s[0]!, s[1]!, s[2]!);
    };
    const ke0 = 0.5 * spec.launchSpeed ** 2;
    const e0 = energy(0);
    for (let i = 0; i < tr.times.length; i++) expect(Math.abs(energy(i) - e0)).toBeLessThan(1e-6 * ke0);
  });

  it('with drag, the energy lost equals the integral of the drag power', () => {
    const spec = mortar();
    const tr = fly(spec, LAUNCH, 0, 45, { terrainAlt: LAUNCH.alt, gravity: 'central', sampleDt: 0.01 });
    // drag acceleration at a state = derivatives with drag − derivatives without drag
    const p = makeRhsParams('central', spec.dragTable);
    p.areaForm = ((Math.PI * spec.calibreM ** 2) / 4) * spec.formFactor;
    p.m0 = spec.massKg;
    const withD = new Float64Array(6);
    const noD = new Float64Array(6);
    const power = (i: number): number => {
      const s = tr.states.subarray(6 * i, 6 * i + 6);
      p.drag = true;
      derivatives(s, tr.times[i]!, p, withD);
      p.drag = false;
      derivatives(s, tr.times[i]!, p, noD);
      return (withD[3]! - noD[3]!) * s[3]! + (withD[4]! - noD[4]!) * s[4]! + (withD[5]! - noD[5]!) * s[5]!;
    };
    // Simpson over an even number of full intervals
    let n = tr.times.length - 2; // last full sample index
    if (n % 2 === 1) n--;
    const h = tr.sampleDt;
    let integral = power(0) + power(n);
    for (let i = 1; i < n; i++) integral += (i % 2 ? 4 : 2) * power(i);
    integral *= h / 3;
    const energy = (i: number): number => {
      const s = tr.states.subarray(6 * i, 6 * i + 6);
      return 0.5 * (s[3]! ** 2 + s[4]! ** 2 + s[5]! ** 2) - WGS84_GM / Math.hypot(s[0]!, s[1]!, s[2]!);
    };
    const lost = energy(n) - energy(0);
    expect(lost).toBeLessThan(-1000); // drag really takes energy away (J/kg)
    expect(Math.abs(lost - integral)).toBeLessThan(1e-5 * Math.abs(lost));
  });
});

describe('rocket boost', () => {
  it('reaches the rocket-equation speed Δv = vₑ·ln(m0/m1) without drag and gravity', () => {
    const spec = threatSpec('rocket-122');
    const p = makeRhsParams('central', spec.dragTable);
    p.gm = 0;
    p.drag = false;
    p.m0 = spec.massKg;
    p.burnTime = spec.burnTime!;
    p.mdot = (spec.massKg - spec.burnoutMassKg!) / spec.burnTime!;
    p.thrust = p.mdot * spec.exhaustSpeed!;
    p.boosting = true;
    p.railX = 0.6;
    p.railY = 0;
    p.railZ = 0.8;
    let y = Float64Array.of(7e6, 0, 0, 0, 0, 0);
    let f = new Float64Array(6);
    let y1 = new Float64Array(6);
    let f1 = new Float64Array(6);
    const w = makeStepWork();
    derivatives(y, 0, p, f);
    const n = 188;
    for (let i = 0; i < n; i++) {
      rk4Step(y, f, (i * p.burnTime) / n, p.burnTime / n, p, w, y1, f1);
      [y, y1] = [y1, y];
      [f, f1] = [f1, f];
    }
    const expected = spec.exhaustSpeed! * Math.log(spec.massKg / spec.burnoutMassKg!);
    expect(Math.hypot(y[3]!, y[4]!, y[5]!)).toBeCloseTo(expected, 6);
    // thrust along the rail direction
    expect(y[5]! / y[3]!).toBeCloseTo(0.8 / 0.6, 9);
  });

  it('catalogue rockets burn out at the published speed (±1 %) at 45°', () => {
    for (const type of ['rocket-122', 'rocket-107']) {
      const spec = threatSpec(type);
      const tr = fly(spec, LAUNCH, 0, 45, { terrainAlt: LAUNCH.alt });
      expect(tr.burnout!.t).toBe(spec.burnTime);
      expect(Math.abs(tr.burnout!.speed / spec.burnoutSpeedRef! - 1)).toBeLessThan(0.01);
      expect(tr.railExit!.t).toBeGreaterThan(0);
      expect(tr.railExit!.t).toBeLessThan(spec.burnTime!);
    }
  });
});

describe('impact', () => {
  it('ends exactly on the terrain height, with the last sample at impact', () => {
    for (const [type, terrain, alt] of [['rocket-122', 34, 34], ['mortar-120', 120, 150], ['mortar-60', -20, 10]] as const) {
      const tr = fly(threatSpec(type), { ...LAUNCH, alt }, 200, 50, { terrainAlt: terrain });
      expect(Math.abs(tr.impact.alt - terrain)).toBeLessThan(1e-3);
      expect(tr.times[tr.times.length - 1]).toBe(tr.impact.t);
      expect(tr.times[1]! - tr.times[0]!).toBeCloseTo(0.05, 12);
    }
  });

  it('moves by less than 0.5 m when the step is halved', () => {
    for (const type of ['rocket-122', 'mortar-82']) {
      const a = fly(threatSpec(type), LAUNCH, 45, 50, { terrainAlt: 34, step: 0.01 });
      const b = fly(threatSpec(type), LAUNCH, 45, 50, { terrainAlt: 34, step: 0.005 });
      const d = Math.hypot(a.impact.ecef[0]! - b.impact.ecef[0]!, a.impact.ecef[1]! - b.impact.ecef[1]!, a.impact.ecef[2]! - b.impact.ecef[2]!);
      expect(d).toBeLessThan(0.5);
    }
  });

  it('adaptive Dormand–Prince agrees with 1 ms RK4 to 0.5 m', () => {
    const a = fly(threatSpec('rocket-122'), LAUNCH, 0, 45, { terrainAlt: 34, step: 0.001 });
    const b = fly(threatSpec('rocket-122'), LAUNCH, 0, 45, { terrainAlt: 34, step: 'adaptive' });
    expect(Math.abs(a.impact.rangeM - b.impact.rangeM)).toBeLessThan(0.5);
    expect(b.steps).toBeLessThan(a.steps / 50);
  });
});

describe('Earth curvature', () => {
  it('a flat-earth height would be ≈31 m wrong at 20 km', () => {
    const spec = threatSpec('rocket-122');
    const tr = fly(spec, LAUNCH, 0, 45, { terrainAlt: 34 });
    const frame = new EnuFrame(LAUNCH);
    const enu = frame.ecefToEnu(tr.impact.ecef[0]!, tr.impact.ecef[1]!, tr.impact.ecef[2]!);
    const d = Math.hypot(enu[0]!, enu[1]!);
    expect(d).toBeGreaterThan(19500);
    // Independent geometry: a tangent plane falls below the ellipsoid by d²/(2M) firing north, M the
    // meridian radius of curvature a(1−e²)/(1−e² sin²φ)^{3/2}.
    const s = Math.sin((LAUNCH.lat * Math.PI) / 180);
    const M = (WGS84_A * (1 - WGS84_E2)) / Math.pow(1 - WGS84_E2 * s * s, 1.5);
    const drop = (d * d) / (2 * M);
    // The impact is on the terrain (34 m), so its "up" in the launch plane is −drop (flat earth would say 0).
    expect(enu[2]!).toBeCloseTo(-drop, 0);
    expect(-enu[2]! * (20000 / d) ** 2).toBeGreaterThan(30);
    expect(-enu[2]! * (20000 / d) ** 2).toBeLessThan(33);
  });
});

describe('stateAt', () => {
  it('reproduces samples, interpolates within 1 cm of a finely sampled flight and refuses outside', () => {
    const spec = threatSpec('mortar-120');
    const coarse = fly(spec, LAUNCH, 10, 60, { terrainAlt: 34 });
    const fine = fly(spec, LAUNCH, 10, 60, { terrainAlt: 34, sampleDt: 0.001 });
    const out = new Float64Array(6);
    expect(stateAt(coarse, coarse.times[17]!, out)).toBe(true);
    for (let j = 0; j < 6; j++) expect(out[j]).toBeCloseTo(coarse.states[6 * 17 + j]!, 6);
    for (const t of [0.013, 3.337, 20.001, Math.floor((coarse.impact.t - 0.007) * 1000) / 1000]) {
      stateAt(coarse, t, out);
      const i = Math.round(t / 0.001);
      expect(Math.abs(fine.times[i]! - t)).toBeLessThan(1e-9);
      const o = 6 * i;
      expect(Math.hypot(out[0]! - fine.states[o]!, out[1]! - fine.states[o + 1]!, out[2]! - fine.states[o + 2]!)).toBeLessThan(0.01);
      expect(Math.hypot(out[3]! - fine.states[o + 3]!, out[4]! - fine.states[o + 4]!, out[5]! - fine.states[o + 5]!)).toBeLessThan(0.01);
    }
    expect(stateAt(coarse, -0.01, out)).toBe(false);
    expect(stateAt(coarse, coarse.impact.t + 0.01, out)).toBe(false);
    // the first sample is the launch point
    const l = geodeticToEcef(LAUNCH.lat, LAUNCH.lon, LAUNCH.alt);
    expect(Math.hypot(coarse.states[0]! - l[0]!, coarse.states[1]! - l[1]!, coarse.states[2]! - l[2]!)).toBeLessThan(1e-6);
  });
});

describe('wind', () => {
  it('a tail wind lengthens the range, a cross wind pushes the impact downwind', () => {
    const spec = threatSpec('mortar-82');
    const calm = fly(spec, LAUNCH, 0, 50, { terrainAlt: 34 });
    const tail = fly(spec, LAUNCH, 0, 50, { terrainAlt: 34, windNorth: 10 });
    const cross = fly(spec, LAUNCH, 0, 50, { terrainAlt: 34, windEast: 10 });
    expect(tail.impact.rangeM).toBeGreaterThan(calm.impact.rangeM + 20);
    expect(cross.impact.lon).toBeGreaterThan(calm.impact.lon);
  });
});
