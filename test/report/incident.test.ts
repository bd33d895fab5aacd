/**
 * Incident reports (src/report/incident.ts). The 2021-12-19 run is checked against the TRUTH the simulation
 * emits (truth events), never against what the report itself says; synthetic alert and engagement events
 * (the shapes of the alert and engagement managers) check the warning and intercept lines by hand.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadScenario, type Scenario } from '../../src/scenario/load.js';
import { runSimulation } from '../../src/sim/simulation.js';
import { Engine } from '../../src/engine/engine.js';
import { compareEvents, formatEvent, type PredictionEvent, type SimEvent, type TrackEvent, type TruthImpactEvent, type TruthLaunchEvent } from '../../src/sim/events.js';
import { IncidentBuilder, incidentJson, incidentMarkdown, type Incident } from '../../src/report/incident.js';
import { countPhrase, ellipseOf, inSentence, LocalClock, threatKind } from '../../src/report/incident-words.js';
import { InputError } from '../../src/core/errors.js';
import { direct, inverse } from '../../src/geo/geodesic.js';
import { pointInRing } from '../../src/geo/polygon.js';

const FILE = 'scenarios/2021-12-19-green-zone-rockets.yaml';

interface Run {
  scenario: Scenario;
  events: SimEvent[];
  end: number;
}

/** The real simulation with the engine, every event the sink receives, in order. */
function simulate(): Run {
  const scenario = loadScenario(FILE);
  const engine = new Engine(scenario.site, { met: scenario.environment });
  const events: SimEvent[] = [];
  const run = runSimulation(scenario, { sink: (ev) => events.push(ev), onPlots: (plots, until) => engine.ingest(plots, until) });
  // the tracking story only: the alerts and engagements the engine now makes are replaced, in these tests, by
  // synthetic ones whose lead times are worked by hand
  return { scenario, events: events.filter((e) => e.type !== 'alert' && e.type !== 'engagement'), end: run.truth.end };
}

function build(run: Run, events: readonly SimEvent[] = run.events, opts: ConstructorParameters<typeof IncidentBuilder>[1] = {}): IncidentBuilder {
  const b = new IncidentBuilder(run.scenario.site, opts);
  for (const ev of events) b.add(ev);
  b.close(Math.max(run.end, events[events.length - 1]?.t ?? run.end));
  return b;
}

const dist = (a: { lat: number; lon: number }, b: { lat: number; lon: number }): number => inverse(a.lat, a.lon, b.lat, b.lon).distance;

let run: Run;
let inc: Incident;
let md: string;
let truthLaunch: Map<string, TruthLaunchEvent>;
let truthImpact: Map<string, TruthImpactEvent>;

beforeAll(() => {
  run = simulate();
  const b = build(run);
  const all = b.incidents();
  expect(all).toHaveLength(1);
  inc = all[0]!;
  md = incidentMarkdown(inc, run.scenario.site);
  truthLaunch = new Map();
  truthImpact = new Map();
  for (const ev of run.events) {
    if (ev.type !== 'truth') continue;
    const t = ev as TruthLaunchEvent | TruthImpactEvent;
    if (t.event === 'launch') truthLaunch.set(t.threatId, t);
    if (t.event === 'impact') truthImpact.set(t.threatId, t);
  }
});

