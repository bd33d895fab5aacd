/**
 * `tocsin trajectory --type TYPE (--elevation DEG | --aim LAT,LON) [--from LAT,LON] [--azimuth DEG] [--alt M]
 *  [--terrain M] [--wind E,N] [--temp-offset K] [--json]`
 *
 * Flies one threat from the catalogue and prints range, apogee, time of flight, impact speed and impact
 * point; with --aim, the low- and high-angle solutions that hit the given point.
 */
import type { Command } from 'commander';
import { InputError } from '../core/errors.js';
import { solveAim } from '../physics/aim.js';
import { threatSpec } from '../physics/catalogue.js';
import { THREAT_TYPES } from '../physics/threat-types.js';
import { fly, type FlyOptions, type LaunchPoint, type Trajectory } from '../physics/trajectory.js';

/** Green Zone origin (design.md §4.2): the default launch point and terrain. */
const DEFAULT_FROM = { lat: 33.3, lon: 44.395 };
const DEFAULT_ALT = 34;

interface TrajectoryCliOptions {
  type?: string;
  elevation?: string;
  aim?: string;
  from?: string;
  azimuth?: string;
  alt?: string;
  terrain?: string;
  wind?: string;
  tempOffset?: string;
  json?: boolean;
}

function num(s: string, field: string): number {
  const v = Number(s);
  if (s.trim() === '' || !Number.isFinite(v)) throw new InputError(`"${s}" is not a number`, undefined, undefined, field);
  return v;
}

function pair(s: string, field: string): [number, number] {
  const parts = s.split(',');
  if (parts.length !== 2) throw new InputError(`"${s}" must be two numbers separated by a comma`, undefined, undefined, field);
  return [num(parts[0]!, field), num(parts[1]!, field)];
}

function latLon(s: string, field: string): { lat: number; lon: number } {
  const [lat, lon] = pair(s, field);
  if (Math.abs(lat) > 90) throw new InputError(`latitude ${lat} is outside −90…90`, undefined, undefined, field);
  if (Math.abs(lon) > 180) throw new InputError(`longitude ${lon} is outside −180…180`, undefined, undefined, field);
  return { lat, lon };
}

/** One solution as printed in JSON. */
export interface TrajectorySummary {
  solution?: 'low' | 'high';
  azimuthDeg: number;
  elevationDeg: number;
  rangeM: number;
  apogeeM: number;
  timeOfFlightS: number;
  impactSpeed: number;
  impact: { lat: number; lon: number; alt: number };
  burnout?: { t: number; speed: number };
  missM?: number;
}

function summarise(tr: Trajectory, solution?: 'low' | 'high', missM?: number): TrajectorySummary {
  const s: TrajectorySummary = {
    azimuthDeg: tr.azimuthDeg,
    elevationDeg: tr.elevationDeg,
    rangeM: tr.impact.rangeM,
    apogeeM: tr.apogeeAlt,
    timeOfFlightS: tr.impact.t,
    impactSpeed: tr.impact.speed,
    impact: { lat: tr.impact.lat, lon: tr.impact.lon, alt: tr.impact.alt },
  };
  if (solution) s.solution = solution;
  if (tr.burnout) s.burnout = tr.burnout;
  if (missM !== undefined) s.missM = missM;
  return s;
}

function formatSummary(s: TrajectorySummary): string {
  const head = s.solution ? `${s.solution}-angle solution` : 'trajectory';
  const lines = [
    `${head}: azimuth ${s.azimuthDeg.toFixed(2)}°, elevation ${s.elevationDeg.toFixed(2)}°`,
    `  range           ${(s.rangeM / 1000).toFixed(3)} km`,
    `  apogee          ${s.apogeeM.toFixed(0)} m above launch`,
    `  time of flight  ${s.timeOfFlightS.toFixed(1)} s`,
    `  impact speed    ${s.impactSpeed.toFixed(0)} m/s`,
    `  impact point    ${s.impact.lat.toFixed(5)}, ${s.impact.lon.toFixed(5)} (alt ${s.impact.alt.toFixed(1)} m)`,
  ];
  if (s.burnout) lines.push(`  burnout         ${s.burnout.speed.toFixed(0)} m/s at ${s.burnout.t.toFixed(2)} s`);
  if (s.missM !== undefined) lines.push(`  miss            ${s.missM.toFixed(2)} m`);
  return lines.join('\n');
}

