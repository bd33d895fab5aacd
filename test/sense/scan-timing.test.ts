/** Beam-pass timing against closed forms: a target whose azimuth changes linearly has passes in closed form. */
import { describe, expect, it } from 'vitest';
import { beamAzimuth, beamPasses, beamTimeAt, revolutionOf, revolutionStart, type ScanTiming } from '../../src/sense/scan-timing.js';

const TWO_PI = 2 * Math.PI;

/** All passes in [t0, t1) of the beam over an azimuth a0 + rate·t, from the closed form. */
function closedFormPasses(timing: ScanTiming, a0: number, rate: number, t0: number, t1: number): number[] {
  const w = TWO_PI / timing.period;
  // s + w(t − epoch) = a0 + rate·t + 2πm  ⇒  t = (a0 + 2πm − s + w·epoch) / (w − rate)
  const tm = (m: number) => (a0 + TWO_PI * m - timing.startPhase + w * timing.epoch) / (w - rate);
  const out: number[] = [];
  const mLo = Math.floor(((w - rate) * t0 - a0 + timing.startPhase - w * timing.epoch) / TWO_PI) - 1;
  for (let m = mLo; ; m++) {
    const t = tm(m);
    if (t >= t1) break;
    if (t >= t0) out.push(t);
  }
  return out;
}

function modelPasses(timing: ScanTiming, azAt: (t: number) => number, k0: number, k1: number): number[] {
  const buf = new Float64Array(2);
  const out: number[] = [];
  for (let k = k0; k < k1; k++) {
    const n = beamPasses(timing, k, azAt, buf);
    for (let i = 0; i < n; i++) out.push(buf[i]!);
  }
  return out;
}

describe('scan timing', () => {
  it('a fixed azimuth of 90° with a 2 s period and start phase 0 is passed at epoch + 0.5 s + k·2 s', () => {
    const timing = { epoch: 1000, period: 2, startPhase: 0 };
    const got = modelPasses(timing, () => Math.PI / 2, 0, 10);
    expect(got).toHaveLength(10);
    got.forEach((t, k) => expect(t).toBeCloseTo(1000.5 + 2 * k, 10));
    expect(beamTimeAt(timing, 3, Math.PI / 2)).toBeCloseTo(1006.5, 12);
    expect(beamAzimuth(timing, 1006.5)).toBeCloseTo(Math.PI / 2, 12);
  });

  it('start phase shifts the pass: beam at 300° at the epoch reaches 30° a quarter turn later', () => {
    const timing = { epoch: 0, period: 4, startPhase: (300 * Math.PI) / 180 };
    const got = modelPasses(timing, () => (30 * Math.PI) / 180, 0, 3);
    expect(got.map((t) => +t.toFixed(9))).toEqual([1, 5, 9]);
  });

  for (const rate of [0.4, -0.4, 2.5, -2.5]) {
    it(`finds every pass of a target turning at ${rate} rad/s (closed form), none twice`, () => {
      const timing = { epoch: 17.25, period: 1.3, startPhase: 1.1 };
      const a0 = 0.7;
      const azAt = (t: number) => a0 + rate * t;
      const k0 = -3;
      const k1 = 60;
      const got = modelPasses(timing, azAt, k0, k1);
      const want = closedFormPasses(timing, a0, rate, revolutionStart(timing, k0), revolutionStart(timing, k1));
      expect(got.length).toBe(want.length);
      got.forEach((t, i) => expect(Math.abs(t - want[i]!)).toBeLessThan(1e-8));
      // where the target turns against the beam some revolutions hold two passes, with it some hold none
      if (rate < 0) expect(got.length).toBeGreaterThan(k1 - k0);
      if (rate > 0) expect(got.length).toBeLessThan(k1 - k0);
    });
  }

  it('revolutionOf agrees with revolutionStart at the boundaries', () => {
    const timing = { epoch: 1.6e9 + 0.1, period: 0.7, startPhase: 0 };
    for (let k = -5; k < 2000; k += 37) {
      const t = revolutionStart(timing, k);
      expect(revolutionOf(timing, t)).toBe(k);
      expect(revolutionOf(timing, t - 1e-6)).toBe(k - 1);
    }
  });
});
