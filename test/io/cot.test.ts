/**
 * Cursor-on-Target output: tracks (ballistic, air, not yet classified, ended), predicted impact points and
 * launch points rendered from real engine runs (the 2021-12-19 Green Zone rockets; drones, aircraft, birds
 * and two rounds), checked against MITRE's base-event schema with xmllint and read back with the TAK library
 * @tak-ps/node-cot: uids, types, positions, times, track course (against the geodesic bearing between
 * successive positions), the delete task against node-cot's own ForceDelete, and the 95 % ellipse against
 * hand-computed axes and the covariance's 95 % contour traced the way ATAK draws a CoT ellipse.
 */
import CoT, { ForceDelete } from '@tak-ps/node-cot';
import { describe, expect, it } from 'vitest';
import { inverse } from '../../src/geo/geodesic.js';
import {
  COT_UNKNOWN,
  cotDelete,
  cotEllipse,
  cotImpact,
  cotLaunch,
  cotNumber,
  cotTime,
  cotTrack,
  courseDeg,
  type CotOptions,
} from '../../src/io/cot.js';
import { loadScenario } from '../../src/scenario/load.js';
import type { PredictionEvent, SimEvent, TrackEvent } from '../../src/sim/events.js';
import { simulateScenario } from '../../src/sim/run.js';
import { COT_XSD, xmllint } from '../helpers/xmllint.js';


/** χ²₂(0.95): the squared Mahalanobis radius of the 95 % ellipse of a 2-D Gaussian. */
const CHI2_95 = 5.991464547107979;

const OPTS: CotOptions = { uidPrefix: 'tocsin.gz' };
const rocketScenario = loadScenario('scenarios/2021-12-19-green-zone-rockets.yaml');
const rockets = simulateScenario(rocketScenario);
const mixed = simulateScenario(loadScenario('scenarios/drones-and-birds.yaml'));
const TERRAIN = rocketScenario.site.terrainAlt;

const tracksOf = (evs: SimEvent[]): TrackEvent[] => evs.filter((e): e is TrackEvent => e.type === 'track');
const predsOf = (evs: SimEvent[]): PredictionEvent[] => evs.filter((e): e is PredictionEvent => e.type === 'prediction');
// Every track event of the rockets; of the mixed run's ~1600 (mostly air: drones, aircraft, birds) every
// ballistic, unclassified or ending one and one air update in ten, to keep the file fast.
const allTracks = [...tracksOf(rockets.events), ...tracksOf(mixed.events).filter((e, i) => e.class !== 'air' || e.status !== 'confirmed' || i % 10 === 0)];
const allPreds = [...predsOf(rockets.events), ...predsOf(mixed.events)];

interface Raw {
  event: {
    _attributes: Record<string, string>;
    point: { _attributes: Record<string, string> };
    detail: Record<string, { _attributes?: Record<string, string | number>; _text?: string }>;
  };
}
const parse = (xml: string): { cot: CoT; raw: Raw } => {
  const cot = new CoT(xml);
  return { cot, raw: cot.raw as unknown as Raw };
};
const ms = (iso: string): number => Date.parse(iso);

/** The 60 outline points ATAK draws for `<ellipse major minor angle>` on a marker (ShapeDetailHandler halves
 * major and minor into radii; Ellipse.recomputePoly rotates by angle, clockwise from north), as east/north m. */
function atakOutline(major: number, minor: number, angleDeg: number): [number, number][] {
  const a = (angleDeg * Math.PI) / 180;
  const out: [number, number][] = [];
  for (let i = 0; i < 60; i++) {
    const t = (i * 6 * Math.PI) / 180;
    const x = Math.cos(t) * (major / 2);
    const y = Math.sin(t) * (minor / 2);
    out.push([Math.sin(a) * x - Math.cos(a) * y, Math.cos(a) * x + Math.sin(a) * y]);
  }
  return out;
}

/** Squared Mahalanobis distance of (e, n) under the covariance. */
function mahalanobis2(c: [[number, number], [number, number]], e: number, n: number): number {
  const det = c[0][0] * c[1][1] - c[0][1] * c[1][0];
  return (c[1][1] * e * e - 2 * c[0][1] * e * n + c[0][0] * n * n) / det;
}

