/**
 * The alert policy with synthetic prediction sequences on a small test site (square zones laid out in the
 * site's east/north metres): early → siren → all-clear, the time-aware siren threshold, never retracting a
 * siren, one alert per salvo, per-zone all-clears, track ends (impact, intercept, deletion, silence), and
 * deterministic ids.
 */
import { describe, expect, it } from 'vitest';
import { EnuFrame } from '../../src/geo/wgs84.js';
import type { LonLat, Site, Zone } from '../../src/scenario/types.js';
import type { PredictionEvent } from '../../src/sim/events.js';
import { AlertManager, AlertPolicy, DEFAULT_ALERT_POLICY, sirenThreshold, type AlertEvent } from '../../src/warn/alerts.js';

const ORIGIN = { lat: 33.3, lon: 44.395, alt: 34 };
const frame = new EnuFrame(ORIGIN);

/** A square zone of side `side` metres centred at (e, n) in the site frame. */
function square(id: string, e: number, n: number, side: number, shelterSeconds: number): Zone {
  const h = side / 2;
  const ring: LonLat[] = (
    [
      [e - h, n - h],
      [e + h, n - h],
      [e + h, n + h],
      [e - h, n + h],
      [e - h, n - h],
    ] as const
  ).map(([x, y]) => {
    const g = frame.enuToGeodetic(x, y, 0);
    return [g.lon, g.lat] as LonLat;
  });
  return { id, name: `Zone ${id}`, shelterSeconds, ring };
}

/** Zones: A (1 km square, 15 s) at the origin, B (1 km, 30 s) 2.5 km east (1.5 km gap), C (1 km, 45 s) 3 km north. */
const SITE: Site = {
  name: 'Test Site',
  file: 'test-site.yaml',
  origin: ORIGIN,
  terrainAlt: 34,
  extentRadius: 20000,
  sensors: [],
  zones: [square('A', 0, 0, 1000, 15), square('B', 2500, 0, 1000, 30), square('C', 0, 3000, 1000, 45)],
  assets: [],
  interceptors: [],
  landmarks: [],
};

const T0 = 1_700_000_000;

/** A prediction at T0 + t of an impact at (e, n) m in the site frame, round σ (m), impact at T0 + impactAt. */
function pred(trackId: number, t: number, e: number, n: number, sigma: number, impactAt: number, impactTimeSigma = 0.5): PredictionEvent {
  const g = frame.enuToGeodetic(e, n, 0);
  return {
    type: 'prediction',
    t: T0 + t,
    trackId,
    impact: { lat: g.lat, lon: g.lon },
    impactTime: T0 + impactAt,
    impactTimeSigma,
    covEN: [
      [sigma * sigma, 0],
      [0, sigma * sigma],
    ],
  };
}

/** A narrowing sequence: predictions each second from `from` to `to` (s after T0), σ shrinking with the time left. */
function narrowing(trackId: number, from: number, to: number, e: number, n: number, impactAt: number, sigmaAtStart: number): PredictionEvent[] {
  const out: PredictionEvent[] = [];
  for (let t = from; t <= to; t++) {
    const left = impactAt - t;
    out.push(pred(trackId, t, e, n, Math.max(20, (sigmaAtStart * left) / (impactAt - from)), impactAt));
  }
  return out;
}

/** Feeds predictions in order, ticking the clock before each; returns every message. */
function feed(am: AlertManager, preds: readonly PredictionEvent[]): AlertEvent[] {
  const out: AlertEvent[] = [];
  for (const p of preds) {
    out.push(...am.tick(p.t));
    out.push(...am.onPrediction(p));
  }
  return out;
}

/** Ticks every 0.5 s over [from, to] (s after T0). */
function tickUntil(am: AlertManager, from: number, to: number): AlertEvent[] {
  const out: AlertEvent[] = [];
  for (let t = from; t <= to + 1e-9; t += 0.5) out.push(...am.tick(T0 + t));
  return out;
}

