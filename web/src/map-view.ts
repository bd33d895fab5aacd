/**
 * The map: MapLibre GL with a local style — the site's own GeoJSON (outline, river, zones, defended assets,
 * landmarks, sensors, interceptors and their coverage) on a dark background, optionally over the site's own
 * raster tiles (`tileUrl` of /api/site) — and the live layers: tracks (MIL-STD-2525 symbols) with short trails,
 * 95 % predicted-impact ellipses, launch-point ellipses labelled with the projectile's class, engagement lines,
 * impact and intercept markers. No glyphs, sprites or remote tiles: labels and symbols are images drawn in the
 * page (symbols.ts).
 *
 * Updates are batched: `update()` rebuilds a source only when its part of the store changed, at most once per
 * animation frame and no more often than `minIntervalMs`.
 */
import {
  Map as MlMap,
  NavigationControl,
  ScaleControl,
  setWorkerUrl,
  type GeoJSONSource,
  type LayerSpecification,
  type SourceSpecification,
  type StyleSpecification,
} from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import type { Feature, FeatureCollection, Geometry, Position } from 'geojson';
import { circleRing, ellipseRing, ringCentre } from './geo.js';
import { threatText } from './format.js';
import { affiliation, type Dirty, type Store } from './store.js';
import { SIDC, drawImage, trackSidc } from './symbols.js';
import type { PredictionEvent, SiteJson } from './types.js';

setWorkerUrl(workerUrl);

type FC = FeatureCollection<Geometry, Record<string, unknown>>;
const EMPTY: FC = { type: 'FeatureCollection', features: [] };

function fc(features: Feature<Geometry, Record<string, unknown>>[]): FC {
  return { type: 'FeatureCollection', features };
}
function point(p: Position, props: Record<string, unknown>): Feature<Geometry, Record<string, unknown>> {
  return { type: 'Feature', geometry: { type: 'Point', coordinates: p }, properties: props };
}

const SYMBOL_SIZE = 26;
/** beyond this many live tracks the map shows no track ids (the track list does) */
const MAX_TRACK_LABELS = 40;
/** beyond this many launch points or impacts and intercepts, they are drawn without words */
const MAX_POINT_LABELS = 12;
const sym = (sidc: string, size = SYMBOL_SIZE) => `sym:${sidc}@${size}`;
const txt = (style: string, text: string) => `txt:${style}:${text}`;

const STAGE_COLOUR = ['match', ['get', 'stage'], 'siren', '#ff2d2d', 'early', '#ffab1f', 'clear', '#2fd06a', '#3d566e'];

const DYNAMIC_SOURCES = ['tracks', 'trails', 'ended-trails', 'impact-ellipses', 'launch-ellipses', 'pred-points', 'engagements', 'outcomes'] as const;

export interface MapOptions {
  container: HTMLElement;
  site: SiteJson;
  reducedMotion: boolean;
}

export class MapView {
  readonly map: MlMap;
  private pending: Partial<Dirty> = {};
  private lastUpdate = 0;
  minIntervalMs = 100;
  private loaded = false;
  private pulseOn = false;
  private scale = 1;
  private readonly ratio = Math.min(2, Math.max(1, Math.round(window.devicePixelRatio || 1)));
  /** map repaints so far (stats) */
  renders = 0;

  constructor(private readonly opts: MapOptions) {
    const site = opts.site;
    this.map = new MlMap({
      container: opts.container,
      style: this.style(site),
      center: [site.origin.lon, site.origin.lat],
      zoom: 13,
      attributionControl: false,
      dragRotate: false,
      pitchWithRotate: false,
      maxPitch: 0,
      fadeDuration: 0,
    });
    this.map.touchZoomRotate.disableRotation();
    this.map.addControl(new NavigationControl({ showCompass: false }), 'top-left');
    this.map.addControl(new ScaleControl({ unit: 'metric' }), 'bottom-left');
    this.map.setMissingStyleImageResolver((id) => {
      const img = drawImage(id, this.ratio, this.scale);
      if (img && !this.map.hasImage(id)) this.map.addImage(id, img.data, { pixelRatio: img.pixelRatio });
    });
    this.map.on('render', () => this.renders++);
    this.map.on('load', () => {
      this.loaded = true;
      this.fit();
    });
  }

