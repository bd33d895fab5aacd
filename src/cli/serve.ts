/**
 * `tocsin serve --site SITE.yaml [--db FILE] [--http HOST:PORT] [--asterix-in HOST:PORT] [--asterix-out HOST:PORT]
 * [--cot-out HOST:PORT] [--cot-tcp HOST:PORT] …`: the live service (design.md §4.1, §4.3; src/service/).
 * Runs until SIGINT or SIGTERM. Binds to loopback unless told otherwise.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { pino } from 'pino';
import { InputError } from '../core/errors.js';
import { loadScenario, loadSite } from '../scenario/load.js';
import { windVector } from '../scenario/scenario-build.js';
import type { Met } from '../engine/engine.js';
import { isRtPriority } from '../service/realtime.js';
import { Service, sessionToken, type ServeConfig } from '../service/service.js';
import { parseHostPort } from './replay.js';

export interface ServeOptions {
  site?: string;
  db: string;
  http: string;
  asterixIn: string;
  asterixOut?: string;
  cotOut?: string;
  cotTcp?: string;
  capDir?: string;
  capSender?: string;
  tokenFile?: string;
  allowSource?: string[];
  clock: string;
  maxLead: string;
  replay?: string;
  speed: string;
  loop?: boolean;
  pause: string;
  web?: string;
  tileUrl?: string;
  logLevel: string;
  incidentGap: string;
  wind?: string;
  temperatureOffset?: string;
  /** true (the flag alone: priority 10) or the priority given */
  realtime?: boolean | string;
}

/** `--realtime` alone: above every normal thread, below the kernel's threaded interrupt handlers (50). */
export const DEFAULT_RT_PRIORITY = 10;

/** The display's build, next to the package (dist/src/cli → web/dist, or src/cli → web/dist). */
function defaultWebRoot(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const up of ['../../../web/dist', '../../web/dist']) {
    const p = resolve(here, up);
    try {
      readFileSync(join(p, 'index.html'));
      return p;
    } catch {
      /* try the next */
    }
  }
  return resolve(here, '../../../web/dist');
}

function isLoopback(host: string): boolean {
  return host === '127.0.0.1' || host === '::1' || host === 'localhost' || host.startsWith('127.');
}

