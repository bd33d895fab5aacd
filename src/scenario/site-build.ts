/**
 * Turns the site part of a YAML document into a Site: validates the shape with zod, reads the GeoJSON files
 * it names (relative to the file that names them), and checks what a schema cannot see — closed and simple
 * zone rings, unique ids and SAC/SIC pairs, interceptors inside the site. Every error points at a line.
 */
import type { z } from 'zod';
import { inverse } from '../geo/geodesic.js';
import { ringProblem } from './ring-check.js';
import {
  assetCollectionSchema,
  landmarkCollectionSchema,
  outlineSchema,
  riverSchema,
  siteFileSchema,
  zoneCollectionSchema,
} from './site-schema.js';
import type { Asset, Landmark, LonLat, Site, Zone } from './types.js';
import { YamlSource, besideFile, formatPath, type FieldPath } from './yaml-source.js';

/** Where a value lives: a file and a path inside it. */
export interface Loc {
  source: YamlSource;
  path: FieldPath;
}

function at(loc: Loc, ...more: PropertyKey[]): Loc {
  return { source: loc.source, path: [...loc.path, ...more] };
}

function fail(loc: Loc, message: string): Error {
  return loc.source.error(loc.path, message);
}

/** "file:line (field)" for messages that point at a second place. */
function describe(loc: Loc): string {
  const line = loc.source.lineOf(loc.path);
  return `${loc.source.file}${line !== undefined ? `:${line}` : ''} (${formatPath(loc.path)})`;
}

/** Parses a value against a schema, or throws an InputError at the first problem. */
export function parseAt<T extends z.ZodType>(schema: T, loc: Loc): z.output<T> {
  const r = schema.safeParse(loc.source.get(loc.path), { reportInput: true });
  if (!r.success) throw loc.source.zodError(r.error, loc.path);
  return r.data;
}

/** A GeoJSON value given inline (already parsed) or as a file path: returns its data and where it lives. */
function resolveGeo<T extends z.ZodType>(value: unknown, loc: Loc, schema: T): { data: z.output<T>; loc: Loc } {
  if (typeof value !== 'string') return { data: value as z.output<T>, loc };
  const file = besideFile(loc.source.file, value);
  const source = YamlSource.read(file, loc);
  const fileLoc: Loc = { source, path: [] };
  return { data: parseAt(schema, fileLoc), loc: fileLoc };
}

/** The exterior ring of a Polygon after checking it; holes are refused rather than silently dropped. */
function checkedRing(coordinates: number[][][], loc: Loc): LonLat[] {
  if (coordinates.length > 1) throw fail(at(loc, 1), 'polygon holes are not supported: give the exterior ring only');
  const ring = coordinates[0]!;
  const problem = ringProblem(ring);
  if (problem) throw fail(at(loc, 0, problem.index), problem.message);
  return ring.map((p) => [p[0]!, p[1]!]);
}

/** Throws at the second use of an id; `label` names what the ids identify. */
function checkUnique(items: ReadonlyArray<{ key: string; loc: Loc }>, label: (key: string, first: Loc) => string): void {
  const seen = new Map<string, Loc>();
  for (const it of items) {
    const first = seen.get(it.key);
    if (first) throw fail(it.loc, label(it.key, first));
    seen.set(it.key, it.loc);
  }
}

const duplicate = (what: string) => (id: string, first: Loc) => `duplicate ${what} id "${id}" (first used at ${describe(first)})`;

