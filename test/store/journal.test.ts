/**
 * The service journal (src/store/journal.ts): plot batches come back bit for bit, events round trip and are
 * idempotent, published/unpublished bookkeeping, checkpoints, pruning, files on disk (reopened, WAL, not a
 * journal). The service loop of the 2021-12-19 scenario (journal each batch, then the engine, then record
 * its events) is the source of real plots and events; a second engine replaying the journal must reproduce
 * the first one's events exactly.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Journal, type JournalBatch } from '../../src/store/journal.js';
import { InputError } from '../../src/core/errors.js';
import { loadScenario, type Scenario } from '../../src/scenario/load.js';
import { runSimulation } from '../../src/sim/simulation.js';
import { Engine } from '../../src/engine/engine.js';
import { IncidentBuilder } from '../../src/report/incident.js';
import type { Plot } from '../../src/sense/plot.js';
import type { AlertEvent, EngagementEvent, SimEvent, TrackEvent } from '../../src/sim/events.js';

const SCENARIO = 'scenarios/2021-12-19-green-zone-rockets.yaml';

/** What the journal must give back for a plot: every field but truthId, rangeRate only when measured. */
function expectSamePlot(got: Plot, want: Plot): void {
  for (const k of ['t', 'range', 'az', 'el'] as const) expect(Object.is(got[k], want[k]), `${k}: ${got[k]} vs ${want[k]}`).toBe(true);
  expect([got.sensorId, got.sac, got.sic]).toEqual([want.sensorId, want.sac, want.sic]);
  if (want.rangeRate === undefined) expect('rangeRate' in got).toBe(false);
  else expect(Object.is(got.rangeRate, want.rangeRate)).toBe(true);
  expect('truthId' in got).toBe(false);
}

/** Track events worth journaling: every status change and the first confirmation of each track. */
function keptTrackEvents(events: readonly SimEvent[], seen: Set<number>): TrackEvent[] {
  const out: TrackEvent[] = [];
  for (const ev of events) {
    if (ev.type !== 'track') continue;
    const te = ev as TrackEvent;
    if (te.status === 'confirmed' && seen.has(te.trackId)) continue;
    seen.add(te.trackId);
    out.push(te);
  }
  return out;
}

const toJson = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

interface ServiceRun {
  scenario: Scenario;
  journal: Journal;
  batches: { seq: number; until: number; plots: Plot[] }[];
  /** every event the engine produced, in order */
  events: SimEvent[];
  incidents: SimEvent[];
}

/** The live service's loop on the simulated radars: journal the batch, then the engine, then its events. */
function serviceRun(): ServiceRun {
  const scenario = loadScenario(SCENARIO);
  const journal = Journal.open(':memory:');
  const engine = new Engine(scenario.site, { met: scenario.environment });
  const builder = new IncidentBuilder(scenario.site);
  const batches: ServiceRun['batches'] = [];
  const events: SimEvent[] = [];
  const incidents: SimEvent[] = [];
  const seen = new Set<number>();
  let lastSeq = 0;
  const run = runSimulation(scenario, {
    sink: () => {},
    onPlots: (plots, until) => {
      const copy = plots.map((p) => ({ ...p }));
      const seq = journal.appendBatch(until, copy);
      batches.push({ seq, until, plots: copy });
      lastSeq = seq;
      const evs = engine.ingest(copy, until);
      events.push(...evs);
      for (const ev of evs) builder.add(ev);
      const inc = builder.takeIncidentEvents();
      incidents.push(...inc);
      journal.record(seq, [...evs.filter((e) => e.type !== 'track'), ...keptTrackEvents(evs, seen), ...inc]);
      return evs;
    },
  });
  builder.close(run.truth.end);
  const last = builder.takeIncidentEvents();
  incidents.push(...last);
  journal.record(lastSeq, last);
  return { scenario, journal, batches, events, incidents };
}

function alert(alertId: string, m: number, zoneStages: Record<string, 'early' | 'siren'>, t = 100 + m): AlertEvent {
  return {
    type: 'alert', t, alertId, stage: Object.values(zoneStages)[0] ?? 'clear', zones: Object.keys(zoneStages), trackIds: [1],
    msgType: m === 1 ? 'Alert' : Object.keys(zoneStages).length ? 'Update' : 'Cancel', messageId: `${alertId}.${m}`, zoneStages,
  };
}

