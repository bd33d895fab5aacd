import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.js';
import { loadScenario } from '../../src/scenario/load.js';
import type { Plot } from '../../src/sense/plot.js';
import { replaySchedule } from '../../src/service/replayer.js';
import type { PredictionEvent, SimEvent } from '../../src/sim/events.js';

const scenario = loadScenario('scenarios/2021-12-19-green-zone-rockets.yaml');

/** The incident's plots in 0.5 s batches, to 60 s after the last. */
function batches(): { plots: Plot[]; until: number }[] {
  const plots = replaySchedule(scenario).groups.flatMap((g) => g.plots.map((p) => ({ ...p })));
  plots.sort((a, b) => a.t - b.t);
  const out: { plots: Plot[]; until: number }[] = [];
  let i = 0;
  for (let until = Math.floor(plots[0]!.t) + 0.5; until <= plots.at(-1)!.t + 60; until += 0.5) {
    const batch: Plot[] = [];
    while (i < plots.length && plots[i]!.t < until) batch.push(plots[i++]!);
    out.push({ plots: batch, until });
  }
  return out;
}

const json = (evs: readonly SimEvent[]): string[] => evs.map((e) => JSON.stringify(e));

describe('Engine.ingest hands the alerts over first', () => {
  it('exactly the batch’s alerts, in result order, before any launch point is computed; the result unchanged', () => {
    const bs = batches();
    const ref = new Engine(scenario.site, { met: scenario.environment });
    const eng = new Engine(scenario.site, { met: scenario.environment });
    let handed = 0;
    let withLaunch = 0;
    for (const b of bs) {
      const expected = ref.ingest(b.plots, b.until);
      let got: SimEvent[] | undefined;
      let launchesWhenHanded = -1;
      let batchPredictions: PredictionEvent[] = [];
      const out = eng.ingest(b.plots, b.until, (alerts) => {
        got = [...alerts];
        // the predictions this batch made are all in the engine's latest-per-track map by now
        batchPredictions = [...eng.predictions.values()].filter((p) => p.t > b.until - 0.5 && p.t <= b.until);
        launchesWhenHanded = batchPredictions.filter((p) => p.launch !== undefined).length;
      });
      expect(json(out)).toEqual(json(expected));
      const alerts = out.filter((e) => e.type === 'alert');
      if (alerts.length === 0) {
        expect(got).toBeUndefined();
        continue;
      }
      expect(json(got!)).toEqual(json(alerts));
      handed += alerts.length;
      expect(launchesWhenHanded).toBe(0);
      withLaunch += batchPredictions.filter((p) => p.launch !== undefined).length;
    }
    expect(handed).toBeGreaterThan(0);
    // the same prediction objects got their launch points after the hand-over
    expect(withLaunch).toBeGreaterThan(0);
  });

  it('a batch its onAlerts aborts leaves nothing behind for the next batch’s launch points', () => {
    const bs = batches();
    const seen: { t: number; until: number }[] = [];
    let until = NaN;
    const eng = new Engine(scenario.site, { met: scenario.environment, onPrediction: (_tr, p) => seen.push({ t: p.t, until }) });
    let aborted = -1;
    for (const [i, b] of bs.entries()) {
      until = b.until;
      if (aborted < 0) {
        try {
          eng.ingest(b.plots, b.until, () => {
            throw new Error('journal failed');
          });
        } catch {
          // the hook threw after the batch's predictions were made, before their launch points
          aborted = i;
          expect([...eng.predictions.values()].some((p) => p.t > b.until - 0.5)).toBe(true);
        }
        continue;
      }
      eng.ingest(b.plots, b.until);
    }
    expect(aborted).toBeGreaterThan(0);
    expect(seen.length).toBeGreaterThan(0);
    // every prediction reported came from the batch that reported it, none from the aborted one
    for (const s of seen) expect(s.t).toBeGreaterThan(s.until - 0.5);
  });
});
