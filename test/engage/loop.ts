/**
 * The engagement stage in the simulation loop, exactly as docs/engagement.md §6 tells the simulation to call
 * it: per window, manager.tick(windowEnd, assess) before the radars scan the window (a kill ends the truth
 * before the radars look past it); radar plots → engine → predictions → manager.onPrediction; track ends →
 * manager.onTrackEnd; killed tracks dropped from the tracker once the window holding the kill is processed.
 */
import { Rng } from '../../src/core/rng.js';
import { Engine } from '../../src/engine/engine.js';
import { interceptTruth, resolveBurst } from '../../src/engage/kill.js';
import { EngagementManager, type EngagementEvent, type Shot } from '../../src/engage/manager.js';
import type { EngagePolicy } from '../../src/engage/policy.js';
import type { Scenario } from '../../src/scenario/load.js';
import { buildTruth, truthInterceptedEvent, type ScenarioTruth } from '../../src/scenario/truth.js';
import type { Plot } from '../../src/sense/plot.js';
import { RadarModel } from '../../src/sense/radar.js';
import type { PredictionEvent, TrackEvent } from '../../src/sim/events.js';
import type { Track } from '../../src/track/tracker.js';

export interface LoopResult {
  truth: ScenarioTruth;
  engagements: EngagementEvent[];
  shots: { shot: Shot; truthId: string | undefined; missM: number; killed: boolean }[];
  /** plots per truth id, with their times */
  plotTimes: Map<string, number[]>;
  /** track id → truth id of most of its plots */
  trackTruth: Map<number, string>;
  intercepted: ReturnType<typeof truthInterceptedEvent>[];
  /** every prediction the engine made */
  preds: PredictionEvent[];
}

export function runWithEngagement(scenario: Scenario, seed: number, policy: Partial<EngagePolicy> = {}): LoopResult {
  const truth = buildTruth(scenario);
  const root = new Rng(seed);
  const radars = scenario.site.sensors.map((cfg) => new RadarModel(cfg, root, scenario.start));
  const votesOf = new Map<Track, Map<string, number>>();
  const preds: PredictionEvent[] = [];
  // the engine gets the site without its interceptors: its own engagement stage (engine.ts) stays off, so this
  // loop exercises the manager through the recipe alone
  const engine = new Engine({ ...scenario.site, interceptors: [] }, {
    met: scenario.environment,
    onUpdate: (tr, plot) => {
      if (plot.truthId === undefined) return;
      // by the track object: its number is given at confirmation, after its first updates
      const v = votesOf.get(tr) ?? new Map<string, number>();
      v.set(plot.truthId, (v.get(plot.truthId) ?? 0) + 1);
      votesOf.set(tr, v);
    },
    onPrediction: (tr, p) => {
      preds.push(p);
      manager.onPrediction(p, tr.ekf); // bound late: the manager needs the engine's frame and met
    },
  });
  const manager = new EngagementManager(scenario.site, engine.frame, policy, engine.tracker.met);
  const killRng = root.stream('engage');
  const shots: LoopResult['shots'] = [];
  const toDrop: { trackId: number; t: number }[] = [];
  const assess = (shot: Shot): boolean => {
    const hit = resolveBurst(killRng, shot.pk); // one draw per burst, whatever it was aimed at
    const th = interceptTruth(truth.threats, shot.tAim, shot.aimEcef);
    const killed = hit && th !== undefined && th.kill(shot.tAim) !== undefined;
    // how far the aim point was from the nearest threat (diagnostics)
    let missM = Infinity;
    let nearest: string | undefined;
    const s = new Float64Array(6);
    for (const t of truth.threats) {
      if (!(shot.tAim >= t.tStart && shot.tAim <= t.tEnd) || !t.stateAt(shot.tAim, s)) continue;
      const d = Math.hypot(s[0]! - shot.aimEcef[0]!, s[1]! - shot.aimEcef[1]!, s[2]! - shot.aimEcef[2]!);
      if (d < missM) {
        missM = d;
        nearest = t.id;
      }
    }
    shots.push({ shot, truthId: nearest, missM, killed });
    if (killed) toDrop.push({ trackId: shot.trackId, t: shot.tAim });
    return killed;
  };
  const plotTimes = new Map<string, number[]>();
  const engagements: EngagementEvent[] = [];
  const window = 0.5;
  const n = Math.ceil((truth.end - truth.start) / window);
  const plots: Plot[] = [];
  for (let w = 0; w < n; w++) {
    const t0 = truth.start + w * window;
    const t1 = w === n - 1 ? truth.end : t0 + window;
    // 1. the interceptors' timelines up to the window's end, from what the engine knew at its start
    engagements.push(...manager.tick(t1, assess));
    // 2. the radars scan the window (a truth killed above is not seen after its kill)
    plots.length = 0;
    for (const r of radars) r.scan(t0, t1, truth.targets, plots);
    plots.sort((a, b) => a.t - b.t || (a.sensorId < b.sensorId ? -1 : 1));
    for (const p of plots) if (p.truthId !== undefined) plotTimes.set(p.truthId, [...(plotTimes.get(p.truthId) ?? []), p.t]);
    // 3. the engine: predictions reach the manager through onPrediction; ended tracks are reported to it
    for (const ev of engine.ingest(plots, t1)) {
      if (ev.type === 'track') {
        const te = ev as TrackEvent;
        if (te.status === 'impact' || te.status === 'deleted') manager.onTrackEnd(te.trackId, te.t, te.status);
      }
    }
    // 4. tracks killed in this window leave the tracker
    for (let i = toDrop.length - 1; i >= 0; i--) {
      const k = toDrop[i]!;
      if (k.t >= t1) continue;
      engine.tracker.drop(k.trackId);
      engine.predictions.delete(k.trackId);
      manager.onTrackEnd(k.trackId, k.t, 'killed');
      toDrop.splice(i, 1);
    }
  }
  const trackTruth = new Map<number, string>();
  for (const [tr, v] of votesOf) trackTruth.set(tr.id, [...v.entries()].sort((a, b) => b[1] - a[1])[0]![0]);
  return { truth, engagements, shots, plotTimes, trackTruth, intercepted: truth.threats.map(truthInterceptedEvent), preds };
}

