/**
 * Recordings built from a built-in scenario for the `process` and readRecording tests: the simulator's plots,
 * encoded as CAT048 the way a radar sends them (one datagram per sensor per antenna revolution, sent at the end
 * of the revolution, so a datagram carries plots up to one revolution old and the sensors' datagrams interleave),
 * written as a libpcap capture and as raw concatenated blocks (.ast).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EnuFrame } from '../../src/geo/wgs84.js';
import { encodeCat048 } from '../../src/io/asterix/cat048.js';
import { writePcap, type OutgoingDatagram } from '../../src/io/pcap.js';
import { loadScenario, type Scenario } from '../../src/scenario/load.js';
import type { Site } from '../../src/scenario/types.js';
import type { Plot } from '../../src/sense/plot.js';
import { runSimulation } from '../../src/sim/simulation.js';

export const SCENARIO_FILE = 'scenarios/2021-12-19-green-zone-rockets.yaml';
export const SITE_FILE = 'scenarios/sites/green-zone.yaml';
/** how long after the end of a revolution its datagram is captured, s */
export const LATENCY = 0.05;
export const PORT = 30048;

let cached: { scenario: Scenario; plots: Plot[] } | undefined;

/** The scenario's plots (copies of the Plot objects handed to the engine stage), time-ordered. */
export function simulatedPlots(): { scenario: Scenario; plots: Plot[] } {
  if (!cached) {
    const scenario = loadScenario(SCENARIO_FILE);
    const plots: Plot[] = [];
    runSimulation(scenario, {
      sink: () => {},
      onPlots: (ps) => {
        for (const p of ps) plots.push({ ...p });
        return [];
      },
    });
    cached = { scenario, plots };
  }
  return { scenario: cached.scenario, plots: cached.plots.map((p) => ({ ...p })) };
}

/** The same plots `shift` seconds later (or earlier). */
export function shifted(plots: readonly Plot[], shift: number): Plot[] {
  return plots.map((p) => ({ ...p, t: p.t + shift }));
}

/**
 * CAT048 datagrams of the plots: per sensor, one per revolution (floor(t / period)), captured LATENCY s after
 * the revolution's end; all sensors' datagrams in capture-time order.
 */
export function toDatagrams(plots: readonly Plot[], site: Site): OutgoingDatagram[] {
  const out: OutgoingDatagram[] = [];
  for (const s of site.sensors) {
    const frame = new EnuFrame({ lat: s.lat, lon: s.lon, alt: s.alt });
    const revs = new Map<number, Plot[]>();
    for (const p of plots) {
      if (p.sensorId !== s.id) continue;
      const k = Math.floor(p.t / s.period);
      let list = revs.get(k);
      if (!list) revs.set(k, (list = []));
      list.push(p);
    }
    for (const [k, list] of revs) {
      for (const payload of encodeCat048(list, frame)) out.push({ time: (k + 1) * s.period + LATENCY, payload, dstPort: PORT });
    }
  }
  return out.sort((a, b) => a.time - b.time);
}

/** Raw ASTERIX: the datagrams' blocks back to back. */
export function toAst(datagrams: readonly { payload: Uint8Array }[]): Uint8Array {
  const n = datagrams.reduce((s, d) => s + d.payload.length, 0);
  const buf = new Uint8Array(n);
  let o = 0;
  for (const d of datagrams) {
    buf.set(d.payload, o);
    o += d.payload.length;
  }
  return buf;
}

const dir = mkdtempSync(join(tmpdir(), 'tocsin-recording-'));
let nFiles = 0;

/** Writes bytes to a fresh file in a temp dir; returns its path. */
export function tempFile(bytes: Uint8Array | string, ext: string): string {
  const p = join(dir, `r${nFiles++}.${ext}`);
  writeFileSync(p, bytes);
  return p;
}

export function pcapFile(datagrams: readonly OutgoingDatagram[]): string {
  return tempFile(writePcap(datagrams), 'pcap');
}

export function astFile(datagrams: readonly { payload: Uint8Array }[]): string {
  return tempFile(toAst(datagrams), 'ast');
}

const hex = (s: string): Uint8Array => Uint8Array.from(s.replace(/\s+/g, '').match(/../g)!.map((b) => parseInt(b, 16)));

/**
 * Bad datagrams, one per reject reason the tests insert, each with the counts it must add. None carries a
 * plot of a site sensor, so the good plots are exactly the recording's.
 */
export function badDatagrams(site: Site, sample: Plot): Array<{ name: string; payload: Uint8Array; reason: string; count: number }> {
  const s = site.sensors[0]!;
  const frame = new EnuFrame({ lat: s.lat, lon: s.lon, alt: s.alt });
  const stranger = [0, 1, 2].map((i) => ({ ...sample, sac: 99, sic: 9, range: sample.range + 100 * i }));
  const [unknownSensor] = encodeCat048(stranger, frame);
  return [
    // LEN 21 but only 9 bytes: the record stops inside I048/140
    { name: 'truncated', payload: hex('300015 f1010c 1901 54'), reason: 'truncated', count: 1 },
    // LEN 2 (< 3)
    { name: 'wrong LEN', payload: hex('300002 000000'), reason: 'bad-length', count: 1 },
    // a CAT034 block (radar service messages): not read, skipped by its LEN
    { name: 'unknown category', payload: hex('3e000a 01020304050607'), reason: 'unknown-category', count: 1 }, // CAT062: no radar's
    // an FSPEC whose FX bits run past the block end
    { name: 'FSPEC overrun', payload: hex('300005 ffff'), reason: 'fspec-overrun', count: 1 },
    // three well-formed records from SAC/SIC 99/9, not in the site
    { name: 'unknown SAC/SIC', payload: unknownSensor!, reason: 'unknown-sensor', count: 3 },
  ];
}
