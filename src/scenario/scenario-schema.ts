/**
 * Schema of a scenario file (design.md §4.2): a site (inline or `site: FILE`), when it starts, the seed, the
 * weather, and what is fired or flown. Checks across fields (aim within range, times within the duration,
 * unique ids) are in validate-scenario.ts.
 */
import { z } from 'zod';
import { THREAT_TYPES } from '../physics/threat-types.js';
import { latitudeSchema, longitudeSchema } from './geojson-schema.js';
import { siteFileSchema } from './site-schema.js';

/** ISO-8601 with an explicit zone ("Z" or ±hh:mm), so no reader's local time can creep in. */
export const ISO_UTC = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:\d{2})$/;

const idSchema = z.string().min(1, 'an id must not be empty');

export const threatTypeSchema = z.enum(THREAT_TYPES, {
  error: (iss) =>
    iss.input === undefined
      ? `threat has no type (one of ${THREAT_TYPES.join(', ')})`
      : `unknown threat type ${JSON.stringify(iss.input)}; valid types: ${THREAT_TYPES.join(', ')}`,
});

export const aimPointSchema = z.strictObject({ lat: latitudeSchema, lon: longitudeSchema });
export const aimDirectionSchema = z.strictObject({
  /** degrees clockwise from true north at the launcher */
  azimuthDeg: z.number().min(0).max(360),
  /** degrees above the launcher's horizontal */
  elevationDeg: z.number().gt(0).lt(90),
});

export const threatSchema = z.strictObject({
  id: idSchema,
  type: threatTypeSchema,
  /** alt: metres above the ellipsoid; default the site's terrainAlt */
  launch: z.strictObject({ lat: latitudeSchema, lon: longitudeSchema, alt: z.number().optional() }),
  aim: z.union([aimPointSchema, aimDirectionSchema]),
  /** which of the two solutions reaching an aim point; default high for mortars, low for rockets */
  angle: z.enum(['low', 'high']).optional(),
  /** launch time, s after the scenario start */
  at: z.number().min(0),
});

export const waypointSchema = z.strictObject({
  lat: latitudeSchema,
  lon: longitudeSchema,
  /** metres above the ellipsoid */
  alt: z.number(),
  /** s after the scenario start */
  at: z.number().min(0),
});

export const nonBallisticSchema = z.strictObject({
  id: idSchema,
  kind: z.enum(['drone', 'aircraft', 'bird']),
  /** straight legs between waypoints, in increasing time */
  waypoints: z.array(waypointSchema).min(2, 'a flight needs at least 2 waypoints'),
});

export const environmentSchema = z.strictObject({
  wind: z
    .strictObject({
      /** m/s */
      speed: z.number().min(0).max(100),
      /** direction the wind blows FROM, degrees clockwise from true north (meteorological convention) */
      fromDeg: z.number().min(0).max(360),
    })
    .optional(),
  /** K added to the ISA temperature at every height */
  temperatureOffsetK: z.number().min(-80).max(80).optional(),
});

export const scenarioFileSchema = z.strictObject({
  name: z.string().min(1),
  site: z.union([z.string().min(1, 'a file path must not be empty'), siteFileSchema]),
  start: z.string().regex(ISO_UTC, 'start must be an ISO-8601 time with a zone, e.g. 2020-01-08T20:45:00Z'),
  seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  /** s; default: until the last impact plus a tail (computed from the trajectories) */
  duration: z.number().positive().optional(),
  environment: environmentSchema.default({}),
  threats: z.array(threatSchema).default([]),
  nonBallistic: z.array(nonBallisticSchema).default([]),
});

export type ScenarioFile = z.output<typeof scenarioFileSchema>;
