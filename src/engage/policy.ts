/**
 * The engagement policy: the rules of threat evaluation and weapon assignment that are choices, not facts of
 * the interceptor (those are in the site file's `interceptors[]`). A zod schema, so a policy can be written
 * out, read back and validated like every other option object; each field carries its default and reason.
 * See docs/engagement.md.
 */
import { z } from 'zod';

export const engagePolicySchema = z.strictObject({
  /**
   * Engage a ballistic track only when the probability that its impact falls inside a defended asset is at
   * least this (the sum over assets of the impact's Gaussian integrated over each polygon). What falls on
   * open ground is left alone: every burst fired is a burst not available for the next round, and fragments
   * come down somewhere.
   */
  threatThreshold: z.number().min(0).max(1).default(0.8),
  /**
   * Hold fire on a round whose asset probability is above threatThreshold but below confidentThreshold while
   * more than deferSeconds remain before its predicted impact: a mortar aimed at an asset's edge has a long
   * engagement window, and a few seconds later its ellipse has shrunk enough to say whether it will hit
   * (rockets are inside their window only in the last ~5 s: the rule never delays them).
   */
  confidentThreshold: z.number().min(0).max(1).default(0.95),
  deferSeconds: z.number().min(0).default(8),
  /**
   * Ranking: score = time to impact + prioritySeconds·(priority − 1), lowest first. One step of asset
   * priority is worth this many seconds of urgency: a round on a priority-1 asset is taken before one on a
   * priority-2 asset that lands up to 5 s earlier.
   */
  prioritySeconds: z.number().min(0).default(5),
  /**
   * Kill assessment look after each burst (s): about one radar revisit, the time the sensor needs to see
   * whether the track persists. The next burst (shoot-look-shoot) cannot start before the look ends.
   */
  lookSeconds: z.number().min(0).default(1),
  /**
   * RK4 step (s) of the target's predicted path (stored, then interpolated with cubic Hermite): 0.25 s stays
   * within 2 mm of a 0.01 s path for the 122 mm rockets of scenario 2021-12-19 (0.5 s: 8 mm)
   */
  pathStep: z.number().positive().max(1).default(0.25),
  /** grid (s) on which the intercept search scans the path before refining the first feasible time */
  searchStep: z.number().positive().max(1).default(0.05),
  /** the intercept time is refined by bisection to this (s) */
  timeTolerance: z.number().positive().default(1e-4),
  /** longest predicted path (s) */
  maxPathTime: z.number().positive().default(200),
  /** gun pointing at start (stowed): azimuth (degrees clockwise from north) and elevation (degrees; raised to
   * the gun's minimum elevation when below it) */
  stowAzimuthDeg: z.number().default(0),
  stowElevationDeg: z.number().default(0),
});

export type EngagePolicy = z.output<typeof engagePolicySchema>;

export const DEFAULT_ENGAGE_POLICY: EngagePolicy = engagePolicySchema.parse({});

/** A full policy from partial overrides (validated). */
export function engagePolicy(over: Partial<EngagePolicy> = {}): EngagePolicy {
  return engagePolicySchema.parse({ ...DEFAULT_ENGAGE_POLICY, ...over });
}
