/**
 * The words of an incident report: local date and time, "two 122 mm rockets", places described from the
 * nearest named landmark with the zone or defended asset they fall in, 1-σ ellipses. Pure functions of their
 * inputs (no locale or clock of the machine), so reports are byte-identical everywhere.
 */
import { InputError } from '../core/errors.js';
import { compassPoint, describeFrom } from '../geo/compass.js';
import { inverse } from '../geo/geodesic.js';
import { pointInRing } from '../geo/polygon.js';
import type { Landmark, Site } from '../scenario/types.js';

// ---------------------------------------------------------------------------------------------------------
// Numbers

export const round = (v: number, digits: number): number => Number(v.toFixed(digits));

const NUMBER_WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve'];

/** "two", "eleven", "13". */
export function numberWord(n: number): string {
  return NUMBER_WORDS[n] ?? String(n);
}

export function capitalise(s: string): string {
  return s.length > 0 ? s[0]!.toUpperCase() + s.slice(1) : s;
}

/** "a, b and c". */
export function joinAnd(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]!}`;
}

/** Seconds with one decimal: "21.4 s". */
export function seconds(s: number): string {
  return `${s.toFixed(1)} s`;
}

// ---------------------------------------------------------------------------------------------------------
// Threat classes

export interface ThreatKind {
  singular: string;
  plural: string;
}

/**
 * The words for a track's threat class (src/track/threat-class.ts): 'rocket-122' → "122 mm rocket",
 * 'mortar-82' → "82 mm mortar round", 'rocket' → "rocket (calibre not identified)", 'ballistic' or none →
 * "unidentified ballistic projectile".
 */
export function threatKind(threat: string | undefined): ThreatKind {
  const m = /^(rocket|mortar)-(\d+)$/.exec(threat ?? '');
  if (m) {
    const noun = m[1] === 'rocket' ? 'rocket' : 'mortar round';
    return { singular: `${m[2]!} mm ${noun}`, plural: `${m[2]!} mm ${noun}s` };
  }
  if (threat === 'rocket') return { singular: 'rocket (calibre not identified)', plural: 'rockets (calibre not identified)' };
  if (threat === 'mortar') return { singular: 'mortar round (calibre not identified)', plural: 'mortar rounds (calibre not identified)' };
  return { singular: 'unidentified ballistic projectile', plural: 'unidentified ballistic projectiles' };
}

/** "two 122 mm rockets and one 82 mm mortar round", kinds in order of first appearance. */
export function countPhrase(threats: ReadonlyArray<string | undefined>): string {
  const counts = new Map<string, { kind: ThreatKind; n: number }>();
  for (const t of threats) {
    const kind = threatKind(t);
    const c = counts.get(kind.singular);
    if (c) c.n++;
    else counts.set(kind.singular, { kind, n: 1 });
  }
  return joinAnd([...counts.values()].map(({ kind, n }) => `${numberWord(n)} ${n === 1 ? kind.singular : kind.plural}`));
}

// ---------------------------------------------------------------------------------------------------------
// Names in sentences

/**
 * A place name as it reads in a sentence: "the US Embassy", "the Republican Palace", but "Victory Arch
 * (Celebration Square)", "New Baghdad (al-Alf Dar)", "Baghdad International Airport". The site files carry
 * bare names, so the article is guessed: names that start with an abbreviation ("US Embassy") or whose head
 * is a common noun (embassy, palace, hotel, monument, ministry, mosque, bridge, compound, reference point,
 * zone…) take "the" ("the Baghdad International Zone"). A name that already starts with an article is kept.
 */
export function inSentence(name: string): string {
  if (/^(the|a|an)\s/i.test(name)) return name;
  const head = name.replace(/\s*\(.*\)\s*$/, '');
  if (/(Airport|Air Base|Square)$/.test(head)) return name;
  if (/^[A-Z]{2,}\s/.test(head) || /^Monument\b/.test(head) || /\b(Embassy|Palace|Hotel|Ministry|Mosque|Bridge|compound|reference point|base|Base|Zone)$/.test(head)) {
    return `the ${name}`;
  }
  return name;
}

// ---------------------------------------------------------------------------------------------------------
// Places

export interface LandmarkRef {
  id: string;
  name: string;
  /** m from the landmark */
  distance: number;
  /** from the landmark to the point, degrees clockwise from north */
  azimuthDeg: number;
  /** 16-point compass name of azimuthDeg */
  bearing: string;
  /** "≈ 310 m SE of Victory Arch (Celebration Square)" */
  text: string;
}

export interface PlaceReport {
  lat: number;
  lon: number;
  /** the nearest named landmark (absent when the site has none) */
  landmark?: LandmarkRef;
  /** the warning zone the point falls in */
  zone?: { id: string; name: string; shelterSeconds: number };
  /** the defended asset the point falls in */
  asset?: { id: string; name: string };
  /** "≈ 310 m SE of Victory Arch (Celebration Square), in Celebration Square (Grand Festivities Square)" */
  text: string;
}

function landmarkRef(lm: Landmark, lat: number, lon: number): LandmarkRef {
  const d = describeFrom({ name: inSentence(lm.name), lat: lm.lat, lon: lm.lon }, lat, lon);
  return { id: lm.id, name: lm.name, distance: round(d.distance, 1), azimuthDeg: round(d.azimuthDeg, 1), bearing: compassPoint(d.azimuthDeg), text: d.text };
}

export function nearestLandmark(landmarks: readonly Landmark[], lat: number, lon: number): Landmark | undefined {
  let best: { d: number; lm: Landmark } | undefined;
  for (const lm of landmarks) {
    const d = inverse(lm.lat, lm.lon, lat, lon).distance;
    if (!best || d < best.d) best = { d, lm };
  }
  return best?.lm;
}

/**
 * The site's reference landmark: the named landmark nearest to the site origin (the Green Zone: the US
 * Embassy), or the origin itself as "the site origin" when the site names none. Launch areas are given
 * from it, the way statements give them from the defended place ("≈ 8.5 km E of the US Embassy").
 */
export function referenceLandmark(site: Site): Landmark {
  return nearestLandmark(site.landmarks, site.origin.lat, site.origin.lon) ?? { id: 'site-origin', name: 'the site origin', lat: site.origin.lat, lon: site.origin.lon };
}

/** A point described from a given landmark. */
export function fromLandmark(lm: Landmark, lat: number, lon: number): LandmarkRef {
  return landmarkRef(lm, lat, lon);
}

/**
 * A point on the ground as a report gives it: distance and bearing from the nearest named landmark, then the
 * defended asset and the warning zone it falls in ("…, inside the US Embassy compound", "…, in Zone south",
 * "…, outside the warning zones" unless `sayOutside` is false, as for launch points).
 */
export function describePlace(site: Site, lat: number, lon: number, opts: { sayOutside?: boolean } = {}): PlaceReport {
  const place: PlaceReport = { lat: round(lat, 6), lon: round(lon, 6), text: '' };
  const lm = nearestLandmark(site.landmarks, lat, lon);
  if (lm) place.landmark = landmarkRef(lm, lat, lon);
  const zone = site.zones.find((z) => pointInRing(lat, lon, z.ring));
  if (zone) place.zone = { id: zone.id, name: zone.name, shelterSeconds: zone.shelterSeconds };
  const asset = [...site.assets].sort((a, b) => a.priority - b.priority).find((a) => pointInRing(lat, lon, a.ring));
  if (asset) place.asset = { id: asset.id, name: asset.name };
  const parts: string[] = [place.landmark?.text ?? `${round(lat, 5)}, ${round(lon, 5)}`];
  if (asset) parts.push(`inside ${inSentence(asset.name)}`);
  if (zone && zone.name !== asset?.name) {
    // a zone named after an asset the point is not in: "in the Al-Rasheed Hotel zone", not "in the Al-Rasheed Hotel"
    const named = site.assets.some((a) => a.name === zone.name);
    parts.push(named ? `in ${inSentence(zone.name)} zone` : `in ${inSentence(zone.name)}`);
  }
  if (!zone && !asset && site.zones.length > 0 && opts.sayOutside !== false) parts.push('outside the warning zones');
  place.text = parts.join(', ');
  return place;
}

// ---------------------------------------------------------------------------------------------------------
// Ellipses

export interface EllipseReport {
  /** 1-σ semi-axes, m */
  sigmaMajor: number;
  sigmaMinor: number;
  /** azimuth of the major axis, degrees clockwise from north in [0, 180) */
  majorAxisDeg: number;
}

/** The 1-σ ellipse of an east/north covariance (m²). */
export function ellipseOf(covEN: readonly (readonly number[])[]): EllipseReport {
  const a = covEN[0]?.[0] ?? 0;
  const b = covEN[0]?.[1] ?? 0;
  const c = covEN[1]?.[1] ?? 0;
  const mean = (a + c) / 2;
  const d = Math.hypot((a - c) / 2, b);
  const l1 = Math.max(0, mean + d);
  const l2 = Math.max(0, mean - d);
  // angle of the major axis from east, counter-clockwise → azimuth from north, clockwise
  const theta = 0.5 * Math.atan2(2 * b, a - c);
  let az = 90 - (theta * 180) / Math.PI;
  az = ((az % 180) + 180) % 180;
  return { sigmaMajor: round(Math.sqrt(l1), 1), sigmaMinor: round(Math.sqrt(l2), 1), majorAxisDeg: round(az, 1) };
}

/** Metres for sizes: 1 m below 100 m, 10 m below 1 km, 0.1 km from 1 km (decided on the rounded value). */
export function metres(m: number): string {
  if (Math.round(m) < 100) return `${Math.round(m)} m`;
  const m10 = Math.round(m / 10) * 10;
  if (m10 < 1000) return `${m10} m`;
  return `${(Math.round(m / 100) / 10).toFixed(1)} km`;
}

/** "±170 m × 20 m (1σ, long axis E–W)"; "±10 m (1σ)" when nearly round. */
export function ellipseText(e: EllipseReport): string {
  const axis = `${compassPoint(e.majorAxisDeg)}–${compassPoint(e.majorAxisDeg + 180)}`;
  if (e.sigmaMinor >= 0.8 * e.sigmaMajor) return `±${metres(e.sigmaMajor)} (1σ)`;
  return `±${metres(e.sigmaMajor)} × ${metres(e.sigmaMinor)} (1σ, long axis ${axis})`;
}

// ---------------------------------------------------------------------------------------------------------
// Local time

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

export interface LocalTime {
  /** YYYY-MM-DD */
  date: string;
  /** HH:MM:SS.s */
  time: string;
  /** "Sunday 19 December 2021" */
  longDate: string;
  /** "+03:00" */
  utcOffset: string;
  timeZone: string;
}

/** Local calendar time in an IANA time zone, from the ICU time-zone data only (no locale words). */
export class LocalClock {
  readonly timeZone: string;
  private readonly fmt: Intl.DateTimeFormat;

  constructor(timeZone: string) {
    try {
      this.fmt = new Intl.DateTimeFormat('en-GB', {
        timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
      });
    } catch {
      throw new InputError(`unknown time zone "${timeZone}" (an IANA name such as Asia/Baghdad)`, undefined, undefined, 'timeZone');
    }
    this.timeZone = timeZone;
  }

  /** UTC seconds → local time, to a tenth of a second. */
  at(t: number): LocalTime {
    const tenths = Math.round(t * 10);
    const whole = Math.floor(tenths / 10);
    const tenth = tenths - whole * 10;
    const parts: Record<string, number> = {};
    for (const p of this.fmt.formatToParts(new Date(whole * 1000))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
    const y = parts.year!;
    const mo = parts.month!;
    const d = parts.day!;
    const h = parts.hour! % 24;
    const mi = parts.minute!;
    const s = parts.second!;
    const localAsUtc = Date.UTC(y, mo - 1, d, h, mi, s) / 1000;
    const offMin = Math.round((localAsUtc - whole) / 60);
    const sign = offMin < 0 ? '-' : '+';
    const abs = Math.abs(offMin);
    const p2 = (n: number): string => String(n).padStart(2, '0');
    const weekday = WEEKDAYS[new Date(Date.UTC(y, mo - 1, d)).getUTCDay()]!;
    return {
      date: `${y}-${p2(mo)}-${p2(d)}`,
      time: `${p2(h)}:${p2(mi)}:${p2(s)}.${tenth}`,
      longDate: `${weekday} ${d} ${MONTHS[mo - 1]!} ${y}`,
      utcOffset: `${sign}${p2(Math.floor(abs / 60))}:${p2(abs % 60)}`,
      timeZone: this.timeZone,
    };
  }

  /** "03:30:05" (whole seconds) or "03:30:05.2" (tenths). */
  clock(t: number, tenths = false): string {
    const time = this.at(t).time;
    return tenths ? time : time.slice(0, 8);
  }
}

/** "UTC+3", "UTC+5:30", "UTC" from "+03:00". */
export function utcOffsetText(offset: string): string {
  const m = /^([+-])(\d\d):(\d\d)$/.exec(offset);
  if (!m || (m[2] === '00' && m[3] === '00')) return 'UTC';
  return `UTC${m[1]!}${Number(m[2])}${m[3] === '00' ? '' : `:${m[3]!}`}`;
}
