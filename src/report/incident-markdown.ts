/**
 * The incident report as text: a lead paragraph in the style of the official statements after the 2020–2021
 * Green Zone attacks (when, how many of what, where each fell or was shot down, engagements, warnings, launch
 * area), then the detail: projectiles, warnings zone by zone, engagements, launch area, sensor story and, in
 * a simulation, the truth comparison.
 */
import type { Site } from '../scenario/types.js';
import type { Incident, LaunchAreaReport, ProjectileReport, ZoneWarningReport } from './incident-types.js';
import { LocalClock, capitalise, ellipseText, inSentence, joinAnd, metres, numberWord, seconds, utcOffsetText } from './incident-words.js';

const ORDINALS = ['zeroth', 'first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth', 'tenth', 'eleventh', 'twelfth'];
const ordinal = (n: number): string => ORDINALS[n] ?? `#${n}`;
/** above this many projectiles the lead paragraph counts outcomes instead of giving each one */
const MAX_ITEMISED = 6;

/** "US Embassy compound: siren 21.0 s before impact, shelter time 15 s — enough". */
export function zoneWarningText(w: ZoneWarningReport, clock: LocalClock): string {
  const shelter = `shelter time ${w.shelterSeconds} s`;
  const start = w.siren ?? w.early;
  let text: string;
  if (start === undefined) {
    const at = w.reference ? ` (impact at ${clock.clock(w.reference.t, true)})` : '';
    text = `${w.zoneName}: no warning issued${at}, ${shelter}`;
  } else {
    const what = w.siren !== undefined ? 'siren' : 'early warning only';
    if (!w.reference || w.leadTime === undefined) {
      text = `${w.zoneName}: ${what} at ${clock.clock(start, true)} (no impact or intercept to measure it against), ${shelter}`;
    } else {
      const ref = w.reference.kind === 'impact in zone' ? 'impact' : w.reference.kind === 'intercept' ? `the intercept of #${w.reference.projectile}` : `the impact of #${w.reference.projectile} (outside the zone)`;
      const lead = w.leadTime;
      if (lead < 0) text = `${w.zoneName}: ${what} ${seconds(-lead)} after ${ref} — too late (${shelter})`;
      else if (w.verdict === 'enough') text = `${w.zoneName}: ${what} ${seconds(lead)} before ${ref}, ${shelter} — enough`;
      else text = `${w.zoneName}: ${what} ${seconds(lead)} before ${ref}, ${shelter} — not enough (${seconds(w.shelterSeconds - lead)} short)`;
    }
    if (w.siren !== undefined && w.early !== undefined && w.reference) text += `; early warning ${seconds(w.reference.t - w.early)} before`;
  }
  if (w.clear !== undefined) text += `; all clear at ${clock.clock(w.clear)}`;
  return text;
}

/** For the lead paragraph: "US Embassy compound 21.0 s before impact (shelter time 15 s: enough)". */
function zoneWarningShort(w: ZoneWarningReport): string {
  if (!w.reference || w.leadTime === undefined) return `${w.zoneName} (nothing to measure the warning against)`;
  const ref = w.reference.kind === 'intercept' ? 'the intercept' : 'impact';
  if (w.leadTime < 0) return `${w.zoneName} ${seconds(-w.leadTime)} after ${ref} (too late)`;
  return `${w.zoneName} ${seconds(w.leadTime)} before ${ref} (shelter time ${w.shelterSeconds} s: ${w.verdict})`;
}

/** "≈ 8.5 km E of the US Embassy, ≈ 150 m W of New Baghdad (al-Alf Dar); ±170 m × 17 m (1σ, long axis E–W)". */
export function launchAreaText(a: LaunchAreaReport): string {
  let text = a.fromReference.text;
  if (a.near) text += `, ${a.near.text}`;
  if (a.ellipse) text += `; ${ellipseText(a.ellipse)}`;
  if (a.projectiles.length > 1) text += `; launch points within ${metres(a.spread)} of the centre`;
  return text;
}

function outcomeClause(p: ProjectileReport, subject: string, clock: LocalClock): string {
  const c = (t: number): string => clock.clock(t);
  switch (p.outcome) {
    case 'intercepted':
      return `${subject} was shot down by ${p.intercept!.interceptor} at ${c(p.intercept!.t)}, ${p.intercept!.place.text}, at ≈ ${metres(p.intercept!.height)} above ground`;
    case 'impact':
      return `${subject} fell at ${c(p.impact!.t)}, ${p.impact!.place.text}`;
    case 'lost':
      return p.impact
        ? `${subject} was lost at ${c(p.lostAt!)}; its last predicted impact: ${c(p.impact.t)}, ${p.impact.place.text}`
        : `${subject} was lost at ${c(p.lostAt!)} before any impact prediction`;
    default:
      return p.impact ? `${subject} was still in flight, predicted to fall at ${c(p.impact.t)}, ${p.impact.place.text}` : `${subject} was still in flight`;
  }
}

