/**
 * The alert policy: where a predicted impact becomes a siren, and when the all-clear is given.
 *
 * Pure logic, no I/O, deterministic: the same inputs in the same order give the same messages with the same
 * ids. The engine (or the simulator, or the live service) feeds it every prediction of a ballistic track
 * (`onPrediction`), the end of every track (`onTrackEnd`) and the clock (`tick`); each call returns the
 * messages it issued, one `AlertEvent` per message (design.md §4.1 `alert`; CAP rendering: src/io/cap.ts).
 *
 * Per prediction and zone, p = probability that the impact falls inside the zone (zone-probability.ts).
 * - `early` when p ≥ pEarly: be ready, move towards shelter.
 * - `siren` when p ≥ the siren threshold, which depends on the time left: with τ = impactTime − k·σ(impactTime)
 *   − t and the zone's deadline slack = τ − shelterSeconds − latency, the threshold is pSiren while the slack
 *   is ≥ ramp, falls linearly to pSirenDeadline as the slack runs out, and stays there after. Far from the
 *   deadline waiting for a narrower prediction is cheap (one more second of track); at the deadline it is
 *   not (the next prediction comes too late for the people in the zone to reach shelter), so the siren
 *   then sounds for any zone the round may plausibly hit. docs/warning.md gives the reasoning and figures.
 * - A zone, once warned, stays warned while the threat flies (never retracted before the impact, even when
 *   later predictions move away: it then counts as a false alarm); it can go from early to siren, never back.
 * - All-clear per zone when every track that warned it has ended (impact, intercept, deletion) plus `hold`,
 *   and not before its siren has sounded for its shelter time. A deleted (lost) track counts as ended at the
 *   later of its deletion and its last predicted impact time + 3σ; a track whose end is never reported is
 *   taken as lost `lostTrackGrace` seconds after that time.
 * - One alert per salvo: a zone belongs to at most one active alert; a track warning a zone already under an
 *   alert joins that alert (an Update), and a track's further zones go to the alert it joined first.
 *
 * Alert ids: `<idPrefix>-<n>` (default prefix `A-<site slug>`, n from 1); message ids `<alertId>.<m>` (m from
 * 1); the first message of an alert is msgType Alert, the rest Update, the one that clears its last zone
 * Cancel. Every later message references the alert's first message and the one it supersedes (the latest
 * before it): each message restates the whole alert, so that chain is all a receiver needs, and a message's
 * size stays bounded however long the salvo (listing every earlier one grew quadratically: ≈ 47 KB a message
 * after a few hundred updates in a 1,000-round salvo).
 */
import { z } from 'zod';
import { EnuFrame } from '../geo/wgs84.js';
import type { Site, Zone } from '../scenario/types.js';
import type { PredictionEvent } from '../sim/events.js';
import { projectZones, zoneProbabilitiesInto, type ProjectedZones } from './zone-probability.js';

export type AlertStage = 'early' | 'siren' | 'clear';

/** ended track numbers remembered (see AlertManager.rememberEnded) */
const ENDED_KEPT = 8192;

/** One alert message (design.md §4.1 `alert`, plus what a CAP message needs). */
export interface AlertEvent {
  type: 'alert';
  /** UTC s: when the message is issued */
  t: number;
  alertId: string;
  /** the stage this message announces */
  stage: AlertStage;
  /**
   * early / siren: every zone of the alert at that stage after this message (site order);
   * clear: the zones this message clears.
   */
  zones: string[];
  /** every track that has warned a zone of this alert, ascending */
  trackIds: number[];
  msgType: 'Alert' | 'Update' | 'Cancel';
  /** unique per message: `<alertId>.<n>` */
  messageId: string;
  /** ids of the earlier messages of this alert (Update and Cancel), oldest first */
  references?: string[];
  /** issue times (UTC s) of the referenced messages, in the same order (CAP needs sender,identifier,sent) */
  referenceTimes?: number[];
  /** the zones still warned after this message, with their stage (site order); empty after the last clear */
  zoneStages: Record<string, 'early' | 'siren'>;
  /** the prediction that caused this message: impact point and a circle of `circleSigmas` × σ(major axis) */
  impact?: { lat: number; lon: number; radiusM: number };
  /** earliest predicted impact time (UTC s) among the alert's tracks still in flight */
  impactTime?: number;
  /** UTC s after which the message should be taken as stale (absent on all-clears) */
  expires?: number;
}

