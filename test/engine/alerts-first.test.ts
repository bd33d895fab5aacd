import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.js';
import { loadScenario, type Scenario } from '../../src/scenario/load.js';
import type { Plot } from '../../src/sense/plot.js';
import { replaySchedule } from '../../src/service/replayer.js';
import type { PredictionEvent, SimEvent } from '../../src/sim/events.js';
import type { AlertEvent } from '../../src/warn/alerts.js';

const scenario = loadScenario('scenarios/2021-12-19-green-zone-rockets.yaml');

/** The scenario's plots in batches of `span` s, to 60 s after the last. */
function batches(span = 0.5, sc: Scenario = scenario): { plots: Plot[]; until: number }[] {
  const plots = replaySchedule(sc).groups.flatMap((g) => g.plots.map((p) => ({ ...p })));
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

  it('in a salvo, the tracks whose prediction may change an alert are updated and predicted first, their joins leave before the rest, and the twin merge waits for all; the result unchanged', () => {
    const salvo = loadScenario('scenarios/salvo-300.yaml');
    let seq: ({ pred: number } | { alerts: SimEvent[] } | { tracks: number } | { merge: number } | { upd: boolean })[] = [];
    // whether a track (by serial) was urgent as its batch started: never predicted, or may issue
    let urgentOf = (_serial: number): boolean => true;
    const eng = new Engine(salvo.site, { met: salvo.environment, onUpdate: (tr) => seq.push({ upd: urgentOf(tr.serial) }) });
    const ref = new Engine(salvo.site, { met: salvo.environment });
    const predictOne = eng.alerts.onPrediction.bind(eng.alerts);
    eng.alerts.onPrediction = (p, deferJoins) => {
      seq.push({ pred: p.trackId });
      return predictOne(p, deferJoins);
    };
    const mergeDue = eng.tracker.mergeDue.bind(eng.tracker);
    eng.tracker.mergeDue = (until, out) => {
      seq.push({ merge: until });
      mergeDue(until, out);
    };
    let merged = 0;
    const members = new Map<string, number[]>();
    let batchesWithRest = 0;
    let handedAfterRest = 0;
    let joinsChecked = 0;
    let alertsBeforeRestUpdates = 0;
    for (const b of batches(0.5, salvo)) {
      // which tracks may issue a message, as the batch starts (tracks new to the alerts: yes)
      const may = new Map<number, boolean>();
      const urgent = new Map<number, boolean>();
      for (const tr of eng.tracker.live) {
        may.set(tr.id, eng.alerts.mayIssue(tr.id));
        urgent.set(tr.serial, tr.impactTime === undefined || eng.alerts.mayIssue(tr.id));
      }
      const mayOf = (id: number): boolean => may.get(id) ?? true;
      urgentOf = (serial) => urgent.get(serial) ?? true;
      seq = [];
      const mergedBefore = eng.tracker.stats.merged;
      const out = eng.ingest(
        b.plots,
        b.until,
        (alerts) => seq.push({ alerts }),
        (tracks) => seq.push({ tracks: tracks.length }),
      );
      // the same result as an engine with no one to hand alerts to (no urgent pass)
      expect(json(out)).toEqual(json(ref.ingest(b.plots, b.until)));
      // the urgent tracks' updates first, then their predictions, then the others' updates
      const firstRestUpd = seq.findIndex((x) => 'upd' in x && !x.upd);
      if (firstRestUpd >= 0) {
        expect(seq.slice(firstRestUpd).some((x) => 'upd' in x && x.upd)).toBe(false);
        const firstPred = seq.findIndex((x) => 'pred' in x);
        if (firstPred >= 0 && seq.slice(0, firstRestUpd).some((x) => 'pred' in x)) {
          expect(seq.slice(firstPred, firstRestUpd).some((x) => 'upd' in x)).toBe(false);
          if (seq.slice(0, firstRestUpd).some((x) => 'alerts' in x)) alertsBeforeRestUpdates++;
        }
      }
      // the merge once a batch, after the track updates went out and every prediction was made
      const m = seq.findIndex((x) => 'merge' in x);
      expect(seq.filter((x) => 'merge' in x)).toEqual([{ merge: b.until }]);
      expect(seq.slice(m + 1).some((x) => 'pred' in x || 'tracks' in x)).toBe(false);
      if (eng.tracker.stats.merged > mergedBefore && seq.some((x) => 'pred' in x)) merged++;
      const firstRest = seq.findIndex((x) => 'pred' in x && !mayOf(x.pred));
      if (firstRest < 0) continue;
      batchesWithRest++;
      // every track that may issue was predicted before the first that may not
      for (const x of seq.slice(firstRest)) if ('pred' in x) expect(mayOf(x.pred)).toBe(false);
      seq.forEach((x, k) => {
        if (!('alerts' in x)) return;
        for (const a of x.alerts as AlertEvent[]) {
          const before = members.get(a.alertId) ?? [];
          const joined = a.trackIds.filter((id) => !before.includes(id));
          members.set(a.alertId, a.trackIds);
          if (a.msgType !== 'Update' || joined.length === 0 || !joined.every(mayOf)) continue;
          // a join of tracks that may issue: out before the tracks that may not are predicted
          joinsChecked++;
          expect(k).toBeLessThan(firstRest);
        }
        if (k > firstRest) handedAfterRest++;
      });
    }
    // the salvo has batches with tracks that cannot change an alert, joins that went out before them …
    expect(batchesWithRest).toBeGreaterThan(50);
    expect(joinsChecked).toBeGreaterThan(20);
    // … and hand-overs after the rest's first prediction are rare (a track far from every zone jumping onto one)
    expect(handedAfterRest).toBeLessThan(joinsChecked / 10);
    // (and merges that removed a twin in batches with predictions)
    expect(merged).toBeGreaterThan(0);
    // warnings that left before the tracker had updated the tracks that cannot change one
    expect(alertsBeforeRestUpdates).toBeGreaterThan(20);
  });
});
