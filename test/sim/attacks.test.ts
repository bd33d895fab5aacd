/** Random attacks: deterministic per seed, physically valid, spread over zones and open ground. */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.js';
import { pointInRing } from '../../src/geo/polygon.js';
import { loadScenario } from '../../src/scenario/load.js';
import { buildTruth } from '../../src/scenario/truth.js';
import { planAttack, randomAttack } from '../../src/sim/attacks.js';
import { PUBLISHED_MAX_RANGE_M, geodesicDistance } from '../scenario/helpers.js';

const BASE = loadScenario('scenarios/2021-12-19-green-zone-rockets.yaml');
const DRONES = loadScenario('scenarios/drones-and-birds.yaml');

describe('randomAttack', () => {
  it('the same seed gives the same attack; another seed another one', () => {
    expect(planAttack(BASE, 3)).toEqual(planAttack(BASE, 3));
    expect(randomAttack(BASE, new Rng(11))).toEqual(randomAttack(BASE, new Rng(11)));
    expect(planAttack(BASE, 3).threats).not.toEqual(planAttack(BASE, 4).threats);
    const a = planAttack(BASE, 3);
    expect(a.seed).toBe(BASE.seed + 3);
    expect(a.site).toBe(BASE.site);
    expect(a.start).toBe(BASE.start);
  });

  it('physically valid: in range, launched outside the defended zone, within the window; every round flies', () => {
    const site = BASE.site;
    const defended = [...site.zones.map((z) => z.ring), ...site.assets.map((a) => a.ring), site.outline!];
    let inZone = 0;
    let outside = 0;
    const counts = new Set<number>();
    const types = new Set<string>();
    for (let run = 0; run < 40; run++) {
      const sc = planAttack(BASE, run);
      counts.add(sc.threats.length);
      expect(sc.threats.length).toBeGreaterThanOrEqual(1);
      expect(sc.threats.length).toBeLessThanOrEqual(6);
      const first = Math.min(...sc.threats.map((t) => t.at));
      for (const t of sc.threats) {
        types.add(t.type);
        if (!('lat' in t.aim)) throw new Error('aim point expected');
        const d = geodesicDistance(t.launch, t.aim);
        expect(d, `${run} ${t.id} ${t.type}`).toBeLessThanOrEqual(PUBLISHED_MAX_RANGE_M[t.type]! * 0.92 + 1);
        expect(d).toBeGreaterThan(500);
        for (const ring of defended) expect(pointInRing(t.launch.lat, t.launch.lon, ring), `${run} ${t.id} launch`).toBe(false);
        expect(t.at).toBeGreaterThanOrEqual(5);
        expect(t.at - first).toBeLessThanOrEqual(20);
        expect(t.angle).toBe(t.type.startsWith('mortar') ? 'high' : 'low');
        if (site.zones.some((z) => pointInRing(t.aim.lat, t.aim.lon, z.ring))) inZone++;
        else outside++;
      }
      // the physics reaches every aim point (throws otherwise)
      const truth = buildTruth(sc);
      for (const th of truth.threats) {
        const aim = th.def.aim as { lat: number; lon: number };
        expect(geodesicDistance(th.trajectory.impact, aim)).toBeLessThan(1);
      }
    }
    expect(inZone).toBeGreaterThan(0);
    expect(outside).toBeGreaterThan(0);
    expect(counts.size).toBeGreaterThanOrEqual(4);
    expect(types.size).toBe(6);
  });

  it('options: threat count, types, window; the base drones are kept and random flyers added', () => {
    const none = randomAttack(BASE, new Rng(1), { minThreats: 0, maxThreats: 0 });
    expect(none.threats).toEqual([]);
    const sc = randomAttack(DRONES, new Rng(5), { minThreats: 4, maxThreats: 4, types: ['rocket-107'], windowSeconds: 2, flyers: 3 });
    expect(sc.threats).toHaveLength(4);
    expect(sc.threats.every((t) => t.type === 'rocket-107')).toBe(true);
    const at = sc.threats.map((t) => t.at);
    expect(Math.max(...at) - Math.min(...at)).toBeLessThanOrEqual(2);
    expect(sc.nonBallistic.slice(0, DRONES.nonBallistic.length)).toEqual(DRONES.nonBallistic);
    const flyers = sc.nonBallistic.slice(DRONES.nonBallistic.length);
    expect(flyers).toHaveLength(3);
    const ids = [...sc.threats.map((t) => t.id), ...sc.nonBallistic.map((f) => f.id)];
    expect(new Set(ids).size).toBe(ids.length);
    expect(sc.duration).toBeUndefined();
    expect(buildTruth(sc).others).toHaveLength(DRONES.nonBallistic.length + 3);
    expect(() => randomAttack(BASE, new Rng(1), { minThreats: 3, maxThreats: 2 })).toThrow(RangeError);
  });
});
