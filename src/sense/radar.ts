/**
 * The radar model: turns truth (TruthTargets) into plots the way a rotating surveillance radar would.
 *
 * Per look (the instant the beam passes a target, see scan-timing.ts): the target is visible when inside the
 * coverage (range limits, elevation mask, detection floor, sector — coverage.ts, judged on the true
 * position); a visible target is detected with probability pd; a detection is the true slant range,
 * azimuth, elevation and range rate plus independent Gaussian noise, then quantised to ASTERIX CAT048
 * resolutions (quantise.ts). Every revolution also yields a Poisson number of clutter plots, uniform in
 * volume over the clutter region (clutter.ts), each timed when the beam passes its azimuth.
 *
 * Randomness: the sensor draws from rng.stream('sensor:<id>'), and within it from separate streams for
 * detection and noise per target ('detect:<target>', 'noise:<target>') and for clutter per revolution
 * ('clutter/rev:<k>'). Adding a target therefore changes neither the clutter nor any other target's draws.
 * A target's streams are consumed look by look in time order, so scan() must be called on consecutive,
 * non-overlapping windows (it throws if time goes backwards); how the time is chopped does not matter.
 */
import type { Rng } from '../core/rng.js';
import { EnuFrame } from '../geo/wgs84.js';
import { wrapTwoPi } from './angles.js';
import { sampleClutterPoint } from './clutter.js';
import { coverageOf, inCoverage, type Coverage } from './coverage.js';
import type { Plot } from './plot.js';
import { elevationFromHeight, heightFromPolar } from './polar.js';
import { quantiseAz, quantiseHeight, quantiseRange, quantiseRangeRate } from './quantise.js';
import type { RadarConfig } from './radar-config.js';
import { beamPasses, beamTimeAt, revolutionOf, type ScanTiming } from './scan-timing.js';
import type { TruthTarget } from './truth-target.js';

const DEG = Math.PI / 180;
/** Radial speed spread of clutter (birds, ground clutter leaking through), m/s. */
export const CLUTTER_RANGE_RATE_SIGMA = 5;

export interface RadarModelOptions {
  /** quantise to CAT048 resolutions (default true); off for noise statistics */
  quantise?: boolean;
}

interface TargetState {
  readonly det: Rng;
  readonly noise: Rng;
  /** the target object of the current call (ids are stable, objects may be rebuilt) */
  target: TruthTarget;
  /** cached beam passes of revolution `rev` (pure in rev, so caching cannot change results) */
  rev: number;
  nPass: number;
  readonly passes: Float64Array;
  readonly azAt: (t: number) => number;
}

export class RadarModel {
  readonly config: RadarConfig;
  /** ENU frame anchored at the radar: azimuth and elevation are measured in it */
  readonly frame: EnuFrame;
  readonly timing: ScanTiming;
  readonly coverage: Coverage;

  private readonly rng: Rng;
  private readonly clutterRng: Rng;
  private readonly quantise: boolean;
  private readonly sigR: number;
  private readonly sigAz: number;
  private readonly sigEl: number;
  private readonly sigRr: number;
  private readonly doppler: boolean;
  private readonly targets = new Map<string, TargetState>();
  /** clutter of revolutions already drawn and not yet fully emitted */
  private readonly clutterRevs = new Map<number, Plot[]>();
  private clutterDrawnTo = -Infinity;
  private clutterCount = 0;
  private lastTo = -Infinity;
  // scratch, reused on every look (no per-look typed-array allocation)
  private readonly sv = new Float64Array(6);
  private readonly enu = new Float64Array(3);
  private readonly pt = new Float64Array(3);

