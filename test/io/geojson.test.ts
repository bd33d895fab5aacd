import { describe, expect, it } from 'vitest';
import { ellipse, TracksGeoJson } from '../../src/io/geojson.js';

describe('tracks.geojson', () => {
  it('ellipse axes and bearing as worked by hand', () => {
    // σe = 20, σn = 10: major axis east
    const a = ellipse([[400, 0], [0, 100]]);
    expect(a.major).toBeCloseTo(20, 9);
    expect(a.minor).toBeCloseTo(10, 9);
    expect(a.bearingDeg).toBeCloseTo(90, 9);
    // the same ellipse turned to NE: eigenvalues 400 and 100 along (1, 1)/√2 and (1, −1)/√2
    const b = ellipse([[250, 150], [150, 250]]);
    expect(b.major).toBeCloseTo(20, 9);
    expect(b.minor).toBeCloseTo(10, 9);
    expect(b.bearingDeg).toBeCloseTo(45, 9);
    const c = ellipse([[250, -150], [-150, 250]]);
    expect(c.bearingDeg).toBeCloseTo(135, 9);
  });

  it('one line per track in event order, and the last prediction as impact and launch points', () => {
    const g = new TracksGeoJson();
    const base = { type: 'track' as const, trackId: 7, status: 'confirmed' as const, class: 'ballistic' as const, alt: 300, vE: 0, vN: 0, vU: 0, speed: 0, pBallistic: 1 };
    g.add({ ...base, t: 10, lat: 33.1, lon: 44.1 });
    g.add({ type: 'prediction', t: 10, trackId: 7, impact: { lat: 33.2, lon: 44.2 }, impactTime: 30, impactTimeSigma: 1, covEN: [[400, 0], [0, 100]] });
    g.add({ ...base, t: 11, lat: 33.11, lon: 44.11, status: 'impact' });
    g.add({
      type: 'prediction', t: 11, trackId: 7, impact: { lat: 33.3, lon: 44.3 }, impactTime: 31, impactTimeSigma: 1, covEN: [[100, 0], [0, 100]],
      launch: { lat: 33.0, lon: 44.0 }, launchTime: 0, launchCovEN: [[900, 0], [0, 900]],
    });
    const fc = g.toJSON() as { features: { geometry: { type: string; coordinates: unknown }; properties: Record<string, unknown> }[] };
    expect(fc.features.map((f) => f.properties.kind)).toEqual(['track', 'impact', 'launch']);
    expect(fc.features[0]!.geometry).toEqual({ type: 'LineString', coordinates: [[44.1, 33.1, 300], [44.11, 33.11, 300]] });
    expect(fc.features[0]!.properties.status).toBe('impact');
    expect(fc.features[1]!.geometry.coordinates).toEqual([44.3, 33.3]);
    expect(fc.features[1]!.properties.sigmaMajor).toBe(10);
    expect(fc.features[2]!.properties.sigmaMajor).toBe(30);
  });
});
