/**
 * First detection of a track from the plot stream, without truth: `track` events do not say which plots
 * made a track, so when a track is first confirmed the plots of the preceding seconds are walked backwards
 * from its confirmed state. Each older plot is compared with the state extrapolated to its time (constant
 * velocity plus gravity); one inside the gate (150 m plus an unknown acceleration of 100 m/s² over the step,
 * which covers drag and most of a rocket's boost) joins the chain, and the chain's anchor moves to it with a
 * velocity blended towards the one the two plots imply. The chain stops at a gap of more than 3 s between
 * plots (the tracker's own initiation window) and where the extrapolation goes underground (before the
 * launch). The oldest plot of the chain is the first detection; once the track has a launch-time estimate,
 * plots more than a second before it are dropped from the chain (a drone or clutter plot near the launch).
 *
 * Simulated plots also carry the truth id behind them; that is read only for the truth section of the report
 * (the first plot of each truth object), never for the system's story.
 */
import { EnuFrame } from '../geo/wgs84.js';
import type { PlotEvent, TrackEvent } from '../sim/events.js';
import type { Site } from '../scenario/types.js';
import { plotToSite, trackerSensor, type TrackerSensor } from '../track/sensors.js';

const DEG2RAD = Math.PI / 180;
/** how far back a first detection is looked for, s */
const LOOKBACK = 15;
/** gate: fixed part (m) and unknown acceleration (m/s²) */
const GATE_M = 150;
const GATE_ACCEL = 100;
const G = 9.81;
/** largest gap between two plots of a chain, s */
const MAX_STEP = 3;
/** the chain stops where the extrapolation is this far below the terrain, m */
const BELOW_GROUND = 100;
/** mean Earth radius for the curvature drop of the local up axis, m */
const R_EARTH = 6371000;

export interface ChainPlot {
  t: number;
  sensor: string;
}

/** The plots chained back from a track's first confirmation, newest first. */
export type DetectionChain = ChainPlot[];

export interface FirstDetection {
  t: number;
  sensor: string;
  /** plots in the chain up to confirmation */
  plots: number;
}

/** The first detection of a chain: its oldest plot, ignoring plots more than 1 s before the estimated launch. */
export function firstOfChain(chain: DetectionChain, launchTime?: number): FirstDetection | undefined {
  const kept = launchTime === undefined ? chain : chain.filter((c) => c.t >= launchTime - 1);
  const first = kept[kept.length - 1];
  return first ? { t: first.t, sensor: first.sensor, plots: kept.length } : undefined;
}

/**
 * The plots of the last 2·LOOKBACK seconds in time order, as flat typed arrays (time, site ENU position, sensor
 * index) rather than an object per plot: `chain` walks up to 15 s of them per newly confirmed track — in a
 * 1,000-round salvo ≈ 15,000 plots for each of ~1,000 confirmations within seconds — and that walk over
 * contiguous numbers is several times faster than over scattered objects.
 */
export class PlotHistory {
  private readonly frame: EnuFrame;
  private readonly sensors = new Map<string, { index: number; s: TrackerSensor }>();
  private readonly sensorIds: string[] = [];
  private t = new Float64Array(1024);
  private pos = new Float64Array(3 * 1024);
  private sensor = new Int32Array(1024);
  /** plots [head, len) are live */
  private head = 0;
  private len = 0;
  private readonly scratch = new Float64Array(3);
  /** first plot per truth id (simulation only; clutter excluded) */
  readonly truthFirst = new Map<string, { t: number; sensor: string }>();

  private readonly terrainUp: number;

  constructor(site: Site) {
    this.frame = new EnuFrame(site.origin);
    this.terrainUp = site.terrainAlt - site.origin.alt;
    for (const s of site.sensors) {
      this.sensors.set(s.id, { index: this.sensorIds.length, s: trackerSensor(s, this.frame) });
      this.sensorIds.push(s.id);
    }
  }

