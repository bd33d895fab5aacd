import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario, parseScenario } from '../../src/scenario/load.js';
import { isoToUtcSeconds, windVector } from '../../src/scenario/scenario-build.js';
import { expectInputError, tempFiles, withLines } from './helpers.js';

const SITE = `name: Test site
origin: { lat: 33.3, lon: 44.395, alt: 34 }
terrainAlt: 34
sensors:
  - { id: r1, sac: 1, sic: 1, lat: 33.3, lon: 44.395, alt: 40, rangeSigma: 10, azSigmaMrad: 3, elSigmaMrad: 3, period: 1, maxRange: 10000 }
zones:
  type: FeatureCollection
  features:
    - { type: Feature, properties: { id: z1, name: Zone one, shelterSeconds: 15 }, geometry: { type: Polygon, coordinates: [[[44.39, 33.29], [44.40, 33.29], [44.40, 33.30], [44.39, 33.30], [44.39, 33.29]]] } }
`;
// Line numbers matter: tests replace lines by number and expect errors at exact lines.
const SCENARIO = [
  /*  1 */ 'name: Test scenario',
  /*  2 */ 'site: site.yaml',
  /*  3 */ 'start: 2020-01-08T20:45:00Z',
  /*  4 */ 'seed: 7',
  /*  5 */ 'duration: 120',
  /*  6 */ 'environment:',
  /*  7 */ '  wind: { speed: 5, fromDeg: 0 }',
  /*  8 */ 'threats:',
  /*  9 */ '  - { id: t1, type: rocket-122, launch: { lat: 33.24, lon: 44.50 }, aim: { lat: 33.2999, lon: 44.3960 }, at: 0 }',
  /* 10 */ '  - id: t2',
  /* 11 */ '    type: mortar-82',
  /* 12 */ '    launch: { lat: 33.29, lon: 44.42, alt: 40 }',
  /* 13 */ '    aim: { lat: 33.30, lon: 44.40 }',
  /* 14 */ '    at: 10',
  /* 15 */ 'nonBallistic:',
  /* 16 */ '  - id: d1',
  /* 17 */ '    kind: drone',
  /* 18 */ '    waypoints:',
  /* 19 */ '      - { lat: 33.29, lon: 44.41, alt: 150, at: 0 }',
  /* 20 */ '      - { lat: 33.30, lon: 44.40, alt: 150, at: 60 }',
];
const dir = tempFiles({ 'site.yaml': SITE });
const FILE = join(dir, 'scenario.yaml');
const scenario = (edits: Record<number, string> = {}) => () => parseScenario(withLines(SCENARIO, edits), FILE);

describe('a valid scenario', () => {
  it('loads the site relative to the scenario file and fills in defaults', () => {
    const s = scenario()();
    expect(s.site.file).toBe(join(dir, 'site.yaml'));
    expect(s.site.zones[0]!.id).toBe('z1');
    expect(s.startIso).toBe('2020-01-08T20:45:00Z');
    // 2020-01-01T00:00Z is 1577836800 s; + 7 days + 20 h 45 min
    expect(s.start).toBe(1577836800 + 7 * 86400 + 20 * 3600 + 45 * 60);
    expect(s.seed).toBe(7);
    expect(s.duration).toBe(120);
    const [t1, t2] = s.threats;
    expect(t1!.launch.alt).toBe(34); // the site's terrainAlt when the file gives none
    expect(t2!.launch.alt).toBe(40);
    expect(t1!.angle).toBe('low'); // rockets default to the low solution
    expect(t2!.angle).toBe('high'); // mortars to the high one
    expect(s.nonBallistic[0]!.waypoints).toHaveLength(2);
  });

  it('turns a wind FROM the north into a velocity TOWARD the south', () => {
    const s = scenario()();
    expect(s.environment.windNorth).toBeCloseTo(-5, 12);
    expect(s.environment.windEast).toBeCloseTo(0, 12);
    // from the east (90°) blows toward the west; from the south-west (225°) toward the north-east
    expect(windVector(5, 90).windEast).toBeCloseTo(-5, 12);
    const sw = windVector(Math.SQRT2, 225);
    expect(sw.windEast).toBeCloseTo(1, 12);
    expect(sw.windNorth).toBeCloseTo(1, 12);
    expect(s.environment.temperatureOffsetK).toBe(0);
  });

  it('an inline site is read from the scenario file itself', () => {
    const inline = withLines(SCENARIO, { 2: 'site:\n' + SITE.trimEnd().split('\n').map((l) => '  ' + l).join('\n') });
    const s = parseScenario(inline, FILE);
    expect(s.site.file).toBe(FILE);
    expect(s.site.name).toBe('Test site');
  });

  it('reads ISO times with offsets and fractions as UTC seconds', () => {
    expect(isoToUtcSeconds('2020-01-08T23:45:00+03:00')).toBe(isoToUtcSeconds('2020-01-08T20:45:00Z'));
    expect(isoToUtcSeconds('1970-01-01T00:00:01.5Z')).toBe(1.5);
    expect(isoToUtcSeconds('2021-12-19T00:30:00Z')).toBe(Date.parse('2021-12-19T00:30:00Z') / 1000);
    expect(isoToUtcSeconds('2020-02-30T00:00:00Z')).toBeUndefined();
    expect(isoToUtcSeconds('2020-02-29T00:00:00Z')).toBe(Date.parse('2020-02-29T00:00:00Z') / 1000);
  });
});