  /**
   * @param cfg validated configuration (radarConfigSchema)
   * @param rng the scenario's root RNG; the model takes its own stream 'sensor:<id>' from it
   * @param epoch UTC s at which the antenna points at startPhaseDeg
   */
  constructor(cfg: RadarConfig, rng: Rng, epoch: number, options: RadarModelOptions = {}) {
    this.config = cfg;
    this.frame = new EnuFrame({ lat: cfg.lat, lon: cfg.lon, alt: cfg.alt });
    this.timing = { epoch, period: cfg.period, startPhase: wrapTwoPi(cfg.startPhaseDeg * DEG) };
    this.coverage = coverageOf(cfg);
    this.rng = rng.stream(`sensor:${cfg.id}`);
    this.clutterRng = this.rng.stream('clutter');
    this.quantise = options.quantise ?? true;
    this.sigR = cfg.rangeSigma;
    this.sigAz = cfg.azSigmaMrad * 1e-3;
    this.sigEl = cfg.elSigmaMrad * 1e-3;
    this.sigRr = cfg.rangeRateSigma;
    this.doppler = cfg.rangeRateSigma > 0;
  }

  /**
   * Appends to out every plot measured in [tFrom, tTo) (UTC s), in time order: target looks and clutter.
   * Windows must follow each other in time; any chopping of the same span gives the same plots.
   */
  scan(tFrom: number, tTo: number, targets: readonly TruthTarget[], out: Plot[]): void {
    if (tFrom < this.lastTo - 1e-9) {
      throw new RangeError(`radar ${this.config.id}: scan window starts at ${tFrom}, before the previous end ${this.lastTo}`);
    }
    if (!(tTo > tFrom)) return;
    this.lastTo = tTo;
    const kFrom = revolutionOf(this.timing, tFrom);
    const kTo = revolutionOf(this.timing, tTo);
    const batch: Plot[] = [];

    for (const target of targets) {
      if (target.tEnd < tFrom || target.tStart >= tTo) continue;
      const st = this.stateOf(target);
      const kA = target.tStart > tFrom ? revolutionOf(this.timing, target.tStart) : kFrom;
      const kB = target.tEnd < tTo ? revolutionOf(this.timing, target.tEnd) : kTo;
      for (let k = kA; k <= kB; k++) {
        if (st.rev !== k) {
          st.nPass = beamPasses(this.timing, k, st.azAt, st.passes);
          st.rev = k;
        }
        for (let i = 0; i < st.nPass; i++) {
          const t = st.passes[i]!;
          if (t >= tFrom && t < tTo && t >= target.tStart && t <= target.tEnd) this.look(st, t, batch);
        }
      }
    }

    this.emitClutter(kFrom, kTo, tFrom, tTo, batch);
    // stable sort: equal times keep target order, then clutter, whatever the chopping
    batch.sort((a, b) => a.t - b.t);
    for (const p of batch) out.push(p);
  }

  private stateOf(target: TruthTarget): TargetState {
    let st = this.targets.get(target.id);
    if (!st) {
      const sv = this.sv;
      const enu = this.enu;
      const frame = this.frame;
      const holder = {} as TargetState;
      const azAt = (t: number): number => {
        const tgt = holder.target;
        const tc = t < tgt.tStart ? tgt.tStart : t > tgt.tEnd ? tgt.tEnd : t;
        if (!tgt.stateAt(tc, sv)) return NaN;
        frame.ecefToEnu(sv[0]!, sv[1]!, sv[2]!, enu);
        return Math.atan2(enu[0]!, enu[1]!);
      };
      st = Object.assign(holder, {
        det: this.rng.stream(`detect:${target.id}`),
        noise: this.rng.stream(`noise:${target.id}`),
        target,
        rev: Number.NaN,
        nPass: 0,
        passes: new Float64Array(2),
        azAt,
      });
      this.targets.set(target.id, st);
    }
    st.target = target;
    return st;
  }

