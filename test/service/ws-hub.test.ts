/**
 * WsHub.batch: a batch's broadcasts leave in one write per client — counted on the server side of a real
 * WebSocket over loopback — and the client still gets every message, whole and in order.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { WsHub } from '../../src/service/publish.js';

interface Conn {
  server: Server;
  wss: WebSocketServer;
  client: WebSocket;
  received: string[];
  /** the server-side socket's write calls (each one system call, or one writev) */
  writes: () => number;
}

async function connect(hub: WsHub): Promise<Conn> {
  const server = createServer();
  const wss = new WebSocketServer({ server });
  let writes = 0;
  const accepted = new Promise<void>((res) => {
    wss.on('connection', (ws) => {
      const sock = (ws as unknown as { _socket: { _write: (...a: unknown[]) => void; _writev: (...a: unknown[]) => void } })._socket;
      const w = sock._write.bind(sock);
      const wv = sock._writev.bind(sock);
      sock._write = (...a: unknown[]) => {
        writes++;
        w(...a);
      };
      sock._writev = (...a: unknown[]) => {
        writes++;
        wv(...a);
      };
      hub.add(ws);
      res();
    });
  });
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', () => res()));
  const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
  const received: string[] = [];
  client.on('message', (d: Buffer) => received.push(d.toString()));
  await new Promise<void>((res, rej) => {
    client.once('open', () => res());
    client.once('error', rej);
  });
  await accepted;
  return { server, wss, client, received, writes: () => writes };
}

async function until(cond: () => boolean): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > 5000) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('WsHub.batch', () => {
  let hub: WsHub;
  let c: Conn;
  beforeEach(async () => {
    hub = new WsHub();
    c = await connect(hub);
  });
  afterEach(async () => {
    c.client.terminate();
    hub.closeAll();
    c.wss.close();
    await new Promise((r) => c.server.close(r));
  });

  const messages = Array.from({ length: 200 }, (_, i) => JSON.stringify({ type: 'track', trackId: i, pad: 'x'.repeat(i % 37) }));

  it('sends a batch of 200 messages in one write, every message arriving whole and in order', async () => {
    const before = c.writes();
    hub.batch(() => {
      for (const m of messages) hub.broadcast(m);
    });
    expect(c.writes() - before).toBe(1);
    await until(() => c.received.length === messages.length);
    expect(c.received).toEqual(messages);
    expect(hub.sent).toBe(200);
  });

  it('without it, writes one by one (what the batch saves)', async () => {
    const before = c.writes();
    for (const m of messages) hub.broadcast(m);
    expect(c.writes() - before).toBeGreaterThan(100);
    await until(() => c.received.length === messages.length);
    expect(c.received).toEqual(messages);
  });

  it('a message sent after the batch leaves on its own, behind the batch', async () => {
    hub.batch(() => {
      for (const m of messages.slice(0, 10)) hub.broadcast(m);
    });
    const before = c.writes();
    hub.broadcast('{"type":"alert"}');
    expect(c.writes() - before).toBe(1);
    await until(() => c.received.length === 11);
    expect(c.received.at(-1)).toBe('{"type":"alert"}');
  });

  it('copes with a client gone in the middle of a batch', async () => {
    hub.batch(() => {
      hub.broadcast(messages[0]!);
      hub.closeAll();
      hub.broadcast(messages[1]!);
    });
    expect(hub.size).toBe(0);
  });
});