  get ready(): boolean {
    return this.loaded;
  }

  /**
   * Frames the site (its outline, zones and interceptors) and, given the store, everything known now: live
   * tracks, predicted impacts and launch points.
   */
  fit(animate = false, store?: Store): void {
    const pts: Position[] = [];
    const site = this.opts.site;
    for (const f of site.zones.features) pts.push(...(f.geometry.coordinates[0] ?? []));
    if (site.outline) pts.push(...(site.outline.geometry.coordinates[0] ?? []));
    for (const g of site.interceptors) pts.push([g.lon, g.lat]);
    if (store) {
      for (const r of store.tracks.values()) pts.push([r.ev.lon, r.ev.lat]);
      for (const p of store.predictions.values()) {
        pts.push([p.impact.lon, p.impact.lat]);
        if (p.launch) pts.push([p.launch.lon, p.launch.lat]);
      }
      for (const l of store.launches.values()) if (l.pred.launch) pts.push([l.pred.launch.lon, l.pred.launch.lat]);
    }
    if (pts.length === 0) return;
    let [w, s, e, n] = [Infinity, Infinity, -Infinity, -Infinity];
    for (const p of pts) {
      w = Math.min(w, p[0]!);
      e = Math.max(e, p[0]!);
      s = Math.min(s, p[1]!);
      n = Math.max(n, p[1]!);
    }
    const padLon = (e - w) * (store ? 0.08 : 0.35);
    const padLat = (n - s) * (store ? 0.08 : 0.35);
    this.map.fitBounds(
      [
        [w - padLon, s - padLat],
        [e + padLon, n + padLat],
      ],
      // room on the right for the labels, which are drawn right of their points
      { animate, padding: { top: 30, bottom: 30, left: 30, right: store ? 170 : 30 } },
    );
  }

  /** Bigger symbols and labels for a wall screen. */
  setScale(scale: number): void {
    if (scale === this.scale) return;
    this.scale = scale;
    if (!this.loaded) return;
    for (const l of this.map.getStyle().layers) {
      if (l.type === 'symbol') this.map.setLayoutProperty(l.id, 'icon-size', scale);
    }
  }

