/**
 * CAP 1.2 (OASIS Common Alerting Protocol, `urn:oasis:names:tc:emergency:cap:1.2`) rendering of one alert
 * message (src/warn/alerts.ts). Valid against the OASIS schema (`/work/shared/schemas/CAP-v1.2.xsd`; checked
 * with xmllint in test/io/cap.test.ts) and the rules the schema cannot express (docs/warning.md):
 *
 * - `identifier` = the message id, `sent` = the message time, whole seconds, `+00:00` (never `Z`, never a
 *   fraction: the schema's pattern rejects both); `msgType` Alert / Update / Cancel as the event; an Update or
 *   Cancel lists the messages it cites (the alert's first and the one it supersedes: src/warn/alerts.ts) in
 *   `references` as `sender,identifier,sent` triples;
 *   `incidents` = the alert id (groups the messages of one alert).
 * - One `<info>` per kind of instruction, each with one `<area>` per zone (areaDesc = the zone's name,
 *   `<polygon>` = its ring as `lat,lon` pairs, first = last):
 *   siren zones: responseType Shelter, urgency Immediate, severity Extreme, certainty Observed;
 *   early zones: responseType Shelter, urgency Immediate, severity Severe, certainty Likely;
 *   cleared zones (all-clear): responseType AllClear, urgency Past, severity Minor, certainty Observed.
 *   A CAP Update replaces the message it updates, so every message restates all the alert's zones still
 *   warned, not only those that changed.
 * - The predicted impact (when the message has one) goes in its own `<info>` with responseType Monitor and a
 *   `<circle>` (`lat,lon radius_km`): a receiver inside the circle but outside the warned zones is told to
 *   stay alert, not to shelter (putting the circle into a zone's `<area>` would widen that zone's siren).
 */
import type { AlertEvent } from '../warn/alerts.js';
import type { Site, Zone } from '../scenario/types.js';

export interface CapOptions {
  /** CAP sender: no spaces, commas, `<` or `&` (e.g. `tocsin@green-zone.example`) */
  sender: string;
  /** default Actual; Exercise or Test for drills */
  status?: 'Actual' | 'Exercise' | 'System' | 'Test' | 'Draft';
  /** default en-US */
  language?: string;
}

export const CAP_NAMESPACE = 'urn:oasis:names:tc:emergency:cap:1.2';

/** What the event is called in every message. */
export const CAP_EVENT = 'Rocket/mortar attack';

/** CAP identifiers and senders: no whitespace, commas or restricted characters. */
const CAP_TOKEN = /^[^\s,<&]+$/;

