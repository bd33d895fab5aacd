/**
 * Random attacks on a site, for the Monte Carlo planner (`tocsin plan`, docs/planning.md).
 *
 * `randomAttack(base, rng, opts)` keeps the base scenario's site, start, environment and non-ballistic
 * flights (drones, aircraft, birds) and replaces its threats with a random attack:
 *
 * - 1–6 threats (`minThreats`–`maxThreats`), launched within `windowSeconds` of a first launch drawn from
 *   `firstLaunch` (s after the start);
 * - types from the catalogue (`types`): one type for the whole attack, or, with probability `mixedTypes`,
 *   a type per round; the rounds of one type come from one launcher (a ripple), scattered by `roundScatter`;
 * - aim points drawn from the site (weights `aim`): inside a defended asset, inside a warning zone (uniform
 *   over the zones' area), or on open ground within `openMargin` of the defended area but in no zone or asset;
 * - launchers like `generate-salvo.ts` places them: rockets from a named launch area (`launchAreas`, default
 *   the public Green Zone areas that lie within the site's extent) when one reaches the first aim point,
 *   otherwise from a firing position at 40–85 % of the type's maximum range from it, on a random bearing; a
 *   launcher is never inside a zone, an asset or the site's outline;
 * - physically valid: every aim point lies between 1.25 × the type's shortest range (`rangeBand`) and 92 % of
 *   its published maximum range from its launch point (a margin for wind and rounding, as in the salvo
 *   generator).
 *
 * A pure function of (base, the rng's stream, opts): the planner gives run i the stream of seed
 * base.seed + i, so the same seed always gives the same attack.
 */
import { Rng } from '../core/rng.js';
import { direct, inverse } from '../geo/geodesic.js';
import { pointInRing, ringAreaM2, ringCentroid } from '../geo/polygon.js';
import { THREAT_CATALOGUE } from '../physics/catalogue.js';
import { DEFAULT_LAUNCH, rangeAt } from '../physics/range.js';
import { THREAT_TYPES, type ThreatType } from '../physics/threat-types.js';
import { LAUNCH_AREAS } from '../scenario/generate-salvo.js';
import type { LonLat, NonBallisticDef, Scenario, Site, ThreatDef } from '../scenario/types.js';

export interface LaunchArea {
  name: string;
  lat: number;
  lon: number;
}

export interface AttackOptions {
  minThreats: number;
  maxThreats: number;
  /** catalogue types to draw from */
  types: readonly ThreatType[];
  /** probability that an attack mixes types (else every round has the attack's one type) */
  mixedTypes: number;
  /** s: launches spread over [first, first + window) */
  windowSeconds: number;
  /** s after the scenario start: the first launch is drawn uniformly from this interval */
  firstLaunch: readonly [number, number];
  /** relative weights of the aim point's kind */
  aim: { asset: number; zone: number; open: number };
  /** m: open-ground aim points lie within this distance beyond the defended area's radius */
  openMargin: number;
  /** named launch areas for rockets; undefined: LAUNCH_AREAS within the site's extent of its origin */
  launchAreas?: readonly LaunchArea[];
  /** probability that a rocket launcher uses a reachable named area rather than a random firing position */
  areaProbability: number;
  /** m: a launcher is placed within this distance of a named area's centre */
  areaScatter: number;
  /** m: the rounds of one launcher leave within this distance of it */
  roundScatter: number;
  /** keep the base scenario's drones, aircraft and birds */
  keepNonBallistic: boolean;
  /** extra random drones and birds crossing the site during the attack */
  flyers: number;
}

export const DEFAULT_ATTACK: AttackOptions = {
  minThreats: 1,
  maxThreats: 6,
  types: THREAT_TYPES,
  mixedTypes: 0.25,
  windowSeconds: 20,
  firstLaunch: [5, 15],
  aim: { asset: 0.25, zone: 0.45, open: 0.3 },
  openMargin: 1500,
  areaProbability: 0.7,
  areaScatter: 800,
  roundScatter: 30,
  keepNonBallistic: true,
  flyers: 0,
};

/** Use at most this fraction of the published maximum range (wind and rounding margin, as generate-salvo). */
export const RANGE_MARGIN = 0.92;
/** ...and at least this multiple of the published minimum range. */
export const MIN_RANGE_FACTOR = 1.25;
/** Random firing positions: this fraction of the maximum range from the first aim point. */
const CLOSE_IN = [0.4, 0.85] as const;

type Point = { lat: number; lon: number };

