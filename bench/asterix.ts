/** ASTERIX codec speed: CAT048 records encoded and decoded per second, CAT062 records encoded per second. */
import { EnuFrame } from '../src/geo/wgs84.js';
import type { Plot } from '../src/sense/plot.js';
import { elevationFromHeight } from '../src/sense/polar.js';
import { decodeDatagram, encodeCat048, sensorKey } from '../src/io/asterix/cat048.js';
import { encodeCat062, type SystemTrack } from '../src/io/asterix/cat062.js';
import { createRejectCounter } from '../src/io/asterix/rejects.js';
import { timeRepeated } from './_timing.js';

function rate(label: string, n: number, fn: () => void): number {
  const { reps, seconds: dt } = timeRepeated(fn);
  const perSec = (n * reps) / dt;
  console.log(`${label.padEnd(44)} ${(perSec / 1e6).toFixed(3).padStart(8)} M/s  (${((dt / (n * reps)) * 1e9).toFixed(0)} ns each)`);
  return perSec;
}

export async function bench(): Promise<void> {
  const frame = new EnuFrame({ lat: 33.3, lon: 44.395, alt: 34 });
  const n = 50_000;
  const t0 = Date.UTC(2021, 11, 19) / 1000;
  const plots: Plot[] = Array.from({ length: n }, (_, i) => ({
    t: t0 + i * 0.01,
    sensorId: 'lcmr-1',
    sac: 25,
    sic: 1,
    range: 500 + ((i * 7919) % 19000),
    az: ((i * 0.618) % 1) * 2 * Math.PI,
    el: 0.02 + ((i * 0.377) % 1) * 1.2,
    rangeRate: i % 3 === 0 ? undefined : ((i * 13) % 900) - 450,
  }));
  let datagrams: Uint8Array[] = [];
  rate('CAT048 encode (records, 1472-byte datagrams)', n, () => {
    datagrams = encodeCat048(plots, frame);
  });
  const ctx = { sensors: new Map([[sensorKey(25, 1), { id: 'lcmr-1', frame }]]), referenceTime: t0 };
  const rej = createRejectCounter();
  const out: Plot[] = [];
  rate('CAT048 decode (records → Plot, with elevation)', n, () => {
    out.length = 0;
    for (const d of datagrams) decodeDatagram(d, ctx, out, rej);
  });
  if (out.length !== n || rej.total !== 0) throw new Error(`decode lost records: ${out.length}/${n}, ${rej.total} rejected`);
  rate('  of which elevationFromHeight (polar.ts)', n, () => {
    for (let i = 0; i < n; i++) elevationFromHeight(frame, out[i]!.range, out[i]!.az, 1000);
  });
  const tracks: SystemTrack[] = plots.slice(0, 10_000).map((p, i) => ({
    time: p.t, trackNumber: i, lat: 33.3 + i * 1e-5, lon: 44.4, altM: 1000, vEast: 100, vNorth: -50, vUp: 20,
    confirmed: true, sac: 25, sic: 9, serviceId: 1,
  }));
  rate('CAT062 encode (records)', tracks.length, () => encodeCat062(tracks));
}
