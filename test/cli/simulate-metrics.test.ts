/**
 * `tocsin simulate --metrics` on the 2021-12-19 incident: the tracking metrics come out with the report, the
 * NEES in total and by the track's update count, the age buckets adding up to the total.
 */
import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { simulateCommand } from '../../src/cli/simulate.js';
import type { MetricsResult } from '../../src/report/track-metrics.js';

async function run(json: boolean): Promise<string> {
  let text = '';
  const out = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString('utf8');
      done();
    },
  });
  await simulateCommand('scenarios/2021-12-19-green-zone-rockets.yaml', { metrics: true, json }, out);
  return text;
}

describe('simulate --metrics', () => {
  it('reports the NEES in total and by track age, the age buckets adding up to the total', async () => {
    const report = JSON.parse(await run(true)) as { metrics: MetricsResult };
    const n = report.metrics.nees;
    expect(n.updates).toBeGreaterThan(30);
    expect(n.byAge.map((b) => b.updates)).toEqual(['1–3', '4–7', '8–11', '12+']);
    expect(n.byAge.reduce((s, b) => s + b.n, 0)).toBe(n.updates);
    expect(n.byAge.reduce((s, b) => s + Math.round(b.fractionInBand * b.n), 0)).toBe(n.inBand);
    expect(n.byAge.reduce((s, b) => s + b.mean * b.n, 0)).toBeCloseTo(n.mean * n.updates, 6);
    for (const b of n.byAge) {
      expect(b.n).toBeGreaterThan(0);
      expect(b.fractionInBand + b.fractionAbove).toBeLessThanOrEqual(1);
    }
  });

  it('prints the age breakdown in the markdown report', async () => {
    const md = await run(false);
    expect(md).toMatch(/NEES by the track's update count: 1–3: \d+ updates, [\d.]+ % in the band/);
  });
});
