import { describe, expect, it } from 'vitest';
import { inverse } from '../../src/geo/geodesic.js';
import { runCli } from './run-cli.js';

describe('tocsin trajectory', () => {
  it('prints range, apogee, time of flight, impact speed and point for one elevation', async () => {
    const r = await runCli(['trajectory', '--type', 'mortar-82', '--elevation', '45']);
    expect(r.code).toBe(0);
    // domain.md: 82 mm at 45° → 3.03 km / 894 m / 27 s
    const range = Number(/range\s+([\d.]+) km/.exec(r.out)![1]);
    expect(range).toBeGreaterThan(2.98);
    expect(range).toBeLessThan(3.08);
    expect(r.out).toMatch(/apogee\s+\d+ m/);
    expect(r.out).toMatch(/time of flight\s+2[67]\.\d s/);
    expect(r.out).toMatch(/impact speed\s+\d+ m\/s/);
    // azimuth 0 from 33.3 N: the impact is due north, ≈ range/111 km further in latitude
    const [lat, lon] = /impact point\s+([\d.]+), ([\d.]+)/.exec(r.out)!.slice(1).map(Number);
    expect(lon).toBeCloseTo(44.395, 4);
    expect(inverse(33.3, 44.395, lat!, lon!).distance / 1000).toBeCloseTo(range, 2);
  });

  it('--json gives the same figures as numbers', async () => {
    const r = await runCli(['trajectory', '--type', 'rocket-107', '--elevation', '30', '--azimuth', '90', '--from', '33.30,44.40', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.type).toBe('rocket-107');
    expect(j.from).toEqual({ lat: 33.3, lon: 44.4, alt: 34 });
    const s = j.solutions[0];
    expect(s.elevationDeg).toBe(30);
    expect(s.rangeM).toBeGreaterThan(6000);
    expect(s.impact.alt).toBeCloseTo(34, 3);
    expect(inverse(33.3, 44.4, s.impact.lat, s.impact.lon).azimuth1Deg).toBeCloseTo(90, 0);
    expect(s.burnout.speed).toBeGreaterThan(370);
  });

  it('--aim prints the solutions that hit the target', async () => {
    const r = await runCli(['trajectory', '--type', 'mortar-120', '--from', '33.25,44.40', '--aim', '33.299,44.396', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.solutions).toHaveLength(1);
    expect(j.solutions[0].solution).toBe('high');
    expect(inverse(j.solutions[0].impact.lat, j.solutions[0].impact.lon, 33.299, 44.396).distance).toBeLessThan(1);
    const t = await runCli(['trajectory', '--type', 'mortar-120', '--from', '33.25,44.40', '--aim', '33.299,44.396']);
    expect(t.out).toMatch(/high-angle solution: azimuth [\d.-]+°, elevation [\d.]+°/);
  });

  it('bad input exits 2 with a clear message', async () => {
    const unknown = await runCli(['trajectory', '--type', 'rocket-240', '--elevation', '45']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/unknown threat type "rocket-240" \(valid: rocket-107, rocket-122, mortar-60, mortar-81, mortar-82, mortar-120\)/);
    const both = await runCli(['trajectory', '--type', 'mortar-82', '--elevation', '45', '--aim', '33.3,44.4']);
    expect(both.code).toBe(2);
    const notNum = await runCli(['trajectory', '--type', 'mortar-82', '--elevation', 'high']);
    expect(notNum.code).toBe(2);
    expect(notNum.err).toMatch(/elevation: "high" is not a number/);
    const far = await runCli(['trajectory', '--type', 'mortar-60', '--aim', '33.5,44.4']);
    expect(far.code).toBe(2);
    expect(far.err).toMatch(/beyond mortar-60 maximum range/);
    const limits = await runCli(['trajectory', '--type', 'mortar-82', '--elevation', '20']);
    expect(limits.code).toBe(2);
    expect(limits.err).toMatch(/outside mortar-82 launcher limits 45°–85°/);
  });
});