function engagementSentence(inc: Incident): string {
  if (!inc.engagements.engaged) return 'No engagement.';
  // per interceptor and projectile, the decisive result
  const rank: Record<string, number> = { kill: 6, miss: 5, fired: 4, 'no-solution': 3, 'out-of-ammunition': 2, hold: 1 };
  const best = new Map<string, { interceptor: string; n?: number; trackId: number; result: string }>();
  for (const e of inc.engagements.events) {
    const key = `${e.interceptor}\u0000${e.trackId}`;
    const b = best.get(key);
    if (!b || (rank[e.result] ?? 0) > (rank[b.result] ?? 0)) best.set(key, { interceptor: e.interceptor, ...(e.projectile !== undefined ? { n: e.projectile } : {}), trackId: e.trackId, result: e.result });
  }
  const one = inc.projectiles.length === 1;
  if (inc.projectiles.length > MAX_ITEMISED) {
    // many: per interceptor, how many of each decisive result
    const per = new Map<string, Map<string, number>>();
    for (const b of best.values()) {
      let m = per.get(b.interceptor);
      if (!m) per.set(b.interceptor, (m = new Map()));
      m.set(b.result, (m.get(b.result) ?? 0) + 1);
    }
    const words: Record<string, string> = { kill: 'shot down', miss: 'fired and missed', fired: 'fired (no kill assessment)', 'no-solution': 'no firing solution', 'out-of-ammunition': 'out of ammunition', hold: 'held fire' };
    const parts = [...per].map(([icpt, m]) => `${icpt}: ${Object.keys(words).filter((r) => m.has(r)).map((r) => `${words[r]!} ${m.get(r)!}`).join(', ')}`);
    return `Engagements: ${parts.join('; ')}.`;
  }
  const parts = [...best.values()].map((b) => {
    const whom = b.n === undefined ? `track ${b.trackId}` : one ? 'it' : `the ${ordinal(b.n)}`;
    switch (b.result) {
      case 'kill':
        return `${b.interceptor} shot down ${whom}`;
      case 'miss':
        return `${b.interceptor} fired at ${whom} and missed`;
      case 'fired':
        return `${b.interceptor} fired at ${whom} (no kill assessment)`;
      case 'no-solution':
        return `${b.interceptor} had no firing solution on ${whom}`;
      case 'hold':
        return `${b.interceptor} held fire on ${whom} (no longer predicted to hit a defended asset)`;
      default:
        return `${b.interceptor} was out of ammunition for ${whom}`;
    }
  });
  return `Engagements: ${parts.join('; ')}.`;
}

/** The lead paragraph, as a statement would give it. */
export function incidentLead(inc: Incident, site: Site, clock: LocalClock): string {
  const n = inc.projectiles.length;
  const when = `On ${inc.local.longDate} at ${inc.local.time.slice(0, 5)} local time (${utcOffsetText(inc.local.utcOffset)})`;
  let from = '';
  if (inc.launchAreas.length === 1) {
    const a = inc.launchAreas[0]!;
    from = ` from ${a.fromReference.text}${a.near ? `, ${a.near.text}` : ''}`;
  } else if (inc.launchAreas.length > 1) from = ` from ${numberWord(inc.launchAreas.length)} launch areas`;
  const sentences = [`${when}, ${inc.headline} ${n === 1 ? 'was' : 'were'} fired towards ${inSentence(site.name)}${from}.`];
  if (inc.launchAreas.length === 0 && n > 0) sentences.push('The launch area could not be estimated.');
  if (n <= MAX_ITEMISED) {
    const clauses = inc.projectiles.map((p, i) => outcomeClause(p, n === 1 ? 'It' : i === 0 ? `The ${ordinal(p.n)}` : `the ${ordinal(p.n)}`, clock));
    if (clauses.length > 0) sentences.push(`${clauses.join('; ')}.`);
  } else {
    const fell = inc.projectiles.filter((p) => p.outcome === 'impact');
    const inZones = fell.filter((p) => p.impact!.place.zone !== undefined).length;
    const parts: string[] = [];
    if (fell.length > 0) parts.push(`${numberWord(fell.length)} fell, ${numberWord(inZones)} of them inside the warning zones`);
    const count = (o: ProjectileReport['outcome']): number => inc.projectiles.filter((p) => p.outcome === o).length;
    const k = count('intercepted');
    if (k > 0) parts.push(`${numberWord(k)} ${k === 1 ? 'was' : 'were'} shot down`);
    const l = count('lost');
    if (l > 0) parts.push(`${numberWord(l)} ${l === 1 ? 'was' : 'were'} lost by the radars before impact`);
    const f = count('in flight');
    if (f > 0) parts.push(`${numberWord(f)} ${f === 1 ? 'was' : 'were'} still in flight`);
    sentences.push(`${capitalise(joinAnd(parts))} (each one under Projectiles).`);
  }
  sentences.push(engagementSentence(inc));
  if (!inc.warnings.issued) {
    sentences.push('No warning issued.');
  } else {
    const sirens = inc.warnings.zones.filter((z) => z.siren !== undefined);
    const early = inc.warnings.zones.filter((z) => z.siren === undefined && z.early !== undefined);
    const unwarned = inc.warnings.zones.filter((z) => z.verdict === 'not warned');
    if (sirens.length > 0) sentences.push(`Sirens: ${sirens.map(zoneWarningShort).join('; ')}.`);
    if (early.length > 0) sentences.push(`Early warning only: ${early.map(zoneWarningShort).join('; ')}.`);
    if (unwarned.length > 0) sentences.push(`${capitalise(joinAnd(unwarned.map((z) => z.zoneName)))}: no warning issued.`);
  }
  return sentences.join(' ');
}

