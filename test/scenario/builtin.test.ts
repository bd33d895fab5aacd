import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import geodesic from 'geographiclib-geodesic';
import { loadScenario, loadSite, type Site } from '../../src/scenario/load.js';
import { insideRing } from './helpers.js';

const G = geodesic.Geodesic.WGS84;
const dist = (a: { lat: number; lon: number }, b: { lat: number; lon: number }): number => G.Inverse(a.lat, a.lon, b.lat, b.lon).s12!;
const aimOf = (t: { aim: object }): { lat: number; lon: number } => {
  if (!('lat' in t.aim)) throw new Error('expected an aim point');
  return t.aim as { lat: number; lon: number };
};

// Independent truth, restated from /work/shared/domain.md §1 and §3 (not read from the files under test).
const EMBASSY = { lat: 33.299, lon: 44.396 };
const OUTLINE: Array<[number, number]> = (
  [
    [33.3225, 44.406], [33.312, 44.4125], [33.303, 44.414], [33.2955, 44.404],
    [33.292, 44.392], [33.2965, 44.377], [33.3085, 44.373], [33.3205, 44.381], [33.3225, 44.406],
  ] as Array<[number, number]>
).map(([lat, lon]) => [lon, lat]);
const MAX_RANGE_M: Record<string, number> = {
  'rocket-122': 20400, 'rocket-107': 8300, 'mortar-60': 3500, 'mortar-81': 5900, 'mortar-82': 3000, 'mortar-120': 7100,
};
const DOMAIN_LANDMARKS: Array<[RegExp, number, number]> = [
  [/US Embassy/, 33.299, 44.396],
  [/Victory Arch/, 33.3053, 44.3865],
  [/Unknown Soldier/, 33.304, 44.383],
  [/Republican Palace/, 33.3042, 44.4086],
  [/Al-Rasheed/, 33.3161, 44.3892],
  [/^Dora$/, 33.2514, 44.3919],
  [/^Karrada$/, 33.3, 44.433],
];

const SCENARIO_DIR = 'scenarios';
const scenarioFiles = readdirSync(SCENARIO_DIR).filter((f) => f.endsWith('.yaml'));
const siteFiles = readdirSync(join(SCENARIO_DIR, 'sites')).filter((f) => f.endsWith('.yaml'));

describe('every built-in file loads', () => {
  it('finds the expected files', () => {
    expect(scenarioFiles).toEqual(
      expect.arrayContaining([
        '2020-01-04-green-zone-mortars.yaml', '2020-01-04-balad-rockets.yaml', '2020-01-08-green-zone-rockets.yaml',
        '2021-12-19-green-zone-rockets.yaml', 'salvo-300.yaml', 'drones-and-birds.yaml',
      ]),
    );
    expect(siteFiles).toEqual(expect.arrayContaining(['green-zone.yaml', 'balad.yaml']));
  });
  it.each(siteFiles)('site %s', (f) => {
    const s = loadSite(join(SCENARIO_DIR, 'sites', f));
    expect(s.zones.length).toBeGreaterThan(0);
    for (const z of s.zones) expect(z.ring[0]).toEqual(z.ring[z.ring.length - 1]);
  });
  it.each(scenarioFiles)('scenario %s', (f) => {
    const s = loadScenario(join(SCENARIO_DIR, f));
    expect(s.threats.length).toBeGreaterThan(0);
    for (const t of s.threats) if ('lat' in t.aim) expect(dist(t.launch, t.aim)).toBeLessThanOrEqual(MAX_RANGE_M[t.type]!);
  });
});

