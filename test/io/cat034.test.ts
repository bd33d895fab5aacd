/**
 * CAT034 north markers and sector crossings as we write them, read by Wireshark's dissector (every field
 * within one LSB) and by our own decoder; the decoder's refusals, and datagrams mixing CAT048 and CAT034
 * blocks decoded in one walk.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CAT034, SECTOR_LSB_DEG, encodeCat034, decodeCat034Records, type ServiceMessage } from '../../src/io/asterix/cat034.js';
import { encodeCat048, sensorTable } from '../../src/io/asterix/cat048.js';
import { walkDatagram } from '../../src/io/asterix/block.js';
import { decodeRadarDatagram } from '../../src/io/asterix/radar.js';
import { createRejectCounter } from '../../src/io/asterix/rejects.js';
import { writePcap } from '../../src/io/pcap.js';
import { EnuFrame } from '../../src/geo/wgs84.js';
import type { Plot } from '../../src/sense/plot.js';
import { SKIP_TSHARK, assertTshark, tempFile, tsharkFields, tsharkMalformed } from './tshark.js';

const T0 = Date.UTC(2021, 11, 19, 23, 59, 0) / 1000;
const SENSORS = sensorTable([
  { id: 'lcmr-1', sac: 25, sic: 1, lat: 33.3, lon: 44.395, alt: 34 },
  { id: 'tpq50-1', sac: 25, sic: 2, lat: 33.31, lon: 44.4, alt: 35 },
]);

const msgArb = fc.record({
  dt: fc.double({ min: 0, max: 2 * 86400, noNaN: true }),
  sector: fc.option(fc.double({ min: 0, max: 359.99, noNaN: true }), { nil: undefined }),
  sic: fc.integer({ min: 0, max: 255 }),
});

function decode(buf: Uint8Array, referenceTime: number) {
  const out: ServiceMessage[] = [];
  const rejects = createRejectCounter();
  const ctx = { sensors: SENSORS, referenceTime };
  walkDatagram(buf, new Map([[CAT034, (b, view, start, end, st) => decodeCat034Records(b, view, start, end, st, ctx, out, rejects)]]), rejects);
  return { out, rejects };
}

describe.skipIf(SKIP_TSHARK)('CAT034 against tshark', () => {
  it('SAC/SIC, message type, time of day and sector number within one LSB, nothing malformed', () => {
    assertTshark();
    const msgs = fc.sample(msgArb, { numRuns: 200, seed: 34 });
    const blocks = msgs.map((m) => encodeCat034(25, m.sic, T0 + m.dt, m.sector));
    const file = tempFile(writePcap(blocks.map((payload, i) => ({ time: T0 + i, payload, dstPort: 30034 }))));
    expect(tsharkMalformed(file, 30034)).toBe('');
    const rows = tsharkFields(file, 30034, ['asterix.category', 'asterix.034_010_SAC', 'asterix.034_010_SIC', 'asterix.034_000_VALUE', 'asterix.034_030_VALUE', 'asterix.034_020_VALUE']);
    expect(rows).toHaveLength(msgs.length);
    rows.forEach((r, i) => {
      const m = msgs[i]!;
      expect(Number(r[0]![0])).toBe(34);
      expect(Number(r[1]![0])).toBe(25);
      expect(Number(r[2]![0])).toBe(m.sic);
      expect(Number(r[3]![0])).toBe(m.sector === undefined ? 1 : 2);
      const tod = (((T0 + m.dt) % 86400) + 86400) % 86400;
      const d = Math.abs(Number(r[4]![0]) - tod);
      expect(Math.min(d, 86400 - d)).toBeLessThanOrEqual(1 / 256 + 1e-9);
      if (m.sector === undefined) expect(r[5]).toEqual([]);
      else {
        const a = Number(r[5]![0]);
        const e = Math.abs(a - m.sector);
        expect(Math.min(e, 360 - e)).toBeLessThanOrEqual(SECTOR_LSB_DEG / 2 + 1e-9);
      }
    });
  });
});

describe('CAT034 decoder', () => {
  it('reads back what it wrote (time within half an LSB, across UTC midnight), with the sensor of the site', () => {
    for (const m of fc.sample(msgArb, { numRuns: 300, seed: 3 })) {
      const t = T0 + m.dt;
      const { out, rejects } = decode(encodeCat034(25, 2, t, m.sector), t + 0.4);
      expect(rejects.total).toBe(0);
      expect(out).toHaveLength(1);
      const got = out[0]!;
      expect(got.sensorId).toBe('tpq50-1');
      expect(got.type).toBe(m.sector === undefined ? 1 : 2);
      expect(Math.abs(got.t - t)).toBeLessThanOrEqual(1 / 256 + 1e-6);
      if (m.sector !== undefined) {
        const e = Math.abs(got.sectorDeg! - m.sector);
        expect(Math.min(e, 360 - e)).toBeLessThanOrEqual(SECTOR_LSB_DEG / 2 + 1e-9);
      } else expect(got.sectorDeg).toBeUndefined();
    }
  });

  it('refuses with reasons: unknown sensor, a sector crossing without its sector, an undefined message type, 24 h, a spare subfield', () => {
    const base = encodeCat034(25, 1, T0, 90);
    const cases: [string, Uint8Array, string][] = [];
    const unknown = base.slice();
    // (octets: CAT, LEN ×2, FSPEC, SAC, SIC, type, time ×3, sector)
    unknown[5] = 9; // SIC
    cases.push(['unknown-sensor', unknown, 'SAC/SIC 25/9']);
    // a north marker's items, typed as a sector crossing
    const noSector = encodeCat034(25, 1, T0);
    noSector[6] = 2;
    cases.push(['missing-item', noSector, 'I034/020']);
    const badType = encodeCat034(25, 1, T0);
    badType[6] = 0;
    cases.push(['bad-value', badType, 'message type 0']);
    const late = encodeCat034(25, 1, T0);
    late[7] = 0xff;
    late[8] = 0xff;
    late[9] = 0xff;
    cases.push(['bad-value', late, '≥ 24 h']);
    // I034/050 with a spare subfield bit: its length cannot be known
    const c050 = Uint8Array.of(CAT034, 0, 12, 0xe4, 25, 1, 2, 0, 0, 0, 0x40, 0);
    cases.push(['unsupported-item', c050, 'FRN 6']);
    for (const [reason, buf, text] of cases) {
      const { out, rejects } = decode(buf, T0);
      expect(out, reason).toHaveLength(0);
      expect(rejects.total, reason).toBe(1);
      expect(rejects.counts[reason as 'bad-value'], reason).toBe(1);
      expect(rejects.last[reason as 'bad-value'], reason).toContain(text);
    }
  });

  it('skips the items it does not use by their lengths (041, 050, 060, 070, 100, 110, 120, 090)', () => {
    // FSPEC: 010 000 030 020 041 050 060 | 070 100 110 120 090
    const rec = [
      0xff, 0xf8, // FSPEC (FRN 1–7, FX; FRN 8–12)
      25, 2, // 010
      2, // 000 sector crossing
      0, 0, 128, // 030: 1 s
      64, // 020: 90°
      1, 0, // 041
      0x9c, 0x00, 0x00, 0x00, 0x00, 0x00, // 050: COM PSR SSR MDS (2)
      0x9c, 0x00, 0x00, 0x00, 0x00, // 060: COM PSR SSR MDS (1)
      2, 0x08, 0x01, 0x10, 0x02, // 070: two counters
      0, 1, 0, 2, 0, 3, 0, 4, // 100
      7, // 110
      0, 10, 0, 0, 1, 0, 0, 2, // 120
      1, 1, // 090
    ];
    const buf = Uint8Array.of(CAT034, 0, 3 + rec.length, ...rec);
    const { out, rejects } = decode(buf, Date.UTC(2021, 11, 19, 0, 0, 30) / 1000);
    expect(rejects.total).toBe(0);
    expect(out).toEqual([{ sensorId: 'tpq50-1', sac: 25, sic: 2, type: 2, t: Date.UTC(2021, 11, 19, 0, 0, 1) / 1000, sectorDeg: 90 }]);
  });

  it('a datagram of CAT048 and CAT034 blocks: both decoded in one walk, another category skipped and counted', () => {
    const frame = new EnuFrame({ lat: 33.3, lon: 44.395, alt: 34 });
    const plots: Plot[] = [0.1, 0.2, 0.3].map((dt, i) => ({ t: T0 + dt, sensorId: 'lcmr-1', sac: 25, sic: 1, range: 3000 + 100 * i, az: 1, el: 0.2 }));
    const [p048] = encodeCat048(plots, frame);
    const s034 = encodeCat034(25, 1, T0 + 0.35, 45);
    const other = Uint8Array.of(1, 0, 5, 0x80, 0);
    const dg = Uint8Array.from([...p048!, ...s034, ...other]);
    const outPlots: Plot[] = [];
    const msgs: ServiceMessage[] = [];
    const rejects = createRejectCounter();
    expect(decodeRadarDatagram(dg, { sensors: SENSORS, referenceTime: T0 }, outPlots, msgs, rejects)).toBe(4);
    expect(outPlots.map((p) => p.range)).toEqual(plots.map((p) => Math.round(p.range / (1852 / 256)) * (1852 / 256)));
    expect(msgs).toHaveLength(1);
    expect(msgs[0]!.sectorDeg).toBe(45);
    expect(rejects.total).toBe(1);
    expect(rejects.counts['unknown-category']).toBe(1);
  });
});
