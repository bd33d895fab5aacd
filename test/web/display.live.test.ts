/**
 * The operator display against the live service, end to end, in Debian's chromium: `tocsin serve` replays the
 * 2021-12-19 Green Zone attack at 4× into itself and serves the built page at `/`; the page is opened with
 * `#token=…` and the test drives it as an operator would — speed, play, pause — and reads what a person sees:
 * two hostile tracks, the US Embassy zone sounding with a countdown that stands still while the replay is
 * paused (it runs on the service's clock), both rockets' ends as the service reports them (its incident's
 * projectiles: shot down or fallen), one impact in Celebration Square, the engagement, the incident report
 * listed and openable; the stream dropped and resumed; no console error, no request to anything but the
 * service, the token in no URL.
 *
 * Screenshots go to test-artifacts/display/ (live-mid-salvo.png, live-after.png).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, builtDisplay, launchChromium, watchPage } from './helpers.js';

const GREEN_ZONE = join(ROOT, 'scenarios/2021-12-19-green-zone-rockets.yaml');
const SHOTS = join(ROOT, 'test-artifacts/display');
const TOKEN = 'display-test-token-5f0c2a9e71';

let tmp: string;
let service: ChildProcess | undefined;
let base: string;
let browser: Browser;

/** Starts `tocsin serve --replay` (compiled CLI of dist/) and resolves with its display URL. */
function startService(web: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const args = [
      join(ROOT, 'dist/src/cli/index.js'),
      'serve',
      '--replay',
      GREEN_ZONE,
      '--speed',
      '4',
      '--http',
      '127.0.0.1:0',
      '--asterix-in',
      '127.0.0.1:0',
      '--db',
      ':memory:',
      '--cap-dir',
      join(tmp, 'alerts'),
      '--web',
      web,
      '--incident-gap',
      '10',
      '--log-level',
      'warn',
    ];
    const p = spawn(process.execPath, args, { env: { ...process.env, TOCSIN_TOKEN: TOKEN }, stdio: ['ignore', 'pipe', 'pipe'] });
    service = p;
    let out = '';
    let err = '';
    p.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /display\s+(http:\/\/127\.0\.0\.1:\d+)\//.exec(out);
      if (m) resolve(m[1]!);
    });
    p.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    p.on('error', reject);
    p.on('close', (code) => reject(new Error(`serve exited ${code}: ${out}${err}`)));
  });
}

async function replay(body: { paused?: boolean; speed?: number }): Promise<Response> {
  return fetch(`${base}/api/replay`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, body: JSON.stringify(body) });
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'tocsin-display-live-'));
  mkdirSync(SHOTS, { recursive: true });
  const web = await builtDisplay();
  base = await startService(web);
  // hold the replay before the first launch (5 s of data time = 1.25 s at 4×) until the page is up
  const r = await replay({ paused: true });
  expect(r.status).toBe(200);
  expect(((await r.json()) as { paused: boolean }).paused).toBe(true);
  const st = (await (await fetch(`${base}/api/state`)).json()) as { tracks: unknown[] };
  expect(st.tracks).toEqual([]);
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  service?.removeAllListeners('close');
  service?.kill('SIGTERM');
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

const tid = (page: Page, id: string) => page.locator(`[data-testid="${id}"]`);

