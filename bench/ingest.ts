/**
 * Live ingest speed (src/service/ingest.ts): CAT048 datagrams → checked, de-duplicated, time-ordered plots, with
 * a take() after every datagram as the service does; beside it the bare decoder, to show what the ingest adds.
 * Also refused traffic: doubled datagrams, random bytes, datagrams over the rate limit.
 */
import { EnuFrame } from '../src/geo/wgs84.js';
import { decodeDatagram, encodeCat048, sensorTable } from '../src/io/asterix/cat048.js';
import { createRejectCounter } from '../src/io/asterix/rejects.js';
import { Rng } from '../src/core/rng.js';
import { loadSite } from '../src/scenario/load.js';
import type { Plot } from '../src/sense/plot.js';
import { PlotIngest } from '../src/service/ingest.js';
import { timeRepeated } from './_timing.js';

interface Sent {
  arrival: number;
  source: string;
  payload: Uint8Array;
}

function rate(label: string, n: number, unit: string, fn: () => void): number {
  const { reps, seconds: dt } = timeRepeated(fn);
  const perSec = (n * reps) / dt;
  console.log(`${label.padEnd(52)} ${(perSec / 1e3).toFixed(0).padStart(7)} k${unit}/s  (${((dt / (n * reps)) * 1e9).toFixed(0)} ns each)`);
  return perSec;
}

export async function bench(): Promise<void> {
  const site = loadSite('scenarios/sites/green-zone.yaml');
  const rng = new Rng(48, 'bench-ingest');
  const t0 = Date.UTC(2021, 11, 19, 12) / 1000;
  const revolutionsPerSensor = 400;
  const perRevolution = 50;
  // every radar: one datagram per revolution, perRevolution plots, arriving 10 ms after the revolution's end
  const sent: Sent[] = [];
  let nPlots = 0;
  for (const [i, s] of site.sensors.entries()) {
    const frame = new EnuFrame({ lat: s.lat, lon: s.lon, alt: s.alt });
    for (let k = 0; k < revolutionsPerSensor; k++) {
      const start = t0 + k * s.period;
      const plots: Plot[] = [];
      for (let j = 0; j < perRevolution; j++) {
        plots.push({
          t: start + ((j + rng.uniform()) / perRevolution) * s.period,
          sensorId: s.id, sac: s.sac, sic: s.sic,
          range: rng.range(500, 0.9 * s.maxRange), az: rng.range(0, 2 * Math.PI), el: rng.range(0.02, 1.2),
          rangeRate: rng.range(-400, 400),
        });
      }
      for (const payload of encodeCat048(plots, frame)) sent.push({ arrival: start + s.period + 0.01, source: `10.0.0.${i + 1}`, payload });
      nPlots += plots.length;
    }
  }
  sent.sort((a, b) => a.arrival - b.arrival);
  const bytes = sent.reduce((s, d) => s + d.payload.length, 0);
  console.log(`${site.sensors.length} radars, ${sent.length} datagrams of ${perRevolution} plots (${(bytes / sent.length).toFixed(0)} B), take() after each`);

  const table = sensorTable(site.sensors);
  const out: Plot[] = [];
  const rej = createRejectCounter();
  rate('CAT048 decode only (decodeDatagram)', nPlots, 'plots', () => {
    out.length = 0;
    for (const d of sent) decodeDatagram(d.payload, { sensors: table, referenceTime: d.arrival }, out, rej);
  });

  let released = 0;
  let maxPending = 0;
  rate('ingest: datagram() + take() per datagram', nPlots, 'plots', () => {
    const ing = new PlotIngest({ site });
    released = 0;
    for (const d of sent) {
      ing.datagram(d.payload, d.source, d.arrival);
      if (ing.pending > maxPending) maxPending = ing.pending;
      released += ing.take(d.arrival).plots.length;
    }
    released += ing.take(sent.at(-1)!.arrival + 10).plots.length;
  });
  if (released !== nPlots) throw new Error(`ingest lost plots: ${released}/${nPlots}`);
  console.log(`  (at most ${maxPending} plots waiting in the reorder buffer)`);

  // one plot per datagram: the per-datagram cost
  const singles: Sent[] = [];
  const lcmr = site.sensors[0]!;
  const lcmrFrame = new EnuFrame({ lat: lcmr.lat, lon: lcmr.lon, alt: lcmr.alt });
  for (let i = 0; i < 20_000; i++) {
    const t = t0 + i * 0.005;
    const p: Plot = { t, sensorId: lcmr.id, sac: lcmr.sac, sic: lcmr.sic, range: rng.range(500, 9000), az: rng.range(0, 6.28), el: rng.range(0.02, 1.2) };
    singles.push({ arrival: t + 0.01, source: '10.0.0.1', payload: encodeCat048([p], lcmrFrame)[0]! });
  }
  rate('ingest: one-plot datagrams, take() after each', singles.length, 'datagrams', () => {
    const ing = new PlotIngest({ site, rate: { perSecond: 1e6, burst: 1e6 } });
    for (const d of singles) {
      ing.datagram(d.payload, d.source, d.arrival);
      ing.take(d.arrival);
    }
  });

  // refused traffic
  const warm = new PlotIngest({ site, rate: { perSecond: 1e9, burst: 1e9 } });
  for (const d of sent) warm.datagram(d.payload, d.source, d.arrival);
  const last = sent.at(-1)!.arrival;
  const recent = sent.filter((d) => d.arrival > last - 2);
  const nRecent = recent.reduce((s, d) => s + (d.payload.length - 3) / 18, 0);
  const dup0 = warm.counters.rejects.counts.duplicate;
  rate('refused: doubled datagrams (duplicate plots)', nRecent, 'plots', () => {
    for (const d of recent) warm.datagram(d.payload, '10.0.0.9', last);
  });
  if (warm.counters.rejects.counts.duplicate === dup0 || warm.counters.rejects.total !== warm.counters.rejects.counts.duplicate) throw new Error('doubled datagrams not refused as duplicates');
  const garbage = Array.from({ length: 2000 }, () => {
    const b = new Uint8Array(20 + rng.int(300));
    for (let i = 0; i < b.length; i++) b[i] = rng.int(256);
    b[0] = 48;
    return b;
  });
  const g = new PlotIngest({ site, rate: { perSecond: 1e9, burst: 1e9 } });
  rate('refused: random bytes (CAT 48 first byte)', garbage.length, 'datagrams', () => {
    for (const b of garbage) g.datagram(b, '10.0.0.66', last);
  });
  const limited = new PlotIngest({ site, rate: { perSecond: 10, burst: 10 } });
  rate('refused: over the rate limit', sent.length, 'datagrams', () => {
    for (const d of sent) limited.datagram(d.payload, '10.0.0.66', last);
  });
}
