/**
 * What a loaded site or scenario looks like to the rest of tocsin: validated, defaults filled in, files
 * resolved. Geodetic values stay in degrees (they are I/O values; the engine converts once into its frames).
 */
import type { RadarConfig } from '../sense/radar-config.js';
import type { ThreatType } from '../physics/threat-types.js';
import type { InterceptorConfig } from './site-schema.js';

export type { RadarConfig, InterceptorConfig };

/** [longitude, latitude] in degrees, GeoJSON order. */
export type LonLat = [number, number];

export interface Zone {
  id: string;
  name: string;
  /** seconds the people in the zone need to reach shelter: one of 0, 15, 30, 45, 60, 90 */
  shelterSeconds: number;
  /** exterior ring, closed (first = last) */
  ring: LonLat[];
}

export interface Asset {
  id: string;
  name: string;
  /** 1 = highest */
  priority: number;
  /** closed ring */
  ring: LonLat[];
}

export interface Landmark {
  /** from the file, else derived from the name ("US Embassy" → "us-embassy") */
  id: string;
  name: string;
  lat: number;
  lon: number;
}

export interface Site {
  name: string;
  /** the file the site was read from (the scenario file when inline) */
  file: string;
  origin: { lat: number; lon: number; alt: number };
  /** m above the ellipsoid */
  terrainAlt: number;
  /** m */
  extentRadius: number;
  sensors: RadarConfig[];
  zones: Zone[];
  assets: Asset[];
  interceptors: InterceptorConfig[];
  landmarks: Landmark[];
  /** river centre line for the map */
  river?: LonLat[];
  /** closed outline ring for the map */
  outline?: LonLat[];
}

export interface ThreatDef {
  id: string;
  type: ThreatType;
  /** degrees; alt m above the ellipsoid (the site's terrainAlt when the file gives none) */
  launch: { lat: number; lon: number; alt: number };
  /** an aim point (solved to a launch angle) or a launch direction, degrees */
  aim: { lat: number; lon: number } | { azimuthDeg: number; elevationDeg: number };
  /** which solution reaches an aim point: the file's value, else high for mortars and low for rockets */
  angle: 'low' | 'high';
  /** launch time, s after the scenario start */
  at: number;
}

export interface Waypoint {
  lat: number;
  lon: number;
  /** m above the ellipsoid */
  alt: number;
  /** s after the scenario start */
  at: number;
}

export interface NonBallisticDef {
  id: string;
  kind: 'drone' | 'aircraft' | 'bird';
  /** in strictly increasing time */
  waypoints: Waypoint[];
}

export interface Environment {
  /** m/s: the wind's velocity vector (a wind from the north has windNorth < 0) */
  windEast: number;
  windNorth: number;
  /** K added to ISA */
  temperatureOffsetK: number;
}

export interface Scenario {
  name: string;
  file: string;
  site: Site;
  /** UTC seconds since the Unix epoch */
  start: number;
  /** start as written in the file */
  startIso: string;
  seed: number;
  /** s; undefined: until the last event plus a tail */
  duration?: number;
  environment: Environment;
  threats: ThreatDef[];
  nonBallistic: NonBallisticDef[];
}
