/**
 * The restart path of the live pipeline, in-process against an uninterrupted reference run: a pipeline
 * "crashes" mid-salvo (dropped, its journal left as it was), a second one restores from the journal and goes
 * on; from the crash on it must produce exactly the events of a pipeline that never crashed — same tracks,
 * same numbers, same alert ids — and hand over for sending exactly the alerts journaled but never marked
 * published. Once with a restore from the very first batch, once from a checkpoint taken in a quiet spell
 * with clutter (the warm-up argument of pipeline.ts).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario, type Scenario } from '../../src/scenario/load.js';
import type { Plot } from '../../src/sense/plot.js';
import { formatEvent, type SimEvent } from '../../src/sim/events.js';
import { runSimulation } from '../../src/sim/simulation.js';
import { Pipeline } from '../../src/service/pipeline.js';
import { Journal } from '../../src/store/journal.js';

const WINDOW = 0.5;

/** The scenario's plots in 0.5 s batches, as the service would hand them over. */
function batches(scenario: Scenario): { plots: Plot[]; until: number }[] {
  const out: { plots: Plot[]; until: number }[] = [];
  runSimulation(scenario, {
    window: WINDOW,
    sink: () => {},
    onPlots: (plots, until) => {
      out.push({ plots: plots.map((p) => ({ ...p })), until });
      return [];
    },
  });
  // 60 s more of nothing: tracks end, alerts clear, the incident closes (gap 30 s here)
  const end = out.at(-1)!.until;
  for (let k = 1; k <= 120; k++) out.push({ plots: [], until: end + k * WINDOW });
  return out;
}

function journalFile(): string {
  return join(mkdtempSync(join(tmpdir(), 'tocsin-pipeline-')), 'j.db');
}

function lines(evs: readonly SimEvent[]): string[] {
  return evs.map(formatEvent);
}

function runCase(scenario: Scenario): { fromSeq: number; crashAt: number } {
  const bs = batches(scenario);
  // reference: never crashes
  const refJournal = Journal.open(journalFile());
  const ref = new Pipeline(scenario.site, refJournal, { incidentGap: 30 });
  const refEvents = bs.map((b) => ref.step(b.plots, b.until).events);
  refJournal.close();
  // the crash: the batch after the first siren
  const firstSiren = refEvents.findIndex((evs) => evs.some((e) => e.type === 'alert' && e['stage'] === 'siren'));
  expect(firstSiren).toBeGreaterThan(0);
  const crashAt = firstSiren + 1;

  const file = journalFile();
  const jA = Journal.open(file);
  const a = new Pipeline(scenario.site, jA, { incidentGap: 30 });
  let unsentAtCrash: string[] = [];
  for (let i = 0; i <= crashAt; i++) {
    const r = a.step(bs[i]!.plots, bs[i]!.until);
    expect(lines(r.events)).toEqual(lines(refEvents[i]!));
    // published right away, except the crash batch's: journaled, never sent
    if (i < crashAt) jA.markPublished([...r.newAlerts], bs[i]!.until);
    else unsentAtCrash = [...r.newAlerts];
  }
  // (A is dropped without closing: its journal stays as the kill left it)

  const jB = Journal.open(file);
  const b = new Pipeline(scenario.site, jB, { incidentGap: 30 });
  const unsent = b.restore();
  expect(unsent.map((e) => e['messageId'])).toEqual(unsentAtCrash);
  for (let i = crashAt + 1; i < bs.length; i++) {
    const r = b.step(bs[i]!.plots, bs[i]!.until);
    expect(lines(r.events), `batch ${i}`).toEqual(lines(refEvents[i]!));
  }
  const fromSeq = b.restored.fromSeq;
  jB.close();
  jA.close();
  return { fromSeq, crashAt };
}

