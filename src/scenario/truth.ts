/**
 * Ground truth of a scenario: every threat flown through the physics (aim points solved to launch angles),
 * every non-ballistic object (drone, aircraft, bird) along its waypoints. The result is a list of
 * TruthTargets the radar model samples, plus the facts the reports and metrics compare against.
 */
import { geodeticToEcef } from '../geo/wgs84.js';
import { threatSpec } from '../physics/catalogue.js';
import { fly, stateAt, type Trajectory } from '../physics/trajectory.js';
import { solveAim } from '../physics/aim.js';
import { killTarget, type TruthKill, type TruthTarget } from '../sense/truth-target.js';
import type { Scenario, ThreatDef, NonBallisticDef } from './load.js';
import { InputError } from '../core/errors.js';
import type { TruthInterceptedEvent } from '../sim/events.js';

export interface ThreatTruth extends TruthTarget {
  kind: 'threat';
  def: ThreatDef;
  trajectory: Trajectory;
  /** UTC seconds of launch and impact (the impact it would have had, when it was killed in flight) */
  launchTime: number;
  impactTime: number;
  /**
   * Destroys the threat in flight at UTC t (an interception): radars stop seeing it after t, `killed` holds
   * the point. Returns the kill, or undefined when it is not in flight at t. See truthInterceptedEvent.
   */
  kill(t: number): TruthKill | undefined;
}

export interface NonBallisticTruth extends TruthTarget {
  kind: 'drone' | 'aircraft' | 'bird';
  def: NonBallisticDef;
  /** destroys the object at UTC t (as ThreatTruth.kill) */
  kill(t: number): TruthKill | undefined;
}

/** The 'intercepted' truth event of a killed threat (undefined when it was not killed). */
export function truthInterceptedEvent(th: ThreatTruth): TruthInterceptedEvent | undefined {
  const k = th.killed;
  if (!k) return undefined;
  return {
    type: 'truth', t: k.t, event: 'intercepted', threatId: th.id, threatType: th.def.type,
    lat: k.lat, lon: k.lon, alt: k.alt, speed: k.speed, timeOfFlight: k.t - th.launchTime,
  };
}

export interface ScenarioTruth {
  threats: ThreatTruth[];
  others: NonBallisticTruth[];
  /** every target the sensors can see */
  targets: TruthTarget[];
  /** UTC seconds: start and end of the simulation */
  start: number;
  end: number;
}

/** Seconds simulated after the last impact when the scenario gives no duration. */
export const DEFAULT_TAIL_SECONDS = 30;

/** Flies one threat definition; aim points are solved to launch angles (low or high solution). */
export function flyThreat(scenario: Scenario, def: ThreatDef): ThreatTruth {
  const spec = threatSpec(def.type);
  const site = scenario.site;
  const launch = { lat: def.launch.lat, lon: def.launch.lon, alt: def.launch.alt ?? site.terrainAlt };
  const opts = {
    terrainAlt: site.terrainAlt,
    windEast: scenario.environment.windEast,
    windNorth: scenario.environment.windNorth,
    tempOffsetK: scenario.environment.temperatureOffsetK,
  };
  let trajectory: Trajectory;
  if ('azimuthDeg' in def.aim) {
    trajectory = fly(spec, launch, def.aim.azimuthDeg, def.aim.elevationDeg, opts);
  } else {
    const sol = solveAim(spec, launch, def.aim, opts);
    const wantHigh = (def.angle ?? (def.type.startsWith('mortar') ? 'high' : 'low')) === 'high';
    const pick = wantHigh ? (sol.high ?? sol.low) : (sol.low ?? sol.high);
    if (!pick) throw new InputError(`threat ${def.id}: no launch angle reaches the aim point`, scenario.file, undefined, `threats.${def.id}.aim`);
    trajectory = pick.trajectory;
  }
  const launchTime = scenario.start + def.at;
  const impactTime = launchTime + trajectory.impact.t;
  const th: ThreatTruth = {
    kind: 'threat',
    id: def.id,
    def,
    trajectory,
    launchTime,
    impactTime,
    tStart: launchTime,
    tEnd: impactTime,
    stateAt: (t: number, out: Float64Array) => stateAt(trajectory, t - launchTime, out),
    kill: (t: number) => killTarget(th, t),
  };
  return th;
}

/** A non-ballistic object flying straight legs (in ECEF) between timed waypoints. */
export function nonBallisticTarget(scenario: Scenario, def: NonBallisticDef): NonBallisticTruth {
  const wps = [...def.waypoints].sort((a, b) => a.at - b.at);
  const n = wps.length;
  const times = new Float64Array(n);
  const pos = new Float64Array(3 * n);
  const p = new Float64Array(3);
  wps.forEach((w, i) => {
    times[i] = scenario.start + w.at;
    geodeticToEcef(w.lat, w.lon, w.alt, p);
    pos.set(p, 3 * i);
  });
  const stateAtFn = (t: number, out: Float64Array): boolean => {
    if (n < 2 || t < times[0]! || t > times[n - 1]!) return false;
    let i = 0;
    while (i < n - 2 && t > times[i + 1]!) i++;
    const dt = times[i + 1]! - times[i]!;
    const f = dt > 0 ? (t - times[i]!) / dt : 0;
    for (let k = 0; k < 3; k++) {
      const a = pos[3 * i + k]!;
      const b = pos[3 * (i + 1) + k]!;
      out[k] = a + f * (b - a);
      out[3 + k] = dt > 0 ? (b - a) / dt : 0;
    }
    return true;
  };
  const obj: NonBallisticTruth = {
    kind: def.kind, id: def.id, def, tStart: times[0]!, tEnd: times[n - 1]!, stateAt: stateAtFn,
    kill: (t: number) => killTarget(obj, t),
  };
  return obj;
}

/** The whole truth of a scenario. */
export function buildTruth(scenario: Scenario): ScenarioTruth {
  const threats = scenario.threats.map((d) => flyThreat(scenario, d));
  const others = scenario.nonBallistic.map((d) => nonBallisticTarget(scenario, d));
  const lastEvent = Math.max(
    scenario.start,
    ...threats.map((t) => t.impactTime),
    ...others.map((o) => o.tEnd),
  );
  const end = scenario.duration !== undefined ? scenario.start + scenario.duration : lastEvent + DEFAULT_TAIL_SECONDS;
  return { threats, others, targets: [...threats, ...others], start: scenario.start, end };
}