/** The command's work, separated from commander so it can be tested directly. */
export function runTrajectory(o: TrajectoryCliOptions): { text: string; json: unknown } {
  if (!o.type) throw new InputError(`--type is required (one of ${THREAT_TYPES.join(', ')})`, undefined, undefined, 'type');
  const spec = threatSpec(o.type);
  if ((o.elevation === undefined) === (o.aim === undefined)) {
    throw new InputError('give exactly one of --elevation DEG or --aim LAT,LON', undefined, undefined, 'elevation');
  }
  const from = o.from !== undefined ? latLon(o.from, 'from') : DEFAULT_FROM;
  const alt = o.alt !== undefined ? num(o.alt, 'alt') : DEFAULT_ALT;
  const terrainAlt = o.terrain !== undefined ? num(o.terrain, 'terrain') : Math.min(DEFAULT_ALT, alt);
  const launch: LaunchPoint = { ...from, alt };
  const flyOpts: FlyOptions = { terrainAlt };
  if (o.wind !== undefined) [flyOpts.windEast, flyOpts.windNorth] = pair(o.wind, 'wind');
  if (o.tempOffset !== undefined) flyOpts.tempOffsetK = num(o.tempOffset, 'temp-offset');

  const summaries: TrajectorySummary[] = [];
  let header: string;
  if (o.elevation !== undefined) {
    const el = num(o.elevation, 'elevation');
    const az = o.azimuth !== undefined ? num(o.azimuth, 'azimuth') : 0;
    const { min, max } = spec.elevationDeg;
    if (el < min || el > max) {
      throw new InputError(`elevation ${el}° is outside ${spec.type} launcher limits ${min}°–${max}°`, undefined, undefined, 'elevation');
    }
    summaries.push(summarise(fly(spec, launch, az, el, flyOpts)));
    header = `${spec.type} (${spec.name}) from ${from.lat.toFixed(5)}, ${from.lon.toFixed(5)} alt ${alt} m`;
  } else {
    if (o.azimuth !== undefined) throw new InputError('--azimuth cannot be combined with --aim (the solver finds it)', undefined, undefined, 'azimuth');
    const target = latLon(o.aim!, 'aim');
    const r = solveAim(spec, launch, target, flyOpts);
    if (r.low) summaries.push(summarise(r.low.trajectory, 'low', r.low.missM));
    if (r.high) summaries.push(summarise(r.high.trajectory, 'high', r.high.missM));
    header =
      `${spec.type} (${spec.name}) from ${from.lat.toFixed(5)}, ${from.lon.toFixed(5)} alt ${alt} m ` +
      `at ${target.lat.toFixed(5)}, ${target.lon.toFixed(5)} (${(r.distanceM / 1000).toFixed(3)} km)`;
  }
  const text = [header, ...summaries.map(formatSummary)].join('\n') + '\n';
  const json = { type: spec.type, from: launch, terrainAlt, solutions: summaries };
  return { text, json };
}

export function register(program: Command): void {
  program
    .command('trajectory')
    .description('fly one threat from the catalogue: range, apogee, time of flight, impact speed and point')
    .option('--type <TYPE>', `threat type: ${THREAT_TYPES.join(', ')}`)
    .option('--elevation <DEG>', 'launch elevation (degrees)')
    .option('--aim <LAT,LON>', 'target point: solve for the low- and high-angle solutions')
    .option('--from <LAT,LON>', 'launch point (default: Green Zone origin 33.3000,44.3950)')
    .option('--azimuth <DEG>', 'launch azimuth, clockwise from true north (default 0)')
    .option('--alt <M>', 'launch height above the ellipsoid (m, default 34)')
    .option('--terrain <M>', 'terrain height of the impact area (m, default 34)')
    .option('--wind <E,N>', 'wind towards east, north (m/s)')
    .option('--temp-offset <K>', 'ISA temperature offset (K)')
    .option('--json', 'print JSON')
    .action((opts: TrajectoryCliOptions) => {
      const { text, json } = runTrajectory(opts);
      process.stdout.write(opts.json ? JSON.stringify(json, null, 2) + '\n' : text);
    });
}