describe('Journal with the service loop of a real scenario', () => {
  let sr: ServiceRun;
  beforeAll(() => {
    sr = serviceRun();
  });
  afterAll(() => sr.journal.close());

  it('gives back every batch bit for bit, in seq order, from any seq', () => {
    expect(sr.batches.length).toBeGreaterThan(50);
    expect(sr.batches.reduce((n, b) => n + b.plots.length, 0)).toBeGreaterThan(20);
    expect(sr.batches.some((b) => b.plots.length === 0)).toBe(true);
    expect(sr.batches.map((b) => b.seq)).toEqual(sr.batches.map((_, i) => i + 1));
    expect(sr.journal.lastSeq()).toBe(sr.batches.length);
    const all = [...sr.journal.batchesAfter(0)];
    expect(all.map((b) => b.seq)).toEqual(sr.batches.map((b) => b.seq));
    all.forEach((b, i) => {
      const want = sr.batches[i]!;
      expect(Object.is(b.until, want.until)).toBe(true);
      expect(b.plots).toHaveLength(want.plots.length);
      b.plots.forEach((p, k) => expectSamePlot(p, want.plots[k]!));
    });
    const from = 40;
    expect([...sr.journal.batchesAfter(from)].map((b) => b.seq)).toEqual(sr.batches.filter((b) => b.seq > from).map((b) => b.seq));
    expect([...sr.journal.batchesAfter(sr.batches.length)]).toEqual([]);
    const st = sr.journal.stats();
    expect(st.batches).toBe(sr.batches.length);
    expect(st.plots).toBe(sr.batches.reduce((n, b) => n + b.plots.length, 0));
  });

  it('gives back the alerts, engagements, track changes and incidents recorded', () => {
    const alerts = sr.events.filter((e): e is AlertEvent => e.type === 'alert');
    const engagements = sr.events.filter((e): e is EngagementEvent => e.type === 'engagement');
    expect(alerts.length).toBeGreaterThan(0);
    expect(engagements.length).toBeGreaterThan(0);
    expect(sr.incidents.length).toBeGreaterThan(0);
    // newest first
    expect(sr.journal.alerts()).toEqual(toJson(alerts).reverse());
    expect(sr.journal.alerts({ limit: 2 })).toEqual(toJson(alerts).reverse().slice(0, 2));
    for (const a of alerts) expect(sr.journal.alertMessage(a.messageId)).toEqual(toJson(a));
    for (const id of new Set(alerts.map((a) => a.alertId))) {
      expect(sr.journal.alertMessages(id)).toEqual(toJson(alerts.filter((a) => a.alertId === id)));
    }
    expect(sr.journal.alertMessage('no-such.1')).toBeUndefined();
    expect(sr.journal.engagements()).toEqual(toJson(engagements).reverse());
    expect(sr.journal.engagements({ limit: 1 })).toEqual(toJson(engagements).slice(-1));
    const kept = keptTrackEvents(sr.events, new Set());
    for (const id of new Set(kept.map((e) => e.trackId))) {
      const want = kept.filter((e) => e.trackId === id);
      expect(want[0]!.status).toBe('confirmed');
      expect(sr.journal.trackEvents(id)).toEqual(toJson(want));
    }
    expect(sr.journal.trackEvents(99999)).toEqual([]);
    const incidents = sr.journal.incidents();
    expect(incidents.map((i) => i.incidentId)).toEqual(sr.incidents.map((i) => (i as { incidentId: string }).incidentId).reverse());
    for (const inc of sr.incidents) {
      const id = (inc as { incidentId: string }).incidentId;
      expect(sr.journal.incident(id)).toEqual(toJson(inc));
      expect(incidents.find((i) => i.incidentId === id)!.t).toBe(inc.t);
    }
  });

  it('feeds a fresh engine the same batches: replay reproduces every event, and recording it again adds nothing', () => {
    const before = sr.journal.stats();
    const engagementsBefore = sr.journal.engagements().length;
    const engine = new Engine(sr.scenario.site, { met: sr.scenario.environment });
    const replayed: SimEvent[] = [];
    const seen = new Set<number>();
    for (const b of sr.journal.batchesAfter(0)) {
      const evs = engine.ingest(b.plots, b.until);
      replayed.push(...evs);
      // writing while iterating: the iterator holds no cursor open
      expect(sr.journal.record(b.seq, [...evs.filter((e) => e.type !== 'track'), ...keptTrackEvents(evs, seen)])).toEqual([]);
    }
    expect(replayed.map((e) => JSON.stringify(e))).toEqual(sr.events.map((e) => JSON.stringify(e)));
    expect(sr.journal.stats()).toEqual({ ...before, bytes: sr.journal.stats().bytes });
    expect(sr.journal.engagements().length).toBe(engagementsBefore);
    const kept = keptTrackEvents(sr.events, new Set());
    for (const id of new Set(kept.map((e) => e.trackId))) expect(sr.journal.trackEvents(id)).toHaveLength(kept.filter((e) => e.trackId === id).length);
  });
});