export function serveConfig(opts: ServeOptions): { cfg: ServeConfig; tokenGenerated: boolean } {
  const logger = pino({ level: opts.logLevel, redact: { paths: ['token', 'authorization', '*.authorization', 'req.headers.authorization'], censor: '[redacted]' } });
  if (!opts.site && !opts.replay) throw new InputError('give --site SITE.yaml (or --replay SCENARIO.yaml, whose site is used)', undefined, undefined, '--site');
  const scenario = opts.replay ? loadScenario(opts.replay) : undefined;
  const site = opts.site ? loadSite(opts.site) : scenario!.site;
  const speed = Number(opts.speed);
  if (!(speed > 0 && speed <= 1000)) throw new InputError(`--speed must be a number in (0, 1000], got ${opts.speed}`, undefined, undefined, '--speed');
  const pause = Number(opts.pause);
  if (!(pause >= 0)) throw new InputError(`--pause must be seconds ≥ 0, got ${opts.pause}`, undefined, undefined, '--pause');
  const maxLead = Number(opts.maxLead);
  if (!(maxLead >= 0)) throw new InputError(`--max-lead must be seconds ≥ 0, got ${opts.maxLead}`, undefined, undefined, '--max-lead');
  const incidentGap = Number(opts.incidentGap);
  if (!(incidentGap > 0)) throw new InputError(`--incident-gap must be seconds > 0, got ${opts.incidentGap}`, undefined, undefined, '--incident-gap');
  if (opts.clock !== 'wall' && opts.clock !== 'follow') throw new InputError(`--clock must be wall or follow, got ${opts.clock}`, undefined, undefined, '--clock');
  let token = process.env['TOCSIN_TOKEN'] || undefined;
  if (opts.tokenFile) {
    try {
      token = readFileSync(opts.tokenFile, 'utf8').trim();
    } catch (e) {
      throw new InputError(`cannot read the token file: ${(e as Error).message}`, opts.tokenFile, undefined, '--token-file');
    }
    if (token.length < 16) throw new InputError('the token must be at least 16 characters', opts.tokenFile, undefined, '--token-file');
  }
  const tokenGenerated = token === undefined;
  token ??= sessionToken();
  const http = parseHostPort(opts.http, '--http', 0);
  const asterixIn = parseHostPort(opts.asterixIn, '--asterix-in', 0);
  for (const [name, hp] of [['--http', http], ['--asterix-in', asterixIn]] as const) {
    if (!isLoopback(hp.host)) logger.warn({ option: name, host: hp.host }, 'binding beyond loopback, as told');
  }
  const db = opts.db;
  const cfg: ServeConfig = {
    site,
    db,
    http,
    asterixIn,
    capDir: opts.capDir ?? (db === ':memory:' ? join(process.cwd(), 'alerts') : join(dirname(resolve(db)), 'alerts')),
    capSender: opts.capSender ?? 'tocsin@localhost',
    token,
    clock: opts.clock,
    maxLead,
    webRoot: opts.web ?? defaultWebRoot(),
    logger,
    incidentGap,
  };
  const met = metOf(opts, scenario?.environment);
  if (met) cfg.met = met;
  if (opts.asterixOut) cfg.asterixOut = parseHostPort(opts.asterixOut, '--asterix-out');
  if (opts.cotOut) cfg.cotOut = parseHostPort(opts.cotOut, '--cot-out');
  if (opts.cotTcp) cfg.cotTcp = parseHostPort(opts.cotTcp, '--cot-tcp');
  if (opts.allowSource?.length) cfg.allowSources = opts.allowSource;
  if (opts.tileUrl) cfg.tileUrl = opts.tileUrl;
  if (scenario) cfg.replay = { scenario, speed, loop: opts.loop === true, pause };
  if (opts.realtime !== undefined && opts.realtime !== false) {
    const prio = opts.realtime === true ? DEFAULT_RT_PRIORITY : Number(opts.realtime);
    if (!isRtPriority(prio)) {
      throw new InputError(`--realtime takes a SCHED_FIFO priority, an integer in 1..99, got ${String(opts.realtime)}`, undefined, undefined, '--realtime');
    }
    cfg.realtime = prio;
  }
  return { cfg, tokenGenerated };
}

/** The met message from --wind / --temperature-offset; a replay defaults to its scenario's environment. */
function metOf(opts: ServeOptions, scenarioMet: Met | undefined): Met | undefined {
  if (opts.wind === undefined && opts.temperatureOffset === undefined) return scenarioMet;
  let wind = { windEast: 0, windNorth: 0 };
  if (opts.wind !== undefined) {
    const m = /^\s*([0-9.]+)\s*@\s*([0-9.]+)\s*$/.exec(opts.wind);
    const speed = m ? Number(m[1]) : NaN;
    const from = m ? Number(m[2]) : NaN;
    if (!(speed >= 0 && speed < 100 && from >= 0 && from <= 360)) {
      throw new InputError(`--wind must be SPEED@FROM (m/s, degrees the wind blows from), e.g. 3@315; got ${opts.wind}`, undefined, undefined, '--wind');
    }
    wind = windVector(speed, from);
  }
  const dT = opts.temperatureOffset === undefined ? 0 : Number(opts.temperatureOffset);
  if (!(Math.abs(dT) <= 40)) throw new InputError(`--temperature-offset must be kelvin within ±40 of ISA, got ${opts.temperatureOffset}`, undefined, undefined, '--temperature-offset');
  return { ...wind, temperatureOffsetK: dT };
}

