/**
 * The live service's pipeline with its journal: plots in (time-ordered batches) → journal → engine → alerts
 * journaled and handed out → incidents → journal → events out. No sockets, no timers: the service (service.ts)
 * feeds it; the restart path uses the same code.
 *
 * Write-ahead: every batch is journaled before the engine sees it, and what the engine and the incident
 * builder produce (alerts, engagements, track state changes, incidents) is journaled before the service
 * publishes it. The engine is deterministic, so a restart rebuilds the state exactly by replaying the journaled
 * batches from the last checkpoint into a fresh engine that continues the checkpoint's id counters: the same
 * tracks with the same numbers, the same alerts with the same ids. What the replay produces that the journal
 * marks as published is not sent again; alerts journaled but not marked published (a crash between the two)
 * are sent once.
 *
 * Checkpoints: when the engine has been quiet (no confirmed track, no zone under an alert, no engagement, no
 * open incident) for WARMUP seconds, a checkpoint names the first batch of that quiet spell plus the counters.
 * A fresh engine replaying from there meets the same plots the live one met during the quiet spell, so by
 * its end it holds the same tentative tracks (they live a few scans at most) — and nothing else existed.
 */
import { Engine, type EngineContinuation, type EngineOptions } from '../engine/engine.js';
import { IncidentBuilder } from '../report/incident.js';
import type { Site } from '../scenario/types.js';
import type { Plot } from '../sense/plot.js';
import { compareEvents, type SimEvent, type TrackEvent } from '../sim/events.js';
import { plotEvent } from '../sim/simulation.js';
import type { Journal } from '../store/journal.js';

/** s of quiet before a checkpoint, and the replay's warm-up: longer than a tentative track lives and than the incident report's plot look-back (15 s). */
export const WARMUP = 30;
/** s between checkpoints during a long quiet spell */
const CHECKPOINT_EVERY = 60;

/** What a checkpoint stores besides the batch to replay from. */
export interface PipelineState {
  engine: EngineContinuation;
  incidents: Record<string, number>;
}

export interface StepResult {
  seq: number;
  /** everything the batch produced, time-ordered (no plot events) */
  events: SimEvent[];
  /** alert message ids journaled for the first time by this batch (to be published) */
  newAlerts: Set<string>;
}

/** Takes a batch's alert messages once they are journaled, in one or more calls (each time-ordered); `fresh`: the messageIds new to the journal. */
export type AlertHandler = (alerts: readonly SimEvent[], fresh: ReadonlySet<string>) => void;

/** Takes a batch's track updates (Engine.ingest's onTracks) once the state changes among them are journaled. */
export type TrackHandler = (tracks: readonly TrackEvent[]) => void;

export interface PipelineOptions {
  engine?: EngineOptions;
  /** s without activity that closes an incident (IncidentBuilder's gap; default 120) */
  incidentGap?: number;
}

/** Whether an event is a track state change worth journaling (first confirmation and ends, not every update). */
function trackStateChange(ev: SimEvent, seen: Set<number>): boolean {
  if (ev.type !== 'track') return false;
  const id = ev['trackId'] as number;
  if (ev['status'] !== 'confirmed') {
    seen.delete(id);
    return true;
  }
  if (seen.has(id)) return false;
  seen.add(id);
  return true;
}

/** closed incidents the live incident builder keeps in memory (older ones: the journal) */
const KEEP_CLOSED = 10;

export class Pipeline {
  engine: Engine;
  incidents: IncidentBuilder;
  private readonly confirmedSeen = new Set<number>();
  /** (seq, until) of the batches of the current quiet spell, oldest first */
  private quiet: { seq: number; until: number }[] = [];
  private lastCheckpoint = -Infinity;
  /** batches replayed by the last restore, and the alerts it found unsent */
  restored = { batches: 0, plots: 0, fromSeq: 0, unsent: 0 };

  constructor(
    readonly site: Site,
    readonly journal: Journal,
    private readonly opts: PipelineOptions = {},
  ) {
    this.engine = new Engine(site, opts.engine ?? {});
    this.incidents = this.newIncidents();
  }

  private newIncidents(): IncidentBuilder {
    // closed incidents are journaled (and served from there): only the newest few stay in memory
    return new IncidentBuilder(this.site, { keepClosed: KEEP_CLOSED, ...(this.opts.incidentGap !== undefined ? { gapSeconds: this.opts.incidentGap } : {}) });
  }

