/**
 * WAL checkpoints off the service's thread. SQLite copies the write-ahead log back into the database file
 * (and fsyncs both) at a commit that finds the log past 1,000 pages: 5–20 ms on the thread that happens to
 * commit — in the live service, often the transaction that journals an alert on its way to the sirens. With a
 * checkpointer the journal's own connection checkpoints only past a safety limit (journal.ts,
 * SAFETY_CHECKPOINT_PAGES); a worker thread with its own connection to the same file runs PASSIVE checkpoints
 * on a timer. PASSIVE never blocks the writer:
 * it copies what no reader still needs, and the writer restarts the log from its start once all of it is back
 * in the database. If the worker fails, the journal's connection checkpoints itself again (the old way).
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** The worker, as CommonJS source (an eval'd worker: the same code runs from src/ under the tests and from dist/). */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 100');
const timer = setInterval(() => {
  try {
    const [r] = db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ log: r.log, checkpointed: r.checkpointed });
  } catch (e) {
    parentPort.postMessage({ error: e.message });
  }
}, workerData.everyMs);
parentPort.on('message', (m) => {
  if (m !== 'stop') return;
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

export interface CheckpointStats {
  /** checkpoints run by the worker */
  runs: number;
  /** pages in the log at the last one, and how many of them it had copied back */
  log: number;
  checkpointed: number;
  /** checkpoints that failed (busy, I/O), with the last message */
  errors: number;
  lastError?: string;
}

export class WalCheckpointer {
  readonly stats: CheckpointStats = { runs: 0, log: 0, checkpointed: 0, errors: 0 };
  private readonly worker: Worker;
  private stopped = false;

  /**
   * Starts the worker on `file` (a journal in WAL mode, already created); `onFailure` is called once if the
   * worker dies, so the caller can checkpoint on its own connection again.
   */
  constructor(file: string, everyMs: number, onFailure: (err: Error) => void) {
    const module = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(WORKER, { eval: true, workerData: { file, everyMs, module } });
    this.exited = new Promise<void>((res) => this.worker.once('exit', () => res()));
    this.worker.on('message', (m: { log?: number; checkpointed?: number; error?: string }) => {
      if (m.error !== undefined) {
        this.stats.errors++;
        this.stats.lastError = m.error;
        return;
      }
      this.stats.runs++;
      this.stats.log = m.log ?? 0;
      this.stats.checkpointed = m.checkpointed ?? 0;
    });
    this.worker.on('error', (e) => {
      if (this.stopped) return;
      this.stopped = true;
      this.stats.errors++;
      this.stats.lastError = e.message;
      onFailure(e);
    });
    // (after the listeners, which would ref it again): the worker never keeps the process alive
    this.worker.unref();
  }

  /**
   * Asks the worker to stop: it finishes a checkpoint under way, closes its connection and exits (whichever
   * connection to the file closes last checkpoints what is left). Resolves when it has exited.
   */
  stop(): Promise<void> {
    if (this.stopped) return this.exited;
    this.stopped = true;
    this.worker.postMessage('stop');
    return this.exited;
  }

  private readonly exited: Promise<void>;
}
