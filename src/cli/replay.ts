/**
 * `tocsin replay SCENARIO.yaml --to HOST:PORT [--speed X] [--loop] [--pause S] [--seed N] [--from HOST:PORT]`:
 * the sensor emulator. Runs the scenario once (src/service/replayer.ts: the whole engine, so rounds the simulated
 * interceptors shoot down stop producing plots), then plays its radar plots as ASTERIX CAT048 over UDP, re-timed
 * to now, in real time or X times faster: one datagram (or more, past 1472 bytes) per sensor per antenna
 * revolution (or sector), closed by a CAT034 north marker (sector crossing). Prints what it plays, progress on stderr, and what it sent; exits 0 when done (with --loop, on
 * SIGINT or SIGTERM). Timing and re-stamping: docs/replay.md.
 */
import { createSocket, type Socket } from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { Command } from 'commander';
import { InputError } from '../core/errors.js';
import { loadScenario } from '../scenario/load.js';
import { DEFAULT_LOOP_PAUSE, Replayer, replaySchedule, type ReplaySchedule, RADAR_LATENCY } from '../service/replayer.js';
import { startProgress } from './progress.js';

export interface ReplayOptions {
  to: HostPort;
  speed?: number;
  loop?: boolean;
  pause?: number;
  seed?: number;
  sectors?: number;
  from?: HostPort;
}

export interface HostPort {
  host: string;
  port: number;
}

/**
 * "HOST:PORT" (an IPv6 address in brackets: "[::1]:30048") → {host, port}. Throws an InputError naming `field`
 * on anything else, or a port outside minPort…65535.
 */
export function parseHostPort(v: string, field: string, minPort = 1): HostPort {
  const m = /^(?:\[([^\]\s]+)\]|([^:\s[\]]+)):(\d{1,5})$/.exec(v.trim());
  const port = m ? Number(m[3]) : NaN;
  if (!m || !(port >= minPort && port <= 65535)) {
    throw new InputError(`must be HOST:PORT with a port in ${minPort}…65535 (e.g. 127.0.0.1:30048, [::1]:30048), got "${v}"`, undefined, undefined, field);
  }
  return { host: (m[1] ?? m[2])!, port };
}

function parseNumber(v: string, field: string, ok: (x: number) => boolean, what: string): number {
  const x = Number(v);
  if (v.trim() === '' || !Number.isFinite(x) || !ok(x)) throw new InputError(`must be ${what}, got "${v}"`, undefined, undefined, field);
  return x;
}

const iso = (t: number): string => new Date(Math.round(t * 1000)).toISOString();
const fmt = (s: number): string => (s >= 100 ? s.toFixed(0) : s.toFixed(1));

/** The lines printed before playing: threats, sensors, duration, datagrams, where and how fast. */
export function describeReplay(sch: ReplaySchedule, datagrams: number, to: string, speed: number, loop: boolean): string {
  const span = sch.end - sch.start;
  const kills = sch.kills.length ? `, ${sch.kills.length} shot down (${sch.kills.map((k) => `${k.threatId} at +${fmt(k.t - sch.start)} s`).join(', ')})` : '';
  const sensors = sch.sensors.map((s) => `${s.id} (SAC/SIC ${s.sac}/${s.sic}, ${s.period} s revolution)`).join(', ');
  return (
    `replay ${sch.name} (seed ${sch.seed}): ${sch.threats} threat${sch.threats === 1 ? '' : 's'}${kills}\n` +
    `  sensors: ${sensors}\n` +
    `  ${fmt(span)} s of data: ${sch.plots} plots in ${sch.groups.length} ${sch.sectors === 1 ? 'revolutions' : `sectors (${sch.sectors} a revolution)`}, ` +
    `${datagrams} datagrams (CAT048 plots, each ${sch.sectors === 1 ? 'revolution closed by a CAT034 north marker' : 'sector closed by a CAT034 sector crossing or north marker'})\n` +
    `  to ${to} at ×${speed}${loop ? ', looping' : ''}: ${fmt(span / speed)} s${loop ? ' a pass' : ''}\n`
  );
}

/** Resolves the host once (so datagrams are never reordered by per-send lookups). */
async function resolve(hp: HostPort, field: string, family?: 4 | 6): Promise<{ address: string; family: 4 | 6 }> {
  if (isIP(hp.host)) return { address: hp.host, family: isIP(hp.host) as 4 | 6 };
  try {
    const r = await lookup(hp.host, family ? { family } : {});
    return { address: r.address, family: r.family as 4 | 6 };
  } catch (e) {
    throw new InputError(`cannot resolve "${hp.host}": ${(e as Error).message}`, undefined, undefined, field);
  }
}

function bind(socket: Socket, address: string, port: number): Promise<void> {
  return new Promise((ok, fail) => {
    const onError = (e: Error): void => fail(e);
    socket.once('error', onError);
    socket.bind(port, address, () => {
      socket.off('error', onError);
      ok();
    });
  });
}