describe('pipeline restore after a crash', () => {
  it('from the first batch: the restored pipeline goes on exactly as the uninterrupted one', () => {
    const r = runCase(loadScenario('scenarios/2021-12-19-green-zone-rockets.yaml'));
    expect(r.fromSeq).toBe(1);
  });

  it('from a checkpoint taken in a quiet spell with clutter: the same', () => {
    const s = loadScenario('scenarios/2021-12-19-green-zone-rockets.yaml');
    // 3 minutes of dense clutter (20 false plots per revolution per radar: tentative tracks all the time)
    // before the salvo: checkpoints are written, the restore starts from one
    const site = { ...s.site, sensors: s.site.sensors.map((c) => ({ ...c, clutterPerScan: 20 })) };
    const late: Scenario = { ...s, site, threats: s.threats.map((t) => ({ ...t, at: t.at + 180 })) };
    const r = runCase(late);
    expect(r.fromSeq).toBeGreaterThan(100);
  });
});

/** 2021-12-19 in 0.5 s batches through an uninterrupted pipeline: the reference the fast paths are held to. */
function incidentReference(): { scenario: Scenario; bs: { plots: Plot[]; until: number }[]; refJournal: Journal; refEvents: SimEvent[][] } {
  const scenario = loadScenario('scenarios/2021-12-19-green-zone-rockets.yaml');
  const bs = batches(scenario);
  const refJournal = Journal.open(journalFile());
  const ref = new Pipeline(scenario.site, refJournal, { incidentGap: 30 });
  const refEvents = bs.map((b) => ref.step(b.plots, b.until).events);
  return { scenario, bs, refJournal, refEvents };
}

describe('the track fast path', () => {
  it('hands over the batch’s track updates before the predictions of tracks that cannot change a warning and before new tracks are started, their first confirmations already journaled', () => {
    const { scenario, bs, refJournal, refEvents } = incidentReference();
    const j = Journal.open(journalFile());
    const c = new Pipeline(scenario.site, j, { incidentGap: 30 });
    let handed = 0;
    let firsts = 0;
    let urgentBefore = 0;
    let restAfter = 0;
    let startedAfter = 0;
    for (const [i, bt] of bs.entries()) {
      const before = c.engine.stats.predictions;
      // the tracks that cannot change a warning as the batch starts (predicted before, AlertManager.mayIssue
      // false): predicted after the hand-over; every other track's prediction before it (Engine's urgent)
      const settled = new Set(c.engine.tracker.live.filter((tr) => tr.impactTime !== undefined && !c.engine.alerts.mayIssue(tr.id)).map((tr) => tr.id));
      let madeBefore = -1;
      const started = c.engine.tracker.stats.initiations;
      let startedBefore = -1;
      const got: SimEvent[] = [];
      const r = c.step(bt.plots, bt.until, undefined, (tracks) => {
        madeBefore = c.engine.stats.predictions - before;
        startedBefore = c.engine.tracker.stats.initiations - started;
        for (const ev of tracks) {
          expect(ev.status).toBe('confirmed');
          // its track's first confirmation is in the journal
          const journaled = j.trackEvents(ev.trackId);
          expect(journaled.some((e) => e.status === 'confirmed'), `track ${ev.trackId}`).toBe(true);
          if (journaled.length === 1 && journaled[0]!.t === ev.t) firsts++;
        }
        got.push(...tracks);
      });
      expect(lines(r.events), `batch ${i}`).toEqual(lines(refEvents[i]!));
      // exactly the result's track updates, in its order
      expect(lines(got)).toEqual(lines(r.events.filter((e) => e.type === 'track' && e['status'] === 'confirmed')));
      handed += got.length;
      if (madeBefore >= 0) {
        const preds = r.events.filter((e) => e.type === 'prediction');
        const urgent = preds.filter((e) => !settled.has(e['trackId'] as number)).length;
        expect(madeBefore, `batch ${i}`).toBe(urgent);
        urgentBefore += urgent;
        restAfter += preds.length - urgent;
        // before the tracker started the batch's new tracks
        expect(startedBefore, `batch ${i}`).toBe(0);
        if (c.engine.tracker.stats.initiations > started) startedAfter++;
      }
    }
    expect(handed).toBeGreaterThan(10);
    expect(firsts).toBeGreaterThan(0);
    // both kinds occur: predictions made before the hand-over, and after it
    expect(urgentBefore).toBeGreaterThan(0);
    expect(restAfter).toBeGreaterThan(0);
    expect(startedAfter).toBeGreaterThan(0);
    // the journal ends as the reference's: each birth and end once
    const ids = new Set(refEvents.flat().filter((e) => e.type === 'track').map((e) => e['trackId'] as number));
    expect(ids.size).toBeGreaterThan(0);
    for (const id of ids) expect(lines(j.trackEvents(id)), `track ${id}`).toEqual(lines(refJournal.trackEvents(id)));
    j.close();
    refJournal.close();
  });
});