const cell = (s: string): string => s.replaceAll('|', '\\|');
/** "+0.36", "-3.00", "0.00" (never "-0.00") */
const signed = (v: number, digits: number): string => {
  const s = v.toFixed(digits);
  if (Number(s) === 0) return (0).toFixed(digits);
  return v > 0 ? `+${s}` : s;
};

/** The report as Markdown. */
export function incidentMarkdown(inc: Incident, site: Site): string {
  const clock = new LocalClock(inc.local.timeZone);
  const c = (t: number): string => clock.clock(t, true);
  const L: string[] = [];
  L.push(`# Incident ${inc.incidentId}: ${inc.headline} — ${site.name}`, '');
  L.push(
    `${inc.local.longDate}, ${inc.local.time.slice(0, 8)} local time (${utcOffsetText(inc.local.utcOffset)}, ${inc.local.timeZone}); ${inc.startIso}. ` +
      `Status: ${inc.status}${inc.closedAt !== undefined ? ` (closed ${clock.clock(inc.closedAt)})` : ''}.`,
    '',
  );
  L.push(inc.summary, '');

  L.push('## Projectiles', '');
  if (inc.projectiles.length === 0) L.push('None.', '');
  else {
    L.push('| # | track | type | launched (est.) | outcome | where | time (local) |', '|---|---|---|---|---|---|---|');
    for (const p of inc.projectiles) {
      let where = '—';
      let when = '—';
      if (p.outcome === 'intercepted') {
        where = `shot down by ${p.intercept!.interceptor} ${p.intercept!.place.text}, ≈ ${metres(p.intercept!.height)} above ground` + (p.impact ? `; it was heading for ${p.impact.place.text}` : '');
        when = c(p.intercept!.t);
      } else if (p.impact) {
        where = `${p.outcome === 'impact' ? '' : 'predicted: '}${p.impact.place.text}` + (p.impact.ellipse ? ` (${ellipseText(p.impact.ellipse)})` : '');
        when = `${c(p.impact.t)}${p.impact.tSigma !== undefined ? ` ±${p.impact.tSigma.toFixed(2)} s` : ''}`;
      }
      const outcome = p.outcome === 'lost' ? `track lost ${c(p.lostAt!)}` : p.outcome;
      L.push(`| ${p.n} | ${p.trackId} | ${p.kind} | ${p.launch?.t !== undefined ? c(p.launch.t) : '—'} | ${outcome} | ${cell(where)} | ${when} |`);
    }
    L.push('');
  }

  L.push('## Warnings', '');
  if (!inc.warnings.issued) L.push('No warning issued.');
  for (const z of inc.warnings.zones) L.push(`- ${z.text}.`);
  if (inc.warnings.issued) L.push('', `Alerts: ${inc.warnings.alertIds.join(', ')}.`);
  L.push('');

  L.push('## Engagements', '');
  if (!inc.engagements.engaged) L.push('No engagement.');
  for (const e of inc.engagements.events) {
    const whom = e.projectile !== undefined ? `#${e.projectile}` : `track ${e.trackId}`;
    const at = e.intercept ? `, ${e.result === 'kill' ? '' : 'aimed '}${e.intercept.place.text}, ≈ ${metres(e.intercept.height)} above ground` : '';
    L.push(`- ${c(e.t)} ${e.interceptor} → ${whom}: ${e.result}${at}`);
  }
  L.push('');

  L.push('## Launch area', '');
  if (inc.launchAreas.length === 0) L.push('Not estimated.');
  for (const a of inc.launchAreas) {
    const times = a.times.length > 0 ? `; launched ${a.times.map(c).join(', ')} (est.)` : '';
    L.push(`- ${a.projectiles.map((n) => `#${n}`).join(', ')}: ${a.text}${times}.`);
  }
  L.push('');

  L.push('## Sensor story', '');
  for (const p of inc.projectiles) {
    const parts: string[] = [];
    if (p.firstDetection) {
      const after = p.launch?.t !== undefined ? ` (${seconds(p.firstDetection.t - p.launch.t)} after the estimated launch)` : '';
      parts.push(`first detected ${c(p.firstDetection.t)} by ${p.firstDetection.sensor}${after}, ${p.firstDetection.plots} plots up to confirmation`);
    }
    parts.push(`confirmed ${c(p.confirmed.t)}${p.confirmed.sensor ? ` (${p.confirmed.sensor})` : ''}`);
    parts.push(`classed ballistic ${c(p.ballistic)}`);
    if (p.classified && p.classified.threat !== 'ballistic') parts.push(`${p.kind} from ${c(p.classified.t)}`);
    else parts.push('type not identified');
    if (p.firstPrediction) {
      const end = p.outcome === 'intercepted' ? p.intercept!.t : p.impact?.t;
      parts.push(`first impact prediction ${c(p.firstPrediction.t)}${end !== undefined ? ` (${seconds(end - p.firstPrediction.t)} before ${p.outcome === 'intercepted' ? 'the intercept' : 'impact'})` : ''}`);
    }
    if (p.sensors.length > 0) parts.push(`updated by ${joinAnd(p.sensors)}`);
    parts.push(`highest tracked point ≈ ${metres(p.maxHeight)} above ground`);
    L.push(`- #${p.n} (track ${p.trackId}): ${parts.join('; ')}.`);
  }
  if (inc.projectiles.length === 0) L.push('None.');
  L.push('');

  if (inc.truth) {
    const t = inc.truth;
    L.push('## Truth (simulation)', '');
    L.push('| truth | type | # | type named | impact error | impact from landmark: reported / true | launch error | launch from reference: reported / true | first plot (truth) | first detection |');
    L.push('|---|---|---|---|---|---|---|---|---|---|');
    for (const th of t.threats) {
      const e = th.errors;
      const pct = (r: number, tr: number): string => (tr > 0 ? ` (${signed(((r - tr) / tr) * 100, 1)} %)` : '');
      const row = [
        th.threatId,
        th.type,
        th.projectile !== undefined ? String(th.projectile) : 'not tracked',
        e ? e.type : '—',
        e?.impact !== undefined ? `${e.impact.toFixed(0)} m, ${signed(e.impactTime!, 2)} s` : '—',
        e?.impactFromLandmark ? `${e.impactFromLandmark.landmark}: ${e.impactFromLandmark.reported.toFixed(0)} / ${e.impactFromLandmark.true.toFixed(0)} m` : '—',
        e?.launch !== undefined ? `${e.launch.toFixed(0)} m${e.launchTime !== undefined ? `, ${signed(e.launchTime, 2)} s` : ''}` : '—',
        e?.launchFromReference
          ? `${e.launchFromReference.landmark}: ${e.launchFromReference.reported.toFixed(0)} / ${e.launchFromReference.true.toFixed(0)} m${pct(e.launchFromReference.reported, e.launchFromReference.true)}`
          : '—',
        th.firstPlot ? `${c(th.firstPlot.t)} ${th.firstPlot.sensor}` : '—',
        e?.firstDetection !== undefined ? `${signed(e.firstDetection, 1)} s` : '—',
      ];
      L.push(`| ${row.map(cell).join(' | ')} |`);
    }
    L.push('');
    for (const th of t.threats) {
      const parts: string[] = [];
      if (th.launch) parts.push(`launched ${c(th.launch.t)} ${th.launch.fromReference.text}`);
      if (th.impact) parts.push(`fell ${c(th.impact.t)} ${th.impact.place.text}`);
      if (th.intercepted) parts.push(`destroyed in the air ${c(th.intercepted.t)} ${th.intercepted.place.text}, ≈ ${metres(th.intercepted.height)} above ground`);
      if (th.errors?.intercept !== undefined) parts.push(`reported intercept ${th.errors.intercept.toFixed(0)} m and ${signed(th.errors.interceptTime!, 2)} s from it`);
      L.push(`- ${th.threatId} (${th.type}): ${parts.join('; ')}.`);
    }
    L.push('', `Missed: ${t.missed.length > 0 ? t.missed.join(', ') : 'none'}. False tracks: ${t.falseTracks.length > 0 ? t.falseTracks.map((n) => `#${n}`).join(', ') : 'none'}.`, '');
  }
  return L.join('\n');
}

/** The report as JSON text (two-space indent, trailing newline). */
export function incidentJson(inc: Incident): string {
  return JSON.stringify(inc, null, 2) + '\n';
}
