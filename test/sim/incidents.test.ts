/**
 * The built-in incident scenarios reproduce the public reports (domain.md §4): checked on the truth the
 * physics produces from the scenario files, against coordinates taken from domain.md, not from our data.
 */
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/load.js';
import { buildTruth } from '../../src/scenario/truth.js';
import { inverse } from '../../src/geo/geodesic.js';
import { pointInRing } from '../../src/geo/polygon.js';

const EMBASSY = { lat: 33.299, lon: 44.396 };
const BALAD = { lat: 33.9333, lon: 44.3667 };
/** Approximate Green Zone outline of domain.md §3, clockwise from the north-east, as a closed [lon, lat] ring. */
const OUTLINE: Array<[number, number]> = [
  [44.406, 33.3225], [44.4125, 33.312], [44.414, 33.303], [44.404, 33.2955], [44.392, 33.292],
  [44.377, 33.2965], [44.373, 33.3085], [44.381, 33.3205], [44.406, 33.3225],
];
const dist = (a: { lat: number; lon: number }, b: { lat: number; lon: number }) => inverse(a.lat, a.lon, b.lat, b.lon).distance;

function impacts(file: string) {
  const sc = loadScenario(file);
  const truth = buildTruth(sc);
  return { sc, impacts: truth.threats.map((t) => ({ id: t.id, type: t.def.type, ...t.trajectory.impact, launch: t.trajectory.launch })) };
}

describe('built-in incidents reproduce the reports', () => {
  it('2021-12-19: two 122 mm rockets, one falls 0.4–1 km from the embassy in Celebration Square', () => {
    const { sc, impacts: im } = impacts('scenarios/2021-12-19-green-zone-rockets.yaml');
    expect(im).toHaveLength(2);
    for (const i of im) expect(i.type).toBe('rocket-122');
    const square = sc.site.zones.find((z) => /celebration|festivities/i.test(z.name));
    expect(square, 'a Celebration Square zone').toBeDefined();
    const inSquare = im.filter((i) => pointInRing(i.lat, i.lon, square!.ring));
    expect(inSquare).toHaveLength(1);
    const d = dist(inSquare[0]!, EMBASSY);
    expect(d).toBeGreaterThan(400);
    expect(d).toBeLessThan(1000);
    // the other one is aimed at the embassy compound (the C-RAM's business)
    const other = im.find((i) => i !== inSquare[0])!;
    expect(dist(other, EMBASSY)).toBeLessThan(300);
    // launched from 5–17 km away (public reports of Green Zone attacks)
    for (const i of im) {
      const r = dist(i.launch, i);
      expect(r).toBeGreaterThan(5000);
      expect(r).toBeLessThan(17500);
    }
  });

  it('2020-01-08: two 122 mm rockets, one impact ≈100 m from the embassy', () => {
    const { impacts: im } = impacts('scenarios/2020-01-08-green-zone-rockets.yaml');
    expect(im).toHaveLength(2);
    for (const i of im) expect(i.type).toBe('rocket-122');
    const ds = im.map((i) => dist(i, EMBASSY)).sort((a, b) => a - b);
    expect(ds[0]).toBeGreaterThan(50);
    expect(ds[0]).toBeLessThan(150);
  });

  it('2020-01-04: two mortar rounds, one inside the zone and one just outside', () => {
    const { impacts: im } = impacts('scenarios/2020-01-04-green-zone-mortars.yaml');
    expect(im).toHaveLength(2);
    for (const i of im) expect(i.type.startsWith('mortar')).toBe(true);
    const inside = im.filter((i) => pointInRing(i.lat, i.lon, OUTLINE));
    expect(inside).toHaveLength(1);
    const outside = im.find((i) => !pointInRing(i.lat, i.lon, OUTLINE))!;
    // "just outside": within 1 km of the nearest outline vertex or edge midpoint
    const near = Math.min(...OUTLINE.flatMap(([lon, lat], k) => {
      const [lon2, lat2] = OUTLINE[(k + 1) % OUTLINE.length]!;
      return [dist(outside, { lat, lon }), dist(outside, { lat: (lat + lat2) / 2, lon: (lon + lon2) / 2 })];
    }));
    expect(near).toBeLessThan(1000);
  });

  it('2020-01-04 Balad: two 122 mm rockets land on or near Balad air base', () => {
    const { impacts: im } = impacts('scenarios/2020-01-04-balad-rockets.yaml');
    expect(im).toHaveLength(2);
    for (const i of im) {
      expect(i.type).toBe('rocket-122');
      expect(dist(i, BALAD)).toBeLessThan(4000);
    }
  });
});