/** The alert policy's parameters (all defaulted; see docs/warning.md for the reasoning behind each). */
export const AlertPolicy = z
  .object({
    pEarly: z.number().min(0).max(1).default(0.02).describe('probability of impact in a zone that gives an early warning'),
    pSiren: z.number().min(0).max(1).default(0.15).describe('probability that sounds the siren while there is time to spare'),
    pSirenDeadline: z
      .number()
      .min(0)
      .max(1)
      .default(0.02)
      .describe("probability that sounds the siren once the zone's shelter deadline is reached"),
    latencySeconds: z
      .number()
      .min(0)
      .default(2)
      .describe('s from a decision to sirens sounding, plus one prediction interval: added to the shelter time'),
    rampSeconds: z.number().min(0).default(10).describe('s of deadline slack over which the siren threshold falls from pSiren to pSirenDeadline'),
    impactTimeSigmas: z.number().min(0).default(2).describe('σ of the impact time taken off the time to impact (the round may come early)'),
    holdSeconds: z.number().min(0).default(30).describe('s after the last impact, intercept or loss before the all-clear'),
    lostTrackGraceSeconds: z
      .number()
      .min(0)
      .default(10)
      .describe('s after a track’s predicted impact (+3σ) with no end reported before it is taken as lost'),
    circleSigmas: z.number().min(0).default(2).describe('radius of the impact circle in σ of the ellipse’s major axis'),
    expiresMarginSeconds: z.number().min(0).default(60).describe('s added to the expected all-clear for a message’s expiry'),
    idPrefix: z
      .string()
      .regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, ".", "_" and "-" only (CAP identifiers allow no spaces or commas)')
      .optional()
      .describe('alert id prefix; default A-<site name as a slug>'),
  })
  .refine((p) => p.pSirenDeadline <= p.pSiren, { message: 'pSirenDeadline must not exceed pSiren' });
export type AlertPolicy = z.output<typeof AlertPolicy>;

/** The default policy, parsed. */
export const DEFAULT_ALERT_POLICY: AlertPolicy = AlertPolicy.parse({});

/**
 * Siren threshold for a zone given its deadline slack (s): τ − shelterSeconds − latency, τ being the time to
 * impact less `impactTimeSigmas` σ. pSiren at slack ≥ ramp, pSirenDeadline at slack ≤ 0, linear between.
 */
export function sirenThreshold(policy: AlertPolicy, slack: number): number {
  if (slack >= policy.rampSeconds) return policy.pSiren;
  if (slack <= 0) return policy.pSirenDeadline;
  return policy.pSirenDeadline + ((policy.pSiren - policy.pSirenDeadline) * slack) / policy.rampSeconds;
}

/** "Baghdad International Zone" → "baghdad-international-zone" */
function slug(name: string): string {
  const s = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  return s === '' ? 'site' : s;
}

const STAGE_RANK = { early: 1, siren: 2 } as const;

/**
 * A zone is near a track when its last prediction gave it at least this fraction of the lowest warning
 * threshold (min(pEarly, pSirenDeadline)): 1/100 of 0.02 by default, a zone ≈ 3.5 σ away where warning starts
 * at ≈ 2 σ. Only ordering hangs on it (mayIssue): a track that jumps from farther than this to a warning in one
 * update still warns, at the end of its batch's predictions.
 */
const NEAR_FRACTION = 0.01;
type WarnStage = 'early' | 'siren';