describe('operator display, live (tocsin serve --replay, 4×)', () => {
  it('shows the replayed attack as a person would see it, from the service only', async () => {
    const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    const watch = watchPage(page, base);
    await page.goto(`${base}/#token=${TOKEN}`);
    await page.waitForFunction(() => window.__tocsin?.ready === true, null, { timeout: 30_000 });

    // the token left the address bar (it is kept in sessionStorage for the replay controls)
    expect(new URL(page.url()).hash).toBe('');
    await expect.poll(() => tid(page, 'connection').textContent()).toBe('live');
    await expect.poll(() => tid(page, 'clock-mode').textContent()).toBe('replay paused');
    await expect(tid(page, 'replay-controls').isVisible()).resolves.toBe(true);
    await expect(tid(page, 'site-name').textContent()).resolves.toBe('Baghdad International Zone');

    // the operator plays the replay at its 4× (the page posts to /api/replay with the token)
    await expect(tid(page, 'speed-4').getAttribute('aria-pressed')).resolves.toBe('true');
    await tid(page, 'play-pause').click();
    await expect.poll(() => tid(page, 'clock-mode').textContent()).toBe('replay 4×');
    const embassy = page.locator('[data-testid="zone-row"][data-zone="embassy"]');
    await expect
      .poll(async () => `${await page.locator('[data-testid="track-row"][data-affiliation="hostile"]').count()} ${await embassy.getAttribute('data-stage')}`, {
        timeout: 30_000,
        intervals: [100],
      })
      .toBe('2 siren');
    await tid(page, 'play-pause').click();
    await expect.poll(() => tid(page, 'clock-mode').textContent()).toBe('replay paused');

    // the countdowns run on the service's clock: paused, they stand still
    const countdown = embassy.locator('[data-testid="zone-impact-countdown"]');
    const before = await countdown.textContent();
    expect(before).toMatch(/^\d+ s$/);
    const banner = tid(page, 'alert-banner');
    await expect(banner.getAttribute('data-stage')).resolves.toBe('siren');
    await expect(banner.textContent()).resolves.toContain('US Embassy compound');
    await page.waitForTimeout(1_500);
    await expect(countdown.textContent()).resolves.toBe(before);
    await page.keyboard.press('f');
    await expect.poll(() => page.evaluate(() => window.__tocsin!.rendered('tracks').length), { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
    await page.screenshot({ path: join(SHOTS, 'live-mid-salvo.png') });

    // on to the end at 16× (to save test time): one rocket shot down, one fallen in Celebration Square, as the
    // service reports them; the interceptor's engagement; the incident and its report
    await tid(page, 'speed-16').click();
    await expect.poll(() => tid(page, 'speed-16').getAttribute('aria-pressed')).toBe('true');
    await tid(page, 'play-pause').click();
    const summary = tid(page, 'outcomes-summary');
    const ended = async () => Number(await summary.getAttribute('data-intercepts')) + Number(await summary.getAttribute('data-impacts'));
    await expect.poll(ended, { timeout: 30_000 }).toBe(2);
    const impact = page.locator('[data-testid="outcome"][data-kind="impact"][data-zone="celebration-square"]');
    await expect(impact.count()).resolves.toBe(1);
    await expect(impact.textContent()).resolves.toContain('in Celebration Square');
    await expect.poll(() => tid(page, 'event-log').textContent()).toMatch(/cram-1 → T\d+: fired/);
    const link = page.locator('[data-testid="incident-link"]');
    await expect.poll(() => link.count(), { timeout: 30_000 }).toBe(1);
    await expect(page.locator('[data-testid="incident"]').textContent()).resolves.toContain('two 122 mm rockets');
    for (const s of await page.locator('[data-testid="sensor"] .plots').allTextContents()) expect(s).toMatch(/^[1-9]\d* plots$/);
    await page.screenshot({ path: join(SHOTS, 'live-after.png') });
    const id = (await link.textContent())!;
    // what the page shows is what the service reports: its incident's projectiles, shot down and fallen
    const inc = (await (await fetch(`${base}/api/incidents/${encodeURIComponent(id)}`)).json()) as { projectiles: { outcome: string }[] };
    const count = (o: string) => String(inc.projectiles.filter((p) => p.outcome === o).length);
    await expect(summary.getAttribute('data-intercepts')).resolves.toBe(count('intercepted'));
    await expect(summary.getAttribute('data-impacts')).resolves.toBe(count('impact'));
    // and that is the night of 2021-12-19: one rocket shot down by the C-RAM, one fallen in Celebration Square
    await expect(summary.getAttribute('data-intercepts')).resolves.toBe('1');
    await expect(summary.getAttribute('data-impacts')).resolves.toBe('1');
    await expect(page.locator('[data-testid="outcome"][data-kind="intercept"]').count()).resolves.toBe(1);
    await link.click();
    const body = tid(page, 'report-body');
    await expect.poll(() => body.getAttribute('data-loaded'), { timeout: 10_000 }).toBe('true');
    await expect(body.locator('h2').first().textContent()).resolves.toContain(`Incident ${id}: two 122 mm rockets`);
    await page.keyboard.press('Escape');

    // the stream drops: the page says so, reconnects, re-reads /api/state and shows the same picture
    const statesBefore = watch.requests.filter((u) => u.endsWith('/api/state')).length;
    await page.evaluate(() => window.__tocsin!.dropStream());
    await expect.poll(() => watch.requests.filter((u) => u.endsWith('/api/state')).length, { timeout: 15_000 }).toBeGreaterThan(statesBefore);
    await expect.poll(() => tid(page, 'connection').textContent(), { timeout: 15_000 }).toBe('live');
    await expect(link.count()).resolves.toBe(1);

    expect(watch.errors).toEqual([]);
    expect(watch.foreign()).toEqual([]);
    expect(watch.requests.filter((u) => u.includes(TOKEN))).toEqual([]);
    await page.close();
  });
});
