/**
 * The engagement stage in the simulation loop (test/engage/loop.ts, the recipe of docs/engagement.md §6).
 * Scenario 2021-12-19 (green-zone.yaml, cram-1 in the embassy): r1 falls on the US Embassy and must be
 * engaged; r2 lands in Celebration Square (open ground) and must be left alone.
 */
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/load.js';
import { runWithEngagement } from './loop.js';

describe('engagement in the simulation loop (scenario 2021-12-19)', () => {
  const scenario = loadScenario('scenarios/2021-12-19-green-zone-rockets.yaml');

  it('engages the rocket falling on the embassy, never the one falling in Celebration Square', () => {
    const res = runWithEngagement(scenario, scenario.seed);
    const fired = res.engagements.filter((e) => e.result === 'fired');
    expect(fired.length).toBeGreaterThan(0);
    const engagedTruths = new Set(fired.map((e) => res.trackTruth.get(e.trackId)));
    expect([...engagedTruths]).toEqual(['r1']);
    expect(fired.every((e) => e.asset === 'us-embassy' && e.interceptor === 'cram-1')).toBe(true);
    // every burst was aimed within the lethal radius of r1 (the tracker's estimate is good enough)
    for (const s of res.shots) {
      expect(s.truthId).toBe('r1');
      expect(s.missM).toBeLessThan(30);
    }
    // the engagement ends with a kill or the gun runs out of chances; a kill ends r1 in the air
    const r1 = res.truth.threats.find((t) => t.id === 'r1')!;
    const kill = res.engagements.find((e) => e.result === 'kill');
    if (kill) {
      expect(r1.killed).toBeDefined();
      expect(r1.killed!.alt).toBeGreaterThanOrEqual(scenario.site.terrainAlt + 100);
      expect(Math.max(...res.plotTimes.get('r1')!)).toBeLessThanOrEqual(r1.killed!.t);
      expect(res.intercepted[0]).toMatchObject({ event: 'intercepted', threatId: 'r1' });
    } else {
      expect(r1.killed).toBeUndefined();
    }
    const r2 = res.truth.threats.find((t) => t.id === 'r2')!;
    expect(r2.killed).toBeUndefined();
    // events in time order
    for (let i = 1; i < res.engagements.length; i++) expect(res.engagements[i]!.t).toBeGreaterThanOrEqual(res.engagements[i - 1]!.t);
  });

  it('is deterministic: the same seed gives byte-identical engagement events', () => {
    const a = runWithEngagement(scenario, 42);
    const b = runWithEngagement(scenario, 42);
    expect(JSON.stringify(a.engagements)).toBe(JSON.stringify(b.engagements));
    expect(a.engagements.length).toBeGreaterThan(0);
  });
});