/** XML text/attribute escaping. */
export function xmlEscape(s: string): string {
  return s.replace(/[&<>"']/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&apos;'));
}

/** UTC seconds → CAP dateTime: `YYYY-MM-DDThh:mm:ss+00:00`, whole seconds (floored). */
export function capTime(t: number): string {
  if (!Number.isFinite(t)) throw new RangeError(`capTime: not a finite time: ${t}`);
  const iso = new Date(Math.floor(t) * 1000).toISOString(); // 2021-12-19T00:30:10.000Z
  return `${iso.slice(0, 19)}+00:00`;
}

/** Degrees with at most 6 decimals (≈0.1 m), no exponent. */
function deg(x: number): string {
  return String(Number(x.toFixed(6)));
}

/** A zone ring ([lon, lat], closed) as a CAP polygon: `lat,lon` pairs separated by spaces, first = last. */
export function capPolygon(ring: Zone['ring']): string {
  const pts = ring.map((p) => `${deg(p[1])},${deg(p[0])}`);
  if (pts.length > 0 && pts[0] !== pts[pts.length - 1]) pts.push(pts[0]!);
  return pts.join(' ');
}

/** A CAP circle: `lat,lon radius_km`. */
export function capCircle(lat: number, lon: number, radiusM: number): string {
  return `${deg(lat)},${deg(lon)} ${String(Number((radiusM / 1000).toFixed(3)))}`;
}

/** "15 s" / "1 min 30 s" */
function duration(s: number): string {
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  const r = s - 60 * m;
  return r === 0 ? `${m} min` : `${m} min ${r} s`;
}

function clock(t: number): string {
  return new Date(Math.floor(t) * 1000).toISOString().slice(11, 19);
}

interface InfoBlock {
  /** what this block announces (its `stage` parameter) */
  stage: 'siren' | 'early' | 'clear' | 'impact';
  responseType: 'Shelter' | 'AllClear' | 'Monitor';
  urgency: 'Immediate' | 'Past';
  severity: 'Extreme' | 'Severe' | 'Minor';
  certainty: 'Observed' | 'Likely';
  headline: string;
  description: string;
  instruction: string;
  expires?: number;
  areas: string[];
}

function zoneArea(zone: Zone): string {
  return `    <area>\n      <areaDesc>${xmlEscape(zone.name)}</areaDesc>\n      <polygon>${capPolygon(zone.ring)}</polygon>\n    </area>`;
}

/** "<text> (<zone names>)", with the names replaced by a count when the headline would pass CAP's 160 characters. */
function headline(text: string, zones: readonly Zone[]): string {
  const full = `${text} (${zones.map((z) => z.name).join(', ')})`;
  return full.length <= 160 ? full : `${text} (${zones.length} zones)`;
}

function shelterTimes(zones: readonly Zone[]): string {
  return zones.map((z) => `${z.name} ${duration(z.shelterSeconds)}`).join('; ');
}

/** The CAP 1.2 XML of one alert message. */
export function capXml(ev: AlertEvent, site: Site, opts: CapOptions): string {
  if (!CAP_TOKEN.test(opts.sender)) throw new RangeError(`CAP sender "${opts.sender}" must have no spaces, commas, "<" or "&"`);
  if (!CAP_TOKEN.test(ev.messageId)) throw new RangeError(`CAP identifier "${ev.messageId}" must have no spaces, commas, "<" or "&"`);
  const byId = new Map(site.zones.map((z) => [z.id, z]));
  const zone = (id: string): Zone => {
    const z = byId.get(id);
    if (!z) throw new RangeError(`alert ${ev.messageId}: zone "${id}" is not in site "${site.name}"`);
    return z;
  };
  const siren: Zone[] = [];
  const early: Zone[] = [];
  for (const [id, stage] of Object.entries(ev.zoneStages)) (stage === 'siren' ? siren : early).push(zone(id));

  const tracks = ev.trackIds.length === 0 ? 'alert raised by an operator' : ev.trackIds.length === 1 ? `track ${ev.trackIds[0]}` : `tracks ${ev.trackIds.join(', ')}`;
  const when =
    ev.impactTime === undefined
      ? ''
      : ` Predicted impact at ${clock(ev.impactTime)} UTC (about ${Math.max(0, Math.round(ev.impactTime - ev.t))} s after this message).`;
  const infos: InfoBlock[] = [];
  if (siren.length > 0) {
    infos.push({
      stage: 'siren',
      responseType: 'Shelter',
      urgency: 'Immediate',
      severity: 'Extreme',
      certainty: 'Observed',
      headline: headline('Rocket/mortar attack: take shelter now', siren),
      description: `Incoming rocket or mortar fire detected by radar (${tracks}); impact in these zones is possible.${when}`,
      instruction: `Take shelter now. Time to reach shelter: ${shelterTimes(siren)}. If no shelter is within reach, lie flat on the ground and cover your head. Stay in shelter until the all-clear.`,
      expires: ev.expires,
      areas: siren.map(zoneArea),
    });
  }
  if (early.length > 0) {
    infos.push({
      stage: 'early',
      responseType: 'Shelter',
      urgency: 'Immediate',
      severity: 'Severe',
      certainty: 'Likely',
      headline: headline('Rocket/mortar fire: be ready to take shelter', early),
      description: `Incoming rocket or mortar fire detected by radar (${tracks}); these zones may be hit.${when}`,
      instruction: `Move towards the nearest shelter now and take shelter at once if the siren sounds. Time to reach shelter: ${shelterTimes(early)}.`,
      expires: ev.expires,
      areas: early.map(zoneArea),
    });
  }
  if (ev.stage === 'clear') {
    const cleared = ev.zones.map(zone);
    infos.push({
      stage: 'clear',
      responseType: 'AllClear',
      urgency: 'Past',
      severity: 'Minor',
      certainty: 'Observed',
      headline: headline('All clear: rocket/mortar threat over', cleared),
      description: `The rocket or mortar fire (${tracks}) has ended for these zones.`,
      instruction: 'You may leave shelter. Keep away from impact sites and unexploded ordnance and report them.',
      areas: cleared.map(zoneArea),
    });
  }
  if (ev.impact && ev.stage !== 'clear') {
    const r = Math.round(ev.impact.radiusM);
    infos.push({
      stage: 'impact',
      responseType: 'Monitor',
      urgency: 'Immediate',
      severity: 'Severe',
      certainty: 'Likely',
      headline: 'Predicted impact area of incoming rocket/mortar fire',
      description: `Predicted impact area of the round (radar ${tracks}): within about ${r} m of the centre.${when}`,
      instruction: 'Follow the instructions for your zone; outside the warned zones, stay alert and be ready to take cover.',
      expires: ev.expires,
      areas: [
        `    <area>\n      <areaDesc>Predicted impact area (${r} m radius)</areaDesc>\n      <circle>${capCircle(ev.impact.lat, ev.impact.lon, ev.impact.radiusM)}</circle>\n    </area>`,
      ],
    });
  }

  const lines: string[] = [];
  lines.push('<?xml version="1.0" encoding="UTF-8"?>');
  lines.push(`<alert xmlns="${CAP_NAMESPACE}">`);
  lines.push(`  <identifier>${xmlEscape(ev.messageId)}</identifier>`);
  lines.push(`  <sender>${xmlEscape(opts.sender)}</sender>`);
  lines.push(`  <sent>${capTime(ev.t)}</sent>`);
  lines.push(`  <status>${opts.status ?? 'Actual'}</status>`);
  lines.push(`  <msgType>${ev.msgType}</msgType>`);
  lines.push('  <scope>Public</scope>');
  const refs = ev.references ?? [];
  if (ev.msgType !== 'Alert' && refs.length > 0) {
    const times = ev.referenceTimes ?? [];
    if (times.length !== refs.length) throw new RangeError(`alert ${ev.messageId}: references and referenceTimes differ in length`);
    lines.push(`  <references>${refs.map((id, i) => xmlEscape(`${opts.sender},${id},${capTime(times[i]!)}`)).join(' ')}</references>`);
  }
  lines.push(`  <incidents>${xmlEscape(ev.alertId)}</incidents>`);
  const language = opts.language ?? 'en-US';
  for (const info of infos) {
    lines.push('  <info>');
    lines.push(`    <language>${xmlEscape(language)}</language>`);
    lines.push('    <category>Safety</category>');
    lines.push(`    <event>${xmlEscape(CAP_EVENT)}</event>`);
    lines.push(`    <responseType>${info.responseType}</responseType>`);
    lines.push(`    <urgency>${info.urgency}</urgency>`);
    lines.push(`    <severity>${info.severity}</severity>`);
    lines.push(`    <certainty>${info.certainty}</certainty>`);
    if (info.expires !== undefined) lines.push(`    <expires>${capTime(info.expires)}</expires>`);
    lines.push(`    <senderName>${xmlEscape(site.name)}</senderName>`);
    lines.push(`    <headline>${xmlEscape(info.headline)}</headline>`);
    lines.push(`    <description>${xmlEscape(info.description)}</description>`);
    lines.push(`    <instruction>${xmlEscape(info.instruction)}</instruction>`);
    lines.push(`    <parameter>\n      <valueName>alertId</valueName>\n      <value>${xmlEscape(ev.alertId)}</value>\n    </parameter>`);
    lines.push(`    <parameter>\n      <valueName>stage</valueName>\n      <value>${info.stage}</value>\n    </parameter>`);
    lines.push(`    <parameter>\n      <valueName>trackIds</valueName>\n      <value>${ev.trackIds.join(' ')}</value>\n    </parameter>`);
    for (const a of info.areas) lines.push(a);
    lines.push('  </info>');
  }
  lines.push('</alert>');
  return lines.join('\n') + '\n';
}
