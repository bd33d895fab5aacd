/**
 * The binary form of one journaled plot batch: the journal stores every accepted batch (src/store/journal.ts),
 * at up to thousands of plots a second, so a plot is 42 bytes and not a JSON object of ~150.
 *
 * Layout for n plots, columns one after the other, little-endian whatever the host:
 *   Float64 t[n], range[n], az[n], el[n], rangeRate[n] (NaN: not measured), then Uint16 sensor[n]
 * where sensor indexes the journal's sensors table (sensor id, SAC, SIC). Doubles are copied bit for bit, so a
 * decoded plot is the plot that was journaled (the simulation-only truthId is not stored; a rangeRate of NaN
 * comes back absent).
 */
import type { Plot } from '../sense/plot.js';

/** Bytes per plot: five Float64 and one Uint16. */
export const PLOT_BYTES = 5 * 8 + 2;

/** The largest sensor index a batch can hold. */
export const MAX_SENSOR_INDEX = 0xffff;

/** What a sensor index stands for. */
export interface SensorRef {
  sensorId: string;
  sac: number;
  sic: number;
}

/** The plots as one blob; `sensor[i]` is the sensors-table index of `plots[i]`'s sensor. */
export function encodePlots(plots: readonly Plot[], sensor: ArrayLike<number>): Buffer {
  const n = plots.length;
  const buf = Buffer.allocUnsafe(n * PLOT_BYTES);
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const sensorAt = 40 * n;
  for (let i = 0; i < n; i++) {
    const p = plots[i]!;
    const o = 8 * i;
    dv.setFloat64(o, p.t, true);
    dv.setFloat64(o + 8 * n, p.range, true);
    dv.setFloat64(o + 16 * n, p.az, true);
    dv.setFloat64(o + 24 * n, p.el, true);
    dv.setFloat64(o + 32 * n, p.rangeRate ?? NaN, true);
    dv.setUint16(sensorAt + 2 * i, sensor[i]!, true);
  }
  return buf;
}

/**
 * The n plots of a blob written by encodePlots. `sensor` resolves an index (it throws on an unknown one).
 * Throws when the blob's length does not fit n plots (a corrupt row: SQLite itself never tears one).
 */
export function decodePlots(blob: Uint8Array, n: number, sensor: (index: number) => SensorRef): Plot[] {
  if (blob.byteLength !== n * PLOT_BYTES) throw new Error(`plot batch of ${n} plots has ${blob.byteLength} bytes, expected ${n * PLOT_BYTES}`);
  const dv = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const sensorAt = 40 * n;
  const out: Plot[] = new Array<Plot>(n);
  for (let i = 0; i < n; i++) {
    const o = 8 * i;
    const s = sensor(dv.getUint16(sensorAt + 2 * i, true));
    const p: Plot = {
      t: dv.getFloat64(o, true),
      sensorId: s.sensorId,
      sac: s.sac,
      sic: s.sic,
      range: dv.getFloat64(o + 8 * n, true),
      az: dv.getFloat64(o + 16 * n, true),
      el: dv.getFloat64(o + 24 * n, true),
    };
    const rr = dv.getFloat64(o + 32 * n, true);
    if (!Number.isNaN(rr)) p.rangeRate = rr;
    out[i] = p;
  }
  return out;
}