describe('the Green Zone site', () => {
  const site: Site = loadSite('scenarios/sites/green-zone.yaml');

  it('sits at the domain.md origin', () => {
    expect(site.origin).toEqual({ lat: 33.3, lon: 44.395, alt: 34 });
    expect(site.terrainAlt).toBe(34);
  });

  it('has ≥ 8 closed zones with shelter times of 0–45 s, shortest at the embassy', () => {
    expect(site.zones.length).toBeGreaterThanOrEqual(8);
    for (const z of site.zones) {
      expect(z.ring[0]).toEqual(z.ring.at(-1));
      expect([0, 15, 30, 45]).toContain(z.shelterSeconds);
    }
    const embassyZone = site.zones.find((z) => insideRing(EMBASSY.lon, EMBASSY.lat, z.ring))!;
    expect(embassyZone.shelterSeconds).toBe(Math.min(...site.zones.map((z) => z.shelterSeconds)));
  });

  it('zones tile the zone outline: every point inside it lies in exactly one zone, none outside', () => {
    let inside = 0;
    // an irregular grid, so no sample sits exactly on a shared edge
    for (let lat = 33.28; lat < 33.33; lat += 0.000517) {
      for (let lon = 44.36; lon < 44.43; lon += 0.000613) {
        const n = site.zones.filter((z) => insideRing(lon, lat, z.ring)).length;
        if (insideRing(lon, lat, OUTLINE)) {
          inside++;
          expect(n, `${lat},${lon}`).toBe(1);
        } else {
          expect(n, `${lat},${lon}`).toBe(0);
        }
      }
    }
    expect(inside).toBeGreaterThan(1000);
  });

  it('defends the 42 ha US Embassy compound first', () => {
    const emb = site.assets.find((a) => a.priority === 1)!;
    expect(insideRing(EMBASSY.lon, EMBASSY.lat, emb.ring)).toBe(true);
    const poly = G.Polygon(false);
    for (const [lon, lat] of emb.ring.slice(0, -1)) poly.AddPoint(lat, lon);
    const areaHa = Math.abs(poly.Compute(false, true).area!) / 1e4;
    expect(areaHa).toBeGreaterThan(38);
    expect(areaHa).toBeLessThan(46);
    expect(site.assets.some((a) => /Republican Palace/.test(a.name))).toBe(true);
  });

  it('has the landmarks of domain.md at their positions', () => {
    for (const [name, lat, lon] of DOMAIN_LANDMARKS) {
      const lm = site.landmarks.find((l) => name.test(l.name));
      expect(lm, String(name)).toBeDefined();
      expect(lm!.lat).toBeCloseTo(lat, 4);
      expect(lm!.lon).toBeCloseTo(lon, 4);
    }
  });

  it('has an LCMR-like and a TPQ-50-like radar 1–2 km apart, with clutter', () => {
    const [a, b] = site.sensors;
    expect(site.sensors).toHaveLength(2);
    expect([a!.period, b!.period]).toEqual([1, 2]);
    expect([a!.maxRange, b!.maxRange]).toEqual([10000, 20000]);
    expect(dist(a!, EMBASSY)).toBeLessThan(500);
    const apart = dist(a!, b!);
    expect(apart).toBeGreaterThan(1000);
    expect(apart).toBeLessThan(2000);
    for (const r of site.sensors) expect(r.clutterPerScan).toBeCloseTo(0.2, 6);
  });

  it('has a C-RAM by the embassy', () => {
    expect(site.interceptors).toHaveLength(1);
    const c = site.interceptors[0]!;
    expect(dist(c, EMBASSY)).toBeLessThan(300);
    expect(c).toMatchObject({ maxRange: 2000, minElevationDeg: 2, reactionTime: 2, slewDegPerSec: 100, burstSeconds: 1.5, pk: 0.6, bursts: 8, minInterceptAlt: 100 });
  });

  it('has a river line and the zone outline for the map', () => {
    expect(site.river!.length).toBeGreaterThanOrEqual(2);
    expect(site.outline!.length).toBe(9);
  });
});