describe('2021-12-19 Green Zone rockets: the report against the truth', () => {
  it('one incident of two 122 mm rockets, local date and time', () => {
    expect(inc.incidentId).toBe('I-20211219-1');
    expect(inc.status).toBe('closed');
    expect(inc.projectiles).toHaveLength(2);
    expect(truthImpact.size).toBe(2);
    for (const p of inc.projectiles) expect(p.kind).toBe('122 mm rocket');
    expect(inc.headline).toBe('two 122 mm rockets');
    expect(inc.summary).toContain('On Sunday 19 December 2021 at 03:30 local time (UTC+3), two 122 mm rockets were fired towards the Baghdad International Zone');
    expect(md).toContain('# Incident I-20211219-1: two 122 mm rockets');
    // the incident starts at the estimated launch of the first rocket, within a second of the true one
    expect(Math.abs(inc.start - truthLaunch.get('r1')!.t)).toBeLessThan(1);
  });

  it('each impact is described from the landmark nearest the true impact, within 10 % of its true distance, in the right zone', () => {
    const site = run.scenario.site;
    for (const [id, ti] of truthImpact) {
      const th = inc.truth!.threats.find((t) => t.threatId === id)!;
      const p = inc.projectiles.find((x) => x.n === th.projectile)!;
      expect(p.outcome).toBe('impact');
      const place = p.impact!.place;
      // the right landmark: the one nearest to the TRUE impact point
      const nearestTrue = [...site.landmarks].sort((a, b) => dist(a, ti) - dist(b, ti))[0]!;
      expect(place.landmark!.id).toBe(nearestTrue.id);
      // the described distance vs the true distance from that landmark: 10 %, or 25 m for an impact at the landmark
      const trueD = dist(nearestTrue, ti);
      expect(Math.abs(place.landmark!.distance - trueD)).toBeLessThanOrEqual(Math.max(0.1 * trueD, 25));
      // the described bearing agrees with the true one within a compass point (when the distance means anything)
      if (trueD > 100) {
        const trueAz = inverse(nearestTrue.lat, nearestTrue.lon, ti.lat, ti.lon).azimuth1Deg;
        const dAz = Math.abs(((place.landmark!.azimuthDeg - trueAz + 540) % 360) - 180);
        expect(dAz).toBeLessThan(22.5);
      }
      // the right zone: the zone the TRUE impact point is in
      const trueZone = site.zones.find((z) => pointInRing(ti.lat, ti.lon, z.ring));
      expect(place.zone?.id).toBe(trueZone?.id);
      expect(md).toContain(place.text);
    }
    // r2 came down in Celebration Square, and the report says so
    const r2 = inc.truth!.threats.find((t) => t.threatId === 'r2')!;
    const p2 = inc.projectiles.find((x) => x.n === r2.projectile)!;
    expect(p2.impact!.place.landmark!.name).toContain('Celebration Square');
    expect(p2.impact!.place.zone!.name).toContain('Celebration Square');
    expect(p2.impact!.place.text).toMatch(/^≈ \d+ m [NESW]+ of Victory Arch \(Celebration Square\), in Celebration Square/);
  });

  it('the launch area is within 10 % of the true distance from the reference landmark', () => {
    const site = run.scenario.site;
    const embassy = site.landmarks.find((l) => l.id === 'us-embassy')!;
    expect(inc.launchAreas).toHaveLength(1);
    const area = inc.launchAreas[0]!;
    expect(area.fromReference.name).toBe('US Embassy');
    expect(area.projectiles).toEqual([1, 2]);
    for (const [id, tl] of truthLaunch) {
      const trueD = dist(embassy, tl);
      expect(Math.abs(area.fromReference.distance - trueD) / trueD).toBeLessThan(0.1);
      const th = inc.truth!.threats.find((t) => t.threatId === id)!;
      const p = inc.projectiles.find((x) => x.n === th.projectile)!;
      expect(Math.abs(p.launch!.fromReference.distance - trueD) / trueD).toBeLessThan(0.1);
      expect(p.launch!.fromReference.bearing).toBe('E');
    }
    expect(area.text).toMatch(/^≈ 8\.\d km E of the US Embassy, ≈ \d+ m [NESW]+ of New Baghdad \(al-Alf Dar\); ±\d+ m × \d+ m \(1σ, long axis [NESW]+–[NESW]+\)/);
    expect(inc.summary).toContain(`from ${area.fromReference.text}`);
  });

  it('no alerts or engagements in the run: the report says so', () => {
    const types = new Set(run.events.map((e) => e.type));
    if (!types.has('alert')) {
      expect(inc.warnings.issued).toBe(false);
      expect(inc.summary).toMatch(/no warning issued/i);
      expect(md).toMatch(/no warning issued/i);
      // the hit zones are listed as not warned
      expect(inc.warnings.zones.map((z) => z.verdict)).toEqual(['not warned', 'not warned']);
    }
    if (!types.has('engagement')) {
      expect(inc.engagements.engaged).toBe(false);
      expect(inc.summary).toMatch(/no engagement/i);
    }
  });

  it('the truth section: every rocket matched and typed right, no false track; first detection is the first plot', () => {
    const t = inc.truth!;
    expect(t.threats.map((x) => x.threatId).sort()).toEqual(['r1', 'r2']);
    expect(t.missed).toEqual([]);
    expect(t.falseTracks).toEqual([]);
    for (const th of t.threats) {
      expect(th.errors!.type).toBe('right');
      expect(th.errors!.impact!).toBeLessThan(100);
      expect(Math.abs(th.errors!.impactTime!)).toBeLessThan(0.5);
      expect(th.errors!.launch!).toBeLessThan(500);
      // the system's own first detection (plots chained back from the confirmed track) is the truth's first plot
      expect(Math.abs(th.errors!.firstDetection!)).toBeLessThanOrEqual(1);
    }
    expect(md).toContain('## Truth (simulation)');
  });

  it('the sensor story: first detection, confirmation, classification in order', () => {
    for (const p of inc.projectiles) {
      expect(p.firstDetection).toBeDefined();
      expect(p.firstDetection!.t).toBeLessThanOrEqual(p.confirmed.t);
      expect(p.confirmed.t).toBeLessThanOrEqual(p.ballistic);
      expect(p.classified!.threat).toBe('rocket-122');
      expect(p.firstPrediction!.t).toBeLessThan(p.impact!.t);
      expect(p.sensors.length).toBeGreaterThan(0);
    }
    expect(md).toMatch(/first detected 03:30:0\d\.\d by (lcmr|tpq50)-1/);
  });

  it('one incident event when the run closes, carrying the report', () => {
    const b = build(run);
    const evs = b.incidentEvents();
    expect(evs).toHaveLength(1);
    expect(evs[0]!.type).toBe('incident');
    expect(evs[0]!.incidentId).toBe(inc.incidentId);
    expect(evs[0]!.t).toBe(inc.closedAt);
    const line = JSON.parse(formatEvent(evs[0]!)) as Incident;
    expect(line.headline).toBe(inc.headline);
    expect(b.takeIncidentEvents()).toHaveLength(1);
    expect(b.takeIncidentEvents()).toHaveLength(0);
    expect(b.unreportedTruth()).toEqual([]);
  });

  it('works without truth and without plots (live service, process): the same statement, no truth section', () => {
    const live = run.events.filter((e) => e.type === 'track' || e.type === 'prediction');
    const b = build(run, live);
    const [li] = b.incidents();
    expect(li!.truth).toBeUndefined();
    expect(li!.summary).toBe(inc.summary);
    expect(li!.projectiles.every((p) => p.firstDetection === undefined)).toBe(true);
    expect(incidentMarkdown(li!, run.scenario.site)).not.toContain('Truth');
  });
});

