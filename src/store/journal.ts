/**
 * The live service's journal (design.md §4.4): one SQLite file, written through better-sqlite3 in WAL mode.
 *
 * Everything is journaled before it is published, so a service killed at any instant resumes with no alert
 * lost and none sent twice:
 * - every accepted plot batch (appendBatch, before the engine sees it), numbered seq = 1, 2, … (never reused,
 *   even once pruned), its plots as one compact blob (src/store/plot-blob.ts);
 * - the events each batch produced (record, one transaction): alert messages (keyed by messageId, so
 *   recording the same message again — a replay — is a no-op), engagements, the track state changes the
 *   caller keeps, incidents (upserted by incidentId as they grow);
 * - which alert messages were sent (markPublished), and a checkpoint (writeCheckpoint): the seq of the next
 *   batch plus the engine's id counters (opaque JSON), written while the engine is quiet.
 * On restart the service builds a fresh engine from the last checkpoint, replays batchesAfter(nextSeq − 1)
 * through it (the engine is deterministic: same tracks, alerts and incidents, same ids), sends nothing
 * already marked published and sends, once, what was journaled but not (unpublished()).
 *
 * Schema: a `schema_version` table (app 'tocsin-journal', version); a file without it is refused, as is one
 * from a newer schema. Recording is idempotent for every kind of event (alerts by messageId, engagements and
 * track events by content, incidents by id with the latest batch winning), so replayed batches may be
 * recorded again.
 */
import { statSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { Plot } from '../sense/plot.js';
import type { AlertEvent, EngagementEvent, SimEvent, TrackEvent } from '../sim/events.js';
import { InputError } from '../core/errors.js';
import { WalCheckpointer } from './checkpointer.js';
import { decodePlots, encodePlots, MAX_SENSOR_INDEX, type SensorRef } from './plot-blob.js';

/** One journaled plot batch: the plots measured up to `until` (UTC s), in the order given. */
export interface JournalBatch {
  seq: number;
  until: number;
  plots: Plot[];
}

/** Where a restart resumes: the batch to replay from, and the engine's state at that point. */
export interface Checkpoint {
  /** seq of the first batch not covered by `state` (the next one to replay) */
  nextSeq: number;
  /** UTC s the checkpoint stands for */
  t: number;
  /** JSON the service stores (the engine's and incident builder's id counters) */
  state: unknown;
}

export interface JournalStats {
  /** batches still held (pruned ones are gone) */
  batches: number;
  plots: number;
  /** alert messages */
  alerts: number;
  incidents: number;
  /** the database file plus its write-ahead log, bytes */
  bytes: number;
}

/** The `app` of the schema_version row: what makes an SQLite file a tocsin journal. */
export const JOURNAL_APP = 'tocsin-journal';
/** The schema this code writes and reads. */
export const JOURNAL_SCHEMA_VERSION = 1;

const SCHEMA = `
CREATE TABLE schema_version (app TEXT NOT NULL, version INTEGER NOT NULL, created REAL NOT NULL);
CREATE TABLE sensors (idx INTEGER PRIMARY KEY, sensor_id TEXT NOT NULL, sac INTEGER NOT NULL, sic INTEGER NOT NULL,
  UNIQUE (sensor_id, sac, sic));
CREATE TABLE batches (seq INTEGER PRIMARY KEY, until REAL NOT NULL, n INTEGER NOT NULL, plots BLOB NOT NULL);
CREATE TABLE alerts (id INTEGER PRIMARY KEY, message_id TEXT NOT NULL UNIQUE, alert_id TEXT NOT NULL, seq INTEGER NOT NULL,
  t REAL NOT NULL, open INTEGER NOT NULL, published_at REAL, json TEXT NOT NULL);
CREATE INDEX alerts_by_alert ON alerts (alert_id, id);
CREATE INDEX alerts_unpublished ON alerts (id) WHERE published_at IS NULL;
CREATE TABLE engagements (id INTEGER PRIMARY KEY, seq INTEGER NOT NULL, t REAL NOT NULL, track_id INTEGER NOT NULL,
  json TEXT NOT NULL UNIQUE);
CREATE TABLE track_events (id INTEGER PRIMARY KEY, seq INTEGER NOT NULL, t REAL NOT NULL, track_id INTEGER NOT NULL,
  status TEXT NOT NULL, json TEXT NOT NULL, UNIQUE (track_id, json));
CREATE TABLE incidents (id INTEGER PRIMARY KEY, incident_id TEXT NOT NULL UNIQUE, seq INTEGER NOT NULL, t REAL NOT NULL,
  json TEXT NOT NULL);
CREATE TABLE checkpoint (id INTEGER PRIMARY KEY CHECK (id = 1), next_seq INTEGER NOT NULL, t REAL NOT NULL, state TEXT NOT NULL);
`;

/** Rows read per query by batchesAfter (it holds no cursor open between batches). */
const PAGE = 256;

type Stmt = Database.Statement<unknown[]>;

interface BatchRow {
  seq: number;
  until: number;
  n: number;
  plots: Buffer;
}

function sqliteCode(err: unknown): string | undefined {
  return err instanceof Error && 'code' in err && typeof err.code === 'string' ? err.code : undefined;
}

function stringify(what: string, value: unknown): string {
  const s = JSON.stringify(value);
  if (typeof s !== 'string') throw new TypeError(`Journal: ${what} is not JSON`);
  return s;
}

/**
 * With a background checkpointer the journal's own connection still checkpoints once the log passes this many
 * pages (64 MiB): a writer that never pauses gives the worker's PASSIVE checkpoints no moment to let the log
 * start over, and the log must not grow without bound.
 */
export const SAFETY_CHECKPOINT_PAGES = 16384;

export class Journal {
  /** the file as given to open (or ':memory:') */
  readonly file: string;
  readonly readonly: boolean;
  private readonly db: Database.Database;
  private readonly st: Record<
    | 'insertBatch'
    | 'batchPage'
    | 'lastSeq'
    | 'insertSensor'
    | 'sensorIdx'
    | 'allSensors'
    | 'insertAlert'
    | 'insertEngagement'
    | 'insertTrack'
    | 'upsertIncident'
    | 'publish'
    | 'alertExists'
    | 'unpublished'
    | 'isPublished'
    | 'alerts'
    | 'activeAlerts'
    | 'alertMessage'
    | 'alertMessages'
    | 'incidents'
    | 'incident'
    | 'engagements'
    | 'trackEvents'
    | 'writeCheckpoint'
    | 'lastCheckpoint'
    | 'prune'
    | 'stats',
    Stmt
  >;
  /** sensor key → index, and index → sensor (both only for rows known committed) */
  private readonly sensorIndex = new Map<string, number>();
  private sensors: SensorRef[] = [];
  private scratch = new Uint16Array(256);
  /** the last seq this connection appended (read from the file before its first append) */
  private seq: number | undefined;
  private readonly recordTx: (seq: number, events: readonly SimEvent[]) => string[];
  private readonly publishTx: (ids: readonly string[], at: number) => void;
  /** WAL checkpoints on a worker thread (open's backgroundCheckpointMs); undefined: SQLite's own, at commits */
  checkpointer: WalCheckpointer | undefined;

  private constructor(file: string, db: Database.Database, readonly: boolean) {
    this.file = file;
    this.db = db;
    this.readonly = readonly;
    const p = (sql: string): Stmt => db.prepare(sql);
    this.st = {
      insertBatch: p('INSERT INTO batches (seq, until, n, plots) VALUES (?, ?, ?, ?)'),
      batchPage: p('SELECT seq, until, n, plots FROM batches WHERE seq > ? ORDER BY seq LIMIT ?'),
      // the last batch, or when it was pruned, the one before the checkpoint (prune keeps every later one)
      lastSeq: p('SELECT MAX(COALESCE((SELECT MAX(seq) FROM batches), 0), COALESCE((SELECT next_seq - 1 FROM checkpoint), 0))').pluck(),
      insertSensor: p('INSERT OR IGNORE INTO sensors (sensor_id, sac, sic) VALUES (?, ?, ?)'),
      sensorIdx: p('SELECT idx FROM sensors WHERE sensor_id = ? AND sac = ? AND sic = ?').pluck(),
      allSensors: p('SELECT idx, sensor_id AS sensorId, sac, sic FROM sensors ORDER BY idx'),
      insertAlert: p('INSERT OR IGNORE INTO alerts (message_id, alert_id, seq, t, open, json) VALUES (?, ?, ?, ?, ?, ?)'),
      insertEngagement: p('INSERT OR IGNORE INTO engagements (seq, t, track_id, json) VALUES (?, ?, ?, ?)'),
      insertTrack: p('INSERT OR IGNORE INTO track_events (seq, t, track_id, status, json) VALUES (?, ?, ?, ?, ?)'),
      // a replayed batch's older version of an incident never overwrites what a later batch recorded
      upsertIncident: p(
        'INSERT INTO incidents (incident_id, seq, t, json) VALUES (?, ?, ?, ?) ON CONFLICT (incident_id) DO UPDATE ' +
          'SET seq = excluded.seq, t = excluded.t, json = excluded.json WHERE excluded.seq >= incidents.seq',
      ),
      publish: p('UPDATE alerts SET published_at = ? WHERE message_id = ? AND published_at IS NULL'),
      alertExists: p('SELECT 1 FROM alerts WHERE message_id = ?').pluck(),
      unpublished: p('SELECT json FROM alerts WHERE published_at IS NULL ORDER BY id').pluck(),
      isPublished: p('SELECT published_at IS NOT NULL FROM alerts WHERE message_id = ?').pluck(),
      alerts: p('SELECT json FROM alerts ORDER BY id DESC LIMIT ?').pluck(),
      activeAlerts: p(
        'SELECT json FROM alerts a WHERE open = 1 AND id = (SELECT MAX(id) FROM alerts b WHERE b.alert_id = a.alert_id) ORDER BY id DESC LIMIT ?',
      ).pluck(),
      alertMessage: p('SELECT json FROM alerts WHERE message_id = ?').pluck(),
      alertMessages: p('SELECT json FROM alerts WHERE alert_id = ? ORDER BY id').pluck(),
      incidents: p('SELECT incident_id AS incidentId, t, json FROM incidents ORDER BY id DESC'),
      incident: p('SELECT json FROM incidents WHERE incident_id = ?').pluck(),
      engagements: p('SELECT json FROM engagements ORDER BY id DESC LIMIT ?').pluck(),
      trackEvents: p('SELECT json FROM track_events WHERE track_id = ? ORDER BY id').pluck(),
      writeCheckpoint: p('INSERT OR REPLACE INTO checkpoint (id, next_seq, t, state) VALUES (1, ?, ?, ?)'),
      lastCheckpoint: p('SELECT next_seq AS nextSeq, t, state FROM checkpoint WHERE id = 1'),
      prune: p('DELETE FROM batches WHERE seq < ? AND until < ?'),
      stats: p(
        'SELECT (SELECT COUNT(*) FROM batches) AS batches, (SELECT COALESCE(SUM(n), 0) FROM batches) AS plots, ' +
          '(SELECT COUNT(*) FROM alerts) AS alerts, (SELECT COUNT(*) FROM incidents) AS incidents, ' +
          '(SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()) AS bytes',
      ),
    };
    this.loadSensors();
    this.recordTx = db.transaction((seq: number, events: readonly SimEvent[]) => this.recordAll(seq, events));
    this.publishTx = db.transaction((ids: readonly string[], at: number) => {
      for (const id of ids) {
        if (this.st.publish.run(at, id).changes === 0 && this.st.alertExists.get(id) === undefined) {
          throw new Error(`Journal.markPublished: alert message ${id} is not in the journal (record it before publishing it)`);
        }
      }
    });
  }

  /**
   * Opens (creating it if need be, unless readonly) the journal in `file`, or an in-memory one (':memory:').
   *
   * Write-ahead log with synchronous = NORMAL: a commit is complete once its pages are appended to the -wal
   * file with write(2), without fsync. The data is then in the operating system's page cache, which outlives
   * the process: after a SIGKILL, a crash or an OOM kill, every transaction whose call returned is there when
   * the file is reopened. Only a power cut or kernel panic can lose the last commits since the previous WAL
   * checkpoint (the WAL is fsynced there), never corrupt the file (SQLite drops a torn WAL tail by its
   * checksums); after one, messages sent in the last second may be sent again. FULL would fsync every
   * commit, milliseconds each on a disk, against thousands of batches a second.
   *
   * `backgroundCheckpointMs` (a writable file): a worker thread checkpoints the WAL every that many ms
   * (checkpointer.ts) and this connection only past SAFETY_CHECKPOINT_PAGES — the live service's journal,
   * whose commits carry alerts.
   *
   * Throws an InputError naming the file when it is not a tocsin journal (not SQLite, or SQLite without the
   * journal's schema_version) or was written by a newer schema.
   */
  static open(file: string, opts: { readonly?: boolean; backgroundCheckpointMs?: number } = {}): Journal {
    const readonly = opts.readonly ?? false;
    let db: Database.Database;
    try {
      db = new Database(file, { readonly, fileMustExist: readonly });
    } catch (err) {
      throw new InputError(`${file}: cannot open the journal: ${(err as Error).message}`);
    }
    try {
      Journal.prepareSchema(file, db, readonly);
      if (!readonly) {
        db.pragma('journal_mode = WAL');
        db.pragma('synchronous = NORMAL');
      }
      const j = new Journal(file, db, readonly);
      if (!readonly && file !== ':memory:' && opts.backgroundCheckpointMs !== undefined) {
        db.pragma(`wal_autocheckpoint = ${SAFETY_CHECKPOINT_PAGES}`);
        j.checkpointer = new WalCheckpointer(file, opts.backgroundCheckpointMs, () => db.pragma('wal_autocheckpoint = 1000'));
      }
      return j;
    } catch (err) {
      db.close();
      throw err;
    }
  }

  /** Checks that the file is a journal of a schema this code reads; makes an empty database one (writable). */
  private static prepareSchema(file: string, db: Database.Database, readonly: boolean): void {
    const tables = (): string[] => db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[];
    let names: string[];
    try {
      names = tables();
    } catch (err) {
      const code = sqliteCode(err);
      if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') throw new InputError(`${file}: not a tocsin journal (not an SQLite database)`);
      throw new InputError(`${file}: cannot read the journal: ${(err as Error).message}`);
    }
    if (names.length === 0) {
      if (readonly) throw new InputError(`${file}: not a tocsin journal (an empty database)`);
      // WAL before the first table: the schema itself is written through the log
      db.pragma('journal_mode = WAL');
      db.transaction(() => {
        if (tables().length > 0) return; // another process made it first
        db.exec(SCHEMA);
        db.prepare('INSERT INTO schema_version (app, version, created) VALUES (?, ?, ?)').run(JOURNAL_APP, JOURNAL_SCHEMA_VERSION, Date.now() / 1000);
      }).immediate();
      names = tables();
    }
    if (!names.includes('schema_version')) throw new InputError(`${file}: not a tocsin journal (an SQLite database without a schema_version table)`);
    const row = db.prepare('SELECT app, version FROM schema_version').get() as { app: unknown; version: unknown } | undefined;
    if (!row || row.app !== JOURNAL_APP) throw new InputError(`${file}: not a tocsin journal (schema_version is not ${JOURNAL_APP}'s)`);
    if (typeof row.version !== 'number' || !Number.isInteger(row.version) || row.version < 1) {
      throw new InputError(`${file}: not a tocsin journal (schema version ${String(row.version)})`);
    }
    if (row.version > JOURNAL_SCHEMA_VERSION) {
      throw new InputError(
        `${file}: journal schema version ${row.version} is newer than this tocsin reads (up to ${JOURNAL_SCHEMA_VERSION}): use a newer tocsin or another file`,
      );
    }
  }

  private writable(op: string): void {
    if (this.readonly) throw new Error(`Journal.${op}: ${this.file} is open read-only`);
  }

  private loadSensors(): void {
    const rows = this.st.allSensors.all() as (SensorRef & { idx: number })[];
    this.sensors = [];
    this.sensorIndex.clear();
    for (const r of rows) {
      this.sensors[r.idx] = { sensorId: r.sensorId, sac: r.sac, sic: r.sic };
      this.sensorIndex.set(sensorKey(r.sensorId, r.sac, r.sic), r.idx);
    }
  }

  private sensorRef = (idx: number): SensorRef => {
    let s = this.sensors[idx];
    if (!s) {
      this.loadSensors(); // written by another connection since
      s = this.sensors[idx];
      if (!s) throw new Error(`${this.file}: journaled plot refers to unknown sensor index ${idx}`);
    }
    return s;
  };

  /** Sensor indices of the plots into the scratch array; false if some sensor has none yet. */
  private indexSensors(plots: readonly Plot[]): boolean {
    if (this.scratch.length < plots.length) this.scratch = new Uint16Array(Math.max(plots.length, 2 * this.scratch.length));
    const out = this.scratch;
    let last: Plot | undefined;
    let lastIdx = -1;
    for (let i = 0; i < plots.length; i++) {
      const p = plots[i]!;
      if (!(last && p.sensorId === last.sensorId && p.sac === last.sac && p.sic === last.sic)) {
        const idx = this.sensorIndex.get(sensorKey(p.sensorId, p.sac, p.sic));
        if (idx === undefined) return false;
        last = p;
        lastIdx = idx;
      }
      out[i] = lastIdx;
    }
    return true;
  }

  /** Adds the plots' new sensors to the sensors table (committed on their own: an unused row is harmless). */
  private registerSensors(plots: readonly Plot[]): void {
    this.db.transaction(() => {
      for (const p of plots) {
        if (this.sensorIndex.has(sensorKey(p.sensorId, p.sac, p.sic))) continue;
        this.st.insertSensor.run(p.sensorId, p.sac, p.sic);
        const idx = this.st.sensorIdx.get(p.sensorId, p.sac, p.sic) as number;
        if (idx > MAX_SENSOR_INDEX) throw new Error(`Journal: more than ${MAX_SENSOR_INDEX + 1} sensors`);
        this.sensorIndex.set(sensorKey(p.sensorId, p.sac, p.sic), idx);
        this.sensors[idx] = { sensorId: p.sensorId, sac: p.sac, sic: p.sic };
      }
    })();
  }

  /**
   * Journals one batch (the plots measured up to `until`, UTC s) in one commit and returns its seq (1, 2, …).
   * Call it before the engine sees the batch. `until` must be finite (it is an SQLite REAL, which also turns
   * −0 into 0); the plots' numbers are kept bit for bit.
   */
  appendBatch(until: number, plots: readonly Plot[]): number {
    this.writable('appendBatch');
    if (!Number.isFinite(until)) throw new RangeError(`Journal.appendBatch: until ${until} is not a time`);
    if (!this.indexSensors(plots)) {
      try {
        this.registerSensors(plots);
      } catch (err) {
        this.loadSensors(); // forget what a failed registration cached
        throw err;
      }
      this.indexSensors(plots);
    }
    const blob = encodePlots(plots, this.scratch);
    // seq from this connection's count, not the database's: one page less per commit than AUTOINCREMENT (a
    // second writer on the same file would collide on the primary key and throw: one service per journal)
    const seq = (this.seq ?? this.lastSeq()) + 1;
    this.st.insertBatch.run(seq, until, plots.length, blob);
    this.seq = seq;
    return seq;
  }

  /**
   * The batches after `seq` (seq > the given one), in seq order, plots as they were appended. Reads a page of
   * rows at a time and holds no cursor between batches, so the caller may write to the journal as it goes
   * (record the replayed events); batches appended meanwhile are included.
   */
  *batchesAfter(seq: number): IterableIterator<JournalBatch> {
    let after = seq;
    for (;;) {
      const rows = this.st.batchPage.all(after, PAGE) as BatchRow[];
      for (const r of rows) {
        after = r.seq;
        yield { seq: r.seq, until: r.until, plots: decodePlots(r.plots, r.n, this.sensorRef) };
      }
      if (rows.length < PAGE) return;
    }
  }

  /** The seq of the last batch appended (0 when none ever was), pruned or not, by any connection. */
  lastSeq(): number {
    return (this.st.lastSeq.get() as number | undefined) ?? 0;
  }

  /** The `until` of the newest batch (UTC s), −∞ when there is none: data time a restarted service must not go back before. */
  lastUntil(): number {
    const r = this.db.prepare('SELECT until FROM batches ORDER BY seq DESC LIMIT 1').get() as { until: number } | undefined;
    return r ? r.until : -Infinity;
  }

  /**
   * Journals the events batch `seq` produced, in one transaction: alert messages (a messageId already
   * journaled is left as it is), engagements, track events (the caller passes only the ones it keeps: status
   * changes, first confirmations), incidents (one row per incidentId, replaced by a later batch's version).
   * Other event types are ignored. Returns the messageIds of the alert messages not journaled before, in order.
   */
  record(seq: number, events: readonly SimEvent[]): string[] {
    this.writable('record');
    return this.recordTx(seq, events);
  }

  private recordAll(seq: number, events: readonly SimEvent[]): string[] {
    const fresh: string[] = [];
    for (const ev of events) {
      const e = ev as Record<string, unknown>;
      switch (ev.type) {
        case 'alert': {
          if (typeof e.messageId !== 'string' || typeof e.alertId !== 'string') throw new TypeError('Journal.record: alert event without messageId and alertId');
          const zs = e.zoneStages;
          const open = zs !== null && typeof zs === 'object' && Object.keys(zs).length > 0 ? 1 : 0;
          if (this.st.insertAlert.run(e.messageId, e.alertId, seq, ev.t, open, stringify('alert', ev)).changes > 0) fresh.push(e.messageId);
          break;
        }
        case 'engagement':
          if (typeof e.trackId !== 'number') throw new TypeError('Journal.record: engagement event without trackId');
          this.st.insertEngagement.run(seq, ev.t, e.trackId, stringify('engagement', ev));
          break;
        case 'track':
          if (typeof e.trackId !== 'number' || typeof e.status !== 'string') throw new TypeError('Journal.record: track event without trackId and status');
          this.st.insertTrack.run(seq, ev.t, e.trackId, e.status, stringify('track event', ev));
          break;
        case 'incident':
          if (typeof e.incidentId !== 'string') throw new TypeError('Journal.record: incident event without incidentId');
          this.st.upsertIncident.run(e.incidentId, seq, ev.t, stringify('incident', ev));
          break;
        default:
          break;
      }
    }
    return fresh;
  }

  /**
   * Marks alert messages as sent at `at` (UTC s), in one transaction. A message already marked keeps its
   * first time; a message never journaled is an error (journal first, then publish).
   */
  markPublished(messageIds: readonly string[], at: number): void {
    this.writable('markPublished');
    this.publishTx(messageIds, at);
  }

  /** Alert messages journaled and never marked published, in the order they were journaled. */
  unpublished(): AlertEvent[] {
    return parseAll<AlertEvent>(this.st.unpublished.all());
  }

  /** Whether the alert message was marked published (false also when it is not journaled). */
  isPublished(messageId: string): boolean {
    return this.st.isPublished.get(messageId) === 1;
  }

  /**
   * Alert messages, newest first (journal order). activeOnly: the latest message of each alert that still
   * warns a zone (its zoneStages non-empty), newest first.
   */
  alerts(opts: { limit?: number; activeOnly?: boolean } = {}): AlertEvent[] {
    const limit = opts.limit ?? -1;
    return parseAll<AlertEvent>((opts.activeOnly ? this.st.activeAlerts : this.st.alerts).all(limit));
  }

  alertMessage(messageId: string): AlertEvent | undefined {
    const s = this.st.alertMessage.get(messageId) as string | undefined;
    return s === undefined ? undefined : (JSON.parse(s) as AlertEvent);
  }

  /** Every message of one alert, oldest first. */
  alertMessages(alertId: string): AlertEvent[] {
    return parseAll<AlertEvent>(this.st.alertMessages.all(alertId));
  }

  /** Every incident, latest version each, the most recently opened (first journaled) first; json is the event. */
  incidents(): { incidentId: string; t: number; json: unknown }[] {
    return (this.st.incidents.all() as { incidentId: string; t: number; json: string }[]).map((r) => ({
      incidentId: r.incidentId,
      t: r.t,
      json: JSON.parse(r.json) as unknown,
    }));
  }

  /** The latest version of one incident event. */
  incident(id: string): unknown | undefined {
    const s = this.st.incident.get(id) as string | undefined;
    return s === undefined ? undefined : (JSON.parse(s) as unknown);
  }

  /** Engagement events, newest first. */
  engagements(opts: { limit?: number } = {}): EngagementEvent[] {
    return parseAll<EngagementEvent>(this.st.engagements.all(opts.limit ?? -1));
  }

  /** The journaled events of one track, oldest first. */
  trackEvents(trackId: number): TrackEvent[] {
    return parseAll<TrackEvent>(this.st.trackEvents.all(trackId));
  }

  /**
   * Replaces the checkpoint. nextSeq must lie in [1, lastSeq() + 1] and not before the current checkpoint's
   * (batches before that one may have been pruned); state must be JSON.
   */
  writeCheckpoint(cp: Checkpoint): void {
    this.writable('writeCheckpoint');
    const last = this.lastSeq();
    if (!Number.isInteger(cp.nextSeq) || cp.nextSeq < 1 || cp.nextSeq > last + 1) {
      throw new RangeError(`Journal.writeCheckpoint: nextSeq ${cp.nextSeq} is not in [1, ${last + 1}]`);
    }
    const prev = this.lastCheckpoint();
    if (prev && cp.nextSeq < prev.nextSeq) throw new RangeError(`Journal.writeCheckpoint: nextSeq ${cp.nextSeq} is before the last checkpoint's ${prev.nextSeq}`);
    if (!Number.isFinite(cp.t)) throw new RangeError(`Journal.writeCheckpoint: t ${cp.t} is not a time`);
    this.st.writeCheckpoint.run(cp.nextSeq, cp.t, stringify('checkpoint state', cp.state));
  }

  lastCheckpoint(): Checkpoint | undefined {
    const r = this.st.lastCheckpoint.get() as { nextSeq: number; t: number; state: string } | undefined;
    return r && { nextSeq: r.nextSeq, t: r.t, state: JSON.parse(r.state) as unknown };
  }

  /**
   * Deletes the batches before the last checkpoint (never replayed again) whose `until` is more than
   * keepSeconds before `now` (UTC s); returns how many. Nothing without a checkpoint. The file does not
   * shrink: SQLite reuses the freed pages for the next batches.
   */
  prune(keepSeconds: number, now: number): number {
    this.writable('prune');
    const cp = this.lastCheckpoint();
    if (!cp) return 0;
    return this.st.prune.run(cp.nextSeq, now - keepSeconds).changes;
  }

  stats(): JournalStats {
    const s = this.st.stats.get() as JournalStats;
    let wal = 0;
    if (!this.db.memory) {
      try {
        wal = statSync(`${this.file}-wal`).size;
      } catch {
        wal = 0; // no log (checkpointed and closed, or read-only)
      }
    }
    return { batches: s.batches, plots: s.plots, alerts: s.alerts, incidents: s.incidents, bytes: s.bytes + wal };
  }

  /** Closes the file (SQLite checkpoints the log into it when this is the last connection). */
  close(): void {
    void this.checkpointer?.stop();
    this.db.close();
  }
}

function sensorKey(sensorId: string, sac: number, sic: number): string {
  return `${sac}/${sic}/${sensorId}`;
}

function parseAll<T>(rows: unknown[]): T[] {
  return (rows as string[]).map((s) => JSON.parse(s) as T);
}
