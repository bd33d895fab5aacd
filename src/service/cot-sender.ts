/**
 * Senders of Cursor-on-Target XML events (src/io/cot.ts) to TAK: the two transports of CoT's "protocol
 * version 0" (XML), as TAK's protocol notes describe them (node-cot's lib/proto/protocol.txt):
 *
 * - CotUdpSender: one event per UDP datagram (the mesh / ATAK "UDP input" way; unicast or multicast).
 * - CotTcpSender: a streaming TCP connection to a TAK Server input (or any CoT router): the events one
 *   after another, each an XML document `<?xml …?>\n<event …>…</event>`, and nothing between `</event>` and
 *   the next `<?xml` — receivers split the stream after each `</event>`. Reconnects with exponential back-off;
 *   while disconnected, events wait in a bounded queue (the oldest dropped and counted: the newest state of a
 *   track matters most). What the server sends back (other clients' events, pings) is read and discarded.
 *
 * Neither ever throws out of send(): failures are counted and reported through `onError`. TCP cannot confirm
 * delivery (CoT v0 has no acknowledgements): `sent` counts events handed to the operating system; events whose
 * write failed when a connection broke are queued again and resent after the reconnection (a duplicate of the
 * same uid is harmless in CoT: the newer replaces the older).
 */
import dgram from 'node:dgram';
import net from 'node:net';

export interface CotSenderStats {
  /** events handed to the operating system */
  sent: number;
  /** events given up: queue overflow, sent after close, or left queued at close */
  dropped: number;
  /** failures (connection refused or lost, write errors, oversize datagrams), each also reported to onError */
  errors: number;
  /** TCP: a connection is up; UDP: the socket is open */
  connected: boolean;
  /** events waiting (TCP) */
  queued: number;
  /** successful connections so far (TCP; UDP: 1 while open) */
  connects: number;
}

export interface CotSender {
  /** Queue or send one CoT XML event. Never throws. */
  send(xml: string): void;
  /** Stop: resolves when the socket is closed (TCP: after flushing what is queued, within closeTimeoutMs). */
  close(): Promise<void>;
  readonly stats: CotSenderStats;
}

export interface CotSenderOptions {
  /** called with every failure; exceptions it throws are swallowed */
  onError?: (err: Error) => void;
}

const XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>';

function report(onError: CotSenderOptions['onError'], err: unknown): void {
  if (!onError) return;
  try {
    onError(err instanceof Error ? err : new Error(String(err)));
  } catch {
    // the callback's own failure must not escape send()
  }
}

/** One event per UDP datagram. */
export class CotUdpSender implements CotSender {
  private readonly socket: dgram.Socket;
  private readonly counts = { sent: 0, dropped: 0, errors: 0 };
  private pending = 0;
  private closing: Promise<void> | undefined;
  private closed = false;
  private finishClose: (() => void) | undefined;

  constructor(
    readonly host: string,
    readonly port: number,
    private readonly opts: CotSenderOptions = {},
  ) {
    if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new RangeError(`CoT UDP port out of range: ${port}`);
    this.socket = dgram.createSocket(net.isIPv6(host) ? 'udp6' : 'udp4');
    this.socket.on('error', (err) => this.fail(err));
    this.socket.unref();
  }

  get stats(): CotSenderStats {
    return { ...this.counts, connected: !this.closed && this.closing === undefined, queued: 0, connects: this.closed ? 0 : 1 };
  }

  send(xml: string): void {
    if (this.closing) {
      this.counts.dropped++;
      return;
    }
    this.pending++;
    try {
      this.socket.send(Buffer.from(xml, 'utf8'), this.port, this.host, (err) => {
        this.pending--;
        if (err) this.fail(err);
        else this.counts.sent++;
        if (this.pending === 0 && this.finishClose) this.finishClose();
      });
    } catch (err) {
      this.pending--;
      this.fail(err);
    }
  }

  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      const done = (): void => {
        this.finishClose = undefined;
        try {
          this.socket.close(() => {
            this.closed = true;
            resolve();
          });
        } catch {
          this.closed = true;
          resolve();
        }
      };
      if (this.pending === 0) done();
      else this.finishClose = done;
    });
    return this.closing;
  }

  private fail(err: unknown): void {
    this.counts.errors++;
    report(this.opts.onError, err);
  }
}

export interface CotTcpSenderOptions extends CotSenderOptions {
  /** events kept while disconnected; the oldest are dropped beyond it. Default 1000 */
  queueLimit?: number;
  /** first reconnection delay, ms; doubles on each failure up to maxBackoffMs. Default 500 */
  minBackoffMs?: number;
  /** Default 30 000 */
  maxBackoffMs?: number;
  /** a connection attempt that has not succeeded after this is abandoned, ms. Default 10 000 */
  connectTimeoutMs?: number;
  /** close() waits this long for the queue to drain before cutting the connection, ms. Default 2000 */
  closeTimeoutMs?: number;
  /** called on each successful connection */
  onConnect?: () => void;
  /** called when a connection is lost */
  onDisconnect?: () => void;
}

