/**
 * Seeded RNG: determinism, stream independence, and distribution moments against closed forms.
 *
 * Every statistical tolerance is K standard errors (K = 5, two-sided p ≈ 6e-7 per check) with the standard
 * error computed from the distribution's own moments, never tuned to the observed values. Seeds are fixed, so
 * each run is deterministic; the tolerances say the test would also pass for almost every other seed.
 */
import { describe, expect, it } from 'vitest';
import { Rng, hashString } from '../../src/core/rng.js';

const K = 5;

function draws(rng: Rng, n: number, f: (r: Rng) => number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = f(rng);
  return out;
}

function meanVar(x: Float64Array): { mean: number; variance: number } {
  let m = 0;
  for (const v of x) m += v;
  m /= x.length;
  let s = 0;
  for (const v of x) s += (v - m) * (v - m);
  return { mean: m, variance: s / (x.length - 1) };
}

describe('hashString', () => {
  it('is FNV-1a 32: published test vectors', () => {
    // FNV-1a 32-bit of "" is the offset basis; "a" → 0xe40c292c, "foobar" → 0xbf9cf968
    // (Fowler/Noll/Vo reference test vectors, http://www.isthe.com/chongo/src/fnv/test_fnv.c).
    expect(hashString('')).toBe(0x811c9dc5);
    expect(hashString('a')).toBe(0xe40c292c);
    expect(hashString('foobar')).toBe(0xbf9cf968);
  });
});

describe('Rng determinism and streams', () => {
  it('same seed and name give the identical sequence', () => {
    const a = new Rng(12345, 'sensor:lcmr-1');
    const b = new Rng(12345, 'sensor:lcmr-1');
    for (let i = 0; i < 1000; i++) expect(a.nextUint32()).toBe(b.nextUint32());
    const c = new Rng(7);
    const d = new Rng(7);
    for (let i = 0; i < 1000; i++) expect(c.normal()).toBe(d.normal());
  });

  it('different seeds or names give different sequences', () => {
    const seq = (r: Rng) => Array.from({ length: 16 }, () => r.nextUint32());
    const base = seq(new Rng(1, 'a'));
    expect(seq(new Rng(1, 'b'))).not.toEqual(base);
    expect(seq(new Rng(2, 'a'))).not.toEqual(base);
    expect(seq(new Rng(1))).not.toEqual(base);
  });

  it('stream(name) is independent of creation order and of draws on the parent', () => {
    const r1 = new Rng(99);
    const a1 = r1.stream('a');
    const b1 = r1.stream('b');
    const r2 = new Rng(99);
    for (let i = 0; i < 50; i++) r2.uniform(); // draws on the parent do not shift its streams
    const b2 = r2.stream('b');
    const a2 = r2.stream('a');
    for (let i = 0; i < 200; i++) {
      expect(a1.nextUint32()).toBe(a2.nextUint32());
      expect(b1.nextUint32()).toBe(b2.nextUint32());
    }
    // a stream is the same as constructing the named generator directly; nested names compose
    expect(new Rng(99).stream('a').nextUint32()).toBe(new Rng(99, 'a').nextUint32());
    expect(new Rng(99).stream('x').stream('y').name).toBe('x/y');
  });

  it('two streams are uncorrelated (|r| < 5/√N)', () => {
    const n = 100_000;
    const x = draws(new Rng(5, 'x'), n, (r) => r.uniform());
    const y = draws(new Rng(5, 'y'), n, (r) => r.uniform());
    let sxy = 0;
    for (let i = 0; i < n; i++) sxy += (x[i]! - 0.5) * (y[i]! - 0.5);
    const corr = sxy / n / (1 / 12);
    expect(Math.abs(corr)).toBeLessThan(K / Math.sqrt(n));
  });

  it('rejects a non-finite seed', () => {
    expect(() => new Rng(NaN)).toThrow(RangeError);
  });
});