  add(p: PlotEvent): void {
    if (p.truthId !== undefined && !p.truthId.startsWith('clutter:') && !this.truthFirst.has(p.truthId)) {
      this.truthFirst.set(p.truthId, { t: p.t, sensor: p.sensor });
    }
    const s = this.sensors.get(p.sensor);
    if (!s || !(p.range > 0)) return;
    // forget what is too old to matter (amortised compaction)
    while (this.head < this.len && this.t[this.head]! < p.t - 2 * LOOKBACK) this.head++;
    if (this.len === this.t.length) this.makeRoom();
    const k = this.len++;
    plotToSite(s.s, p.range, p.az * DEG2RAD, p.el * DEG2RAD, this.scratch);
    this.t[k] = p.t;
    this.pos[3 * k] = this.scratch[0]!;
    this.pos[3 * k + 1] = this.scratch[1]!;
    this.pos[3 * k + 2] = this.scratch[2]!;
    this.sensor[k] = s.index;
  }

  /** Full: drops the forgotten plots when they are at least half the buffer, else doubles it. */
  private makeRoom(): void {
    const live = this.len - this.head;
    if (this.head >= live) {
      this.t.copyWithin(0, this.head, this.len);
      this.pos.copyWithin(0, 3 * this.head, 3 * this.len);
      this.sensor.copyWithin(0, this.head, this.len);
    } else {
      const cap = 2 * this.t.length;
      const t = new Float64Array(cap);
      const pos = new Float64Array(3 * cap);
      const sensor = new Int32Array(cap);
      t.set(this.t.subarray(this.head, this.len));
      pos.set(this.pos.subarray(3 * this.head, 3 * this.len));
      sensor.set(this.sensor.subarray(this.head, this.len));
      this.t = t;
      this.pos = pos;
      this.sensor = sensor;
    }
    this.len = live;
    this.head = 0;
  }

  /** The plots chained backwards from a track's first confirmed state, newest first (empty without plots). */
  chain(tr: TrackEvent): DetectionChain {
    const p = this.frame.geodeticToEnu(tr.lat, tr.lon, tr.alt);
    let p0 = p[0]!;
    let p1 = p[1]!;
    let p2 = p[2]!;
    let v0 = tr.vE;
    let v1 = tr.vN;
    let v2 = tr.vU;
    let ta = tr.t;
    const out: DetectionChain = [];
    const T = this.t;
    const pos = this.pos;
    for (let i = this.len - 1; i >= this.head; i--) {
      const bt = T[i]!;
      if (bt > tr.t + 1e-6) continue;
      const dt = bt - ta; // ≤ 0
      if (dt < -MAX_STEP || bt < tr.t - LOOKBACK) break;
      const px = p0 + v0 * dt;
      const py = p1 + v1 * dt;
      const pz = p2 + v2 * dt - 0.5 * G * dt * dt;
      // height above the terrain, roughly (local up less the curvature drop): underground means before launch
      if (pz - (px * px + py * py) / (2 * R_EARTH) < this.terrainUp - BELOW_GROUND) break;
      const bx = pos[3 * i]!;
      const by = pos[3 * i + 1]!;
      const bz = pos[3 * i + 2]!;
      const ex = bx - px;
      const ey = by - py;
      const ez = bz - pz;
      const gate = GATE_M + 0.5 * GATE_ACCEL * dt * dt;
      if (ex * ex + ey * ey + ez * ez > gate * gate) continue;
      out.push({ t: bt, sensor: this.sensorIds[this.sensor[i]!]! });
      if (-dt >= 0.3) {
        // the velocity the two positions imply (mid-interval gravity ignored: < 5 m/s over a step)
        v0 = 0.5 * v0 + 0.5 * ((p0 - bx) / -dt);
        v1 = 0.5 * v1 + 0.5 * ((p1 - by) / -dt);
        v2 = 0.5 * v2 + 0.5 * ((p2 - bz) / -dt);
      }
      p0 = bx;
      p1 = by;
      p2 = bz;
      ta = bt;
    }
    return out;
  }
}
