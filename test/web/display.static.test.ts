/**
 * The operator display in static mode, end to end, in Debian's chromium: `tocsin simulate` writes a run folder,
 * the page opens it (`?run=`), and the test reads what a person sees — the 2021-12-19 Green Zone salvo: two
 * hostile tracks, the US Embassy zone sounding with a countdown, one intercept, one impact in Celebration
 * Square, the incident report listed and openable — with no console error and no request to any host but the
 * test's server. Then 300 threats at once (salvo-300 fired within 8 s), for the frame and update times (printed, not
 * asserted: the machine is shared and WebGL runs in software here).
 *
 * Screenshots go to test-artifacts/display/.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SALVO, generateSalvo } from '../../src/scenario/generate-salvo.js';
import { runCli } from '../cli/run-cli.js';
import { ROOT, builtDisplay, launchChromium, serveFolders, watchPage, type StaticServer } from './helpers.js';

const GREEN_ZONE = join(ROOT, 'scenarios/2021-12-19-green-zone-rockets.yaml');
/** salvo-300's 300 threats fired within 8 s instead of 60 s: about 300 tracks alive at once */
const SALVO_FILE = 'salvo-300-in-8s.yaml';
const SHOTS = join(ROOT, 'test-artifacts/display');
/** 2021-12-19T00:30:00Z + 15 s: both rockets in flight, the embassy's siren sounding */
const MID_SALVO = Date.UTC(2021, 11, 19, 0, 30, 15) / 1000;

let tmp: string;
let gzDir: string;
let server: StaticServer;
let browser: Browser;

/** `tocsin simulate` in a child process (the compiled CLI of dist/, built by the global setup). */
function simulateInChild(scenario: string, out: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [join(ROOT, 'dist/src/cli/index.js'), 'simulate', scenario, '--out', out], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`simulate ${scenario} exited ${code}: ${err}`))));
  });
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'tocsin-display-'));
  mkdirSync(SHOTS, { recursive: true });
  const gz = (gzDir = join(tmp, 'green-zone'));
  const salvo = join(tmp, 'salvo');
  const SALVO = join(tmp, SALVO_FILE);
  const text = generateSalvo({ ...DEFAULT_SALVO, windowSeconds: 8 });
  writeFileSync(SALVO, text.replace('site: sites/green-zone.yaml', `site: ${join(ROOT, 'scenarios/sites/green-zone.yaml')}`));
  // the salvo's simulation (≈10 s) runs beside the page's build
  const salvoRun = simulateInChild(SALVO, salvo);
  const r = await runCli(['simulate', GREEN_ZONE, '--out', gz]);
  expect(r.code, r.err).toBe(0);
  const dist = await builtDisplay();
  await salvoRun;
  // (simulate --out writes site.json, which the page reads)
  server = await serveFolders([
    { prefix: '/runs/green-zone/', dir: gz },
    { prefix: '/runs/salvo/', dir: salvo },
    { prefix: '/', dir: dist },
  ]);
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

async function openRun(page: Page, run: string, hash = ''): Promise<void> {
  await page.goto(`${server.origin}/?run=runs/${run}/${hash}`);
  await page.waitForFunction(() => window.__tocsin?.ready === true, null, { timeout: 30_000 });
}

const tid = (page: Page, id: string) => page.locator(`[data-testid="${id}"]`);

