/** CAT048 decoding: bytes built by hand from the spec, round trips, and strict refusal of bad bytes. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EnuFrame, WGS84_A, WGS84_E2 } from '../../src/geo/wgs84.js';
import type { Plot } from '../../src/sense/plot.js';
import { heightFromPolar } from '../../src/sense/polar.js';
import { decodeDatagram, encodeCat048, sensorKey, sensorTable, type Cat048Context, type SensorRef } from '../../src/io/asterix/cat048.js';
import { createRejectCounter } from '../../src/io/asterix/rejects.js';
import { resolveTimeOfDay } from '../../src/io/asterix/time.js';
import { readPcap, writePcap } from '../../src/io/pcap.js';
import { SKIP_TSHARK, assertTshark, tempFile, tsharkFields, tsharkMalformed } from './tshark.js';

const ORIGIN = { lat: 33.3, lon: 44.395, alt: 34 };
const FRAME = new EnuFrame(ORIGIN);
const SENSOR: SensorRef = { id: 'lcmr-1', frame: FRAME, maxRange: 40000 };
const NOON = Date.UTC(2021, 11, 19, 12) / 1000;
const ctx = (referenceTime = NOON): Cat048Context => ({ sensors: new Map([[sensorKey(25, 1), SENSOR]]), referenceTime });
const hex = (s: string): Uint8Array => Uint8Array.from(s.replace(/\s+/g, '').match(/../g)!.map((b) => parseInt(b, 16)));

/** Elevation giving height h at slant range r on a sphere of Euler's radius along az (independent of polar.ts). */
function sphericalElevation(r: number, az: number, h: number): number {
  const phi = (ORIGIN.lat * Math.PI) / 180;
  const w = 1 - WGS84_E2 * Math.sin(phi) ** 2;
  const R = 1 / (Math.cos(az) ** 2 / ((WGS84_A * (1 - WGS84_E2)) / w ** 1.5) + Math.sin(az) ** 2 / (WGS84_A / Math.sqrt(w)));
  const rc = R + ORIGIN.alt;
  return Math.asin(((R + h) ** 2 - r * r - rc * rc) / (2 * r * rc));
}

// One record by hand: FSPEC F1 01 0C (FRN 1–4 = 010 140 020 040 | – | FRN 19 = 110 → 0x08, FRN 20 = 120 → 0x04); SAC 25 SIC 1; ToD 12:00:00 = 43200·128 =
// 0x546000; 020 TYP=1 → 0x20; ρ 5 NM = 1280 = 0x0500; θ 90° = 16384 = 0x4000; 110 1000 ft = 40 = 0x0028;
// 120 primary 0x80 (CAL), CAL −100 m/s in 10-bit two's complement = 0x39C, D = 0.
const RECORD = 'f1010c 1901 546000 20 05004000 0028 80039c';
const BLOCK = `300015 ${RECORD}`;