  private style(site: SiteJson): StyleSpecification {
    const sources: Record<string, SourceSpecification> = {};
    const layers: LayerSpecification[] = [{ id: 'background', type: 'background', paint: { 'background-color': '#070b10' } }];
    if (site.tileUrl) {
      sources.tiles = { type: 'raster', tiles: [site.tileUrl], tileSize: 256 };
      layers.push({
        id: 'tiles',
        type: 'raster',
        source: 'tiles',
        paint: { 'raster-brightness-max': 0.45, 'raster-saturation': -0.6, 'raster-opacity': 0.9 },
      });
    }
    const outline = site.outline ? [site.outline as Feature<Geometry, Record<string, unknown>>] : [];
    const river = site.river ? [site.river as Feature<Geometry, Record<string, unknown>>] : [];
    sources.outline = { type: 'geojson', data: fc(outline) };
    sources.river = { type: 'geojson', data: fc(river) };
    sources.zones = { type: 'geojson', data: this.zonesData(site, new Map()) };
    sources.assets = { type: 'geojson', data: site.assets as FC };
    sources.coverage = { type: 'geojson', data: this.coverageData(site) };
    sources.units = { type: 'geojson', data: this.unitsData(site) };
    sources.labels = { type: 'geojson', data: this.labelsData(site) };
    // every live layer reads one source: one setData, one worker job and one repaint per update
    sources.live = { type: 'geojson', data: EMPTY };

    const icon = (extra: Record<string, unknown> = {}) =>
      ({ 'icon-image': ['get', 'icon'], 'icon-allow-overlap': true, 'icon-ignore-placement': true, ...extra }) as Record<string, unknown>;

    layers.push(
      { id: 'outline-fill', type: 'fill', source: 'outline', paint: { 'fill-color': '#0f1822', 'fill-opacity': 0.9 } },
      { id: 'outline-line', type: 'line', source: 'outline', paint: { 'line-color': '#5a7590', 'line-width': 1.5, 'line-dasharray': [4, 2] } },
      { id: 'river', type: 'line', source: 'river', paint: { 'line-color': '#1d4f7a', 'line-width': ['interpolate', ['linear'], ['zoom'], 11, 4, 15, 24], 'line-opacity': 0.85 } },
      { id: 'zones-fill', type: 'fill', source: 'zones', paint: { 'fill-color': STAGE_COLOUR as never, 'fill-opacity': ['match', ['get', 'stage'], 'siren', 0.38, 'early', 0.28, 'clear', 0.2, 0.12] } },
      { id: 'zones-pulse', type: 'fill', source: 'zones', filter: ['==', ['get', 'stage'], 'siren'], paint: { 'fill-color': '#ff2d2d', 'fill-opacity': 0 } },
      { id: 'zones-line', type: 'line', source: 'zones', paint: { 'line-color': STAGE_COLOUR as never, 'line-width': ['match', ['get', 'stage'], 'none', 1, 2.5] } },
      { id: 'assets-line', type: 'line', source: 'assets', paint: { 'line-color': '#e8eef5', 'line-width': 1.2, 'line-dasharray': [2, 2], 'line-opacity': 0.7 } },
      { id: 'coverage', type: 'line', source: 'coverage', paint: { 'line-color': ['match', ['get', 'kind'], 'interceptor', '#38b6ff', '#3b4d5e'], 'line-width': ['match', ['get', 'kind'], 'interceptor', 1.5, 1], 'line-dasharray': [3, 3] } },
      { id: 'launch-ellipses', type: 'fill', source: 'launch-ellipses', paint: { 'fill-color': '#ff5fd2', 'fill-opacity': 0.18 } },
      { id: 'launch-ellipses-line', type: 'line', source: 'launch-ellipses', paint: { 'line-color': '#ff5fd2', 'line-width': 1.5 } },
      { id: 'impact-ellipses', type: 'fill', source: 'impact-ellipses', paint: { 'fill-color': '#ff6a3d', 'fill-opacity': 0.22 } },
      { id: 'impact-ellipses-line', type: 'line', source: 'impact-ellipses', paint: { 'line-color': '#ff6a3d', 'line-width': 2 } },
      { id: 'ended-trails', type: 'line', source: 'ended-trails', paint: { 'line-color': '#8a96a3', 'line-width': 1.5, 'line-opacity': 0.5 } },
      { id: 'trails', type: 'line', source: 'trails', paint: { 'line-color': ['match', ['get', 'aff'], 'hostile', '#ff7b7b', 'unknown', '#ffe27a', '#d0d6dc'], 'line-width': 2, 'line-opacity': 0.85 } },
      {
        id: 'engagements',
        type: 'line',
        source: 'engagements',
        paint: {
          'line-color': ['match', ['get', 'result'], 'kill', '#45f06e', 'miss', '#ffb03a', 'fired', '#9fd4ff', '#ff5d5d'],
          'line-width': 2.5,
          'line-dasharray': [2, 1.5],
        },
      },
      { id: 'landmarks', type: 'circle', source: 'labels', filter: ['==', ['get', 'kind'], 'landmark'], paint: { 'circle-radius': 3, 'circle-color': '#8fa3b8', 'circle-stroke-color': '#070b10', 'circle-stroke-width': 1 } },
      { id: 'labels', type: 'symbol', source: 'labels', layout: { 'icon-image': ['get', 'icon'], 'icon-anchor': ['match', ['get', 'kind'], 'landmark', 'left', 'center'], 'icon-offset': ['match', ['get', 'kind'], 'landmark', ['literal', [5, 0]], ['literal', [0, 0]]], 'icon-allow-overlap': false } },
      { id: 'units', type: 'symbol', source: 'units', layout: icon() },
      { id: 'units-labels', type: 'symbol', source: 'units', layout: { 'icon-image': ['get', 'label'], 'icon-anchor': 'top', 'icon-offset': [0, 14], 'icon-allow-overlap': false } },
      { id: 'pred-points', type: 'symbol', source: 'pred-points', layout: icon() },
      { id: 'pred-labels', type: 'symbol', source: 'pred-points', filter: ['has', 'label'], layout: { 'icon-image': ['get', 'label'], 'icon-anchor': 'left', 'icon-offset': [14, 0], 'icon-allow-overlap': false } },
      { id: 'outcomes', type: 'symbol', source: 'outcomes', layout: icon() },
      { id: 'outcome-labels', type: 'symbol', source: 'outcomes', filter: ['has', 'label'], layout: { 'icon-image': ['get', 'label'], 'icon-anchor': 'left', 'icon-offset': [16, 0], 'icon-allow-overlap': false } },
      { id: 'tracks', type: 'symbol', source: 'tracks', layout: icon({ 'symbol-sort-key': ['get', 'rank'] }) },
      { id: 'track-labels', type: 'symbol', source: 'tracks', filter: ['has', 'label'], layout: { 'icon-image': ['get', 'label'], 'icon-anchor': 'left', 'icon-offset': [16, -10], 'icon-allow-overlap': false } },
    );
    for (const l of layers) {
      if (!('source' in l) || !(DYNAMIC_SOURCES as readonly string[]).includes(l.source as string)) continue;
      const part = ['==', ['get', 'layer'], l.source];
      const filter = ('filter' in l && l.filter ? ['all', part, l.filter] : part) as never;
      Object.assign(l, { source: 'live', filter });
    }
    // no paint transitions: a change is drawn in one frame (a transition repaints for 300 ms)
    return { version: 8, sources, layers, transition: { duration: 0, delay: 0 } };
  }

