/**
 * Threat evaluation and weapon assignment (src/engage/manager.ts) on a small synthetic site: one or two guns
 * at the origin, drag-free targets that stay in the envelope for ≈ 20 s, predictions whose impact falls on
 * a defended asset or on open ground.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.js';
import { resolveBurst } from '../../src/engage/kill.js';
import { EngagementManager, type EngagementEvent, type Shot } from '../../src/engage/manager.js';
import type { InterceptorConfig } from '../../src/scenario/types.js';
import { diagP, frame, gunCfg, prediction, squareAsset, testSite } from './helpers.js';

// Assets: 'home' (priority 1) around (1200, 0), 'depot' (priority 2) around (1200, 800); elsewhere open ground.
const ASSETS = [squareAsset('home', 1, 1200, 0, 300), squareAsset('depot', 2, 1200, 800, 200)];

/**
 * A drag-free target coming from the west at 100 m/s, 1.3–1.4 km up over the gun, landing ≈ 22 s later at
 * east ≈ 1,200 m and the given north: in the gun's envelope for ≈ 20 s.
 */
function target(north: number): Float64Array {
  return Float64Array.of(-1000, north, 1300, 100, 0, 49, 0);
}
const IMPACT_T = 22;

function manager(guns: Partial<InterceptorConfig>[] = [{}], assets = ASSETS): EngagementManager {
  return new EngagementManager(testSite(guns.map((g, i) => gunCfg({ id: `gun-${i + 1}`, ...g })), assets), frame);
}

function feed(m: EngagementManager, trackId: number, north: number, t = 0): void {
  m.onPrediction(prediction(trackId, t, 1200, north, IMPACT_T), { x: target(north), P: diagP(), t });
}

/** Runs the manager in 0.5 s windows to `until`. */
function run(m: EngagementManager, until: number, assess?: (s: Shot) => boolean | undefined): EngagementEvent[] {
  const out: EngagementEvent[] = [];
  for (let t = 0.5; t <= until + 1e-9; t += 0.5) out.push(...m.tick(t, assess));
  return out;
}

const results = (evs: EngagementEvent[], trackId?: number): string[] =>
  evs.filter((e) => trackId === undefined || e.trackId === trackId).map((e) => e.result);

describe('EngagementManager: threat evaluation', () => {
  it('a round predicted to fall on open ground is never engaged, although the gun could reach it', () => {
    const m = manager();
    feed(m, 1, -1000); // lands at (1200, −1000): no asset
    expect(m.threatOf(1)?.p).toBe(0);
    expect(run(m, 30)).toEqual([]);
    // the same geometry predicted onto 'home' is engaged
    const m2 = manager();
    feed(m2, 1, 0);
    expect(m2.threatOf(1)).toEqual({ p: 1, asset: 'home' });
    expect(results(run(m2, 30))[0]).toBe('fired');
  });

  it('a round whose impact is uncertain enough to spread below the threshold is left alone', () => {
    const m = manager();
    // centred on 'home' (600 m square) but σ = 2 km: P ≈ 0.02 < 0.2
    m.onPrediction(prediction(1, 0, 1200, 0, IMPACT_T, 2000), { x: target(0), P: diagP(), t: 0 });
    expect(m.threatOf(1)!.p).toBeLessThan(0.2);
    expect(run(m, 30)).toEqual([]);
  });
});

describe('EngagementManager: the threat rule again at the trigger', () => {
  it('a gun laid on a round whose newest prediction has left the assets holds fire, and takes it again if it comes back', () => {
    const m = manager();
    feed(m, 1, 0); // on 'home': assigned at 0, the burst due after the 2 s reaction and the slew
    const laying = run(m, 1);
    expect(laying).toEqual([]);
    feed(m, 1, -1000, 1); // the newer prediction: open ground
    const held = run(m, 4);
    expect(results(held)).toEqual(['hold']);
    expect(held[0]!.pThreat).toBe(0);
    expect(held[0]!.t).toBeGreaterThan(2); // at the trigger, not at the new prediction
    // the gun is free: the round predicted back onto 'home' is engaged again
    feed(m, 1, 0, 4);
    expect(results(run(m, 30), 1)[0]).toBe('fired');
  });

  it('more than deferSeconds before impact the trigger asks for the confident threshold: p between 0.8 and 0.95 holds', () => {
    const m = manager();
    feed(m, 1, 0);
    run(m, 1);
    // a wider prediction centred on 'home' (σ 160 m on a 600 m square) at 1 s, ≈ 19 s before impact
    m.onPrediction(prediction(1, 1, 1200, 0, IMPACT_T, 160), { x: target(0), P: diagP(), t: 1 });
    const p = m.threatOf(1)!.p;
    expect(p).toBeGreaterThan(0.8);
    expect(p).toBeLessThan(0.95);
    expect(results(run(m, 4))).toEqual(['hold']);
  });
});

