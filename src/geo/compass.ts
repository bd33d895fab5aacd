/**
 * Compass words for reports: "≈ 520 m WSW of the US Embassy".
 */
import { inverse } from './geodesic.js';

const POINTS = ['N', 'NNE', 'NE', 'ENE', 'E', 'ESE', 'SE', 'SSE', 'S', 'SSW', 'SW', 'WSW', 'W', 'WNW', 'NW', 'NNW'] as const;

/**
 * The 16-point compass name of an azimuth (degrees clockwise from north, any value; NaN gives ''). Each point
 * owns the half-open sector [centre − 11.25°, centre + 11.25°): 11.25° is NNE, 348.75° is N.
 */
export function compassPoint(azimuthDeg: number): string {
  if (!Number.isFinite(azimuthDeg)) return '';
  const a = ((azimuthDeg % 360) + 360) % 360;
  return POINTS[Math.floor((a + 11.25) / 22.5) % 16]!;
}

export interface Landmark {
  /** as it should read in a sentence, article included: "the US Embassy", "Celebration Square" */
  name: string;
  /** degrees */
  lat: number;
  /** degrees */
  lon: number;
}

export interface Description {
  /** geodesic distance from the landmark, m */
  distance: number;
  /** azimuth from the landmark to the point, degrees in [0, 360) */
  azimuthDeg: number;
  /** e.g. "≈ 520 m WSW of the US Embassy", "≈ 1.3 km NE of Celebration Square", "at the US Embassy" */
  text: string;
}

/**
 * Where (lat, lon) lies as seen from a landmark. Distances are rounded to 10 m below 1 km and to 0.1 km from
 * 1 km up (decided on the rounded value, so 996 m reads "≈ 1.0 km"); a point that rounds to 0 m reads
 * "at <landmark>".
 */
export function describeFrom(landmark: Landmark, lat: number, lon: number): Description {
  const g = inverse(landmark.lat, landmark.lon, lat, lon);
  const distance = g.distance;
  let azimuthDeg = ((g.azimuth1Deg % 360) + 360) % 360;
  if (azimuthDeg >= 360) azimuthDeg = 0; // −1e-15 wraps to 360 − 1e-15, which rounds to 360
  const m10 = Math.round(distance / 10) * 10;
  let text: string;
  if (m10 === 0) text = `at ${landmark.name}`;
  else {
    const d = m10 < 1000 ? `${m10} m` : `${(Math.round(distance / 100) / 10).toFixed(1)} km`;
    text = `≈ ${d} ${compassPoint(azimuthDeg)} of ${landmark.name}`;
  }
  return { distance, azimuthDeg, text };
}
