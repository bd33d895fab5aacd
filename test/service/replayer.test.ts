/**
 * The sensor emulator's schedule and player: every simulated plot once, grouped per sensor per revolution
 * (or sector), every revolution (sector) closed by a CAT034 north marker (sector crossing) at its end;
 * datagrams that decode back to the plots and crossings re-stamped by exactly the offset; timing on a fake wall clock and
 * fake timers (pause, resume, speed changes, late timers, loops) — no real waiting, no wall-time assertions.
 */
import { describe, expect, it } from 'vitest';
import type { ServiceMessage } from '../../src/io/asterix/cat034.js';
import { HEIGHT_LSB, RHO_LSB, sensorTable, THETA_LSB } from '../../src/io/asterix/cat048.js';
import { decodeRadarDatagram } from '../../src/io/asterix/radar.js';
import { createRejectCounter } from '../../src/io/asterix/rejects.js';
import { loadScenario } from '../../src/scenario/load.js';
import type { Plot } from '../../src/sense/plot.js';
import { Replayer, replaySchedule, type ReplayTimers } from '../../src/service/replayer.js';
import type { PlotEvent } from '../../src/sim/events.js';
import { simulateScenario } from '../../src/sim/run.js';

// 2020-01-08: two rockets, one shot down by the C-RAM; two radars (1 s and 2 s revolutions)
const SCENARIO = loadScenario('scenarios/2020-01-08-green-zone-rockets.yaml');
const SCHEDULE = replaySchedule(SCENARIO);
const SENSORS = sensorTable(SCENARIO.site.sensors);
/** half an LSB of I048/140, s */
const HALF_TOD = 1 / 256 + 1e-9;

/** A fake wall clock (s) and one-shot timers that fire when the wall is advanced past them. */
class FakeTime {
  now: number;
  pending: { fn: () => void; at: number; id: number } | undefined;
  arms = 0;
  private ids = 0;
  constructor(t0: number) {
    this.now = t0;
  }
  wall = (): number => this.now;
  timers: ReplayTimers = {
    set: (fn, ms) => {
      // the replayer keeps one timer at most: it clears the old one before arming a new one
      expect(this.pending).toBeUndefined();
      expect(ms).toBeGreaterThanOrEqual(0);
      this.arms++;
      this.pending = { fn, at: this.now + ms / 1000, id: ++this.ids };
      return this.ids;
    },
    clear: (h) => {
      if (this.pending?.id === h) this.pending = undefined;
    },
  };
  /** Moves the wall forward by dt s, firing each timer on time. */
  advance(dt: number): void {
    const target = this.now + dt;
    while (this.pending && this.pending.at <= target) {
      const { fn, at } = this.pending;
      this.pending = undefined;
      this.now = Math.max(this.now, at);
      fn();
    }
    this.now = target;
  }
  /** Moves the wall forward by dt s without firing, then fires the (late) timer once. */
  late(dt: number): void {
    this.now += dt;
    const p = this.pending;
    this.pending = undefined;
    p?.fn();
  }
}

interface Sent {
  dg: Uint8Array;
  sensorId: string;
  /** replay clock when sent */
  at: number;
}

function player(opts: { speed?: number; base?: number; loop?: boolean; pause?: number; maxBytes?: number } = {}) {
  const time = new FakeTime(1_900_000_000);
  const sent: Sent[] = [];
  const r: Replayer = new Replayer(SCHEDULE, (dg, sensorId) => sent.push({ dg, sensorId, at: r.clock.now() }), {
    ...opts,
    wall: time.wall,
    timers: time.timers,
  });
  return { time, sent, r };
}

function decodeAll(s: Sent): { plots: Plot[]; messages: ServiceMessage[] } {
  const plots: Plot[] = [];
  const messages: ServiceMessage[] = [];
  const rejects = createRejectCounter();
  decodeRadarDatagram(s.dg, { sensors: SENSORS, referenceTime: s.at }, plots, messages, rejects);
  expect(rejects.total).toBe(0);
  for (const p of plots) expect(p.sensorId).toBe(s.sensorId);
  for (const m of messages) expect(m.sensorId).toBe(s.sensorId);
  return { plots, messages };
}

function decode(s: Sent): Plot[] {
  return decodeAll(s).plots;
}

const key = (sensor: string, t: number, range: number): string => `${sensor}|${t}|${range}`;