const round5 = (x: number): number => Math.round(x * 1e5) / 1e5;
const rounded = (p: Point): Point => ({ lat: round5(p.lat), lon: round5(p.lon) });
const distance = (a: Point, b: Point): number => inverse(a.lat, a.lon, b.lat, b.lon).distance;

/** The site's defended geometry, as the generator needs it. */
export interface DefendedArea {
  centre: Point;
  /** m: farthest zone, asset or outline vertex from the centre */
  radius: number;
  zones: Array<{ ring: LonLat[]; area: number }>;
  assets: Array<{ ring: LonLat[]; area: number }>;
  /** rings nobody fires from: zones, assets, outline */
  forbidden: LonLat[][];
}

export function defendedArea(site: Site): DefendedArea {
  const zones = site.zones.map((z) => ({ ring: z.ring, area: ringAreaM2(z.ring) }));
  const assets = site.assets.map((a) => ({ ring: a.ring, area: ringAreaM2(a.ring) }));
  const forbidden = [...site.zones.map((z) => z.ring), ...site.assets.map((a) => a.ring), ...(site.outline ? [site.outline] : [])];
  let centre: Point;
  if (site.outline) centre = ringCentroid(site.outline);
  else if (zones.length > 0) {
    // area-weighted mean of the zone centroids
    let w = 0;
    let lat = 0;
    let lon = 0;
    for (const z of zones) {
      const c = ringCentroid(z.ring);
      lat += c.lat * z.area;
      lon += c.lon * z.area;
      w += z.area;
    }
    centre = w > 0 ? { lat: lat / w, lon: lon / w } : { lat: site.origin.lat, lon: site.origin.lon };
  } else centre = { lat: site.origin.lat, lon: site.origin.lon };
  let radius = 0;
  for (const ring of forbidden) for (const [lon, lat] of ring) radius = Math.max(radius, distance(centre, { lat, lon }));
  return { centre, radius, zones, assets, forbidden };
}

/** Is the point inside a zone, an asset or the outline? */
export function inDefendedArea(area: DefendedArea, p: Point): boolean {
  return area.forbidden.some((ring) => pointInRing(p.lat, p.lon, ring));
}

/** A point uniformly distributed over a disc of radius r (m) around c. */
function inDisc(rng: Rng, c: Point, r: number): Point {
  return rounded(direct(c.lat, c.lon, rng.range(0, 360), r * Math.sqrt(rng.uniform())));
}

/** A point uniformly distributed over a polygon (rejection in its bounding box; degrees are locally uniform). */
function inRing(rng: Rng, ring: LonLat[]): Point {
  let lo0 = Infinity, lo1 = -Infinity, la0 = Infinity, la1 = -Infinity;
  for (const [lon, lat] of ring) {
    lo0 = Math.min(lo0, lon);
    lo1 = Math.max(lo1, lon);
    la0 = Math.min(la0, lat);
    la1 = Math.max(la1, lat);
  }
  for (let i = 0; i < 10000; i++) {
    const p = rounded({ lat: rng.range(la0, la1), lon: rng.range(lo0, lo1) });
    if (pointInRing(p.lat, p.lon, ring)) return p;
  }
  return rounded(ringCentroid(ring));
}

/** One of the items, with probability proportional to its weight. */
function pickWeighted<T>(rng: Rng, items: readonly T[], weight: (t: T) => number): T | undefined {
  const total = items.reduce((s, t) => s + Math.max(0, weight(t)), 0);
  if (!(total > 0)) return undefined;
  let u = rng.uniform() * total;
  for (const t of items) {
    u -= Math.max(0, weight(t));
    if (u < 0) return t;
  }
  return items[items.length - 1];
}

/** A random aim point: in an asset, in a zone, or on open ground near the defended area (opts.aim). */
export function randomAimPoint(rng: Rng, area: DefendedArea, opts: Pick<AttackOptions, 'aim' | 'openMargin'>): Point {
  const kinds: Array<{ kind: 'asset' | 'zone' | 'open'; w: number }> = [
    { kind: 'asset', w: area.assets.length > 0 ? opts.aim.asset : 0 },
    { kind: 'zone', w: area.zones.length > 0 ? opts.aim.zone : 0 },
    { kind: 'open', w: opts.aim.open },
  ];
  const kind = pickWeighted(rng, kinds, (k) => k.w)?.kind ?? 'open';
  if (kind === 'asset') return inRing(rng, pickWeighted(rng, area.assets, (a) => a.area)!.ring);
  if (kind === 'zone') return inRing(rng, pickWeighted(rng, area.zones, (z) => z.area)!.ring);
  const r = area.radius + opts.openMargin;
  let p = inDisc(rng, area.centre, r);
  for (let i = 0; i < 1000; i++) {
    if (![...area.zones, ...area.assets].some((z) => pointInRing(p.lat, p.lon, z.ring))) return p;
    p = inDisc(rng, area.centre, r);
  }
  return p;
}