  /** One look at a target at time t: coverage, detection, noise. */
  private look(st: TargetState, t: number, batch: Plot[]): void {
    const sv = this.sv;
    if (!st.target.stateAt(t, sv)) return;
    const o = this.frame.originEcef;
    const dx = sv[0]! - o[0]!;
    const dy = sv[1]! - o[1]!;
    const dz = sv[2]! - o[2]!;
    const r = Math.sqrt(dx * dx + dy * dy + dz * dz);
    const enu = this.frame.ecefToEnu(sv[0]!, sv[1]!, sv[2]!, this.enu);
    const e = enu[0]!;
    const n = enu[1]!;
    const up = enu[2]!;
    const az = wrapTwoPi(Math.atan2(e, n));
    const el = Math.atan2(up, Math.sqrt(e * e + n * n));
    if (!inCoverage(this.coverage, r, az, el, up)) return;
    if (!(st.det.uniform() < this.config.pd)) return;
    // rotation-invariant: the ECEF dot product equals the ENU one
    const rr = r > 0 ? (dx * sv[3]! + dy * sv[4]! + dz * sv[5]!) / r : 0;
    // always four draws, so the stream stays aligned whatever the configuration
    const nr = st.noise.normal();
    const na = st.noise.normal();
    const ne = st.noise.normal();
    const nd = st.noise.normal();
    batch.push(
      this.plot(t, r + this.sigR * nr, az + this.sigAz * na, el + this.sigEl * ne, rr + this.sigRr * nd, st.target.id),
    );
  }

  /** Draws clutter for revolutions not drawn yet and emits the plots that fall in [tFrom, tTo). */
  private emitClutter(kFrom: number, kTo: number, tFrom: number, tTo: number, batch: Plot[]): void {
    if (this.config.clutterPerScan <= 0) return;
    for (const k of this.clutterRevs.keys()) if (k < kFrom) this.clutterRevs.delete(k);
    for (let k = kFrom; k <= kTo; k++) {
      let plots = this.clutterRevs.get(k);
      if (!plots) {
        if (k <= this.clutterDrawnTo) continue; // drawn and already emitted in full
        plots = this.drawClutter(k);
        this.clutterRevs.set(k, plots);
        this.clutterDrawnTo = k;
      }
      for (const p of plots) if (p.t >= tFrom && p.t < tTo) batch.push(p);
    }
  }

  /** The clutter plots of revolution k, in time order (a stream per revolution: random access in k). */
  private drawClutter(k: number): Plot[] {
    const rng = this.clutterRng.stream(`rev:${k}`);
    const count = rng.poisson(this.config.clutterPerScan);
    const plots: Plot[] = [];
    const p = this.pt;
    for (let i = 0; i < count; i++) {
      if (!sampleClutterPoint(rng, this.coverage, this.config.clutterMaxAlt, p)) break;
      const rr = CLUTTER_RANGE_RATE_SIGMA * rng.normal();
      const t = beamTimeAt(this.timing, k, p[1]!);
      plots.push(this.plot(t, p[0]!, p[1]!, p[2]!, rr, `clutter:${this.config.id}:${this.clutterCount++}`));
    }
    plots.sort((a, b) => a.t - b.t);
    return plots;
  }

  /** A plot from measured values: wrapped, quantised if asked, range rate only with Doppler and in span. */
  private plot(t: number, r: number, az: number, el: number, rr: number, truthId: string): Plot {
    const cfg = this.config;
    let a = wrapTwoPi(az);
    let range = r;
    let elev = el;
    let rate = this.doppler ? rr : Number.NaN;
    if (this.quantise) {
      range = quantiseRange(r);
      a = quantiseAz(a);
      // CAT048 sends the measured point's height (I048/110), so the elevation a receiver recovers is the one
      // that reproduces the quantised height at the quantised range and azimuth
      const h = quantiseHeight(heightFromPolar(this.frame, range, a, el));
      const e = elevationFromHeight(this.frame, range, a, h);
      if (!Number.isNaN(e)) elev = e;
      if (this.doppler) rate = quantiseRangeRate(rr);
    }
    const plot: Plot = { t, sensorId: cfg.id, sac: cfg.sac, sic: cfg.sic, range, az: a, el: elev, truthId };
    if (!Number.isNaN(rate)) plot.rangeRate = rate;
    return plot;
  }
}
