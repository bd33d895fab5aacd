import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSite, parseSite } from '../../src/scenario/load.js';
import { expectInputError, tempFiles, withLines } from './helpers.js';

const FILE = 'fixtures/site.yaml';
// Line numbers matter: the tests below replace lines by number and expect errors at exact lines.
const SITE = [
  /*  1 */ 'name: Test site',
  /*  2 */ 'origin: { lat: 33.3, lon: 44.395, alt: 34 }',
  /*  3 */ 'terrainAlt: 34',
  /*  4 */ 'sensors:',
  /*  5 */ '  - { id: r1, sac: 1, sic: 1, lat: 33.3, lon: 44.395, alt: 40, rangeSigma: 10, azSigmaMrad: 3, elSigmaMrad: 3, period: 1, maxRange: 10000 }',
  /*  6 */ '  - { id: r2, sac: 1, sic: 2, lat: 33.31, lon: 44.40, alt: 40, rangeSigma: 10, azSigmaMrad: 3, elSigmaMrad: 3, period: 2, maxRange: 20000 }',
  /*  7 */ 'zones:',
  /*  8 */ '  type: FeatureCollection',
  /*  9 */ '  features:',
  /* 10 */ '    - type: Feature',
  /* 11 */ '      properties: { id: z1, name: Zone one, shelterSeconds: 15 }',
  /* 12 */ '      geometry:',
  /* 13 */ '        type: Polygon',
  /* 14 */ '        coordinates:',
  /* 15 */ '          - [[44.39, 33.29], [44.40, 33.29], [44.40, 33.30], [44.39, 33.30], [44.39, 33.29]]',
  /* 16 */ '    - type: Feature',
  /* 17 */ '      properties: { id: z2, name: Zone two, shelterSeconds: 30 }',
  /* 18 */ '      geometry: { type: Polygon, coordinates: [[[44.39, 33.30], [44.40, 33.30], [44.40, 33.31], [44.39, 33.31], [44.39, 33.30]]] }',
  /* 19 */ 'interceptors:',
  /* 20 */ '  - { id: c1, lat: 33.299, lon: 44.396, alt: 38, maxRange: 2000, minElevationDeg: 2, reactionTime: 2, slewDegPerSec: 100, burstSeconds: 1.5, pk: 0.6, bursts: 8 }',
  /* 21 */ 'landmarks:',
  /* 22 */ '  type: FeatureCollection',
  /* 23 */ '  features:',
  /* 24 */ '    - { type: Feature, properties: { name: US Embassy }, geometry: { type: Point, coordinates: [44.396, 33.299] } }',
];
const site = (edits: Record<number, string> = {}) => () => parseSite(withLines(SITE, edits), FILE);

describe('a valid site', () => {
  it('loads with defaults filled in', () => {
    const s = site()();
    expect(s.file).toBe(FILE);
    expect(s.extentRadius).toBe(20000);
    expect(s.zones.map((z) => [z.id, z.shelterSeconds])).toEqual([
      ['z1', 15],
      ['z2', 30],
    ]);
    expect(s.zones[0]!.ring).toEqual([
      [44.39, 33.29],
      [44.4, 33.29],
      [44.4, 33.3],
      [44.39, 33.3],
      [44.39, 33.29],
    ]);
    expect(s.interceptors[0]!.minInterceptAlt).toBe(100);
    expect(s.landmarks).toEqual([{ id: 'us-embassy', name: 'US Embassy', lat: 33.299, lon: 44.396 }]);
    expect(s.assets).toEqual([]);
  });
});

