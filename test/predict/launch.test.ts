/**
 * Launch-point prediction (src/predict/launch.ts, boost.ts) held to independent truth: fly() trajectories
 * (no wind) and their true launch points.
 *  - mortars: the back-propagated ground point is the muzzle;
 *  - rockets, from the TRUE state 3 s after burnout: without the boost correction the ballistic ground point
 *    is off by metres and the time by the boost's duration; with it, both are far closer;
 *  - the boost table: smooth, and its interpolation holds between the nodes;
 *  - the launch covariance against Monte Carlo; undefined under the terrain.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.js';
import { inverse } from '../../src/geo/geodesic.js';
import { EnuFrame } from '../../src/geo/wgs84.js';
import { threatSpec } from '../../src/physics/catalogue.js';
import type { ThreatType } from '../../src/physics/threat-types.js';
import { BOOST_SIGMA, boostCorrection, boostEntry, boostTable } from '../../src/predict/boost.js';
import { CROSSING, propagateToTerrain } from '../../src/predict/impact.js';
import { predictLaunch } from '../../src/predict/launch.js';
import { NX, frame, flyFrom, truthState, diagP } from './helpers.js';

const T0 = 1_700_000_000;

const P0 = diagP([20, 20, 20, 3, 3, 3, 1e-5]);
const LAUNCHES: Array<[number, number, number, number]> = [
  // e, n (site ENU), alt, azimuth
  [-6000, 4000, 34, 120],
  [8000, 9000, 34, 200],
  [2000, -12000, 400, 10],
  [-15000, -3000, 900, 75],
];

describe('predictLaunch: mortars', () => {
  for (const type of ['mortar-120', 'mortar-82', 'mortar-60'] as const) {
    it(`${type}: the muzzle within 0.5 m and 0.05 s from states early and late in flight`, () => {
      for (const [e, n, alt, az] of LAUNCHES) {
        for (const el of [45, 65, 85]) {
          const traj = flyFrom(type, e, n, alt, az, el);
          for (const frac of [0.1, 0.5, 0.9]) {
            const tRel = frac * traj.impact.t;
            const p = predictLaunch(truthState(traj, tRel), P0, T0 + tRel, frame, alt, { rocketType: type })!;
            expect(p).toBeDefined();
            expect(p.boost).toBeUndefined(); // no correction for a mortar, even when named
            const miss = inverse(traj.launch.lat, traj.launch.lon, p.lat, p.lon).distance;
            expect(miss, `${type} ${el}° from ${tRel.toFixed(1)} s: ${miss} m`).toBeLessThan(0.5);
            expect(Math.abs(p.t - T0)).toBeLessThan(0.05);
            expect(p.alt).toBe(alt);
          }
        }
      }
    });
  }
});

describe('predictLaunch: rockets, from the true state 3 s after burnout', () => {
  for (const type of ['rocket-122', 'rocket-107'] as const) {
    for (const el of [15, 30, 45]) {
      it(`${type} at ${el}°: with the boost correction < 0.3 m and 0.01 s, and better than without`, () => {
        for (const [e, n, alt, az] of LAUNCHES) {
          const traj = flyFrom(type, e, n, alt, az, el);
          const tRel = traj.burnout!.t + 3;
          const x = truthState(traj, tRel);
          const raw = predictLaunch(x, P0, T0 + tRel, frame, alt)!;
          const cor = predictLaunch(x, P0, T0 + tRel, frame, alt, { rocketType: type })!;
          const missRaw = inverse(traj.launch.lat, traj.launch.lon, raw.lat, raw.lon).distance;
          const missCor = inverse(traj.launch.lat, traj.launch.lon, cor.lat, cor.lon).distance;
          const range = traj.impact.rangeM;
          expect(missCor, `${type} ${el}°: ${missRaw.toFixed(2)} → ${missCor.toFixed(2)} m`).toBeLessThan(0.3);
          expect(missCor / range).toBeLessThan(1e-4); // the brief asks for 1 % of the range
          expect(missCor).toBeLessThan(missRaw / 4);
          expect(Math.abs(cor.t - T0)).toBeLessThan(0.01);
          // without it the launch time is late by most of the burn
          expect(raw.t - T0).toBeGreaterThan(0.4 * traj.spec.burnTime!);
          expect(cor.boost).toBeDefined();
          expect(cor.boost!.along).toBeGreaterThan(0);
          // the correction's model uncertainty is added along the azimuth
          expect(cor.covEN[0][0] + cor.covEN[1][1]).toBeGreaterThan(raw.covEN[0][0] + raw.covEN[1][1]);
          expect(cor.sigmaT).toBeGreaterThan(raw.sigmaT);
        }
      });
    }
  }

  it('rocket-122 at 15°: the uncorrected ground point is ≈ 22 m uprange and ≈ 1 s late', () => {
    const traj = flyFrom('rocket-122', -6000, 4000, 34, 120, 15);
    const tRel = traj.burnout!.t + 3;
    const raw = predictLaunch(truthState(traj, tRel), P0, T0 + tRel, frame, 34)!;
    const miss = inverse(traj.launch.lat, traj.launch.lon, raw.lat, raw.lon).distance;
    expect(miss).toBeGreaterThan(15);
    expect(miss).toBeLessThan(30);
    expect(raw.t - T0).toBeCloseTo(0.976, 2);
  });
});

describe('boost table', () => {
  for (const type of ['rocket-122', 'rocket-107'] as ThreatType[]) {
    it(`${type}: interpolation between nodes within 0.5 m and 5 ms of a direct computation`, () => {
      const table = boostTable(type)!;
      expect(boostTable(type)).toBe(table); // cached
      const spec = threatSpec(type);
      for (let k = 1; k < table.entries.length; k++) expect(table.entries[k]!.gamma).toBeGreaterThan(table.entries[k - 1]!.gamma);
      for (const el of [5.25, 6.1, 8.75, 13.3, 21.25, 33.75, 47.9, 58.75]) {
        const direct = boostEntry(spec, el);
        const c = boostCorrection(table, direct.gamma);
        expect(Math.abs(c.along - direct.along), `${el}°`).toBeLessThan(0.5);
        expect(Math.abs(c.dt - direct.dt)).toBeLessThan(0.005);
        expect(c.sigmaAlong).toBeCloseTo(BOOST_SIGMA.alongRel * Math.abs(c.along) + BOOST_SIGMA.alongAbs, 9);
      }
    });
  }

  it('mortars have no table', () => {
    expect(boostTable('mortar-120')).toBeUndefined();
  });

  it('outside the table the end values are held and σ grows', () => {
    const table = boostTable('rocket-107')!;
    const last = table.entries[table.entries.length - 1]!;
    const at = boostCorrection(table, last.gamma);
    const beyond = boostCorrection(table, last.gamma + (5 * Math.PI) / 180);
    expect(beyond.dt).toBe(at.dt);
    expect(beyond.sigmaAlong / Math.abs(beyond.along)).toBeGreaterThan(at.sigmaAlong / Math.abs(at.along));
  });
});

describe('predictLaunch covariance and edge cases', () => {
  it('120 mm mortar: linearised σ within 10 % of a 2,000-draw Monte Carlo', () => {
    const traj = flyFrom('mortar-120', -3000, 2000, 34, 100, 60);
    const x = truthState(traj, 15);
    const sd = [20, 20, 20, 3, 3, 3, 0.1 * x[6]!];
    const p = predictLaunch(x, diagP(sd), 0, frame, 34)!;
    const loc = new EnuFrame({ lat: p.lat, lon: p.lon, alt: 34 });
    const rng = new Rng(5, 'launch-mc');
    const xs = new Float64Array(NX);
    const acc = { e: 0, n: 0, t: 0, ee: 0, nn: 0, tt: 0, m: 0 };
    for (let k = 0; k < 2000; k++) {
      for (let i = 0; i < NX; i++) xs[i] = x[i]! + sd[i]! * rng.normal();
      if (!propagateToTerrain(xs, frame, 34, -1, false)) continue;
      const c = CROSSING.x;
      const pe = frame.enuToEcef(c[0]!, c[1]!, c[2]!);
      const l = loc.ecefToEnu(pe[0]!, pe[1]!, pe[2]!);
      acc.e += l[0]!;
      acc.n += l[1]!;
      acc.t += CROSSING.dt;
      acc.ee += l[0]! ** 2;
      acc.nn += l[1]! ** 2;
      acc.tt += CROSSING.dt ** 2;
      acc.m++;
    }
    const sdOf = (s: number, s2: number): number => Math.sqrt(s2 / acc.m - (s / acc.m) ** 2);
    expect(Math.abs(sdOf(acc.e, acc.ee) / Math.sqrt(p.covEN[0][0]) - 1)).toBeLessThan(0.1);
    expect(Math.abs(sdOf(acc.n, acc.nn) / Math.sqrt(p.covEN[1][1]) - 1)).toBeLessThan(0.1);
    expect(Math.abs(sdOf(acc.t, acc.tt) / p.sigmaT - 1)).toBeLessThan(0.1);
  });

  it('is undefined for a state below the terrain, and within maxTime only', () => {
    expect(predictLaunch(Float64Array.of(0, 0, -10, 50, 0, 100, 1e-3), P0, 0, frame, 34)).toBeUndefined();
    const x = Float64Array.of(0, 0, 3000, 100, 0, -50, 5e-4); // descending: the launch is far back
    expect(predictLaunch(x, P0, 0, frame, 34, { maxTime: 5 })).toBeUndefined();
    expect(predictLaunch(x, P0, 0, frame, 34)).toBeDefined();
  });
});
