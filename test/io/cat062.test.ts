/** CAT062 system tracks: read by tshark within one LSB, FX extents of I062/080, and our own round trip. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeCat062Datagram, encodeCat062, type SystemTrack } from '../../src/io/asterix/cat062.js';
import { createRejectCounter } from '../../src/io/asterix/rejects.js';
import { writePcap } from '../../src/io/pcap.js';
import { SKIP_TSHARK, assertTshark, tempFile, tsharkFields, tsharkMalformed } from './tshark.js';

const T0 = Date.UTC(2020, 0, 8, 20, 45) / 1000;
const trackArb = fc.record({
  dt: fc.double({ min: 0, max: 80000, noNaN: true }),
  trackNumber: fc.integer({ min: 0, max: 65535 }),
  lat: fc.double({ min: -89.9, max: 89.9, noNaN: true }),
  lon: fc.double({ min: -180, max: 179.999, noNaN: true }),
  altM: fc.double({ min: -400, max: 40000, noNaN: true }),
  vEast: fc.double({ min: -1500, max: 1500, noNaN: true }),
  vNorth: fc.double({ min: -1500, max: 1500, noNaN: true }),
  vUp: fc.double({ min: -1000, max: 1000, noNaN: true }),
  confirmed: fc.boolean(),
  sic: fc.integer({ min: 0, max: 255 }),
  serviceId: fc.integer({ min: 0, max: 255 }),
  flags: fc.integer({ min: 0, max: 3 }),
});
const tracks: SystemTrack[] = fc.sample(trackArb, { numRuns: 200, seed: 62 }).map(({ dt, flags, ...a }) => ({
  ...a,
  time: T0 + dt,
  sac: 7,
  started: flags === 1,
  ended: flags === 2,
  coasting: flags === 3,
}));

describe.skipIf(SKIP_TSHARK)('CAT062 against tshark', () => {
  it('every field within one LSB; track status extents as written; nothing malformed', () => {
    assertTshark();
    const datagrams = encodeCat062(tracks, { maxBytes: 300 });
    expect(datagrams.length).toBeGreaterThan(5);
    const file = tempFile(writePcap(datagrams.map((payload, i) => ({ time: T0 + i, payload, dstPort: 30062 }))));
    expect(tsharkMalformed(file, 30062)).toBe('');
    const fields = ['010_SAC', '010_SIC', '015_VALUE', '070_VALUE', '105_LAT', '105_LON', '185_VX', '185_VY', '040_VALUE', '080_CNF', '080_MRH', '080_SRC', '130_VALUE', '220_VALUE'];
    const rows = tsharkFields(file, 30062, [...fields.map((f) => `asterix.062_${f}`), 'asterix.062_080_TSB', 'asterix.062_080_TSE', 'asterix.062_080_CST']);
    const recs: number[][] = [];
    const tsb: number[] = [];
    const tse: number[] = [];
    const cst: number[] = [];
    for (const row of rows) {
      for (let i = 0; i < row[0]!.length; i++) recs.push(row.slice(0, fields.length).map((f) => Number(f[i])));
      tsb.push(...row[fields.length]!.map(Number));
      tse.push(...row[fields.length + 1]!.map(Number));
      cst.push(...row[fields.length + 2]!.map(Number));
    }
    expect(recs).toHaveLength(tracks.length);
    const ft = 0.3048;
    tracks.forEach((t, i) => {
      const [sac, sic, sid, tod, lat, lon, vx, vy, tn, cnf, mrh, src, alt, roc] = recs[i]!;
      expect([sac, sic, sid, tn]).toEqual([7, t.sic, t.serviceId, t.trackNumber]);
      const d = Math.abs(tod! - ((t.time - T0 + 74700) % 86400));
      expect(Math.min(d, 86400 - d)).toBeLessThanOrEqual(1 / 128);
      expect(Math.abs(lat! - t.lat)).toBeLessThanOrEqual(180 / 2 ** 25);
      expect(Math.abs(lon! - t.lon)).toBeLessThanOrEqual(180 / 2 ** 25);
      expect(Math.abs(vx! - t.vEast)).toBeLessThanOrEqual(0.25);
      expect(Math.abs(vy! - t.vNorth)).toBeLessThanOrEqual(0.25);
      expect(Math.abs(alt! - t.altM / ft)).toBeLessThanOrEqual(6.25);
      expect(Math.abs(roc! - (t.vUp / ft) * 60)).toBeLessThanOrEqual(6.25);
      expect(cnf).toBe(t.confirmed ? 0 : 1); // CAT062: 0 = confirmed
      expect([mrh, src]).toEqual([1, 2]); // geometric height more reliable, from a 3D radar
    });
    // the second octet exists for TSB/TSE and on the way to the fourth (CST); the fourth only for CST
    const withOct2 = tracks.filter((t) => t.started || t.ended || t.coasting);
    expect(tsb).toEqual(withOct2.map((t) => (t.started ? 1 : 0)));
    expect(tse).toEqual(withOct2.map((t) => (t.ended ? 1 : 0)));
    expect(cst).toEqual(tracks.filter((t) => t.coasting).map(() => 1));
  });
});

describe('CAT062 round trip', () => {
  it('decode(encode(tracks)) within one LSB', () => {
    const out: SystemTrack[] = [];
    const rej = createRejectCounter();
    for (const d of encodeCat062(tracks)) decodeCat062Datagram(d, T0 + 40000, out, rej);
    expect(rej.total).toBe(0);
    expect(out).toHaveLength(tracks.length);
    tracks.forEach((t, i) => {
      const q = out[i]!;
      expect(Math.abs(q.time - t.time)).toBeLessThanOrEqual(1 / 128);
      expect(Math.abs(q.lat - t.lat)).toBeLessThanOrEqual(180 / 2 ** 26);
      expect(Math.abs(q.lon - t.lon)).toBeLessThanOrEqual(180 / 2 ** 26);
      expect(Math.abs(q.altM - t.altM)).toBeLessThanOrEqual(6.25 * 0.3048);
      expect(Math.abs(q.vEast - t.vEast)).toBeLessThanOrEqual(0.125);
      expect(Math.abs(q.vNorth - t.vNorth)).toBeLessThanOrEqual(0.125);
      expect(Math.abs(q.vUp - t.vUp)).toBeLessThanOrEqual((6.25 * 0.3048) / 60);
      expect(q).toMatchObject({ trackNumber: t.trackNumber, confirmed: t.confirmed, sac: t.sac, sic: t.sic, serviceId: t.serviceId });
      expect([q.started, q.ended, q.coasting]).toEqual([t.started, t.ended, t.coasting]);
    });
  });

  it('values no field can carry are refused loudly', () => {
    expect(() => encodeCat062([{ ...tracks[0]!, vEast: 9000 }])).toThrow(/I062\/185/);
    expect(() => encodeCat062([{ ...tracks[0]!, trackNumber: 70000 }])).toThrow(/I062\/040/);
  });
});