/** Every outline point of the rendered ellipse lies on the covariance's 95 % contour. */
function expectOn95Contour(shape: Record<string, string | number>, cov: [[number, number], [number, number]]): void {
  for (const [e, n] of atakOutline(Number(shape.major), Number(shape.minor), Number(shape.angle))) {
    expect(Math.abs(mahalanobis2(cov, e, n) / CHI2_95 - 1)).toBeLessThan(0.02);
  }
}

/** A prediction at the US Embassy with a given covariance (impact in 20 s). */
function syntheticPrediction(cov: [[number, number], [number, number]]): PredictionEvent {
  const t = Date.UTC(2021, 11, 19, 0, 30, 10) / 1000;
  return {
    type: 'prediction',
    t,
    trackId: 7,
    threat: 'rocket-122',
    impact: { lat: 33.299, lon: 44.396 },
    impactTime: t + 20,
    impactTimeSigma: 0.5,
    covEN: cov,
    launch: { lat: 33.3047, lon: 44.4867 },
    launchTime: t - 15,
    launchCovEN: cov,
  };
}

describe('CoT helpers', () => {
  it('times are ISO-8601 UTC with milliseconds and Z', () => {
    expect(cotTime(Date.UTC(2021, 11, 19, 0, 30, 10, 562) / 1000)).toBe('2021-12-19T00:30:10.562Z');
    expect(() => cotTime(NaN)).toThrow(RangeError);
  });

  it('numbers are plain decimals: no exponent, no trailing zeros, no "-0"', () => {
    expect(cotNumber(1e-7, 7)).toBe('0.0000001');
    expect(cotNumber(33.29900004, 7)).toBe('33.299');
    expect(cotNumber(-0.00000001, 7)).toBe('0');
    expect(cotNumber(9999999, 1)).toBe('9999999');
    expect(cotNumber(1234.56, 1)).toBe('1234.6');
  });

  it('course is the direction of motion, clockwise from true north, in [0, 360)', () => {
    expect(courseDeg(0, 10)).toBe(0);
    expect(courseDeg(10, 0)).toBe(90);
    expect(courseDeg(0, -10)).toBe(180);
    expect(courseDeg(-10, 0)).toBe(270);
    expect(courseDeg(-10, 10)).toBe(315);
    expect(courseDeg(-0.0001, 10)).toBe(0); // −0.0006° rounds to 0, not −0 or 360
    expect(courseDeg(-0.02, 10)).toBe(359.9);
  });
});

describe('95 % ellipse', () => {
  it('diagonal covariance: σE 20 m, σN 10 m → axes 2·2.4477·σ, major along east (90°)', () => {
    const e = cotEllipse([
      [400, 0],
      [0, 100],
    ]);
    expect(e.major).toBeCloseTo(97.90987, 4); // 2 × 2.447747 × 20
    expect(e.minor).toBeCloseTo(48.95494, 4); // 2 × 2.447747 × 10
    expect(e.angle).toBeCloseTo(90, 9);
  });

  it('rotated covariance: σ 30 m along bearing 30°, 10 m across → 146.86 × 48.95 m at 30°', () => {
    // C = 30² u uᵀ + 10² v vᵀ, u = (sin 30°, cos 30°) east/north, v ⟂ u: by hand C = [[300, 346.41], [346.41, 700]]
    const s = 400 * Math.sqrt(3) * 0.5; // (900 − 100) · sin30 · cos30
    const cov: [[number, number], [number, number]] = [
      [300, s],
      [s, 700],
    ];
    const e = cotEllipse(cov);
    expect(e.major).toBeCloseTo(146.8648, 3);
    expect(e.minor).toBeCloseTo(48.95494, 3);
    expect(e.angle).toBeCloseTo(30, 6);

    // As written in the event and read back by node-cot, and as ATAK would draw it.
    for (const xml of [cotImpact(syntheticPrediction(cov), OPTS), cotLaunch(syntheticPrediction(cov), OPTS)!]) {
      const shape = parse(xml).raw.event.detail.shape as unknown as { ellipse: { _attributes: Record<string, number> } };
      const a = shape.ellipse._attributes;
      expect(Number(a.major)).toBeCloseTo(146.9, 6);
      expect(Number(a.minor)).toBeCloseTo(49, 6);
      expect(Number(a.angle)).toBe(30);
      expectOn95Contour(a, cov);
      // ce is the 1-σ error along the major axis
      expect(Number(parse(xml).raw.event.point._attributes.ce)).toBe(30);
    }
    // a major axis west of north is written as its bearing in [0, 180)
    const w = cotEllipse([
      [300, -s],
      [-s, 700],
    ]);
    expect(w.angle).toBeCloseTo(150, 6);
  });
});