describe('EngagementManager: weapon assignment', () => {
  it('ranks a round on a priority-1 asset before one on a priority-2 asset with the same time to impact', () => {
    const m = manager();
    feed(m, 1, 800); // depot, priority 2 (lower id: the ranking is not by id)
    feed(m, 2, 0); // home, priority 1
    const evs = run(m, 30, () => true);
    const fired = evs.filter((e) => e.result === 'fired');
    expect(fired[0]!.trackId).toBe(2);
    expect(fired[0]!.asset).toBe('home');
    // the other one is taken as soon as the gun is free again (after the kill and the look)
    expect(fired[1]?.trackId).toBe(1);
    const kill2 = evs.find((e) => e.trackId === 2 && e.result === 'kill')!;
    expect(fired[1]!.t).toBeGreaterThanOrEqual(kill2.t + 2); // 2 s reaction for a new target
  });

  it('urgency against priority: a priority-2 round landing 6 s earlier goes first (prioritySeconds 5)', () => {
    const m = manager();
    m.onPrediction(prediction(1, 0, 1200, 800, IMPACT_T - 6), { x: target(800), P: diagP(), t: 0 });
    feed(m, 2, 0);
    expect(run(m, 30, () => true).find((e) => e.result === 'fired')!.trackId).toBe(1);
  });

  it('an interceptor takes one target at a time; two interceptors share two targets', () => {
    const m = manager();
    feed(m, 1, 0);
    feed(m, 2, 800);
    const evs = run(m, 30, () => false); // every burst misses: the first target holds the gun while it can
    const r1 = results(evs, 1);
    expect(r1.filter((r) => r === 'fired').length).toBe(7); // 7 bursts in its ≈ 20 s in the envelope
    expect(r1.at(-1)).toBe('no-solution');
    // the second round waits: nothing happens to it until the gun is free, and by then it is too late
    const last1 = evs.filter((e) => e.trackId === 1).at(-1)!.t;
    expect(evs.filter((e) => e.trackId === 2).map((e) => [e.result, e.reason])).toEqual([['no-solution', 'time']]);
    expect(evs.find((e) => e.trackId === 2)!.t).toBeGreaterThanOrEqual(last1);
    // with two guns both are engaged at once, one gun each
    const m2 = manager([{}, {}]);
    feed(m2, 1, 0);
    feed(m2, 2, 800);
    const evs2 = run(m2, 30, () => true);
    const f2 = evs2.filter((e) => e.result === 'fired');
    expect(f2.map((e) => `${e.interceptor}:${e.trackId}`).sort()).toEqual(['gun-1:1', 'gun-2:2']);
    expect(Math.abs(f2[0]!.t - f2[1]!.t)).toBeLessThan(1.5);
  });

  it('ammunition runs out: 2 bursts, every burst misses', () => {
    const m = manager([{ bursts: 2 }]);
    feed(m, 1, 0);
    feed(m, 2, 800);
    const evs = run(m, 30, () => false);
    expect(results(evs, 1)).toEqual(['fired', 'miss', 'fired', 'miss', 'out-of-ammunition']);
    expect(results(evs, 2)).toEqual(['out-of-ammunition']);
    expect(evs.filter((e) => e.result === 'fired').map((e) => e.burstsLeft)).toEqual([1, 0]);
    expect(m.status()).toEqual([{ id: 'gun-1', burstsLeft: 0 }]);
  });

  it('shoot-look-shoot timeline: reaction + slew before the first burst; look, then only the slew before the next', () => {
    const m = manager([{ bursts: 3 }]);
    feed(m, 1, 0);
    const evs = run(m, 30, () => false);
    expect(results(evs)).toEqual(['fired', 'miss', 'fired', 'miss', 'fired', 'miss', 'out-of-ammunition']);
    const fired = evs.filter((e) => e.result === 'fired');
    const misses = evs.filter((e) => e.result === 'miss');
    // decision at 0 (the prediction's time), 2 s reaction, slew from the northern horizon to ≈ 53° up in the west
    expect(fired[0]!.t).toBeGreaterThan(2);
    expect(fired[0]!.t).toBeLessThan(3);
    for (let i = 0; i < 3; i++) {
      expect(fired[i]!.burst).toBe(i + 1);
      expect(misses[i]!.t).toBeCloseTo(fired[i]!.t + 1.5 + 1, 6); // burst 1.5 s, look 1 s
      if (i > 0) {
        expect(fired[i]!.t).toBeGreaterThanOrEqual(misses[i - 1]!.t);
        expect(fired[i]!.t).toBeLessThan(misses[i - 1]!.t + 0.2); // the gun is laid on the target already
      }
      expect(fired[i]!.range).toBeLessThanOrEqual(2000);
      expect(fired[i]!.intercept!.alt).toBeGreaterThanOrEqual(100);
    }
  });

  it('no solution: a threat beyond every gun is reported once per gun, not every window', () => {
    const m = manager([{ maxRange: 500 }]);
    feed(m, 1, 0);
    for (let t = 0.5; t < 10; t += 0.5) feed(m, 1, 0, t); // new predictions keep coming (same state, later time)
    const evs = run(m, 30);
    expect(evs.map((e) => [e.result, e.reason])).toEqual([['no-solution', 'range']]);
  });
});

