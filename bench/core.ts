/**
 * Speed of the core kernels: RNG normals, 6×6 Cholesky, geodetic ↔ ECEF, point in a projected zone polygon.
 * Each figure is the best of three timed runs after a warm-up, printed as operations per second.
 */
import { performance } from 'node:perf_hooks';
import { Rng } from '../src/core/rng.js';
import { cholesky, matMulT } from '../src/core/linalg.js';
import { EnuFrame, ecefToGeodetic, geodeticToEcef } from '../src/geo/wgs84.js';
import { pointInProjectedRing, projectRing, type Ring } from '../src/geo/polygon.js';

/** Runs fn(n) three times after a warm-up; returns the best rate in operations per second. */
function rate(n: number, fn: (n: number) => number): number {
  let sink = fn(Math.min(n, 10_000));
  let best = 0;
  for (let k = 0; k < 3; k++) {
    const t0 = performance.now();
    sink += fn(n);
    const dt = (performance.now() - t0) / 1000;
    best = Math.max(best, n / dt);
  }
  if (Number.isNaN(sink)) console.log(''); // keep the work observable to the JIT
  return best;
}

function fmt(name: string, perSecond: number): string {
  const v = perSecond >= 1e6 ? `${(perSecond / 1e6).toFixed(2)} M/s` : `${(perSecond / 1e3).toFixed(1)} k/s`;
  return `  ${name.padEnd(36)} ${v.padStart(12)}   (${(1e9 / perSecond).toFixed(1)} ns each)`;
}

export async function bench(): Promise<void> {
  console.log('core:');

  const rng = new Rng(1, 'bench');
  console.log(
    fmt('Rng.normal()', rate(5_000_000, (n) => {
      let s = 0;
      for (let i = 0; i < n; i++) s += rng.normal();
      return s;
    })),
  );

  const m = Float64Array.from({ length: 36 }, () => rng.uniform() - 0.5);
  const a = matMulT(new Float64Array(36), m, m, 6, 6, 6);
  for (let i = 0; i < 6; i++) a[i * 7] = a[i * 7]! + 6;
  const l = new Float64Array(36);
  console.log(
    fmt('cholesky 6×6', rate(2_000_000, (n) => {
      let s = 0;
      for (let i = 0; i < n; i++) {
        cholesky(l, a, 6);
        s += l[35]!;
      }
      return s;
    })),
  );

  const out = new Float64Array(3);
  console.log(
    fmt('geodeticToEcef', rate(2_000_000, (n) => {
      let s = 0;
      for (let i = 0; i < n; i++) s += geodeticToEcef(33.3 + i * 1e-9, 44.395, 34, out)[0]!;
      return s;
    })),
  );
  const p = geodeticToEcef(33.3, 44.395, 1500);
  console.log(
    fmt('ecefToGeodetic', rate(1_000_000, (n) => {
      let s = 0;
      for (let i = 0; i < n; i++) s += ecefToGeodetic(p[0]! + i * 1e-3, p[1]!, p[2]!).alt;
      return s;
    })),
  );

  // the approximate Green Zone outline (domain.md §3), 8 vertices, in the site frame
  const zone: Ring = [
    [44.406, 33.3225], [44.4125, 33.312], [44.414, 33.303], [44.404, 33.2955],
    [44.392, 33.292], [44.377, 33.2965], [44.373, 33.3085], [44.381, 33.3205], [44.406, 33.3225],
  ];
  const frame = new EnuFrame({ lat: 33.3, lon: 44.395, alt: 34 });
  const proj = projectRing(frame, zone);
  const pts = Float64Array.from({ length: 2048 }, () => rng.range(-4000, 4000));
  console.log(
    fmt('pointInProjectedRing (8 vertices)', rate(10_000_000, (n) => {
      let s = 0;
      for (let i = 0; i < n; i++) {
        const k = (i & 1023) << 1;
        if (pointInProjectedRing(pts[k]!, pts[k + 1]!, proj)) s++;
      }
      return s;
    })),
  );
}
