/**
 * Live mode: the service that served the page (`tocsin serve`). GET api/site and api/state, then the
 * WebSocket api/stream (one JSON event per message, plus `sensor` and `clock` messages). When the stream
 * drops it reconnects with back-off (0.5 s doubling to 10 s) and re-reads api/state, since events sent in
 * between are lost. In replay mode (clock mode 'replay') pause and speed go to POST api/replay, with the
 * token the page was opened with (#token=…, kept in sessionStorage, never in a URL's query).
 *
 * URLs are relative to the page, so the display works behind a reverse proxy under any path.
 */
import type { DataClock } from './clock.js';
import type { Playback, TimelineMark } from './playback.js';
import type { Store } from './store.js';
import type { ClockMessage, ClockState, DisplayEvent, SensorMessage, SiteJson, StateJson } from './types.js';

export type ConnectionStatus = 'connecting' | 'live' | 'reconnecting' | 'offline';

const TOKEN_KEY = 'tocsin.token';

/** Moves a `#token=…` of the page's URL into sessionStorage and out of the address bar and history. */
export function takeTokenFromUrl(): void {
  const m = /(?:^#|&)token=([^&]*)/.exec(location.hash);
  if (!m) return;
  try {
    sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(m[1]!));
  } catch {
    // no storage: the token is lost, control requests will be refused
  }
  const rest = location.hash.replace(/(^#|&)token=[^&]*/, '$1').replace(/^#&/, '#');
  history.replaceState(null, '', location.pathname + location.search + (rest === '#' ? '' : rest));
}

function token(): string | null {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

function api(path: string): URL {
  return new URL(`api/${path}`, document.baseURI);
}

export async function fetchJson<T>(path: string, init?: RequestInit): Promise<T> {
  const r = await fetch(api(path), init);
  if (!r.ok) throw new Error(`api/${path}: HTTP ${r.status}`);
  return (await r.json()) as T;
}

/** The service's site, or undefined when no service answers (the page was opened from a static server). */
export async function probeService(): Promise<SiteJson | undefined> {
  try {
    const r = await fetch(api('site'), { headers: { accept: 'application/json' } });
    if (!r.ok || !(r.headers.get('content-type') ?? '').includes('json')) {
      await r.text(); // read to the end: an unread body shows as an aborted request
      return undefined;
    }
    return (await r.json()) as SiteJson;
  } catch {
    return undefined;
  }
}

const REPLAY_SPEEDS = [1, 2, 4, 8, 16] as const;

export class LiveSource implements Playback {
  readonly kind = 'live';
  readonly seekable = false;
  readonly speeds = REPLAY_SPEEDS;
  private ws: WebSocket | undefined;
  private backoff = 500;
  private buffer: unknown[] | undefined;
  private firstT = NaN;
  private readonly timelineMarks: TimelineMark[] = [];
  private clockSeen = false;
  status: ConnectionStatus = 'connecting';
  /** the last control error ("token required", …), shown next to the controls */
  controlError = '';
  private stopped = false;
  /** connection number: a snapshot that arrives for an older connection is dropped */
  private generation = 0;

  constructor(
    private readonly store: Store,
    private readonly clock: DataClock,
    private readonly onStatus: (s: ConnectionStatus) => void,
  ) {}

  start(): void {
    this.connect();
  }

  /** Closes the stream as a network failure would (tests of the reconnection). */
  drop(): void {
    this.ws?.close();
  }

  stop(): void {
    this.stopped = true;
    this.ws?.close();
  }

  private setStatus(s: ConnectionStatus): void {
    this.status = s;
    this.onStatus(s);
  }

  private connect(): void {
    if (this.stopped) return;
    const url = api('stream');
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(url);
    const gen = ++this.generation;
    this.ws = ws;
    this.buffer = [];
    ws.onopen = () => {
      this.backoff = 500;
      void this.resync(gen);
    };
    ws.onmessage = (m) => {
      let msg: unknown;
      try {
        msg = JSON.parse(String(m.data));
      } catch {
        return;
      }
      if (this.buffer) this.buffer.push(msg);
      else this.handle(msg);
    };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = undefined;
      if (this.stopped) return;
      this.setStatus('reconnecting');
      setTimeout(() => this.connect(), this.backoff);
      this.backoff = Math.min(10_000, this.backoff * 2);
    };
  }

  /**
   * After (re)connecting: the snapshot (GET api/state; a `hello` carrying the state may come first on the
   * stream and serves the same), then what arrived on the stream meanwhile, in order.
   */
  private async resync(gen: number): Promise<void> {
    try {
      const st = await fetchJson<StateJson>('state');
      if (gen !== this.generation || !this.buffer) return; // the connection dropped meanwhile
      this.applyState(st);
      const buffered = this.buffer;
      this.buffer = undefined;
      for (const m of buffered) this.handle(m);
      this.setStatus('live');
    } catch {
      // the stream is open but the snapshot failed: drop the connection and try again
      if (gen === this.generation) this.ws?.close();
    }
  }

  private handle(msg: unknown): void {
    const m = msg as { type?: string; t?: number };
    if (typeof m.type !== 'string') return;
    switch (m.type) {
      case 'hello': {
        // the service greets a new connection with its state (the /api/state document)
        const st = msg as StateJson & { type: 'hello' };
        if (st.clock && Array.isArray(st.tracks)) this.applyState(st);
        return;
      }
      case 'clock': {
        const c = msg as ClockMessage;
        this.clock.set({ t: c.t, speed: c.speed, paused: c.paused, mode: c.mode });
        this.clockSeen = true;
        return;
      }
      case 'sensor':
        this.store.setSensors((msg as SensorMessage).sensors);
        return;
      case 'track':
      case 'prediction':
      case 'alert':
      case 'engagement':
      case 'incident':
        break;
      default:
        return; // acknowledgements and anything newer than this page
    }
    if (typeof m.t !== 'number') return;
    const ev = msg as DisplayEvent;
    if (!this.clockSeen) this.clock.observe(ev.t);
    if (!Number.isFinite(this.firstT)) this.firstT = ev.t;
    if (ev.type === 'alert') this.timelineMarks.push({ t: ev.t, kind: ev.stage });
    else if (ev.type === 'track' && (ev.status === 'impact' || ev.status === 'intercepted')) this.timelineMarks.push({ t: ev.t, kind: ev.status === 'impact' ? 'impact' : 'intercept' });
    else if (ev.type === 'incident') this.timelineMarks.push({ t: ev.t, kind: 'incident' });
    if (this.timelineMarks.length > 2000) this.timelineMarks.splice(0, 1000);
    this.store.push(ev);
  }

  private applyState(st: StateJson): void {
    this.store.resetFromState(st);
    this.clock.set(st.clock);
    this.clockSeen = true;
    if (!Number.isFinite(this.firstT)) this.firstT = st.clock.t;
    this.timelineMarks.length = 0;
    for (const e of this.store.log) this.markFrom(e.kind, e.level, e.t);
  }

  private markFrom(kind: string, level: string, t: number): void {
    if (kind === 'alert') this.timelineMarks.push({ t, kind: level === 'alarm' ? 'siren' : level === 'ok' ? 'clear' : 'early' });
    else if (kind === 'impact' || kind === 'intercept' || kind === 'incident') this.timelineMarks.push({ t, kind });
  }

  controllable(): boolean {
    return this.clock.mode === 'replay' && this.status === 'live';
  }

  private async control(body: { speed?: number; paused?: boolean }): Promise<void> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    const tok = token();
    if (tok) headers.authorization = `Bearer ${tok}`;
    try {
      const r = await fetch(api('replay'), { method: 'POST', headers, body: JSON.stringify(body) });
      if (r.status === 401 || r.status === 403) {
        this.controlError = 'not allowed: open the display with #token=… to control the replay';
        return;
      }
      if (!r.ok) {
        this.controlError = `the service refused (HTTP ${r.status})`;
        return;
      }
      this.controlError = '';
      const c = (await r.json()) as ClockState;
      this.clock.set(c);
    } catch (e) {
      this.controlError = `no answer from the service: ${(e as Error).message}`;
    }
  }

  setPaused(paused: boolean): Promise<void> {
    return this.control({ paused });
  }

  setSpeed(speed: number): Promise<void> {
    return this.control({ speed });
  }

  seek(): void {
    // the service's replay cannot be moved in time
  }

  range(): { start: number; end: number } | undefined {
    const now = this.clock.now();
    if (!Number.isFinite(this.firstT) || !Number.isFinite(now)) return undefined;
    return { start: this.firstT, end: Math.max(now, this.firstT + 1) };
  }

  marks(): readonly TimelineMark[] {
    return this.timelineMarks;
  }

  async report(incidentId: string): Promise<string> {
    const r = await fetch(api(`incidents/${encodeURIComponent(incidentId)}.md`));
    if (!r.ok) throw new Error(`HTTP ${r.status}`);
    return r.text();
  }

  tick(): void {
    // events arrive by themselves
  }
}