describe('CAT048 record built by hand from the spec', () => {
  it('the encoder writes exactly these bytes', () => {
    const range = 5 * 1852;
    const el = sphericalElevation(range, Math.PI / 2, 1000 * 0.3048);
    const plot: Plot = { t: NOON, sensorId: 'lcmr-1', sac: 25, sic: 1, range, az: Math.PI / 2, el, rangeRate: -100.3 };
    const [d] = encodeCat048([plot], FRAME);
    expect(Buffer.from(d!).toString('hex')).toBe(BLOCK.replace(/\s+/g, ''));
  });

  it('the decoder reads it back', () => {
    const out: Plot[] = [];
    const rej = createRejectCounter();
    expect(decodeDatagram(hex(BLOCK), ctx(), out, rej)).toBe(1);
    expect(rej.total).toBe(0);
    const p = out[0]!;
    expect(p).toMatchObject({ t: NOON, sensorId: 'lcmr-1', sac: 25, sic: 1, rangeRate: -100 });
    expect(p.range).toBe(5 * 1852);
    expect(p.az).toBe(Math.PI / 2);
    expect(p.el).toBeCloseTo(sphericalElevation(5 * 1852, Math.PI / 2, 304.8), 4);
  });

  // Every other kind of item a radar may add, in UAP order, each of which must be skipped by its length:
  // FSPEC F3 B7 4D 04 = FRN 1 2 3 4 7 | 8 10 11 13 14 | 16 19 20 | 27.
  const RICH =
    'f3b74d04 1901 546000 20 05004000' +
    ' 88 10 50' + // 130: primary SRL + PAM, one octet each
    ' abcdef' + // 220: aircraft address
    ' 02 0011223344556640 8899aabbccddee50' + // 250: REP 2 × (MB data 7, BDS 1)
    ' 007b' + // 161: track number 123
    ' 00804000' + // 200: ground speed, heading
    ' 01 00' + // 170: two octets (FX)
    ' 03 06' + // 030: two codes (FX)
    ' 0028' + // 110
    ' c0 039c 01 0010 0020 03e8' + // 120: CAL + RDS with REP 1 × (DOP 16, AMB 32, FRQ 1000)
    ' 03 aabb'; // SP: explicit length 3
  const richBlock = (): Uint8Array => {
    const rec = hex(RICH);
    return Uint8Array.from([48, 0, 3 + rec.length, ...rec]);
  };

  it('a record carrying 130, 220, 250, 161, 200, 170, 030, RDS and SP decodes to the same plot', () => {
    const out: Plot[] = [];
    const rej = createRejectCounter();
    decodeDatagram(richBlock(), ctx(), out, rej);
    expect(rej.total).toBe(0);
    const plain: Plot[] = [];
    decodeDatagram(hex(BLOCK), ctx(), plain, rej);
    expect(out).toEqual(plain);
  });

  it.skipIf(SKIP_TSHARK)('tshark agrees on the hand-built rich record (so our item lengths match the spec)', () => {
    assertTshark();
    const file = tempFile(writePcap([{ time: NOON, payload: richBlock(), dstPort: 30048 }]));
    expect(tsharkMalformed(file, 30048)).toBe('');
    const [row] = tsharkFields(file, 30048, ['asterix.048_161_TRN', 'asterix.048_220_VALUE', 'asterix.048_120_CAL_CAL', 'asterix.048_120_RDS_DOP', 'asterix.048_110_3DH', 'asterix.048_040_RHO', 'asterix.048_250_BDS2']);
    expect(row!.map((f) => f.map(Number))).toEqual([[123], [0xabcdef], [-100], [16], [1000], [5], [0, 0]]);
  });
});

describe('CAT048 round trip', () => {
  it('encode → decode is within one LSB for random plots (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            dt: fc.double({ min: -40000, max: 40000, noNaN: true }),
            range: fc.double({ min: 100, max: 39000, noNaN: true }),
            az: fc.double({ min: 0, max: 2 * Math.PI - 1e-9, noNaN: true }),
            el: fc.double({ min: -0.02, max: 1.5, noNaN: true }),
            rr: fc.option(fc.double({ min: -511.4, max: 511.4, noNaN: true }), { nil: undefined }),
          }),
          { minLength: 1, maxLength: 150 },
        ),
        (arr) => {
          const plots: Plot[] = arr.map((a) => ({ t: NOON + a.dt, sensorId: 'lcmr-1', sac: 25, sic: 1, range: a.range, az: a.az, el: a.el, rangeRate: a.rr }));
          const out: Plot[] = [];
          const rej = createRejectCounter();
          for (const d of encodeCat048(plots, FRAME, { maxBytes: 500 })) decodeDatagram(d, ctx(), out, rej);
          expect(rej.total).toBe(0);
          expect(out).toHaveLength(plots.length);
          plots.forEach((p, i) => {
            const q = out[i]!;
            expect(Math.abs(q.t - p.t)).toBeLessThanOrEqual(1 / 128);
            expect(Math.abs(q.range - p.range)).toBeLessThanOrEqual(1852 / 256 / 2 + 1e-9);
            const dAz = Math.abs(q.az - p.az);
            expect(Math.min(dAz, 2 * Math.PI - dAz)).toBeLessThanOrEqual(Math.PI / 65536 + 1e-12);
            // height is what travels; elevation follows from it (ill-conditioned near the zenith)
            expect(Math.abs(heightFromPolar(FRAME, q.range, q.az, q.el) - heightFromPolar(FRAME, p.range, p.az, p.el))).toBeLessThanOrEqual(7.62);
            if (p.rangeRate === undefined) expect(q.rangeRate).toBeUndefined();
            else expect(Math.abs(q.rangeRate! - p.rangeRate)).toBeLessThanOrEqual(0.5);
          });
        },
      ),
      { numRuns: 60, seed: 4848 },
    );
  });

  it('range rate beyond ±511 m/s is left out, the plot kept', () => {
    const out: Plot[] = [];
    const base = { sensorId: 'lcmr-1', sac: 25, sic: 1, range: 3000, az: 1, el: 0.3 };
    const [d] = encodeCat048([{ ...base, t: NOON, rangeRate: 512 }, { ...base, t: NOON, rangeRate: -511 }], FRAME);
    decodeDatagram(d!, ctx(), out, createRejectCounter());
    expect(out.map((p) => p.rangeRate)).toEqual([undefined, -511]);
  });
});