  /**
   * One batch: journaled, through the engine and the incident builder; the results journaled. `onAlerts` gets
   * the batch's alert messages as soon as they are journaled, in one or more calls (Engine.ingest: a
   * prediction's as soon as it is made) — before the incident builder and the rest of the journal run — with
   * the messageIds new to the journal: a warning waits for nothing but the tracker's association and its
   * updates of the tracks that may change one, their predictions (its own among them) and its own
   * write-ahead. `onTracks` likewise gets the batch's track updates as soon as the tracker has made them,
   * their state changes (first confirmations) journaled first: the CAT062 picture waits only for the
   * predictions of the tracks that may change a warning (Engine.ingest).
   */
  step(plots: readonly Plot[], until: number, onAlerts?: AlertHandler, onTracks?: TrackHandler): StepResult {
    const seq = this.journal.appendBatch(until, plots);
    return this.run(seq, plots, until, onAlerts, onTracks);
  }

  private run(seq: number, plots: readonly Plot[], until: number, onAlerts?: AlertHandler, onTracks?: TrackHandler): StepResult {
    // the alerts first, each prediction's in their own transaction, as soon as the engine has decided them
    // (before its other predictions and the launch points); the restore path journals them the same way
    const newAlerts = new Set<string>();
    // the track updates' state changes (first confirmations) likewise, before the updates go out; the
    // confirmedSeen mark keeps them from being journaled again below
    const produced = this.engine.ingest(
      plots,
      until,
      (alerts) => {
        const fresh = new Set(this.journal.record(seq, alerts));
        for (const id of fresh) newAlerts.add(id);
        onAlerts?.(alerts, fresh);
      },
      (tracks) => {
        const changes = tracks.filter((ev) => trackStateChange(ev, this.confirmedSeen));
        if (changes.length) this.journal.record(seq, changes);
        onTracks?.(tracks);
      },
    );
    const events: SimEvent[] = [];
    // the incident builder wants the plots (first detections) and the events, in time order
    const all: SimEvent[] = plots.map(plotEvent);
    for (const ev of produced) all.push(ev);
    all.sort(compareEvents);
    for (const ev of all) {
      this.incidents.add(ev);
      for (const inc of this.incidents.takeIncidentEvents()) events.push(inc);
      if (ev.type !== 'plot') events.push(ev);
    }
    this.incidents.advance(until);
    for (const inc of this.incidents.takeIncidentEvents()) events.push(inc);
    const stored = events.filter((ev) => ev.type === 'engagement' || ev.type === 'incident' || trackStateChange(ev, this.confirmedSeen));
    if (stored.length) this.journal.record(seq, stored);
    this.maybeCheckpoint(seq, until);
    return { seq, events, newAlerts };
  }

  private maybeCheckpoint(seq: number, until: number): void {
    if (!this.engine.quiet || this.incidents.hasOpen) {
      this.quiet.length = 0;
      return;
    }
    const q = this.quiet;
    q.push({ seq, until });
    if (until - q[0]!.until < WARMUP) return;
    // the replay starts WARMUP s back, inside the quiet spell
    let k = 0;
    while (k + 1 < q.length && until - q[k + 1]!.until >= WARMUP) k++;
    q.splice(0, k);
    if (until - this.lastCheckpoint < CHECKPOINT_EVERY) return;
    this.lastCheckpoint = until;
    const state: PipelineState = { engine: this.engine.continuation, incidents: this.incidents.counters };
    this.journal.writeCheckpoint({ nextSeq: q[0]!.seq, t: until, state });
  }

  /**
   * After a restart: a fresh engine from the last checkpoint's counters replays the journaled batches after
   * it. Returns the alert messages to publish now: those the replay journaled for the first time and those
   * journaled before the crash but never marked published, in order. Every event of the replay goes to
   * `sink` (the service's view of the current state is rebuilt from them); none is published again.
   */
  restore(sink?: (ev: SimEvent) => void): SimEvent[] {
    const cp = this.journal.lastCheckpoint();
    this.engine = new Engine(this.site, this.opts.engine ?? {});
    this.incidents = this.newIncidents();
    this.confirmedSeen.clear();
    this.quiet = [];
    let from = 1;
    if (cp) {
      const state = cp.state as PipelineState;
      this.engine.continuation = state.engine;
      this.incidents.counters = state.incidents;
      from = cp.nextSeq;
      this.lastCheckpoint = cp.t;
    }
    const unsent: SimEvent[] = [];
    const ids = new Set<string>();
    let batches = 0;
    let plots = 0;
    for (const b of this.journal.batchesAfter(from - 1)) {
      const r = this.run(b.seq, b.plots, b.until);
      batches++;
      plots += b.plots.length;
      for (const ev of r.events) {
        sink?.(ev);
        if (ev.type === 'alert' && r.newAlerts.has(ev['messageId'] as string)) {
          unsent.push(ev);
          ids.add(ev['messageId'] as string);
        }
      }
    }
    for (const a of this.journal.unpublished()) if (!ids.has(a.messageId)) unsent.push(a);
    unsent.sort(compareEvents);
    this.restored = { batches, plots, fromSeq: from, unsent: unsent.length };
    return unsent;
  }
}
