import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.js';
import { loadScenario } from '../../src/scenario/load.js';
import type { Plot } from '../../src/sense/plot.js';
import { replaySchedule } from '../../src/service/replayer.js';
import type { PredictionEvent, SimEvent } from '../../src/sim/events.js';

const scenario = loadScenario('scenarios/2021-12-19-green-zone-rockets.yaml');

/** The incident's plots in batches of `span` s, to 60 s after the last. */
function batches(span = 0.5): { plots: Plot[]; until: number }[] {
  const plots = replaySchedule(scenario).groups.flatMap((g) => g.plots.map((p) => ({ ...p })));
  plots.sort((a, b) => a.t - b.t);
  const out: { plots: Plot[]; until: number }[] = [];
  let i = 0;
  for (let until = Math.floor(plots[0]!.t) + span; until <= plots.at(-1)!.t + 60; until += span) {
    const batch: Plot[] = [];
    while (i < plots.length && plots[i]!.t < until) batch.push(plots[i++]!);
    out.push({ plots: batch, until });
  }
  return out;
}

const json = (evs: readonly SimEvent[]): string[] => evs.map((e) => JSON.stringify(e));

describe('Engine.ingest hands the alerts over first', () => {
  it('exactly the batch’s alerts, each prediction’s as soon as it is made, before any launch point is computed; the result unchanged', () => {
    let handed = 0;
    let withLaunch = 0;
    // hand-overs made while the batch still had predictions to make, and all hand-overs
    let early = 0;
    let calls = 0;
    // (2 s batches: a batch often holds both rockets' updates, so an alert can come from its first prediction)
    for (const span of [0.5, 2]) {
      const ref = new Engine(scenario.site, { met: scenario.environment });
      const eng = new Engine(scenario.site, { met: scenario.environment });
      for (const b of batches(span)) {
        const expected = ref.ingest(b.plots, b.until);
        const got: SimEvent[] = [];
        const predictionsAt: number[] = [];
        let launches = 0;
        let batchPredictions: PredictionEvent[] = [];
        const out = eng.ingest(b.plots, b.until, (alerts) => {
          for (let k = 1; k < alerts.length; k++) expect(alerts[k]!.t).toBeGreaterThanOrEqual(alerts[k - 1]!.t);
          got.push(...alerts);
          predictionsAt.push(eng.stats.predictions);
          // the predictions this batch made are all in the engine's latest-per-track map by now
          batchPredictions = [...eng.predictions.values()].filter((p) => p.t > b.until - span && p.t <= b.until);
          launches += batchPredictions.filter((p) => p.launch !== undefined).length;
        });
        expect(json(out)).toEqual(json(expected));
        const alerts = out.filter((e) => e.type === 'alert');
        if (alerts.length === 0) {
          expect(got).toEqual([]);
          continue;
        }
        // the same messages (the calls go in the order they were decided, the result in time order)
        expect(json(got).sort()).toEqual(json(alerts).sort());
        // an alert's messages in order: 1, 2, 3 …
        const last = new Map<string, number>();
        for (const a of got) {
          const n = Number((a['messageId'] as string).split('.').pop());
          expect(n).toBeGreaterThan(last.get(a['alertId'] as string) ?? 0);
          last.set(a['alertId'] as string, n);
        }
        handed += alerts.length;
        expect(launches).toBe(0);
        calls += predictionsAt.length;
        early += predictionsAt.filter((n) => n < eng.stats.predictions).length;
        withLaunch += batchPredictions.filter((p) => p.launch !== undefined).length;
      }
    }
    expect(handed).toBeGreaterThan(0);
    // the same prediction objects got their launch points after the hand-over
    expect(withLaunch).toBeGreaterThan(0);
    // some warnings left before their batch's other predictions were made
    expect(early).toBeGreaterThan(0);
    expect(calls).toBeGreaterThan(early);
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
