/**
 * The live service end to end, over real loopback UDP: the 2021-12-19 attack replayed as CAT048 (8× real
 * time) into `tocsin serve` running as its own process. Checked from outside, as its users see it: the CAP
 * alerts over HTTP (valid against the OASIS schema), the same alerts on the WebSocket stream, and the CAT062
 * output captured and decoded by tshark — every record matching one of the service's own track events within
 * one LSB.
 */
import { createSocket } from 'node:dgram';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LATLON_LSB_DEG } from '../../src/io/asterix/cat062.js';
import { timeOfDay } from '../../src/io/asterix/time.js';
import { writePcap } from '../../src/io/pcap.js';
import { loadScenario } from '../../src/scenario/load.js';
import { SCHED_FIFO, threadPolicy } from '../../src/service/realtime.js';
import { Replayer, replaySchedule } from '../../src/service/replayer.js';
import { SKIP_TSHARK, tsharkFields, tsharkMalformed, tempFile } from '../io/tshark.js';
import { CAP_XSD, COT_XSD, xmllint } from '../helpers/xmllint.js';
import { getJson, startServe, stream, udpSink, until, type Served } from './serve-helpers.js';

const SCENARIO = 'scenarios/2021-12-19-green-zone-rockets.yaml';
const SPEED = 8;

interface Msg {
  type: string;
  t: number;
  [k: string]: unknown;
}