describe('AlertPolicy', () => {
  it('has documented defaults and checks its parameters', () => {
    expect(DEFAULT_ALERT_POLICY).toMatchObject({ pEarly: 0.02, pSiren: 0.15, pSirenDeadline: 0.02, latencySeconds: 2, rampSeconds: 10, holdSeconds: 30 });
    expect(() => AlertPolicy.parse({ pSiren: 0.01, pSirenDeadline: 0.05 })).toThrow(/pSirenDeadline/);
    expect(() => AlertPolicy.parse({ idPrefix: 'A site' })).toThrow(/spaces or commas/);
    expect(() => new AlertManager(SITE, { pEarly: 2 })).toThrow();
  });

  it('siren threshold falls linearly from pSiren to pSirenDeadline over the ramp', () => {
    const p = AlertPolicy.parse({ pSiren: 0.3 });
    expect(sirenThreshold(p, 30)).toBe(0.3);
    expect(sirenThreshold(p, 10)).toBe(0.3);
    expect(sirenThreshold(p, 5)).toBeCloseTo(0.16, 12);
    expect(sirenThreshold(p, 0)).toBe(0.02);
    expect(sirenThreshold(p, -20)).toBe(0.02);
  });
});

describe('AlertManager', () => {
  it('a narrowing prediction on one zone: early, then siren before the shelter deadline, then the all-clear after impact + hold', () => {
    // a siren threshold well above the early one, so the two stages come apart on this sequence
    const am = new AlertManager(SITE, { pSiren: 0.3 });
    const impactAt = 40;
    const msgs = feed(am, narrowing(1, 0, 39, 100, 50, impactAt, 800));
    expect(msgs.length).toBe(2);
    const [early, siren] = msgs as [AlertEvent, AlertEvent];
    expect(early).toMatchObject({ type: 'alert', alertId: 'A-test-site-1', messageId: 'A-test-site-1.1', msgType: 'Alert', stage: 'early', zones: ['A'], trackIds: [1] });
    expect(early.references).toBeUndefined();
    expect(early.impact!.radiusM).toBeCloseTo(2 * 800, 6);
    expect(early.impactTime).toBe(T0 + impactAt);
    expect(early.expires).toBeGreaterThan(T0 + impactAt + 30);
    expect(siren).toMatchObject({ msgType: 'Update', stage: 'siren', zones: ['A'], zoneStages: { A: 'siren' }, references: ['A-test-site-1.1'], referenceTimes: [early.t] });
    expect(siren.t).toBeGreaterThan(early.t);
    // the siren sounds before the zone's shelter deadline
    expect(siren.t).toBeLessThanOrEqual(T0 + impactAt - 15);

    // impact: nothing until the hold has passed
    expect(am.onTrackEnd(1, T0 + impactAt, 'impact')).toEqual([]);
    expect(tickUntil(am, impactAt, impactAt + 29.5)).toEqual([]);
    const clear = am.tick(T0 + impactAt + 30);
    expect(clear).toEqual([
      expect.objectContaining({
        alertId: 'A-test-site-1',
        messageId: 'A-test-site-1.3',
        msgType: 'Cancel',
        stage: 'clear',
        zones: ['A'],
        zoneStages: {},
        trackIds: [1],
        references: ['A-test-site-1.1', 'A-test-site-1.2'],
      }),
    ]);
    expect(clear[0]!.impact).toBeUndefined();
    expect(clear[0]!.expires).toBeUndefined();
    expect(am.activeZones()).toEqual([]);
    expect(am.tick(T0 + 200)).toEqual([]);
  });

  it('a modest probability sounds the siren as the shelter deadline nears (time-aware threshold)', () => {
    // mean 900 m east of A's centre (400 m outside its east edge), σ 300 m: p(A) ≈ 0.08 throughout, never
    // enough for a siren with time to spare (0.3), enough at the deadline (0.02)
    const am = new AlertManager(SITE);
    const impactAt = 45;
    const preds: PredictionEvent[] = [];
    for (let t = 0; t <= 44; t += 0.5) preds.push(pred(1, t, 900, 0, 300, impactAt, 0.5));
    const msgs = feed(am, preds);
    expect(msgs.map((m) => [m.t - T0, m.msgType, m.stage, m.zones])).toEqual([
      [0, 'Alert', 'early', ['A']],
      [expect.any(Number), 'Update', 'siren', ['A']],
    ]);
    const sirenAt = msgs[1]!.t;
    // within the ramp (τ − 2σ_t between 15 + 2 and 15 + 2 + 10 s), and before the shelter deadline
    expect(sirenAt).toBeGreaterThanOrEqual(T0 + impactAt - 1 - 15 - 2 - 10);
    expect(sirenAt).toBeLessThanOrEqual(T0 + impactAt - 15);
  });

  it('a threat first seen inside the shelter time: siren at once at the deadline probability', () => {
    const am = new AlertManager(SITE);
    // mean 900 m east of A's centre, σ 250 m: p(A) ≈ 0.05, below pSiren but above pSirenDeadline; 8 s to go
    const msgs = am.onPrediction(pred(7, 100, 900, 0, 250, 108));
    expect(msgs.map((m) => [m.msgType, m.stage, m.zones])).toEqual([['Alert', 'siren', ['A']]]);
  });

  it('never retracts a siren before the impact, even when later predictions move away (a false alarm)', () => {
    const am = new AlertManager(SITE);
    const msgs = feed(am, [pred(1, 0, 0, 0, 200, 30), pred(1, 1, 0, 0, 150, 30)]);
    expect(msgs.map((m) => [m.stage, m.zones])).toEqual([['siren', ['A']]]);
    // the prediction moves 5 km south, far from every zone
    const later: PredictionEvent[] = [];
    for (let t = 2; t <= 29; t++) later.push(pred(1, t, 0, -5000, 50, 30));
    expect(feed(am, later)).toEqual([]);
    expect(am.activeZones()).toEqual([{ zoneId: 'A', stage: 'siren', alertId: 'A-test-site-1' }]);
    // A is cleared only after the impact (elsewhere) plus the hold
    expect(am.onTrackEnd(1, T0 + 30, 'impact')).toEqual([]);
    expect(am.tick(T0 + 59.9)).toEqual([]);
    expect(am.tick(T0 + 60).map((m) => [m.msgType, m.stage, m.zones])).toEqual([['Cancel', 'clear', ['A']]]);
  });

  it('issues each all-clear at the first call at or after it is due, predictions of other tracks included', () => {
    // track 1 warns A and lands at 30 (A due at 60), track 2 warns B and lands at 50 (B due at 80); track 3
    // flies far from every zone and only drives the clock through onPrediction (no tick)
    const am = new AlertManager(SITE);
    const got: { t: number; stage: string; zones: string[] }[] = [];
    const keep = (ms: AlertEvent[]): void => {
      for (const m of ms) got.push({ t: m.t - T0, stage: m.stage, zones: m.zones });
    };
    keep(am.onPrediction(pred(1, 0, 0, 0, 100, 30)));
    for (let t = 1; t <= 49; t++) {
      keep(am.onPrediction(pred(2, t, 2500, 0, 100, 50)));
      if (t === 30) keep(am.onTrackEnd(1, T0 + 30, 'impact'));
    }
    keep(am.onTrackEnd(2, T0 + 50, 'impact'));
    for (let t = 50.5; t <= 90; t += 0.5) keep(am.onPrediction(pred(3, t, 0, -8000, 50, 120)));
    const clears = got.filter((m) => m.stage === 'clear');
    expect(clears).toEqual([
      { t: 60, stage: 'clear', zones: ['A'] },
      { t: 80, stage: 'clear', zones: ['B'] },
    ]);
  });

  it('two tracks on the same zone: one alert, the second joins with an Update; cleared after the later impact', () => {
    const am = new AlertManager(SITE);
    const a = feed(am, [pred(1, 0, 0, 0, 100, 30)]);
    expect(a).toEqual([expect.objectContaining({ alertId: 'A-test-site-1', msgType: 'Alert', stage: 'siren', zones: ['A'], trackIds: [1] })]);
    const b = feed(am, [pred(2, 3, 50, -80, 120, 34)]);
    expect(b).toEqual([
      expect.objectContaining({
        alertId: 'A-test-site-1',
        messageId: 'A-test-site-1.2',
        msgType: 'Update',
        stage: 'siren',
        zones: ['A'],
        trackIds: [1, 2],
        references: ['A-test-site-1.1'],
      }),
    ]);
    // further predictions of either track change nothing
    expect(feed(am, [pred(1, 4, 0, 0, 50, 30), pred(2, 4, 50, -80, 60, 34)])).toEqual([]);
    expect(am.onTrackEnd(1, T0 + 30, 'impact')).toEqual([]);
    expect(tickUntil(am, 30, 34)).toEqual([]);
    expect(am.onTrackEnd(2, T0 + 34, 'impact')).toEqual([]);
    expect(tickUntil(am, 34, 62)).toEqual([]); // the hold runs from the later impact
    const clear = tickUntil(am, 62.5, 64);
    expect(clear.map((m) => [m.t - T0, m.msgType, m.zones, m.trackIds])).toEqual([[64, 'Cancel', ['A'], [1, 2]]]);
  });

  it('deferred joins: the tracks joining within one batch share one Update; a message issued anyway lists them', () => {
    const am = new AlertManager(SITE);
    expect(am.onPrediction(pred(1, 0, 0, 0, 100, 30), true).map((m) => m.msgType)).toEqual(['Alert']);
    // tracks 2 and 3 join alert 1 (zone A, already at siren): nothing yet
    expect(am.onPrediction(pred(2, 3, 50, -80, 120, 34), true)).toEqual([]);
    expect(am.onPrediction(pred(3, 3.2, -60, 40, 120, 33), true)).toEqual([]);
    const flushed = am.flushJoins();
    expect(flushed).toEqual([
      expect.objectContaining({ messageId: 'A-test-site-1.2', msgType: 'Update', stage: 'siren', zones: ['A'], trackIds: [1, 2, 3], references: ['A-test-site-1.1'] }),
    ]);
    // at the last joining prediction, with its impact
    expect(flushed[0]!.t).toBe(T0 + 3.2);
    const g = frame.enuToGeodetic(-60, 40, 0);
    expect(flushed[0]!.impact!.lat).toBeCloseTo(g.lat, 9);
    expect(am.flushJoins()).toEqual([]);
    // track 4 joins (pending); its next prediction warns zone C, which goes to the alert track 4 joined: that
    // Update is issued anyway and lists track 4
    expect(am.onPrediction(pred(4, 5, 30, 30, 100, 36), true)).toEqual([]);
    const c = am.onPrediction(pred(4, 6, 0, 3000, 100, 40), true);
    expect(c.map((m) => [m.messageId, m.zones, m.trackIds])).toEqual([['A-test-site-1.3', ['A', 'C'], [1, 2, 3, 4]]]);
    // the join it listed is not sent again
    expect(am.flushJoins()).toEqual([]);
    // without deferJoins, as before: one Update per joining track
    expect(am.onPrediction(pred(5, 7, 10, 10, 100, 38)).map((m) => [m.messageId, m.trackIds])).toEqual([['A-test-site-1.4', [1, 2, 3, 4, 5]]]);
  });

  it('mayIssue: whether a track\'s next prediction could change an alert, from the zones near its last one', () => {
    const am = new AlertManager(SITE);
    // never predicted: it may warn anything
    expect(am.mayIssue(1)).toBe(true);
    // track 1 on zone A (siren); zone B 2.5 km east at σ 100 m is ~ 20 σ away: not near
    am.onPrediction(pred(1, 0, 0, 0, 100, 30));
    expect(am.activeZones()).toEqual([{ zoneId: 'A', stage: 'siren', alertId: 'A-test-site-1' }]);
    expect(am.mayIssue(1)).toBe(false);
    // track 2 far from every zone (8 km south): nothing near, nothing to issue
    expect(am.onPrediction(pred(2, 1, 0, -8000, 100, 60))).toEqual([]);
    expect(am.mayIssue(2)).toBe(false);
    // track 3 lands between A and B, 800 m from A's edge and 700 m from B's at σ 300 m: both near (p ≈ Φ(−2.7)
    // ≈ 0.004 and Φ(−2.3) ≈ 0.010, ≥ 2e-4) but below pEarly: it has warned nothing, its next prediction may
    expect(am.onPrediction(pred(3, 2, 1300, 0, 300, 60))).toEqual([]);
    expect(am.mayIssue(3)).toBe(true);
    // it joins A's alert (p(A) ≈ Φ(−1.7) ≈ 0.05: early for it, A already at siren)
    const joined = am.onPrediction(pred(3, 3, 1000, 0, 300, 60));
    expect(joined.map((m) => [m.msgType, m.trackIds])).toEqual([['Update', [1, 3]]]);
    // …and B (1 km from the impact: p ≈ Φ(−3.3) ≈ 4e-4) is still near and under no alert
    expect(am.mayIssue(3)).toBe(true);
    // narrowed onto A: A at siren for it, in an alert listing it; B 29 σ away
    expect(am.onPrediction(pred(3, 4, 250, 0, 60, 60))).toEqual([]);
    expect(am.mayIssue(3)).toBe(false);
    // a zone near it only at early stage may still escalate to siren: track 4, wide and 1.5 km north of C
    // (p(C) ≈ 0.12 × 0.42 ≈ 0.05, 2 minutes out), warns C early
    const early = am.onPrediction(pred(4, 5, 0, 4500, 900, 120));
    expect(early.map((m) => [m.stage, m.zoneStages])).toEqual([['early', { C: 'early' }]]);
    expect(am.mayIssue(4)).toBe(true);
    // an ended track issues nothing more
    am.onTrackEnd(2, T0 + 6, 'deleted');
    expect(am.mayIssue(2)).toBe(false);
  });

  it('zones join the alert as the prediction narrows and clear one by one', () => {
    const am = new AlertManager(SITE);
    // track 1: half-way between A and B, wide → early on both (p ≈ 0.06 each, 40 s to go)
    const m1 = feed(am, [pred(1, 0, 1250, 0, 600, 40)]);
    expect(m1.map((m) => [m.msgType, m.stage, m.zones, m.zoneStages])).toEqual([['Alert', 'early', ['A', 'B'], { A: 'early', B: 'early' }]]);
    // track 2 aims at C (zone not yet warned): a new alert, since none of its zones is under one
    const m2 = feed(am, [pred(2, 5, 0, 3000, 100, 50)]);
    expect(m2.map((m) => [m.alertId, m.msgType, m.stage, m.zones])).toEqual([['A-test-site-2', 'Alert', 'siren', ['C']]]);
    // track 1 narrows onto A: A goes to siren, B stays warned (early) although track 1 no longer threatens it
    const m3 = feed(am, [pred(1, 10, 300, 0, 60, 40)]);
    expect(m3.map((m) => [m.alertId, m.msgType, m.stage, m.zones, m.zoneStages])).toEqual([
      ['A-test-site-1', 'Update', 'siren', ['A'], { A: 'siren', B: 'early' }],
    ]);
    // track 3, later, on B: B is under alert 1, so track 3 joins it, and B goes to siren
    const m4 = feed(am, [pred(3, 20, 2500, 0, 80, 60)]);
    expect(m4.map((m) => [m.alertId, m.msgType, m.stage, m.zones, m.trackIds])).toEqual([['A-test-site-1', 'Update', 'siren', ['A', 'B'], [1, 3]]]);

    am.onTrackEnd(1, T0 + 40, 'impact');
    am.onTrackEnd(2, T0 + 50, 'intercepted');
    am.onTrackEnd(3, T0 + 60, 'impact');
    const clears = tickUntil(am, 40, 100);
    expect(clears.map((m) => [m.t - T0, m.alertId, m.msgType, m.zones, m.zoneStages])).toEqual([
      [70, 'A-test-site-1', 'Update', ['A'], { B: 'siren' }],
      [80, 'A-test-site-2', 'Cancel', ['C'], {}],
      [90, 'A-test-site-1', 'Cancel', ['B'], {}],
    ]);
    // message ids are unique, and each later message references its alert's first and the one it supersedes
    const all = [...m1, ...m2, ...m3, ...m4, ...clears];
    expect(new Set(all.map((m) => m.messageId)).size).toBe(all.length);
    for (const alertId of ['A-test-site-1', 'A-test-site-2']) {
      const of = all.filter((m) => m.alertId === alertId);
      expect(of.length).toBeGreaterThanOrEqual(alertId === 'A-test-site-1' ? 3 : 2);
      of.forEach((m, i) => {
        const want = i === 0 ? [] : i === 1 ? [of[0]!] : [of[0]!, of[i - 1]!];
        expect(m.references ?? []).toEqual(want.map((x) => x.messageId));
        expect(m.referenceTimes ?? []).toEqual(want.map((x) => x.t));
      });
    }
  });

  it('a siren lasts at least its zone’s shelter time', () => {
    const am = new AlertManager(SITE, { holdSeconds: 0 });
    // C (45 s shelter) warned 5 s before impact
    expect(am.onPrediction(pred(1, 100, 0, 3000, 50, 105)).map((m) => m.stage)).toEqual(['siren']);
    expect(am.onTrackEnd(1, T0 + 105, 'impact')).toEqual([]);
    expect(tickUntil(am, 105, 144.5)).toEqual([]);
    expect(am.tick(T0 + 145).map((m) => m.stage)).toEqual(['clear']);
  });

  it('a deleted (lost) track clears after its latest predicted impact (+3σ) and the hold, not at the deletion', () => {
    const am = new AlertManager(SITE);
    am.onPrediction(pred(1, 0, 0, 0, 100, 30, 1));
    expect(am.onTrackEnd(1, T0 + 10, 'deleted')).toEqual([]);
    expect(tickUntil(am, 10, 62.5)).toEqual([]);
    expect(am.tick(T0 + 63).map((m) => m.stage)).toEqual(['clear']); // 30 + 3·1 + 30
  });

  it('an intercepted track clears after the hold', () => {
    const am = new AlertManager(SITE);
    am.onPrediction(pred(1, 0, 0, 0, 100, 30));
    expect(am.onTrackEnd(1, T0 + 20, 'intercepted')).toEqual([]);
    expect(am.tick(T0 + 49.5)).toEqual([]);
    expect(am.tick(T0 + 50).map((m) => m.stage)).toEqual(['clear']);
  });

  it('a track whose end is never reported is taken as lost after the grace', () => {
    const am = new AlertManager(SITE);
    am.onPrediction(pred(1, 0, 0, 0, 100, 30, 1));
    // latest impact 33; lost at 33 + 10; cleared at 33 + 30
    expect(tickUntil(am, 0, 62.5)).toEqual([]);
    expect(am.tick(T0 + 63).map((m) => m.stage)).toEqual(['clear']);
    // late predictions of an ended track are ignored
    expect(am.onPrediction(pred(1, 64, 0, 0, 100, 70))).toEqual([]);
  });

  it('ignores a prediction with a non-finite value', () => {
    const am = new AlertManager(SITE);
    const bad = pred(1, 0, 0, 0, 100, 30);
    bad.covEN[0][0] = NaN;
    expect(am.onPrediction(bad)).toEqual([]);
    expect(am.onPrediction({ ...pred(1, 1, 0, 0, 100, 30), impactTime: Infinity })).toEqual([]);
    expect(am.onPrediction(pred(1, 2, 0, 0, 100, 30)).map((m) => m.stage)).toEqual(['siren']);
  });

  it('a prediction far from every zone gives no alert', () => {
    const am = new AlertManager(SITE);
    const msgs = [...feed(am, narrowing(1, 0, 29, -4000, -4000, 30, 500)), ...am.onTrackEnd(1, T0 + 30, 'impact'), ...tickUntil(am, 30, 120)];
    expect(msgs).toEqual([]);
    expect(am.activeZones()).toEqual([]);
  });

  it('gives identical messages and ids across identical runs', () => {
    const run = (): AlertEvent[] => {
      const am = new AlertManager(SITE, { idPrefix: 'GZ' });
      const preds = [...narrowing(1, 0, 35, 100, 50, 40, 800), ...narrowing(2, 5, 45, 1800, 100, 50, 600), ...narrowing(3, 10, 50, 0, 3000, 55, 900)].sort(
        (a, b) => a.t - b.t || a.trackId - b.trackId,
      );
      const out = feed(am, preds);
      out.push(...am.onTrackEnd(1, T0 + 40, 'impact'), ...am.onTrackEnd(2, T0 + 50, 'impact'), ...am.onTrackEnd(3, T0 + 55, 'intercepted'));
      out.push(...tickUntil(am, 40, 120));
      return out;
    };
    const a = run();
    const b = run();
    expect(a.length).toBeGreaterThan(3);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    expect(a[0]!.alertId).toBe('GZ-1');
    expect(a.every((m) => /^GZ-\d+\.\d+$/.test(m.messageId))).toBe(true);
  });
});