  private zonesData(site: SiteJson, stages: Map<string, string>): FC {
    return fc(
      site.zones.features.map((f) => ({
        type: 'Feature',
        geometry: f.geometry,
        properties: { id: f.properties.id, name: f.properties.name, stage: stages.get(f.properties.id) ?? 'none' },
      })),
    );
  }

  private coverageData(site: SiteJson): FC {
    const feats: Feature<Geometry, Record<string, unknown>>[] = [];
    for (const g of site.interceptors) {
      feats.push({ type: 'Feature', geometry: { type: 'LineString', coordinates: circleRing(g.lat, g.lon, g.maxRange) }, properties: { kind: 'interceptor', id: g.id } });
    }
    for (const s of site.sensors) {
      feats.push({ type: 'Feature', geometry: { type: 'LineString', coordinates: circleRing(s.lat, s.lon, s.maxRange) }, properties: { kind: 'sensor', id: s.id } });
    }
    return fc(feats);
  }

  private unitsData(site: SiteJson): FC {
    return fc([
      ...site.interceptors.map((g) => point([g.lon, g.lat], { kind: 'interceptor', id: g.id, icon: sym(SIDC.interceptor, 22), label: txt('unit', g.id) })),
      ...site.sensors.map((s) => point([s.lon, s.lat], { kind: 'sensor', id: s.id, icon: sym(SIDC.radar, 22), label: txt('unit', s.id) })),
    ]);
  }

