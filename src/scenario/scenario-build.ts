/**
 * Turns a scenario document into a Scenario: the site (inline or a file relative to the scenario), the start
 * time in UTC seconds, the wind as a vector, and threats and flights checked against the catalogue and the
 * duration. Every error points at a line.
 */
import { inverse } from '../geo/geodesic.js';
import { THREAT_CATALOGUE } from '../physics/catalogue.js';
import { ISO_UTC, scenarioFileSchema } from './scenario-schema.js';
import { buildSite, parseAt, type Loc } from './site-build.js';
import type { Environment, NonBallisticDef, Scenario, ThreatDef } from './types.js';
import { YamlSource, besideFile } from './yaml-source.js';

const DEG = Math.PI / 180;

/**
 * Wind velocity from the meteorological (speed, direction it blows FROM): a wind from the north (0°) moves
 * air toward the south, so its north component is negative.
 */
export function windVector(speed: number, fromDeg: number): { windEast: number; windNorth: number } {
  return { windEast: -speed * Math.sin(fromDeg * DEG), windNorth: -speed * Math.cos(fromDeg * DEG) };
}

/** UTC seconds of an ISO-8601 time with an explicit zone, or undefined if it is not a real calendar time. */
export function isoToUtcSeconds(iso: string): number | undefined {
  const m = ISO_UTC.exec(iso);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s = '0', frac = '', zone] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  // Date.UTC rolls 2020-02-30 over to March: check the fields instead of trusting it.
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return undefined;
  let t = Date.UTC(year, month - 1, day, Number(h), Number(mi), Number(s)) / 1000;
  if (frac) t += Number(`0.${frac}`);
  if (zone !== 'Z') {
    const sign = zone![0] === '-' ? -1 : 1;
    const [zh, zm] = zone!.slice(1).split(':').map(Number);
    if (zh! > 23 || zm! > 59) return undefined;
    t -= sign * (zh! * 3600 + zm! * 60);
  }
  return t;
}

/** Builds the Scenario of a whole document. */
export function buildScenario(source: YamlSource): Scenario {
  const root: Loc = { source, path: [] };
  const raw = parseAt(scenarioFileSchema, root);

  const site =
    typeof raw.site === 'string'
      ? buildSite({ source: YamlSource.read(besideFile(source.file, raw.site), { source, path: ['site'] }), path: [] })
      : buildSite({ source, path: ['site'] });

  const start = isoToUtcSeconds(raw.start);
  if (start === undefined) throw source.error(['start'], `start ${JSON.stringify(raw.start)} is not a valid calendar time`);

  const wind = raw.environment.wind ? windVector(raw.environment.wind.speed, raw.environment.wind.fromDeg) : { windEast: 0, windNorth: 0 };
  const environment: Environment = { ...wind, temperatureOffsetK: raw.environment.temperatureOffsetK ?? 0 };

  // Threats and flights are all truth objects: one id space, so reports and events never confuse two of them.
  const ids = new Map<string, (string | number)[]>();
  const claim = (id: string, path: (string | number)[]): void => {
    const first = ids.get(id);
    if (first) {
      const line = source.lineOf(first);
      const what = path[0] === 'threats' ? 'threat' : 'flight';
      throw source.error(path, `duplicate ${what} id "${id}" (threats and flights share one id space; first used at line ${line ?? '?'})`);
    }
    ids.set(id, path);
  };

  const threats: ThreatDef[] = raw.threats.map((t, i) => {
    claim(t.id, ['threats', i, 'id']);
    const spec = THREAT_CATALOGUE[t.type];
    if ('lat' in t.aim) {
      const d = inverse(t.launch.lat, t.launch.lon, t.aim.lat, t.aim.lon).distance;
      if (d > spec.maxRangeM) {
        throw source.error(
          ['threats', i, 'aim'],
          `aim point is ${(d / 1000).toFixed(2)} km from the launch point, beyond the ${(spec.maxRangeM / 1000).toFixed(1)} km maximum range of ${t.type}`,
        );
      }
    }
    if (raw.duration !== undefined && t.at > raw.duration) {
      throw source.error(['threats', i, 'at'], `launch at ${t.at} s is beyond the scenario duration of ${raw.duration} s`);
    }
    return {
      id: t.id,
      type: t.type,
      launch: { lat: t.launch.lat, lon: t.launch.lon, alt: t.launch.alt ?? site.terrainAlt },
      aim: { ...t.aim },
      angle: t.angle ?? (t.type.startsWith('mortar') ? 'high' : 'low'),
      at: t.at,
    };
  });

  const nonBallistic: NonBallisticDef[] = raw.nonBallistic.map((f, i) => {
    claim(f.id, ['nonBallistic', i, 'id']);
    f.waypoints.forEach((w, k) => {
      if (k > 0 && w.at <= f.waypoints[k - 1]!.at) {
        throw source.error(['nonBallistic', i, 'waypoints', k, 'at'], `waypoint times must increase: ${w.at} s follows ${f.waypoints[k - 1]!.at} s`);
      }
    });
    if (raw.duration !== undefined && f.waypoints[0]!.at > raw.duration) {
      throw source.error(['nonBallistic', i, 'waypoints', 0, 'at'], `flight starts at ${f.waypoints[0]!.at} s, beyond the scenario duration of ${raw.duration} s`);
    }
    return { id: f.id, kind: f.kind, waypoints: f.waypoints.map((w) => ({ ...w })) };
  });

  const scenario: Scenario = {
    name: raw.name,
    file: source.file,
    site,
    start,
    startIso: raw.start,
    seed: raw.seed,
    environment,
    threats,
    nonBallistic,
  };
  if (raw.duration !== undefined) scenario.duration = raw.duration;
  return scenario;
}
