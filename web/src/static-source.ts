/**
 * Static mode: a `tocsin simulate --out` folder (events.jsonl, site.json, report.md), read from a URL
 * (`?run=<folder url>`, any static server) or picked / dropped as a folder, played back with a timeline:
 * play/pause, speed 1×/4×/16×, scrub. Scrubbing back rebuilds the state from the start (cheap: the events
 * are parsed once; truth events are left out — the display shows what the system knew).
 */
import type { DataClock } from './clock.js';
import { incidentSection } from './markdown.js';
import type { Playback, TimelineMark } from './playback.js';
import type { Store } from './store.js';
import type { DisplayEvent, SiteJson } from './types.js';

export interface RunFolder {
  site: SiteJson;
  events: DisplayEvent[];
  report?: string;
  /** where it came from (URL or folder name) */
  name: string;
}

const SHOWN = new Set(['track', 'prediction', 'alert', 'engagement', 'incident']);

/** events.jsonl → the events the display applies, in time order (plots reduced to their sensor and time). */
export function parseEvents(text: string): DisplayEvent[] {
  const out: DisplayEvent[] = [];
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end);
    start = end + 1;
    // the writer puts "type" first: skip truth lines without parsing them
    if (line.length < 2 || line.startsWith('{"type":"truth"')) continue;
    const ev = JSON.parse(line) as { type: string; t: number; sensor?: string };
    if (ev.type === 'plot') out.push({ type: 'plot', t: ev.t, sensor: String(ev.sensor) });
    else if (SHOWN.has(ev.type)) out.push(ev as DisplayEvent);
  }
  // events.jsonl is in time order; keep the display robust to a file that is not
  for (let i = 1; i < out.length; i++) {
    if (out[i]!.t < out[i - 1]!.t) {
      out.sort((a, b) => a.t - b.t);
      break;
    }
  }
  return out;
}

async function fetchText(url: URL, optional = false): Promise<string | undefined> {
  const r = await fetch(url);
  if (!r.ok) {
    await r.text();
    if (optional && r.status === 404) return undefined;
    throw new Error(`${url.pathname}: HTTP ${r.status}`);
  }
  return r.text();
}

/** Reads a folder served over HTTP: `base` is the folder's URL (relative to the page). */
export async function loadRunFromUrl(base: string): Promise<RunFolder> {
  const dir = new URL(base.endsWith('/') ? base : base + '/', document.baseURI);
  const [site, events, report] = await Promise.all([
    fetchText(new URL('site.json', dir)),
    fetchText(new URL('events.jsonl', dir)),
    fetchText(new URL('report.md', dir), true),
  ]);
  const run: RunFolder = { site: JSON.parse(site!) as SiteJson, events: parseEvents(events!), name: base };
  if (report !== undefined) run.report = report;
  return run;
}

/** Reads a picked (input webkitdirectory) or dropped folder's files. */
export async function loadRunFromFiles(files: readonly File[]): Promise<RunFolder> {
  const byName = (n: string) => files.find((f) => f.name === n && !(f.webkitRelativePath ?? '').includes('/alerts/'));
  const ev = byName('events.jsonl');
  const site = byName('site.json');
  if (!ev || !site) {
    const missing = [!ev ? 'events.jsonl' : '', !site ? 'site.json' : ''].filter(Boolean).join(' and ');
    throw new Error(`the folder has no ${missing}: pick the folder written by "tocsin simulate … --out DIR"`);
  }
  const rep = byName('report.md');
  const run: RunFolder = {
    site: JSON.parse(await site.text()) as SiteJson,
    events: parseEvents(await ev.text()),
    name: (ev.webkitRelativePath || ev.name).split('/')[0] ?? 'folder',
  };
  if (rep) run.report = await rep.text();
  return run;
}

