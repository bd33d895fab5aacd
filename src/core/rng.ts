/**
 * Seeded random numbers for tocsin.
 *
 * Generator: xoshiro128** 1.1 (Blackman & Vigna, 2018), 128-bit state, period 2^128 − 1, seeded through
 * SplitMix32 so that any 32-bit seed gives a well-mixed state. It is implemented with 32-bit integer
 * arithmetic (Math.imul) because JavaScript has no fast 64-bit integers; that keeps one draw at a few
 * nanoseconds, which matters when the radar model draws millions of noise samples.
 *
 * Streams: every component draws from its own stream, derived from the scenario seed and a stable name
 * (`rng.stream('sensor:lcmr-1')`). Adding a sensor or a threat therefore adds a stream instead of shifting
 * the draws of every other component, and two runs with the same seed are identical draw for draw.
 */

/** FNV-1a 32-bit hash of a string: turns a stream name into a number. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** SplitMix32 step: a good 32-bit mixer used to expand seeds into generator state. */
function splitmix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) | 0;
  let z = state.s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spareNormal = NaN;
  readonly seed: number;
  readonly name: string;

  /** @param seed any integer (taken modulo 2^32) @param name the stream name, '' for the root stream */
  constructor(seed: number, name = '') {
    if (!Number.isFinite(seed)) throw new RangeError(`RNG seed must be a finite number, got ${seed}`);
    this.seed = seed;
    this.name = name;
    const st = { s: ((Math.trunc(seed) >>> 0) ^ hashString(name)) | 0 };
    this.a = splitmix32(st);
    this.b = splitmix32(st);
    this.c = splitmix32(st);
    this.d = splitmix32(st);
    if ((this.a | this.b | this.c | this.d) === 0) this.d = 1; // the all-zero state is forbidden
  }

  /** An independent stream for a named component; the same (seed, name) always gives the same stream. */
  stream(name: string): Rng {
    return new Rng(this.seed, this.name === '' ? name : `${this.name}/${name}`);
  }

  /** Next raw 32-bit unsigned integer (xoshiro128**). */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 bits of resolution. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform in [lo, hi). */
  range(lo: number, hi: number): number {
    return lo + (hi - lo) * this.uniform();
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** Standard normal N(0, 1) by the Marsaglia polar method (pairs cached). */
  normal(): number {
    if (!Number.isNaN(this.spareNormal)) {
      const v = this.spareNormal;
      this.spareNormal = NaN;
      return v;
    }
    let u: number, v: number, s: number;
    do {
      u = 2 * this.uniform() - 1;
      v = 2 * this.uniform() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spareNormal = v * f;
    return u * f;
  }

  /** Normal with mean and standard deviation. */
  gauss(mean: number, sigma: number): number {
    return mean + sigma * this.normal();
  }

  /** Exponential with the given rate (mean 1/rate). */
  exponential(rate: number): number {
    return -Math.log(1 - this.uniform()) / rate;
  }

  /**
   * Poisson-distributed count with mean lambda: Knuth's product method below 30, a rounded normal
   * approximation with continuity correction above (error in the mean and variance well under 1 % there).
   */
  poisson(lambda: number): number {
    if (!(lambda >= 0)) throw new RangeError(`Poisson mean must be ≥ 0, got ${lambda}`);
    if (lambda === 0) return 0;
    if (lambda < 30) {
      const l = Math.exp(-lambda);
      let k = 0;
      let p = 1;
      do {
        k++;
        p *= this.uniform();
      } while (p > l);
      return k - 1;
    }
    return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * this.normal()));
  }

  /** True with probability p. */
  bernoulli(p: number): boolean {
    return this.uniform() < p;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
