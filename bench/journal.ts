/**
 * Journal speed and size (src/store/journal.ts), on a real file in the temp folder (WAL, synchronous NORMAL):
 * µs per appendBatch of 1 and 100 plots, per recorded alert message, per replayed 100-plot batch, and the disk
 * a service fills per hour at 10 batches/s of 100 plots.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Plot } from '../src/sense/plot.js';
import type { AlertEvent } from '../src/warn/alerts.js';
import { Journal } from '../src/store/journal.js';
import { timeRepeated } from './_timing.js';

/** Calls fn (which does `n` operations) for about a second; prints and returns µs per operation. */
function perCall(label: string, n: number, fn: () => void): number {
  const { reps, seconds: dt } = timeRepeated(fn);
  const us = (dt / (n * reps)) * 1e6;
  console.log(`${label.padEnd(44)} ${us.toFixed(1).padStart(8)} µs each  (${(1e6 / us).toFixed(0)}/s)`);
  return us;
}

function batch(n: number, t0: number): Plot[] {
  return Array.from({ length: n }, (_, i) => ({
    t: t0 + i * 1e-3,
    sensorId: i % 2 ? 'lcmr-1' : 'tpq50-1',
    sac: 25,
    sic: 1 + (i % 2),
    range: 500 + ((i * 7919) % 19000) + 0.37,
    az: ((i * 0.618) % 1) * 2 * Math.PI,
    el: 0.02 + ((i * 0.377) % 1) * 1.2,
    ...(i % 3 === 0 ? {} : { rangeRate: ((i * 13) % 900) - 450.5 }),
  }));
}

export async function bench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tocsin-bench-journal-'));
  try {
    const t0 = Date.UTC(2021, 11, 19) / 1000;
    const one = batch(1, t0);
    const hundred = batch(100, t0);
    const file = join(dir, 'journal.db');
    const j = Journal.open(file);
    let until = t0;
    perCall('appendBatch, 1 plot', 1000, () => {
      for (let i = 0; i < 1000; i++) j.appendBatch((until += 0.1), one);
    });
    perCall('appendBatch, 100 plots', 200, () => {
      for (let i = 0; i < 200; i++) j.appendBatch((until += 0.1), hundred);
    });
    let m = 0;
    const alert = (): AlertEvent => {
      m++;
      return {
        type: 'alert', t: until, alertId: 'A-bench-1', stage: 'siren', zones: ['embassy', 'zone-south'], trackIds: [1, 2], msgType: 'Update',
        messageId: `A-bench-1.${m}`, zoneStages: { embassy: 'siren', 'zone-south': 'siren' }, impact: { lat: 33.2994821, lon: 44.4021404, radiusM: 975.17 },
        impactTime: until + 12.5, expires: until + 106,
      };
    };
    perCall('record, one alert message', 500, () => {
      for (let i = 0; i < 500; i++) j.record(j.lastSeq(), [alert()]);
    });
    const from = j.lastSeq();
    for (let i = 0; i < 2000; i++) j.appendBatch((until += 0.1), hundred);
    perCall('batchesAfter, 100-plot batches replayed', 2000, () => {
      let n = 0;
      for (const b of j.batchesAfter(from)) n += b.plots.length;
      if (n !== 200_000) throw new Error(`replayed ${n} plots`);
    });
    j.close();

    // size: a fresh file of 100-plot batches only, checkpointed into the main file by close()
    const sized = join(dir, 'size.db');
    const k = Journal.open(sized);
    const empty = statSync(sized).size;
    const n = 5000;
    for (let i = 0; i < n; i++) k.appendBatch(t0 + i * 0.1, hundred);
    k.close();
    const perBatch = (statSync(sized).size - empty) / n;
    console.log(`${'disk per 100-plot batch'.padEnd(44)} ${perBatch.toFixed(0).padStart(8)} B  (42 B/plot of data)`);
    console.log(`${'disk per hour at 10 batches/s × 100 plots'.padEnd(44)} ${((perBatch * 36_000) / 1e6).toFixed(0).padStart(8)} MB`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
