/**
 * The site as the operator display draws it (`GET /api/site`, and `site.json` beside a `simulate --out` run):
 * zones, defended assets and landmarks as GeoJSON, the river and outline, sensors and interceptors with their
 * reach. Everything the base map needs, so the page never asks anything outside the service for a map.
 */
import type { Feature, FeatureCollection, LineString, Point, Polygon } from 'geojson';
import type { Site } from '../scenario/types.js';

export interface SiteJson {
  name: string;
  origin: { lat: number; lon: number; alt: number };
  terrainAlt: number;
  zones: FeatureCollection<Polygon, { id: string; name: string; shelterSeconds: number }>;
  assets: FeatureCollection<Polygon, { id: string; name: string; priority: number }>;
  landmarks: FeatureCollection<Point, { id: string; name: string }>;
  river?: Feature<LineString>;
  outline?: Feature<Polygon>;
  sensors: { id: string; lat: number; lon: number; alt: number; maxRange: number; period: number }[];
  interceptors: { id: string; lat: number; lon: number; alt: number; maxRange: number }[];
  /** a raster tile URL template ({z}/{x}/{y}) for sites with their own tile server */
  tileUrl?: string;
}

export function siteJson(site: Site, opts: { tileUrl?: string } = {}): SiteJson {
  const out: SiteJson = {
    name: site.name,
    origin: { ...site.origin },
    terrainAlt: site.terrainAlt,
    zones: {
      type: 'FeatureCollection',
      features: site.zones.map((z) => ({
        type: 'Feature',
        geometry: { type: 'Polygon', coordinates: [z.ring] },
        properties: { id: z.id, name: z.name, shelterSeconds: z.shelterSeconds },
      })),
    },
    assets: {
      type: 'FeatureCollection',
      features: site.assets.map((a) => ({
        type: 'Feature',
        geometry: { type: 'Polygon', coordinates: [a.ring] },
        properties: { id: a.id, name: a.name, priority: a.priority },
      })),
    },
    landmarks: {
      type: 'FeatureCollection',
      features: site.landmarks.map((l) => ({ type: 'Feature', geometry: { type: 'Point', coordinates: [l.lon, l.lat] }, properties: { id: l.id, name: l.name } })),
    },
    sensors: site.sensors.map((s) => ({ id: s.id, lat: s.lat, lon: s.lon, alt: s.alt, maxRange: s.maxRange, period: s.period })),
    interceptors: site.interceptors.map((i) => ({ id: i.id, lat: i.lat, lon: i.lon, alt: i.alt, maxRange: i.maxRange })),
  };
  if (site.river) out.river = { type: 'Feature', geometry: { type: 'LineString', coordinates: site.river }, properties: {} };
  if (site.outline) out.outline = { type: 'Feature', geometry: { type: 'Polygon', coordinates: [site.outline] }, properties: {} };
  if (opts.tileUrl) out.tileUrl = opts.tileUrl;
  return out;
}
