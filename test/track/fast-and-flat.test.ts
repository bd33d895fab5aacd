/**
 * The classifier's speed rule and the two gates of an undecided track (docs/tracking.md, "Classification"),
 * held to the simulation's truth through the whole engine (tracking, prediction, warning):
 *
 * - flat 107 and 122 mm shots from 3–5 km (6–10° elevation, 8–11 s of flight, apogee 70–300 m) are in the
 *   radars' view for 3–5 s; each must still sound a siren in the zone it falls in before it lands (the
 *   geometries of the rounds that were missed in `tocsin plan`'s 500 attacks before the rule);
 * - subsonic jets crossing the site low and fast are never classed ballistic and warn nobody.
 */
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/load.js';
import type { NonBallisticDef, Scenario, ThreatDef } from '../../src/scenario/types.js';
import { simulateScenario } from '../../src/sim/run.js';
import { threatFacts } from '../../src/sim/monte-carlo.js';
import { attackWarning } from '../../src/report/warning-metrics.js';
import type { TrackEvent } from '../../src/sim/events.js';

const BASE = loadScenario('scenarios/2021-12-19-green-zone-rockets.yaml');

function flat(id: string, type: ThreatDef['type'], launch: [number, number], aim: [number, number], at: number): ThreatDef {
  return { id, type, launch: { lat: launch[0], lon: launch[1], alt: 34 }, aim: { lat: aim[0], lon: aim[1] }, angle: 'low', at };
}

describe('flat rocket shots seen for only a few seconds', () => {
  const scenario: Scenario = {
    ...BASE,
    threats: [
      // from the south, onto the embassy: 122 mm from 4.9 and 5.7 km, 107 mm from 3.1 km
      flat('f1', 'rocket-122', [33.25565, 44.38704], [33.29861, 44.40002], 5),
      flat('f2', 'rocket-122', [33.24929, 44.38902], [33.30002, 44.39962], 40),
      flat('f3', 'rocket-107', [33.27046, 44.39332], [33.29857, 44.39794], 75),
      flat('f4', 'rocket-122', [33.25778, 44.39404], [33.29973, 44.39639], 110),
    ],
    nonBallistic: [],
  };
  const res = simulateScenario(scenario, { seed: 4242 });
  const m = attackWarning({ zones: scenario.site.zones, assets: scenario.site.assets, threats: threatFacts(res.truth, res.run), events: res.events });

  it('are flat and short: ≤ 11 s of flight under a ≤ 300 m apogee', () => {
    for (const th of res.truth.threats) {
      expect(th.trajectory.elevationDeg).toBeLessThan(11);
      expect(th.impactTime - th.launchTime).toBeLessThan(11);
    }
  });

  it('each one sounds the siren of the zone it falls in before it lands', () => {
    expect(m.threats.map((w) => w.zone)).toEqual(['embassy', 'embassy', 'embassy', 'embassy']);
    for (const w of m.threats) {
      expect(w.missed, w.threatId).toBeUndefined();
      expect(w.sirenLead!, w.threatId).toBeGreaterThan(0.5);
    }
  });

  it('their tracks are ballistic', () => {
    const tracks = res.events.filter((e): e is TrackEvent => e.type === 'track');
    expect(tracks.some((t) => t.class === 'ballistic')).toBe(true);
    expect(tracks.every((t) => t.class !== 'air')).toBe(true);
  });
});

describe('fast subsonic jets low over the site', () => {
  // west → east across the site at 300 m/s (≈ Mach 0.9), at 300 m and at 1.5 km above the ground
  const dLon = 16000 / (111320 * Math.cos((33.303 * Math.PI) / 180));
  const jet = (id: string, alt: number, at: number): NonBallisticDef => ({
    id,
    kind: 'aircraft',
    waypoints: [
      { lat: 33.303, lon: 44.395 - dLon / 2, alt, at },
      { lat: 33.303, lon: 44.395 + dLon / 2, alt, at: at + 16000 / 300 },
    ],
  });
  const scenario: Scenario = { ...BASE, threats: [], nonBallistic: [jet('jet-low', 334, 5), jet('jet-high', 1534, 80)], duration: 160 };
  const res = simulateScenario(scenario, { seed: 99 });

  it('are tracked, never classed ballistic, and give no prediction, alert or engagement', () => {
    const tracks = res.events.filter((e): e is TrackEvent => e.type === 'track');
    expect(tracks.length).toBeGreaterThan(10);
    expect(tracks.filter((t) => t.class === 'ballistic')).toEqual([]);
    expect(tracks.some((t) => t.class === 'air')).toBe(true);
    expect(res.events.filter((e) => e.type === 'prediction' || e.type === 'alert' || e.type === 'engagement')).toEqual([]);
  });
});
