/**
 * CoT senders over real loopback sockets: UDP datagrams carry one event each; a TCP "TAK server" receives a
 * stream that splits after each `</event>` (the way TAK servers frame protocol-version-0 streams) into events
 * that each start at once with `<?xml` and parse with @tak-ps/node-cot, in the order sent; the sender
 * reconnects after the server restarts and delivers what was queued meanwhile; the bounded queue drops the
 * oldest events and counts them; send() never throws, errors are counted and reported.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import CoT from '@tak-ps/node-cot';
import { afterEach, describe, expect, it } from 'vitest';
import { cotTrack } from '../../src/io/cot.js';
import type { TrackEvent } from '../../src/sim/events.js';
import { CotTcpSender, CotUdpSender, streamEvent, type CotSender } from '../../src/service/cot-sender.js';

const T0 = Date.UTC(2021, 11, 19, 0, 30, 0) / 1000;

/** The n-th event: track n, so the order of arrival can be read back from the uids. */
function event(n: number): string {
  const ev: TrackEvent = {
    type: 'track',
    t: T0 + n,
    trackId: n,
    status: 'confirmed',
    class: 'ballistic',
    threat: 'rocket-122',
    lat: 33.3 + n * 1e-4,
    lon: 44.45 - n * 1e-3,
    alt: 1500,
    vE: -400,
    vN: -10,
    vU: 20,
    speed: Math.hypot(400, 10, 20),
    pBallistic: 1,
  };
  return cotTrack(ev, { uidPrefix: 'test' });
}
const uidOf = (xml: string): string => new CoT(xml).uid();

/** Polls until cond() holds (the test's own timeout bounds the wait; nothing is asserted about time). */
async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setTimeout(r, 5));
}

/** A TAK-like streaming receiver: splits each connection's bytes after `</event>`. */
class StreamServer {
  readonly events: string[] = [];
  readonly framing: string[] = [];
  connections = 0;
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();

  constructor() {
    this.server = net.createServer((sock) => {
      this.connections++;
      this.sockets.add(sock);
      sock.on('close', () => this.sockets.delete(sock));
      let buf = '';
      sock.setEncoding('utf8');
      sock.on('data', (chunk: string) => {
        buf += chunk;
        let i: number;
        while ((i = buf.indexOf('</event>')) >= 0) {
          const msg = buf.slice(0, i + '</event>'.length);
          buf = buf.slice(i + '</event>'.length);
          if (!msg.startsWith('<?xml')) this.framing.push(msg.slice(0, 20));
          this.events.push(msg);
        }
      });
      sock.on('error', () => {});
    });
  }

  listen(port = 0): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => resolve((this.server.address() as net.AddressInfo).port));
    });
  }

  /** Stops listening and cuts every connection (a server crash, seen from the client). */
  stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0)) await f();
});
function track<T extends CotSender | StreamServer>(x: T): T {
  cleanup.push(() => (x instanceof StreamServer ? x.stop() : x.close()));
  return x;
}

/** A loopback port with nothing listening on it. */
async function freePort(): Promise<number> {
  const s = net.createServer();
  const port = await new Promise<number>((resolve) => s.listen(0, '127.0.0.1', () => resolve((s.address() as net.AddressInfo).port)));
  await new Promise((r) => s.close(r));
  return port;
}

describe('CotUdpSender', () => {
  it('sends one event per datagram; the receiver parses each', async () => {
    const rx = dgram.createSocket('udp4');
    cleanup.push(() => new Promise((r) => rx.close(() => r(undefined))));
    const got: string[] = [];
    rx.on('message', (m) => got.push(m.toString('utf8')));
    const port = await new Promise<number>((resolve) => rx.bind(0, '127.0.0.1', () => resolve(rx.address().port)));

    const tx = track(new CotUdpSender('127.0.0.1', port));
    const sent = [1, 2, 3, 4, 5].map(event);
    for (const x of sent) tx.send(x);
    await until(() => got.length === sent.length);
    expect(new Set(got)).toEqual(new Set(sent)); // each datagram is exactly one whole event
    expect(got.map(uidOf).sort()).toEqual(['test.track.1', 'test.track.2', 'test.track.3', 'test.track.4', 'test.track.5']);
    await until(() => tx.stats.sent === 5);
    expect(tx.stats).toMatchObject({ sent: 5, errors: 0, dropped: 0 });
  });

  it('never throws: an oversize datagram is an error counted and reported; sending after close is a drop', async () => {
    const errors: Error[] = [];
    const tx = new CotUdpSender('127.0.0.1', 9, { onError: (e) => errors.push(e) });
    expect(() => tx.send('<event>' + 'x'.repeat(70_000) + '</event>')).not.toThrow();
    await until(() => tx.stats.errors === 1);
    expect(errors.length).toBe(1);
    expect(errors[0]!.message).toMatch(/EMSGSIZE|too (big|long)|size/i);
    await tx.close();
    expect(() => tx.send(event(1))).not.toThrow();
    expect(tx.stats).toMatchObject({ sent: 0, errors: 1, dropped: 1, connected: false });
  });
});

