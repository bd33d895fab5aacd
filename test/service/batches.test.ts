/** splitRelease: one release of the ingest cut into batches the tracker can take, a sector never cut. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BATCH_SECONDS, splitRelease } from '../../src/service/batches.js';

/** A radar's plots: `tracks` targets seen once a revolution of `period` s, from t0 for `seconds`. */
function radar(t0: number, period: number, seconds: number, tracks: number): { t: number; track: number }[] {
  const out: { t: number; track: number }[] = [];
  for (let rev = 0; rev * period < seconds; rev++) {
    for (let k = 0; k < tracks; k++) {
      const t = t0 + rev * period + (period * k) / tracks;
      if (t < t0 + seconds) out.push({ t, track: k });
    }
  }
  return out;
}

describe('splitRelease', () => {
  it('a sector straddling a half second is one batch (the fixed 0.5 s grid had cut it)', () => {
    // a 1 s radar's sector of 62.5 ms from 100.47 s to 100.5325 s
    const plots = [0, 1, 2, 3, 4].map((k) => ({ t: 100.47 + (0.0625 * k) / 5 }));
    expect(plots.at(-1)!.t).toBeGreaterThan(100.5);
    expect(splitRelease(plots, 100.5325)).toEqual([{ from: 0, to: plots.length, until: 100.5325 }]);
  });

  it('a release of three revolutions: batches of at most 0.5 s, one plot per target each, every plot once, in order', () => {
    const plots = radar(200.3, 1, 3, 40);
    const until = 203.3;
    const bs = splitRelease(plots, until);
    expect(bs.length).toBeGreaterThanOrEqual(6);
    let next = 0;
    for (const [k, b] of bs.entries()) {
      expect(b.from).toBe(next);
      next = b.to;
      const part = plots.slice(b.from, b.to);
      expect(part.length).toBeGreaterThan(0);
      expect(part.at(-1)!.t - part[0]!.t).toBeLessThan(BATCH_SECONDS);
      expect(new Set(part.map((p) => p.track)).size).toBe(part.length);
      // every plot before the batch's until; the untils grow; the last is the release's
      for (const p of part) expect(p.t).toBeLessThan(b.until + (k === bs.length - 1 ? 1e-9 : 0));
      if (k > 0) expect(b.until).toBeGreaterThan(bs[k - 1]!.until);
    }
    expect(next).toBe(plots.length);
    expect(bs.at(-1)!.until).toBe(until);
  });

  it('plots after until (released per sensor) go with the last batch; no plots: one empty batch', () => {
    const plots = [{ t: 10 }, { t: 10.2 }, { t: 10.7 }, { t: 10.75 }];
    expect(splitRelease(plots, 10.6)).toEqual([
      { from: 0, to: 2, until: 10.5 },
      { from: 2, to: 4, until: 10.6 },
    ]);
    expect(splitRelease([], 42)).toEqual([{ from: 0, to: 0, until: 42 }]);
  });

  it('any time-ordered release: consecutive, complete, each batch under 0.5 s unless it is the last', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 5, noNaN: true }), { maxLength: 200 }), fc.double({ min: 0, max: 6, noNaN: true }), (ts, u) => {
        const plots = ts.sort((a, b) => a - b).map((t) => ({ t: 1000 + t }));
        const until = 1000 + u;
        const bs = splitRelease(plots, until);
        let next = 0;
        for (const [k, b] of bs.entries()) {
          expect(b.from).toBe(next);
          next = b.to;
          if (k < bs.length - 1) {
            expect(b.to).toBeGreaterThan(b.from);
            expect(plots[b.to - 1]!.t - plots[b.from]!.t).toBeLessThan(BATCH_SECONDS);
            expect(plots[b.to - 1]!.t).toBeLessThan(b.until);
            expect(plots[b.to]!.t).toBeGreaterThanOrEqual(b.until);
          }
          if (k > 0) expect(b.until).toBeGreaterThanOrEqual(bs[k - 1]!.until);
        }
        expect(next).toBe(plots.length);
        expect(bs.at(-1)!.until).toBe(until);
      }),
    );
  });
});