describe('replaySchedule', () => {
  it('holds every simulated plot exactly once, grouped per sensor per antenna revolution (every one, plots or not), in send order', () => {
    // independent truth: the plot events of the same run through simulateScenario
    const ref = simulateScenario(SCENARIO, { keepPlots: true });
    const refPlots = ref.events.filter((e): e is PlotEvent => e.type === 'plot');
    expect(refPlots.length).toBeGreaterThan(50);
    const mine = SCHEDULE.groups.flatMap((g) => g.plots);
    expect(SCHEDULE.plots).toBe(mine.length);
    expect(mine.map((p) => key(p.sensorId, p.t, p.range)).sort()).toEqual(refPlots.map((e) => key(e.sensor, e.t, e.range)).sort());

    const period = new Map(SCENARIO.site.sensors.map((s) => [s.id, s.period]));
    const seen = new Set<string>();
    let last = -Infinity;
    for (const g of SCHEDULE.groups) {
      expect(g.sendAt).toBeGreaterThanOrEqual(last);
      last = g.sendAt;
      const rev = `${g.sensorId}#${g.revolution}`;
      expect(seen.has(rev), rev).toBe(false);
      seen.add(rev);
      let tPrev = -Infinity;
      for (const p of g.plots) {
        expect(p.sensorId).toBe(g.sensorId);
        expect(Math.floor((p.t - SCENARIO.start) / period.get(p.sensorId)!)).toBe(g.revolution);
        expect(p.t).toBeGreaterThanOrEqual(tPrev);
        tPrev = p.t;
      }
      // hand-computed: sent as the beam passes north at the revolution's end
      expect(g.crossing).toBeCloseTo(SCENARIO.start + (g.revolution + 1) * period.get(g.sensorId)!, 9);
      expect(g.sendAt).toBe(g.crossing);
    }
    // every revolution of each radar that ends within the run, none skipped
    for (const s of SCENARIO.site.sensors) {
      const n = SCHEDULE.groups.filter((g) => g.sensorId === s.id && g.crossing <= ref.truth.end).length;
      expect(n).toBe(Math.floor((ref.truth.end - SCENARIO.start) / s.period + 1e-9));
    }
    expect(SCHEDULE.groups.some((g) => g.plots.length === 0)).toBe(true);
    expect(new Set(SCHEDULE.groups.map((g) => g.sensorId))).toEqual(new Set(['lcmr-1', 'tpq50-1']));
    expect(SCHEDULE.start).toBe(SCENARIO.start);
    expect(SCHEDULE.end).toBe(ref.truth.end);
    expect(SCHEDULE.threats).toBe(SCENARIO.threats.length);
  });

  it('with sectors: N, a group per sensor per 1/N of a revolution, the same plots, each sent as the beam leaves its sector', () => {
    const N = 8;
    const sch = replaySchedule(SCENARIO, { sectors: N });
    expect(sch.plots).toBe(SCHEDULE.plots);
    const byKey = (g: { plots: { sensorId: string; t: number; range: number }[] }[]): string[] => g.flatMap((x) => x.plots.map((p) => key(p.sensorId, p.t, p.range))).sort();
    expect(byKey(sch.groups)).toEqual(byKey(SCHEDULE.groups));
    expect(sch.groups.length).toBe(N * SCHEDULE.groups.length);
    expect(sch.sectors).toBe(N);
    const period = new Map(SCENARIO.site.sensors.map((s) => [s.id, s.period]));
    const seen = new Set<string>();
    let last = -Infinity;
    for (const g of sch.groups) {
      expect(g.sendAt).toBeGreaterThanOrEqual(last);
      last = g.sendAt;
      const id = `${g.sensorId}#${g.revolution}#${g.sector}`;
      expect(seen.has(id), id).toBe(false);
      seen.add(id);
      const P = period.get(g.sensorId)!;
      for (const p of g.plots) {
        // hand-computed: the plot's place in its revolution, in 1/N turns
        const turns = (p.t - SCENARIO.start) / P;
        expect(Math.floor(turns)).toBe(g.revolution);
        expect(Math.floor((turns - g.revolution) * N)).toBe(g.sector);
      }
      expect(g.crossing).toBeCloseTo(SCENARIO.start + (g.revolution + (g.sector + 1) / N) * P, 9);
      expect(g.sendAt).toBe(g.crossing);
    }
    expect(() => replaySchedule(SCENARIO, { sectors: 0 })).toThrow(/sectors/);
  });

  it('stops producing plots of a round when the simulated interceptor shoots it down', () => {
    const ref = simulateScenario(SCENARIO);
    const killed = ref.truth.threats.filter((th) => th.killed);
    expect(killed.length).toBeGreaterThan(0);
    expect(SCHEDULE.kills).toEqual(killed.map((th) => ({ threatId: th.id, t: th.killed!.t })));
    for (const th of killed) {
      const of = SCHEDULE.groups.flatMap((g) => g.plots).filter((p) => p.truthId === th.id);
      expect(of.length).toBeGreaterThan(0); // it was seen before
      for (const p of of) expect(p.t).toBeLessThanOrEqual(th.killed!.t);
      // and it would have flown on: its natural impact is after the kill
      expect(th.impactTime).toBeGreaterThan(th.killed!.t + 2);
    }
  });
});