describe('tracks from an engine run', () => {
  const live = allTracks.filter((e) => e.status === 'confirmed');
  const ended = allTracks.filter((e) => e.status !== 'confirmed');
  const pick = (cls: TrackEvent['class']): TrackEvent[] => live.filter((e) => e.class === cls);

  it('the runs have every kind of track: ballistic, air, not yet classified, ended by impact, intercept and loss', () => {
    expect(pick('ballistic').length).toBeGreaterThan(10);
    expect(pick('air').length).toBeGreaterThan(10);
    expect(pick('unknown').length).toBeGreaterThan(0);
    expect(new Set(ended.map((e) => e.status))).toEqual(new Set(['impact', 'intercepted', 'deleted']));
  });

  const expected: Record<TrackEvent['class'], string> = { ballistic: 'a-h-A-W-M-S-S', air: 'a-u-A', unknown: 'a-p-A' };

  it('each update: uid per track, type by class, how m-a, position, stale = t + 10 s, course/speed/callsign', () => {
    for (const ev of live) {
      const xml = cotTrack(ev, OPTS);
      const { cot, raw } = parse(xml);
      const f = cot.to_geojson();
      const a = raw.event._attributes;
      expect(f.id).toBe(`tocsin.gz.track.${ev.trackId}`);
      expect(f.properties.type).toBe(expected[ev.class]);
      expect(a.how).toBe('m-a');
      const [lon, lat, hae] = f.geometry.coordinates as number[];
      expect(Math.abs(lat! - ev.lat)).toBeLessThanOrEqual(0.5e-7 + 1e-12);
      expect(Math.abs(lon! - ev.lon)).toBeLessThanOrEqual(0.5e-7 + 1e-12);
      expect(Math.abs(hae! - ev.alt)).toBeLessThanOrEqual(0.05 + 1e-9);
      expect(raw.event.point._attributes.ce).toBe(String(COT_UNKNOWN));
      for (const k of ['time', 'start', 'stale']) expect(a[k]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(Math.abs(ms(a.start!) - ev.t * 1000)).toBeLessThanOrEqual(0.5);
      expect(ms(a.stale!) - ms(a.start!)).toBe(10_000);
      expect(Math.abs((f.properties.speed as number) - ev.speed)).toBeLessThanOrEqual(0.06); // MITRE: speed in 3-D, m/s
      const slope = Number(raw.event.detail.track!._attributes!.slope);
      expect(Math.abs(slope)).toBeLessThanOrEqual(90);
      if (Math.abs(ev.vU) > 1) expect(Math.sign(slope)).toBe(Math.sign(ev.vU)); // negative: moving down
      expect(f.properties.course).toBeGreaterThanOrEqual(0);
      expect(f.properties.course).toBeLessThan(360);
      expect(f.properties.callsign).toBe(`T${ev.trackId} ${ev.class === 'ballistic' ? ev.threat ?? 'ballistic' : ev.class}`);
      expect(f.properties.remarks).toContain(`track ${ev.trackId}`);
    }
  });

  it('course is the direction the track moves: the geodesic bearing between successive positions', () => {
    const diffs: number[] = [];
    const byTrack = new Map<string, TrackEvent[]>();
    for (const [run, evs] of [['rockets', tracksOf(rockets.events)], ['mixed', tracksOf(mixed.events)]] as const) {
      for (const ev of evs) {
        if (ev.status !== 'confirmed' || ev.class !== 'ballistic') continue;
        const k = `${run}:${ev.trackId}`;
        byTrack.set(k, [...(byTrack.get(k) ?? []), ev]);
      }
    }
    for (const evs of byTrack.values()) {
      for (let i = 1; i < evs.length; i++) {
        const [a, b] = [evs[i - 1]!, evs[i]!];
        if (Math.hypot(b.vE, b.vN) < 50 || b.t - a.t > 1.5) continue;
        const chord = inverse(a.lat, a.lon, b.lat, b.lon).azimuth2Deg;
        const course = parse(cotTrack(b, OPTS)).cot.to_geojson().properties.course as number;
        const diff = Math.abs(((course - chord + 540) % 360) - 180);
        diffs.push(diff);
      }
    }
    // Filter noise between updates (a mortar at 60–80 m/s moves 15–80 m between them) allows a few degrees;
    // a wrong convention (counter-clockwise, from east, the way it came from) would be off by tens of degrees.
    expect(diffs.length).toBeGreaterThan(50);
    expect(Math.max(...diffs)).toBeLessThan(6);
    expect(diffs.reduce((s, d) => s + d, 0) / diffs.length).toBeLessThan(1.5);
  });

  it('an ended track becomes a t-x-d-d delete task for its uid, shaped like node-cot’s ForceDelete', () => {
    const model = new ForceDelete('x').raw as unknown as Raw;
    for (const ev of ended) {
      const uid = `tocsin.gz.track.${ev.trackId}`;
      const { raw } = parse(cotTrack(ev, OPTS));
      const a = raw.event._attributes;
      expect(a.type).toBe(model.event._attributes.type); // t-x-d-d
      expect(a.uid).toBe(`${uid}.delete`);
      expect(ms(a.stale!)).toBeGreaterThan(ms(a.start!));
      for (const k of Object.keys(model.event.detail).filter((k) => k !== '_flow-tags_')) expect(raw.event.detail).toHaveProperty(k);
      const link = raw.event.detail.link!._attributes!;
      expect(link).toEqual({ uid, type: expected[ev.class], relation: 'none' });
      expect(raw.event.detail.remarks!._text).toContain(ev.status);
    }
  });
});

describe('impact and launch points from an engine run', () => {
  const withLaunch = allPreds.filter((p) => p.launch && p.launchCovEN);

  it('the runs predict rockets (by type and, before the type is known, by family), a mortar and a round of unknown family, with launch estimates', () => {
    expect(new Set(allPreds.map((p) => p.threat))).toEqual(new Set(['rocket-122', 'rocket', 'mortar', 'ballistic']));
    expect(withLaunch.length).toBeGreaterThan(10);
  });

  const family: Record<string, string> = { 'rocket-122': '-b', rocket: '-b', mortar: '-m', ballistic: '' };

  it('impact: b-d-i by family, uid per track, point on the ground, 95 % ellipse, time to impact, stale after impact', () => {
    const opts = { ...OPTS, groundHae: TERRAIN };
    for (const p of allPreds) {
      const xml = cotImpact(p, opts);
      const { cot, raw } = parse(xml);
      const f = cot.to_geojson();
      expect(f.id).toBe(`tocsin.gz.impact.${p.trackId}`);
      expect(f.properties.type).toBe(`b-d-i${family[p.threat!]}`);
      const [lon, lat, hae] = f.geometry.coordinates as number[];
      expect(Math.abs(lat! - p.impact.lat)).toBeLessThanOrEqual(0.5e-7 + 1e-12);
      expect(Math.abs(lon! - p.impact.lon)).toBeLessThanOrEqual(0.5e-7 + 1e-12);
      expect(hae).toBeCloseTo(TERRAIN, 6);
      const a = raw.event._attributes;
      expect(ms(a.stale!)).toBeGreaterThan(ms(a.start!));
      expect(Math.abs(ms(a.stale!) - (p.impactTime + 3 * p.impactTimeSigma + 10) * 1000)).toBeLessThanOrEqual(1);
      expect(f.properties.remarks).toContain(`time to impact ${(p.impactTime - p.t).toFixed(1)} s`);
      expect(raw.event.detail.link!._attributes).toEqual({ uid: `tocsin.gz.track.${p.trackId}`, type: 'a-h-A-W-M-S-S', relation: 'p-s' });
      const shape = raw.event.detail.shape as unknown as { ellipse: { _attributes: Record<string, number> } };
      expectOn95Contour(shape.ellipse._attributes, p.covEN);
    }
  });

  it('launch: b-d-l by family, threat class, 95 % ellipse, stale 10 min on; none without an estimate', () => {
    for (const p of withLaunch) {
      const xml = cotLaunch(p, OPTS)!;
      const { cot, raw } = parse(xml);
      const f = cot.to_geojson();
      expect(f.id).toBe(`tocsin.gz.launch.${p.trackId}`);
      expect(f.properties.type).toBe(`b-d-l${family[p.threat!]}`);
      const [lon, lat] = f.geometry.coordinates as number[];
      expect(Math.abs(lat! - p.launch!.lat)).toBeLessThanOrEqual(0.5e-7 + 1e-12);
      expect(Math.abs(lon! - p.launch!.lon)).toBeLessThanOrEqual(0.5e-7 + 1e-12);
      expect(raw.event.point._attributes.hae).toBe(String(COT_UNKNOWN)); // no groundHae given: TAK puts it on its terrain
      expect(f.properties.callsign).toBe(`T${p.trackId} launch ${p.threat}`);
      expect(f.properties.remarks).toContain(`threat ${p.threat}`);
      const a = raw.event._attributes;
      expect(ms(a.stale!) - ms(a.start!)).toBe(600_000);
      const shape = raw.event.detail.shape as unknown as { ellipse: { _attributes: Record<string, number> } };
      expectOn95Contour(shape.ellipse._attributes, p.launchCovEN!);
    }
    const noLaunch = { ...allPreds[0]!, launch: undefined, launchCovEN: undefined };
    expect(cotLaunch(noLaunch, OPTS)).toBeUndefined();
  });
});

describe('schema validity (MITRE CoT base event, xmllint)', () => {
  it('every rendered event validates', () => {
    const docs = [
      ...allTracks.map((e) => cotTrack(e, OPTS)),
      ...allPreds.map((p) => cotImpact(p, { ...OPTS, groundHae: TERRAIN })),
      ...allPreds.flatMap((p) => cotLaunch(p, OPTS) ?? []),
      cotDelete('tocsin.gz.impact.1', 'b-d-i-b', allPreds[0]!.t, allPreds[0]!.impact, OPTS),
    ];
    expect(docs.length).toBeGreaterThan(400);
    for (const d of docs) expect(d.startsWith('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<event ')).toBe(true);
    const r = xmllint(docs, COT_XSD);
    expect(r.stderr).not.toMatch(/fails to validate|error/i);
    expect(r.valid.every(Boolean)).toBe(true);
    expect(r.status).toBe(0);
  });

  it('a broken event is rejected (the check can fail)', () => {
    const good = cotTrack(allTracks[0]!, OPTS);
    const lat95 = good.replace(/ lat="[^"]*"/, ' lat="95"');
    const noHow = good.replace(/ how="[^"]*"/, '');
    const badType = good.replace(/ type="[^"]*"/, ' type="a h"');
    const badTime = good.replace(/ stale="[^"]*"/, ' stale="tomorrow"');
    const r = xmllint([good, lat95, noHow, badType, badTime], COT_XSD);
    expect(r.valid).toEqual([true, false, false, false, false]);
    expect(r.status).not.toBe(0);
  });

  it('escapes text and attributes: odd uid prefixes and threat names survive the round trip', () => {
    const odd: CotOptions = { uidPrefix: `gz&"<A>'` };
    const ev = { ...allTracks.find((e) => e.class === 'ballistic' && e.status === 'confirmed')!, threat: 'rocket <&> "x"' };
    const p = { ...syntheticPrediction([[100, 0], [0, 100]]), threat: 'rocket <&>' };
    const docs = [cotTrack(ev, odd), cotImpact(p, odd), cotLaunch(p, odd)!];
    expect(xmllint(docs, COT_XSD).valid).toEqual([true, true, true]);
    const f = parse(docs[0]!).cot.to_geojson();
    expect(f.id).toBe(`gz&"<A>'.track.${ev.trackId}`);
    expect(f.properties.callsign).toBe(`T${ev.trackId} rocket <&> "x"`);
    expect(parse(docs[2]!).cot.to_geojson().properties.callsign).toBe('T7 launch rocket <&>');
  });

  it('rejects options and values that would make an invalid event', () => {
    const ev = allTracks[0]!;
    expect(() => cotTrack(ev, { ...OPTS, how: 'radar track' })).toThrow(/how/);
    expect(() => cotTrack(ev, { ...OPTS, staleSeconds: 0 })).toThrow(/stale/);
    expect(() => cotTrack({ ...ev, lat: NaN }, OPTS)).toThrow(RangeError);
    expect(() => cotTrack({ ...ev, lat: 91 }, OPTS)).toThrow(/lat/);
  });
});