export async function replayCommand(file: string, opts: ReplayOptions, stdout: NodeJS.WritableStream = process.stdout): Promise<void> {
  const speed = opts.speed ?? 1;
  const scenario = loadScenario(file);
  const from = opts.from ? await resolve(opts.from, '--from') : undefined;
  const to = await resolve(opts.to, '--to', from?.family);
  if (from && from.family !== to.family) {
    throw new InputError(`--from ${opts.from!.host} is IPv${from.family} but --to ${opts.to.host} is IPv${to.family}`, undefined, undefined, '--from');
  }

  const simulating = startProgress(`simulate ${scenario.name}`);
  let schedule: ReplaySchedule;
  try {
    schedule = replaySchedule(scenario, {
      ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
      ...(opts.sectors !== undefined ? { sectors: opts.sectors } : {}),
      onProgress: (f) => simulating.update(f),
    });
  } finally {
    simulating.stop();
  }

  const socket = createSocket(to.family === 6 ? 'udp6' : 'udp4');
  let pending = 0;
  let sendError: Error | undefined;
  let drained: (() => void) | undefined;
  const toText = to.family === 6 ? `[${to.address}]:${opts.to.port}` : `${to.address}:${opts.to.port}`;
  let replayer: Replayer | undefined;
  const onSignal = (): void => replayer?.stop();
  try {
    if (from) await bind(socket, from.address, opts.from!.port);
    socket.on('error', (e) => {
      sendError ??= e;
      replayer?.stop();
    });
    const playing = opts.loop ? undefined : startProgress(`replay ${scenario.name}`);
    let passes = 0;
    replayer = new Replayer(
      schedule,
      (dg) => {
        pending++;
        socket.send(dg, opts.to.port, to.address, (err) => {
          pending--;
          if (err) {
            sendError ??= err;
            replayer?.stop();
          }
          if (pending === 0) drained?.();
        });
      },
      {
        speed,
        latency: RADAR_LATENCY,
        loop: opts.loop === true,
        ...(opts.pause !== undefined ? { pause: opts.pause } : {}),
        onProgress: (st) => {
          playing?.update(st.fraction);
          if (opts.loop && st.loops > passes) {
            passes = st.loops;
            process.stderr.write(`replay ${scenario.name}: pass ${passes} done, ${st.sent} datagrams sent\n`);
          }
        },
      },
    );
    stdout.write(describeReplay(schedule, replayer.datagramsPerPass, toText, speed, opts.loop === true));
    const t0 = replayer.clock.now();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    try {
      await replayer.start();
    } finally {
      playing?.stop();
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
    if (pending > 0) await new Promise<void>((ok) => (drained = ok));
    if (sendError) throw sendError;
    const st = replayer.status();
    const span = st.sent > 0 ? `; data time ${iso(t0)} → ${iso(st.lastSendAt)}` : '';
    stdout.write(`sent ${st.sent} datagrams, ${st.plots} plots to ${toText}${span}\n`);
  } finally {
    socket.close();
  }
}

export function register(program: Command): void {
  program
    .command('replay')
    .description(
      "sensor emulator: play a scenario's radar plots as ASTERIX CAT048 over UDP, re-timed to now, in real time or X times faster " +
        '(one datagram per sensor per antenna revolution, or per sector with --sectors, each closed by a CAT034 north marker or sector crossing; ' +
        'rounds shot down by the simulated interceptors stop producing plots)',
    )
    .argument('<scenario>', 'scenario YAML file (e.g. scenarios/2021-12-19-green-zone-rockets.yaml)')
    .requiredOption('--to <host:port>', 'where to send the datagrams (e.g. 127.0.0.1:30048, the default CAT048 input of `tocsin serve`)', (v) => parseHostPort(v, '--to'))
    .option('--speed <x>', 'play X times faster than real time (data time runs X × the wall clock); default 1', (v) =>
      parseNumber(v, '--speed', (x) => x > 0 && x <= 1e6, 'a number > 0 (and ≤ 1000000)'),
    )
    .option('--loop', 'play the scenario again and again (re-timed each pass, data time only moves forward) until interrupted')
    .option('--pause <s>', `with --loop: seconds of data time between passes (default ${DEFAULT_LOOP_PAUSE})`, (v) =>
      parseNumber(v, '--pause', (x) => x >= 0, 'seconds ≥ 0'),
    )
    .option('--seed <n>', "random seed (overrides the scenario's)", (v) => parseNumber(v, '--seed', (x) => Number.isInteger(x) && /^-?\d+$/.test(v.trim()), 'an integer'))
    .option('--from <host:port>', 'local address to send from (bind); port 0: any', (v) => parseHostPort(v, '--from', 0))
    .option('--sectors <n>', 'datagrams per antenna revolution: each sends the plots of 1/N of a turn once the beam has passed it (default 1)', (v) =>
      parseNumber(v, '--sectors', (x) => Number.isInteger(x) && x >= 1 && x <= 360, 'a whole number from 1 to 360'),
    )
    .action(async (file: string, opts: ReplayOptions) => {
      await replayCommand(file, opts);
    });
}
