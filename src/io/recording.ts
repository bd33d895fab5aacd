/**
 * A recording of radar plots → time-ordered plots, for `tocsin process`.
 *
 * Two formats, told apart by their first bytes (not by the file name): a libpcap capture of the UDP datagrams
 * (magic a1b2c3d4 / a1b23c4d, either byte order; pcapng is refused with a hint) or raw ASTERIX (data blocks back
 * to back, `.ast`). CAT048 carries only the time of day (design.md §4.3): in a capture the date comes from each
 * datagram's capture time (resolveTimeOfDay picks the instance nearest it, so a recording across UTC midnight is
 * dated right); an .ast has no capture time, so its first plot is put on `opts.date` (default: today, UTC) and
 * every later one on the instance nearest the plot decoded before it, which carries the date over midnight.
 *
 * Bad bytes never throw: every refused block or record is counted in `rejects` by reason (the decoder's rules,
 * src/io/asterix/block.ts), and the good plots around it are kept. Only a file that cannot be read, or is
 * neither a capture nor ASTERIX, is an InputError (exit 2, naming the file). In a capture each datagram stands
 * alone. In an .ast, blocks with bad content are skipped by their LEN; after a break of the LEN chain itself
 * (an impossible LEN, a block cut short) the decoder resumes where a clean run of blocks reaches the end of the
 * file, so with two such breaks (a bad LEN and a cut-off last block, say) the blocks between them are lost.
 *
 * The file is read whole and every plot is kept in memory (about 100 bytes a plot besides the file's bytes):
 * fine for recordings up to a few hundred MB; a streaming reader would need the sort below bounded to a window.
 */
import { readFileSync } from 'node:fs';
import { InputError } from '../core/errors.js';
import type { Site } from '../scenario/types.js';
import type { Plot } from '../sense/plot.js';
import type { ServiceMessage } from './asterix/cat034.js';
import { CAT048, sensorTable, type Cat048Context, type SensorRef } from './asterix/cat048.js';
import { decodeRadarDatagram } from './asterix/radar.js';
import { createRejectCounter, type RejectCounter } from './asterix/rejects.js';
import { DAY } from './asterix/time.js';
import { readAstFile, readPcap } from './pcap.js';

export type RecordingKind = 'pcap' | 'ast';

export interface RecordingOptions {
  /** .ast only: the UTC date (YYYY-MM-DD) of the recording's first plot; default today (UTC) */
  date?: string;
  /** called now and then during decoding with the fraction of the recording done */
  onProgress?: (fraction: number) => void;
}

export interface Recording {
  kind: RecordingKind;
  /** the accepted plots in measurement-time order (stable: equal times keep the recording's order) */
  plots: Plot[];
  /** UDP datagrams of a capture, or data blocks of an .ast (by the LEN chain, up to a LEN that breaks it) */
  datagrams: number;
  /** what the decoder refused, by reason, with the last message of each */
  rejects: RejectCounter;
  /** CAT034 service messages read (north markers, sector crossings: valid, and not needed offline) */
  serviceMessages: number;
  /** pcap only: packets that were not UDP over IP, were IP fragments, or were cut short (0 for .ast) */
  skipped: number;
  /** .ast only: the date the plots were put on (YYYY-MM-DD), given or assumed */
  date?: string;
  /** time of the first and last plot, UTC s (undefined when no plot was accepted) */
  firstTime: number | undefined;
  lastTime: number | undefined;
}

const PCAP_MAGICS = [0xa1b2c3d4, 0xa1b23c4d];
const PCAPNG_MAGIC = 0x0a0d0d0a;

/** True when the bytes start like a libpcap or pcapng file (pcapng is then refused by readPcap, with a hint). */
export function looksLikePcap(buf: Uint8Array): boolean {
  if (buf.length < 4) return false;
  const v = new DataView(buf.buffer, buf.byteOffset, 4);
  const le = v.getUint32(0, true);
  const be = v.getUint32(0, false);
  return PCAP_MAGICS.includes(le) || PCAP_MAGICS.includes(be) || le === PCAPNG_MAGIC;
}

/** Parses `YYYY-MM-DD` (a real calendar date) to UTC midnight, s. Throws InputError on anything else. */
export function parseUtcDate(s: string, field = '--date'): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  const ms = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN;
  if (!m || Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== s) {
    throw new InputError(`must be a UTC date YYYY-MM-DD, got "${s}"`, undefined, undefined, field);
  }
  return ms / 1000;
}

/** Today's UTC date, YYYY-MM-DD. */
export function todayUtc(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}

/**
 * Reads a recording (pcap or .ast) into time-ordered plots of the site's sensors. Throws InputError naming
 * the file when it cannot be read or is neither a libpcap capture nor raw ASTERIX with a CAT048 block.
 */