const bands = new Map<ThreatType, { min: number; max: number }>();

/**
 * Range band (m) of a type's aim points from their launch point: from 1.25 × its shortest range (the larger of
 * the published minimum and the range at the launcher's steepest or flattest elevation, whichever is shorter:
 * a mortar at 85° still throws 0.5–1.3 km) to 92 % of its published maximum.
 */
export function rangeBand(type: ThreatType): { min: number; max: number } {
  let b = bands.get(type);
  if (!b) {
    const spec = THREAT_CATALOGUE[type];
    const opts = { terrainAlt: DEFAULT_LAUNCH.alt };
    const shortest = Math.min(rangeAt(spec, spec.elevationDeg.min, opts), rangeAt(spec, spec.elevationDeg.max, opts));
    b = { min: Math.max(spec.minRangeM, shortest) * MIN_RANGE_FACTOR, max: spec.maxRangeM * RANGE_MARGIN };
    bands.set(type, b);
  }
  return b;
}

function inBand(launch: Point, aim: Point, band: { min: number; max: number }, slack = 0): boolean {
  const d = distance(launch, aim);
  return d >= band.min + slack && d <= band.max - slack;
}

/** The launch areas the generator uses for a site: the given ones, else LAUNCH_AREAS within its extent. */
export function siteLaunchAreas(site: Site, opts: Pick<AttackOptions, 'launchAreas'>): readonly LaunchArea[] {
  if (opts.launchAreas) return opts.launchAreas;
  return LAUNCH_AREAS.filter((a) => distance(site.origin, a) <= site.extentRadius);
}

interface Launcher {
  type: ThreatType;
  at: Point;
}

/** A launcher of `type` that reaches `aim`, outside the defended area. */
function placeLauncher(rng: Rng, type: ThreatType, aim: Point, area: DefendedArea, areas: readonly LaunchArea[], opts: AttackOptions): Launcher {
  const band = rangeBand(type);
  if (type.startsWith('rocket') && areas.length > 0 && rng.bernoulli(opts.areaProbability)) {
    const reachable = areas.filter((a) => inBand(a, aim, band, opts.areaScatter));
    if (reachable.length > 0) {
      const a = reachable[rng.int(reachable.length)]!;
      for (let i = 0; i < 100; i++) {
        const p = inDisc(rng, a, opts.areaScatter);
        if (!inDefendedArea(area, p) && inBand(p, aim, band, opts.roundScatter)) return { type, at: p };
      }
    }
  }
  const lo = Math.max(band.min + opts.roundScatter, band.max * CLOSE_IN[0]);
  const hi = Math.max(lo, band.max * CLOSE_IN[1]);
  for (let i = 0; i < 1000; i++) {
    const p = rounded(direct(aim.lat, aim.lon, rng.range(0, 360), rng.range(lo, hi)));
    if (!inDefendedArea(area, p) && inBand(p, aim, band, opts.roundScatter)) return { type, at: p };
  }
  throw new Error(`no firing position outside the defended area reaches ${aim.lat}, ${aim.lon} with ${type}`);
}

/** Random drones and birds crossing the defended area during the attack. */
function randomFlyers(rng: Rng, n: number, area: DefendedArea, terrainAlt: number, usedIds: ReadonlySet<string>): NonBallisticDef[] {
  const out: NonBallisticDef[] = [];
  for (let i = 1; out.length < n; i++) {
    const id = `flyer-${i}`;
    if (usedIds.has(id)) continue;
    const bird = rng.bernoulli(0.3);
    const speed = bird ? rng.range(8, 14) : rng.range(12, 30);
    const height = bird ? rng.range(60, 200) : rng.range(80, 400);
    const r = area.radius + 1500;
    const az = rng.range(0, 360);
    const from = direct(area.centre.lat, area.centre.lon, az, r);
    const to = direct(area.centre.lat, area.centre.lon, az + 180 + rng.range(-50, 50), r);
    const d = distance(from, to);
    const t0 = Math.round(rng.range(0, 20) * 10) / 10;
    const alt = Math.round(terrainAlt + height);
    out.push({
      id,
      kind: bird ? 'bird' : 'drone',
      waypoints: [
        { lat: round5(from.lat), lon: round5(from.lon), alt, at: t0 },
        { lat: round5(to.lat), lon: round5(to.lon), alt, at: Math.round((t0 + d / speed) * 10) / 10 },
      ],
    });
  }
  return out;
}

