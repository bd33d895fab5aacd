/**
 * libpcap capture files ↔ UDP datagrams, and raw ASTERIX recordings (.ast: data blocks back to back).
 *
 * Reading: both byte orders, microsecond (0xa1b2c3d4) and nanosecond (0xa1b23c4d) magic; link types
 * null/loopback (0), Ethernet (1, with 802.1Q/802.1ad tags), raw IP (101; 228 IPv4, 229 IPv6), Linux cooked
 * SLL (113) and SLL2 (276); IPv4 (unfragmented) and IPv6 (UDP directly after the fixed header). Payloads are
 * views into the file's bytes, not copies. Writing: Ethernet + IPv4 + UDP, microsecond timestamps, so tests
 * and tools (tshark) can read what we encode.
 */
import { InputError } from '../core/errors.js';

export interface UdpDatagram {
  /** capture time, UTC seconds */
  time: number;
  srcAddr: string;
  dstAddr: string;
  srcPort: number;
  dstPort: number;
  /** the UDP payload (a view into the capture's bytes) */
  payload: Uint8Array;
}

export interface PcapContents {
  linkType: number;
  datagrams: UdpDatagram[];
  /** packets that were not UDP over IP, were fragments, or were cut short by the snap length */
  skipped: number;
}

const MAGIC_US = 0xa1b2c3d4;
const MAGIC_NS = 0xa1b23c4d;

/** Reads a libpcap file. Throws InputError (naming `file`) when the bytes are not a libpcap capture. */
export function readPcap(buf: Uint8Array, file?: string): PcapContents {
  if (buf.length < 24) throw new InputError('not a libpcap file: shorter than its 24-byte header', file);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const m = view.getUint32(0, true);
  let le: boolean;
  if (m === MAGIC_US || m === MAGIC_NS) le = true;
  else if (view.getUint32(0, false) === MAGIC_US || view.getUint32(0, false) === MAGIC_NS) le = false;
  else if (m === 0x0a0d0d0a) throw new InputError('pcapng files are not read: save the capture as libpcap (editcap -F pcap)', file);
  else throw new InputError(`not a libpcap file: magic 0x${m.toString(16)}`, file);
  const fracScale = view.getUint32(0, le) === MAGIC_NS ? 1e-9 : 1e-6;
  // the top bits of the link type field may carry FCS information
  const linkType = view.getUint32(20, le) & 0x0fffffff;
  if (![0, 1, 101, 113, 228, 229, 276].includes(linkType)) throw new InputError(`libpcap link type ${linkType} is not supported`, file);
  const datagrams: UdpDatagram[] = [];
  let skipped = 0;
  let o = 24;
  while (o + 16 <= buf.length) {
    const sec = view.getUint32(o, le);
    const frac = view.getUint32(o + 4, le);
    const incl = view.getUint32(o + 8, le);
    const start = o + 16;
    if (start + incl > buf.length) {
      skipped++; // a capture cut off mid-packet (the writer was killed): keep what came before
      break;
    }
    const d = udpFromFrame(buf, view, start, start + incl, linkType, sec + frac * fracScale);
    if (d) datagrams.push(d);
    else skipped++;
    o = start + incl;
  }
  return { linkType, datagrams, skipped };
}

function udpFromFrame(buf: Uint8Array, view: DataView, p: number, end: number, link: number, time: number): UdpDatagram | null {
  let proto = -1; // EtherType of the network layer, or −1 to decide from the IP version nibble
  switch (link) {
    case 0: {
      if (p + 4 > end) return null;
      // address family in the byte order of the machine that captured: 2 is AF_INET, 24/28/30 AF_INET6
      const fam = view.getUint32(p, true) <= 0xffff ? view.getUint32(p, true) : view.getUint32(p, false);
      proto = fam === 2 ? 0x0800 : fam === 24 || fam === 28 || fam === 30 ? 0x86dd : 0;
      p += 4;
      break;
    }
    case 1: {
      if (p + 14 > end) return null;
      proto = view.getUint16(p + 12);
      p += 14;
      while ((proto === 0x8100 || proto === 0x88a8) && p + 4 <= end) {
        proto = view.getUint16(p + 2);
        p += 4;
      }
      break;
    }
    case 101:
      break;
    case 228:
      proto = 0x0800;
      break;
    case 229:
      proto = 0x86dd;
      break;
    case 113:
      if (p + 16 > end) return null;
      proto = view.getUint16(p + 14);
      p += 16;
      break;
    case 276:
      if (p + 20 > end) return null;
      proto = view.getUint16(p);
      p += 20;
      break;
  }
  if (p >= end) return null;
  if (proto === -1) proto = buf[p]! >> 4 === 4 ? 0x0800 : buf[p]! >> 4 === 6 ? 0x86dd : 0;
  let src: string;
  let dst: string;
  let ipEnd: number;
  if (proto === 0x0800) {
    if (p + 20 > end || buf[p]! >> 4 !== 4) return null;
    const ihl = (buf[p]! & 0x0f) * 4;
    const total = view.getUint16(p + 2);
    const frag = view.getUint16(p + 6);
    if (buf[p + 9] !== 17 || (frag & 0x3fff) !== 0 || ihl < 20) return null;
    src = `${buf[p + 12]}.${buf[p + 13]}.${buf[p + 14]}.${buf[p + 15]}`;
    dst = `${buf[p + 16]}.${buf[p + 17]}.${buf[p + 18]}.${buf[p + 19]}`;
    ipEnd = Math.min(end, p + total);
    p += ihl;
  } else if (proto === 0x86dd) {
    if (p + 40 > end || buf[p + 6] !== 17) return null;
    src = ipv6(view, p + 8);
    dst = ipv6(view, p + 24);
    ipEnd = Math.min(end, p + 40 + view.getUint16(p + 4));
    p += 40;
  } else {
    return null;
  }
  if (p + 8 > ipEnd) return null;
  const udpLen = view.getUint16(p + 4);
  if (udpLen < 8 || p + udpLen > ipEnd) return null; // cut by the snap length, or inconsistent
  return {
    time,
    srcAddr: src,
    dstAddr: dst,
    srcPort: view.getUint16(p),
    dstPort: view.getUint16(p + 2),
    payload: buf.subarray(p + 8, p + udpLen),
  };
}

