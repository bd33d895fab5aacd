/**
 * Live kill assessment (no truth to ask): the engine takes a round the radars lost right after a burst as
 * killed, and one they keep seeing as missed. The same 2021-12-19 attack twice: once with the plots a radar
 * would give when the C-RAM's burst destroyed r1 (the replay schedule: the simulation with kill assessment
 * stops r1's plots at the kill), once with plots of rounds that fly on to the ground whatever the guns do.
 */
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.js';
import { loadScenario } from '../../src/scenario/load.js';
import type { Plot } from '../../src/sense/plot.js';
import type { SimEvent } from '../../src/sim/events.js';
import { runSimulation } from '../../src/sim/simulation.js';
import { replaySchedule } from '../../src/service/replayer.js';

const scenario = loadScenario('scenarios/2021-12-19-green-zone-rockets.yaml');

/** The engine without an assessor (as live) on time-ordered plots, in 0.5 s batches, to 60 s after the last. */
function live(plots: Plot[]): SimEvent[] {
  const engine = new Engine(scenario.site, { met: scenario.environment });
  plots.sort((a, b) => a.t - b.t);
  const out: SimEvent[] = [];
  const t0 = Math.floor(plots[0]!.t);
  const end = plots.at(-1)!.t + 60;
  let i = 0;
  for (let until = t0 + 0.5; until <= end; until += 0.5) {
    const batch: Plot[] = [];
    while (i < plots.length && plots[i]!.t < until) batch.push(plots[i++]!);
    out.push(...engine.ingest(batch, until));
  }
  return out;
}

describe('live kill assessment', () => {
  it('a round that vanishes after a burst is reported intercepted, with a kill', () => {
    const sch = replaySchedule(scenario);
    expect(sch.kills.length).toBe(1); // the truth: r1 destroyed
    const events = live(sch.groups.flatMap((g) => g.plots.map((p) => ({ ...p }))));
    const kills = events.filter((e) => e.type === 'engagement' && e['result'] === 'kill');
    expect(kills.length).toBe(1);
    const id = kills[0]!['trackId'];
    const end = events.find((e) => e.type === 'track' && e['trackId'] === id && e['status'] !== 'confirmed');
    expect(end?.['status']).toBe('intercepted');
    // decided within a few seconds of the real kill (2.5 scans of the 1 s radar after the burst)
    expect(kills[0]!.t - sch.kills[0]!.t).toBeLessThan(5);
    // the other rocket falls
    const impacts = events.filter((e) => e.type === 'track' && e['status'] === 'impact' && e['class'] === 'ballistic');
    expect(impacts.length).toBe(1);
  });

  it('a round the radars keep seeing after the burst is a miss, never a kill', () => {
    const plots: Plot[] = [];
    runSimulation(scenario, { sink: () => {}, onPlots: (p) => (plots.push(...p.map((x) => ({ ...x }))), []) });
    const events = live(plots);
    expect(events.some((e) => e.type === 'engagement' && e['result'] === 'fired')).toBe(true);
    expect(events.some((e) => e.type === 'engagement' && e['result'] === 'kill')).toBe(false);
    expect(events.some((e) => e.type === 'engagement' && e['result'] === 'miss')).toBe(true);
    expect(events.filter((e) => e.type === 'track' && e['status'] === 'intercepted')).toEqual([]);
  });
});
