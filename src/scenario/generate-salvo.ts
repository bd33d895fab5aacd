/**
 * Generates the built-in saturation scenario `scenarios/salvo-300.yaml`: a mixed salvo of every threat type
 * from the launch areas public reports name around Baghdad's Green Zone (domain.md §3), all within a minute.
 *
 * A pure function of its options (randomness only through the seeded RNG), so the committed file can be
 * checked byte for byte against a fresh generation. Rockets come from the named launch areas when one is
 * within range of their aim point; mortars (and rockets no named area can reach) from firing positions
 * closer in, to the south and east where those areas lie — always inside the type's published range.
 */
import { Rng } from '../core/rng.js';
import { direct, inverse } from '../geo/geodesic.js';
import { pointInRing } from '../geo/polygon.js';
import { THREAT_CATALOGUE } from '../physics/catalogue.js';
import { THREAT_TYPES, type ThreatType } from '../physics/threat-types.js';

export interface SalvoOptions {
  /** number of threats */
  count: number;
  /** RNG seed of the generation (also written as the scenario seed) */
  seed: number;
  /** s: launches are spread over [0, window) */
  windowSeconds: number;
  /** ISO start time */
  start: string;
  /** aim points are spread over a disc of this radius (m) around the zone reference point */
  aimRadius: number;
}

export const DEFAULT_SALVO: SalvoOptions = {
  count: 300,
  seed: 300,
  windowSeconds: 60,
  start: '2024-01-01T21:00:00Z',
  aimRadius: 2200,
};

/** Launch areas named in public reports of Green Zone attacks (domain.md §3); positions approximate. */
export const LAUNCH_AREAS: ReadonlyArray<{ name: string; lat: number; lon: number }> = [
  { name: "Za'faraniya", lat: 33.24, lon: 44.5 },
  { name: 'Amanah (east bank)', lat: 33.335, lon: 44.44 },
  { name: 'Al-Rashid', lat: 33.19, lon: 44.508 },
  { name: 'New Baghdad / al-Alf Dar', lat: 33.3047, lon: 44.4867 },
  { name: 'Dora', lat: 33.2514, lon: 44.3919 },
  { name: 'Al-Jamaa', lat: 33.245, lon: 44.355 },
];

/** Zone reference point (domain.md §3). */
const ZONE_CENTRE = { lat: 33.3076, lon: 44.3903 };
/** The zone outline (domain.md §3), [lon, lat]: nobody fires from inside the defended zone. */
const ZONE_OUTLINE: ReadonlyArray<readonly [number, number]> = [
  [44.406, 33.3225], [44.4125, 33.312], [44.414, 33.303], [44.404, 33.2955],
  [44.392, 33.292], [44.377, 33.2965], [44.373, 33.3085], [44.381, 33.3205], [44.406, 33.3225],
];
/** A launcher is placed within this distance (m) of a named area's centre. */
const AREA_SCATTER = 800;
/** Use at most this fraction of the published maximum range, a margin for rounding and scatter. */
const RANGE_MARGIN = 0.92;
/** Firing positions of mortars: this fraction of the maximum range from the aim point. */
const CLOSE_IN = [0.4, 0.85] as const;
/** ...on bearings from the aim point towards the east bank and the south, degrees. */
const CLOSE_IN_BEARINGS = [60, 220] as const;

interface Shot {
  type: ThreatType;
  launch: { lat: number; lon: number };
  aim: { lat: number; lon: number };
  at: number;
  from: string;
}

const round5 = (x: number): number => Math.round(x * 1e5) / 1e5;

/** A point uniformly distributed over a disc of radius r around (lat, lon). */
function inDisc(rng: Rng, lat: number, lon: number, r: number): { lat: number; lon: number } {
  const p = direct(lat, lon, rng.range(0, 360), r * Math.sqrt(rng.uniform()));
  return { lat: round5(p.lat), lon: round5(p.lon) };
}

function planShot(rng: Rng, type: ThreatType, opts: SalvoOptions): Shot {
  const maxRange = THREAT_CATALOGUE[type].maxRangeM * RANGE_MARGIN;
  const aim = inDisc(rng, ZONE_CENTRE.lat, ZONE_CENTRE.lon, opts.aimRadius);
  const at = Math.floor(rng.range(0, opts.windowSeconds) * 10) / 10;
  if (type.startsWith('rocket')) {
    const reachable = LAUNCH_AREAS.filter((a) => inverse(a.lat, a.lon, aim.lat, aim.lon).distance + AREA_SCATTER <= maxRange);
    if (reachable.length > 0) {
      const area = reachable[rng.int(reachable.length)]!;
      return { type, aim, at, from: area.name, launch: inDisc(rng, area.lat, area.lon, AREA_SCATTER) };
    }
  }
  // Redraw a firing position that falls inside the zone; a handful of draws always suffices in practice.
  for (let tries = 0; tries < 1000; tries++) {
    const p = direct(aim.lat, aim.lon, rng.range(...CLOSE_IN_BEARINGS), maxRange * rng.range(...CLOSE_IN));
    const launch = { lat: round5(p.lat), lon: round5(p.lon) };
    if (!pointInRing(launch.lat, launch.lon, ZONE_OUTLINE)) return { type, aim, at, from: 'close-in firing position', launch };
  }
  throw new Error(`no firing position outside the zone reaches ${aim.lat}, ${aim.lon} with ${type}`);
}

/** The text of the salvo scenario file. */
export function generateSalvo(opts: SalvoOptions = DEFAULT_SALVO): string {
  const rng = new Rng(opts.seed).stream('salvo');
  const shots: Shot[] = [];
  // Cycling through the types gives every type an equal share; the RNG places and times each shot.
  for (let i = 0; i < opts.count; i++) shots.push(planShot(rng, THREAT_TYPES[i % THREAT_TYPES.length]!, opts));
  shots.sort((a, b) => a.at - b.at); // stable: equal times keep generation order
  const width = String(opts.count).length;
  const lines = [
    `# ${opts.count} mixed threats (all six types) within ${opts.windowSeconds} s at Baghdad's Green Zone: a saturation test.`,
    '# GENERATED by src/scenario/generate-salvo.ts (generateSalvo, DEFAULT_SALVO) — do not edit by hand; regenerate with',
    '#   UPDATE_SALVO=1 npx vitest run test/scenario/salvo.test.ts',
    '# Rockets fly from the launch areas named in public reports (domain.md §3: Za\'faraniya, Amanah, Al-Rashid,',
    '# New Baghdad / al-Alf Dar, Dora, Al-Jamaa) when in range; mortars from close-in positions to the south and',
    '# east; every aim point lies within the type\'s published maximum range. Both radars of the site report clutter.',
    'name: Salvo of 300 mixed threats',
    'site: sites/green-zone.yaml',
    `start: ${opts.start}`,
    `seed: ${opts.seed}`,
    'environment:',
    '  wind: { speed: 3, fromDeg: 310 }',
    'threats:',
  ];
  shots.forEach((s, i) => {
    const id = `s${String(i + 1).padStart(width, '0')}`;
    lines.push(
      `  - { id: ${id}, type: ${s.type}, launch: { lat: ${s.launch.lat.toFixed(5)}, lon: ${s.launch.lon.toFixed(5)} }, ` +
        `aim: { lat: ${s.aim.lat.toFixed(5)}, lon: ${s.aim.lon.toFixed(5)} }, at: ${s.at.toFixed(1)} }  # ${s.from}`,
    );
  });
  return lines.join('\n') + '\n';
}
