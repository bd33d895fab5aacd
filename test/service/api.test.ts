/**
 * The live service's HTTP API and safe defaults, in-process over real sockets: the endpoints of design.md §4.3,
 * the bearer token on every state-changing endpoint, an operator's alert (journaled, on the WebSocket, valid
 * CAP, cleared with a Cancel referencing it), sensor disable (its plots refused and counted), size and rate
 * limits, no file outside the display's folder, bad datagrams counted with the service alive, and logs that
 * never carry the token.
 */
import { createSocket } from 'node:dgram';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnuFrame } from '../../src/geo/wgs84.js';
import { encodeCat048 } from '../../src/io/asterix/cat048.js';
import { loadSite } from '../../src/scenario/load.js';
import { Service } from '../../src/service/service.js';
import type { Journal } from '../../src/store/journal.js';
import { CAP_XSD, xmllint } from '../helpers/xmllint.js';
import { getJson, stream } from './serve-helpers.js';

const TOKEN = 'api-test-token-abcdefghijklmnop';
const SITE = loadSite('scenarios/sites/green-zone.yaml');

describe('the live service API', () => {
  let service: Service;
  let base: string;
  const logs: string[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'tocsin-api-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>display</title>');
  const auth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        logs.push(chunk.toString());
        cb();
      },
    });
    service = new Service({
      site: SITE,
      db: ':memory:',
      http: { host: '127.0.0.1', port: 0 },
      asterixIn: { host: '127.0.0.1', port: 0 },
      capDir: join(dir, 'alerts'),
      capSender: 'tocsin-test@example.invalid',
      token: TOKEN,
      clock: 'wall',
      webRoot: dir,
      logger: pino({ level: 'trace' }, sink),
    });
    await service.start();
    base = `http://127.0.0.1:${service.httpAddress!.port}`;
  });

  afterAll(async () => {
    await service?.stop();
  });

  it('serves health, site, state and the display', async () => {
    const h = await getJson<{ status: string; sensors: { id: string }[] }>(`${base}/api/health`);
    expect(h.status).toBe('ok');
    expect(h.sensors.map((s) => s.id)).toEqual(SITE.sensors.map((s) => s.id));
    const site = await getJson<{ zones: { features: { properties: { id: string } }[] } }>(`${base}/api/site`);
    expect(site.zones.features.map((f) => f.properties.id)).toEqual(SITE.zones.map((z) => z.id));
    const state = await getJson<{ tracks: unknown[]; alerts: unknown[]; clock: { mode: string } }>(`${base}/api/state`);
    expect(state.clock.mode).toBe('wall');
    expect(state.tracks).toEqual([]);
    const page = await fetch(`${base}/`);
    expect(await page.text()).toContain('<title>display</title>');
    expect((await fetch(`${base}/api/nothing`)).status).toBe(404);
    expect((await fetch(`${base}/%2e%2e/%2e%2e/package.json`)).status).toBe(404);
    expect((await fetch(`${base}/api/incidents/I-none`)).status).toBe(404);
    expect((await fetch(`${base}/api/alerts/none.cap`)).status).toBe(404);
  });

  it('refuses every state change without the right token', async () => {
    const calls: [string, string][] = [
      ['/api/alerts', '{"zones":["embassy"]}'],
      ['/api/alerts/M-1/clear', '{}'],
      ['/api/alerts/M-1/ack', '{}'],
      ['/api/sensors/lcmr-1', '{"enabled":false}'],
      ['/api/replay', '{"paused":true}'],
    ];
    for (const [path, body] of calls) {
      const none = await fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expect(none.status, path).toBe(401);
      const wrong = await fetch(base + path, { method: 'POST', headers: { ...auth, authorization: `Bearer ${TOKEN}x` }, body });
      expect(wrong.status, path).toBe(401);
    }
  });

  it("sends an operator's alert (journaled, on the stream, valid CAP) and its all-clear", async () => {
    const ws = await stream(base);
    const bad = await fetch(`${base}/api/alerts`, { method: 'POST', headers: auth, body: '{"zones":["atlantis"]}' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toContain('atlantis');
    const res = await fetch(`${base}/api/alerts`, { method: 'POST', headers: auth, body: '{"zones":["celebration-square","embassy"],"stage":"siren"}' });
    expect(res.status).toBe(201);
    const a = (await res.json()) as { alertId: string; messageId: string; zones: string[] };
    expect(a.zones).toEqual(['embassy', 'celebration-square']); // site order
    expect((await fetch(`${base}/api/alerts/${a.alertId}/ack`, { method: 'POST', headers: auth, body: '{"by":"duty officer"}' })).status).toBe(200);
    const clr = await fetch(`${base}/api/alerts/${a.alertId}/clear`, { method: 'POST', headers: auth, body: '{}' });
    expect(clr.status).toBe(200);
    const c = (await clr.json()) as { messageId: string; msgType: string; references: string[] };
    expect(c.msgType).toBe('Cancel');
    expect(c.references).toEqual([a.messageId]);
    expect((await fetch(`${base}/api/alerts/${a.alertId}/clear`, { method: 'POST', headers: auth, body: '{}' })).status).toBe(404);
    await new Promise((r) => setTimeout(r, 200));
    const onWs = ws.messages.filter((m) => m['type'] === 'alert').map((m) => m['messageId']);
    expect(onWs).toEqual([a.messageId, c.messageId]);
    ws.ws.close();
    const listed = await getJson<{ messageId: string }[]>(`${base}/api/alerts`);
    expect(listed.map((x) => x.messageId)).toEqual([c.messageId, a.messageId]);
    const docs: string[] = [];
    for (const id of [a.messageId, c.messageId]) docs.push(await (await fetch(`${base}/api/alerts/${id}.cap`)).text());
    const r = xmllint(docs, CAP_XSD);
    expect(r.valid, r.stderr).toEqual([true, true]);
  });

  it('a CAP file that cannot be written: the alert is on the stream, counted, logged, left unmarked to go out again; the service goes on', async () => {
    const capDir = join(dir, 'alerts');
    rmSync(capDir, { recursive: true });
    writeFileSync(capDir, 'not a folder'); // every CAP write now fails (ENOTDIR), whoever runs the test
    try {
      const ws = await stream(base);
      const res = await fetch(`${base}/api/alerts`, { method: 'POST', headers: auth, body: '{"zones":["embassy"],"stage":"early"}' });
      expect(res.status).toBe(201);
      const a = (await res.json()) as { messageId: string };
      await new Promise((r) => setTimeout(r, 200));
      expect(ws.messages.filter((m) => m['type'] === 'alert').map((m) => m['messageId'])).toEqual([a.messageId]);
      ws.ws.close();
      const m = await getJson<{ alerts: { publishErrors: number } }>(`${base}/api/metrics`);
      expect(m.alerts.publishErrors).toBe(1);
      expect(logs.join('')).toContain('alert publication incomplete: not marked published');
      const journal = (service as unknown as { journal: Journal }).journal;
      expect(journal.unpublished().map((x) => x.messageId)).toEqual([a.messageId]);
      expect((await fetch(`${base}/api/health`)).status).toBe(200);
    } finally {
      rmSync(capDir);
      mkdirSync(capDir);
    }
  });

  it('switches a sensor off: its plots are refused and counted', async () => {
    const off = await fetch(`${base}/api/sensors/lcmr-1`, { method: 'POST', headers: auth, body: '{"enabled":false}' });
    expect(off.status).toBe(200);
    expect((await fetch(`${base}/api/sensors/nope`, { method: 'POST', headers: auth, body: '{"enabled":false}' })).status).toBe(404);
    const s = SITE.sensors[0]!;
    const now = Date.now() / 1000;
    const plots = [0, 1, 2].map((i) => ({ t: now - 0.5 + i * 0.1, sensorId: s.id, sac: s.sac, sic: s.sic, range: 3000 + i * 100, az: 1, el: 0.1 }));
    const [dg] = encodeCat048(plots, new EnuFrame({ lat: s.lat, lon: s.lon, alt: s.alt }));
    const udp = createSocket('udp4');
    await new Promise<void>((r) => udp.send(dg!, service.asterixAddress!.port, '127.0.0.1', () => r()));
    // and garbage: counted, the service goes on
    await new Promise<void>((r) => udp.send(Buffer.from([48, 0, 9, 1, 2, 3]), service.asterixAddress!.port, '127.0.0.1', () => r()));
    udp.close();
    await new Promise((r) => setTimeout(r, 200));
    const m = await getJson<{ rejected: Record<string, number>; datagrams: number }>(`${base}/api/metrics`);
    expect(m.datagrams).toBe(2);
    expect(m.rejected['sensor-disabled']).toBe(3);
    expect(m.rejected['truncated']! + m.rejected['bad-length']!).toBe(1);
    const h = await getJson<{ sensors: { id: string; state: string }[] }>(`${base}/api/health`);
    expect(h.sensors.find((x) => x.id === 'lcmr-1')!.state).toBe('disabled');
    await fetch(`${base}/api/sensors/lcmr-1`, { method: 'POST', headers: auth, body: '{"enabled":true}' });
  });

  it('caps request bodies', async () => {
    const big = JSON.stringify({ zones: ['embassy'], pad: 'x'.repeat(20_000) });
    expect((await fetch(`${base}/api/alerts`, { method: 'POST', headers: auth, body: big })).status).toBe(413);
  });

  it('never logs the token', () => {
    const all = logs.join('');
    expect(all.length).toBeGreaterThan(0);
    expect(all).not.toContain(TOKEN);
  });

  it('rate-limits one address (429) and keeps serving after', async () => {
    const codes = await Promise.all(Array.from({ length: 260 }, () => fetch(`${base}/api/health`).then((r) => r.status)));
    expect(codes.filter((c) => c === 429).length).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 1200));
    expect((await fetch(`${base}/api/health`)).status).toBe(200);
  });
});