interface TrackState {
  readonly id: number;
  last?: PredictionEvent;
  /** site indices of the zones its last prediction gave at least NEAR_FRACTION of the lowest threshold (mayIssue) */
  readonly near: number[];
  /** zones this track has warned, with the highest stage it asked for */
  readonly zones: Map<string, WarnStage>;
  /** the alert it joined first */
  home?: AlertState;
  ended: boolean;
}

interface ZoneState {
  readonly zone: Zone;
  /** index in site.zones (sort key) */
  readonly index: number;
  readonly alert: AlertState;
  stage: WarnStage;
  sirenAt?: number;
  /** tracks still flying that warned this zone, by id */
  readonly live: Map<number, TrackState>;
  /** latest effective end among the ended tracks that warned it */
  lastEnd: number;
}

interface AlertState {
  readonly id: string;
  readonly seq: number;
  /** active zones by id */
  readonly zones: Map<string, ZoneState>;
  readonly trackIds: Set<number>;
  /** trackIds in ascending order (what every message lists; kept sorted as tracks join) */
  readonly sortedIds: number[];
  readonly messages: { messageId: string; t: number }[];
  closed: boolean;
}

/** What one call changed in one alert. */
interface Change {
  siren: boolean;
  early: boolean;
  joined: boolean;
  cause?: PredictionEvent;
}

export class AlertManager {
  readonly site: Site;
  readonly policy: AlertPolicy;
  readonly zones: ProjectedZones;
  private readonly prefix: string;
  private readonly tracks = new Map<number, TrackState>();
  /** tracks that have ended and whose state was dropped: later predictions for them are ignored */
  private readonly endedIds = new Set<number>();
  /** a track ended since the last sweep for ended tracks to forget (dueClears) */
  private endedSinceSweep = false;
  /** no zone's all-clear is due before this (UTC s): dueClears' sweep is skipped until then */
  private clearFloor = -Infinity;
  /** active zones (under an alert) by id */
  private readonly active = new Map<string, ZoneState>();
  /** alerts not yet closed, in creation order */
  private readonly alerts: AlertState[] = [];
  private seq = 0;
  /** scratch: probabilities of the current prediction, by zone index */
  private readonly probs: Float64Array;
  /** a zone's probability at or above this makes it near a track (NEAR_FRACTION) */
  private readonly nearFloor: number;
  /** alerts tracks joined with `deferJoins`, the prediction that joined last: their Update is due (flushJoins) */
  private readonly pendingJoins = new Map<AlertState, PredictionEvent>();

  constructor(site: Site, policy: Partial<AlertPolicy> = {}) {
    this.site = site;
    this.policy = AlertPolicy.parse(policy);
    this.zones = projectZones(new EnuFrame(site.origin), site.zones);
    this.prefix = this.policy.idPrefix ?? `A-${slug(site.name)}`;
    this.probs = new Float64Array(site.zones.length);
    this.nearFloor = NEAR_FRACTION * Math.min(this.policy.pEarly, this.policy.pSirenDeadline);
  }

  /**
   * Whether the next prediction of a track may issue a message: it was never predicted, or a zone near its last
   * prediction (NEAR_FRACTION) is one it could still warn or escalate such that the zone's alert changes — the
   * zone under no alert or not yet at siren, or its alert not yet listing the track. False for a track whose
   * nearby zones are all at siren in alerts that list it, or with no zone near: its prediction changes nothing
   * unless it moves by more than a zone's distance in σ since the last one. (The all-clears any prediction
   * may issue are time's, not the track's.) The engine predicts these tracks first.
   */
  mayIssue(trackId: number): boolean {
    const tr = this.tracks.get(trackId);
    if (!tr) return !this.endedIds.has(trackId);
    if (tr.ended) return false;
    const zones = this.site.zones;
    for (const i of tr.near) {
      const id = zones[i]!.id;
      if (tr.zones.get(id) === 'siren') continue;
      const zs = this.active.get(id);
      if (!zs || zs.stage !== 'siren' || !zs.alert.trackIds.has(tr.id)) return true;
    }
    return false;
  }

