/** libpcap and .ast files: our writer judged by tshark, our reader judged on files other tools (and the spec) make. */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { readAstFile, readPcap, writePcap } from '../../src/io/pcap.js';
import { InputError } from '../../src/core/errors.js';
import { SKIP_TSHARK, assertTshark, run, tempFile } from './tshark.js';

const T = 1577836800.25; // 2020-01-01T00:00:00.25Z
const P1 = Uint8Array.from({ length: 37 }, (_, i) => i * 7);
const P2 = Uint8Array.from({ length: 300 }, (_, i) => 255 - (i % 256));

/** IPv4 (no options) + UDP header, checksums zero (readers must not care), around a payload. */
function ipUdp(payload: Uint8Array, sport: number, dport: number): number[] {
  const total = 28 + payload.length;
  return [0x45, 0, total >> 8, total & 255, 0, 1, 0x40, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
    sport >> 8, sport & 255, dport >> 8, dport & 255, (8 + payload.length) >> 8, (8 + payload.length) & 255, 0, 0, ...payload];
}

/** A libpcap file by the spec (pcap-savefile(5)), in either byte order, µs or ns. */
function pcapFile(linkType: number, frames: number[][], le: boolean, ns = false, time = T): Uint8Array {
  const parts: number[] = [];
  const u32 = (v: number) => {
    const b = [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
    parts.push(...(le ? b.reverse() : b));
  };
  const u16 = (v: number) => parts.push(...(le ? [v & 255, v >> 8] : [v >> 8, v & 255]));
  u32(ns ? 0xa1b23c4d : 0xa1b2c3d4);
  u16(2);
  u16(4);
  u32(0);
  u32(0);
  u32(262144);
  u32(linkType);
  frames.forEach((f, i) => {
    const t = time + i;
    u32(Math.floor(t));
    u32(Math.round((t - Math.floor(t)) * (ns ? 1e9 : 1e6)));
    u32(f.length);
    u32(f.length);
    parts.push(...f);
  });
  return Uint8Array.from(parts);
}

const eth = (ethertype: number) => [2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, ethertype >> 8, ethertype & 255];
const sll = [0, 0, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0, 0x08, 0x00];
const sll2 = [0x08, 0x00, 0, 0, 0, 0, 0, 1, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0];

describe('readPcap', () => {
  const cases: [string, number, (ip: number[]) => number[]][] = [
    ['Ethernet', 1, (ip) => [...eth(0x0800), ...ip]],
    ['Ethernet with an 802.1Q tag', 1, (ip) => [...eth(0x8100).slice(0, 12), 0x81, 0, 0, 5, 0x08, 0, ...ip]],
    ['raw IP (101)', 101, (ip) => ip],
    ['raw IPv4 (228)', 228, (ip) => ip],
    ['Linux cooked SLL (113)', 113, (ip) => [...sll, ...ip]],
    ['Linux cooked SLL2 (276)', 276, (ip) => [...sll2, ...ip]],
    ['BSD loopback, little-endian family', 0, (ip) => [2, 0, 0, 0, ...ip]],
    ['BSD loopback, big-endian family', 0, (ip) => [0, 0, 0, 2, ...ip]],
  ];
  for (const [name, link, wrap] of cases) {
    for (const le of [true, false]) {
      for (const ns of [false, true]) {
        it(`${name}, ${le ? 'little' : 'big'}-endian, ${ns ? 'ns' : 'µs'}`, () => {
          const file = pcapFile(link, [wrap(ipUdp(P1, 40000, 30048)), wrap(ipUdp(P2, 40001, 8600))], le, ns);
          const r = readPcap(file);
          expect(r.linkType).toBe(link);
          expect(r.skipped).toBe(0);
          expect(r.datagrams.map((d) => [d.srcPort, d.dstPort, d.srcAddr, d.dstAddr, [...d.payload]])).toEqual([
            [40000, 30048, '10.0.0.1', '10.0.0.2', [...P1]],
            [40001, 8600, '10.0.0.1', '10.0.0.2', [...P2]],
          ]);
          expect(r.datagrams[0]!.time).toBeCloseTo(T, 6);
          expect(r.datagrams[1]!.time).toBeCloseTo(T + 1, 6);
        });
      }
    }
  }

  it.skipIf(SKIP_TSHARK)('the hand-built link types are what tshark reads too (so the cases above test real layouts)', () => {
    assertTshark();
    for (const [, link, wrap] of cases) {
      const f = tempFile(pcapFile(link, [wrap(ipUdp(P1, 40000, 30048))], false));
      expect(run('tshark', ['-r', f, '-T', 'fields', '-e', 'udp.dstport', '-e', 'udp.length']).trim()).toBe(`30048\t${8 + P1.length}`);
    }
  });

  it.skipIf(SKIP_TSHARK)('reads captures written by text2pcap and editcap (Ethernet, raw IPv4, IPv6, nanoseconds)', () => {
    assertTshark();
    const dump = tempFile(new TextEncoder().encode(hexdump(P1) + '\n' + hexdump(P2)), 'txt');
    const variants: [string[], string][] = [
      [['-F', 'pcap', '-e', '0x800', '-4', '10.1.2.3,10.4.5.6'], '10.4.5.6'],
      [['-F', 'pcap', '-l', '101', '-4', '10.1.2.3,10.4.5.6'], '10.4.5.6'],
      [['-F', 'pcap', '-e', '0x86dd', '-6', '2001:db8::1,2001:db8::2'], '2001:db8:0:0:0:0:0:2'],
      [['-F', 'nsecpcap', '-e', '0x800', '-4', '10.1.2.3,10.4.5.6'], '10.4.5.6'],
    ];
    for (const [opts, dst] of variants) {
      const out = tempFile(new Uint8Array(0));
      run('text2pcap', ['-q', ...opts, '-u', '40000,30048', dump, out]);
      const r = readPcap(readFileSync(out));
      expect(r.datagrams.map((d) => [d.dstAddr, d.dstPort, [...d.payload]])).toEqual([
        [dst, 30048, [...P1]],
        [dst, 30048, [...P2]],
      ]);
    }
    // editcap re-encodes our µs capture with nanosecond timestamps: same times back
    const us = tempFile(writePcap([{ time: T + 0.123456, payload: P1, dstPort: 30048 }]));
    const ns = tempFile(new Uint8Array(0));
    run('editcap', ['-F', 'nsecpcap', us, ns]);
    expect(readPcap(readFileSync(ns)).datagrams[0]!.time).toBeCloseTo(T + 0.123456, 6);
  });

  it('skips what is not UDP and fragments; refuses what is not a capture', () => {
    const tcp = ipUdp(P1, 1, 2);
    tcp[9] = 6;
    const frag = ipUdp(P1, 1, 2);
    frag[6] = 0x20; // more fragments
    const r = readPcap(pcapFile(1, [[...eth(0x0800), ...tcp], [...eth(0x0806), 0, 1], [...eth(0x0800), ...frag], [...eth(0x0800), ...ipUdp(P1, 5, 6)]], true));
    expect(r.skipped).toBe(3);
    expect(r.datagrams.map((d) => d.dstPort)).toEqual([6]);
    expect(() => readPcap(new Uint8Array(10), 'x.pcap')).toThrow(InputError);
    expect(() => readPcap(Uint8Array.of(0x0a, 0x0d, 0x0d, 0x0a, ...new Uint8Array(40)))).toThrow(/pcapng/);
    const cut = pcapFile(1, [[...eth(0x0800), ...ipUdp(P1, 5, 6)], [...eth(0x0800), ...ipUdp(P2, 5, 7)]], true);
    expect(readPcap(cut.subarray(0, cut.length - 10)).datagrams.map((d) => d.dstPort)).toEqual([6]);
  });
});

function hexdump(b: Uint8Array): string {
  const lines: string[] = [];
  for (let o = 0; o < b.length; o += 16) {
    lines.push(o.toString(16).padStart(6, '0') + ' ' + [...b.subarray(o, o + 16)].map((x) => x.toString(16).padStart(2, '0')).join(' '));
  }
  return lines.join('\n') + '\n';
}

describe.skipIf(SKIP_TSHARK)('writePcap', () => {
  it('tshark reads the frames: times, lengths, ports, addresses, correct IP header checksum', () => {
    assertTshark();
    const f = tempFile(
      writePcap([
        { time: T, payload: P1, dstPort: 30048 },
        { time: T + 0.999999, payload: P2, dstPort: 30062, srcPort: 5000, srcAddr: '192.168.1.10', dstAddr: '239.1.2.3' },
      ]),
    );
    const out = run('tshark', ['-r', f, '-o', 'ip.check_checksum:TRUE', '-T', 'fields', '-E', 'separator=,', '-e', 'frame.time_epoch', '-e', 'ip.len', '-e', 'ip.checksum.status', '-e', 'ip.src', '-e', 'ip.dst', '-e', 'udp.srcport', '-e', 'udp.dstport', '-e', 'udp.length', '-e', 'data.len', '-e', '_ws.malformed']);
    const rows = out.trim().split('\n').map((l) => l.split(','));
    expect(rows.map((r) => r.slice(1))).toEqual([
      [String(28 + P1.length), '1', '127.0.0.1', '127.0.0.1', '40000', '30048', String(8 + P1.length), String(P1.length), ''],
      [String(28 + P2.length), '1', '192.168.1.10', '239.1.2.3', '5000', '30062', String(8 + P2.length), String(P2.length), ''],
    ]);
    expect(Number(rows[0]![0])).toBeCloseTo(T, 6);
    expect(Number(rows[1]![0])).toBeCloseTo(T + 0.999999, 6);
    // and our reader gets back what went in
    expect(readPcap(readFileSync(f)).datagrams.map((d) => [...d.payload])).toEqual([[...P1], [...P2]]);
  });
});

describe('readAstFile', () => {
  it('splits back-to-back blocks by CAT/LEN and says where a bad LEN stopped it', () => {
    const a = [48, 0, 5, 1, 2];
    const b = [34, 0, 4, 9];
    const ok = readAstFile(Uint8Array.from([...a, ...b, ...a]));
    expect(ok.blocks.map((x) => [...x])).toEqual([a, b, a]);
    expect(ok.badAt).toBeUndefined();
    const bad = readAstFile(Uint8Array.from([...a, 48, 0, 2, ...b]));
    expect(bad.blocks.map((x) => [...x])).toEqual([a]);
    expect(bad.badAt).toBe(5);
    expect(readAstFile(Uint8Array.from([...a, 48, 0, 9, 1])).badAt).toBe(5);
  });
});
