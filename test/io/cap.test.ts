/**
 * CAP 1.2 output: every message of a realistic Green Zone alert sequence (two rockets, early → siren → a
 * track joining → per-zone all-clears) validates against the OASIS schema with xmllint, and satisfies the
 * rules the schema cannot check (checks.md: `+00:00` timestamps, lat,lon polygons closed with ≥ 4 pairs,
 * circles, references as sender,identifier,sent of earlier messages, Shelter / AllClear). A broken message
 * is rejected, so the check can fail.
 */
import { describe, expect, it } from 'vitest';
import { EnuFrame } from '../../src/geo/wgs84.js';
import { capCircle, capPolygon, capTime, capXml, xmlEscape } from '../../src/io/cap.js';
import { loadSite } from '../../src/scenario/load.js';
import type { Site } from '../../src/scenario/types.js';
import type { PredictionEvent } from '../../src/sim/events.js';
import { AlertManager, type AlertEvent } from '../../src/warn/alerts.js';
import { CAP_XSD, xmllint } from '../helpers/xmllint.js';

const SENDER = 'tocsin@green-zone.example';


const SITE = loadSite('scenarios/sites/green-zone.yaml');
const frame = new EnuFrame(SITE.origin);
const T0 = Date.UTC(2021, 11, 19, 0, 30, 0) / 1000;

/** A prediction at T0 + t for an impact offset (e, n) m from (lat, lon), round σ, impact at T0 + impactAt. */
function pred(trackId: number, t: number, lat: number, lon: number, e: number, n: number, sigma: number, impactAt: number): PredictionEvent {
  const p = frame.geodeticToEnu(lat, lon, SITE.origin.alt);
  const g = frame.enuToGeodetic(p[0]! + e, p[1]! + n, 0);
  return {
    type: 'prediction',
    t: T0 + t,
    trackId,
    impact: { lat: g.lat, lon: g.lon },
    impactTime: T0 + impactAt,
    impactTimeSigma: 0.6,
    covEN: [
      [sigma * sigma, 0.3 * sigma * sigma],
      [0.3 * sigma * sigma, 0.4 * sigma * sigma],
    ],
  };
}

/** Two rockets: one at the US Embassy (impact at 45 s), one at Celebration Square (impact at 52 s), a third late one at the embassy. */
function sequence(): AlertEvent[] {
  const am = new AlertManager(SITE);
  const preds: PredictionEvent[] = [];
  for (let t = 8; t <= 44; t++) preds.push(pred(1, t, 33.299, 44.396, (900 * (45 - t)) / 37, (-300 * (45 - t)) / 37, Math.max(15, (350 * (45 - t)) / 37), 45));
  for (let t = 12.5; t <= 51; t++) preds.push(pred(2, t, 33.3053, 44.3865, 0, 0, Math.max(15, (250 * (52 - t)) / 40), 52));
  for (let t = 30; t <= 54; t++) preds.push(pred(3, t, 33.2985, 44.3955, 0, 0, Math.max(15, 150 * ((56 - t) / 26)), 56));
  preds.sort((a, b) => a.t - b.t || a.trackId - b.trackId);
  const out: AlertEvent[] = [];
  const ends: [number, number, 'impact' | 'intercepted'][] = [
    [45, 1, 'impact'],
    [50, 2, 'intercepted'],
    [56, 3, 'impact'],
  ];
  for (const p of preds) {
    while (ends.length > 0 && T0 + ends[0]![0] <= p.t) {
      const [t, id, why] = ends.shift()!;
      out.push(...am.onTrackEnd(id, T0 + t, why));
    }
    out.push(...am.tick(p.t), ...am.onPrediction(p));
  }
  for (const [t, id, why] of ends) out.push(...am.onTrackEnd(id, T0 + t, why));
  for (let t = 56; t <= 200; t += 0.5) out.push(...am.tick(T0 + t));
  return out;
}

/** Contents of every <tag>…</tag> in the text. */
function all(xml: string, tag: string): string[] {
  return [...xml.matchAll(new RegExp(`<${tag}>([^<]*)</${tag}>`, 'g'))].map((m) => m[1]!);
}