describe('the incident scenarios reproduce the public reports', () => {
  const zoneOf = (site: Site, p: { lat: number; lon: number }) => site.zones.find((z) => insideRing(p.lon, p.lat, z.ring));

  it('2020-01-04 Green Zone: two mortar rounds, one inside the zone, one just outside', () => {
    const s = loadScenario('scenarios/2020-01-04-green-zone-mortars.yaml');
    expect(s.threats).toHaveLength(2);
    for (const t of s.threats) expect(t.type).toMatch(/^mortar-/);
    const inside = s.threats.map((t) => insideRing(aimOf(t).lon, aimOf(t).lat, OUTLINE));
    expect(inside.sort()).toEqual([false, true]);
    const outside = aimOf(s.threats.find((t) => !insideRing(aimOf(t).lon, aimOf(t).lat, OUTLINE))!);
    // "just outside": within 500 m of some outline vertex or edge sample
    const near = Math.min(...OUTLINE.slice(0, -1).flatMap(([lon, lat], i) => {
      const [lon2, lat2] = OUTLINE[i + 1]!;
      return Array.from({ length: 51 }, (_, k) => dist(outside, { lat: lat + ((lat2 - lat) * k) / 50, lon: lon + ((lon2 - lon) * k) / 50 }));
    }));
    expect(near).toBeLessThan(500);
    const hourLocal = (new Date(s.start * 1000).getUTCHours() + 3) % 24;
    expect(hourLocal).toBeGreaterThanOrEqual(17); // evening
  });

  it('2020-01-04 Balad: two 122 mm rockets into the base', () => {
    const s = loadScenario('scenarios/2020-01-04-balad-rockets.yaml');
    expect(s.threats.map((t) => t.type)).toEqual(['rocket-122', 'rocket-122']);
    for (const t of s.threats) expect(zoneOf(s.site, aimOf(t))).toBeDefined();
    expect(dist(s.site.origin, { lat: 33.9333, lon: 44.3667 })).toBeLessThan(100);
  });

  it('2020-01-08: two 122 mm rockets at 23:45 local, one ≈100 m from the US Embassy', () => {
    const s = loadScenario('scenarios/2020-01-08-green-zone-rockets.yaml');
    expect(s.start).toBe(Date.parse('2020-01-08T20:45:00Z') / 1000);
    expect(s.threats.map((t) => t.type)).toEqual(['rocket-122', 'rocket-122']);
    const d = s.threats.map((t) => dist(aimOf(t), EMBASSY));
    expect(Math.min(...d)).toBeGreaterThan(70);
    expect(Math.min(...d)).toBeLessThan(130);
    for (const t of s.threats) {
      const r = dist(t.launch, EMBASSY);
      expect(r).toBeGreaterThan(5000);
      expect(r).toBeLessThan(17000);
      expect(insideRing(aimOf(t).lon, aimOf(t).lat, OUTLINE)).toBe(true);
    }
  });

  it('2021-12-19: one rocket aimed at the embassy, one into Celebration Square 0.4–1 km away', () => {
    const s = loadScenario('scenarios/2021-12-19-green-zone-rockets.yaml');
    const hourLocal = (new Date(s.start * 1000).getUTCHours() + 3) % 24;
    expect(hourLocal).toBeLessThan(6); // early hours
    expect(new Date((s.start + 3 * 3600) * 1000).toISOString().slice(0, 10)).toBe('2021-12-19');
    expect(s.threats.map((t) => t.type)).toEqual(['rocket-122', 'rocket-122']);
    const [atEmbassy, inSquare] = [...s.threats].sort((a, b) => dist(aimOf(a), EMBASSY) - dist(aimOf(b), EMBASSY));
    expect(dist(aimOf(atEmbassy!), EMBASSY)).toBeLessThan(150);
    const d = dist(aimOf(inSquare!), EMBASSY);
    expect(d).toBeGreaterThan(400);
    expect(d).toBeLessThan(1000);
    expect(zoneOf(s.site, aimOf(inSquare!))!.name).toMatch(/Celebration Square/);
    // nearer to the arch or the monument than to the embassy
    const arch = dist(aimOf(inSquare!), { lat: 33.3053, lon: 44.3865 });
    const monument = dist(aimOf(inSquare!), { lat: 33.304, lon: 44.383 });
    expect(Math.min(arch, monument)).toBeLessThan(d);
    // the C-RAM can reach the rocket aimed at the embassy
    expect(dist(s.site.interceptors[0]!, aimOf(atEmbassy!))).toBeLessThan(s.site.interceptors[0]!.maxRange);
  });

  it('drones, aircraft and birds fly at speeds that fit what they are', () => {
    const s = loadScenario('scenarios/drones-and-birds.yaml');
    expect(new Set(s.nonBallistic.map((n) => n.kind))).toEqual(new Set(['drone', 'aircraft', 'bird']));
    const speedLimits = { drone: [5, 40], aircraft: [50, 250], bird: [5, 20] } as const;
    for (const f of s.nonBallistic) {
      for (let i = 1; i < f.waypoints.length; i++) {
        const a = f.waypoints[i - 1]!;
        const b = f.waypoints[i]!;
        const v = Math.hypot(dist(a, b), b.alt - a.alt) / (b.at - a.at);
        expect(v, f.id).toBeGreaterThanOrEqual(speedLimits[f.kind][0]);
        expect(v, f.id).toBeLessThanOrEqual(speedLimits[f.kind][1]);
      }
    }
  });
});