describe('Journal plot blobs', () => {
  it('round-trip any doubles (−0, subnormals, infinities) and any sensors bit for bit', () => {
    const j = Journal.open(':memory:');
    const double = fc.double({ noNaN: true });
    const plot = fc.record(
      {
        t: double,
        sensorId: fc.constantFrom('lcmr-1', 'tpq50-1', 'x', 'é-radar'),
        sac: fc.integer({ min: 0, max: 255 }),
        sic: fc.integer({ min: 0, max: 255 }),
        range: double,
        az: double,
        el: double,
        rangeRate: double,
        truthId: fc.string(),
      },
      { requiredKeys: ['t', 'sensorId', 'sac', 'sic', 'range', 'az', 'el'] },
    );
    const written: JournalBatch[] = [];
    fc.assert(
      // until: any finite time (an SQLite REAL: −0 comes back as 0)
      fc.property(fc.array(plot, { maxLength: 40 }), fc.double({ noNaN: true, noDefaultInfinity: true }).filter((u) => !Object.is(u, -0)), (plots, until) => {
        const seq = j.appendBatch(until, plots);
        written.push({ seq, until, plots });
        const [got] = [...j.batchesAfter(seq - 1)];
        expect(got!.seq).toBe(seq);
        expect(Object.is(got!.until, until)).toBe(true);
        expect(got!.plots).toHaveLength(plots.length);
        got!.plots.forEach((p, k) => expectSamePlot(p, plots[k]!));
      }),
      { numRuns: 150 },
    );
    // and all of them again, through several pages of batchesAfter
    const all = [...j.batchesAfter(0)];
    expect(all.map((b) => b.seq)).toEqual(written.map((b) => b.seq));
    all.forEach((b, i) => b.plots.forEach((p, k) => expectSamePlot(p, written[i]!.plots[k]!)));
    j.close();
  });

  it('stores 42 bytes a plot, not JSON', () => {
    const j = Journal.open(':memory:');
    const plots: Plot[] = Array.from({ length: 1000 }, (_, i) => ({ t: 1.6e9 + i / 7, sensorId: 'lcmr-1', sac: 25, sic: 1, range: 1000 + i / 3, az: i / 1000, el: 0.1, rangeRate: -i / 9 }));
    const empty = j.stats().bytes;
    for (let k = 0; k < 20; k++) j.appendBatch(k, plots);
    const perPlot = (j.stats().bytes - empty) / 20_000;
    expect(perPlot).toBeGreaterThanOrEqual(42);
    expect(perPlot).toBeLessThan(50); // JSON would be > 150
    j.close();
  });
});

