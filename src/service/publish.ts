/**
 * The live service's outputs, each pushed as soon as the pipeline hands over an event (never polled):
 * - WsHub: the WebSocket stream `/api/stream` — every event as one JSON text message;
 * - Cat062Out: ASTERIX CAT062 system tracks over UDP, one datagram per send (split at 1472 bytes): a batch's
 *   track updates as soon as the tracker has made them, its track ends after the batch;
 * - CapFiles: each alert message as a CAP 1.2 file `<messageId>.cap.xml`, rendered after the batch's other
 *   outputs and written off the main thread.
 * A slow or broken consumer never holds up the others: a WebSocket client that cannot keep up is dropped
 * (counted), a UDP send error is counted.
 */
import { createSocket, type Socket } from 'node:dgram';
import { mkdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { WebSocket } from 'ws';
import { capXml } from '../io/cap.js';
import { encodeCat062, type SystemTrack } from '../io/asterix/cat062.js';
import type { Site } from '../scenario/types.js';
import type { AlertEvent, TrackEvent } from '../sim/events.js';

export interface HostPort {
  host: string;
  port: number;
}

interface Corkable {
  cork(): void;
  uncork(): void;
}

/** A client further behind than this (bytes queued) is dropped rather than allowed to grow the heap. */
const MAX_BUFFERED = 8 * 1024 * 1024;

export class WsHub {
  private readonly clients = new Set<WebSocket>();
  sent = 0;
  dropped = 0;

  add(ws: WebSocket): void {
    this.clients.add(ws);
    ws.on('close', () => this.clients.delete(ws));
    ws.on('error', () => this.clients.delete(ws));
  }

  get size(): number {
    return this.clients.size;
  }

  /** One message (already JSON) to every client. */
  broadcast(json: string): void {
    for (const ws of this.clients) {
      if (ws.readyState !== 1) continue;
      if (ws.bufferedAmount > MAX_BUFFERED) {
        this.dropped++;
        this.clients.delete(ws);
        ws.terminate();
        continue;
      }
      ws.send(json);
      this.sent++;
    }
  }

  /**
   * Runs `send` — a batch's broadcasts — with every client's socket corked, so that the batch leaves in one
   * write per client (a writev of all its frames) rather than a system call per message: at 1,000 tracks a
   * batch is 100–300 messages, ≈ 15 µs of the event loop's time each when written one by one (the service's
   * CPU profile: the largest single item after idle). Only for what may wait for the end of the batch — never
   * an alert, which leaves on its own the moment it is decided. `ws` has no public cork; its socket (`_socket`,
   * the same one its own sender corks for a frame's header and payload — corks nest) is used where present.
   */
  batch(send: () => void): void {
    const corked: Corkable[] = [];
    for (const ws of this.clients) {
      const sock = (ws as unknown as { _socket?: Partial<Corkable> })._socket;
      if (ws.readyState === 1 && typeof sock?.cork === 'function' && typeof sock.uncork === 'function') {
        sock.cork();
        corked.push(sock as Corkable);
      }
    }
    try {
      send();
    } finally {
      for (const sock of corked) sock.uncork();
    }
  }

  closeAll(): void {
    for (const ws of this.clients) ws.terminate();
    this.clients.clear();
  }
}

/** CAT062 I062/040 is 16 bits: track numbers wrap, 0 skipped. */
export function cat062TrackNumber(trackId: number): number {
  return ((trackId - 1) % 65535) + 1;
}

/** A track event as a CAT062 system track. */
export function systemTrack(ev: TrackEvent, ids: { sac: number; sic: number; serviceId: number }, first: boolean): SystemTrack {
  const st: SystemTrack = {
    time: ev.t,
    trackNumber: cat062TrackNumber(ev.trackId),
    lat: ev.lat,
    lon: ev.lon,
    altM: ev.alt,
    vEast: ev.vE,
    vNorth: ev.vN,
    vUp: ev.vU,
    confirmed: true,
    sac: ids.sac,
    sic: ids.sic,
    serviceId: ids.serviceId,
  };
  if (ev.status !== 'confirmed') st.ended = true;
  if (first) st.started = true;
  return st;
}

export class Cat062Out {
  private readonly socket: Socket;
  private readonly started = new Set<number>();
  datagrams = 0;
  records = 0;
  errors = 0;
  lastError: string | undefined;

  constructor(
    readonly to: HostPort,
    private readonly ids: { sac: number; sic: number; serviceId: number },
  ) {
    this.socket = createSocket(to.host.includes(':') ? 'udp6' : 'udp4');
    this.socket.on('error', (e) => {
      this.errors++;
      this.lastError = e.message;
    });
  }

  /** The track events of one batch, as one or more datagrams. */
  send(tracks: readonly TrackEvent[]): void {
    if (!tracks.length) return;
    const sts: SystemTrack[] = [];
    for (const ev of tracks) {
      const first = !this.started.has(ev.trackId);
      if (ev.status === 'confirmed') this.started.add(ev.trackId);
      else this.started.delete(ev.trackId);
      sts.push(systemTrack(ev, this.ids, first));
    }
    let blocks: Uint8Array[];
    try {
      blocks = encodeCat062(sts);
    } catch (e) {
      this.errors++;
      this.lastError = (e as Error).message;
      return;
    }
    for (const b of blocks) {
      this.socket.send(b, this.to.port, this.to.host, (err) => {
        if (err) {
          this.errors++;
          this.lastError = err.message;
        }
      });
      this.datagrams++;
    }
    this.records += sts.length;
  }

  close(): void {
    this.socket.close();
  }
}

export class CapFiles {
  written = 0;

  constructor(
    readonly dir: string,
    private readonly site: Site,
    private readonly sender: string,
  ) {
    mkdirSync(dir, { recursive: true });
  }

  /**
   * Renders and writes one message's file; resolves once it is written. The rendering waits for the current
   * task to end (a batch's CAT062 and stream updates go first) and the write runs on libuv's thread pool: a
   * salvo's dozens of messages a batch no longer hold up the next batch (they were 8 % of its time).
   */
  async write(a: AlertEvent): Promise<void> {
    await null;
    await writeFile(join(this.dir, `${a.messageId}.cap.xml`), capXml(a, this.site, { sender: this.sender }));
    this.written++;
  }
}