  /** How many alerts have been opened (the next alert id is `<prefix>-<count + 1>`): a restarted service continues from it. */
  get alertCount(): number {
    return this.seq;
  }

  set alertCount(n: number) {
    if (this.alerts.length) throw new Error('alertCount can only be set before the first alert');
    this.seq = n;
  }

  /** The zones currently under an alert, with their stage and alert id (site order). */
  activeZones(): { zoneId: string; stage: WarnStage; alertId: string }[] {
    return [...this.active.values()].sort((a, b) => a.index - b.index).map((z) => ({ zoneId: z.zone.id, stage: z.stage, alertId: z.alert.id }));
  }

  /**
   * A ballistic track's new prediction: may warn zones, escalate them, or add the track to an alert.
   * Predictions of tracks already ended, and predictions with a non-finite value, change nothing (a live
   * service must not stop warning over one bad number).
   *
   * `deferJoins`: a track that only joins an alert (no zone warned or escalated by it) does not get its own
   * Update: the alert's next message lists it — the next one issued anyway, or the one flushJoins makes. The
   * engine defers the joins of a batch's predictions and flushes them once for all (a salvo's new tracks
   * join in dozens a batch, and each message restates the whole alert).
   */
  onPrediction(p: PredictionEvent, deferJoins = false): AlertEvent[] {
    const t = p.t;
    let tr = this.tracks.get(p.trackId);
    if ((!tr && this.endedIds.has(p.trackId)) || !finitePrediction(p)) {
      const out: AlertEvent[] = [];
      this.dueClears(t, out);
      return out;
    }
    if (!tr) {
      tr = { id: p.trackId, zones: new Map(), near: [], ended: false };
      this.tracks.set(p.trackId, tr);
    }
    const out: AlertEvent[] = [];
    if (tr.ended) {
      this.dueClears(t, out);
      return out;
    }
    tr.last = p;

    // what this prediction asks for, zone by zone
    const probs = this.probs;
    let k = 0;
    zoneProbabilitiesInto(p.impact, p.covEN, this.zones, (_id, prob) => {
      probs[k++] = prob;
    });
    const pol = this.policy;
    const near = tr.near;
    near.length = 0;
    for (let i = 0; i < k; i++) if (probs[i]! >= this.nearFloor) near.push(i);
    const tau = p.impactTime - pol.impactTimeSigmas * Math.max(0, p.impactTimeSigma) - t;
    const wanted: { zone: Zone; index: number; stage: WarnStage }[] = [];
    this.site.zones.forEach((zone, index) => {
      const prob = probs[index]!;
      let stage: WarnStage | undefined;
      if (prob >= sirenThreshold(pol, tau - zone.shelterSeconds - pol.latencySeconds) && prob > 0) stage = 'siren';
      else if (prob >= pol.pEarly && prob > 0) stage = 'early';
      const had = tr.zones.get(zone.id);
      if (had !== undefined && (stage === undefined || STAGE_RANK[had] >= STAGE_RANK[stage])) stage = had;
      if (stage !== undefined) wanted.push({ zone, index, stage });
    });

    const changes = new Map<AlertState, Change>();
    const change = (a: AlertState): Change => {
      let c = changes.get(a);
      if (!c) {
        c = { siren: false, early: false, joined: false };
        changes.set(a, c);
      }
      return c;
    };

    for (const w of wanted) {
      tr.zones.set(w.zone.id, w.stage);
      let zs = this.active.get(w.zone.id);
      if (!zs) {
        const alert = this.alertForNewZone(tr, wanted);
        zs = { zone: w.zone, index: w.index, alert, stage: w.stage, live: new Map(), lastEnd: -Infinity };
        if (w.stage === 'siren') zs.sirenAt = t;
        this.active.set(w.zone.id, zs);
        alert.zones.set(w.zone.id, zs);
        const c = change(alert);
        if (w.stage === 'siren') c.siren = true;
        else c.early = true;
        c.cause = p;
      } else if (STAGE_RANK[w.stage] > STAGE_RANK[zs.stage]) {
        zs.stage = w.stage;
        zs.sirenAt = t;
        const c = change(zs.alert);
        c.siren = true;
        c.cause = p;
      }
      zs.live.set(tr.id, tr);
      tr.home ??= zs.alert;
      if (!zs.alert.trackIds.has(tr.id)) {
        zs.alert.trackIds.add(tr.id);
        insertSorted(zs.alert.sortedIds, tr.id);
        const c = change(zs.alert);
        c.joined = true;
        c.cause = p;
      }
    }

    const touched = [...changes.entries()].sort((a, b) => a[0].seq - b[0].seq);
    for (const [alert, c] of touched) {
      if (c.siren) out.push(this.message(alert, t, 'siren', this.zonesAt(alert, 'siren'), c.cause));
      if (c.early) out.push(this.message(alert, t, 'early', this.zonesAt(alert, 'early'), c.cause));
      if (!c.siren && !c.early && c.joined) {
        if (deferJoins) this.pendingJoins.set(alert, c.cause!);
        else out.push(this.joinMessage(alert, t, c.cause));
      }
    }
    this.dueClears(t, out);
    return out;
  }

