/**
 * Antenna scan timing: a mechanically rotating antenna turning clockwise (increasing azimuth) at one
 * revolution per period, with azimuth startPhase at the epoch:
 *
 *   beam(t) = startPhase + ω·(t − epoch) (mod 2π),   ω = 2π / period.
 *
 * Revolution k is the half-open interval [epoch + k·period, epoch + (k+1)·period). A target is looked at
 * when the beam passes its azimuth. The target moves while the antenna turns, so the look time is the root
 * of beam(t) − az(t) ≡ 0 (mod 2π), not simply the time the beam points where the target was at some fixed
 * instant. Each look is computed from its revolution index alone (same arithmetic, same starting point), so
 * a look time is bit-for-bit the same however the caller chops time into windows.
 */
import { wrapPi, wrapTwoPi } from './angles.js';

const TWO_PI = 2 * Math.PI;

export interface ScanTiming {
  /** UTC s at which the beam points at startPhase */
  epoch: number;
  /** s per revolution */
  period: number;
  /** rad */
  startPhase: number;
}

/** Start time of revolution k. */
export function revolutionStart(timing: ScanTiming, k: number): number {
  return timing.epoch + k * timing.period;
}

/** Index of the revolution that contains t (consistent with revolutionStart despite rounding). */
export function revolutionOf(timing: ScanTiming, t: number): number {
  if (!Number.isFinite(t)) throw new RangeError(`revolutionOf: time must be finite, got ${t}`);
  let k = Math.floor((t - timing.epoch) / timing.period);
  while (revolutionStart(timing, k) > t) k--;
  while (revolutionStart(timing, k + 1) <= t) k++;
  return k;
}

/** Beam azimuth at time t, rad in [0, 2π). */
export function beamAzimuth(timing: ScanTiming, t: number): number {
  return wrapTwoPi(timing.startPhase + (TWO_PI * (t - timing.epoch)) / timing.period);
}

/** Time in revolution k at which the beam points at a fixed azimuth az (rad). */
export function beamTimeAt(timing: ScanTiming, k: number, az: number): number {
  return revolutionStart(timing, k) + (wrapTwoPi(az - timing.startPhase) / TWO_PI) * timing.period;
}

/**
 * Times in revolution k at which the beam passes a moving target whose azimuth at t is azAt(t) (rad, any
 * branch; NaN when unknown). Writes them in increasing order into out (room for 2) and returns how many:
 * usually 1; 0 or 2 when the target crosses the revolution's start azimuth against or with the beam.
 *
 * Method: azimuth is unwrapped about its value at mid-revolution (valid while the target turns less than π
 * as seen from the radar within one revolution). The pass condition is then
 *   F_j(t) = ω(t − T₀) + startPhase − u(t) − 2πj = 0,
 * monotone in t while the target's angular rate is below ω. Candidate integers j are those where F_j changes
 * sign over the revolution; each root is found by fixed-point iteration t ← T₀ + (u(t) + 2πj − startPhase)/ω
 * (contraction factor |u'|/ω, a few per cent for real targets) safeguarded by bisection on the bracket.
 */
export function beamPasses(timing: ScanTiming, k: number, azAt: (t: number) => number, out: Float64Array): number {
  const t0 = revolutionStart(timing, k);
  const t1 = revolutionStart(timing, k + 1);
  const w = TWO_PI / timing.period;
  const s = timing.startPhase;
  const ac = azAt(0.5 * (t0 + t1));
  const a0 = azAt(t0);
  const a1 = azAt(t1);
  if (Number.isNaN(ac) || Number.isNaN(a0) || Number.isNaN(a1)) return 0;
  const u0 = ac + wrapPi(a0 - ac);
  const u1 = ac + wrapPi(a1 - ac);
  const jLo = Math.ceil((s - u0) / TWO_PI);
  const jHi = Math.ceil((TWO_PI + s - u1) / TWO_PI) - 1;
  let n = 0;
  for (let j = jLo; j <= jHi && n < 2; j++) {
    const off = TWO_PI * j - s;
    let lo = t0;
    let hi = t1;
    let t = t0 + (ac + off) / w;
    if (!(t > lo && t < hi)) t = 0.5 * (lo + hi);
    let ok = false;
    for (let it = 0; it < 80; it++) {
      const a = azAt(t);
      if (Number.isNaN(a)) break;
      const u = ac + wrapPi(a - ac);
      const f = w * (t - t0) - u - off;
      if (f === 0) {
        ok = true;
        break;
      }
      if (f < 0) lo = t;
      else hi = t;
      const tn = t0 + (u + off) / w;
      if (Math.abs(tn - t) < 1e-10 || hi - lo < 1e-10) {
        t = tn;
        ok = true;
        break;
      }
      // the fixed-point step left the bracket (target turning nearly as fast as the beam): bisect instead
      t = tn > lo && tn < hi ? tn : 0.5 * (lo + hi);
    }
    if (ok && t >= t0 && t < t1) out[n++] = t;
  }
  return n;
}