describe('Journal bookkeeping', () => {
  it('inserts each alert message once, whatever its content the second time', () => {
    const j = Journal.open(':memory:');
    const a1 = alert('A-x-1', 1, { z1: 'siren' });
    const a2 = alert('A-x-1', 2, { z1: 'siren', z2: 'early' });
    expect(j.record(1, [a1])).toEqual(['A-x-1.1']);
    expect(j.record(2, [a1, a2])).toEqual(['A-x-1.2']);
    expect(j.record(3, [{ ...a1, t: 999, zones: ['other'] }])).toEqual([]);
    expect(j.alertMessage('A-x-1.1')).toEqual(a1);
    expect(j.stats().alerts).toBe(2);
    expect(() => j.record(4, [{ type: 'alert', t: 1, alertId: 'A-x-2' }])).toThrow(/messageId/);
    j.close();
  });

  it('records a batch atomically: an invalid event leaves none of the batch', () => {
    const j = Journal.open(':memory:');
    expect(() => j.record(1, [alert('A-1', 1, { z: 'siren' }), { type: 'engagement', t: 1, interceptor: 'g', result: 'fired' }])).toThrow(/trackId/);
    expect(j.alerts()).toEqual([]);
    expect(j.record(1, [alert('A-1', 1, { z: 'siren' })])).toEqual(['A-1.1']);
    j.close();
  });

  it('keeps published and unpublished messages apart', () => {
    const j = Journal.open(':memory:');
    const msgs = [alert('A-1', 1, { z: 'siren' }), alert('A-2', 1, { y: 'early' }), alert('A-1', 2, {}), alert('A-2', 2, { y: 'siren' })];
    j.record(1, msgs.slice(0, 2));
    j.record(2, msgs.slice(2));
    expect(j.unpublished()).toEqual(msgs);
    j.markPublished(['A-1.1', 'A-2.2'], 50);
    expect(j.unpublished()).toEqual([msgs[1], msgs[2]]);
    expect(msgs.map((m) => j.isPublished(m.messageId))).toEqual([true, false, false, true]);
    expect(j.isPublished('A-9.1')).toBe(false);
    j.markPublished(['A-1.1'], 60); // again: no error, nothing changes
    expect(() => j.markPublished(['A-2.1', 'A-9.1'], 70)).toThrow(/A-9\.1 is not in the journal/);
    expect(j.isPublished('A-2.1')).toBe(false); // the failed call marked nothing
    j.markPublished(['A-2.1', 'A-1.2'], 80);
    expect(j.unpublished()).toEqual([]);
    j.close();
  });

  it('lists active alerts: the latest message of each alert still warning a zone', () => {
    const j = Journal.open(':memory:');
    const a1 = alert('A-1', 1, { z: 'siren' });
    const b1 = alert('B-1', 1, { y: 'early' });
    const a2 = alert('A-1', 2, {}); // cleared
    const b2 = alert('B-1', 2, { y: 'siren', w: 'early' });
    const c1 = alert('C-1', 1, { q: 'early' });
    j.record(1, [a1, b1]);
    expect(j.alerts({ activeOnly: true })).toEqual([b1, a1]);
    j.record(2, [a2, b2, c1]);
    expect(j.alerts({ activeOnly: true })).toEqual([c1, b2]);
    expect(j.alerts({ activeOnly: true, limit: 1 })).toEqual([c1]);
    expect(j.alerts()).toEqual([c1, b2, a2, b1, a1]);
    expect(j.alertMessages('A-1')).toEqual([a1, a2]);
    j.close();
  });

  it('upserts incidents by id: the latest batch wins, a replayed older version does not', () => {
    const j = Journal.open(':memory:');
    const inc = (id: string, t: number, n: number) => ({ type: 'incident', t, incidentId: id, status: 'open', projectiles: n });
    j.record(3, [inc('I-1', 10, 1)]);
    j.record(5, [inc('I-1', 20, 2)]);
    j.record(4, [inc('I-1', 15, 9)]); // replay of an earlier batch
    expect(j.incident('I-1')).toEqual(inc('I-1', 20, 2));
    j.record(7, [inc('I-2', 30, 1), inc('I-1', 31, 3)]);
    expect(j.incidents()).toEqual([
      { incidentId: 'I-2', t: 30, json: inc('I-2', 30, 1) },
      { incidentId: 'I-1', t: 31, json: inc('I-1', 31, 3) },
    ]);
    expect(j.incident('I-3')).toBeUndefined();
    expect(j.stats().incidents).toBe(2);
    j.close();
  });

  it('keeps the last checkpoint, and refuses one out of range or going back', () => {
    const j = Journal.open(':memory:');
    expect(j.lastCheckpoint()).toBeUndefined();
    for (let i = 0; i < 10; i++) j.appendBatch(i, []);
    const state = { trackId: 17, alertN: 3, incidents: { '2021-12-19': 1 } };
    j.writeCheckpoint({ nextSeq: 4, t: 3.5, state });
    expect(j.lastCheckpoint()).toEqual({ nextSeq: 4, t: 3.5, state });
    j.writeCheckpoint({ nextSeq: 11, t: 9.5, state: { trackId: 20 } });
    expect(j.lastCheckpoint()).toEqual({ nextSeq: 11, t: 9.5, state: { trackId: 20 } });
    expect(() => j.writeCheckpoint({ nextSeq: 12, t: 10, state: {} })).toThrow(RangeError);
    expect(() => j.writeCheckpoint({ nextSeq: 0, t: 10, state: {} })).toThrow(RangeError);
    expect(() => j.writeCheckpoint({ nextSeq: 5, t: 10, state: {} })).toThrow(/before the last checkpoint/);
    expect(j.lastCheckpoint()!.nextSeq).toBe(11);
    j.close();
  });

  it('prunes only old batches before the checkpoint, and never reuses a seq', () => {
    const j = Journal.open(':memory:');
    for (let i = 1; i <= 100; i++) j.appendBatch(1000 + i, [{ t: 1000 + i, sensorId: 's', sac: 1, sic: 2, range: i, az: 0, el: 0 }]);
    expect(() => j.appendBatch(NaN, [])).toThrow(RangeError);
    expect(j.prune(0, 5000)).toBe(0); // no checkpoint: everything may still be replayed
    j.writeCheckpoint({ nextSeq: 61, t: 1060, state: null });
    // until < 1100 − 50 = 1050 ⇒ seq ≤ 49; all before the checkpoint
    expect(j.prune(50, 1100)).toBe(49);
    expect([...j.batchesAfter(0)].map((b) => b.seq)).toEqual(Array.from({ length: 51 }, (_, i) => i + 50));
    // old enough but at or after the checkpoint: kept
    expect(j.prune(0, 1e9)).toBe(11);
    expect([...j.batchesAfter(0)][0]!.seq).toBe(61);
    expect(j.stats()).toMatchObject({ batches: 40, plots: 40 });
    j.writeCheckpoint({ nextSeq: 101, t: 1100, state: null });
    expect(j.prune(0, 1e9)).toBe(40);
    expect(j.stats()).toMatchObject({ batches: 0, plots: 0 });
    expect(j.lastSeq()).toBe(100);
    expect(j.appendBatch(2000, [])).toBe(101);
    j.close();
  });
});

