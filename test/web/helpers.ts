/**
 * What the display's browser tests share: building the page (vite's JS API), a loopback static server
 * (node:http), Debian's chromium driven by playwright-core, a watch on the page's console and requests.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build } from 'vite';
import { CONTENT_TYPES } from '../../src/service/http.js';

export const ROOT = resolve(import.meta.dirname, '../..');
export const CHROMIUM = '/usr/bin/chromium';
/** shared/checks.md "MapLibre GL offline and in headless Chromium" */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Builds web/ into outDir (not web/dist: tests must not race a developer's build). */
export async function buildDisplay(outDir: string): Promise<void> {
  await build({
    configFile: join(ROOT, 'web/vite.config.ts'),
    logLevel: 'error',
    build: { outDir, emptyOutDir: true },
  });
}

function sourcesHash(): string {
  const h = createHash('sha256');
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else h.update(p).update(readFileSync(p));
    }
  };
  walk(join(ROOT, 'web/src'));
  for (const f of ['web/index.html', 'web/vite.config.ts', 'package-lock.json']) h.update(f).update(readFileSync(join(ROOT, f)));
  return h.digest('hex').slice(0, 16);
}

/**
 * The built display for these sources, built once for all the test files that need it (they run in parallel
 * processes): a folder in the temp dir named by a hash of web/'s sources; the first process builds it under a
 * lock, the others wait for it.
 */
export async function builtDisplay(): Promise<string> {
  const dir = join(tmpdir(), `tocsin-web-${sourcesHash()}`);
  const lock = `${dir}.lock`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (existsSync(join(dir, 'index.html'))) return dir;
    try {
      mkdirSync(lock);
    } catch {
      // another process builds it; a lock older than two minutes was left by a crash
      const st = statSync(lock, { throwIfNoEntry: false });
      if (st && Date.now() - st.mtimeMs > 120_000) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`timed out waiting for the display build (${lock})`);
      await new Promise((r) => setTimeout(r, 250));
      continue;
    }
    try {
      if (existsSync(join(dir, 'index.html'))) return dir;
      const tmp = `${dir}.${process.pid}`;
      await buildDisplay(tmp);
      rmSync(dir, { recursive: true, force: true });
      renameSync(tmp, dir);
      return dir;
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}

export interface StaticServer {
  origin: string;
  close(): Promise<void>;
}

/** Serves folders under URL prefixes ('/' last) on 127.0.0.1; anything else is a 404. */
export async function serveFolders(mounts: { prefix: string; dir: string }[]): Promise<StaticServer> {
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const m = mounts.find((mt) => path.startsWith(mt.prefix));
    if (!m || req.method !== 'GET') {
      res.writeHead(404).end();
      return;
    }
    let file = normalize(join(m.dir, path.slice(m.prefix.length)));
    if (!file.startsWith(resolve(m.dir) + sep) && file !== resolve(m.dir)) {
      res.writeHead(403).end();
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

export interface PageWatch {
  /** console errors and uncaught exceptions */
  errors: string[];
  /** every URL the page requested */
  requests: string[];
  /** requests to anything but `origin` (data: and blob: URLs are the page's own) */
  foreign(): string[];
}

export function watchPage(page: Page, origin: string): PageWatch {
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('request', (r) => requests.push(r.url()));
  page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
  return {
    errors,
    requests,
    foreign: () => requests.filter((u) => !u.startsWith(origin + '/') && !u.startsWith('data:') && !u.startsWith('blob:')),
  };
}
