/**
 * One radar of a site file (design.md §4.2). The field names are part of the external contract (site and
 * scenario YAML use them): keep them. Degrees and milliradians here, at the edge; the model converts to
 * radians once, at construction.
 */
import { z } from 'zod';

const sectorSchema = z
  .strictObject({
    /** start of the covered sector, degrees clockwise from true north */
    fromDeg: z.number().min(-360).max(720),
    /** end of the sector, clockwise from fromDeg (wraps through north, e.g. 315 → 45) */
    toDeg: z.number().min(-360).max(720),
  })
  .describe('azimuth sector covered, clockwise from fromDeg to toDeg; equal bounds mean 360°');

export const radarConfigSchema = z
  .strictObject({
    id: z.string().min(1).describe('sensor id, unique within the site'),
    sac: z.number().int().min(0).max(255).describe('ASTERIX system area code'),
    sic: z.number().int().min(0).max(255).describe('ASTERIX system identification code'),
    lat: z.number().min(-90).max(90).describe('radar latitude, degrees WGS-84'),
    lon: z.number().min(-180).max(180).describe('radar longitude, degrees WGS-84'),
    alt: z.number().min(-500).max(10000).describe('radar height above the ellipsoid, m'),
    rangeSigma: z.number().min(0).describe('range noise standard deviation, m'),
    azSigmaMrad: z.number().min(0).describe('azimuth noise standard deviation, mrad'),
    elSigmaMrad: z.number().min(0).describe('elevation noise standard deviation, mrad'),
    rangeRateSigma: z.number().min(0).default(1).describe('range-rate noise standard deviation, m/s; 0 = no Doppler'),
    period: z.number().positive().describe('antenna revolution period, s'),
    maxRange: z.number().positive().describe('instrumented range, m'),
    minRange: z.number().min(0).default(100).describe('blind range, m'),
    pd: z.number().min(0).max(1).default(0.95).describe('probability of detection per look'),
    minElevationDeg: z.number().min(-90).max(90).default(0.5).describe('elevation mask, degrees'),
    minHeightAboveRadar: z
      .number()
      .default(50)
      .describe("detection floor: height above the radar's local tangent plane, m (domain.md §2)"),
    clutterPerScan: z.number().min(0).default(0).describe('mean number of clutter plots per revolution (Poisson)'),
    clutterMaxAlt: z.number().default(3000).describe("top of the clutter volume above the radar's tangent plane, m"),
    sector: sectorSchema.optional(),
    startPhaseDeg: z.number().default(0).describe('antenna azimuth at the epoch, degrees'),
  })
  .refine((c) => c.maxRange > c.minRange, { message: 'maxRange must exceed minRange', path: ['maxRange'] });

/** A validated radar configuration with every default filled in. */
export type RadarConfig = z.output<typeof radarConfigSchema>;
/** What a site file may write (defaults optional). */
export type RadarConfigInput = z.input<typeof radarConfigSchema>;