describe('operator display, static mode (simulate --out folder)', () => {
  it('shows the 2021-12-19 salvo as a person would see it, offline', async () => {
    const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    const watch = watchPage(page, server.origin);
    await openRun(page, 'green-zone');

    await expect(tid(page, 'site-name').textContent()).resolves.toBe('Baghdad International Zone');
    // opened paused at the start of the run: nothing flying yet
    await expect(tid(page, 'play-pause').textContent()).resolves.toBe('Play');
    await expect(page.locator('[data-testid="track-row"]').count()).resolves.toBe(0);

    // mid-salvo: scrub the timeline to 00:30:15Z
    const span = await tid(page, 'timeline').evaluate((e) => Number((e as HTMLInputElement).max));
    expect(span).toBeGreaterThan(30);
    const t0 = await page.evaluate(() => window.__tocsin!.now());
    const offset = Number((await tid(page, 'timeline').inputValue()) || 0);
    await tid(page, 'timeline').fill(String((MID_SALVO - (t0 - offset)).toFixed(1)));
    await expect.poll(() => tid(page, 'clock').textContent(), { timeout: 5_000 }).toContain('00:30:15Z');
    const blur = () => page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await blur();

    // two hostile tracks, both 122 mm rockets
    await expect.poll(() => page.locator('[data-testid="track-row"][data-affiliation="hostile"]').count(), { timeout: 5_000 }).toBe(2);
    const classes = await page.locator('[data-testid="track-row"] [data-testid="track-class"]').allTextContents();
    expect(classes).toEqual(['hostile · 122 mm rocket', 'hostile · 122 mm rocket']);
    await expect(tid(page, 'tracks-count').getAttribute('data-hostile')).resolves.toBe('2');

    // the US Embassy zone sounds, with a countdown to impact and to the end of its shelter time
    const embassy = page.locator('[data-testid="zone-row"][data-zone="embassy"]');
    await expect(embassy.getAttribute('data-stage')).resolves.toBe('siren');
    const impactIn = await embassy.locator('[data-testid="zone-impact-countdown"]').textContent();
    expect(impactIn).toMatch(/^\d+ s$/);
    const impactS = Number(impactIn!.split(' ')[0]);
    expect(impactS).toBeGreaterThanOrEqual(3);
    expect(impactS).toBeLessThanOrEqual(12);
    const shelter = await embassy.locator('[data-testid="zone-shelter-countdown"]').textContent();
    expect(shelter).toMatch(/^\d+ s$/);
    // the banner: siren, the embassy named, its seconds left
    const banner = tid(page, 'alert-banner');
    await expect(banner.getAttribute('data-stage')).resolves.toBe('siren');
    await expect(banner.getAttribute('role')).resolves.toBe('alert');
    const embassyInBanner = banner.locator('li[data-zones~="embassy"]');
    await expect(embassyInBanner.textContent()).resolves.toContain('US Embassy compound');
    await expect(embassyInBanner.locator('[data-testid="banner-seconds"]').textContent()).resolves.toBe(`impact ${impactS} s`);
    // and on the map: both tracks drawn with their predicted impact ellipses
    await page.keyboard.press('f'); // frame the site, the tracks and their launch points
    await expect.poll(() => page.evaluate(() => window.__tocsin!.rendered('tracks').length), { timeout: 10_000 }).toBe(2);
    await expect.poll(() => page.evaluate(() => window.__tocsin!.rendered('impact-ellipses').length), { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    await page.waitForFunction(() => (window.__tocsin!.map as { loaded(): boolean }).loaded(), null, { timeout: 10_000 });
    await page.screenshot({ path: join(SHOTS, 'mid-salvo.png') });

    // play to the end at 16× (keyboard: "3" is the third speed, Space plays)
    await blur();
    await page.keyboard.press('3');
    await expect.poll(() => tid(page, 'speed-16').getAttribute('aria-pressed')).toBe('true');
    await page.keyboard.press('Space');
    await expect.poll(() => tid(page, 'play-pause').textContent()).toBe('Pause');
    // the player stops at the end of the run
    await expect.poll(() => tid(page, 'play-pause').textContent(), { timeout: 20_000 }).toBe('Play');

    // one intercept (by cram-1) and one impact, in Celebration Square
    const summary = tid(page, 'outcomes-summary');
    await expect(summary.getAttribute('data-intercepts')).resolves.toBe('1');
    await expect(summary.getAttribute('data-impacts')).resolves.toBe('1');
    const impact = page.locator('[data-testid="outcome"][data-kind="impact"]');
    await expect(impact.getAttribute('data-zone')).resolves.toBe('celebration-square');
    await expect(impact.textContent()).resolves.toContain('in Celebration Square');
    await expect(page.locator('[data-testid="outcome"][data-kind="intercept"]').textContent()).resolves.toContain('shot down by cram-1');
    const log = await tid(page, 'event-log').textContent();
    expect(log).toContain('cram-1 → T1: KILL');
    expect(log).toContain('SIREN US Embassy compound');
    expect(log).toContain('ALL CLEAR US Embassy compound');
    await expect.poll(() => page.evaluate(() => window.__tocsin!.rendered('outcomes').length), { timeout: 10_000 }).toBe(2);
    // the embassy's all-clear came; sensors reported
    await expect(embassy.getAttribute('data-stage')).resolves.toBe('clear');
    await expect(page.locator('[data-testid="sensor"]').count()).resolves.toBe(2);
    for (const s of await page.locator('[data-testid="sensor"] .plots').allTextContents()) expect(s).toMatch(/^[1-9]\d* plots$/);

    // the incident report: listed, openable, linkable
    const link = page.locator('[data-testid="incident-link"]');
    await expect(link.count()).resolves.toBe(1);
    await expect(link.textContent()).resolves.toBe('I-20211219-1');
    await expect(page.locator('[data-testid="incident"]').textContent()).resolves.toContain('two 122 mm rockets');
    await page.screenshot({ path: join(SHOTS, 'after.png') });
    await link.click();
    const body = tid(page, 'report-body');
    await expect.poll(() => body.getAttribute('data-loaded')).toBe('true');
    await expect(body.locator('h2').first().textContent()).resolves.toBe('Incident I-20211219-1: two 122 mm rockets — Baghdad International Zone');
    await expect(body.textContent()).resolves.toContain('shot down by cram-1');
    expect(new URL(page.url()).hash).toBe('#incident=I-20211219-1');
    await page.screenshot({ path: join(SHOTS, 'report.png') });
    await page.keyboard.press('Escape');
    await expect.poll(() => tid(page, 'report').evaluate((d) => (d as HTMLDialogElement).open)).toBe(false);

    // the link opens the report directly
    await openRun(page, 'green-zone', '#incident=I-20211219-1');
    await expect.poll(() => tid(page, 'report-body').getAttribute('data-loaded'), { timeout: 10_000 }).toBe('true');

    expect(watch.errors).toEqual([]);
    expect(watch.foreign()).toEqual([]);
    expect(watch.requests.length).toBeGreaterThan(0);
    await page.close();
  });

  it('opens a folder picked by hand when no service answers', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const watch = watchPage(page, server.origin);
    await page.goto(`${server.origin}/`);
    // no /api here: the page asks for a run folder
    await expect.poll(() => page.locator('#open-run').evaluate((d) => (d as HTMLDialogElement).open), { timeout: 10_000 }).toBe(true);
    await tid(page, 'pick-folder').setInputFiles(gzDir);
    await page.waitForFunction(() => window.__tocsin?.ready === true, null, { timeout: 30_000 });
    await expect(tid(page, 'site-name').textContent()).resolves.toBe('Baghdad International Zone');
    await expect(tid(page, 'connection').textContent()).resolves.toBe('run: green-zone');
    await tid(page, 'timeline').fill(await tid(page, 'timeline').getAttribute('max').then(String));
    await expect.poll(() => page.locator('[data-testid="incident-link"]').count()).toBe(1);
    // the probe of /api/site found nothing (404): that is the only error, and it is the page's own request
    expect(watch.errors.filter((e) => !/404/.test(e))).toEqual([]);
    expect(watch.foreign()).toEqual([]);
    await page.close();
  });

  it('plays 300 threats at once (salvo-300 within 8 s; frame and update times printed)', async () => {
    const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    const watch = watchPage(page, server.origin);
    await openRun(page, 'salvo');
    await tid(page, 'speed-4').click();
    await tid(page, 'play-pause').click();
    // into the thick of it at 4× (over 250 tracks alive), then measure at 1× (every track updating about once
    // a second, as live), then at 16× (the salvo's end: hundreds of impacts, alerts and all-clears in seconds)
    await expect.poll(() => page.evaluate(() => window.__tocsin!.stats().tracks), { timeout: 20_000, intervals: [50] }).toBeGreaterThan(250);
    await tid(page, 'speed-1').click();
    await page.evaluate(() => window.__tocsin!.resetStats());
    const startTracks = await page.evaluate(() => window.__tocsin!.stats().tracks);
    await page.waitForTimeout(5_000);
    const at1 = await page.evaluate(() => window.__tocsin!.stats());
    await page.screenshot({ path: join(SHOTS, 'salvo-300.png') });
    await tid(page, 'speed-16').click();
    await page.evaluate(() => window.__tocsin!.resetStats());
    await page.waitForTimeout(3_000);
    const stats = await page.evaluate(() => window.__tocsin!.stats());
    process.stdout.write(`display 300 threats at 16×: ${JSON.stringify(stats)}\n`);
    process.stdout.write(`display 300 threats at 1×: ${JSON.stringify(at1)}\n`);
    expect(startTracks).toBeGreaterThan(200);
    expect(at1.maxTracks).toBeGreaterThan(250);
    process.stdout.write(`display 300 threats at 1×: ${startTracks} → ${at1.tracks} tracks during the measurement\n`);
    expect(stats.updates).toBeGreaterThan(0);
    expect(at1.updates).toBeGreaterThan(0);
    expect(watch.errors).toEqual([]);
    expect(watch.foreign()).toEqual([]);
    await page.close();
  });
});