  /**
   * The Updates of the joins onPrediction deferred and no message has listed since: one per alert, at the
   * time of the prediction that joined it last and with its impact, in alert order.
   */
  flushJoins(): AlertEvent[] {
    if (!this.pendingJoins.size) return [];
    const due = [...this.pendingJoins].sort((a, b) => a[0].seq - b[0].seq);
    this.pendingJoins.clear();
    return due.map(([alert, cause]) => this.joinMessage(alert, cause.t, cause));
  }

  /** An Update listing tracks that joined an alert, at the alert's current stage. */
  private joinMessage(alert: AlertState, t: number, cause: PredictionEvent | undefined): AlertEvent {
    const stage: WarnStage = [...alert.zones.values()].some((z) => z.stage === 'siren') ? 'siren' : 'early';
    return this.message(alert, t, stage, this.zonesAt(alert, stage), cause);
  }

  /**
   * A track ended: 'impact' (at its predicted ground impact), 'intercepted' or 'deleted' (lost). Its zones
   * are cleared once every track that warned them has ended, after the hold.
   */
  onTrackEnd(trackId: number, t: number, reason: 'impact' | 'intercepted' | 'deleted'): AlertEvent[] {
    const tr = this.tracks.get(trackId);
    const out: AlertEvent[] = [];
    if (!tr) this.rememberEnded(trackId);
    else if (!tr.ended) {
      let end = t;
      if (reason === 'deleted' && tr.last) end = Math.max(t, this.latestImpact(tr.last));
      this.endTrack(tr, end);
    }
    this.dueClears(t, out);
    return out;
  }

  /** The clock: ends tracks lost without notice and issues the all-clears due by `t`. */
  tick(t: number): AlertEvent[] {
    // (deleting the entry being visited, as endTrack may, is safe in a Map's iteration)
    for (const tr of this.tracks.values()) {
      if (tr.ended || !tr.last) continue;
      const latest = this.latestImpact(tr.last);
      if (t >= latest + this.policy.lostTrackGraceSeconds) this.endTrack(tr, latest);
    }
    const out: AlertEvent[] = [];
    this.dueClears(t, out);
    return out;
  }

  /** Latest plausible impact time of a prediction: impactTime + 3σ. */
  private latestImpact(p: PredictionEvent): number {
    return p.impactTime + 3 * Math.max(0, p.impactTimeSigma);
  }