describe('time of day → UTC', () => {
  const midnight = Date.UTC(2020, 0, 9) / 1000;
  it('a plot stamped 23:59:59.9 received just after midnight belongs to the previous day', () => {
    expect(resolveTimeOfDay(86399.9, midnight + 0.5)).toBeCloseTo(midnight - 0.1, 9);
  });
  it('a plot stamped 00:00:00.1 seen by a clock still before midnight belongs to the next day', () => {
    expect(resolveTimeOfDay(0.1, midnight - 0.5)).toBeCloseTo(midnight + 0.1, 9);
  });
  it('within the day the date of the reference is used', () => {
    expect(resolveTimeOfDay(3600, midnight + 7200)).toBe(midnight + 3600);
  });
  it('the decoder applies it', () => {
    const plot: Plot = { t: midnight - 0.1, sensorId: 'lcmr-1', sac: 25, sic: 1, range: 2000, az: 0, el: 0.2 };
    const out: Plot[] = [];
    decodeDatagram(encodeCat048([plot], FRAME)[0]!, ctx(midnight + 1), out, createRejectCounter());
    // 86399.9 s quantised to 1/128 s, on the day before the reference
    expect(out[0]!.t).toBeCloseTo(midnight - 86400 + Math.round(86399.9 * 128) / 128, 9);
  });
});

describe('capture → plots, across midnight', () => {
  it('each datagram dated by its capture time: plots before and after 00:00 UTC land on their own days', () => {
    const midnight = Date.UTC(2020, 0, 5) / 1000;
    const plots: Plot[] = [-1.5, -0.6, 0.2, 1.1].map((dt) => ({ t: midnight + dt, sensorId: 'lcmr-1', sac: 25, sic: 1, range: 4000, az: 2, el: 0.3 }));
    // one datagram per plot, captured 0.7 s after the measurement (a revolution's latency)
    const pcap = writePcap(plots.map((p) => ({ time: p.t + 0.7, payload: encodeCat048([p], FRAME)[0]!, dstPort: 30048 })));
    const out: Plot[] = [];
    const rej = createRejectCounter();
    for (const d of readPcap(pcap).datagrams) decodeDatagram(d.payload, ctx(d.time), out, rej);
    expect(rej.total).toBe(0);
    out.forEach((q, i) => expect(Math.abs(q.t - plots[i]!.t)).toBeLessThanOrEqual(1 / 256));
  });
});