  private labelsData(site: SiteJson): FC {
    return fc([
      ...site.zones.features.map((f) => point(ringCentre(f.geometry.coordinates[0] ?? []), { kind: 'zone', icon: txt('zone', f.properties.name) })),
      ...site.landmarks.features.map((f) => point(f.geometry.coordinates, { kind: 'landmark', icon: txt('landmark', f.properties.name) })),
    ]);
  }

  /** Collects what changed; the sources are rebuilt by `update`. */
  mark(d: Dirty): void {
    for (const k of Object.keys(d) as (keyof Dirty)[]) if (d[k]) this.pending[k] = true;
  }

  /** the live features, by part (a layer's `source` before style() pointed it at 'live') */
  private readonly parts = new Map<string, FC['features']>();
  private partsChanged = false;

  private set(id: string, data: FC): void {
    if (id === 'zones') {
      (this.map.getSource(id) as GeoJSONSource | undefined)?.setData(data);
      return;
    }
    for (const f of data.features) (f.properties ??= {}).layer = id;
    this.parts.set(id, data.features);
    this.partsChanged = true;
  }

  private flushLive(): void {
    if (!this.partsChanged) return;
    this.partsChanged = false;
    const all: FC['features'] = [];
    for (const fs of this.parts.values()) for (const f of fs) all.push(f);
    (this.map.getSource('live') as GeoJSONSource | undefined)?.setData(fc(all));
  }

  /** Rebuilds the changed sources (one setData each); returns whether anything was rebuilt. */
  update(store: Store, now: number, wallMs: number): boolean {
    if (!this.loaded) return false;
    this.pulse(store, wallMs);
    if (wallMs - this.lastUpdate < this.minIntervalMs) return false;
    const d = this.pending;
    if (!Object.values(d).some(Boolean)) return false;
    this.pending = {};
    this.lastUpdate = wallMs;
    if (d.tracks || d.predictions) this.updateTracks(store, now);
    if (d.predictions) this.updatePredictions(store);
    if (d.zones) {
      const stages = new Map<string, string>();
      for (const z of store.zones.values()) stages.set(z.id, z.stage);
      this.set('zones', this.zonesData(this.opts.site, stages));
    }
    if (d.engagements) this.updateEngagements(store);
    if (d.outcomes) this.updateOutcomes(store);
    this.flushLive();
    return true;
  }

  private updateTracks(store: Store, now: number): void {
    const pts: Feature<Geometry, Record<string, unknown>>[] = [];
    const trails: Feature<Geometry, Record<string, unknown>>[] = [];
    // ids on the map while they can be read; a salvo's hundreds of labels would only hide one another
    const labelled = store.tracks.size <= MAX_TRACK_LABELS;
    for (const rec of store.tracks.values()) {
      const ev = rec.ev;
      const aff = affiliation(ev);
      const pred = store.predictions.get(ev.trackId);
      const tti = pred ? pred.impactTime - now : Infinity;
      const props: Record<string, unknown> = {
        id: ev.trackId,
        aff,
        icon: sym(trackSidc(ev)),
        // hostile and soonest on top
        rank: (aff === 'hostile' ? 0 : 1e6) - Math.min(tti, 1e5),
      };
      if (labelled) props.label = txt('track', `T${ev.trackId}`);
      pts.push(point([ev.lon, ev.lat], props));
      if (rec.trail.length > 1) trails.push({ type: 'Feature', geometry: { type: 'LineString', coordinates: rec.trail }, properties: { id: ev.trackId, aff } });
    }
    this.set('tracks', fc(pts));
    this.set('trails', fc(trails));
    const ended: Feature<Geometry, Record<string, unknown>>[] = [];
    for (const e of store.ended.values()) {
      if (e.trail.length > 1) ended.push({ type: 'Feature', geometry: { type: 'LineString', coordinates: e.trail }, properties: { id: e.ev.trackId } });
    }
    this.set('ended-trails', fc(ended));
  }

