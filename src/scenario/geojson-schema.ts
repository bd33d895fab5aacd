/**
 * The GeoJSON (RFC 7946) subset site files use: Points, LineStrings and Polygons, alone, as Features or in
 * FeatureCollections. Positions are [longitude, latitude(, altitude)] in degrees, as GeoJSON orders them.
 * Features and collections may carry foreign members (styling, notes): they are ignored, not rejected.
 */
import { z } from 'zod';

export const latitudeSchema = z.number().min(-90, 'latitude must be within ±90°').max(90, 'latitude must be within ±90°');
export const longitudeSchema = z
  .number()
  .min(-180, 'longitude must be within ±180°')
  .max(180, 'longitude must be within ±180°');

/** [lon, lat] or [lon, lat, alt] */
export const positionSchema = z.tuple([longitudeSchema, latitudeSchema], z.number()).refine((p) => p.length <= 3, {
  message: 'a position is [longitude, latitude] or [longitude, latitude, altitude]',
});

export const pointSchema = z.looseObject({ type: z.literal('Point'), coordinates: positionSchema });
export const lineStringSchema = z.looseObject({
  type: z.literal('LineString'),
  coordinates: z.array(positionSchema).min(2, 'a LineString needs at least 2 positions'),
});
/** Rings are checked (closed, ≥ 4 positions, simple) after parsing, where the error can point at the ring. */
export const polygonSchema = z.looseObject({
  type: z.literal('Polygon'),
  coordinates: z.array(z.array(positionSchema)).min(1, 'a Polygon needs an exterior ring'),
});

/** A Feature whose geometry and properties follow the given schemas. */
export function featureSchema<G extends z.ZodType, P extends z.ZodType>(geometry: G, properties: P) {
  return z.looseObject({ type: z.literal('Feature'), geometry, properties });
}

/** A FeatureCollection of such Features. */
export function featureCollectionSchema<F extends z.ZodType>(feature: F) {
  return z.looseObject({ type: z.literal('FeatureCollection'), features: z.array(feature) });
}

export type Position = z.output<typeof positionSchema>;
export type PolygonGeometry = z.output<typeof polygonSchema>;
export type LineStringGeometry = z.output<typeof lineStringSchema>;