  private endTrack(tr: TrackState, end: number): void {
    tr.ended = true;
    this.endedSinceSweep = true;
    for (const zoneId of tr.zones.keys()) {
      const zs = this.active.get(zoneId);
      if (!zs || !zs.live.delete(tr.id)) continue;
      if (end > zs.lastEnd) zs.lastEnd = end;
    }
    // keep memory bounded: an ended track that warned nothing needs no state
    if (tr.zones.size === 0) this.forget(tr.id);
  }

  /** The alert a track's newly warned zone goes to. */
  private alertForNewZone(tr: TrackState, wanted: readonly { zone: Zone }[]): AlertState {
    if (tr.home && !tr.home.closed) return tr.home;
    // a zone of this prediction already under an alert: join it (lowest alert first)
    let best: AlertState | undefined;
    for (const w of wanted) {
      const a = this.active.get(w.zone.id)?.alert;
      if (a && (!best || a.seq < best.seq)) best = a;
    }
    if (best) {
      tr.home = best;
      return best;
    }
    const seq = ++this.seq;
    const alert: AlertState = { id: `${this.prefix}-${seq}`, seq, zones: new Map(), trackIds: new Set(), sortedIds: [], messages: [], closed: false };
    this.alerts.push(alert);
    tr.home = alert;
    return alert;
  }

  /** When a zone's all-clear is due (Infinity while a track that warned it still flies). */
  private clearDue(zs: ZoneState): number {
    if (zs.live.size > 0) return Infinity;
    const sirenEnd = zs.sirenAt === undefined ? -Infinity : zs.sirenAt + zs.zone.shelterSeconds;
    return Math.max(zs.lastEnd + this.policy.holdSeconds, sirenEnd);
  }

  private dueClears(t: number, out: AlertEvent[]): void {
    // it runs at every prediction: nothing to do before the earliest all-clear known to be due (a zone's due
    // time only moves back when one of its tracks ends, and endTrack's endedSinceSweep forces the sweep)
    if (t < this.clearFloor && !this.endedSinceSweep) return;
    let clearedAny = false;
    let floor = Infinity;
    for (const alert of this.alerts) {
      let cleared: ZoneState[] | undefined;
      for (const zs of alert.zones.values()) {
        const due = this.clearDue(zs);
        if (due <= t) (cleared ??= []).push(zs);
        else if (due < floor) floor = due;
      }
      if (cleared === undefined) continue;
      clearedAny = true;
      cleared.sort((a, b) => a.index - b.index);
      for (const zs of cleared) {
        alert.zones.delete(zs.zone.id);
        this.active.delete(zs.zone.id);
      }
      if (alert.zones.size === 0) alert.closed = true;
      out.push(
        this.message(
          alert,
          t,
          'clear',
          cleared.map((z) => z.zone.id),
        ),
      );
    }
    this.clearFloor = floor;
    if (!clearedAny && !this.endedSinceSweep) return;
    for (let i = this.alerts.length - 1; i >= 0; i--) if (this.alerts[i]!.closed) this.alerts.splice(i, 1);
    // forget ended tracks none of whose zones is still active (that changes only when a track ends or a zone
    // clears: this sweep over every track is skipped otherwise — it ran at every prediction, thousands of
    // times a second in a 1,000-round salvo)
    this.endedSinceSweep = false;
    for (const tr of this.tracks.values()) {
      if (!tr.ended) continue;
      let still = false;
      for (const zoneId of tr.zones.keys()) if (this.active.has(zoneId)) still = true;
      if (!still) this.forget(tr.id);
    }
  }

  private forget(id: number): void {
    this.tracks.delete(id);
    this.rememberEnded(id);
  }

  /**
   * Ended track numbers, so a late prediction of one is ignored. Bounded for a service that runs for days:
   * past ENDED_KEPT, the oldest half (track numbers only grow) is forgotten — their tracks ended thousands of
   * tracks ago.
   */
  private rememberEnded(id: number): void {
    this.endedIds.add(id);
    if (this.endedIds.size <= ENDED_KEPT) return;
    const ids = [...this.endedIds].sort((a, b) => a - b);
    for (const old of ids.slice(0, ids.length >> 1)) this.endedIds.delete(old);
  }

