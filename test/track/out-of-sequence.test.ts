/**
 * Out-of-sequence plots (TrackerOptions.outOfSequence). The live service releases each radar's plots as its
 * sector closes, without waiting for the other radar, so the slower radar's plots can reach a track after a
 * newer plot of the faster one. Reprocessing must leave every track exactly where time-ordered plots leave it:
 * the same plots through the same filter operations in the same order.
 *
 * Truth here is the time-ordered run of the same plots (the tracker's established path): both runs cut the
 * simulated plots into 62.5 ms sector batches; the second holds the second radar's plots back by two batches.
 */
import { describe, expect, it } from 'vitest';
import { generateSalvo, DEFAULT_SALVO } from '../../src/scenario/generate-salvo.js';
import { parseScenario } from '../../src/scenario/load.js';
import { runSimulation } from '../../src/sim/simulation.js';
import { Tracker, type Track, type TrackerEvent } from '../../src/track/tracker.js';
import { trackerSensor } from '../../src/track/sensors.js';
import { EnuFrame } from '../../src/geo/wgs84.js';
import { Engine } from '../../src/engine/engine.js';
import { loadScenario } from '../../src/scenario/load.js';
import type { AlertEvent, SimEvent } from '../../src/sim/events.js';
import type { Plot } from '../../src/sense/plot.js';
import type { Scenario } from '../../src/scenario/types.js';

const SECTOR = 0.0625;

function salvo(count: number, seed: number, clutter?: number): { plots: Plot[]; scenario: Scenario } {
  const scenario = parseScenario(generateSalvo({ ...DEFAULT_SALVO, count, windowSeconds: 20, seed }), 'scenarios/oosm-salvo.yaml');
  if (clutter !== undefined) for (const s of scenario.site.sensors) s.clutterPerScan = clutter;
  return { plots: simulatedPlots(scenario), scenario };
}

/** A scenario's simulated plots, in the simulator's order. */
function simulatedPlots(scenario: Scenario): Plot[] {
  const plots: Plot[] = [];
  runSimulation(scenario, {
    sink: () => {},
    onPlots: (batch) => {
      plots.push(...batch);
      return [];
    },
  });
  return plots;
}

function tracker(scenario: Scenario, outOfSequence: boolean): Tracker {
  const frame = new EnuFrame(scenario.site.origin);
  return new Tracker(frame, scenario.site.sensors.map((s) => trackerSensor(s, frame)), { outOfSequence });
}

/**
 * Feeds sector batches, each in time order, with `until` the batch's end; plots of sensor `lagged` measured after
 * `from` enter `lag` s late (and `until` lags with them, as the live ingest's release point does). Returns the
 * tracks that took a plot.
 */
function run(tk: Tracker, plots: Plot[], lagged: string | undefined, lag: number, from = -Infinity): Track[] {
  const seen = new Set<Track>();
  tk.observer = { update: (tr) => seen.add(tr) };
  const events: TrackerEvent[] = [];
  const t0 = Math.floor(plots[0]!.t / SECTOR) * SECTOR;
  const tEnd = plots[plots.length - 1]!.t + lag + 2 * SECTOR;
  let i = 0;
  let held: Plot[] = [];
  for (let k = 1; t0 + k * SECTOR <= tEnd; k++) {
    const T = t0 + k * SECTOR;
    while (i < plots.length && plots[i]!.t <= T) held.push(plots[i++]!);
    const due = (p: Plot): boolean => p.sensorId !== lagged || p.t <= from || p.t <= T - lag;
    const batch = held.filter(due).sort((a, b) => a.t - b.t || (a.sensorId < b.sensorId ? -1 : 1));
    held = held.filter((p) => !due(p));
    tk.process(batch, lagged !== undefined && T > from ? T - lag : T, events);
  }
  return [...seen];
}

const slowest = (scenario: Scenario): string => scenario.site.sensors.reduce((a, b) => (b.period > a.period ? b : a)).id;

