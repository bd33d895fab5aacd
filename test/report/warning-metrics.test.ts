/** Warning metrics on hand-made event sequences: every lead time below is computed by hand. */
import { describe, expect, it } from 'vitest';
import {
  asAlertEvent,
  attackWarning,
  quantile,
  warningDistribution,
  zonePeriods,
  type AlertEventShape,
  type ThreatFact,
} from '../../src/report/warning-metrics.js';
import type { Asset, LonLat, Zone } from '../../src/scenario/types.js';
import type { SimEvent } from '../../src/sim/events.js';

/** A closed lon/lat rectangle. */
const box = (lon0: number, lat0: number, lon1: number, lat1: number): LonLat[] => [
  [lon0, lat0], [lon1, lat0], [lon1, lat1], [lon0, lat1], [lon0, lat0],
];

// Four zones side by side (west to east), ~930 m × 1,100 m each; one asset inside zone A.
const ZONES: Zone[] = [
  { id: 'A', name: 'Zone A', shelterSeconds: 15, ring: box(44.4, 33.3, 44.41, 33.31) },
  { id: 'B', name: 'Zone B', shelterSeconds: 30, ring: box(44.41, 33.3, 44.42, 33.31) },
  { id: 'C', name: 'Zone C', shelterSeconds: 45, ring: box(44.42, 33.3, 44.43, 33.31) },
  { id: 'D', name: 'Zone D', shelterSeconds: 90, ring: box(44.43, 33.3, 44.44, 33.31) },
];
const ASSETS: Asset[] = [{ id: 'X', name: 'Asset X', priority: 1, ring: box(44.402, 33.302, 44.404, 33.304) }];

const inA = { lat: 33.303, lon: 44.403 }; // in asset X, in zone A
const inA2 = { lat: 33.308, lon: 44.408 }; // in zone A, outside the asset
const inB = { lat: 33.305, lon: 44.415 };
const inC = { lat: 33.305, lon: 44.425 };
const open = { lat: 33.32, lon: 44.415 }; // north of every zone

const THREATS: ThreatFact[] = [
  { id: 't1', type: 'mortar-81', launchTime: 60, impactTime: 100, impact: inA, firstDetection: 65 },
  { id: 't2', type: 'mortar-81', launchTime: 70, impactTime: 110, impact: inB, firstDetection: 78 },
  { id: 't3', type: 'rocket-107', launchTime: 75, impactTime: 120, impact: inC, firstDetection: 82 },
  { id: 't4', type: 'rocket-122', launchTime: 50, impactTime: 110, impact: open, firstDetection: 80 },
  { id: 't5', type: 'mortar-60', launchTime: 105, impactTime: 140, impact: inA2 },
];

const alert = (t: number, alertId: string, stage: AlertEventShape['stage'], zones: string[], trackIds: number[] = []): SimEvent => ({
  type: 'alert', t, alertId, stage, zones, trackIds, msgType: stage === 'clear' ? 'Cancel' : 'Alert',
});
const engagement = (t: number, trackId: number, result: string): SimEvent => ({ type: 'engagement', t, interceptor: 'cram-1', trackId, result });

const EVENTS: SimEvent[] = [
  { type: 'track', t: 70, trackId: 1, status: 'confirmed', class: 'ballistic' },
  alert(75, 'al-1', 'early', ['A'], [1]),
  alert(80, 'al-1', 'siren', ['A', 'C'], [1]),
  engagement(91, 4, 'hold'),
  engagement(93, 4, 'fired'),
  { type: 'truth', t: 95, event: 'intercepted', threatId: 't4', threatType: 'rocket-122', lat: 33.32, lon: 44.41, alt: 600 },
  engagement(95, 4, 'kill'),
  alert(101, 'al-1', 'clear', []),
  alert(105, 'al-2', 'siren', ['B'], [2]),
  alert(112, 'al-2', 'clear', ['B']),
  alert(150, 'al-3', 'siren', ['A'], [5]),
  alert(200, 'al-4', 'siren', ['D'], [7]),
  engagement(201, 7, 'fired'),
  engagement(203, 7, 'miss'),
];