/** Starts the service; resolves when it has stopped (SIGINT / SIGTERM). */
export async function serveCommand(opts: ServeOptions, stdout: NodeJS.WritableStream = process.stdout): Promise<void> {
  const { cfg, tokenGenerated } = serveConfig(opts);
  const service = new Service(cfg);
  await service.start();
  const h = service.httpAddress!;
  const a = service.asterixAddress!;
  const base = `http://${h.host.includes(':') ? `[${h.host}]` : h.host}:${h.port}`;
  stdout.write(
    [
      `tocsin serving ${cfg.site.name}`,
      `  display     ${base}/` + (tokenGenerated ? `#token=${cfg.token}` : ''),
      `  API         ${base}/api/health   (stream: ws://${base.slice(7)}/api/stream, metrics: ${base}/metrics)`,
      `  CAT048 in   udp ${a.host}:${a.port}`,
      cfg.asterixOut ? `  CAT062 out  udp ${cfg.asterixOut.host}:${cfg.asterixOut.port}` : undefined,
      cfg.cotOut ? `  CoT out     udp ${cfg.cotOut.host}:${cfg.cotOut.port}` : undefined,
      cfg.cotTcp ? `  CoT out     tcp ${cfg.cotTcp.host}:${cfg.cotTcp.port}` : undefined,
      `  journal     ${cfg.db}   CAP files: ${cfg.capDir}`,
      tokenGenerated ? '  token       generated for this session (in the display link above; set TOCSIN_TOKEN or --token-file to fix one)' : '  token       from ' + (opts.tokenFile ?? 'TOCSIN_TOKEN'),
      cfg.replay ? `  replaying   ${cfg.replay.scenario.name} at ${cfg.replay.speed}×${cfg.replay.loop ? ', in a loop' : ''}` : undefined,
      '',
    ]
      .filter((l) => l !== undefined)
      .join('\n') + '\n',
  );
  await new Promise<void>((res) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void service.stop().then(res);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

export function register(program: Command): void {
  program
    .command('serve')
    .description('the live service: CAT048 over UDP in; tracks, predictions, alerts out (WebSocket/REST, CAT062, CoT, CAP); SQLite journal; the operator display at /')
    .option('--site <file>', 'site YAML file (sensors by SAC/SIC, zones, assets, interceptors)')
    .option('--db <file>', 'SQLite journal (WAL); ":memory:" for none', './tocsin.db')
    .option('--http <host:port>', 'HTTP API, WebSocket stream and display', '127.0.0.1:8080')
    .option('--asterix-in <host:port>', 'UDP address for ASTERIX CAT048 plots and CAT034 north markers / sector crossings', '127.0.0.1:30048')
    .option('--asterix-out <host:port>', 'send CAT062 system tracks to this UDP address')
    .option('--cot-out <host:port>', 'send Cursor-on-Target events to this UDP address (e.g. 239.2.3.1:6969 for TAK multicast)')
    .option('--cot-tcp <host:port>', 'stream Cursor-on-Target events to a TAK server over TCP')
    .option('--cap-dir <dir>', 'write each alert message as <dir>/<messageId>.cap.xml (default: alerts/ beside the journal)')
    .option('--cap-sender <id>', 'CAP <sender> of the alerts', 'tocsin@localhost')
    .option('--token-file <file>', 'bearer token for the state-changing endpoints (else $TOCSIN_TOKEN, else one is generated per session)')
    .option('--allow-source <ip...>', 'accept CAT048 only from these source addresses')
    .option('--clock <wall|follow>', 'wall: the machine clock; follow: also follow data running ahead (a replay faster than real time)', 'wall')
    .option('--max-lead <s>', 'follow clock: how far data may pull it ahead of the wall clock', '3600')
    .option('--replay <scenario>', "play a scenario into the service's own input (demo; its site is used unless --site is given)")
    .option('--speed <x>', 'replay speed', '1')
    .option('--loop', 'replay in a loop')
    .option('--pause <s>', 'replay: seconds between loops', '20')
    .option('--web <dir>', 'folder of the built operator display (default: web/dist of this package)')
    .option('--tile-url <url>', 'raster tile URL template ({z}/{x}/{y}) for the display, for sites with their own tile server')
    .option('--incident-gap <s>', 'seconds without activity that close an incident (its report is then final)', '120')
    .option('--wind <speed@from>', 'met: surface wind for the filter, m/s @ degrees it blows from (e.g. 3@315); a replay uses its scenario\'s')
    .option('--temperature-offset <K>', 'met: temperature offset from ISA, kelvin')
    .option('--realtime [priority]', `run the event-loop thread (datagram in → warning out) under SCHED_FIFO at this priority, 1–99 (default ${DEFAULT_RT_PRIORITY}); needs CAP_SYS_NICE or an rtprio limit, else it runs on at normal priority with a warning`)
    .option('--log-level <level>', 'pino log level', 'info')
    .action(async (opts: ServeOptions) => {
      await serveCommand(opts);
    });
}
