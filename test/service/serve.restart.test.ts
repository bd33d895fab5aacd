/**
 * Crash and restart (design.md §4.4): `tocsin serve` is killed with SIGKILL in the middle of the 2021-12-19
 * salvo — rockets in flight, sirens sounding — and started again on the same journal while the radar feed
 * goes on. Every alert message the journal holds at the end was sent exactly once over the two lives (the
 * service logs each sending), the alert continues under its id, the tracks come back with their numbers, and
 * the incident report is complete (both rockets, each with its outcome).
 */
import { createSocket } from 'node:dgram';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/load.js';
import { Replayer, replaySchedule } from '../../src/service/replayer.js';
import { Journal } from '../../src/store/journal.js';
import { getJson, startServe, stream, until, type Served } from './serve-helpers.js';

const SCENARIO = 'scenarios/2021-12-19-green-zone-rockets.yaml';

/** A free loopback UDP port (the radar feed must find the restarted service at the same address). */
async function freeUdpPort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** messageIds of the 'alert sent' log lines of one life of the service. */
function sentAlerts(s: Served): string[] {
  const ids: string[] = [];
  // whole lines only: while the service runs, the last chunk may end mid-line
  for (const line of s.out.join('').split('\n').slice(0, -1)) {
    if (!line.startsWith('{')) continue;
    const o = JSON.parse(line) as { msg?: string; messageId?: string };
    if (o.msg === 'alert sent' && o.messageId) ids.push(o.messageId);
  }
  return ids;
}

describe('tocsin serve killed with SIGKILL mid-salvo and restarted', () => {
  const lives: Served[] = [];
  afterAll(() => {
    for (const s of lives) s.proc.kill('SIGKILL');
  });

  it('loses no alert, sends none twice, restores tracks and completes the incident', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tocsin-restart-'));
    const db = join(dir, 'j.db');
    const port = await freeUdpPort();
    const args = ['--site', 'scenarios/sites/green-zone.yaml', '--db', db, '--asterix-in', `127.0.0.1:${port}`, '--clock', 'follow', '--incident-gap', '10', '--log-level', 'info'];

    const a = await startServe(args);
    lives.push(a);
    const wsA = await stream(a.http);
    const udp = createSocket('udp4');
    const replayer = new Replayer(replaySchedule(loadScenario(SCENARIO)), (buf) => udp.send(buf, port, '127.0.0.1'), { speed: 2 });
    const done = replayer.start();

    // mid-salvo: a siren is sounding and both rockets are tracked, in flight (the stream sends a batch's alerts
    // ahead of its track updates: the siren may come before the second rocket's first ballistic update)
    const ballistic = (): Set<number> =>
      new Set(wsA.messages.filter((m) => m['type'] === 'track' && m['class'] === 'ballistic' && m['status'] === 'confirmed').map((m) => m['trackId'] as number));
    await until(() => wsA.messages.some((m) => m['type'] === 'alert' && m['stage'] === 'siren') && ballistic().size >= 2, 60_000, 'the first siren, both rockets tracked');
    // … and A has finished publishing it (every output, then marked published, then logged): killed inside a
    // publication, a service sends that message again after the restart (at least once, same id) — the
    // exactly-once checks below are about messages whose publication was complete
    const sirenId = wsA.messages.find((m) => m['type'] === 'alert' && m['stage'] === 'siren')!['messageId'] as string;
    await until(() => sentAlerts(a).includes(sirenId), 10_000, "A's log of the siren it sent");
    const beforeKill = wsA.messages.filter((m) => m['type'] === 'track' && m['class'] === 'ballistic' && m['status'] === 'confirmed');
    const trackIdsA = new Set(beforeKill.map((m) => m['trackId'] as number));
    const alertIdA = wsA.messages.find((m) => m['type'] === 'alert')!['alertId'] as string;
    a.proc.kill('SIGKILL');
    expect(await a.exited).toBe(null); // killed, not exited
    wsA.ws.terminate();

    const b = await startServe(args);
    lives.push(b);
    // the restored state: the rockets A was tracking are live in B under the same numbers
    const restoredTracks = await getJson<{ trackId: number }[]>(`${b.http}/api/tracks`);
    const wsB = await stream(b.http);
    await done;
    udp.close();
    // wait for every zone's all-clear and for the incident to close (10 s without activity)
    await until(
      async () => {
        const state = await getJson<{ alerts: unknown[] }>(`${b.http}/api/state`);
        const list = await getJson<{ incidentId: string; status: string }[]>(`${b.http}/api/incidents`);
        return state.alerts.length === 0 && list.length > 0 && list.every((i) => i.status === 'closed');
      },
      120_000,
      'the all-clears and the incident to close',
    );
    b.proc.kill('SIGTERM');
    expect(await b.exited).toBe(0);

    // sent exactly once: the two lives' sendings are disjoint and together are everything journaled
    const sentA = sentAlerts(a);
    const sentB = sentAlerts(b);
    const all = [...sentA, ...sentB];
    expect(new Set(all).size).toBe(all.length);
    const j = Journal.open(db, { readonly: true });
    const journaled = j.alerts({ limit: 10_000 }).map((x) => x.messageId);
    expect(j.unpublished()).toEqual([]);
    const incidents = j.incidents();
    j.close();
    expect(new Set(all)).toEqual(new Set(journaled));
    expect(sentA.length).toBeGreaterThan(0);
    expect(sentB.length).toBeGreaterThan(0); // the salvo went on after the restart

    // the alert A opened went on in B under its id: B's all-clear of it references A's first message and
    // continues A's message numbers
    const clearA = wsB.messages.find((m) => m['type'] === 'alert' && m['alertId'] === alertIdA && m['stage'] === 'clear');
    expect(clearA).toBeDefined();
    const refs = clearA!['references'] as string[];
    expect(refs[0]).toBe(`${alertIdA}.1`);
    expect(sentA).toContain(`${alertIdA}.1`);
    const number = (id: string): number => Number(id.slice(alertIdA.length + 1));
    const lastOfA = Math.max(...sentA.filter((x) => x.startsWith(alertIdA + '.')).map(number));
    expect(number(clearA!['messageId'] as string)).toBeGreaterThan(lastOfA);
    wsB.ws.terminate();

    // tracks: every ballistic track A had confirmed was restored with its number
    expect(trackIdsA.size).toBeGreaterThan(0);
    for (const id of trackIdsA) expect(restoredTracks.map((t) => t.trackId)).toContain(id);

    // the incident: one, closed, both rockets in it and nothing left in flight. (What the radars saw while the
    // service was down is lost: a rocket may come back as a new track — a third projectile, the first one
    // 'lost' — and the guns' timing after the gap need not match the recorded interception, so whether the
    // service reports r1 shot down or fallen is not asserted here; test/engage/live-kill.test.ts does that.)
    expect(incidents.length).toBe(1);
    const inc = incidents[0]!.json as { projectiles: ({ outcome: string } & Record<string, unknown>)[]; status: string };
    expect(inc.status).toBe('closed');
    const outcomes = inc.projectiles.map((p) => p.outcome);
    expect(outcomes).not.toContain('in flight');
    expect(inc.projectiles.length).toBeGreaterThanOrEqual(2);
    expect(inc.projectiles.length).toBeLessThanOrEqual(3);
    // (the message: each projectile's track, outcome and confirmation, for a failure's diagnosis)
    const story = JSON.stringify(inc.projectiles.map((p) => [p['trackId'], p.outcome, (p['confirmed'] as { t?: number } | undefined)?.t]));
    expect(outcomes.filter((o) => o !== 'lost').length, story).toBe(2);
  }, 180_000);
});
