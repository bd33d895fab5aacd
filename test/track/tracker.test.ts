/**
 * The tracker and engine on simulated scenarios, held to the simulation's ground truth (which the tracker
 * never reads: the truth ids ride on the plots for the metrics only).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/load.js';
import { runSimulation } from '../../src/sim/simulation.js';
import { Engine } from '../../src/engine/engine.js';
import type { Track } from '../../src/track/tracker.js';
import type { Plot } from '../../src/sense/plot.js';
import { inverse } from '../../src/geo/geodesic.js';
import { threatSpec } from '../../src/physics/catalogue.js';
import type { PredictionEvent, SimEvent, TrackEvent } from '../../src/sim/events.js';
import type { ScenarioTruth } from '../../src/scenario/truth.js';

interface Run {
  truth: ScenarioTruth;
  events: SimEvent[];
  /** track id → counts of plots by truth id */
  sources: Map<number, Map<string, number>>;
  engine: Engine;
  boostPlots: number;
}

function run(file: string, seed?: number, onUpdate?: (tr: Track, plot: Plot) => void): Run {
  const scenario = loadScenario(file);
  // keyed by the track object: a track's number is given at confirmation, after its first updates
  const byTrack = new Map<Track, Map<string, number>>();
  const engine = new Engine(scenario.site, {
    met: scenario.environment,
    onUpdate: (tr, plot) => {
      onUpdate?.(tr, plot);
      let m = byTrack.get(tr);
      if (!m) byTrack.set(tr, (m = new Map()));
      const k = plot.truthId?.startsWith('clutter:') ? 'clutter' : (plot.truthId ?? '?');
      m.set(k, (m.get(k) ?? 0) + 1);
    },
  });
  const events: SimEvent[] = [];
  let truth: ScenarioTruth | undefined;
  let boostPlots = 0;
  runSimulation(scenario, {
    ...(seed !== undefined ? { seed } : {}),
    sink: (e) => {
      if (e.type !== 'plot') events.push(e);
    },
    onStart: (t) => (truth = t),
    onPlots: (plots, until) => {
      for (const p of plots) {
        const th = truth!.threats.find((x) => x.id === p.truthId);
        const burn = th ? (threatSpec(th.def.type).burnTime ?? 0) : 0;
        if (th && p.t - th.launchTime < burn) boostPlots++;
      }
      return engine.ingest(plots, until);
    },
  });
  const sources = new Map([...byTrack].map(([tr, m]) => [tr.id, m]));
  return { truth: truth!, events, sources, engine, boostPlots };
}

function majority(m: Map<string, number> | undefined): string {
  let best = '?';
  let n = -1;
  for (const [k, v] of m ?? []) if (v > n) [best, n] = [k, v];
  return best;
}

/** The numbers of the tracks whose plots came mostly from the threat `id`. */
function tracksOf(r: Run, tracks: readonly TrackEvent[], id: string): number[] {
  return [...new Set(tracks.map((t) => t.trackId))].filter((k) => majority(r.sources.get(k)) === id);
}