describe('site errors name the file, the line and the field', () => {
  it('latitude outside ±90', () => {
    expectInputError(site({ 2: 'origin: { lat: 95, lon: 44.395, alt: 34 }' }), {
      file: FILE, line: 2, field: 'origin.lat', message: /latitude must be within ±90/,
    });
  });

  it('longitude outside ±180', () => {
    expectInputError(site({ 20: SITE[19]!.replace('lon: 44.396', 'lon: 190') }), {
      file: FILE, line: 20, field: 'interceptors[0].lon', message: /longitude must be within ±180/,
    });
  });

  it('longitude outside ±180 in a GeoJSON position ([lon, lat] order)', () => {
    expectInputError(site({ 15: '          - [[44.39, 33.29], [184.40, 33.29], [44.40, 33.30], [44.39, 33.30], [44.39, 33.29]]' }), {
      file: FILE, line: 15, field: 'zones.features[0].geometry.coordinates[0][1][0]', message: /longitude/,
    });
  });

  it('zone polygon not closed', () => {
    expectInputError(site({ 15: '          - [[44.39, 33.29], [44.40, 33.29], [44.40, 33.30], [44.39, 33.30], [44.38, 33.29]]' }), {
      file: FILE, line: 15, field: 'zones.features[0].geometry.coordinates[0][4]', message: /not closed/,
    });
  });

  it('zone polygon with fewer than 4 positions', () => {
    expectInputError(site({ 18: '      geometry: { type: Polygon, coordinates: [[[44.39, 33.30], [44.40, 33.30], [44.39, 33.30]]] }' }), {
      file: FILE, line: 18, field: 'zones.features[1].geometry.coordinates[0][2]', message: /at least 4 positions/,
    });
  });

  it('self-intersecting zone polygon (a bow tie)', () => {
    expectInputError(site({ 15: '          - [[44.39, 33.29], [44.40, 33.30], [44.40, 33.29], [44.39, 33.30], [44.39, 33.29]]' }), {
      file: FILE, line: 15, field: 'zones.features[0].geometry.coordinates[0][2]', message: /self-intersecting/,
    });
  });

  it('overlapping (duplicate) zone ids point at the second and name the first', () => {
    const err = expectInputError(site({ 17: '      properties: { id: z1, name: Zone two, shelterSeconds: 30 }' }), {
      file: FILE, line: 17, field: 'zones.features[1].properties.id', message: /overlapping zone ids: "z1"/,
    });
    expect(err.message).toContain(`${FILE}:11`);
  });

  it('a zone without shelterSeconds', () => {
    expectInputError(site({ 17: '      properties: { id: z2, name: Zone two }' }), {
      file: FILE, line: 17, field: 'zones.features[1].properties.shelterSeconds', message: /zone has no shelterSeconds/,
    });
  });

  it('a shelter time that is not one of the published steps', () => {
    expectInputError(site({ 11: '      properties: { id: z1, name: Zone one, shelterSeconds: 20 }' }), {
      file: FILE, line: 11, field: 'zones.features[0].properties.shelterSeconds', message: /one of 0, 15, 30, 45, 60, 90, got 20/,
    });
  });

  it('duplicate sensor ids', () => {
    expectInputError(site({ 6: SITE[5]!.replace('id: r2', 'id: r1') }), {
      file: FILE, line: 6, field: 'sensors[1].id', message: /duplicate sensor id "r1"/,
    });
  });

  it('duplicate SAC/SIC pairs', () => {
    expectInputError(site({ 6: SITE[5]!.replace('sic: 2', 'sic: 1') }), {
      file: FILE, line: 6, field: 'sensors[1].sic', message: /duplicate SAC\/SIC pair 1\/1/,
    });
  });

  it('duplicate interceptor ids', () => {
    expectInputError(site({ 20: `${SITE[19]!}\n${SITE[19]!.replace('lat: 33.299', 'lat: 33.301')}` }), {
      file: FILE, line: 21, field: 'interceptors[1].id', message: /duplicate interceptor id "c1"/,
    });
  });

  it('an interceptor outside the site (beyond extentRadius from the origin)', () => {
    // 33.3 → 33.6 is ≈33 km north: beyond the default 20 km
    expectInputError(site({ 20: SITE[19]!.replace('lat: 33.299', 'lat: 33.6') }), {
      file: FILE, line: 20, field: 'interceptors[0]', message: /outside the site: 33\.\d\d km from the origin, beyond extentRadius 20\.00 km/,
    });
    // ...and inside once the site is declared larger
    const ok = parseSite(withLines(SITE, { 3: 'terrainAlt: 34\nextentRadius: 40000', 20: SITE[19]!.replace('lat: 33.299', 'lat: 33.6') }), FILE);
    expect(ok.interceptors[0]!.lat).toBe(33.6);
  });

  it('a missing required field', () => {
    expectInputError(site({ 3: '' }), { file: FILE, line: 1, field: 'terrainAlt', message: /required field is missing/ });
  });

  it('an unknown field (a typo) is refused, not ignored', () => {
    expectInputError(site({ 3: 'terainAlt: 34' }), { file: FILE, line: 3, field: 'terainAlt', message: /unknown field "terainAlt" \(did you mean "terrainAlt"\?\)/ });
  });

  it('a YAML syntax error', () => {
    expectInputError(site({ 2: 'origin: { lat: 33.3, lon: 44.395, alt: 34' }), { file: FILE, line: 3, message: /YAML syntax/ });
  });

  it('a duplicated key', () => {
    expectInputError(site({ 3: 'terrainAlt: 34\nterrainAlt: 35' }), { file: FILE, line: 4, message: /unique/ });
  });
});

describe('GeoJSON files referred to by a site', () => {
  const ZONES = [
    /* 1 */ '{',
    /* 2 */ '  "type": "FeatureCollection",',
    /* 3 */ '  "features": [',
    /* 4 */ '    { "type": "Feature",',
    /* 5 */ '      "properties": { "id": "z1", "name": "Zone one", "shelterSeconds": 15 },',
    /* 6 */ '      "geometry": { "type": "Polygon", "coordinates": [[[44.39, 33.29], [44.40, 33.29], [44.40, 33.30], [44.39, 33.30], [44.39, 33.29]]] } }',
    /* 7 */ '  ]',
    /* 8 */ '}',
  ];
  // line 7 refers to the file; lines 8–18 (the inline zones) are left blank so later line numbers stay put
  const siteWithFile = (ref: string) =>
    withLines(SITE, { 7: `zones: ${ref}`, ...Object.fromEntries([8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18].map((n) => [n, ''])) });

  it('loads zones from a file relative to the site file', () => {
    const dir = tempFiles({ 'site.yaml': siteWithFile('zones/z.geojson'), 'zones/z.geojson': withLines(ZONES) });
    const s = loadSite(join(dir, 'site.yaml'));
    expect(s.zones.map((z) => z.id)).toEqual(['z1']);
  });

  it('an error inside the GeoJSON file names that file and its line', () => {
    const dir = tempFiles({ 'site.yaml': siteWithFile('z.geojson'), 'z.geojson': withLines(ZONES, { 5: '      "properties": { "id": "z1", "name": "Zone one" },' }) });
    expectInputError(() => loadSite(join(dir, 'site.yaml')), {
      file: join(dir, 'z.geojson'), line: 5, field: 'features[0].properties.shelterSeconds', message: /no shelterSeconds/,
    });
  });

  it('a missing referenced file is named, at the line that refers to it', () => {
    const dir = tempFiles({ 'site.yaml': siteWithFile('nowhere.geojson') });
    expectInputError(() => loadSite(join(dir, 'site.yaml')), {
      file: join(dir, 'site.yaml'), line: 7, field: 'zones', message: /referenced file not found: .*nowhere\.geojson/,
    });
  });

  it('a missing site file', () => {
    expectInputError(() => loadSite('/nonexistent/site.yaml'), { file: '/nonexistent/site.yaml', message: /file not found/ });
  });
});
