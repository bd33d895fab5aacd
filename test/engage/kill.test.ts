/**
 * Kill assessment in simulation: resolveBurst, interceptTruth, and ending a truth target early
 * (sense/truth-target.ts killTarget, scenario/truth.ts ThreatTruth.kill, truthInterceptedEvent).
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.js';
import { DEFAULT_LETHAL_RADIUS, interceptTruth, resolveBurst } from '../../src/engage/kill.js';
import { EnuFrame } from '../../src/geo/wgs84.js';
import { loadScenario } from '../../src/scenario/load.js';
import { buildTruth, truthInterceptedEvent } from '../../src/scenario/truth.js';
import type { Plot } from '../../src/sense/plot.js';
import { RadarModel } from '../../src/sense/radar.js';
import { killTarget } from '../../src/sense/truth-target.js';
import { radarCfg, straightLine } from '../sense/helpers.js';

describe('resolveBurst', () => {
  it('kills with probability pk (binomial bound over 20,000 draws) and is reproducible', () => {
    const rng = new Rng(1).stream('engage');
    const N = 20_000;
    let k = 0;
    for (let i = 0; i < N; i++) if (resolveBurst(rng, 0.6)) k++;
    expect(Math.abs(k / N - 0.6)).toBeLessThan(4 * Math.sqrt((0.6 * 0.4) / N));
    const a = new Rng(3).stream('x');
    const b = new Rng(3).stream('x');
    for (let i = 0; i < 100; i++) expect(resolveBurst(a, 0.5)).toBe(resolveBurst(b, 0.5));
    expect(resolveBurst(rng, 0)).toBe(false);
    expect(resolveBurst(rng, 1)).toBe(true);
    expect(() => resolveBurst(rng, 1.5)).toThrow(RangeError);
  });
});

describe('interceptTruth', () => {
  const frame = new EnuFrame({ lat: 33.3, lon: 44.395, alt: 34 });
  const a = straightLine(frame, 'a', [0, 0, 1000], [100, 0, 0], 0, 0, 100);
  const b = straightLine(frame, 'b', [0, 50, 1000], [100, 0, 0], 0, 0, 100);

  it('finds the object within the lethal radius of the aim point (ENU or ECEF), the nearest first', () => {
    expect(DEFAULT_LETHAL_RADIUS).toBe(30);
    // at t = 10 both are at e = 1000; a at n = 0, b at n = 50
    expect(interceptTruth([a, b], 10, [1000, 10, 1000], 30, frame)?.id).toBe('a');
    expect(interceptTruth([a, b], 10, [1000, 40, 1000], 30, frame)?.id).toBe('b');
    expect(interceptTruth([a, b], 10, frame.enuToEcef(1010, 45, 1000))?.id).toBe('b');
    // the filter's estimate 40 m off: nothing within 30 m
    expect(interceptTruth([a], 10, [1000, 0, 1040], 30, frame)).toBeUndefined();
    expect(interceptTruth([a], 10, [1000, 0, 1040], 50, frame)?.id).toBe('a');
    // not in flight
    expect(interceptTruth([a], 150, [15000, 0, 1000], 30, frame)).toBeUndefined();
  });

  it('a killed object is no longer a candidate, and radars stop seeing it after the kill', () => {
    const c = straightLine(frame, 'c', [0, 2000, 1000], [0, 0, 0], 0, 0, 100);
    const radar = new RadarModel(radarCfg({ lat: 33.3, lon: 44.395, alt: 34, pd: 1 }), new Rng(5), 0);
    const plots: Plot[] = [];
    radar.scan(0, 20, [c], plots);
    expect(plots.length).toBeGreaterThan(15);
    const kill = killTarget(c, 20.5);
    expect(kill).toBeDefined();
    expect(kill!.t).toBe(20.5);
    expect(kill!.alt).toBeCloseTo(1034 + 0.3, 0);
    expect(c.tEnd).toBe(20.5);
    expect(c.killed).toBe(kill);
    const s = new Float64Array(6);
    expect(c.stateAt(20.5, s)).toBe(true);
    expect(c.stateAt(20.6, s)).toBe(false);
    const after: Plot[] = [];
    radar.scan(20, 60, [c], after);
    expect(after.every((p) => p.t <= 20.5)).toBe(true);
    expect(after.length).toBeLessThanOrEqual(1);
    expect(interceptTruth([c], 30, [0, 2000, 1000], 30, frame)).toBeUndefined();
    // a second kill, or one outside the flight, changes nothing
    expect(killTarget(c, 10)).toBeUndefined();
    const d = straightLine(frame, 'd', [0, 0, 1000], [0, 0, 0], 0, 0, 100);
    expect(killTarget(d, 150)).toBeUndefined();
    expect(d.tEnd).toBe(100);
  });
});

describe('ThreatTruth.kill (scenario 2021-12-19)', () => {
  it('ends the threat in the air, records the point, and gives the intercepted truth event', () => {
    const truth = buildTruth(loadScenario('scenarios/2021-12-19-green-zone-rockets.yaml'));
    const r1 = truth.threats.find((t) => t.id === 'r1')!;
    const r2 = truth.threats.find((t) => t.id === 'r2')!;
    const impact = r1.impactTime;
    expect(truthInterceptedEvent(r1)).toBeUndefined();
    const tk = impact - 5;
    const kill = r1.kill(tk)!;
    expect(kill.alt).toBeGreaterThan(100);
    expect(r1.tEnd).toBe(tk);
    expect(r1.impactTime).toBe(impact); // the impact it would have had stays known
    const s = new Float64Array(6);
    expect(r1.stateAt(tk + 0.01, s)).toBe(false);
    const ev = truthInterceptedEvent(r1)!;
    expect(ev).toMatchObject({ type: 'truth', t: tk, event: 'intercepted', threatId: 'r1', threatType: 'rocket-122' });
    expect(ev.timeOfFlight).toBeCloseTo(tk - r1.launchTime, 9);
    expect(ev.speed).toBeGreaterThan(200);
    // the other threat is untouched
    expect(r2.killed).toBeUndefined();
    expect(r2.tEnd).toBe(r2.impactTime);
    expect(truth.others.every((o) => typeof o.kill === 'function')).toBe(true);
  });
});
