/**
 * Runs `tocsin serve` as a separate process (the compiled dist/, built by test/global-setup.ts) — the way it
 * runs for real, and the only way to SIGKILL it — and reads its addresses from the lines it prints.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { resolve } from 'node:path';
import WebSocket from 'ws';

export const CLI = resolve('dist/src/cli/index.js');
export const TOKEN = 'test-token-0123456789abcdef';

export interface Served {
  proc: ChildProcess;
  http: string;
  asterixPort: number;
  out: string[];
  err: string[];
  exited: Promise<number | null>;
}

/** Starts `tocsin serve …args` (HTTP and CAT048 on free loopback ports unless args say otherwise). */
export async function startServe(args: string[], env: Record<string, string> = {}): Promise<Served> {
  const proc = spawn(process.execPath, [CLI, 'serve', '--http', '127.0.0.1:0', '--asterix-in', '127.0.0.1:0', '--log-level', 'warn', ...args], {
    env: { ...process.env, TOCSIN_TOKEN: TOKEN, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out: string[] = [];
  const err: string[] = [];
  const exited = new Promise<number | null>((res) => proc.on('exit', (code) => res(code)));
  proc.stderr!.on('data', (d: Buffer) => err.push(d.toString()));
  const ready = new Promise<{ http: string; asterixPort: number }>((res, rej) => {
    let buf = '';
    proc.stdout!.on('data', (d: Buffer) => {
      out.push(d.toString());
      buf += d.toString();
      const h = /display\s+(http:\/\/[^/\s]+)\//.exec(buf);
      const a = /CAT048 in\s+udp [^:\s]+:(\d+)/.exec(buf);
      if (h && a) res({ http: h[1]!, asterixPort: Number(a[1]) });
    });
    void exited.then((code) => rej(new Error(`serve exited (${code}) before it was ready:\n${out.join('')}${err.join('')}`)));
  });
  const r = await ready;
  return { proc, ...r, out, err, exited };
}

export async function getJson<T = unknown>(url: string): Promise<T> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

/** A WebSocket client collecting every message of /api/stream. */
export async function stream(http: string): Promise<{ ws: WebSocket; messages: Record<string, unknown>[] }> {
  const ws = new WebSocket(http.replace('http:', 'ws:') + '/api/stream');
  const messages: Record<string, unknown>[] = [];
  ws.on('message', (d) => messages.push(JSON.parse(d.toString()) as Record<string, unknown>));
  await new Promise<void>((res, rej) => {
    ws.once('open', () => res());
    ws.once('error', rej);
  });
  return { ws, messages };
}

/** A UDP receiver keeping every datagram (CAT062 out, CoT out). */
export async function udpSink(): Promise<{ socket: Socket; port: number; datagrams: { t: number; payload: Uint8Array }[] }> {
  const socket = createSocket('udp4');
  const datagrams: { t: number; payload: Uint8Array }[] = [];
  socket.on('message', (m) => datagrams.push({ t: Date.now() / 1000, payload: new Uint8Array(m) }));
  await new Promise<void>((res) => socket.bind(0, '127.0.0.1', () => res()));
  return { socket, port: socket.address().port, datagrams };
}

export async function until(cond: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