describe('CAT048 refusals', () => {
  const good = (range: number): Uint8Array => encodeCat048([{ t: NOON, sensorId: 'x', sac: 25, sic: 1, range, az: 1, el: 0.1 }], FRAME)[0]!;
  const cat = (...parts: Uint8Array[]): Uint8Array => Uint8Array.from(parts.flatMap((p) => [...p]));
  const decode = (buf: Uint8Array) => {
    const out: Plot[] = [];
    const rej = createRejectCounter();
    decodeDatagram(buf, ctx(), out, rej);
    return { ranges: out.map((p) => Math.round(p.range)), rej };
  };
  const r = (nm: number) => Math.round((nm * 1852) / (1852 / 256)) * (1852 / 256);
  const A = good(r(1));
  const B = good(r(2));
  const C = good(r(3));
  const only = (rej: ReturnType<typeof createRejectCounter>, reason: string) => {
    expect(rej.total).toBe(1);
    expect(rej.counts).toMatchObject({ [reason]: 1 });
    expect(rej.last[reason as keyof typeof rej.last]).toMatch(/./);
  };

  it('truncated datagram: the whole blocks and records before the cut are kept', () => {
    const two = encodeCat048([A, B].map(() => ({ t: NOON, sensorId: 'x', sac: 25, sic: 1, range: r(2), az: 1, el: 0.1 })), FRAME)[0]!;
    const { ranges, rej } = decode(cat(A, two).subarray(0, A.length + two.length - 4));
    expect(ranges).toEqual([Math.round(r(1)), Math.round(r(2))]);
    only(rej, 'truncated');
  });

  it('a block whose LEN is too long is dropped, the datagram resynchronised on the next block', () => {
    const bad = B.slice();
    bad[2]! += 5;
    const { ranges, rej } = decode(cat(A, bad, C));
    // B's record parses before the break, so it is kept; C is found again
    expect(ranges).toEqual([r(1), r(2), r(3)].map(Math.round));
    only(rej, 'bad-length');
  });

  it('a block whose LEN is too short is dropped, the blocks around it kept', () => {
    const bad = B.slice();
    bad[2]! -= 4;
    const { ranges, rej } = decode(cat(A, bad, C));
    expect(ranges).toEqual([r(1), r(3)].map(Math.round));
    only(rej, 'bad-length');
  });

  it('LEN < 3 is refused and the next block found', () => {
    const { ranges, rej } = decode(cat(A, Uint8Array.of(48, 0, 1, 0xde, 0xad), C));
    expect(ranges).toEqual([r(1), r(3)].map(Math.round));
    only(rej, 'bad-length');
  });

  it('a block of an unknown category is skipped by its LEN', () => {
    const { ranges, rej } = decode(cat(A, Uint8Array.of(99, 0, 6, 1, 2, 3), C));
    expect(ranges).toEqual([r(1), r(3)].map(Math.round));
    only(rej, 'unknown-category');
  });

  it('an FSPEC running past the end of its block loses that record only', () => {
    const bad = Uint8Array.of(48, 0, 6, 0xff, 0xff, 0xff);
    const { ranges, rej } = decode(cat(A, bad, C));
    expect(ranges).toEqual([r(1), r(3)].map(Math.round));
    only(rej, 'fspec-overrun');
  });

  it('an FSPEC naming an FRN beyond the UAP is unsupported', () => {
    // FSPEC of five octets, the fifth naming FRN 29: CAT048's UAP ends at FRN 28
    const bad = Uint8Array.of(48, 0, 3 + 7, 0x81, 0x01, 0x01, 0x01, 0x80, 25, 1);
    const { ranges, rej } = decode(cat(A, bad, C));
    expect(ranges).toEqual([r(1), r(3)].map(Math.round));
    only(rej, 'unsupported-item');
  });

  it('unknown SAC/SIC: that record refused, its neighbours in the same block kept', () => {
    const plots: Plot[] = [1, 2, 3].map((nm, i) => ({ t: NOON, sensorId: 'x', sac: 25, sic: i === 1 ? 9 : 1, range: r(nm), az: 1, el: 0.1 }));
    const { ranges, rej } = decode(encodeCat048(plots, FRAME)[0]!);
    expect(ranges).toEqual([r(1), r(3)].map(Math.round));
    only(rej, 'unknown-sensor');
    expect(rej.last['unknown-sensor']).toContain('25/9');
  });

  it('impossible values: range beyond the sensor, height unreachable at the range, time of day ≥ 24 h', () => {
    const far = good(r(25)); // 46 km > 40 km
    const high = hex(BLOCK);
    high[3 + 13] = 0x08; // 110 = 0x0828 → 2088·25 ft ≈ 15.9 km at 9.3 km range
    const late = hex(BLOCK);
    late.set([0xa8, 0xc0, 0x00], 3 + 5); // 86400·128 = 0xa8c000
    const { ranges, rej } = decode(cat(A, far, high, late, C));
    expect(ranges).toEqual([r(1), r(3)].map(Math.round));
    expect(rej.total).toBe(3);
    expect(rej.counts['bad-value']).toBe(3);
  });

  it('a record without I048/040 (or 110) is missing an item', () => {
    const no040 = hex('300011 e1010c 1901 546000 20 0028 80039c'); // FSPEC without FRN 4
    const no110 = hex('300013 f10104 1901 546000 20 05004000 80039c');
    const { ranges, rej } = decode(cat(A, no040, no110, C));
    expect(ranges).toEqual([r(1), r(3)].map(Math.round));
    expect(rej.counts['missing-item']).toBe(2);
    expect(rej.total).toBe(2);
  });
});