const SOURCES = new Map<number, Map<string, number>>([
  [1, new Map([['t1', 12], ['clutter:lcmr-1', 1]])],
  [2, new Map([['t2', 8]])],
  [4, new Map([['t4', 9], ['t1', 2]])],
  [5, new Map([['t5', 6]])],
  [7, new Map([['drone-1', 10], ['clutter:tpq50-1', 1]])],
]);

describe('attackWarning', () => {
  const m = attackWarning({ zones: ZONES, assets: ASSETS, threats: THREATS, events: EVENTS, trackSources: SOURCES });
  const th = (id: string) => m.threats.find((w) => w.threatId === id)!;

  it('lead times: siren 100 − 80 = 20 s, early 100 − 75 = 25 s, oracle 100 − 65 = 35 s, in the asset, a leaker', () => {
    const w = th('t1');
    expect(w).toMatchObject({ zone: 'A', asset: 'X', shelterSeconds: 15, reference: 'impact', flightSeconds: 40, enough: true, leaker: true, intercepted: false, tracks: [1] });
    expect(w.sirenLead).toBeCloseTo(20, 12);
    expect(w.earlyLead).toBeCloseTo(25, 12);
    expect(w.oracleLead).toBeCloseTo(35, 12);
    expect(w.leadRatio).toBeCloseTo(20 / 35, 12);
    expect(w.missed).toBeUndefined();
  });

  it('a siren 5 s before impact is a warning, not enough for a 30 s shelter; a siren is also the early lead', () => {
    const w = th('t2');
    expect(w).toMatchObject({ zone: 'B', enough: false, leaker: false, tracks: [2] });
    expect(w.sirenLead).toBeCloseTo(5, 12);
    expect(w.earlyLead).toBeCloseTo(5, 12);
    expect(w.oracleLead).toBeCloseTo(32, 12);
  });

  it('missed: a zone cleared before the impact, a siren only after it', () => {
    expect(th('t3')).toMatchObject({ zone: 'C', missed: 'siren ended before impact' });
    expect(th('t3').sirenLead).toBeUndefined();
    expect(th('t3').earlyLead).toBeUndefined();
    expect(th('t5')).toMatchObject({ zone: 'A', missed: 'siren after impact', tracks: [5] });
    expect(th('t5').oracleLead).toBeUndefined(); // never seen by a radar
  });

  it('an intercepted threat is measured to the intercept; fired at though it falls outside every asset', () => {
    const w = th('t4');
    expect(w).toMatchObject({ reference: 'intercept', intercepted: true, leaker: false, bursts: 1, tracks: [4] });
    expect(w.zone).toBeUndefined();
    expect(w.asset).toBeUndefined();
    expect(w.oracleLead).toBeCloseTo(15, 12);
    expect(w.flightSeconds).toBeCloseTo(45, 12);
  });

  it('zones, false alarms, alerts caused by non-threats, leakers, engagements', () => {
    expect(m.alerts).toBe(4);
    expect(m.sirenZones).toEqual(['A', 'B', 'C', 'D']);
    expect(m.falseAlarmZones).toEqual(['D']);
    expect(m.nonThreatAlerts).toEqual([{ alertId: 'al-4', t: 200, stage: 'siren', trackIds: [7], sources: ['clutter', 'drone-1'] }]);
    expect(m.leakers).toEqual(['t1']);
    expect(m.engagements).toEqual({
      bursts: 2, tracksEngaged: 2, kills: 1, misses: 1, noSolution: 0, holds: 1, outOfAmmunition: 0,
      threatsEngaged: 1, threatsEngagedOutsideAssets: 1, nonThreatTracksEngaged: 1,
    });
  });

  it('a kill on its track is an intercept even without a truth event', () => {
    const evs = EVENTS.filter((e) => !(e.type === 'truth'));
    const w = attackWarning({ zones: ZONES, assets: ASSETS, threats: THREATS, events: evs, trackSources: SOURCES }).threats[3]!;
    expect(w).toMatchObject({ threatId: 't4', intercepted: true, reference: 'intercept' });
    expect(w.oracleLead).toBeCloseTo(15, 12);
  });

  it('without track sources: an alert on air tracks, or any alert when there is no threat, is from non-threats', () => {
    const evs: SimEvent[] = [
      { type: 'track', t: 10, trackId: 3, status: 'confirmed', class: 'air' },
      alert(12, 'x-1', 'early', ['B'], [3]),
      alert(14, 'x-1', 'siren', ['B'], [3]),
      alert(20, 'x-2', 'siren', ['C'], [9]),
    ];
    const a = attackWarning({ zones: ZONES, assets: ASSETS, threats: THREATS, events: evs });
    expect(a.nonThreatAlerts.map((n) => [n.alertId, n.stage])).toEqual([['x-1', 'siren']]);
    expect(a.threats.every((w) => w.tracks.length === 0)).toBe(true);
    const none = attackWarning({ zones: ZONES, assets: ASSETS, threats: [], events: evs });
    expect(none.nonThreatAlerts.map((n) => n.alertId)).toEqual(['x-1', 'x-2']);
    expect(none.falseAlarmZones).toEqual(['B', 'C']);
  });
});

