/** Same seed → same plots; any chopping of time → same plots; adding a target changes nobody else's plots. */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.js';
import { EnuFrame } from '../../src/geo/wgs84.js';
import type { Plot } from '../../src/sense/plot.js';
import { RadarModel } from '../../src/sense/radar.js';
import type { TruthTarget } from '../../src/sense/truth-target.js';
import { SITE, polar, radarCfg, straightLine } from './helpers.js';

const frame = new EnuFrame(SITE);
const epoch = 1_577_836_800; // 2020-01-01T00:00:00Z
const cfg = radarCfg({ pd: 0.9, clutterPerScan: 3, period: 1.3, startPhaseDeg: 77 });

/** Threat-like targets: straight climbs and dives that start and end at odd times. */
function targets(n: number): TruthTarget[] {
  return Array.from({ length: n }, (_, i) => {
    const p = polar(2000 + 250 * i, i * 0.9, 0.05);
    const v: [number, number, number] = [80 * Math.cos(i), -90 * Math.sin(i), i % 2 ? 40 : -10];
    return straightLine(frame, `threat-${i}`, p, v, epoch, epoch + 0.37 * i, epoch + 25 + 0.61 * i);
  });
}

function scanChopped(seed: number, tg: TruthTarget[], steps: number[]): Plot[] {
  const radar = new RadarModel(cfg, new Rng(seed), epoch);
  const out: Plot[] = [];
  let t = epoch;
  for (const dt of steps) {
    radar.scan(t, t + dt, tg, out);
    t += dt;
  }
  return out;
}

const SPAN = 60;

describe('determinism', () => {
  const tg = targets(12);
  const whole = scanChopped(42, tg, [SPAN]);

  it('produces a useful mix of target and clutter plots in time order', () => {
    expect(whole.filter((p) => p.truthId!.startsWith('threat-')).length).toBeGreaterThan(100);
    expect(whole.filter((p) => p.truthId!.startsWith('clutter:')).length).toBeGreaterThan(60);
    for (let i = 1; i < whole.length; i++) expect(whole[i]!.t).toBeGreaterThanOrEqual(whole[i - 1]!.t);
  });

  it('same seed gives the same plots; another seed does not', () => {
    expect(scanChopped(42, targets(12), [SPAN])).toEqual(whole);
    expect(scanChopped(43, targets(12), [SPAN])).not.toEqual(whole);
  });

  it('results do not depend on how time is chopped', () => {
    const tenths = Array.from({ length: SPAN * 10 }, () => 0.1);
    const revs = Array.from({ length: Math.ceil(SPAN / 1.3) }, () => 1.3);
    const stepRng = new Rng(9, 'steps');
    const ragged: number[] = [];
    for (let s = 0; s < SPAN; ) {
      const dt = Math.min(SPAN - s, stepRng.range(0.001, 3.5));
      ragged.push(dt);
      s += dt;
    }
    // sum-of-steps rounding can end a hair short: close the span exactly
    const fix = (steps: number[]) => [...steps, 1e-6];
    for (const steps of [tenths, revs, ragged]) {
      const got = scanChopped(42, tg, fix(steps)).filter((p) => p.t < epoch + SPAN);
      expect(got).toEqual(whole);
    }
  });

  it('adding a target leaves the other targets and the clutter unchanged', () => {
    const extra = straightLine(frame, 'extra', polar(3000, 2, 0.2), [50, 50, 20], epoch, epoch, epoch + SPAN);
    const more = scanChopped(42, [extra, ...tg], [SPAN]);
    expect(more.filter((p) => p.truthId !== 'extra')).toEqual(whole);
    expect(more.filter((p) => p.truthId === 'extra').length).toBeGreaterThan(30);
    const fewer = scanChopped(42, tg.slice(1), [SPAN]);
    expect(fewer).toEqual(whole.filter((p) => p.truthId !== 'threat-0'));
  });

  it('refuses to go back in time (the per-target streams would fall out of step)', () => {
    const radar = new RadarModel(cfg, new Rng(1), epoch);
    radar.scan(epoch, epoch + 10, tg, []);
    expect(() => radar.scan(epoch + 5, epoch + 12, tg, [])).toThrow(RangeError);
  });
});