describe('tocsin serve, end to end over loopback UDP', () => {
  let served: Served;
  let sink: Awaited<ReturnType<typeof udpSink>>;
  let cot: Awaited<ReturnType<typeof udpSink>>;
  let messages: Msg[];
  let closeWs: () => void;
  let sentPlots = 0;
  const dir = mkdtempSync(join(tmpdir(), 'tocsin-serve-'));

  beforeAll(async () => {
    sink = await udpSink();
    cot = await udpSink();
    served = await startServe([
      ...['--site', 'scenarios/sites/green-zone.yaml', '--db', join(dir, 'j.db'), '--cap-dir', join(dir, 'alerts')],
      ...['--asterix-out', `127.0.0.1:${sink.port}`, '--cot-out', `127.0.0.1:${cot.port}`, '--clock', 'follow'],
      '--realtime',
    ]);
    const st = await stream(served.http);
    messages = st.messages as Msg[];
    closeWs = () => st.ws.close();
    const scenario = loadScenario(SCENARIO);
    const udp = createSocket('udp4');
    const replayer = new Replayer(replaySchedule(scenario), (buf) => udp.send(buf, served.asterixPort, '127.0.0.1'), { speed: SPEED });
    await replayer.start();
    sentPlots = replayer.status().plots;
    // every ballistic track has ended (impact or intercept)
    await until(
      () => {
        const tracks = messages.filter((m) => m.type === 'track' && m['class'] === 'ballistic');
        const ids = new Set(tracks.map((m) => m['trackId']));
        const ended = new Set(tracks.filter((m) => m['status'] !== 'confirmed').map((m) => m['trackId']));
        return ids.size >= 2 && ended.size === ids.size;
      },
      30_000,
      'both rockets to end',
    );
    await new Promise((r) => setTimeout(r, 500));
    udp.close();
  }, 120_000);

  afterAll(async () => {
    closeWs?.();
    sink?.socket.close();
    cot?.socket.close();
    served?.proc.kill('SIGTERM');
    if (served) expect(await served.exited).toBe(0);
  });

  it('tracks both rockets and streams their tracks and predictions', () => {
    const ballistic = new Set(messages.filter((m) => m.type === 'track' && m['class'] === 'ballistic').map((m) => m['trackId']));
    expect(ballistic.size).toBe(2);
    const predicted = new Set(messages.filter((m) => m.type === 'prediction').map((m) => m['trackId']));
    for (const id of ballistic) expect(predicted.has(id)).toBe(true);
  });

  it('sends the alerts over HTTP as CAP 1.2 (schema-valid) and the same alerts on the WebSocket, each once', async () => {
    const http = await getJson<Msg[]>(`${served.http}/api/alerts?limit=1000`);
    expect(http.length).toBeGreaterThan(0);
    expect(http.some((a) => a['stage'] === 'siren' && (a['zones'] as string[]).includes('embassy'))).toBe(true);
    const onWs = messages.filter((m) => m.type === 'alert').map((m) => m['messageId'] as string);
    expect(new Set(onWs).size).toBe(onWs.length); // none twice
    expect(new Set(onWs)).toEqual(new Set(http.map((a) => a['messageId'] as string)));
    const docs: string[] = [];
    for (const a of http) {
      const res = await fetch(`${served.http}/api/alerts/${a['messageId'] as string}.cap`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('application/cap+xml');
      const xml = await res.text();
      expect(xml).toContain(`<identifier>${a['messageId'] as string}</identifier>`);
      docs.push(xml);
    }
    const r = xmllint(docs, CAP_XSD);
    expect(r.valid.every(Boolean), r.stderr).toBe(true);
    expect(r.status).toBe(0);
  });

  it.skipIf(SKIP_TSHARK)('sends CAT062 that tshark decodes, positions within one LSB of the service’s own tracks', () => {
    expect(sink.datagrams.length).toBeGreaterThan(0);
    const file = tempFile(writePcap(sink.datagrams.map((d) => ({ time: d.t, payload: d.payload, dstPort: 30062 }))));
    expect(tsharkMalformed(file, 30062)).toBe('');
    const rows = tsharkFields(file, 30062, ['asterix.062_040_VALUE', 'asterix.062_070_VALUE', 'asterix.062_105_LAT', 'asterix.062_105_LON']);
    const tracks = messages.filter((m) => m.type === 'track');
    // A track can be reported twice at one time: a radar's late plot taken by reprocessing gives the track a
    // second estimate at its newest plot's time (docs/service.md, "Out of sequence"). The k-th record of a
    // (track, time) is the k-th stream event of that track at that time: both follow the engine's order.
    const used = new Set<Msg>();
    let records = 0;
    for (const row of rows) {
      const [tn, tod, lat, lon] = row;
      for (let i = 0; i < tn!.length; i++) {
        records++;
        const n = Number(tn![i]);
        const t = Number(tod![i]);
        const match = tracks.find((m) => !used.has(m) && m['trackId'] === n && Math.abs(timeOfDay(m.t) - t) <= 1 / 128);
        expect(match, `CAT062 track ${n} at ${t}`).toBeDefined();
        used.add(match!);
        // the stream rounds to 1e-7°, the CAT062 LSB is 180/2^25 ≈ 5.4e-6°
        expect(Math.abs(Number(lat![i]) - (match!['lat'] as number))).toBeLessThanOrEqual(LATLON_LSB_DEG + 1e-7);
        expect(Math.abs(Number(lon![i]) - (match!['lon'] as number))).toBeLessThanOrEqual(LATLON_LSB_DEG + 1e-7);
      }
    }
    expect(records).toBe(tracks.length);
  });

  it('sends Cursor-on-Target over UDP: schema-valid, the rockets as hostile munitions with impact and launch points', () => {
    const xml = cot.datagrams.map((d) => Buffer.from(d.payload).toString('utf8'));
    expect(xml.length).toBeGreaterThan(0);
    const types = xml.map((x) => /<event [^>]*type="([^"]+)"/.exec(x)?.[1]);
    expect(types).toContain('a-h-A-W-M-S-S');
    expect(types.some((t) => t?.startsWith('b-d-i'))).toBe(true);
    expect(types.some((t) => t?.startsWith('b-d-l'))).toBe(true);
    expect(types).toContain('t-x-d-d'); // ended rounds removed
    const r = xmllint(xml, COT_XSD);
    expect(r.valid.every(Boolean), r.stderr.slice(0, 2000)).toBe(true);
    expect(r.status).toBe(0);
  });

  it('exposes counters as JSON and for Prometheus', async () => {
    const m = await getJson<Record<string, unknown>>(`${served.http}/api/metrics`);
    // every plot the radars sent was accepted, none rejected
    expect(sentPlots).toBeGreaterThan(40);
    expect(m['plotsAccepted']).toBe(sentPlots);
    expect(Object.values(m['rejected'] as Record<string, number>).every((n) => n === 0)).toBe(true);
    expect((m['tracks'] as Record<string, number>)['confirmedTotal']).toBeGreaterThanOrEqual(2);
    const prom = await (await fetch(`${served.http}/metrics`)).text();
    expect(prom).toMatch(/^tocsin_plots_accepted_total \d+/m);
    expect(prom).toMatch(/^tocsin_alert_latency_ms_count \d+/m);
    // --realtime: what the service says of its event-loop thread (the process's main thread) is what /proc says
    const sched = m['scheduling'] as { policy: string; priority: number; error?: string };
    if (process.platform === 'linux') {
      const p = threadPolicy(served.proc.pid!);
      if (sched.policy === 'fifo') expect(p).toEqual({ policy: SCHED_FIFO, priority: 10 });
      else expect([p.policy, sched.priority, sched.error!.length > 0]).toEqual([0, 0, true]);
      expect(prom).toMatch(new RegExp(`^tocsin_realtime_priority ${sched.priority}$`, 'm'));
    }
  });

  it('refuses state changes without the token', async () => {
    const res = await fetch(`${served.http}/api/sensors/lcmr-1`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"enabled":false}' });
    expect(res.status).toBe(401);
  });
});