describe('CAT048 decoder under hostile bytes', () => {
  const plots: Plot[] = [1, 2, 3, 4, 5].map((k) => ({ t: NOON + k, sensorId: 'x', sac: 25, sic: 1, range: 1000 * k, az: k, el: 0.1 * k, rangeRate: 10 * k }));
  const clean = encodeCat048(plots, FRAME)[0]!;

  it('never throws, and every accepted plot is a valid one, whatever the bytes are mutated to', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(clean.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }), fc.nat(clean.length), (muts, cut) => {
        const buf = clean.slice(0, Math.max(1, cut));
        for (const [i, v] of muts) if (i < buf.length) buf[i] = v;
        const out: Plot[] = [];
        const rej = createRejectCounter();
        decodeDatagram(buf, ctx(), out, rej);
        for (const p of out) {
          expect(p.sensorId).toBe('lcmr-1');
          expect(p.range).toBeGreaterThan(0);
          expect(p.range).toBeLessThanOrEqual(40000 + 8);
          expect(Math.abs(p.el)).toBeLessThanOrEqual(Math.PI / 2);
          expect(Number.isFinite(p.t)).toBe(true);
        }
        expect(out.length).toBeLessThanOrEqual(plots.length + 2);
      }),
      { numRuns: 2000, seed: 7 },
    );
  });

  it('random bytes never throw, and bytes that yield no plot are always accounted for by a reason', () => {
    // the one silent case: empty CAT048 blocks (48, 0, 3) back to back
    const onlyEmptyBlocks = (b: Uint8Array) => b.length % 3 === 0 && b.every((x, i) => x === [48, 0, 3][i % 3]);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (buf) => {
        const rej = createRejectCounter();
        const out: Plot[] = [];
        decodeDatagram(buf, ctx(), out, rej);
        expect(out.length > 0 || rej.total > 0 || onlyEmptyBlocks(buf)).toBe(true);
      }),
      { numRuns: 2000, seed: 8 },
    );
  });

  it('sensorTable builds the SAC/SIC lookup and refuses duplicates', () => {
    const s = { id: 'a', sac: 25, sic: 1, lat: 33.3, lon: 44.395, alt: 34, maxRange: 40000 };
    const table = sensorTable([s, { ...s, id: 'b', sic: 2 }]);
    const out: Plot[] = [];
    decodeDatagram(clean, { sensors: table, referenceTime: NOON }, out, createRejectCounter());
    expect(out.map((p) => p.sensorId)).toEqual(['a', 'a', 'a', 'a', 'a']);
    expect(() => sensorTable([s, { ...s, id: 'c' }])).toThrow(/share SAC\/SIC 25\/1/);
  });
});