describe('EngagementManager: kill assessment', () => {
  it('live (no assessor): the track persisting after the burst is a miss; its deletion after the next one a kill', () => {
    const m = manager();
    feed(m, 1, 0);
    const evs: EngagementEvent[] = [];
    let firedAt = -1;
    for (let t = 0.5; t <= 30; t += 0.5) {
      const step = m.tick(t);
      evs.push(...step);
      const f = step.find((e) => e.result === 'fired');
      if (f && f.burst === 1) firedAt = f.t;
      // the radar keeps seeing the target until the second burst; then the track coasts and is deleted
      const nFired = evs.filter((e) => e.result === 'fired').length;
      if (nFired === 1 && firedAt > 0 && t > firedAt + 2) feed(m, 1, 0, t);
      if (nFired === 2 && !evs.some((e) => e.result === 'kill')) m.onTrackEnd(1, t, 'deleted');
    }
    expect(results(evs)).toEqual(['fired', 'miss', 'fired', 'kill']);
  });

  it('a track that reaches the ground after a burst is a miss (leaker)', () => {
    const m = manager();
    feed(m, 1, 0);
    const evs = run(m, 4);
    expect(results(evs)).toEqual(['fired']);
    m.onTrackEnd(1, 6, 'impact');
    expect(results(run(m, 30))).toEqual(['miss']);
  });

  it('shoot-look-shoot with pk 0.6 and 3 bursts kills 1 − 0.4³ = 93.6 % of the rounds (2,000 seeded trials)', () => {
    const rng = new Rng(20211219).stream('engage:gun-1');
    const N = 2000;
    let kills = 0;
    let bursts = 0;
    for (let i = 0; i < N; i++) {
      const m = manager([{ bursts: 3 }]);
      feed(m, 1, 0);
      const evs = m.tick(30, (s) => resolveBurst(rng, s.pk));
      if (evs.some((e) => e.result === 'kill')) kills++;
      bursts += evs.filter((e) => e.result === 'fired').length;
    }
    const p = 1 - 0.4 ** 3;
    const sigma = Math.sqrt((p * (1 - p)) / N);
    expect(Math.abs(kills / N - p)).toBeLessThan(4 * sigma);
    // expected bursts per round: 1 + 0.4 + 0.16 = 1.56 (σ of the mean ≈ 0.016)
    expect(Math.abs(bursts / N - 1.56)).toBeLessThan(0.07);
  });

  it('is deterministic: the same seed gives the same events, another seed other draws', () => {
    const once = (seed: number): string => {
      const rng = new Rng(seed).stream('engage');
      const m = manager([{ bursts: 4 }, { bursts: 4 }]);
      feed(m, 1, 0);
      feed(m, 2, 800);
      feed(m, 3, -1000);
      return JSON.stringify(run(m, 30, () => resolveBurst(rng, 0.3)));
    };
    expect(once(5)).toBe(once(5));
    const seeds = [6, 7, 8, 9].map(once);
    expect(seeds.some((s) => s !== once(5))).toBe(true);
  });
});