function ipv6(view: DataView, p: number): string {
  const parts: string[] = [];
  for (let i = 0; i < 16; i += 2) parts.push(view.getUint16(p + i).toString(16));
  return parts.join(':');
}

export interface OutgoingDatagram {
  /** capture time, UTC seconds */
  time: number;
  payload: Uint8Array;
  dstPort: number;
  srcPort?: number;
  /** dotted IPv4, default 127.0.0.1 */
  srcAddr?: string;
  dstAddr?: string;
}

const ETH = 14;
const IP = 20;
const UDP = 8;

/** Writes a libpcap file (little-endian, µs, Ethernet) with one IPv4/UDP frame per datagram. */
export function writePcap(datagrams: readonly OutgoingDatagram[]): Uint8Array {
  let size = 24;
  for (const d of datagrams) {
    if (d.payload.length > 65507) throw new RangeError(`UDP payload of ${d.payload.length} bytes does not fit an IPv4 datagram`);
    size += 16 + ETH + IP + UDP + d.payload.length;
  }
  const buf = new Uint8Array(size);
  const v = new DataView(buf.buffer);
  v.setUint32(0, MAGIC_US, true);
  v.setUint16(4, 2, true);
  v.setUint16(6, 4, true);
  v.setUint32(16, 65535, true); // snap length
  v.setUint32(20, 1, true); // Ethernet
  let o = 24;
  datagrams.forEach((d, i) => {
    const n = ETH + IP + UDP + d.payload.length;
    let sec = Math.floor(d.time);
    let us = Math.round((d.time - sec) * 1e6);
    if (us >= 1e6) {
      sec++;
      us -= 1e6;
    }
    v.setUint32(o, sec, true);
    v.setUint32(o + 4, us, true);
    v.setUint32(o + 8, n, true);
    v.setUint32(o + 12, n, true);
    o += 16;
    buf.set([0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01], o); // locally administered MACs: dst, src
    v.setUint16(o + 12, 0x0800);
    const ip = o + ETH;
    buf[ip] = 0x45;
    v.setUint16(ip + 2, IP + UDP + d.payload.length);
    v.setUint16(ip + 4, i & 0xffff);
    v.setUint16(ip + 6, 0x4000); // don't fragment
    buf[ip + 8] = 64;
    buf[ip + 9] = 17;
    buf.set(ipv4(d.srcAddr ?? '127.0.0.1'), ip + 12);
    buf.set(ipv4(d.dstAddr ?? '127.0.0.1'), ip + 16);
    v.setUint16(ip + 10, ipChecksum(buf, ip, IP));
    const udp = ip + IP;
    v.setUint16(udp, d.srcPort ?? 40000);
    v.setUint16(udp + 2, d.dstPort);
    v.setUint16(udp + 4, UDP + d.payload.length);
    // checksum 0: "not computed", legal for UDP over IPv4
    buf.set(d.payload, udp + UDP);
    o += n;
  });
  return buf;
}

function ipv4(s: string): number[] {
  const parts = s.split('.').map(Number);
  if (parts.length !== 4 || parts.some((x) => !(Number.isInteger(x) && x >= 0 && x <= 255))) throw new RangeError(`not a dotted IPv4 address: ${s}`);
  return parts;
}

/** RFC 791 header checksum: one's complement of the one's-complement sum of the 16-bit words. */
export function ipChecksum(buf: Uint8Array, p: number, n: number): number {
  let sum = 0;
  for (let i = 0; i < n; i += 2) sum += (buf[p + i]! << 8) | (buf[p + i + 1] ?? 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

export interface AstContents {
  /** the data blocks, views into the file's bytes */
  blocks: Uint8Array[];
  /** offset where splitting stopped because a LEN was impossible or ran past the end; absent if none */
  badAt?: number;
}

/**
 * Splits a raw ASTERIX recording (data blocks back to back, no headers) by CAT/LEN. Stops at the first LEN
 * below 3 or beyond the end of the file and reports where (`badAt`); the blocks before it are returned.
 */
export function readAstFile(buf: Uint8Array): AstContents {
  const blocks: Uint8Array[] = [];
  let o = 0;
  while (o < buf.length) {
    if (buf.length - o < 3) return { blocks, badAt: o };
    const len = (buf[o + 1]! << 8) | buf[o + 2]!;
    if (len < 3 || o + len > buf.length) return { blocks, badAt: o };
    blocks.push(buf.subarray(o, o + len));
    o += len;
  }
  return { blocks };
}
