/**
 * The simulation loop: a simulated clock advances in fixed windows; in each window the truth emits its
 * events, every radar scans the truth, and the plots (in time order) go to the engine stages downstream.
 * Everything is driven by the scenario and its seed, so the same inputs give byte-identical events.
 */
import { Rng } from '../core/rng.js';
import { ecefToGeodetic } from '../geo/wgs84.js';
import { RadarModel } from '../sense/radar.js';
import type { Plot } from '../sense/plot.js';
import type { Scenario } from '../scenario/load.js';
import { buildTruth, truthInterceptedEvent, type ScenarioTruth } from '../scenario/truth.js';
import { compareEvents, type PlotEvent, type SimEvent, type TruthEvent } from './events.js';

const RAD2DEG = 180 / Math.PI;

export interface SimulationOptions {
  /** overrides the scenario's seed */
  seed?: number;
  /** simulation window, s (plots are delivered downstream per window, in time order) */
  window?: number;
  /** truth position events every this many seconds of flight (0: none) */
  truthPositionEvery?: number;
  /** called with every event, in time order */
  sink: (ev: SimEvent) => void;
  /** called after each window with the fraction of simulated time done */
  onProgress?: (fraction: number) => void;
  /** called once the truth is built, before the first window */
  onStart?: (truth: ScenarioTruth) => void;
  /** downstream stage: receives each window's plots (time-ordered) and returns the events it produced */
  onPlots?: (plots: readonly Plot[], windowEnd: number) => SimEvent[];
}

export interface SensorStats {
  sensor: string;
  plots: number;
  clutterPlots: number;
}

export interface DetectionStats {
  firstDetection?: { t: number; sensor: string };
  plots: number;
}

export interface SimulationRun {
  scenario: Scenario;
  seed: number;
  truth: ScenarioTruth;
  sensors: SensorStats[];
  /** per truth id (threats and non-ballistic objects) */
  detections: Map<string, DetectionStats>;
  totalPlots: number;
}

export function plotEvent(p: Plot): PlotEvent {
  const ev: PlotEvent = { type: 'plot', t: p.t, sensor: p.sensorId, range: p.range, az: p.az * RAD2DEG, el: p.el * RAD2DEG };
  if (p.rangeRate !== undefined) ev.rangeRate = p.rangeRate;
  if (p.truthId !== undefined) ev.truthId = p.truthId;
  return ev;
}

/** Truth events (launch, positions each `every` s of flight, impact or interception) that fall in [t0, t1). */
function truthEvents(truth: ScenarioTruth, t0: number, t1: number, every: number, out: SimEvent[], interceptedWritten: Set<string>): void {
  const s = new Float64Array(6);
  for (const th of truth.threats) {
    if ((th.impactTime < t0 && !th.killed) || th.launchTime >= t1) continue;
    const type = th.def.type;
    if (th.launchTime >= t0 && th.launchTime < t1) {
      const tr = th.trajectory;
      out.push({
        type: 'truth', t: th.launchTime, event: 'launch', threatId: th.id, threatType: type,
        lat: tr.launch.lat, lon: tr.launch.lon, alt: tr.launch.alt, azimuthDeg: tr.azimuthDeg, elevationDeg: tr.elevationDeg,
      } satisfies TruthEvent);
    }
    if (every > 0) {
      const kFirst = Math.max(1, Math.ceil((t0 - th.launchTime) / every));
      for (let k = kFirst; ; k++) {
        const t = th.launchTime + k * every;
        if (t >= t1 || t >= th.impactTime || (th.killed && t >= th.killed.t)) break;
        if (!th.stateAt(t, s)) continue;
        const g = ecefToGeodetic(s[0]!, s[1]!, s[2]!);
        out.push({
          type: 'truth', t, event: 'position', threatId: th.id, threatType: type,
          lat: g.lat, lon: g.lon, alt: g.alt, speed: Math.hypot(s[3]!, s[4]!, s[5]!),
        } satisfies TruthEvent);
      }
    }
    if (th.killed) {
      // shot down: the interception instead of the impact (written once, in the window of the kill or the
      // next one when the kill was decided at the end of the window it falls in)
      if (th.killed.t < t1 && !interceptedWritten.has(th.id)) {
        interceptedWritten.add(th.id);
        out.push(truthInterceptedEvent(th)!);
      }
      continue;
    }
    if (th.impactTime >= t0 && th.impactTime < t1) {
      const im = th.trajectory.impact;
      out.push({
        type: 'truth', t: th.impactTime, event: 'impact', threatId: th.id, threatType: type,
        lat: im.lat, lon: im.lon, alt: im.alt, speed: im.speed, timeOfFlight: im.t,
      } satisfies TruthEvent);
    }
  }
}

/** Runs a scenario from start to end; events go to opts.sink in time order. */
export function runSimulation(scenario: Scenario, opts: SimulationOptions): SimulationRun {
  const seed = opts.seed ?? scenario.seed;
  const window = opts.window ?? 0.5;
  const every = opts.truthPositionEvery ?? 1;
  const truth = buildTruth(scenario);
  opts.onStart?.(truth);
  const root = new Rng(seed);
  const radars = scenario.site.sensors.map((cfg) => new RadarModel(cfg, root, scenario.start));
  const sensors: SensorStats[] = scenario.site.sensors.map((c) => ({ sensor: c.id, plots: 0, clutterPlots: 0 }));
  const detections = new Map<string, DetectionStats>();
  for (const tgt of truth.targets) detections.set(tgt.id, { plots: 0 });
  let totalPlots = 0;

  const span = truth.end - truth.start;
  const nWindows = Math.max(1, Math.ceil(span / window));
  const plots: Plot[] = [];
  const events: SimEvent[] = [];
  const interceptedWritten = new Set<string>();
  for (let w = 0; w < nWindows; w++) {
    const t0 = truth.start + w * window;
    const t1 = w === nWindows - 1 ? truth.end : truth.start + (w + 1) * window;
    plots.length = 0;
    events.length = 0;
    radars.forEach((radar, i) => {
      const before = plots.length;
      radar.scan(t0, t1, truth.targets, plots);
      const st = sensors[i]!;
      for (let k = before; k < plots.length; k++) {
        const p = plots[k]!;
        st.plots++;
        if (p.truthId?.startsWith('clutter:')) st.clutterPlots++;
        else if (p.truthId !== undefined) {
          const d = detections.get(p.truthId);
          if (d) {
            d.plots++;
            if (!d.firstDetection || p.t < d.firstDetection.t) d.firstDetection = { t: p.t, sensor: p.sensorId };
          }
        }
      }
    });
    plots.sort((a, b) => a.t - b.t || (a.sensorId < b.sensorId ? -1 : a.sensorId > b.sensorId ? 1 : 0));
    totalPlots += plots.length;
    for (const p of plots) events.push(plotEvent(p));
    if (opts.onPlots) events.push(...opts.onPlots(plots, t1));
    // after the engine: a kill it decided in this window ends the truth before its events are written
    truthEvents(truth, t0, t1, every, events, interceptedWritten);
    events.sort(compareEvents);
    for (const ev of events) opts.sink(ev);
    opts.onProgress?.((w + 1) / nWindows);
  }
  return { scenario, seed, truth, sensors, detections, totalPlots };
}