describe('Rng distributions', () => {
  const N = 200_000;

  it('uniform: in [0,1), mean 1/2, variance 1/12', () => {
    const x = draws(new Rng(2024, 'u'), N, (r) => r.uniform());
    expect(Math.min(...x.subarray(0, 100_000))).toBeGreaterThanOrEqual(0);
    expect(Math.max(...x.subarray(0, 100_000))).toBeLessThan(1);
    const { mean, variance } = meanVar(x);
    // SE(mean) = σ/√N; SE(s²) = √((μ4 − σ⁴)/N) with μ4 = 1/80, σ⁴ = 1/144 for U(0,1)
    expect(Math.abs(mean - 0.5)).toBeLessThan(K * Math.sqrt(1 / 12 / N));
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(K * Math.sqrt((1 / 80 - 1 / 144) / N));
  });

  it('uniform: χ² over 10 equal bins below the 0.1 % critical value (df 9: 27.877)', () => {
    for (const seed of [1, 2, 3]) {
      const rng = new Rng(seed, 'chi2');
      const bins = new Array<number>(10).fill(0);
      for (let i = 0; i < N; i++) bins[Math.floor(rng.uniform() * 10)]!++;
      const e = N / 10;
      const chi2 = bins.reduce((s, o) => s + ((o - e) * (o - e)) / e, 0);
      expect(chi2).toBeLessThan(27.877);
    }
  });

  it('int(n) covers [0, n) evenly and range(lo, hi) stays inside', () => {
    const rng = new Rng(8);
    const counts = new Array<number>(6).fill(0);
    const n = 60_000;
    for (let i = 0; i < n; i++) counts[rng.int(6)]!++;
    const p = 1 / 6;
    for (const c of counts) expect(Math.abs(c / n - p)).toBeLessThan(K * Math.sqrt((p * (1 - p)) / n));
    for (let i = 0; i < 1000; i++) {
      const v = rng.range(-3, 7);
      expect(v).toBeGreaterThanOrEqual(-3);
      expect(v).toBeLessThan(7);
    }
  });

  it('normal: mean 0, σ 1, 68.27 % within 1σ, 95.45 % within 2σ', () => {
    const x = draws(new Rng(77, 'n'), N, (r) => r.normal());
    const { mean, variance } = meanVar(x);
    expect(Math.abs(mean)).toBeLessThan(K / Math.sqrt(N));
    // SE(s) ≈ σ/√(2N) for a normal sample
    expect(Math.abs(Math.sqrt(variance) - 1)).toBeLessThan(K / Math.sqrt(2 * N));
    let in1 = 0;
    let in2 = 0;
    for (const v of x) {
      if (Math.abs(v) < 1) in1++;
      if (Math.abs(v) < 2) in2++;
    }
    const p1 = 0.6826894921370859; // erf(1/√2)
    const p2 = 0.9544997361036416; // erf(√2)
    expect(Math.abs(in1 / N - p1)).toBeLessThan(K * Math.sqrt((p1 * (1 - p1)) / N));
    expect(Math.abs(in2 / N - p2)).toBeLessThan(K * Math.sqrt((p2 * (1 - p2)) / N));
  });

  it('gauss(mean, σ) scales and shifts', () => {
    const x = draws(new Rng(78), N, (r) => r.gauss(10, 3));
    const { mean, variance } = meanVar(x);
    expect(Math.abs(mean - 10)).toBeLessThan((K * 3) / Math.sqrt(N));
    expect(Math.abs(Math.sqrt(variance) - 3)).toBeLessThan((K * 3) / Math.sqrt(2 * N));
  });

  it('exponential(rate): mean 1/rate, variance 1/rate²', () => {
    const rate = 0.25;
    const x = draws(new Rng(79), N, (r) => r.exponential(rate));
    const { mean, variance } = meanVar(x);
    expect(Math.abs(mean - 4)).toBeLessThan((K * 4) / Math.sqrt(N));
    // μ4 = 9/rate⁴, σ⁴ = 1/rate⁴ → SE(s²) = √(8/N)/rate²
    expect(Math.abs(variance - 16)).toBeLessThan(K * 16 * Math.sqrt(8 / N));
  });

  for (const lambda of [0.5, 5, 50]) {
    it(`poisson(${lambda}): mean and variance λ`, () => {
      const n = 100_000;
      const x = draws(new Rng(31, `p${lambda}`), n, (r) => r.poisson(lambda));
      for (let i = 0; i < 100; i++) expect(Number.isInteger(x[i])).toBe(true);
      const { mean, variance } = meanVar(x);
      // SE(mean) = √(λ/N); SE(s²) = √((μ4 − σ⁴)/N) with μ4 = λ(1 + 3λ) for a Poisson variable
      expect(Math.abs(mean - lambda)).toBeLessThan(K * Math.sqrt(lambda / n));
      expect(Math.abs(variance - lambda)).toBeLessThan(K * Math.sqrt((lambda + 2 * lambda * lambda) / n));
    });
  }

  it('poisson: P(0) = e^−λ for λ = 0.5', () => {
    const n = 100_000;
    const rng = new Rng(32);
    let zeros = 0;
    for (let i = 0; i < n; i++) if (rng.poisson(0.5) === 0) zeros++;
    const p = Math.exp(-0.5);
    expect(Math.abs(zeros / n - p)).toBeLessThan(K * Math.sqrt((p * (1 - p)) / n));
    expect(new Rng(1).poisson(0)).toBe(0);
    expect(() => new Rng(1).poisson(-1)).toThrow(RangeError);
  });

  it('bernoulli(p): rate p', () => {
    const n = 100_000;
    for (const p of [0.01, 0.3, 0.9]) {
      const rng = new Rng(33, `b${p}`);
      let k = 0;
      for (let i = 0; i < n; i++) if (rng.bernoulli(p)) k++;
      expect(Math.abs(k / n - p)).toBeLessThan(K * Math.sqrt((p * (1 - p)) / n));
    }
    const rng = new Rng(34);
    for (let i = 0; i < 100; i++) {
      expect(rng.bernoulli(0)).toBe(false);
      expect(rng.bernoulli(1)).toBe(true);
    }
  });
});