describe('Journal files', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tocsin-journal-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reopened, shows everything committed; in WAL mode; read-only refuses writes', () => {
    const file = join(dir, 'j.db');
    const j = Journal.open(file);
    const plots: Plot[] = [
      { t: 1.5, sensorId: 'lcmr-1', sac: 25, sic: 1, range: 1234.5, az: 1, el: 0.5, rangeRate: -3 },
      { t: 1.6, sensorId: 'tpq50-1', sac: 25, sic: 2, range: 9876.5, az: 2, el: 0.25 },
    ];
    expect(j.appendBatch(2, plots)).toBe(1);
    expect(j.appendBatch(3, plots.slice(1))).toBe(2);
    const a = alert('A-1', 1, { z: 'siren' });
    const e: EngagementEvent = { type: 'engagement', t: 2.5, interceptor: 'cram-1', trackId: 4, result: 'fired', burst: 1, pk: 0.6 };
    const tr = { type: 'track', t: 2.2, trackId: 4, status: 'confirmed', class: 'ballistic', lat: 33, lon: 44, alt: 100, vE: 1, vN: 2, vU: 3, speed: 4, pBallistic: 0.9 } satisfies TrackEvent;
    j.record(1, [a, e, tr]);
    j.markPublished(['A-1.1'], 3);
    j.record(2, [alert('A-1', 2, {})]);
    j.writeCheckpoint({ nextSeq: 2, t: 2, state: { n: 1 } });

    // a second connection while the writer is open: WAL lets it read everything committed
    const r = Journal.open(file, { readonly: true });
    expect([...r.batchesAfter(0)].map((b) => b.plots.length)).toEqual([2, 1]);
    expect(r.unpublished().map((m) => m.messageId)).toEqual(['A-1.2']);
    expect(() => r.appendBatch(4, [])).toThrow(/read-only/);
    j.appendBatch(4, [{ ...plots[0]!, sensorId: 'new-radar', sic: 7 }]); // a sensor the reader has not seen
    expect([...r.batchesAfter(2)][0]!.plots[0]!.sensorId).toBe('new-radar');
    r.close();

    const raw = new Database(file, { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.close();
    j.close();

    const k = Journal.open(file);
    const batches = [...k.batchesAfter(0)];
    expect(batches.map((b) => b.seq)).toEqual([1, 2, 3]);
    batches[0]!.plots.forEach((p, i) => expectSamePlot(p, plots[i]!));
    expect(k.alertMessages('A-1').map((m) => m.messageId)).toEqual(['A-1.1', 'A-1.2']);
    expect(k.isPublished('A-1.1')).toBe(true);
    expect(k.unpublished().map((m) => m.messageId)).toEqual(['A-1.2']);
    expect(k.engagements()).toEqual([e]);
    expect(k.trackEvents(4)).toEqual([tr]);
    expect(k.lastCheckpoint()).toEqual({ nextSeq: 2, t: 2, state: { n: 1 } });
    expect(k.appendBatch(5, [])).toBe(4);
    expect(k.stats().bytes).toBeGreaterThan(0);
    k.close();
  });

  it('continues the numbering after a restart even when every batch was pruned', () => {
    const file = join(dir, 'pruned.db');
    const j = Journal.open(file);
    for (let i = 1; i <= 30; i++) j.appendBatch(i, []);
    j.writeCheckpoint({ nextSeq: 31, t: 30, state: {} });
    expect(j.prune(0, 100)).toBe(30);
    j.close();
    const r = Journal.open(file, { readonly: true });
    expect(r.lastSeq()).toBe(30);
    r.close();
    const k = Journal.open(file);
    expect(k.lastSeq()).toBe(30);
    expect(k.appendBatch(31, [])).toBe(31);
    expect([...k.batchesAfter(0)].map((b) => b.seq)).toEqual([31]);
    k.close();
  });

  it('refuses an SQLite file that is not a journal, and leaves it as it was', () => {
    const file = join(dir, 'other.db');
    const db = new Database(file);
    db.exec('CREATE TABLE things (x)');
    db.close();
    let err: unknown;
    try {
      Journal.open(file);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toContain(file);
    expect((err as Error).message).toMatch(/not a tocsin journal/);
    const check = new Database(file, { readonly: true });
    expect(check.pragma('journal_mode', { simple: true })).toBe('delete');
    expect(check.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all()).toEqual(['things']);
    check.close();
  });

  it('refuses a file that is not SQLite at all', () => {
    const file = join(dir, 'garbage.db');
    writeFileSync(file, Buffer.from(Array.from({ length: 8192 }, (_, i) => (i * 7919 + 13) % 256)));
    expect(() => Journal.open(file)).toThrow(InputError);
    expect(() => Journal.open(file)).toThrow(`${file}: not a tocsin journal (not an SQLite database)`);
    expect(() => Journal.open(file, { readonly: true })).toThrow(file);
  });

  it('refuses a journal of a newer schema, and a missing file when read-only', () => {
    const file = join(dir, 'newer.db');
    Journal.open(file).close();
    const db = new Database(file);
    db.prepare('UPDATE schema_version SET version = version + 1').run();
    db.close();
    expect(() => Journal.open(file)).toThrow(new RegExp(`${file.replace(/[.\\/]/g, '\\$&')}: journal schema version 2 is newer`));
    expect(() => Journal.open(join(dir, 'missing.db'), { readonly: true })).toThrow(/missing\.db/);
  });
});
