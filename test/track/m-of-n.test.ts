import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MOfN, popcount32, recordHistory, trailingMisses } from '../../src/track/m-of-n.js';

describe('M-of-N confirmation', () => {
  it('2-of-3: hit, miss, hit confirms on the third opportunity', () => {
    const t = new MOfN(2, 3);
    t.record(true);
    expect(t.confirmed).toBe(false);
    t.record(false);
    expect(t.confirmed).toBe(false);
    expect(t.missesInRow).toBe(1);
    t.record(true);
    expect(t.confirmed).toBe(true);
    expect(t.hits).toBe(2);
    expect(t.missesInRow).toBe(0);
  });

  it('2-of-3: hits separated by two misses never confirm (the first hit has left the window)', () => {
    const t = new MOfN(2, 3);
    for (const h of [true, false, false, true, false, false, true]) t.record(h);
    expect(t.confirmed).toBe(false);
    expect(t.hits).toBe(1);
    expect(t.missesInRow).toBe(0);
  });

  it('confirmation is latched; satisfied follows the window', () => {
    const t = new MOfN(3, 5);
    for (const h of [true, true, true]) t.record(h);
    expect(t.confirmed).toBe(true);
    for (let k = 0; k < 4; k++) t.record(false);
    expect(t.hits).toBe(1); // window of 5: [m, m, m, m, h]
    expect(t.satisfied).toBe(false);
    expect(t.confirmed).toBe(true);
    expect(t.missesInRow).toBe(4);
    t.reset();
    expect([t.confirmed, t.hits, t.missesInRow, t.opportunities]).toEqual([false, 0, 0, 0]);
  });

  it('1-of-1 confirms on the first hit; N = 32 uses all bits', () => {
    const a = new MOfN(1, 1);
    a.record(true);
    expect(a.confirmed).toBe(true);
    const b = new MOfN(32, 32);
    for (let k = 0; k < 31; k++) b.record(true);
    expect(b.confirmed).toBe(false);
    b.record(true);
    expect(b.confirmed).toBe(true);
    expect(b.hits).toBe(32);
  });

  it('rejects M > N, N > 32 and non-integers', () => {
    expect(() => new MOfN(4, 3)).toThrow();
    expect(() => new MOfN(2, 33)).toThrow();
    expect(() => new MOfN(1.5, 3)).toThrow();
  });

  it('matches a plain array implementation on random sequences', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 32 }).chain((n) => fc.tuple(fc.integer({ min: 1, max: n }), fc.constant(n))),
        fc.array(fc.boolean(), { maxLength: 100 }),
        ([m, n], seq) => {
          const t = new MOfN(m, n);
          let confirmed = false;
          seq.forEach((h, k) => {
            t.record(h);
            const window = seq.slice(Math.max(0, k + 1 - n), k + 1);
            const hits = window.filter(Boolean).length;
            if (hits >= m) confirmed = true;
            let run = 0;
            for (let q = k; q >= 0 && !seq[q]; q--) run++;
            expect(t.hits).toBe(hits);
            expect(t.confirmed).toBe(confirmed);
            expect(t.missesInRow).toBe(run);
            // the raw history cannot tell "before the first opportunity" from a miss
            expect(trailingMisses(t.bits, n)).toBe(run === k + 1 ? n : Math.min(run, n));
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('popcount32 and recordHistory agree with string counting', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), (x) => {
        expect(popcount32(x)).toBe((x >>> 0).toString(2).split('').filter((c) => c === '1').length);
      }),
    );
    expect(recordHistory(0b101, true, 3)).toBe(0b011);
  });
});
