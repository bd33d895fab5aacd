/**
 * `tocsin replay` over real loopback UDP: every datagram arrives, decodes, keeps each sensor's order, and carries
 * the simulated plots re-stamped to the time the replay started, each revolution closed by a CAT034 north
 * marker; bad addresses and speeds exit 2.
 * No wall-time assertions beyond "the re-stamped start lies between before and after the command".
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseHostPort } from '../../src/cli/replay.js';
import { InputError } from '../../src/core/errors.js';
import type { ServiceMessage } from '../../src/io/asterix/cat034.js';
import { sensorTable } from '../../src/io/asterix/cat048.js';
import { decodeRadarDatagram } from '../../src/io/asterix/radar.js';
import { createRejectCounter } from '../../src/io/asterix/rejects.js';
import { loadScenario } from '../../src/scenario/load.js';
import type { Plot } from '../../src/sense/plot.js';
import type { PlotEvent } from '../../src/sim/events.js';
import { simulateScenario } from '../../src/sim/run.js';
import { runCli } from './run-cli.js';

const SCENARIO_FILE = 'scenarios/2021-12-19-green-zone-rockets.yaml';
const SCENARIO = loadScenario(SCENARIO_FILE);

function bound(sock: Socket, port = 0): Promise<number> {
  return new Promise((ok) => sock.bind(port, '127.0.0.1', () => ok(sock.address().port)));
}

describe('tocsin replay', () => {
  let rx: Socket;
  let port: number;
  const got: { msg: Buffer; rinfo: RemoteInfo; at: number }[] = [];
  beforeAll(async () => {
    rx = createSocket('udp4');
    rx.on('message', (msg, rinfo) => got.push({ msg, rinfo, at: Date.now() / 1000 }));
    port = await bound(rx);
  });
  afterAll(() => rx.close());

  it('plays every plot as CAT048 to HOST:PORT from the --from address, in order per sensor, re-stamped to now', async () => {
    // a free local port to send from
    const probe = createSocket('udp4');
    const fromPort = await bound(probe);
    await new Promise<void>((ok) => probe.close(() => ok()));

    const before = Date.now() / 1000;
    const r = await runCli(['replay', SCENARIO_FILE, '--to', `127.0.0.1:${port}`, '--speed', '50', '--from', `127.0.0.1:${fromPort}`]);
    const after = Date.now() / 1000;
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain(`to 127.0.0.1:${port} at ×50`);
    expect(r.out).toMatch(/2 threats, 1 shot down/);
    const announced = Number(/(\d+) datagrams \(CAT048 plots/.exec(r.out)?.[1]);
    const sent = Number(/sent (\d+) datagrams/.exec(r.out)?.[1]);
    expect(sent).toBe(announced);
    // loopback delivery is asynchronous: give the last datagrams a moment
    for (let i = 0; i < 100 && got.length < sent; i++) await new Promise((ok) => setTimeout(ok, 20));
    expect(got.length).toBe(sent);
    for (const g of got) expect(g.rinfo).toMatchObject({ address: '127.0.0.1', port: fromPort });

    // independent truth: the same run's plot events
    const ref = simulateScenario(SCENARIO, { keepPlots: true }).events.filter((e): e is PlotEvent => e.type === 'plot');
    const sensors = sensorTable(SCENARIO.site.sensors);
    const decoded: Plot[] = [];
    const rejects = createRejectCounter();
    const last = new Map<string, number>();
    const markers: ServiceMessage[] = [];
    for (const g of got) {
      const plots: Plot[] = [];
      const messages: ServiceMessage[] = [];
      decodeRadarDatagram(new Uint8Array(g.msg), { sensors, referenceTime: g.at }, plots, messages, rejects);
      // a sensor's plots and markers in time order: no plot after the marker that closed its revolution
      for (const p of [...plots, ...messages]) {
        expect(p.t).toBeGreaterThanOrEqual(last.get(p.sensorId) ?? -Infinity);
        last.set(p.sensorId, p.t);
      }
      decoded.push(...plots);
      markers.push(...messages);
    }
    expect(rejects.total).toBe(0);
    expect(decoded.length).toBe(ref.length);
    // a north marker a revolution per radar (lcmr-1 1 s, tpq50-1 2 s)
    const span = Math.max(...ref.map((e) => e.t)) - SCENARIO.start;
    for (const [id, period] of [['lcmr-1', 1], ['tpq50-1', 2]] as const) {
      const n = markers.filter((m) => m.sensorId === id && m.type === 1).length;
      expect(n).toBeGreaterThanOrEqual(Math.floor(span / period));
    }

    // per sensor, in time order, the decoded plot is the simulated one shifted by one offset: base − start
    const bases: number[] = [];
    for (const id of ['lcmr-1', 'tpq50-1']) {
      const mine = decoded.filter((p) => p.sensorId === id).sort((a, b) => a.t - b.t);
      const theirs = ref.filter((e) => e.sensor === id).sort((a, b) => a.t - b.t);
      expect(mine.length).toBe(theirs.length);
      expect(mine.length).toBeGreaterThan(0);
      mine.forEach((p, i) => {
        expect(Math.abs(p.range - theirs[i]!.range)).toBeLessThan(4);
        bases.push(p.t - (theirs[i]!.t - SCENARIO.start));
      });
    }
    const base = bases[0]!;
    for (const b of bases) expect(Math.abs(b - base)).toBeLessThanOrEqual(1 / 128 + 1e-6);
    // re-stamped to the moment the replay began (the date comes from the receiver's clock)
    expect(base).toBeGreaterThanOrEqual(before - 0.01);
    expect(base).toBeLessThanOrEqual(after + 0.01);
  });

  it('exits 2 with a clear message on a bad HOST:PORT or speed', async () => {
    const cases: [string[], RegExp][] = [
      [['--to', '127.0.0.1:99999'], /--to: must be HOST:PORT/],
      [['--to', 'localhost'], /--to: must be HOST:PORT/],
      [['--to', '::1:30048'], /--to: must be HOST:PORT/],
      [['--to', '127.0.0.1:30048', '--speed', '0'], /--speed: must be a number > 0/],
      [['--to', '127.0.0.1:30048', '--speed', 'fast'], /--speed: must be a number > 0/],
      [['--to', '127.0.0.1:30048', '--pause', '-1'], /--pause: must be seconds ≥ 0/],
      [['--to', '127.0.0.1:30048', '--from', '127.0.0.1'], /--from: must be HOST:PORT/],
      [[], /--to/],
    ];
    for (const [args, msg] of cases) {
      const r = await runCli(['replay', SCENARIO_FILE, ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err).toMatch(msg);
    }
    const missing = await runCli(['replay', 'no-such-scenario.yaml', '--to', '127.0.0.1:30048']);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('no-such-scenario.yaml');
  });

  it('parses HOST:PORT, IPv6 in brackets', () => {
    expect(parseHostPort('127.0.0.1:30048', '--to')).toEqual({ host: '127.0.0.1', port: 30048 });
    expect(parseHostPort('[::1]:8', '--to')).toEqual({ host: '::1', port: 8 });
    expect(parseHostPort('radar.local:1', '--to')).toEqual({ host: 'radar.local', port: 1 });
    expect(parseHostPort('0.0.0.0:0', '--from', 0)).toEqual({ host: '0.0.0.0', port: 0 });
    expect(() => parseHostPort('0.0.0.0:0', '--to')).toThrow(InputError);
  });
});