/** A streaming TCP client to a TAK Server input, reconnecting with back-off. */
export class CotTcpSender implements CotSender {
  private readonly queue: string[] = [];
  /** events whose write failed on a broken connection, resent first on the next one */
  private retry: string[] = [];
  private socket: net.Socket | undefined;
  private up = false;
  private blocked = false;
  private inflight = 0;
  private attempts = 0;
  private timer: NodeJS.Timeout | undefined;
  private closing: Promise<void> | undefined;
  private onIdle: (() => void) | undefined;
  private readonly counts = { sent: 0, dropped: 0, errors: 0, connects: 0 };
  private readonly limit: number;
  private readonly minBackoff: number;
  private readonly maxBackoff: number;

  constructor(
    readonly host: string,
    readonly port: number,
    private readonly opts: CotTcpSenderOptions = {},
  ) {
    if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new RangeError(`CoT TCP port out of range: ${port}`);
    this.limit = opts.queueLimit ?? 1000;
    this.minBackoff = opts.minBackoffMs ?? 500;
    this.maxBackoff = Math.max(this.minBackoff, opts.maxBackoffMs ?? 30_000);
    if (!(this.limit >= 1)) throw new RangeError(`CoT queueLimit must be ≥ 1: ${this.limit}`);
    this.connect();
  }

  get stats(): CotSenderStats {
    return { ...this.counts, connected: this.up, queued: this.queue.length + this.retry.length };
  }

  send(xml: string): void {
    if (this.closing) {
      this.counts.dropped++;
      return;
    }
    this.enqueue(streamEvent(xml));
    this.flush();
  }

  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      const sock = this.socket;
      const finish = (): void => {
        this.counts.dropped += this.queue.length + this.retry.length;
        this.queue.length = 0;
        this.retry = [];
        resolve();
      };
      if (!sock || !this.up) {
        sock?.destroy();
        finish();
        return;
      }
      const cut = setTimeout(() => sock.destroy(), this.opts.closeTimeoutMs ?? 2000);
      sock.once('close', () => {
        clearTimeout(cut);
        finish();
      });
      const end = (): void => {
        this.onIdle = undefined;
        sock.end();
      };
      if (this.queue.length === 0 && this.inflight === 0) end();
      else this.onIdle = end;
    });
    return this.closing;
  }

  private enqueue(msg: string): void {
    this.queue.push(msg);
    this.trim();
  }

  /** Oldest first out: keep at most `limit` waiting events. */
  private trim(): void {
    const over = this.queue.length + this.retry.length - this.limit;
    if (over <= 0) return;
    const fromRetry = Math.min(over, this.retry.length);
    this.retry.splice(0, fromRetry);
    this.queue.splice(0, over - fromRetry);
    this.counts.dropped += over;
  }

  private connect(): void {
    this.timer = undefined;
    if (this.closing) return;
    const sock = net.connect({ host: this.host, port: this.port });
    this.socket = sock;
    sock.setNoDelay(true); // a warning must not wait for Nagle
    sock.setTimeout(this.opts.connectTimeoutMs ?? 10_000, () => sock.destroy(new Error(`CoT TCP ${this.host}:${this.port}: connection timed out`)));
    sock.on('connect', () => {
      sock.setTimeout(0);
      sock.setKeepAlive(true, 10_000); // notice a silently vanished server
      this.up = true;
      this.blocked = false;
      this.attempts = 0;
      this.counts.connects++;
      // events whose write failed on the last connection go first, in their order
      if (this.retry.length > 0) {
        this.queue.unshift(...this.retry);
        this.retry = [];
      }
      safe(this.opts.onConnect);
      this.flush();
    });
    sock.on('drain', () => {
      this.blocked = false;
      this.flush();
    });
    sock.on('data', () => {}); // read and discard what the server sends
    sock.on('error', (err) => {
      this.counts.errors++;
      report(this.opts.onError, err);
    });
    sock.on('close', () => {
      const wasUp = this.up;
      this.up = false;
      this.blocked = false;
      if (this.socket === sock) this.socket = undefined;
      if (wasUp) safe(this.opts.onDisconnect);
      if (!this.closing) {
        const delay = Math.min(this.maxBackoff, this.minBackoff * 2 ** Math.min(this.attempts, 30));
        this.attempts++;
        this.timer = setTimeout(() => this.connect(), delay);
        this.timer.unref();
      }
    });
  }

  private flush(): void {
    const sock = this.socket;
    while (sock && this.up && !this.blocked && this.queue.length > 0) {
      const msg = this.queue.shift()!;
      this.inflight++;
      const ok = sock.write(msg, 'utf8', (err) => {
        this.inflight--;
        if (err) {
          if (!this.closing) {
            this.retry.push(msg);
            this.trim();
          } else this.counts.dropped++;
        } else this.counts.sent++;
        if (this.onIdle && this.queue.length === 0 && this.inflight === 0) this.onIdle();
      });
      if (!ok) this.blocked = true;
    }
    if (this.onIdle && this.queue.length === 0 && this.inflight === 0) this.onIdle();
  }
}

function safe(f: (() => void) | undefined): void {
  try {
    f?.();
  } catch {
    // a callback's failure must not break the sender
  }
}

/**
 * An event as TAK's stream wants it: starting with the XML declaration (added when missing) and ending at
 * `</event>` — no whitespace around it, since the next event must follow `</event>` immediately.
 */
export function streamEvent(xml: string): string {
  const s = xml.trim();
  return s.startsWith('<?xml') ? s : `${XML_DECL}\n${s}`;
}