describe('zonePeriods', () => {
  it('a zone stays under siren while any alert holds it; clear with no zones clears the whole alert', () => {
    const alerts: AlertEventShape[] = [
      { type: 'alert', t: 10, alertId: 'a', stage: 'siren', zones: ['A'], trackIds: [] },
      { type: 'alert', t: 12, alertId: 'b', stage: 'early', zones: ['A', 'B'], trackIds: [] },
      { type: 'alert', t: 15, alertId: 'a', stage: 'clear', zones: [], trackIds: [] },
      { type: 'alert', t: 16, alertId: 'b', stage: 'siren', zones: ['A'], trackIds: [] },
      { type: 'alert', t: 30, alertId: 'b', stage: 'clear', zones: ['A', 'B'], trackIds: [] },
    ];
    const p = zonePeriods(alerts);
    expect(p.siren.get('A')).toEqual([{ start: 10, end: 15 }, { start: 16, end: 30 }]);
    expect(p.warning.get('A')).toEqual([{ start: 10, end: 30 }]);
    expect(p.warning.get('B')).toEqual([{ start: 12, end: 30 }]);
    expect(p.siren.has('B')).toBe(false);
  });

  it("an alert's zoneStages (the alert manager's full state after the message) is taken as is", () => {
    const evs: SimEvent[] = [
      { type: 'alert', t: 10, alertId: 'z', stage: 'siren', zones: ['A'], trackIds: [1], zoneStages: { A: 'siren', B: 'early' } },
      { type: 'alert', t: 11, alertId: 'z', stage: 'early', zones: ['B'], trackIds: [1], zoneStages: { A: 'siren', B: 'early' } },
      { type: 'alert', t: 14, alertId: 'z', stage: 'siren', zones: ['A', 'B'], trackIds: [1], zoneStages: { A: 'siren', B: 'siren' } },
      { type: 'alert', t: 40, alertId: 'z', stage: 'clear', zones: ['B'], trackIds: [1], zoneStages: { A: 'siren' } },
      { type: 'alert', t: 45, alertId: 'z', stage: 'clear', zones: ['A'], trackIds: [1], zoneStages: {} },
    ];
    const alerts = evs.map((e) => asAlertEvent(e)!);
    const p = zonePeriods(alerts);
    expect(p.siren.get('A')).toEqual([{ start: 10, end: 45 }]);
    expect(p.siren.get('B')).toEqual([{ start: 14, end: 40 }]);
    expect(p.warning.get('B')).toEqual([{ start: 10, end: 40 }]);
    const threats: ThreatFact[] = [{ id: 'r', type: 'rocket-122', launchTime: 0, impactTime: 30, impact: inB, firstDetection: 6 }];
    const w = attackWarning({ zones: ZONES, assets: ASSETS, threats, events: evs }).threats[0]!;
    expect(w.sirenLead).toBeCloseTo(16, 12);
    expect(w.earlyLead).toBeCloseTo(20, 12);
    expect(w.leadRatio).toBeCloseTo(16 / 24, 12);
  });

  it('a message numbered before one already applied is stale: it does not take a siren back to early', () => {
    const msg = (t: number, n: number, zoneStages: Record<string, 'early' | 'siren'>): AlertEventShape =>
      asAlertEvent({ type: 'alert', t, alertId: 'q', stage: 'siren', zones: Object.keys(zoneStages), trackIds: [1], messageId: `q.${n}`, zoneStages })!;
    const p = zonePeriods([msg(10, 1, { A: 'early' }), msg(20.1, 3, { A: 'siren', B: 'siren' }), msg(20.2, 2, { A: 'early', B: 'siren' }), msg(50, 4, {})]);
    expect(p.siren.get('A')).toEqual([{ start: 20.1, end: 50 }]);
    expect(p.warning.get('A')).toEqual([{ start: 10, end: 50 }]);
  });
});