describe('Replayer', () => {
  it('sends datagrams that decode to the plots re-stamped by exactly the offset, across UTC midnight, split by size', () => {
    // base 30 s before midnight: the scenario's data runs over the date change
    const base = Date.UTC(2027, 2, 14, 23, 59, 30) / 1000;
    const { time, sent, r } = player({ base, speed: 4, maxBytes: 3 + 2 * 18 }); // at most two records a datagram
    void r.start();
    time.advance((SCHEDULE.end - SCHEDULE.start) / 4 + 1);
    expect(r.status().running).toBe(false);
    expect(sent.length).toBe(r.datagramsPerPass);
    expect(sent.length).toBeGreaterThan(SCHEDULE.groups.length); // some revolutions needed more than one datagram

    const offset = base - SCHEDULE.start;
    const expected = SCHEDULE.groups.flatMap((g) => g.plots);
    const got = sent.flatMap(decode);
    expect(got.length).toBe(expected.length);
    let crossed = false;
    got.forEach((q, i) => {
      const p = expected[i]!;
      expect(q.sensorId).toBe(p.sensorId);
      expect(Math.abs(q.t - (p.t + offset))).toBeLessThanOrEqual(HALF_TOD);
      expect(Math.abs(q.range - p.range)).toBeLessThanOrEqual(RHO_LSB);
      const daz = Math.abs(q.az - p.az);
      expect(Math.min(daz, 2 * Math.PI - daz)).toBeLessThanOrEqual(THETA_LSB);
      expect(Math.abs(q.el - p.el)).toBeLessThanOrEqual(HEIGHT_LSB / p.range);
      if (p.rangeRate !== undefined && Math.abs(p.rangeRate) <= 511) expect(q.rangeRate).toBe(Math.round(p.rangeRate));
      if (q.t >= Math.ceil(base / 86400) * 86400) crossed = true;
    });
    expect(crossed).toBe(true);
    // every revolution closed by its north marker at the re-stamped crossing, after its plots
    const markers = sent.flatMap((s) => decodeAll(s).messages);
    expect(markers).toHaveLength(SCHEDULE.groups.length);
    markers.forEach((m, i) => {
      const g = SCHEDULE.groups[i]!;
      expect(m).toMatchObject({ sensorId: g.sensorId, type: 1 });
      expect(Math.abs(m.t - (g.crossing + offset))).toBeLessThanOrEqual(HALF_TOD);
      for (const p of g.plots) expect(p.t).toBeLessThanOrEqual(g.crossing);
    });
    // never early: each revolution leaves when the replay clock reaches its re-stamped crossing
    for (const s of sent) {
      const { plots, messages } = decodeAll(s);
      for (const q of [...plots, ...messages]) expect(q.t).toBeLessThanOrEqual(s.at + HALF_TOD);
    }
  });

  it('keeps one timer for the next revolution; a late timer sends everything due, in order per sensor', () => {
    const { time, sent, r } = player({ speed: 1 });
    void r.start();
    const span = SCHEDULE.end - SCHEDULE.start;
    time.advance(span / 2);
    const half = sent.length;
    const dueByHalf = SCHEDULE.groups.filter((g) => g.sendAt - SCHEDULE.start <= span / 2).length;
    expect(half).toBe(dueByHalf);
    // a timer armed per revolution (plus the first): no polling
    expect(time.arms).toBeLessThanOrEqual(half + 1);
    time.late(span); // the process was busy: the timer fires once, long after
    expect(sent.length).toBe(SCHEDULE.groups.length);
    expect(r.status().running).toBe(false);
    const lastT = new Map<string, number>();
    for (const s of sent) {
      for (const q of decode(s)) {
        expect(q.t).toBeGreaterThanOrEqual(lastT.get(s.sensorId) ?? -Infinity);
        lastT.set(s.sensorId, q.t);
      }
    }
  });

  it('sends nothing while paused; data time is continuous across pause, resume and a speed change', async () => {
    const base = 1_800_000_000;
    const { time, sent, r } = player({ base, speed: 2 });
    const due = (dataSeconds: number): number => SCHEDULE.groups.filter((g) => g.sendAt - SCHEDULE.start <= dataSeconds).length;
    // before start() the clock stands at base
    time.advance(100);
    expect(r.clock.now()).toBe(base);
    expect(sent.length).toBe(0);
    let finished = false;
    const done = r.start().then(() => (finished = true));

    time.advance(10.25); // 20.5 s of data (revolutions end on whole seconds: not on a boundary)
    expect(r.clock.now()).toBeCloseTo(base + 20.5, 9);
    expect(sent.length).toBe(due(20.5));
    expect(sent.length).toBeGreaterThan(0);

    r.pause();
    expect(time.pending).toBeUndefined(); // no timer while paused
    const n = sent.length;
    time.advance(1000);
    expect(sent.length).toBe(n);
    expect(time.pending).toBeUndefined();
    expect(r.status()).toMatchObject({ paused: true, running: true, dataTime: base + 20.5 });

    r.resume();
    expect(r.clock.now()).toBeCloseTo(base + 20.5, 9);
    time.advance(5); // 10 s more
    expect(r.clock.now()).toBeCloseTo(base + 30.5, 9);
    expect(sent.length).toBe(due(30.5));

    const before = r.clock.now();
    r.setSpeed(10);
    expect(r.clock.now()).toBe(before);
    expect(r.status().speed).toBe(10);
    time.advance(1); // 10 s at ×10
    expect(r.clock.now()).toBeCloseTo(base + 40.5, 9);
    expect(sent.length).toBe(due(40.5));
    expect(() => r.setSpeed(0)).toThrow(RangeError);

    // every revolution left on time (fake timers fire exactly; ms rounding is ≤ 1 ms of wall = 10 ms of data)
    sent.forEach((s, i) => {
      const g = SCHEDULE.groups[i]!;
      expect(s.at - (base + g.sendAt - SCHEDULE.start)).toBeGreaterThanOrEqual(0);
      expect(s.at - (base + g.sendAt - SCHEDULE.start)).toBeLessThanOrEqual(0.011);
    });

    r.stop();
    await done;
    expect(finished).toBe(true);
    const m = sent.length;
    time.advance(1000);
    expect(sent.length).toBe(m);
    expect(r.status()).toMatchObject({ running: false, sent: m, plots: SCHEDULE.groups.slice(0, m).reduce((a, g) => a + g.plots.length, 0) });
  });

  it('loops: each pass re-based after the previous one and a pause, so data time only moves forward', async () => {
    const base = 1_800_000_000;
    const pause = 3;
    const { time, sent, r } = player({ base, speed: 20, loop: true, pause });
    const span = SCHEDULE.end - SCHEDULE.start;
    const done = r.start();
    time.advance((2.5 * (span + pause)) / 20);
    expect(r.status().loops).toBe(2);
    const n = SCHEDULE.groups.length;
    expect(sent.length).toBeGreaterThan(2 * n);
    const plots = sent.map(decode);
    let last = -Infinity;
    const lastPerSensor = new Map<string, number>();
    sent.forEach((s, i) => {
      for (const q of plots[i]!) {
        expect(q.t).toBeGreaterThanOrEqual(lastPerSensor.get(s.sensorId) ?? -Infinity);
        lastPerSensor.set(s.sensorId, q.t);
      }
      expect(s.at).toBeGreaterThanOrEqual(last);
      last = s.at;
    });
    // pass k is pass 0 shifted by k × (span + pause)
    for (let i = 0; i < sent.length - n; i++) {
      const a = plots[i]!;
      const b = plots[i + n]!;
      expect(b.length).toBe(a.length);
      a.forEach((q, j) => expect(Math.abs(b[j]!.t - q.t - (span + pause))).toBeLessThanOrEqual(2 * HALF_TOD));
    }
    r.stop();
    await done;
  });
});
