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

interface BufferedPlot {
  t: number;
  sensor: string;
  pos: Float64Array;
}

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

export class PlotHistory {
  private readonly frame: EnuFrame;
  private readonly sensors = new Map<string, TrackerSensor>();
  private buf: BufferedPlot[] = [];
  private head = 0;
  /** first plot per truth id (simulation only; clutter excluded) */
  readonly truthFirst = new Map<string, { t: number; sensor: string }>();

  private readonly terrainUp: number;

  constructor(site: Site) {
    this.frame = new EnuFrame(site.origin);
    this.terrainUp = site.terrainAlt - site.origin.alt;
    for (const s of site.sensors) this.sensors.set(s.id, trackerSensor(s, this.frame));
  }

  add(p: PlotEvent): void {
    if (p.truthId !== undefined && !p.truthId.startsWith('clutter:') && !this.truthFirst.has(p.truthId)) {
      this.truthFirst.set(p.truthId, { t: p.t, sensor: p.sensor });
    }
    const s = this.sensors.get(p.sensor);
    if (!s || !(p.range > 0)) return;
    const pos = new Float64Array(3);
    plotToSite(s, p.range, p.az * DEG2RAD, p.el * DEG2RAD, pos);
    this.buf.push({ t: p.t, sensor: p.sensor, pos });
    // forget what is too old to matter (amortised compaction)
    while (this.head < this.buf.length && this.buf[this.head]!.t < p.t - 2 * LOOKBACK) this.head++;
    if (this.head > 4096 && this.head > this.buf.length / 2) {
      this.buf = this.buf.slice(this.head);
      this.head = 0;
    }
  }

  /** The plots chained backwards from a track's first confirmed state, newest first (empty without plots). */
  chain(tr: TrackEvent): DetectionChain {
    const p = this.frame.geodeticToEnu(tr.lat, tr.lon, tr.alt);
    const v = [tr.vE, tr.vN, tr.vU];
    let ta = tr.t;
    const out: DetectionChain = [];
    for (let i = this.buf.length - 1; i >= this.head; i--) {
      const b = this.buf[i]!;
      if (b.t > tr.t + 1e-6) continue;
      const dt = b.t - ta; // ≤ 0
      if (dt < -MAX_STEP || b.t < tr.t - LOOKBACK) break;
      const px = p[0]! + v[0]! * dt;
      const py = p[1]! + v[1]! * dt;
      const pz = p[2]! + v[2]! * dt - 0.5 * G * dt * dt;
      // height above the terrain, roughly (local up less the curvature drop): underground means before launch
      if (pz - (px * px + py * py) / (2 * R_EARTH) < this.terrainUp - BELOW_GROUND) break;
      const d = Math.hypot(b.pos[0]! - px, b.pos[1]! - py, b.pos[2]! - pz);
      if (d > GATE_M + 0.5 * GATE_ACCEL * dt * dt) continue;
      out.push({ t: b.t, sensor: b.sensor });
      if (-dt >= 0.3) {
        // the velocity the two positions imply (mid-interval gravity ignored: < 5 m/s over a step)
        for (let k = 0; k < 3; k++) v[k] = 0.5 * v[k]! + 0.5 * ((p[k]! - b.pos[k]!) / -dt);
      }
      p[0] = b.pos[0]!;
      p[1] = b.pos[1]!;
      p[2] = b.pos[2]!;
      ta = b.t;
    }
    return out;
  }
}