const CAP_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/;

describe('CAP helpers', () => {
  it('times are whole seconds with +00:00', () => {
    expect(capTime(1639873810.5615)).toBe('2021-12-19T00:30:10+00:00');
    expect(capTime(T0)).toBe('2021-12-19T00:30:00+00:00');
  });

  it('polygons are lat,lon pairs, closed; circles lat,lon radius_km', () => {
    expect(
      capPolygon([
        [44.3915, 33.29215],
        [44.4005, 33.2922],
        [44.4005, 33.3022],
        [44.3915, 33.29215],
      ]),
    ).toBe('33.29215,44.3915 33.2922,44.4005 33.3022,44.4005 33.29215,44.3915');
    // an unclosed ring is closed
    expect(
      capPolygon([
        [1, 2],
        [3, 4],
        [5, 6],
      ]),
    ).toBe('2,1 4,3 6,5 2,1');
    expect(capCircle(33.2990001, 44.3960004, 1234.56)).toBe('33.299,44.396 1.235');
  });

  it('escapes XML text', () => {
    expect(xmlEscape(`a & b < c > d "e" 'f'`)).toBe('a &amp; b &lt; c &gt; d &quot;e&quot; &apos;f&apos;');
  });
});

describe('CAP messages of an alert sequence', () => {
  const msgs = sequence();
  const xml = msgs.map((m) => capXml(m, SITE, { sender: SENDER }));

  it('the sequence has what a real night has: Alert, early, siren, a track joining, partial and final all-clears', () => {
    const kinds = new Set(msgs.map((m) => `${m.msgType}/${m.stage}`));
    for (const k of ['Alert/siren', 'Update/early', 'Update/siren', 'Update/clear', 'Cancel/clear']) expect(kinds).toContain(k);
    expect(new Set(msgs.map((m) => m.alertId)).size).toBe(2);
    expect(msgs.some((m) => m.msgType === 'Update' && m.trackIds.length > 1)).toBe(true);
  });

  it('every message validates against the OASIS CAP 1.2 schema (xmllint)', () => {
    const r = xmllint(xml, CAP_XSD);
    expect(r.stderr).not.toMatch(/fails to validate|error/i);
    expect(r.valid).toEqual(xml.map(() => true));
    expect(r.status).toBe(0);
  });

  it('header: identifier, sent (+00:00), msgType, references to the first and the latest earlier message of the same alert', () => {
    const sentOf = new Map<string, string>();
    msgs.forEach((m, i) => {
      const x = xml[i]!;
      expect(x).toContain('<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">');
      expect(all(x, 'identifier')).toEqual([m.messageId]);
      expect(all(x, 'sender')).toEqual([SENDER]);
      const sent = all(x, 'sent')[0]!;
      expect(sent).toMatch(CAP_TIME);
      expect(all(x, 'status')).toEqual(['Actual']);
      expect(all(x, 'msgType')).toEqual([m.msgType]);
      expect(all(x, 'scope')).toEqual(['Public']);
      for (const e of all(x, 'expires')) expect(e).toMatch(CAP_TIME);
      const refs = all(x, 'references');
      if (m.msgType === 'Alert') expect(refs).toEqual([]);
      else {
        const earlier = msgs.slice(0, i).filter((o) => o.alertId === m.alertId);
        expect(earlier.length).toBeGreaterThan(0);
        const cited = earlier.length === 1 ? earlier : [earlier[0]!, earlier.at(-1)!];
        expect(refs[0]!.split(' ')).toEqual(cited.map((o) => `${SENDER},${o.messageId},${sentOf.get(o.messageId)}`));
      }
      sentOf.set(m.messageId, sent);
    });
  });

  it('one area per zone with its closed lat,lon polygon; Shelter for sirens and early warnings, AllClear for clears', () => {
    const names = new Map(SITE.zones.map((z) => [z.id, z.name]));
    msgs.forEach((m, i) => {
      const infos = xml[i]!.split('<info>').slice(1);
      const byType = (rt: string, sev?: string) =>
        infos.filter((b) => all(b, 'responseType').includes(rt) && (sev === undefined || all(b, 'severity')[0] === sev));
      const sirenZones = Object.entries(m.zoneStages).filter(([, s]) => s === 'siren').map(([z]) => names.get(z));
      const earlyZones = Object.entries(m.zoneStages).filter(([, s]) => s === 'early').map(([z]) => names.get(z));
      expect(byType('Shelter', 'Extreme').flatMap((b) => all(b, 'areaDesc'))).toEqual(sirenZones);
      expect(byType('Shelter', 'Severe').flatMap((b) => all(b, 'areaDesc'))).toEqual(earlyZones);
      expect(byType('AllClear').flatMap((b) => all(b, 'areaDesc'))).toEqual(m.stage === 'clear' ? m.zones.map((z) => names.get(z)) : []);
      for (const b of byType('Shelter')) {
        expect(all(b, 'instruction')[0]).toMatch(/\b(15|30|45) s\b/); // the shelter time
        expect(all(b, 'urgency')).toEqual(['Immediate']);
      }
      for (const b of infos) expect(all(b, 'category')).toEqual(['Safety']);
      for (const poly of all(xml[i]!, 'polygon')) {
        const pairs = poly.split(' ');
        expect(pairs.length).toBeGreaterThanOrEqual(4);
        expect(pairs[0]).toBe(pairs[pairs.length - 1]);
        for (const pr of pairs) {
          const [lat, lon] = pr.split(',').map(Number) as [number, number];
          expect(lat).toBeGreaterThan(33.2);
          expect(lat).toBeLessThan(33.4); // latitude first
          expect(lon).toBeGreaterThan(44.3);
          expect(lon).toBeLessThan(44.5);
        }
      }
      const circles = all(xml[i]!, 'circle');
      if (m.impact && m.stage !== 'clear') {
        expect(circles.length).toBe(1);
        expect(circles[0]).toMatch(/^33\.\d+,44\.\d+ \d+(\.\d+)?$/);
        expect(byType('Monitor').flatMap((b) => all(b, 'circle'))).toEqual(circles);
      } else expect(circles).toEqual([]);
    });
  });

  it('a broken message is rejected by xmllint (the check can fail)', () => {
    const good = xml[0]!;
    const zulu = good.replace(/<sent>([^<]*)\+00:00<\/sent>/, '<sent>$1Z</sent>');
    const fraction = good.replace(/<sent>([^<]*)\+00:00<\/sent>/, '<sent>$1.5+00:00</sent>');
    const badType = good.replace('<msgType>Alert</msgType>', '<msgType>Siren</msgType>');
    expect(zulu).not.toBe(good);
    const r = xmllint([good, zulu, fraction, badType], CAP_XSD);
    expect(r.valid).toEqual([true, false, false, false]);
    expect(r.status).not.toBe(0);
  });

  it('escapes names and sender-supplied text, and rejects a sender or id with spaces or commas', () => {
    const odd: Site = { ...SITE, name: 'Site <A> & "B"', zones: SITE.zones.map((z, i) => (i === 0 ? { ...z, name: `Mess & "Bar" <North>` } : z)) };
    const am = new AlertManager(odd);
    const ev = am.onPrediction(pred(1, 0, 33.299, 44.396, 0, 0, 30, 20))[0]!;
    const x = capXml(ev, odd, { sender: SENDER });
    expect(x).toContain('<areaDesc>Mess &amp; &quot;Bar&quot; &lt;North&gt;</areaDesc>');
    expect(x).toContain('<senderName>Site &lt;A&gt; &amp; &quot;B&quot;</senderName>');
    expect(xmllint([x], CAP_XSD).valid).toEqual([true]);
    expect(() => capXml(ev, odd, { sender: 'tocsin green zone' })).toThrow(/sender/);
    expect(() => capXml({ ...ev, messageId: 'A,1' }, odd, { sender: SENDER })).toThrow(/identifier/);
  });
});