describe('scenario errors name the file, the line and the field', () => {
  it('unknown threat type lists the valid ones', () => {
    expectInputError(scenario({ 11: '    type: mortar-83' }), {
      file: FILE, line: 11, field: 'threats[1].type',
      message: /unknown threat type "mortar-83"; valid types: rocket-107, rocket-122, mortar-60, mortar-81, mortar-82, mortar-120/,
    });
  });

  it('aim point beyond the type’s published maximum range', () => {
    // 33.25,44.45 → 33.30,44.40 is ≈7.2 km: far beyond an 82 mm mortar's ≈3 km
    expectInputError(scenario({ 12: '    launch: { lat: 33.25, lon: 44.45 }' }), {
      file: FILE, line: 13, field: 'threats[1].aim', message: /aim point is 7\.\d\d km from the launch point, beyond the 3\.0 km maximum range of mortar-82/,
    });
  });

  it('a threat launched after the end of the scenario', () => {
    expectInputError(scenario({ 14: '    at: 200' }), {
      file: FILE, line: 14, field: 'threats[1].at', message: /beyond the scenario duration of 120 s/,
    });
  });

  it('duplicate threat ids', () => {
    expectInputError(scenario({ 10: '  - id: t1' }), {
      file: FILE, line: 10, field: 'threats[1].id', message: /duplicate threat id "t1".*line 9/,
    });
  });

  it('a flight reusing a threat id', () => {
    expectInputError(scenario({ 16: '  - id: t2' }), { file: FILE, line: 16, field: 'nonBallistic[0].id', message: /duplicate flight id "t2"/ });
  });

  it('an incomplete aim direction', () => {
    expectInputError(scenario({ 13: '    aim: { azimuthDeg: 270 }' }), {
      file: FILE, line: 13, field: 'threats[1].aim.elevationDeg', message: /required field is missing/,
    });
  });

  it('latitude out of range in a launch point', () => {
    expectInputError(scenario({ 12: '    launch: { lat: -91, lon: 44.42 }' }), {
      file: FILE, line: 12, field: 'threats[1].launch.lat', message: /latitude must be within ±90/,
    });
  });

  it('waypoints out of time order', () => {
    expectInputError(scenario({ 20: '      - { lat: 33.30, lon: 44.40, alt: 150, at: 0 }' }), {
      file: FILE, line: 20, field: 'nonBallistic[0].waypoints[1].at', message: /waypoint times must increase/,
    });
  });

  it('a start time without a zone, and one that is not on the calendar', () => {
    expectInputError(scenario({ 3: 'start: 2020-01-08 20:45' }), { file: FILE, line: 3, field: 'start', message: /ISO-8601/ });
    expectInputError(scenario({ 3: 'start: 2020-02-30T20:45:00Z' }), { file: FILE, line: 3, field: 'start', message: /not a valid calendar time/ });
  });

  it('a wind given the wrong way', () => {
    expectInputError(scenario({ 7: '  wind: { speed: 5, toDeg: 180 }' }), { file: FILE, line: 7, field: 'environment.wind.toDeg', message: /unknown field/ });
  });

  it('a missing site file is named at the line that refers to it', () => {
    expectInputError(scenario({ 2: 'site: nope.yaml' }), { file: FILE, line: 2, field: 'site', message: /referenced file not found: .*nope\.yaml/ });
  });

  it('an error in the referenced site file names the site file', () => {
    const d = tempFiles({ 'site.yaml': SITE.replace('shelterSeconds: 15 ', ''), 'scenario.yaml': withLines(SCENARIO) });
    expectInputError(() => loadScenario(join(d, 'scenario.yaml')), {
      file: join(d, 'site.yaml'), line: 9, field: 'zones.features[0].properties.shelterSeconds', message: /no shelterSeconds/,
    });
  });

  it('an error in an inline site names the scenario file and the site field', () => {
    const sensor = SITE.split('\n')[4]!;
    const twoSensors = SITE.replace(sensor, `${sensor}\n${sensor.replace('id: r1', 'id: r2')}`);
    const inline = withLines(SCENARIO, { 2: 'site:\n' + twoSensors.trimEnd().split('\n').map((l) => '  ' + l).join('\n') });
    // the second sensor is line 2 (site:) + 6
    expectInputError(() => parseScenario(inline, FILE), { file: FILE, line: 8, field: 'site.sensors[1].sic', message: /SAC\/SIC/ });
  });
});