export function attackOptions(over: Partial<AttackOptions> = {}): AttackOptions {
  const o = { ...DEFAULT_ATTACK, ...over };
  if (!(Number.isInteger(o.minThreats) && Number.isInteger(o.maxThreats) && o.minThreats >= 0 && o.maxThreats >= o.minThreats)) {
    throw new RangeError(`threat count range ${o.minThreats}–${o.maxThreats} is not 0 ≤ min ≤ max`);
  }
  if (o.types.length === 0) throw new RangeError('no threat types to draw from');
  if (!(o.windowSeconds >= 0) || !(o.firstLaunch[0] >= 0) || !(o.firstLaunch[1] >= o.firstLaunch[0])) throw new RangeError('bad launch window');
  return o;
}

/** A random attack on the base scenario's site (see the module comment). */
export function randomAttack(base: Scenario, rng: Rng, over: Partial<AttackOptions> = {}): Scenario {
  const opts = attackOptions(over);
  const site = base.site;
  const area = defendedArea(site);
  const areas = siteLaunchAreas(site, opts);
  const n = opts.minThreats + rng.int(opts.maxThreats - opts.minThreats + 1);
  const mixed = rng.bernoulli(opts.mixedTypes);
  const attackType = opts.types[rng.int(opts.types.length)]!;
  const types: ThreatType[] = [];
  for (let i = 0; i < n; i++) types.push(mixed ? opts.types[rng.int(opts.types.length)]! : attackType);
  const first = Math.round(rng.range(opts.firstLaunch[0], opts.firstLaunch[1]) * 10) / 10;

  const launchers = new Map<ThreatType, Launcher>();
  const shots: Array<{ type: ThreatType; launch: Point; aim: Point; at: number }> = [];
  for (const type of types) {
    const band = rangeBand(type);
    let aim = randomAimPoint(rng, area, opts);
    let launcher = launchers.get(type);
    if (!launcher) {
      launcher = placeLauncher(rng, type, aim, area, areas, opts);
      launchers.set(type, launcher);
    } else {
      // later rounds of a launcher: redraw aim points it cannot reach
      for (let i = 0; i < 200 && !inBand(launcher.at, aim, band, opts.roundScatter); i++) aim = randomAimPoint(rng, area, opts);
      if (!inBand(launcher.at, aim, band, opts.roundScatter)) aim = shots.find((s) => s.type === type)!.aim;
    }
    let launch = launcher.at;
    for (let i = 0; i < 20; i++) {
      const p = inDisc(rng, launcher.at, opts.roundScatter);
      if (!inDefendedArea(area, p) && inBand(p, aim, band)) {
        launch = p;
        break;
      }
    }
    const at = Math.round((first + rng.range(0, opts.windowSeconds)) * 10) / 10;
    shots.push({ type, launch, aim, at });
  }
  shots.sort((a, b) => a.at - b.at); // stable: equal times keep draw order
  const threats: ThreatDef[] = shots.map((s, i) => ({
    id: `a${i + 1}`,
    type: s.type,
    launch: { lat: s.launch.lat, lon: s.launch.lon, alt: site.terrainAlt },
    aim: { lat: s.aim.lat, lon: s.aim.lon },
    angle: s.type.startsWith('mortar') ? 'high' : 'low',
    at: s.at,
  }));
  const kept = opts.keepNonBallistic ? base.nonBallistic.map((f) => ({ ...f, waypoints: f.waypoints.map((w) => ({ ...w })) })) : [];
  const flyers = randomFlyers(rng, opts.flyers, area, site.terrainAlt, new Set([...kept.map((f) => f.id), ...threats.map((t) => t.id)]));
  // no duration: the run lasts until the last impact (or flight) plus the usual tail
  const { duration: _duration, ...rest } = base;
  return { ...rest, name: `${base.name}: random attack`, threats, nonBallistic: [...kept, ...flyers] };
}

/** The attack of run i of a plan: seed base seed + i, the attack drawn from that seed's 'attack' stream. */
export function planAttack(base: Scenario, run: number, over: Partial<AttackOptions> = {}, baseSeed = base.seed): Scenario {
  const seed = baseSeed + run;
  const sc = randomAttack(base, new Rng(seed).stream('attack'), over);
  return { ...sc, seed, name: `${base.name}: random attack ${run + 1} (seed ${seed})` };
}