/** "US Embassy" → "us-embassy" */
export function slug(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/** Builds the Site at `loc` (the whole document, or the `site:` value of a scenario). */
export function buildSite(loc: Loc): Site {
  const raw = parseAt(siteFileSchema, loc);

  const zonesIn = resolveGeo(raw.zones, at(loc, 'zones'), zoneCollectionSchema);
  const zones: Zone[] = zonesIn.data.features.map((f, i) => ({
    id: f.properties.id,
    name: f.properties.name,
    shelterSeconds: f.properties.shelterSeconds,
    ring: checkedRing(f.geometry.coordinates, at(zonesIn.loc, 'features', i, 'geometry', 'coordinates')),
  }));
  if (zones.length === 0) throw fail(zonesIn.loc, 'a site needs at least one zone');
  checkUnique(
    zones.map((z, i) => ({ key: z.id, loc: at(zonesIn.loc, 'features', i, 'properties', 'id') })),
    (id, first) => `overlapping zone ids: "${id}" is already the id of the zone at ${describe(first)}`,
  );

  const assets: Asset[] = [];
  if (raw.assets !== undefined) {
    const a = resolveGeo(raw.assets, at(loc, 'assets'), assetCollectionSchema);
    a.data.features.forEach((f, i) =>
      assets.push({
        id: f.properties.id,
        name: f.properties.name,
        priority: f.properties.priority,
        ring: checkedRing(f.geometry.coordinates, at(a.loc, 'features', i, 'geometry', 'coordinates')),
      }),
    );
    checkUnique(
      assets.map((x, i) => ({ key: x.id, loc: at(a.loc, 'features', i, 'properties', 'id') })),
      duplicate('asset'),
    );
  }

  const landmarks: Landmark[] = [];
  if (raw.landmarks !== undefined) {
    const l = resolveGeo(raw.landmarks, at(loc, 'landmarks'), landmarkCollectionSchema);
    l.data.features.forEach((f) => {
      const [lon, lat] = f.geometry.coordinates;
      landmarks.push({ id: f.properties.id ?? slug(f.properties.name), name: f.properties.name, lat, lon });
    });
    checkUnique(
      landmarks.map((x, i) => ({ key: x.id, loc: at(l.loc, 'features', i, 'properties') })),
      duplicate('landmark'),
    );
  }

  checkUnique(
    raw.sensors.map((s, i) => ({ key: s.id, loc: at(loc, 'sensors', i, 'id') })),
    duplicate('sensor'),
  );
  checkUnique(
    raw.sensors.map((s, i) => ({ key: `${s.sac}/${s.sic}`, loc: at(loc, 'sensors', i, 'sic') })),
    (pair, first) => `duplicate SAC/SIC pair ${pair}: the sensor at ${describe(first)} already uses it`,
  );
  checkUnique(
    raw.interceptors.map((s, i) => ({ key: s.id, loc: at(loc, 'interceptors', i, 'id') })),
    duplicate('interceptor'),
  );
  raw.interceptors.forEach((it, i) => {
    const d = inverse(raw.origin.lat, raw.origin.lon, it.lat, it.lon).distance;
    if (d > raw.extentRadius) {
      throw fail(
        at(loc, 'interceptors', i),
        `interceptor "${it.id}" is outside the site: ${(d / 1000).toFixed(2)} km from the origin, beyond extentRadius ${(raw.extentRadius / 1000).toFixed(2)} km`,
      );
    }
  });

  const site: Site = {
    name: raw.name,
    file: loc.source.file,
    origin: { ...raw.origin },
    terrainAlt: raw.terrainAlt,
    extentRadius: raw.extentRadius,
    sensors: raw.sensors,
    zones,
    assets,
    interceptors: raw.interceptors,
    landmarks,
  };
  if (raw.river !== undefined) {
    const r = resolveGeo(raw.river, at(loc, 'river'), riverSchema);
    const g = r.data.type === 'Feature' ? r.data.geometry : r.data;
    site.river = g.coordinates.map((p): LonLat => [p[0], p[1]]);
  }
  if (raw.outline !== undefined) {
    const o = resolveGeo(raw.outline, at(loc, 'outline'), outlineSchema);
    const isFeature = o.data.type === 'Feature';
    const g = o.data.type === 'Feature' ? o.data.geometry : o.data;
    site.outline = checkedRing(g.coordinates, isFeature ? at(o.loc, 'geometry', 'coordinates') : at(o.loc, 'coordinates'));
  }
  return site;
}