/** The files of a dropped folder (DataTransfer items as file-system entries). */
export async function filesFromDrop(dt: DataTransfer): Promise<File[]> {
  const entries = [...dt.items].map((i) => i.webkitGetAsEntry?.()).filter((e): e is FileSystemEntry => !!e);
  const files: File[] = [];
  const walk = async (e: FileSystemEntry, depth: number): Promise<void> => {
    if (e.isFile) {
      files.push(await new Promise<File>((res, rej) => (e as FileSystemFileEntry).file(res, rej)));
    } else if (e.isDirectory && depth < 2) {
      const reader = (e as FileSystemDirectoryEntry).createReader();
      for (;;) {
        const batch = await new Promise<FileSystemEntry[]>((res, rej) => reader.readEntries(res, rej));
        if (batch.length === 0) break;
        for (const c of batch) await walk(c, depth + 1);
      }
    }
  };
  for (const e of entries) await walk(e, 0);
  if (files.length === 0) files.push(...dt.files);
  return files;
}

export class StaticPlayer implements Playback {
  readonly kind = 'static';
  readonly seekable = true;
  readonly speeds = [1, 4, 16] as const;
  readonly start: number;
  readonly end: number;
  private next = 0;
  private readonly timelineMarks: TimelineMark[] = [];

  constructor(
    private readonly run: RunFolder,
    private readonly store: Store,
    private readonly clock: DataClock,
  ) {
    const evs = run.events;
    const firstShown = evs.find((e) => e.type !== 'plot');
    this.start = Math.floor(((evs[0]?.t ?? 0) - 1) * 10) / 10;
    this.end = Math.ceil(((evs[evs.length - 1]?.t ?? this.start) + 1) * 10) / 10;
    clock.set({ t: firstShown ? Math.max(this.start, firstShown.t - 5) : this.start, speed: 1, paused: true, mode: 'static' });
    for (const e of evs) {
      if (e.type === 'alert') this.timelineMarks.push({ t: e.t, kind: e.stage });
      else if (e.type === 'track' && (e.status === 'impact' || e.status === 'intercepted')) this.timelineMarks.push({ t: e.t, kind: e.status === 'impact' ? 'impact' : 'intercept' });
      else if (e.type === 'incident') this.timelineMarks.push({ t: e.t, kind: 'incident' });
    }
    this.seek(this.clock.now());
  }

  controllable(): boolean {
    return true;
  }

  setPaused(paused: boolean): void {
    let t = this.clock.now();
    if (!paused && t >= this.end) {
      // play again from the start
      this.seek(this.start);
      t = this.start;
    }
    this.clock.set({ t, paused });
  }

  setSpeed(speed: number): void {
    this.clock.set({ t: this.clock.now(), speed });
  }

  seek(t: number): void {
    t = Math.min(this.end, Math.max(this.start, t));
    const evs = this.run.events;
    if (this.next > 0 && evs[this.next - 1]!.t > t) {
      this.store.clear();
      this.next = 0;
    }
    while (this.next < evs.length && evs[this.next]!.t <= t) this.store.push(evs[this.next++]!);
    this.clock.set({ t });
    this.store.flush();
    this.store.expire(t);
  }

  tick(): void {
    let now = this.clock.now();
    if (now >= this.end && !this.clock.paused) {
      now = this.end;
      this.clock.set({ t: now, paused: true });
    }
    const evs = this.run.events;
    while (this.next < evs.length && evs[this.next]!.t <= now) this.store.push(evs[this.next++]!);
  }

  range(): { start: number; end: number } {
    return { start: this.start, end: this.end };
  }

  marks(): readonly TimelineMark[] {
    return this.timelineMarks;
  }

  report(incidentId: string): Promise<string> {
    const md = this.run.report;
    if (md === undefined) return Promise.reject(new Error('the folder has no report.md'));
    const s = incidentSection(md, incidentId);
    return s !== undefined ? Promise.resolve(s) : Promise.reject(new Error(`report.md has no section for ${incidentId}`));
  }
}