export function readRecording(file: string, site: Site, opts: RecordingOptions = {}): Recording {
  let buf: Uint8Array;
  try {
    buf = readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a directory, not a recording' : `cannot read file (${(e as Error).message})`;
    throw new InputError(why, file);
  }
  if (buf.length === 0) throw new InputError('empty file: not a recording', file);
  let sensors: Map<number, SensorRef>;
  try {
    sensors = sensorTable(site.sensors);
  } catch (e) {
    throw new InputError((e as Error).message, site.file, undefined, 'sensors');
  }
  const rec = looksLikePcap(buf) ? decodePcap(buf, file, sensors, opts) : decodeAst(buf, file, sensors, opts);
  sortByTime(rec.plots);
  rec.firstTime = rec.plots[0]?.t;
  rec.lastTime = rec.plots[rec.plots.length - 1]?.t;
  opts.onProgress?.(1);
  return rec;
}

const messages: ServiceMessage[] = [];

/** A radar's CAT048 plots to `plots`; its CAT034 messages are counted (returned) and dropped. */
function decodeMessagesToo(buf: Uint8Array, ctx: Cat048Context, plots: Plot[], rejects: RejectCounter): number {
  messages.length = 0;
  decodeRadarDatagram(buf, ctx, plots, messages, rejects);
  return messages.length;
}

function decodePcap(buf: Uint8Array, file: string, sensors: ReadonlyMap<number, SensorRef>, opts: RecordingOptions): Recording {
  const cap = readPcap(buf, file);
  const plots: Plot[] = [];
  const rejects = createRejectCounter();
  let serviceMessages = 0;
  const ctx: Cat048Context = { sensors, referenceTime: 0 };
  const n = cap.datagrams.length;
  const every = Math.max(1, Math.floor(n / 200));
  for (let i = 0; i < n; i++) {
    const d = cap.datagrams[i]!;
    ctx.referenceTime = d.time;
    serviceMessages += decodeMessagesToo(d.payload, ctx, plots, rejects);
    if (opts.onProgress && i % every === 0) opts.onProgress(i / n);
  }
  return { kind: 'pcap', plots, datagrams: n, rejects, serviceMessages, skipped: cap.skipped, firstTime: undefined, lastTime: undefined };
}

function decodeAst(buf: Uint8Array, file: string, sensors: ReadonlyMap<number, SensorRef>, opts: RecordingOptions): Recording {
  const { blocks, badAt } = readAstFile(buf);
  // ASTERIX or not: some CAT048 block in the LEN chain, or a CAT048 header at the start whose block runs off
  // the end (a recording cut short). Anything else (text, a pcapng renamed, an image) is not a recording.
  const hasCat048 = blocks.some((b) => b[0] === CAT048) || (badAt === 0 && buf[0] === CAT048 && buf.length >= 3 && ((buf[1]! << 8) | buf[2]!) >= 3);
  if (!hasCat048) {
    const head = Array.from(buf.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join(' ');
    const what =
      blocks.length > 0
        ? `raw ASTERIX without any CAT048 data block (categories ${[...new Set(blocks.map((b) => b[0]))].sort((a, b) => a! - b!).join(', ')})`
        : `neither a libpcap capture nor raw ASTERIX data blocks (starts ${head})`;
    throw new InputError(what, file);
  }
  const date = opts.date ?? todayUtc();
  const midnight = parseUtcDate(date);
  const plots: Plot[] = [];
  const rejects = createRejectCounter();
  let serviceMessages = 0;
  // The date of each plot: the first on `date` (reference at noon: every time of day resolves into that day),
  // each later one nearest the plot decoded before it. The decoder reads referenceTime per record
  // (were it read once per call, the ~1 MB slices below would still carry the date over midnight).
  const noon = midnight + DAY / 2;
  const ctx: Cat048Context = {
    sensors,
    get referenceTime(): number {
      const last = plots[plots.length - 1];
      return last ? last.t : noon;
    },
  };
  // The whole file is one run of data blocks, decoded by the same rules as a datagram (block.ts), including
  // the resynchronisation after a bad LEN. When the LEN chain covers the file exactly (the normal case), slices
  // of whole blocks decode exactly as the file would, so it is decoded in ~1 MB slices for progress; when the
  // chain breaks, the file is decoded in one piece so the decoder can resynchronise across the break.
  if (badAt === undefined) {
    const slice = 1 << 20;
    let from = 0;
    let i = 0;
    while (i < blocks.length) {
      let to = from;
      while (i < blocks.length && to - from < slice) to += blocks[i++]!.length;
      serviceMessages += decodeMessagesToo(buf.subarray(from, to), ctx, plots, rejects);
      from = to;
      opts.onProgress?.(from / buf.length);
    }
  } else {
    serviceMessages += decodeMessagesToo(buf, ctx, plots, rejects);
  }
  return { kind: 'ast', plots, datagrams: blocks.length, rejects, serviceMessages, skipped: 0, date, firstTime: undefined, lastTime: undefined };
}

/** Stable sort by measurement time; a recording is mostly in order already, so check first. */
function sortByTime(plots: Plot[]): void {
  for (let i = 1; i < plots.length; i++) {
    if (plots[i]!.t < plots[i - 1]!.t) {
      plots.sort((a, b) => a.t - b.t); // Array.prototype.sort is stable (ES2019)
      return;
    }
  }
}