describe('distributions', () => {
  it('quantile: linear between order statistics', () => {
    expect(quantile([4, 1, 3, 2], 0.5)).toBeCloseTo(2.5, 12);
    expect(quantile([4, 1, 3, 2], 0.1)).toBeCloseTo(1.3, 12);
    expect(quantile([7], 0.1)).toBe(7);
    expect(quantile([], 0.5)).toBeUndefined();
  });

  it('per-zone leads, missed list, false alarms per threat, totals over the runs', () => {
    const m = attackWarning({ zones: ZONES, assets: ASSETS, threats: THREATS, events: EVENTS, trackSources: SOURCES });
    const d = warningDistribution([{ run: 0, seed: 7, metrics: m }, { run: 1, seed: 8, metrics: m }], ZONES);
    expect(d).toMatchObject({ runs: 2, threats: 10, inZones: 8, inAssets: 2, intercepted: 2, falseAlarmZones: 2 });
    expect(d.falseAlarmZonesPerThreat).toBeCloseTo(0.2, 12);
    expect(d.falseAlarmZonesPerAttack).toBeCloseTo(1, 12);
    const A = d.zones.find((z) => z.zoneId === 'A')!;
    expect(A).toMatchObject({ impacts: 4, warned: 2, missed: 2, enough: 2, leads: [20, 20], medianLead: 20, p10Lead: 20, falseAlarms: 0 });
    expect(d.zones.find((z) => z.zoneId === 'D')).toMatchObject({ impacts: 0, falseAlarms: 2, leads: [] });
    expect(d.missed.map((x) => [x.run, x.threatId, x.reason])).toEqual([
      [0, 't3', 'siren ended before impact'], [0, 't5', 'siren after impact'],
      [1, 't3', 'siren ended before impact'], [1, 't5', 'siren after impact'],
    ]);
    expect(d.leadRatios).toEqual([0.571, 0.156, 0.571, 0.156]);
    expect(d.leakers).toHaveLength(2);
    expect(d.nonThreatAlerts).toHaveLength(2);
    expect(d.engagements.threatsEngagedOutsideAssets).toBe(2);
    expect(d.engagedOutsideAssets).toEqual([
      { run: 0, seed: 7, threatId: 't4', type: 'rocket-122', bursts: 1 },
      { run: 1, seed: 8, threatId: 't4', type: 'rocket-122', bursts: 1 },
    ]);
  });
});
