/** `tocsin serve` configuration: bad options are exit-2 errors naming the option; defaults as documented. */
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { serveConfig, type ServeOptions } from '../../src/cli/serve.js';
import { runCli } from './run-cli.js';

const base: ServeOptions = {
  site: 'scenarios/sites/green-zone.yaml',
  db: ':memory:',
  http: '127.0.0.1:8080',
  asterixIn: '127.0.0.1:30048',
  clock: 'wall',
  maxLead: '3600',
  speed: '1',
  pause: '20',
  logLevel: 'silent',
  incidentGap: '120',
};

describe('tocsin serve options', () => {
  it('defaults to loopback, no met, a generated token', () => {
    const { cfg, tokenGenerated } = serveConfig(base);
    expect(cfg.http).toEqual({ host: '127.0.0.1', port: 8080 });
    expect(cfg.asterixIn).toEqual({ host: '127.0.0.1', port: 30048 });
    expect(cfg.met).toBeUndefined();
    expect(tokenGenerated || process.env['TOCSIN_TOKEN'] !== undefined).toBe(true);
    expect(cfg.token!.length).toBeGreaterThanOrEqual(16);
  });

  it('takes the met message: --wind 3@315 is a wind from the north-west (blowing to the south-east)', () => {
    const { cfg } = serveConfig({ ...base, wind: '3@315', temperatureOffset: '-5' });
    expect(cfg.met!.windEast).toBeCloseTo(3 * Math.SQRT1_2, 9);
    expect(cfg.met!.windNorth).toBeCloseTo(-3 * Math.SQRT1_2, 9);
    expect(cfg.met!.temperatureOffsetK).toBe(-5);
  });

  it('--realtime: off unless asked; the flag alone is SCHED_FIFO priority 10, a value its own priority', () => {
    expect(serveConfig(base).cfg.realtime).toBeUndefined();
    expect(serveConfig({ ...base, realtime: true }).cfg.realtime).toBe(10);
    expect(serveConfig({ ...base, realtime: '40' }).cfg.realtime).toBe(40);
  });

  it("a replay uses its scenario's site and environment", () => {
    const { cfg } = serveConfig({ ...base, site: undefined, replay: 'scenarios/2021-12-19-green-zone-rockets.yaml' } as ServeOptions);
    expect(cfg.site.name).toBe('Baghdad International Zone');
    expect(cfg.met!.temperatureOffsetK).toBe(-5);
    expect(cfg.replay!.speed).toBe(1);
  });

  it.each([
    [{ wind: '3 from 315' }, '--wind'],
    [{ temperatureOffset: '100' }, '--temperature-offset'],
    [{ speed: '0' }, '--speed'],
    [{ clock: 'sundial' }, '--clock'],
    [{ http: '127.0.0.1' }, '--http'],
    [{ incidentGap: '-1' }, '--incident-gap'],
    [{ site: undefined }, '--site'],
    [{ realtime: '0' }, '--realtime'],
    [{ realtime: '100' }, '--realtime'],
    [{ realtime: 'high' }, '--realtime'],
  ])('refuses %j naming %s', (over, field) => {
    let err: unknown;
    try {
      serveConfig({ ...base, ...over } as ServeOptions);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).format()).toContain(field);
  });

  it('exits 2 on bad usage', async () => {
    const r = await runCli(['serve', '--site', 'scenarios/sites/green-zone.yaml', '--db', ':memory:', '--wind', 'calm']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--wind');
  });
});