describe('the alert fast path', () => {
  it('hands over exactly the batch’s alerts, already journaled; a kill right after it loses nothing', () => {
    const { scenario, bs, refJournal, refEvents } = incidentReference();

    // every batch's alerts are handed over, journaled, and nothing else is
    const jC = Journal.open(journalFile());
    const c = new Pipeline(scenario.site, jC, { incidentGap: 30 });
    let handed = 0;
    for (const [i, bt] of bs.entries()) {
      const got: SimEvent[] = [];
      const r = c.step(bt.plots, bt.until, (alerts, fresh) => {
        for (const al of alerts) expect(jC.alertMessage(al['messageId'] as string)).toBeDefined();
        expect([...fresh]).toEqual(alerts.map((al) => al['messageId']));
        got.push(...alerts);
        handed += alerts.length;
      });
      expect(lines(r.events), `batch ${i}`).toEqual(lines(refEvents[i]!));
      // (one call or several: the same messages)
      expect(lines(got).sort()).toEqual(lines(r.events.filter((e) => e.type === 'alert')).sort());
    }
    expect(handed).toBe(refEvents.flat().filter((e) => e.type === 'alert').length);
    expect(handed).toBeGreaterThan(0);
    jC.close();

    const file = journalFile();
    const jA = Journal.open(file);
    const a = new Pipeline(scenario.site, jA, { incidentGap: 30 });
    const firstSiren = refEvents.findIndex((evs) => evs.some((e) => e.type === 'alert' && e['stage'] === 'siren'));
    expect(firstSiren).toBeGreaterThan(0);
    for (let i = 0; i < firstSiren; i++) jA.markPublished([...a.step(bs[i]!.plots, bs[i]!.until).newAlerts], bs[i]!.until);
    // the first siren's batch: the alerts leave, then the process dies before the incidents and track changes
    // are journaled (the handler throwing stops the step there, as a kill would)
    const sirenIds: string[] = [];
    expect(() =>
      a.step(bs[firstSiren]!.plots, bs[firstSiren]!.until, (alerts) => {
        sirenIds.push(...alerts.map((al) => al['messageId'] as string));
        throw new Error('killed');
      }),
    ).toThrow('killed');
    expect(sirenIds.length).toBeGreaterThan(0);

    const jB = Journal.open(file);
    const b = new Pipeline(scenario.site, jB, { incidentGap: 30 });
    // not marked published: sent again after the restart, under the same ids (at least once)
    expect(b.restore().map((e) => e['messageId'])).toEqual(sirenIds);
    for (let i = firstSiren + 1; i < bs.length; i++) expect(lines(b.step(bs[i]!.plots, bs[i]!.until).events), `batch ${i}`).toEqual(lines(refEvents[i]!));
    // the journal ends as the uninterrupted one: every incident, every track birth and end, every alert
    expect(jB.incidents()).toEqual(refJournal.incidents());
    const ids = new Set(refEvents.flat().filter((e) => e.type === 'track').map((e) => e['trackId'] as number));
    for (const id of ids) expect(lines(jB.trackEvents(id)), `track ${id}`).toEqual(lines(refJournal.trackEvents(id)));
    expect(lines(jB.alerts({ limit: 10_000 }))).toEqual(lines(refJournal.alerts({ limit: 10_000 })));
    jB.close();
    jA.close();
    refJournal.close();
  });
});