describe('CotTcpSender', () => {
  it('streams events that split after </event> into whole events, each starting with <?xml, in order', async () => {
    const server = track(new StreamServer());
    const port = await server.listen();
    const tx = track(new CotTcpSender('127.0.0.1', port, { minBackoffMs: 10 }));
    const sent = Array.from({ length: 200 }, (_, i) => event(i));
    for (const x of sent) tx.send(x);
    await until(() => server.events.length === sent.length);
    expect(server.framing).toEqual([]); // nothing between </event> and the next <?xml
    expect(server.events).toEqual(sent);
    expect(server.events.map(uidOf)).toEqual(sent.map((_, i) => `test.track.${i}`));
    expect(tx.stats).toMatchObject({ sent: 200, dropped: 0, errors: 0, connected: true, connects: 1, queued: 0 });
  });

  it('reconnects after the server restarts and delivers what was queued while it was down', async () => {
    const errors: Error[] = [];
    let server = new StreamServer();
    const port = await server.listen();
    const tx = track(new CotTcpSender('127.0.0.1', port, { minBackoffMs: 10, maxBackoffMs: 50, onError: (e) => errors.push(e) }));
    tx.send(event(1));
    tx.send(event(2));
    await until(() => server.events.length === 2);

    await server.stop();
    await until(() => !tx.stats.connected);
    for (let i = 3; i <= 6; i++) tx.send(event(i)); // queued while down
    expect(tx.stats.queued).toBe(4);

    server = track(new StreamServer());
    await server.listen(port);
    await until(() => server.events.length === 4);
    expect(server.events.map(uidOf)).toEqual(['test.track.3', 'test.track.4', 'test.track.5', 'test.track.6']);
    expect(server.framing).toEqual([]);
    tx.send(event(7));
    await until(() => server.events.length === 5);
    expect(tx.stats).toMatchObject({ sent: 7, dropped: 0, connected: true, connects: 2, queued: 0 });
    // refused reconnection attempts while the server was down are counted and reported
    expect(tx.stats.errors).toBe(errors.length);
  });

  it('the queue is bounded: the oldest events are dropped and counted, the newest delivered', async () => {
    const port = await freePort();
    const errors: Error[] = [];
    const tx = track(new CotTcpSender('127.0.0.1', port, { queueLimit: 5, minBackoffMs: 10, maxBackoffMs: 20, onError: (e) => errors.push(e) }));
    for (let i = 1; i <= 12; i++) expect(() => tx.send(event(i))).not.toThrow();
    expect(tx.stats).toMatchObject({ queued: 5, dropped: 7, sent: 0, connected: false });
    await until(() => errors.length > 0); // connection refused, reported, not thrown
    expect(errors[0]!.message).toMatch(/ECONNREFUSED/);
    expect(tx.stats.errors).toBeGreaterThanOrEqual(1);

    const server = track(new StreamServer());
    await server.listen(port);
    await until(() => server.events.length === 5);
    expect(server.events.map(uidOf)).toEqual([8, 9, 10, 11, 12].map((i) => `test.track.${i}`));
    expect(tx.stats).toMatchObject({ sent: 5, dropped: 7, queued: 0, connected: true });
  });

  it('close() flushes what is queued, resolves, and counts later sends as dropped', async () => {
    const server = track(new StreamServer());
    const port = await server.listen();
    const tx = new CotTcpSender('127.0.0.1', port, { minBackoffMs: 10 });
    await until(() => tx.stats.connected);
    for (let i = 0; i < 50; i++) tx.send(event(i));
    await tx.close();
    await until(() => server.events.length === 50);
    expect(tx.stats).toMatchObject({ sent: 50, dropped: 0, connected: false });
    tx.send(event(99));
    expect(tx.stats.dropped).toBe(1);
    // close() of a sender that never connected resolves too, dropping its queue
    const lone = new CotTcpSender('127.0.0.1', await freePort(), { minBackoffMs: 10 });
    lone.send(event(1));
    await lone.close();
    expect(lone.stats).toMatchObject({ dropped: 1, queued: 0, connected: false });
  });

  it('streamEvent adds the XML declaration when missing and strips whitespace around the event', () => {
    const x = event(1);
    expect(streamEvent(`\n${x}\n`)).toBe(x);
    const bare = x.slice(x.indexOf('<event'));
    expect(streamEvent(bare)).toBe(x);
  });
});
