/** CAT048 as we write it, read by Wireshark's dissector: every field within one LSB of the plot it came from. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EnuFrame, WGS84_A, WGS84_E2 } from '../../src/geo/wgs84.js';
import type { Plot } from '../../src/sense/plot.js';
import { encodeCat048 } from '../../src/io/asterix/cat048.js';
import { writePcap } from '../../src/io/pcap.js';
import { SKIP_TSHARK, assertTshark, tempFile, tsharkFields, tsharkMalformed } from './tshark.js';

const ORIGIN = { lat: 33.3, lon: 44.395, alt: 34 };
const FRAME = new EnuFrame(ORIGIN);
const T0 = Date.UTC(2021, 11, 19, 1, 2, 3) / 1000;

/**
 * Height of the measured point by an independent route: a sphere osculating the ellipsoid along the beam's
 * azimuth (Euler's radius of curvature). Good to well under a metre within 30 km — far below 25 ft.
 */
function sphericalHeight(r: number, az: number, el: number): number {
  const phi = (ORIGIN.lat * Math.PI) / 180;
  const w = 1 - WGS84_E2 * Math.sin(phi) ** 2;
  const m = (WGS84_A * (1 - WGS84_E2)) / w ** 1.5;
  const n = WGS84_A / Math.sqrt(w);
  const R = 1 / (Math.cos(az) ** 2 / m + Math.sin(az) ** 2 / n);
  const rc = R + ORIGIN.alt;
  return Math.sqrt(r * r + rc * rc + 2 * r * rc * Math.sin(el)) - R;
}

const plotArb = fc.record({
  dt: fc.double({ min: 0, max: 3 * 86400, noNaN: true }),
  range: fc.double({ min: 50, max: 30000, noNaN: true }),
  az: fc.double({ min: 0, max: 2 * Math.PI - 1e-9, noNaN: true }),
  el: fc.double({ min: -0.05, max: 1.4, noNaN: true }),
  rr: fc.option(fc.double({ min: -700, max: 700, noNaN: true }), { nil: undefined }),
  sic: fc.integer({ min: 0, max: 255 }),
});

describe.skipIf(SKIP_TSHARK)('CAT048 against tshark', () => {
  it('every written field decodes to the plot within one LSB, nothing malformed', () => {
    assertTshark();
    const plots: Plot[] = fc
      .sample(plotArb, { numRuns: 300, seed: 48 })
      .map((p) => ({ t: T0 + p.dt, sensorId: 's', sac: 25, sic: p.sic, range: p.range, az: p.az, el: p.el, rangeRate: p.rr }));
    // a small size limit forces several datagrams, each a block tshark must frame on its own
    const datagrams = encodeCat048(plots, FRAME, { maxBytes: 200 });
    expect(datagrams.length).toBeGreaterThan(10);
    const file = tempFile(writePcap(datagrams.map((payload, i) => ({ time: T0 + i, payload, dstPort: 30048 }))));
    expect(tsharkMalformed(file, 30048)).toBe('');
    const rows = tsharkFields(file, 30048, [
      'asterix.category',
      'asterix.048_010_SAC',
      'asterix.048_010_SIC',
      'asterix.048_140_VALUE',
      'asterix.048_020_TYP',
      'asterix.048_040_RHO',
      'asterix.048_040_THETA',
      'asterix.048_110_3DH',
      'asterix.048_120_CAL_CAL',
      'asterix.048_120_CAL_D',
    ]);
    expect(rows).toHaveLength(datagrams.length);
    // flatten per record; CAL fields only occur in records that carry I048/120
    const recs: number[][] = [];
    const cals: number[] = [];
    for (const row of rows) {
      expect(row[0]).toEqual(['48']);
      const n = row[1]!.length;
      for (let i = 0; i < n; i++) recs.push(row.slice(1, 8).map((f) => Number(f[i])));
      cals.push(...row[8]!.map(Number));
      expect(row[9]!.every((d) => d === '0')).toBe(true);
    }
    expect(recs).toHaveLength(plots.length);
    const expectCal: number[] = [];
    plots.forEach((p, i) => {
      const [sac, sic, tod, typ, rho, theta, h] = recs[i]!;
      expect(sac).toBe(25);
      expect(sic).toBe(p.sic);
      expect(typ).toBe(1);
      const todTrue = (p.t - T0 + 3723) % 86400;
      const dTod = Math.abs(tod! - todTrue);
      expect(Math.min(dTod, 86400 - dTod)).toBeLessThanOrEqual(1 / 128);
      expect(Math.abs(rho! - p.range / 1852)).toBeLessThanOrEqual(1 / 256);
      const azDeg = (p.az * 180) / Math.PI;
      const dAz = Math.abs(theta! - azDeg);
      expect(Math.min(dAz, 360 - dAz)).toBeLessThanOrEqual(360 / 65536);
      expect(Math.abs(h! - sphericalHeight(p.range, p.az, p.el) / 0.3048)).toBeLessThanOrEqual(25);
      if (p.rangeRate !== undefined && Math.abs(p.rangeRate) <= 511) expectCal.push(p.rangeRate);
    });
    expect(cals).toHaveLength(expectCal.length);
    cals.forEach((c, i) => expect(Math.abs(c - expectCal[i]!)).toBeLessThanOrEqual(1));
  });

  it('the malformed check can fail: a record cut short is flagged by tshark', () => {
    assertTshark();
    const [d] = encodeCat048([{ t: T0, sensorId: 's', sac: 1, sic: 2, range: 1000, az: 0, el: 0.1 }], FRAME);
    const cut = d!.slice(0, d!.length - 2);
    cut[2] = cut.length; // consistent LEN, record missing its last item bytes
    const file = tempFile(writePcap([{ time: T0, payload: cut, dstPort: 30048 }]));
    expect(tsharkMalformed(file, 30048)).not.toBe('');
  });
});
