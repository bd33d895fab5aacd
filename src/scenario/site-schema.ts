/**
 * Schema of a site file (design.md §4.2): where the defended place is, its radars, warning zones, defended
 * assets, interceptors and landmarks. This checks shape and ranges; checks across fields (closed rings,
 * unique ids, interceptors inside the site) are in validate-site.ts, where errors can point at lines.
 */
import { z } from 'zod';
import { radarConfigSchema } from '../sense/radar-config.js';
import {
  featureCollectionSchema,
  featureSchema,
  latitudeSchema,
  lineStringSchema,
  longitudeSchema,
  pointSchema,
  polygonSchema,
} from './geojson-schema.js';

/** Shelter times a zone may have, seconds: the steps national alert systems publish. */
export const SHELTER_SECONDS = [0, 15, 30, 45, 60, 90] as const;

export const DEFAULT_EXTENT_RADIUS = 20000;
export const DEFAULT_MIN_INTERCEPT_ALT = 100;

const idSchema = z.string().min(1, 'an id must not be empty');

export const geodeticPointSchema = z.strictObject({
  lat: latitudeSchema,
  lon: longitudeSchema,
  /** metres above the WGS-84 ellipsoid */
  alt: z.number(),
});

const shelterSecondsSchema = z.literal(SHELTER_SECONDS, {
  error: (iss) =>
    iss.input === undefined
      ? `zone has no shelterSeconds (one of ${SHELTER_SECONDS.join(', ')})`
      : `shelterSeconds must be one of ${SHELTER_SECONDS.join(', ')}, got ${JSON.stringify(iss.input)}`,
});

export const zonePropertiesSchema = z.looseObject({
  id: idSchema,
  name: z.string().min(1),
  /** seconds the people in the zone need to reach shelter */
  shelterSeconds: shelterSecondsSchema,
});
export const zoneCollectionSchema = featureCollectionSchema(featureSchema(polygonSchema, zonePropertiesSchema));

export const assetPropertiesSchema = z.looseObject({
  id: idSchema,
  name: z.string().min(1),
  /** 1 = highest */
  priority: z.number().int().min(1, 'priority 1 is the highest'),
});
export const assetCollectionSchema = featureCollectionSchema(featureSchema(polygonSchema, assetPropertiesSchema));

export const landmarkPropertiesSchema = z.looseObject({ id: idSchema.optional(), name: z.string().min(1) });
export const landmarkCollectionSchema = featureCollectionSchema(featureSchema(pointSchema, landmarkPropertiesSchema));

/** A map line (the river) or outline, as a bare geometry or a Feature. */
export const riverSchema = z.union([lineStringSchema, featureSchema(lineStringSchema, z.unknown())]);
export const outlineSchema = z.union([polygonSchema, featureSchema(polygonSchema, z.unknown())]);

export const interceptorConfigSchema = z.strictObject({
  id: idSchema,
  lat: latitudeSchema,
  lon: longitudeSchema,
  /** metres above the ellipsoid */
  alt: z.number(),
  /** m, slant range of the gun */
  maxRange: z.number().positive(),
  /** lowest gun elevation, degrees */
  minElevationDeg: z.number().min(-10).max(90),
  /** s from the engage order to the first burst */
  reactionTime: z.number().min(0),
  slewDegPerSec: z.number().positive(),
  /** s per burst */
  burstSeconds: z.number().positive(),
  /** kill probability of one burst */
  pk: z.number().min(0).max(1),
  /** bursts available */
  bursts: z.number().int().min(0),
  /** m above terrain: below it the gun must not fire (fragments over the defended area) */
  minInterceptAlt: z.number().min(0).default(DEFAULT_MIN_INTERCEPT_ALT),
});

/** A GeoJSON value given inline or as a file path relative to the file that names it. */
function inlineOrFile<T extends z.ZodType>(schema: T) {
  return z.union([z.string().min(1, 'a file path must not be empty'), schema]);
}

export const siteFileSchema = z.strictObject({
  name: z.string().min(1),
  origin: geodeticPointSchema,
  /** m above the ellipsoid; impacts are computed against it */
  terrainAlt: z.number(),
  /** m: how far from the origin the site's equipment may be */
  extentRadius: z.number().positive().default(DEFAULT_EXTENT_RADIUS),
  sensors: z.array(radarConfigSchema).min(1, 'a site needs at least one sensor'),
  zones: inlineOrFile(zoneCollectionSchema),
  assets: inlineOrFile(assetCollectionSchema).optional(),
  interceptors: z.array(interceptorConfigSchema).default([]),
  landmarks: inlineOrFile(landmarkCollectionSchema).optional(),
  river: inlineOrFile(riverSchema).optional(),
  outline: inlineOrFile(outlineSchema).optional(),
});

export type SiteFile = z.output<typeof siteFileSchema>;
export type InterceptorConfig = z.output<typeof interceptorConfigSchema>;