  private zonesAt(alert: AlertState, stage: WarnStage): string[] {
    return [...alert.zones.values()]
      .filter((z) => z.stage === stage)
      .sort((a, b) => a.index - b.index)
      .map((z) => z.zone.id);
  }

  private message(alert: AlertState, t: number, stage: AlertStage, zones: string[], cause?: PredictionEvent): AlertEvent {
    const n = alert.messages.length;
    const msgType: AlertEvent['msgType'] = n === 0 ? 'Alert' : stage === 'clear' && alert.zones.size === 0 ? 'Cancel' : 'Update';
    const messageId = `${alert.id}.${n + 1}`;
    const remaining = [...alert.zones.values()].sort((a, b) => a.index - b.index);
    const zoneStages: Record<string, WarnStage> = {};
    for (const z of remaining) zoneStages[z.zone.id] = z.stage;
    const ev: AlertEvent = {
      type: 'alert',
      t,
      alertId: alert.id,
      stage,
      zones,
      trackIds: alert.sortedIds.slice(),
      msgType,
      messageId,
      zoneStages,
    };
    if (n > 0) {
      const refs = n === 1 ? [alert.messages[0]!] : [alert.messages[0]!, alert.messages[n - 1]!];
      ev.references = refs.map((m) => m.messageId);
      ev.referenceTimes = refs.map((m) => m.t);
    }
    if (cause) {
      ev.impact = { lat: cause.impact.lat, lon: cause.impact.lon, radiusM: this.policy.circleSigmas * majorSigma(cause.covEN) };
    }
    if (stage !== 'clear') {
      let first = Infinity;
      let expected = -Infinity;
      for (const zs of remaining) {
        const due = this.clearDue(zs);
        if (due < Infinity) expected = Math.max(expected, due);
        else {
          for (const st of zs.live.values()) {
            const last = st.last;
            if (!last) continue;
            first = Math.min(first, last.impactTime);
            expected = Math.max(expected, this.latestImpact(last) + this.policy.holdSeconds);
          }
          if (zs.sirenAt !== undefined) expected = Math.max(expected, zs.sirenAt + zs.zone.shelterSeconds);
        }
      }
      if (first < Infinity) ev.impactTime = first;
      if (expected > -Infinity) ev.expires = Math.ceil(expected + this.policy.expiresMarginSeconds);
    }
    alert.messages.push({ messageId, t });
    // (every message restates the whole alert: a join still pending is listed by this one)
    this.pendingJoins.delete(alert);
    return ev;
  }
}

function finitePrediction(p: PredictionEvent): boolean {
  const c = p.covEN;
  return (
    Number.isFinite(p.t) &&
    Number.isFinite(p.impact.lat) &&
    Number.isFinite(p.impact.lon) &&
    Number.isFinite(p.impactTime) &&
    Number.isFinite(p.impactTimeSigma) &&
    Number.isFinite(c[0][0]) &&
    Number.isFinite(c[0][1]) &&
    Number.isFinite(c[1][0]) &&
    Number.isFinite(c[1][1])
  );
}

/** σ (m) of the major axis of a 2×2 covariance. */
export function majorSigma(cov: readonly (readonly number[])[]): number {
  const a = cov[0]![0]!;
  const b = 0.5 * (cov[0]![1]! + cov[1]![0]!);
  const d = cov[1]![1]!;
  const tr = 0.5 * (a + d);
  const disc = Math.sqrt(0.25 * (a - d) * (a - d) + b * b);
  return Math.sqrt(Math.max(0, tr + disc));
}

/** Inserts `v` into the ascending array `a` (track numbers only grow: usually an append). */
function insertSorted(a: number[], v: number): void {
  let i = a.length;
  while (i > 0 && a[i - 1]! > v) i--;
  a.splice(i, 0, v);
}
