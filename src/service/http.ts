/**
 * The live service's HTTP side (design.md §4.3): the REST API, the WebSocket stream `/api/stream`, the
 * Prometheus scrape `/metrics`, and the operator display's static files at `/`.
 *
 * Safe defaults: request bodies are capped (16 KiB), each client address has a token bucket (429 beyond it),
 * state-changing endpoints need `Authorization: Bearer <token>` (compared in constant time; absent token in
 * the config = those endpoints refuse), the logger redacts the Authorization header, and the static handler
 * serves only files below the display's folder.
 */
import { timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { WebSocketServer } from 'ws';
import type { WsHub } from './publish.js';

/** What the HTTP layer asks of the service. */
export interface ServiceApi {
  health(): unknown;
  site(): unknown;
  state(): unknown;
  tracks(): unknown;
  alerts(limit: number): unknown;
  alertCap(messageId: string): string | undefined;
  incidents(): unknown;
  incident(id: string): unknown;
  incidentMarkdown(id: string): string | undefined;
  metrics(): unknown;
  prometheus(): Promise<{ contentType: string; body: string }>;
  /** replay control; undefined: the service is not replaying */
  replay(body: { speed?: number; paused?: boolean }): unknown;
  acknowledge(alertId: string, by: string): boolean;
  /** an operator's alert: the message sent, or an error to give back (400) */
  manualAlert(body: { zones: string[]; stage: 'early' | 'siren' }): { ok: unknown } | { error: string };
  /** the all-clear of an operator's alert; undefined: no such active manual alert */
  clearManual(alertId: string): unknown;
  setSensor(id: string, enabled: boolean): boolean;
  /** sends the current state to a client that just connected */
  hello(): string;
  readonly hub: WsHub;
}

export interface HttpOptions {
  token: string | undefined;
  /** folder of the built display (web/dist); absent or missing: `/` explains how to build it */
  webRoot: string | undefined;
  logger: Logger;
  /** requests per second per client address, and the burst */
  rate?: { perSecond: number; burst: number };
}

/** Content types of the files the display and a run folder hold (the static handler's; the display's tests' server too). */
export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.jsonl': 'application/x-ndjson',
  '.md': 'text/markdown; charset=utf-8',
  '.geojson': 'application/geo+json',
  '.xml': 'application/xml',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

function tokenMatches(header: string | undefined, token: string): boolean {
  if (!header?.startsWith('Bearer ')) return false;
  const a = Buffer.from(header.slice(7));
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function buildHttp(api: ServiceApi, opts: HttpOptions): FastifyInstance {
  const app = Fastify({
    // requests are logged at info: the child logs warnings and errors only
    loggerInstance: opts.logger.child({ component: 'http' }, { level: 'warn', redact: ['req.headers.authorization'] }) as FastifyBaseLogger,
    bodyLimit: 16 * 1024,
  });

  // per-address token bucket
  const rate = opts.rate ?? { perSecond: 50, burst: 200 };
  const buckets = new Map<string, { tokens: number; at: number }>();
  app.addHook('onRequest', async (req, reply) => {
    const now = performance.now() / 1000;
    let b = buckets.get(req.ip);
    if (!b) {
      if (buckets.size > 10000) buckets.clear();
      buckets.set(req.ip, (b = { tokens: rate.burst, at: now }));
    }
    b.tokens = Math.min(rate.burst, b.tokens + (now - b.at) * rate.perSecond);
    b.at = now;
    if (b.tokens < 1) {
      await reply.code(429).send({ error: 'rate limit: too many requests from this address' });
      return reply;
    }
    b.tokens -= 1;
    return undefined;
  });

  const authorised = async (req: FastifyRequest, reply: FastifyReply): Promise<boolean> => {
    if (!opts.token) {
      await reply.code(403).send({ error: 'no API token configured (TOCSIN_TOKEN or --token-file): state-changing endpoints are off' });
      return false;
    }
    if (!tokenMatches(req.headers.authorization, opts.token)) {
      await reply.code(401).header('www-authenticate', 'Bearer').send({ error: 'missing or wrong bearer token' });
      return false;
    }
    return true;
  };

  app.get('/api/health', async () => api.health());
  app.get('/api/site', async () => api.site());
  app.get('/api/state', async () => api.state());
  app.get('/api/tracks', async () => api.tracks());
  app.get<{ Querystring: { limit?: string } }>('/api/alerts', async (req) => api.alerts(Math.min(1000, Math.max(1, Number(req.query.limit ?? 100) || 100))));
  app.get<{ Params: { id: string } }>('/api/alerts/:id', async (req, reply) => {
    const id = req.params.id;
    if (!id.endsWith('.cap')) return reply.code(404).send({ error: 'use /api/alerts/<messageId>.cap' });
    const xml = api.alertCap(id.slice(0, -4));
    if (xml === undefined) return reply.code(404).send({ error: `no alert message ${id.slice(0, -4)}` });
    return reply.type('application/cap+xml; charset=utf-8').send(xml);
  });
  app.get('/api/incidents', async () => api.incidents());
  app.get<{ Params: { id: string } }>('/api/incidents/:id', async (req, reply) => {
    const id = req.params.id;
    if (id.endsWith('.md')) {
      const md = api.incidentMarkdown(id.slice(0, -3));
      if (md === undefined) return reply.code(404).send({ error: `no incident ${id.slice(0, -3)}` });
      return reply.type('text/markdown; charset=utf-8').send(md);
    }
    const inc = api.incident(id);
    if (inc === undefined) return reply.code(404).send({ error: `no incident ${id}` });
    return inc;
  });
  app.get('/api/metrics', async () => api.metrics());
  app.get('/metrics', async (_req, reply) => {
    const m = await api.prometheus();
    return reply.type(m.contentType).send(m.body);
  });

  app.post<{ Body: { speed?: number; paused?: boolean } }>('/api/replay', async (req, reply) => {
    if (!(await authorised(req, reply))) return reply;
    const body = req.body ?? {};
    if (body.speed !== undefined && !(typeof body.speed === 'number' && body.speed > 0 && body.speed <= 1000)) {
      return reply.code(400).send({ error: 'speed must be a number in (0, 1000]' });
    }
    if (body.paused !== undefined && typeof body.paused !== 'boolean') return reply.code(400).send({ error: 'paused must be true or false' });
    const r = api.replay(body);
    if (r === undefined) return reply.code(409).send({ error: 'the service is not replaying (serve --replay SCENARIO)' });
    return r;
  });
  app.post<{ Params: { id: string }; Body: { by?: string } }>('/api/alerts/:id/ack', async (req, reply) => {
    if (!(await authorised(req, reply))) return reply;
    const by = typeof req.body?.by === 'string' ? req.body.by.slice(0, 64) : 'operator';
    if (!api.acknowledge(req.params.id, by)) return reply.code(404).send({ error: `no active alert ${req.params.id}` });
    return { acknowledged: req.params.id, by };
  });
  app.post<{ Body: { zones?: unknown; stage?: unknown } }>('/api/alerts', async (req, reply) => {
    if (!(await authorised(req, reply))) return reply;
    const zones = req.body?.zones;
    const stage = req.body?.stage ?? 'siren';
    if (!Array.isArray(zones) || zones.length === 0 || zones.length > 100 || !zones.every((z) => typeof z === 'string')) {
      return reply.code(400).send({ error: 'body must be {"zones": ["zone id", …], "stage": "siren"|"early"}' });
    }
    if (stage !== 'siren' && stage !== 'early') return reply.code(400).send({ error: 'stage must be "siren" or "early"' });
    const r = api.manualAlert({ zones: zones as string[], stage });
    if ('error' in r) return reply.code(400).send({ error: r.error });
    return reply.code(201).send(r.ok);
  });
  app.post<{ Params: { id: string } }>('/api/alerts/:id/clear', async (req, reply) => {
    if (!(await authorised(req, reply))) return reply;
    const r = api.clearManual(req.params.id);
    if (r === undefined) return reply.code(404).send({ error: `no active operator alert ${req.params.id} (alerts from tracks clear themselves)` });
    return r;
  });
  app.post<{ Params: { id: string }; Body: { enabled?: boolean } }>('/api/sensors/:id', async (req, reply) => {
    if (!(await authorised(req, reply))) return reply;
    if (typeof req.body?.enabled !== 'boolean') return reply.code(400).send({ error: 'body must be {"enabled": true|false}' });
    if (!api.setSensor(req.params.id, req.body.enabled)) return reply.code(404).send({ error: `no sensor ${req.params.id}` });
    return { sensor: req.params.id, enabled: req.body.enabled };
  });

  // the operator display
  const root = opts.webRoot && existsSync(join(opts.webRoot, 'index.html')) ? resolve(opts.webRoot) : undefined;
  app.get('/*', async (req, reply) => {
    const path = decodeURIComponent((req.url.split('?')[0] ?? '/').split('#')[0]!);
    if (path.startsWith('/api/')) return reply.code(404).send({ error: `no endpoint ${path}` });
    if (!root) {
      return reply
        .type('text/html; charset=utf-8')
        .send('<!doctype html><title>tocsin</title><p>The operator display is not built: run <code>npm run build</code>. The API is at <a href="/api/health">/api/health</a>.</p>');
    }
    const rel = normalize(path === '/' ? 'index.html' : path.slice(1));
    const file = resolve(root, rel);
    if (file !== root && !file.startsWith(root + sep)) return reply.code(404).send({ error: 'not found' });
    if (!existsSync(file) || !statSync(file).isFile()) return reply.code(404).send({ error: 'not found' });
    return reply.type(CONTENT_TYPES[extname(file)] ?? 'application/octet-stream').send(readFileSync(file));
  });

  // the WebSocket stream
  const wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });
  app.server.on('upgrade', (req, socket, head) => {
    if ((req.url ?? '').split('?')[0] !== '/api/stream') {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      api.hub.add(ws);
      ws.send(api.hello());
    });
  });
  app.addHook('onClose', async () => {
    api.hub.closeAll();
    wss.close();
  });
  return app;
}