describe('tracker on the 2021-12-19 Green Zone rockets', () => {
  const r = run('scenarios/2021-12-19-green-zone-rockets.yaml');
  const tracks = r.events.filter((e): e is TrackEvent => e.type === 'track');
  const preds = r.events.filter((e): e is PredictionEvent => e.type === 'prediction');

  it('confirms exactly one ballistic track per rocket, each fed by that rocket only, ended at impact', () => {
    const ids = [...new Set(tracks.map((t) => t.trackId))];
    const byTruth = new Map<string, number[]>();
    for (const id of ids) {
      const src = majority(r.sources.get(id));
      byTruth.set(src, [...(byTruth.get(src) ?? []), id]);
    }
    expect([...byTruth.keys()].sort()).toEqual(['r1', 'r2']);
    for (const [src, list] of byTruth) {
      expect(list, src).toHaveLength(1);
      const m = r.sources.get(list[0]!)!;
      const total = [...m.values()].reduce((a, b) => a + b, 0);
      expect(m.get(src)! / total).toBeGreaterThan(0.95);
      const last = tracks.filter((t) => t.trackId === list[0]).at(-1)!;
      expect(last.status).toBe('impact');
      expect(last.class).toBe('ballistic');
      expect(last.threat).toMatch(/^rocket/);
      // the impact event lands within 1 % of the range of the true impact, within 0.5 s of it
      const th = r.truth.threats.find((t) => t.id === src)!;
      const d = inverse(last.lat, last.lon, th.trajectory.impact.lat, th.trajectory.impact.lon).distance;
      expect(d).toBeLessThan(0.01 * th.trajectory.impact.rangeM);
      expect(Math.abs(last.t - th.impactTime)).toBeLessThan(0.5);
    }
  });

  it('predicts impact and launch points that converge on the truth, with honest covariances', () => {
    const major = (c: [[number, number], [number, number]]): number =>
      Math.sqrt(0.5 * (c[0][0] + c[1][1]) + Math.sqrt(0.25 * (c[0][0] - c[1][1]) ** 2 + c[0][1] ** 2));
    for (const th of r.truth.threats) {
      const id = [...r.sources.keys()].find((k) => majority(r.sources.get(k)) === th.id)!;
      const ps = preds.filter((p) => p.trackId === id);
      expect(ps.length).toBeGreaterThan(5);
      const range = th.trajectory.impact.rangeM;
      const launchErrors: number[] = [];
      for (const p of ps) {
        const dImp = inverse(p.impact.lat, p.impact.lon, th.trajectory.impact.lat, th.trajectory.impact.lon).distance;
        const dLaunch = inverse(p.launch!.lat, p.launch!.lon, th.trajectory.launch.lat, th.trajectory.launch.lon).distance;
        launchErrors.push(dLaunch);
        // every stated uncertainty covers its error (4σ of the ellipse's major axis; time likewise)
        expect(dImp, `impact at ${p.t}`).toBeLessThan(4 * major(p.covEN) + 5);
        expect(dLaunch, `launch at ${p.t}`).toBeLessThan(4 * major(p.launchCovEN!) + 5);
        expect(Math.abs(p.impactTime - th.impactTime)).toBeLessThan(4 * p.impactTimeSigma + 0.1);
      }
      const last = ps.at(-1)!;
      expect(inverse(last.impact.lat, last.impact.lon, th.trajectory.impact.lat, th.trajectory.impact.lon).distance).toBeLessThan(0.005 * range);
      launchErrors.sort((x, y) => x - y);
      expect(launchErrors[launchErrors.length >> 1]!).toBeLessThan(0.02 * range);
    }
  });
});

describe('tracker against things that fly', () => {
  it('drones, an aircraft and birds are never classed ballistic, and give no predictions', () => {
    const r = run('scenarios/drones-and-birds.yaml');
    const threatIds = new Set(r.truth.threats.map((t) => t.id));
    const tracks = r.events.filter((e): e is TrackEvent => e.type === 'track');
    const preds = r.events.filter((e): e is PredictionEvent => e.type === 'prediction');
    let nonThreatTracks = 0;
    for (const id of new Set(tracks.map((t) => t.trackId))) {
      const src = majority(r.sources.get(id));
      if (threatIds.has(src)) continue;
      nonThreatTracks++;
      expect(tracks.filter((t) => t.trackId === id).some((t) => t.class === 'ballistic'), `track ${id} on ${src}`).toBe(false);
      expect(preds.some((p) => p.trackId === id), `prediction from track ${id} on ${src}`).toBe(false);
    }
    // the flying things are tracked (so the display shows them), just not as threats
    expect(nonThreatTracks).toBeGreaterThan(0);
  });
});