  private updatePredictions(store: Store): void {
    const impacts: Feature<Geometry, Record<string, unknown>>[] = [];
    const launches: Feature<Geometry, Record<string, unknown>>[] = [];
    const pts: Feature<Geometry, Record<string, unknown>>[] = [];
    const labelLaunches = store.predictions.size + store.launches.size <= MAX_POINT_LABELS;
    const addLaunch = (p: PredictionEvent, live: boolean) => {
      if (!p.launch) return;
      if (p.launchCovEN) {
        launches.push({ type: 'Feature', geometry: { type: 'Polygon', coordinates: [ellipseRing(p.launch.lat, p.launch.lon, p.launchCovEN)] }, properties: { id: p.trackId, live } });
      }
      const props: Record<string, unknown> = { kind: 'launch', id: p.trackId, icon: sym(SIDC.launchPoint, 22) };
      if (labelLaunches) props.label = txt('launch', `launch: ${threatText(p.threat)}`);
      pts.push(point([p.launch.lon, p.launch.lat], props));
    };
    for (const p of store.predictions.values()) {
      impacts.push({ type: 'Feature', geometry: { type: 'Polygon', coordinates: [ellipseRing(p.impact.lat, p.impact.lon, p.covEN)] }, properties: { id: p.trackId } });
      pts.push(point([p.impact.lon, p.impact.lat], { kind: 'impact', id: p.trackId, icon: sym(SIDC.predictedImpact, 22) }));
      addLaunch(p, true);
    }
    for (const l of store.launches.values()) addLaunch(l.pred, false);
    this.set('impact-ellipses', fc(impacts));
    this.set('launch-ellipses', fc(launches));
    this.set('pred-points', fc(pts));
  }

  private updateEngagements(store: Store): void {
    const lines: Feature<Geometry, Record<string, unknown>>[] = [];
    for (const e of store.engagements.values()) {
      if (!e.from || !e.to) continue;
      lines.push({ type: 'Feature', geometry: { type: 'LineString', coordinates: [e.from, e.to] }, properties: { id: e.trackId, interceptor: e.interceptor, result: e.result } });
    }
    this.set('engagements', fc(lines));
  }

  private updateOutcomes(store: Store): void {
    const labelled = store.outcomes.length <= MAX_POINT_LABELS;
    this.set(
      'outcomes',
      fc(
        store.outcomes.map((o) => {
          const props: Record<string, unknown> = { kind: o.kind, id: o.trackId, zone: o.zoneId ?? '', icon: o.kind === 'impact' ? sym(SIDC.impactPoint, 24) : 'burst' };
          if (labelled || o.kind === 'intercept') {
            props.label = o.kind === 'impact' ? txt('impact', 'impact') : txt('intercept', `shot down${o.interceptor ? ` by ${o.interceptor}` : ''}`);
          }
          return point([o.lon, o.lat], props);
        }),
      ),
    );
  }

  /** Sounding zones pulse (one second on, one off), unless the user asked for reduced motion. */
  private pulse(store: Store, wallMs: number): void {
    const on = !this.opts.reducedMotion && Math.floor(wallMs / 1000) % 2 === 0 && [...store.zones.values()].some((z) => z.stage === 'siren');
    if (on !== this.pulseOn) {
      this.pulseOn = on;
      this.map.setPaintProperty('zones-pulse', 'fill-opacity', on ? 0.3 : 0);
    }
  }

  /** Features of a layer drawn on the map now (the test's view of the map). */
  rendered(layer: string): { id?: unknown; kind?: unknown; zone?: unknown; result?: unknown; aff?: unknown }[] {
    if (!this.loaded || !this.map.getLayer(layer)) return [];
    return this.map.queryRenderedFeatures({ layers: [layer] }).map((f) => f.properties as Record<string, unknown>);
  }

  resize(): void {
    this.map.resize();
  }
}
