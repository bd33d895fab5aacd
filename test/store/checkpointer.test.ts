/**
 * WAL checkpoints on a worker thread (src/store/checkpointer.ts): the journal's own connection checkpoints only
 * past a safety limit, the worker does — the log stops growing once it runs — nothing written is lost across a close
 * and a reopen, and a worker that cannot start hands checkpoints back to the journal's connection.
 */
import { statSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { WalCheckpointer } from '../../src/store/checkpointer.js';
import { Journal, SAFETY_CHECKPOINT_PAGES } from '../../src/store/journal.js';
import type { Plot } from '../../src/sense/plot.js';

const T0 = Date.UTC(2021, 11, 19, 3, 30) / 1000;

function plots(k: number, n: number): Plot[] {
  return Array.from({ length: n }, (_, i) => ({ t: T0 + k + i * 1e-3, sensorId: 'lcmr-1', sac: 25, sic: 1, range: 3000 + i + k * 0.25, az: 1 + i * 1e-4, el: 0.2 }));
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('WalCheckpointer', () => {
  it('the journal connection does not checkpoint; the worker does; the log stays bounded; nothing is lost', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'tocsin-ckpt-')), 'j.db');
    const j = Journal.open(file, { backgroundCheckpointMs: 50 });
    expect(j.checkpointer).toBeDefined();
    // the journal's own connection checkpoints only past the safety limit (64 MiB of log), far beyond this test
    expect((j as unknown as { db: Database.Database }).db.pragma('wal_autocheckpoint', { simple: true })).toBe(SAFETY_CHECKPOINT_PAGES);
    expect(SAFETY_CHECKPOINT_PAGES).toBeGreaterThan(6 * 1700);
    let written = 0;
    const walSizes: number[] = [];
    for (let round = 0; round < 6; round++) {
      // ≈ 1,700 pages (6.9 MB) of batches a round: past SQLite's own 1,000-page trigger each time; 6 rounds unchecked would reach ≈ 41 MB
      for (let k = 0; k < 400; k++) j.appendBatch(T0 + written + 1, plots(written++, 200));
      walSizes.push(statSync(`${file}-wal`).size);
      await sleep(200);
    }
    const st = j.checkpointer!.stats;
    expect(st.errors).toBe(0);
    expect(st.runs).toBeGreaterThan(5);
    expect(st.checkpointed).toBeGreaterThan(0);
    // the log is reused from its start after a complete checkpoint: it does not grow round after round
    expect(walSizes.at(-1)!).toBeLessThanOrEqual(2 * walSizes[0]!);
    j.close();
    await j.checkpointer!.stop();
    const again = Journal.open(file, { readonly: true });
    expect(again.lastSeq()).toBe(written);
    const last = [...again.batchesAfter(written - 1)];
    expect(last).toHaveLength(1);
    expect(last[0]!.plots.map((p) => p.range)).toEqual(plots(written - 1, 200).map((p) => p.range));
    again.close();
  });

  it('without it (the default) SQLite checkpoints at commits, as before', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'tocsin-ckpt-')), 'j.db');
    const j = Journal.open(file);
    expect(j.checkpointer).toBeUndefined();
    for (let k = 0; k < 2000; k++) j.appendBatch(T0 + k + 1, plots(k, 200));
    // auto-checkpoints at 1,000 pages keep reusing the log: it stays near that size
    expect(statSync(`${file}-wal`).size).toBeLessThan(3 * 1000 * 4096);
    j.close();
  });

  it('a worker that cannot open the file reports it once: the caller checkpoints again', async () => {
    const failed: Error[] = [];
    const c = new WalCheckpointer(join(tmpdir(), 'tocsin-no-such-dir', 'none.db'), 50, (e) => failed.push(e));
    for (let i = 0; i < 100 && failed.length === 0; i++) await sleep(20);
    expect(failed).toHaveLength(1);
    expect(failed[0]!.message).toMatch(/unable to open|directory does not exist|no such file/i);
    expect(c.stats.errors).toBe(1);
    await c.stop();
  });
});
