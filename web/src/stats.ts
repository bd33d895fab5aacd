/**
 * Timing the display measures about itself (window.__tocsin.stats()): frame intervals (requestAnimationFrame
 * to requestAnimationFrame: what "smooth" means to a person) and update times (the work of one frame that had
 * something to do: applying events, rebuilding map sources, updating panels).
 */

class Ring {
  private readonly buf: Float64Array;
  private n = 0;
  private i = 0;
  constructor(size: number) {
    this.buf = new Float64Array(size);
  }
  add(v: number): void {
    this.buf[this.i] = v;
    this.i = (this.i + 1) % this.buf.length;
    if (this.n < this.buf.length) this.n++;
  }
  clear(): void {
    this.n = 0;
    this.i = 0;
  }
  get count(): number {
    return this.n;
  }
  quantiles(): { p50: number; p95: number; max: number } {
    if (this.n === 0) return { p50: NaN, p95: NaN, max: NaN };
    const a = Array.from(this.buf.subarray(0, this.n)).sort((x, y) => x - y);
    const q = (p: number) => a[Math.min(a.length - 1, Math.floor(p * a.length))]!;
    const r = (v: number) => Math.round(v * 100) / 100;
    return { p50: r(q(0.5)), p95: r(q(0.95)), max: r(a[a.length - 1]!) };
  }
}

export class Stats {
  private readonly frames = new Ring(1200);
  private readonly updates = new Ring(1200);
  private readonly parts = new Map<string, Ring>();
  private lastFrame = NaN;
  frameCount = 0;
  updateCount = 0;

  frame(ts: number): void {
    if (Number.isFinite(this.lastFrame)) this.frames.add(ts - this.lastFrame);
    this.lastFrame = ts;
    this.frameCount++;
  }

  update(ms: number): void {
    this.updates.add(ms);
    this.updateCount++;
  }

  /** time of one part of an update (flush, map, panels) */
  part(name: string, ms: number): void {
    let r = this.parts.get(name);
    if (!r) this.parts.set(name, (r = new Ring(1200)));
    r.add(ms);
  }

  partsMs(): Record<string, { p50: number; p95: number; max: number }> {
    const out: Record<string, { p50: number; p95: number; max: number }> = {};
    for (const [k, r] of this.parts) out[k] = r.quantiles();
    return out;
  }

  reset(): void {
    for (const r of this.parts.values()) r.clear();
    this.frames.clear();
    this.updates.clear();
    this.lastFrame = NaN;
    this.frameCount = 0;
    this.updateCount = 0;
  }

  frameMs(): { p50: number; p95: number; max: number } {
    return this.frames.quantiles();
  }

  updateMs(): { p50: number; p95: number; max: number } {
    return this.updates.quantiles();
  }
}