describe('synthetic alerts and engagements', () => {
  it('lead times per zone against shelter times, and the intercept with its height', () => {
    const site = run.scenario.site;
    const t0 = run.scenario.start;
    const ballistic = [...new Set(run.events.filter((e): e is TrackEvent => e.type === 'track' && (e as TrackEvent).class === 'ballistic').map((e) => e.trackId))];
    expect(ballistic).toHaveLength(2);
    const [ta, tb] = ballistic as [number, number];
    const lastPred = (id: number): PredictionEvent => run.events.filter((e): e is PredictionEvent => e.type === 'prediction' && (e as PredictionEvent).trackId === id).at(-1)!;
    const embassy = site.landmarks.find((l) => l.id === 'us-embassy')!;
    const ip = direct(embassy.lat, embassy.lon, 90, 700);
    const extra: SimEvent[] = [
      { type: 'alert', t: t0 + 10.8, alertId: 'A-1', stage: 'early', zones: ['embassy', 'embassy-north'], trackIds: [ta], msgType: 'Alert', messageId: 'm1' },
      { type: 'alert', t: t0 + 11, alertId: 'A-1', stage: 'siren', zones: ['embassy'], trackIds: [ta], msgType: 'Update', messageId: 'm2' },
      { type: 'alert', t: t0 + 13, alertId: 'A-2', stage: 'siren', zones: ['celebration-square'], trackIds: [tb], msgType: 'Alert', messageId: 'm3' },
      { type: 'alert', t: t0 + 30, alertId: 'A-3', stage: 'siren', zones: ['zone-south'], trackIds: [tb], msgType: 'Alert', messageId: 'm4' },
      { type: 'alert', t: t0 + 40, alertId: 'A-1', stage: 'clear', zones: [], trackIds: [], msgType: 'Cancel', messageId: 'm5' },
      { type: 'engagement', t: t0 + 14, interceptor: 'cram-1', trackId: ta, result: 'fired' },
      { type: 'engagement', t: t0 + 14.2, interceptor: 'cram-1', trackId: tb, result: 'no-solution' },
      { type: 'engagement', t: t0 + 15.5, interceptor: 'cram-1', trackId: ta, result: 'miss' },
      { type: 'engagement', t: t0 + 15.6, interceptor: 'cram-1', trackId: ta, result: 'fired' },
      { type: 'engagement', t: t0 + 17, interceptor: 'cram-1', trackId: ta, result: 'kill', intercept: { lat: ip.lat, lon: ip.lon, alt: site.terrainAlt + 420 } },
    ];
    const events = [...run.events, ...extra].sort(compareEvents);
    const b = build(run, events);
    const all = b.incidents();
    expect(all).toHaveLength(1);
    const x = all[0]!;
    expect(b.orphans).toBe(0);

    // the intercepted rocket
    const p1 = x.projectiles.find((p) => p.trackId === ta)!;
    expect(p1.outcome).toBe('intercepted');
    expect(p1.intercept!.height).toBe(420);
    expect(p1.intercept!.t).toBe(t0 + 17);
    expect(p1.intercept!.place.text).toMatch(/^≈ 700 m E of the US Embassy/);
    expect(x.summary).toContain('was shot down by cram-1 at 03:30:17, ≈ 700 m E of the US Embassy');
    expect(x.summary).toContain('at ≈ 420 m above ground');
    expect(x.summary).toContain('cram-1 shot down the first; cram-1 had no firing solution on the second.');
    expect(x.engagements.events.map((e) => e.result)).toEqual(['fired', 'no-solution', 'miss', 'fired', 'kill']);

    const zone = (id: string) => x.warnings.zones.find((z) => z.zoneId === id)!;
    expect(x.warnings.issued).toBe(true);
    expect(x.warnings.alertIds).toEqual(['A-1', 'A-2', 'A-3']);
    // embassy: siren at +11, the warned rocket was shot down at +17 → 6.0 s, shelter 15 s → not enough, 9.0 s short
    const em = zone('embassy');
    expect(em.reference).toEqual({ t: t0 + 17, kind: 'intercept', projectile: p1.n });
    expect(em.leadTime).toBeCloseTo(6, 6);
    expect(em.verdict).toBe('not enough');
    expect(em.clear).toBe(t0 + 40);
    expect(em.text).toBe('US Embassy compound: siren 6.0 s before the intercept of #1, shelter time 15 s — not enough (9.0 s short); early warning 6.2 s before; all clear at 03:30:40');
    // embassy-north: early warning only at +10.8 → 6.2 s before the intercept
    const en = zone('embassy-north');
    expect(en.siren).toBeUndefined();
    expect(en.leadTime).toBeCloseTo(6.2, 6);
    expect(en.text).toMatch(/^Embassy north: early warning only 6\.2 s before the intercept of #1/);
    // Celebration Square: siren at +13, rocket b fell in it at its last predicted impact time
    const cs = zone('celebration-square');
    const impactB = lastPred(tb).impactTime;
    expect(cs.reference!.kind).toBe('impact in zone');
    expect(cs.reference!.t).toBeCloseTo(impactB, 3);
    expect(cs.leadTime).toBeCloseTo(impactB - (t0 + 13), 2);
    expect(cs.shelterSeconds).toBe(45);
    expect(cs.verdict).toBe('not enough');
    expect(cs.text).toBe(`Celebration Square (Grand Festivities Square): siren ${(impactB - t0 - 13).toFixed(1)} s before impact, shelter time 45 s — not enough (${(45 - (impactB - t0 - 13)).toFixed(1)} s short)`);
    // zone south: siren at +30, after rocket b fell elsewhere → too late
    const zs = zone('zone-south');
    expect(zs.verdict).toBe('too late');
    expect(zs.leadTime).toBeCloseTo(impactB - (t0 + 30), 2);
    expect(zs.text).toMatch(/^Zone south: siren \d+\.\d s after the impact of #2 \(outside the zone\) — too late \(shelter time 30 s\)$/);
    // the embassy compound is no longer hit (the rocket aimed at it was shot down)
    expect(em.impacts).toEqual([]);
    expect(x.summary).toContain(
      `Sirens: US Embassy compound 6.0 s before the intercept (shelter time 15 s: not enough); Celebration Square (Grand Festivities Square) ${(impactB - t0 - 13).toFixed(1)} s before impact (shelter time 45 s: not enough); Zone south ${(t0 + 30 - impactB).toFixed(1)} s after impact (too late). Early warning only: Embassy north 6.2 s before the intercept (shelter time 15 s: not enough).`,
    );
    const text = incidentMarkdown(x, site);
    expect(text).toContain('- 03:30:17.0 cram-1 → #1: kill, ≈ 700 m E of the US Embassy');
    expect(text).toContain('it was heading for');
  });

  it('a threat the simulation destroyed in the air (truth "intercepted", no impact) is matched by its launch and the intercept compared', () => {
    const site = run.scenario.site;
    const t0 = run.scenario.start;
    const ta = run.events.find((e): e is TrackEvent => e.type === 'track' && (e as TrackEvent).class === 'ballistic')!.trackId;
    const embassy = site.landmarks.find((l) => l.id === 'us-embassy')!;
    const ip = direct(embassy.lat, embassy.lon, 90, 700);
    const trueIp = direct(ip.lat, ip.lon, 0, 30); // the true kill point 30 m north of the reported one, 40 m lower
    const events = run.events
      .filter((e) => !(e.type === 'truth' && (e as TruthImpactEvent).event === 'impact' && (e as TruthImpactEvent).threatId === 'r1'))
      .concat([
        { type: 'engagement', t: t0 + 17, interceptor: 'cram-1', trackId: ta, result: 'kill', intercept: { lat: ip.lat, lon: ip.lon, alt: site.terrainAlt + 420 } },
        { type: 'truth', t: t0 + 16.9, event: 'intercepted', threatId: 'r1', threatType: 'rocket-122', lat: trueIp.lat, lon: trueIp.lon, alt: site.terrainAlt + 380, speed: 500, timeOfFlight: 11.9 },
      ])
      .sort(compareEvents);
    const x = build(run, events).incidents()[0]!;
    const r1 = x.truth!.threats.find((t) => t.threatId === 'r1')!;
    expect(r1.projectile).toBe(1);
    expect(r1.impact).toBeUndefined();
    expect(r1.intercepted!.height).toBe(380);
    expect(r1.errors!.intercept!).toBeCloseTo(50, 0); // 30 m horizontally, 40 m vertically
    expect(r1.errors!.interceptTime!).toBeCloseTo(0.1, 6);
    expect(x.truth!.missed).toEqual([]);
    expect(incidentMarkdown(x, site)).toContain('destroyed in the air 03:30:16.9');
  });

  it('a siren long enough before impact is enough (and an alert on a track not yet ballistic joins the open incident)', () => {
    const t0 = run.scenario.start;
    const ballistic = [...new Set(run.events.filter((e): e is TrackEvent => e.type === 'track' && (e as TrackEvent).class === 'ballistic').map((e) => e.trackId))];
    const [, tb] = ballistic as [number, number];
    const impactB = run.events.filter((e): e is PredictionEvent => e.type === 'prediction' && (e as PredictionEvent).trackId === tb).at(-1)!.impactTime;
    // siren for zone embassy-north at +10.6 (the first rocket is ballistic, the second not yet confirmed)
    const events = [...run.events, { type: 'alert', t: t0 + 10.6, alertId: 'A-9', stage: 'siren', zones: ['embassy-north'], trackIds: [tb] } as SimEvent].sort(compareEvents);
    const b = build(run, events);
    expect(b.orphans).toBe(0);
    const x = b.incidents()[0]!;
    const w = x.warnings.zones.find((z) => z.zoneId === 'embassy-north')!;
    expect(w.reference!.kind).toBe('impact elsewhere');
    expect(w.leadTime!).toBeCloseTo(impactB - (t0 + 10.6), 2);
    expect(w.leadTime!).toBeGreaterThanOrEqual(w.shelterSeconds);
    expect(w.verdict).toBe('enough');
    expect(w.text).toMatch(/— enough$/);
    // Celebration Square was hit and not warned
    expect(x.warnings.zones.find((z) => z.zoneId === 'celebration-square')!.verdict).toBe('not warned');
    expect(x.summary).toMatch(/Celebration Square \(Grand Festivities Square\): no warning issued\./);
  });
});

describe('grouping', () => {
  /** The run twice: the second copy 10 minutes later, its tracks and truth renamed. */
  function twoAttacks(): SimEvent[] {
    const shifted = run.events.map((e) => {
      const c = { ...e, t: e.t + 600 } as Record<string, unknown>;
      if (typeof c.trackId === 'number') c.trackId = c.trackId + 100;
      if (typeof c.threatId === 'string') c.threatId = `${c.threatId}b`;
      if (typeof c.truthId === 'string') c.truthId = `${c.truthId}b`;
      if (typeof c.impactTime === 'number') c.impactTime = c.impactTime + 600;
      if (typeof c.launchTime === 'number') c.launchTime = c.launchTime + 600;
      return c as SimEvent;
    });
    return [...run.events, ...shifted].sort(compareEvents);
  }

  it('two attacks 10 minutes apart are two incidents', () => {
    const b = build(run, twoAttacks());
    const all = b.incidents();
    expect(all.map((i) => i.incidentId)).toEqual(['I-20211219-1', 'I-20211219-2']);
    for (const i of all) {
      expect(i.headline).toBe('two 122 mm rockets');
      expect(i.truth!.missed).toEqual([]);
      expect(i.truth!.falseTracks).toEqual([]);
    }
    expect(all[0]!.truth!.threats.map((t) => t.threatId)).toEqual(['r1', 'r2']);
    expect(all[1]!.truth!.threats.map((t) => t.threatId)).toEqual(['r1b', 'r2b']);
    expect(all[1]!.start - all[0]!.start).toBeCloseTo(600, 3);
    // the first closed 120 s after its last activity, before the second began
    const evs = b.incidentEvents();
    expect(evs).toHaveLength(2);
    expect(evs[0]!.t).toBeCloseTo(all[0]!.end + 120, 3);
    expect(evs[0]!.t).toBeLessThan(all[1]!.start);
    expect(all[1]!.local.time.slice(0, 5)).toBe('03:40');
  });

  it('with a gap longer than 10 minutes they are one incident of four rockets', () => {
    const all = build(run, twoAttacks(), { gapSeconds: 900 }).incidents();
    expect(all).toHaveLength(1);
    expect(all[0]!.headline).toBe('four 122 mm rockets');
    expect(all[0]!.launchAreas).toHaveLength(1);
  });
});

describe('a service that runs for days: keepClosed', () => {
  /** The run n times, 10 minutes apart, tracks and truth renamed per copy. */
  function attacks(n: number): SimEvent[] {
    const out: SimEvent[] = [];
    for (let k = 0; k < n; k++) {
      for (const e of run.events) {
        const c = { ...e, t: e.t + 600 * k } as Record<string, unknown>;
        if (typeof c.trackId === 'number') c.trackId = c.trackId + 100 * k;
        if (typeof c.threatId === 'string') c.threatId = `${c.threatId}-${k}`;
        if (typeof c.truthId === 'string') c.truthId = `${c.truthId}-${k}`;
        if (typeof c.impactTime === 'number') c.impactTime = c.impactTime + 600 * k;
        if (typeof c.launchTime === 'number') c.launchTime = c.launchTime + 600 * k;
        out.push(c as SimEvent);
      }
    }
    return out.sort(compareEvents);
  }

  it('holds only the newest closed incidents and their tracks; the reports it emits are those of an unbounded builder', () => {
    const evs = attacks(12);
    const full = new IncidentBuilder(run.scenario.site);
    const kept = new IncidentBuilder(run.scenario.site, { keepClosed: 2 });
    const emittedKept: unknown[] = [];
    let most = 0;
    for (const ev of evs) {
      full.add(ev);
      kept.add(ev);
      emittedKept.push(...kept.takeIncidentEvents());
      const h = kept.held;
      most = Math.max(most, h.incidents);
      expect(h.incidents).toBeLessThanOrEqual(3); // two closed and the open one
      expect(h.events).toBeLessThanOrEqual(1); // handed out, then dropped
    }
    full.close(evs.at(-1)!.t + 1000);
    kept.close(evs.at(-1)!.t + 1000);
    emittedKept.push(...kept.takeIncidentEvents());
    expect(most).toBe(3);
    expect(full.count).toBe(12);
    expect(kept.count).toBe(12);
    // the unbounded builder holds every track; the bounded one those of its newest incidents only
    expect(full.held.tracks).toBeGreaterThan(kept.held.tracks);
    expect(kept.held.tracks).toBeLessThanOrEqual(3 * (full.held.tracks / 12) + 2);
    // same incident events, byte for byte
    expect(JSON.stringify(emittedKept)).toBe(JSON.stringify(full.incidentEvents()));
    expect(kept.incidents().map((i) => i.incidentId)).toEqual(['I-20211219-11', 'I-20211219-12']);
  });
});

describe('determinism', () => {
  it('the same scenario gives byte-identical reports and incident events', () => {
    const again = simulate();
    const b1 = build(run);
    const b2 = build(again);
    const j1 = b1.incidents().map(incidentJson).join('');
    const j2 = b2.incidents().map(incidentJson).join('');
    expect(j2).toBe(j1);
    expect(b2.incidents().map((i) => incidentMarkdown(i, again.scenario.site)).join('')).toBe(md);
    expect(b2.incidentEvents().map(formatEvent).join('')).toBe(b1.incidentEvents().map(formatEvent).join(''));
  });
});

describe('words', () => {
  it('threat kinds and counts', () => {
    expect(threatKind('rocket-107').singular).toBe('107 mm rocket');
    expect(threatKind('mortar-82').plural).toBe('82 mm mortar rounds');
    expect(threatKind('mortar').singular).toBe('mortar round (calibre not identified)');
    expect(threatKind(undefined).singular).toBe('unidentified ballistic projectile');
    expect(countPhrase(['rocket-122', 'mortar-82', 'rocket-122'])).toBe('two 122 mm rockets and one 82 mm mortar round');
    expect(countPhrase(Array.from({ length: 13 }, () => 'mortar-60'))).toBe('13 60 mm mortar rounds');
  });

  it('names in sentences', () => {
    expect(inSentence('US Embassy')).toBe('the US Embassy');
    expect(inSentence('Republican Palace')).toBe('the Republican Palace');
    expect(inSentence('Monument to the Unknown Soldier')).toBe('the Monument to the Unknown Soldier');
    expect(inSentence('Victory Arch (Celebration Square)')).toBe('Victory Arch (Celebration Square)');
    expect(inSentence('Baghdad International Airport')).toBe('Baghdad International Airport');
    expect(inSentence('New Baghdad (al-Alf Dar)')).toBe('New Baghdad (al-Alf Dar)');
    expect(inSentence('The Hague')).toBe('The Hague');
  });

  it('local time in any IANA zone; a wrong zone is an input error', () => {
    const t = Date.UTC(2021, 11, 19, 0, 30, 5, 340) / 1000;
    expect(new LocalClock('Asia/Baghdad').at(t)).toEqual({ date: '2021-12-19', time: '03:30:05.3', longDate: 'Sunday 19 December 2021', utcOffset: '+03:00', timeZone: 'Asia/Baghdad' });
    expect(new LocalClock('America/New_York').at(t).longDate).toBe('Saturday 18 December 2021');
    expect(new LocalClock('Asia/Kolkata').at(t).utcOffset).toBe('+05:30');
    expect(() => new LocalClock('Mars/Olympus')).toThrow(InputError);
    expect(() => new IncidentBuilder(run.scenario.site, { timeZone: 'nowhere' })).toThrow(/unknown time zone/);
  });

  it('1-σ ellipses', () => {
    const e = ellipseOf([[400, 0], [0, 100]]);
    expect(e).toEqual({ sigmaMajor: 20, sigmaMinor: 10, majorAxisDeg: 90 });
    const n = ellipseOf([[100, 0], [0, 400]]);
    expect(n.majorAxisDeg).toBe(0);
    // 45° rotated: major axis towards the north-east
    const d = ellipseOf([[250, 150], [150, 250]]);
    expect(d.majorAxisDeg).toBeCloseTo(45, 6);
    expect(d.sigmaMajor).toBe(20);
  });
});
