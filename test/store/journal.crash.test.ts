/**
 * The journal survives SIGKILL: a child process (node on the compiled journal in dist/, built by the tests'
 * global setup) appends batches as fast as it can and prints each seq once appendBatch has returned; it is
 * killed part-way, several times over, each child continuing the same file. After each kill the reopened
 * journal holds every batch reported, numbered 1…lastSeq without a gap, each exactly the batch its seq
 * stands for (no torn batch, whatever the kill interrupted).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Journal } from '../../src/store/journal.js';
import type { Plot } from '../../src/sense/plot.js';

const COMPILED = resolve('dist/src/store/journal.js');

/**
 * The batch of a seq, the same in the child and here. Sizes vary (1 to 2000 plots, a 2000-plot batch being
 * 84 kB: a kill lands in the middle of some writes); a new sensor appears every 50 batches.
 */
const BATCH_OF = `
function batchOf(seq) {
  const n = seq % 9 === 0 ? 2000 : 1 + (seq % 4) * 17;
  const plots = [];
  for (let k = 0; k < n; k++) {
    const p = { t: seq + k * 1e-4, sensorId: 'radar-' + (k % 2 === 0 ? 0 : Math.floor(seq / 50)), sac: 25, sic: k % 2,
      range: 1000 + seq * 0.1 + k / 3, az: Math.sin(seq + k), el: 1 / (1 + seq + k) };
    if (k % 3 !== 0) p.rangeRate = -k / 7;
    plots.push(p);
  }
  return { until: seq + 1, plots };
}`;

const batchOf = new Function(`${BATCH_OF}; return batchOf;`)() as (seq: number) => { until: number; plots: Plot[] };

const CHILD = `
import { Journal } from ${JSON.stringify(pathToFileURL(COMPILED).href)};
${BATCH_OF}
const journal = Journal.open(process.argv[2]);
for (let seq = journal.lastSeq() + 1; ; seq++) {
  const b = batchOf(seq);
  const got = journal.appendBatch(b.until, b.plots);
  if (got !== seq) throw new Error('seq ' + got + ', expected ' + seq);
  process.stdout.write(got + '\\n'); // synchronous on a pipe (Linux): reported before the next append
}
`;

/** Runs a child on the file and SIGKILLs it once it has reported `after` seqs; the seqs it reported. */
function appendUntilKilled(script: string, file: string, after: number): Promise<number[]> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [script, file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let killed = false;
    child.stdout.setEncoding('utf8').on('data', (s: string) => {
      out += s;
      if (!killed && out.split('\n').length > after) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.stderr.setEncoding('utf8').on('data', (s: string) => (err += s));
    child.on('error', fail);
    child.on('exit', (_code, signal) => {
      if (signal !== 'SIGKILL') return fail(new Error(`child ended without being killed: ${err}`));
      // a line cut by the kill is not a report
      done(out.split('\n').slice(0, -1).map(Number));
    });
  });
}

describe('Journal killed with SIGKILL', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tocsin-journal-crash-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps every batch whose append returned, and no torn batch', async () => {
    expect(existsSync(COMPILED), `${COMPILED} (built by test/global-setup.ts)`).toBe(true);
    const script = join(dir, 'child.mjs');
    writeFileSync(script, CHILD);
    const file = join(dir, 'journal.db');
    let reported: number[] = [];
    let lastSeen = 0;
    for (const after of [150, 400, 250]) {
      const round = await appendUntilKilled(script, file, after);
      expect(round.length).toBeGreaterThanOrEqual(after);
      // each child continues where the journal ends, one seq per append
      expect(round).toEqual(Array.from({ length: round.length }, (_, i) => lastSeen + 1 + i));
      reported = reported.concat(round);

      const j = Journal.open(file, { readonly: true });
      const last = j.lastSeq();
      expect(last).toBeGreaterThanOrEqual(Math.max(...reported));
      const seqs: number[] = [];
      for (const b of j.batchesAfter(0)) {
        seqs.push(b.seq);
        const want = batchOf(b.seq);
        expect(b.until).toBe(want.until);
        expect(b.plots).toEqual(want.plots);
      }
      expect(seqs).toEqual(Array.from({ length: last }, (_, i) => i + 1));
      j.close();
      lastSeen = last;
    }
  });
});