describe('boost phase', () => {
  it('122 mm rockets seen while their motor burns keep one unbroken track each', () => {
    // seeds chosen only for having plots in the boost phase: the property must hold for every seed
    let boost = 0;
    for (const seed of [1, 2, 3, 4, 5]) {
      const r = run('scenarios/2020-01-08-green-zone-rockets.yaml', seed);
      boost += r.boostPlots;
      const tracks = r.events.filter((e): e is TrackEvent => e.type === 'track');
      for (const th of r.truth.threats) {
        if (th.def.type !== 'rocket-122') continue;
        const ids = tracksOf(r, tracks, th.id);
        if (ids.length === 0) continue; // never in coverage at this geometry
        expect(ids, `seed ${seed} ${th.id}`).toHaveLength(1);
      }
    }
    expect(boost).toBeGreaterThan(0);
  });
});

describe('association and gating in a salvo', () => {
  // one run of salvo-300 for the three checks; while it runs, every update of a track classed ballistic is
  // checked for the model its next plots are gated against
  let gatedByCv = 0;
  let speedRuleFirst = 0;
  let r: Run;
  let tracks: TrackEvent[];
  beforeAll(() => {
    r = run('scenarios/salvo-300.yaml', undefined, (tr) => {
      if (tr.cls !== 'ballistic') return;
      if (tr.llr < 0) speedRuleFirst++;
      // the constant-velocity base has no acceleration; the ballistic one always has gravity and drag in it
      if (tr.g.a[0] === 0 && tr.g.a[1] === 0 && tr.g.a[2] === 0) gatedByCv++;
    });
    tracks = r.events.filter((e): e is TrackEvent => e.type === 'track');
  });
  const tracksOfThreat = (id: string): number[] => tracksOf(r, tracks, id);

  it('a confirmed track keeps its rocket when a vaguer track gates the same plot (s017)', () => {
    // s017, a 122 mm rocket, was seeded twice from one plot (initiation keeps the two best pairs). The second
    // seed, never fed, gated s017's plot 4 s later at NIS 5.5 against the confirmed track's 5.9: by NIS alone it
    // took the plot, was ruined by it, and the confirmed track coasted out; a third track took the rocket over
    // 2 s later. Costed by likelihood (assign.ts likelihoodCosts) the confirmed track keeps it to the end.
    const ids = tracksOfThreat('s017');
    expect(ids).toHaveLength(1);
    const th = r.truth.threats.find((t) => t.id === 's017')!;
    const last = tracks.filter((t) => t.trackId === ids[0]).at(-1)!;
    expect(last.status).toBe('impact');
    expect(th.impactTime - last.t).toBeLessThan(2);
  });

  it('a track classed ballistic is gated by the ballistic model, also while the ratio still favours constant velocity', () => {
    // the speed rule classes a young rocket ballistic before the likelihood ratio turns: that happens here
    expect(speedRuleFirst).toBeGreaterThan(0);
    expect(gatedByCv).toBe(0);
  });

  it('the 122 mm rockets the speed rule classed first keep one track each (s026, s203, s273)', () => {
    // gated by the constant-velocity model alone, each missed its plot 1 s after the third update (NIS 24
    // against the ballistic filter's 1.5: the rocket decelerates at 20-40 m/s²) and was tracked again later
    for (const id of ['s026', 's203', 's273']) expect(tracksOfThreat(id), id).toHaveLength(1);
  });

  it('a track seeded across the rockets of a ripple is not confirmed on a plot it barely gates (s099)', () => {
    // s088, s092 and s099 left Amanah within 1.1 s on nearly one path: a seed pairing s092's plot with s088's
    // (velocity ≈ 490 m/s off) gated s099's plot 2 s later at NIS 14.6 (inside the 99.9 % gate, outside 99 %)
    // and was confirmed on it, a false track on a real rocket (NEES 11,262). Confirmation now needs the plot
    // that completes M-of-N inside the 99 % region; s099's own track is the only one confirmed on it.
    expect(tracksOfThreat('s099')).toHaveLength(1);
  });
});