describe('out-of-sequence plots', () => {
  it('reprocessing leaves a track exactly where time-ordered plots leave it', () => {
    // one rocket, no clutter: the association is not in question, only the order of the filters' work. The
    // slower radar's plots come 0.5 s late (at most one plot of the 1 s radar in between) once the track stands.
    const { plots: all, scenario } = salvo(8, 3, 0);
    const id = all.find((p) => p.truthId?.startsWith('s') && all.filter((q) => q.truthId === p.truthId).length > 40)!.truthId!;
    const plots = all.filter((p) => p.truthId === id);
    const slow = slowest(scenario);
    const from = plots[0]!.t + 4;
    const ordered = tracker(scenario, true);
    const [a] = run(ordered, plots, undefined, 0);
    const eager = tracker(scenario, true);
    const [b] = run(eager, plots, slow, 0.5, from);
    expect(ordered.stats.reordered).toBe(0);
    expect(eager.stats.reordered).toBeGreaterThanOrEqual(10);
    expect(eager.stats.tooLate).toBe(0);
    expect(eager.stats.associated).toBe(ordered.stats.associated);
    expect(b!.hits).toBe(a!.hits);
    expect(b!.cls).toBe(a!.cls);
    expect(b!.llr).toBe(a!.llr);
    expect(b!.ekf.t).toBe(a!.ekf.t);
    expect(Array.from(b!.ekf.x)).toEqual(Array.from(a!.ekf.x));
    expect(Array.from(b!.ekf.P)).toEqual(Array.from(a!.ekf.P));
    expect(Array.from(b!.cv.x)).toEqual(Array.from(a!.cv.x));
    expect(Array.from(b!.cv.P)).toEqual(Array.from(a!.cv.P));
  });

  it('a salvo with clutter, the slower radar a sector behind: nearly every plot still finds its track', () => {
    const { plots, scenario } = salvo(60, 5, 5);
    const slow = slowest(scenario);
    const ordered = tracker(scenario, true);
    const ta = run(ordered, plots, undefined, 0);
    const eager = tracker(scenario, true);
    const tb = run(eager, plots, slow, 2 * SECTOR);
    expect(eager.stats.reordered).toBeGreaterThan(10);
    expect(eager.stats.late).toBe(0);
    // too late: the slower radar's plot predates its track's two-plot start (the faster radar started it)
    expect(eager.stats.tooLate).toBeLessThanOrEqual(0.002 * ordered.stats.associated);
    expect(eager.stats.associated).toBeGreaterThanOrEqual(0.995 * ordered.stats.associated);
    const confirmed = (ts: Track[]): number => ts.filter((t) => t.status === 'confirmed').length;
    expect(Math.abs(confirmed(tb) - confirmed(ta))).toBeLessThanOrEqual(2);
  });

  it('without the option a plot older than its track is dropped and counted', () => {
    const { plots, scenario } = salvo(60, 5, 5);
    const slow = slowest(scenario);
    const ordered = tracker(scenario, false);
    run(ordered, plots, undefined, 0);
    const eager = tracker(scenario, false);
    run(eager, plots, slow, 2 * SECTOR);
    expect(ordered.stats.tooLate).toBe(0);
    expect(eager.stats.tooLate).toBeGreaterThan(10);
    expect(eager.stats.reordered).toBe(0);
  });

  it('salvo-300 with the 2 s radar a sector (125 ms) late: the same zones warned, at the same data times', () => {
    // the engine as serve runs it (outOfSequence), fed sector batches with the 2 s radar's plots 125 ms late,
    // against time-ordered batches: warnings come from the same tracks' predictions
    const scenario = loadScenario('scenarios/salvo-300.yaml');
    const plots = simulatedPlots(scenario).sort((a, b) => a.t - b.t);
    const slow = slowest(scenario);
    const feed = (lag: number): { events: SimEvent[]; engine: Engine } => {
      const engine = new Engine(scenario.site, { met: scenario.environment, tracker: { outOfSequence: true } });
      const events: SimEvent[] = [];
      const t0 = Math.floor(plots[0]!.t / SECTOR) * SECTOR;
      const tEnd = plots[plots.length - 1]!.t + 60;
      let i = 0;
      let held: Plot[] = [];
      for (let k = 1; t0 + k * SECTOR <= tEnd; k++) {
        const T = t0 + k * SECTOR;
        while (i < plots.length && plots[i]!.t <= T) held.push(plots[i++]!);
        const due = (p: Plot): boolean => p.sensorId !== slow || p.t <= T - lag;
        const batch = held.filter(due);
        held = held.filter((p) => !due(p));
        events.push(...engine.ingest(batch, T - lag));
      }
      return { events, engine };
    };
    const firstSiren = (events: SimEvent[]): Map<string, number> => {
      const m = new Map<string, number>();
      for (const e of events) {
        if (e.type !== 'alert') continue;
        const a = e as AlertEvent;
        if (a.stage === 'siren') for (const z of a.zones) if (!m.has(z)) m.set(z, a.t);
      }
      return m;
    };
    const ordered = feed(0);
    const late = feed(2 * SECTOR);
    expect(late.engine.tracker.stats.reordered).toBeGreaterThan(50);
    expect(late.engine.tracker.stats.late).toBe(0);
    const a = firstSiren(ordered.events);
    const b = firstSiren(late.events);
    expect(a.size).toBeGreaterThanOrEqual(5);
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
    // (a zone's first siren may come with the late plot itself: at most the lag later)
    for (const [z, t] of a) expect(Math.abs(b.get(z)! - t), z).toBeLessThanOrEqual(2 * SECTOR);
    // The messages that change who is warned (a zone's stage, per alert), and the tracks the alerts list. (Not
    // the count of all messages: tracks joining an alert share one Update per batch, and the late radar's
    // plots put some joins in another batch.)
    const warned = (ev: SimEvent[]): { changes: number; tracks: number } => {
      const stages = new Map<string, string>();
      const tracks = new Set<number>();
      let changes = 0;
      for (const e of ev) {
        if (e.type !== 'alert') continue;
        const a = e as AlertEvent;
        const z = JSON.stringify(a.zoneStages);
        if (stages.get(a.alertId) !== z) changes++;
        stages.set(a.alertId, z);
        for (const id of a.trackIds) tracks.add(id);
      }
      return { changes, tracks: tracks.size };
    };
    const wa = warned(ordered.events);
    const wb = warned(late.events);
    expect(wa.changes).toBeGreaterThanOrEqual(a.size);
    expect(wb.changes).toBe(wa.changes);
    expect(Math.abs(wb.tracks - wa.tracks)).toBeLessThanOrEqual(0.03 * wa.tracks);
    const confirmed = (e: Engine): number => e.tracker.stats.confirmed;
    expect(Math.abs(confirmed(late.engine) - confirmed(ordered.engine))).toBeLessThanOrEqual(0.03 * confirmed(ordered.engine));
  });
});
