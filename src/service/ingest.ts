/**
 * The live service's radar ingest: from "a UDP datagram arrived" to "time-ordered plots ready for the engine".
 * Pure — no sockets, no timers: the caller passes the bytes, the source address and the service clock's time.
 *
 * Per datagram: source allow-list, per-source token bucket, size limit, then the CAT048 + CAT034 decoder (its
 * structural rejects counted as it counts them), then per plot: sensor switched off, time skew against the
 * clock, plot from the future, duplicate (doubled network paths), late (older than what the engine already
 * has). Accepted plots wait in a reorder buffer (a binary heap) until `take(now)` releases them in time order;
 * CAT034 crossings get the same time checks and move their radar's watermark (below).
 *
 * Release point: min over enabled sensors of the sensor's watermark, never past `now`, never moving back:
 *   watermark(s) = max(min(lastArrival(s) − transit, maxT(s)), now − silentAfter(period(s)))
 * lastArrival(s) is the arrival (service clock) of the last datagram that brought an accepted plot or CAT034
 * north marker / sector crossing of s, maxT(s) the latest accepted plot or crossing time of s (each counted no
 * later than its own datagram's arrival − transit). A radar sends one datagram per revolution (or sector) with
 * the plots measured before it was sent, so once it arrived nothing measured earlier is still on its way —
 * except plots of the same revolution in a following datagram, which lie after the plots already seen: hence
 * maxT. A crossing says the antenna passed a sector boundary at its time, and the radar sends it after that
 * sector's plots: so a radar with nothing to report in a sector still moves its watermark, and the others'
 * plots do not wait for it. The arrival caps the watermark, so a corrupt timestamp inside a datagram cannot
 * move it further than its arrival (less `transit`, the radars' delay from a revolution's end to its
 * datagram's arrival) and make the other plots late. A revolution split over several datagrams is released
 * as it comes, even with a take() between them. A sensor that sends nothing counts as silent after
 * silentAfter(period): the others wait no longer.
 *
 * Late is t < released `until` (strictly: a plot at exactly `until` still keeps the engine's time order, which
 * the tracker checks the same way), so a plot sharing a 1/128-s tick with the last released one is not lost.
 *
 * Release 'per-sensor' (what `serve` uses): each sensor's plots go out once its own watermark passes them, not
 * the common release point — with two radars, a plot no longer waits for the other radar's sector (≈ 63 ms on
 * average with a 2 s radar's 16 sectors). `until` stays the common point; a plot is also late when it is older
 * than what its own sensor already released. The engine then sees a slower radar's plot after newer plots of a
 * faster one, and its tracker takes such a plot by reprocessing (TrackerOptions.outOfSequence).
 */
import { NORTH_MARKER, SECTOR_CROSSING, type ServiceMessage } from '../io/asterix/cat034.js';
import { RHO_LSB, sensorKey, sensorTable, THETA_LSB, type Cat048Context } from '../io/asterix/cat048.js';
import { decodeRadarDatagram } from '../io/asterix/radar.js';
import { REJECT_REASONS } from '../io/asterix/rejects.js';
import type { Site } from '../scenario/types.js';
import type { Plot } from '../sense/plot.js';

/** Every reason the ingest refuses something: the decoder's, then the service's own. */
export const INGEST_REJECTS = [
  ...REJECT_REASONS,
  /** the datagram's source address is not in the allow-list (counted per datagram) */
  'source-not-allowed',
  /** the datagram is longer than maxDatagramBytes (per datagram) */
  'oversize',
  /** the source exceeded its token bucket of datagrams per second (per datagram) */
  'rate-limited',
  /** a plot of a sensor the operator switched off (per plot) */
  'sensor-disabled',
  /** plot time further than maxSkew from the arrival time: a radar with a wrong clock, a clock jump (per plot) */
  'time-skew',
  /** plot time more than `ahead` after its datagram's arrival: a radar cannot measure the future (per plot) */
  'future',
  /** plot older than what was already released to the engine, which needs time order (per plot) */
  'late',
  /** same sensor, time of day, ρ, θ and height as a plot already taken: doubled network paths (per plot) */
  'duplicate',
] as const;

export type IngestReject = (typeof INGEST_REJECTS)[number];

/** Rejections by reason, with the last message of each (the decoder's RejectCounter, widened to every reason). */
export interface IngestRejectCounter {
  total: number;
  counts: Record<IngestReject, number>;
  last: Partial<Record<IngestReject, string>>;
}

export interface IngestCounters {
  /** datagrams handed in, refused or not */
  datagrams: number;
  /** their bytes */
  bytes: number;
  plotsAccepted: number;
  plotsReleased: number;
  /** CAT034 service messages (north markers, sector crossings, …) accepted */
  messagesAccepted: number;
  rejects: IngestRejectCounter;
}

export type SensorState = 'ok' | 'degraded' | 'silent' | 'disabled';

export interface SensorStatus {
  id: string;
  sac: number;
  sic: number;
  enabled: boolean;
  /** plots accepted */
  plots: number;
  /** service-clock time (UTC s) at which the last accepted plot arrived */
  lastPlot?: number;
  /** service-clock time (UTC s) of the last datagram carrying a record of this sensor, accepted or not */
  lastDatagram?: number;
  /** service-clock time (UTC s) at which the last accepted CAT034 service message arrived */
  lastMessage?: number;
  /**
   * ok: a plot or service message accepted within silentAfter(period); degraded: none, but datagrams still arrive within
   * silentAfter(period) (their plots all refused: wrong clock, …) or a plot was accepted within
   * DEGRADED_PERIODS periods (missed revolutions); silent: otherwise, or never heard; disabled: switched off.
   */
  state: SensorState;
}

export interface IngestOptions {
  site: Site;
  /** source addresses allowed, exact strings as the socket reports them; undefined: any */
  allowSources?: readonly string[];
  /** longer datagrams are refused whole (`oversize`); default 8192 */
  maxDatagramBytes?: number;
  /** s: plots further than this from the arrival time are `time-skew`; default 30 */
  maxSkew?: number;
  /** s: plots more than this after their arrival are `future`; default 1 */
  ahead?: number;
  /**
   * The data's own clock runs ahead of the receiver's (a replay faster than real time into a follow clock): a
   * plot stamped after its arrival counts as having arrived at its own time for the watermark, so it is not
   * held back a revolution. Default false (live radars: the arrival is the receiver's clock).
   */
  dataAhead?: boolean;
  /** token bucket per source address, datagrams; default 2000/s, burst 4000 */
  rate?: { perSecond: number; burst: number };
  /**
   * s, default 0.02: a datagram lets its sensor's watermark reach at most its arrival − transit, so a corrupt
   * plot time cannot release past that. Best set to the radars' delay from the end of a revolution to the
   * arrival of its datagram: shorter, a corrupt time may make the next revolution's first plots late; longer,
   * the newest plots of a datagram wait for the next one.
   */
  transit?: number;
  /** s after which a sensor with no accepted plot no longer holds the release point back; default 1.5·period + 0.5 */
  silentAfter?: (period: number) => number;
  /**
   * 'ordered' (default): every plot waits for the release point, so the engine gets all plots in time order.
   * 'per-sensor': each sensor's plots go out as soon as its own watermark passes them (in time order per
   * sensor; `until` is still the common release point): a radar's plots no longer wait for another radar's
   * sector, and a slower radar's plots may reach the engine after newer plots of a faster one — the tracker
   * takes them by reprocessing (TrackerOptions.outOfSequence).
   */
  release?: 'ordered' | 'per-sensor';
}

/** A sensor that accepted a plot within this many periods is degraded, not silent. */
export const DEGRADED_PERIODS = 10;
/** Duplicate keys are kept this many periods (of arrival time) of their sensor, plus one second. */
export const DUPLICATE_PERIODS = 4;
/** Above this many token buckets, full (idle) ones are dropped: spoofed sources cannot grow the table forever. */
const MAX_BUCKETS = 4096;

const defaultSilentAfter = (period: number): number => 1.5 * period + 0.5;

interface SensorSlot {
  id: string;
  sac: number;
  sic: number;
  period: number;
  silentAfter: number;
  /** position of the id in sorted order: ties in t are released by sensor id */
  rank: number;
  enabled: boolean;
  plots: number;
  /** arrival of the last accepted plot, −∞ before the first */
  lastPlot: number;
  /** arrival of the last accepted service message, −∞ before the first */
  lastMessage: number;
  /** the later of the two (with dataAhead, as the data's clock heard it): what the watermark goes by */
  lastHeard: number;
  /** arrival of the last datagram naming the sensor, −∞ before the first */
  lastDatagram: number;
  /** latest accepted plot or crossing time (no later than its arrival − transit) */
  maxT: number;
  /** release 'per-sensor': every plot of this sensor up to here went out (−∞ in 'ordered') */
  released: number;
  /** duplicate keys: absolute time code (1/128 s) → [ρ·65536 + θ, elevation, …] */
  dup: Map<number, number[]>;
  /** dup keys in insertion order with their insertion arrival, for expiry */
  dupCodes: number[];
  dupAt: number[];
  dupHead: number;
  dupKeep: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export class PlotIngest {
  readonly counters: IngestCounters;
  private readonly slots: SensorSlot[];
  private readonly byKey = new Map<number, SensorSlot>();
  private readonly byId = new Map<string, SensorSlot>();
  private readonly ctx: Cat048Context;
  private readonly allow: ReadonlySet<string> | undefined;
  private readonly maxBytes: number;
  private readonly maxSkew: number;
  private readonly ahead: number;
  private readonly perSecond: number;
  private readonly burst: number;
  private readonly transit: number;
  private readonly dataAhead: boolean;
  private readonly buckets = new Map<string, Bucket>();
  private readonly decoded: Plot[] = [];
  private readonly decodedMessages: ServiceMessage[] = [];
  private released = -Infinity;
  private newest = -Infinity;
  private readonly perSensor: boolean;
  /** the slots by rank (the heap keeps ranks) */
  private readonly byRank: SensorSlot[] = [];
  /** newest plot time accepted from the last datagram (−∞: none) */
  private datagramNewest = -Infinity;
  private seq = 0;
  // reorder heap, parallel arrays: time, sensor rank, arrival sequence, plot
  private readonly hT: number[] = [];
  private readonly hR: number[] = [];
  private readonly hS: number[] = [];
  private readonly hP: Plot[] = [];

  constructor(opts: IngestOptions) {
    const table = sensorTable(opts.site.sensors);
    this.ctx = { sensors: table, referenceTime: 0 };
    const silentAfter = opts.silentAfter ?? defaultSilentAfter;
    const ids = opts.site.sensors.map((s) => s.id).sort();
    this.slots = opts.site.sensors.map((s) => ({
      id: s.id,
      sac: s.sac,
      sic: s.sic,
      period: s.period,
      silentAfter: silentAfter(s.period),
      rank: ids.indexOf(s.id),
      enabled: true,
      plots: 0,
      lastPlot: -Infinity,
      lastMessage: -Infinity,
      lastHeard: -Infinity,
      lastDatagram: -Infinity,
      maxT: -Infinity,
      released: -Infinity,
      dup: new Map(),
      dupCodes: [],
      dupAt: [],
      dupHead: 0,
      dupKeep: DUPLICATE_PERIODS * s.period + 1,
    }));
    this.perSensor = opts.release === 'per-sensor';
    for (const s of this.slots) this.byRank[s.rank] = s;
    for (const s of this.slots) {
      if (this.byId.has(s.id)) throw new RangeError(`sensor id ${s.id} appears twice in the site`);
      this.byId.set(s.id, s);
      this.byKey.set(sensorKey(s.sac, s.sic), s);
    }
    this.allow = opts.allowSources ? new Set(opts.allowSources) : undefined;
    this.maxBytes = opts.maxDatagramBytes ?? 8192;
    this.maxSkew = opts.maxSkew ?? 30;
    this.ahead = opts.ahead ?? 1;
    this.perSecond = opts.rate?.perSecond ?? 2000;
    this.burst = opts.rate?.burst ?? 4000;
    this.transit = opts.transit ?? 0.02;
    this.dataAhead = opts.dataAhead === true;
    const counts = {} as Record<IngestReject, number>;
    for (const r of INGEST_REJECTS) counts[r] = 0;
    this.counters = { datagrams: 0, bytes: 0, plotsAccepted: 0, plotsReleased: 0, messagesAccepted: 0, rejects: { total: 0, counts, last: {} } };
  }

  /** Plots accepted and not yet released. */
  get pending(): number {
    return this.hT.length;
  }

  /** After a restart: the engine has already run to t (the journal's last batch); older plots are late. */
  resumeAfter(t: number): void {
    if (t > this.released) this.released = t;
  }

  /** The latest time (UTC s) of an accepted plot, −∞ before the first (what a clock following the data observes). */
  get latest(): number {
    return this.newest;
  }

  /** The newest plot time the last datagram brought (−∞ when it brought none): what its plots' batch reaches. */
  get lastDatagramNewest(): number {
    return this.datagramNewest;
  }

  /** The release point of the last take(): every plot up to it went out; −∞ before the first release. */
  get until(): number {
    return this.released;
  }

  private reject(reason: IngestReject, message: string): void {
    const r = this.counters.rejects;
    r.total++;
    r.counts[reason]++;
    r.last[reason] = message;
  }

  /**
   * One datagram: its bytes, source address and arrival time (UTC s, the service clock). Returns the number of
   * plots accepted (service messages accepted: `counters.messagesAccepted`). Never throws on bad bytes:
   * everything refused is counted under one reason. Throws a RangeError only for a non-finite arrival time (a
   * caller's bug, not the network's).
   */
  datagram(buf: Uint8Array, source: string, arrival: number): number {
    if (!Number.isFinite(arrival)) throw new RangeError(`datagram arrival time must be finite, got ${arrival}`);
    const c = this.counters;
    c.datagrams++;
    c.bytes += buf.length;
    if (this.allow !== undefined && !this.allow.has(source)) {
      this.reject('source-not-allowed', `datagram from ${source}: not in the allowed sources`);
      return 0;
    }
    if (!this.takeToken(source, arrival)) {
      this.reject('rate-limited', `datagram from ${source}: over ${this.perSecond}/s (burst ${this.burst})`);
      return 0;
    }
    if (buf.length > this.maxBytes) {
      this.reject('oversize', `datagram from ${source}: ${buf.length} bytes > ${this.maxBytes}`);
      return 0;
    }
    if (buf.length === 0) {
      this.reject('truncated', `datagram from ${source}: empty`);
      return 0;
    }
    const out = this.decoded;
    const msgs = this.decodedMessages;
    out.length = 0;
    msgs.length = 0;
    this.ctx.referenceTime = arrival;
    const before = this.counters.rejects.total;
    decodeRadarDatagram(buf, this.ctx, out, msgs, this.counters.rejects);
    if (out.length === 0 && msgs.length === 0 && this.counters.rejects.total === before) {
      // only data blocks of LEN 3: a block must hold at least one record
      this.reject('bad-length', `datagram from ${source}: ${buf.length} bytes of data blocks without a record`);
      return 0;
    }
    let accepted = 0;
    this.datagramNewest = -Infinity;
    for (let i = 0; i < out.length; i++) {
      const p = out[i]!;
      const s = this.byKey.get(sensorKey(p.sac, p.sic))!; // the decoder only returns the table's sensors
      if (arrival > s.lastDatagram) s.lastDatagram = arrival;
      if (this.admit(p, s, arrival)) {
        accepted++;
        if (p.t > this.datagramNewest) this.datagramNewest = p.t;
      }
    }
    out.length = 0;
    c.plotsAccepted += accepted;
    for (const m of msgs) {
      const s = this.byKey.get(sensorKey(m.sac, m.sic))!;
      if (arrival > s.lastDatagram) s.lastDatagram = arrival;
      if (this.admitMessage(m, s, arrival)) c.messagesAccepted++;
    }
    msgs.length = 0;
    return accepted;
  }

  /** The time checks a plot gets; false (counted) when the sensor is off or the time is impossible. */
  private timely(t: number, s: SensorSlot, arrival: number, what: string): boolean {
    if (!s.enabled) {
      this.reject('sensor-disabled', `${s.id}: switched off`);
      return false;
    }
    const d = t - arrival;
    if (d > this.maxSkew || d < -this.maxSkew) {
      this.reject('time-skew', `${s.id}: ${what} time ${d > 0 ? '+' : ''}${d.toFixed(1)} s from its arrival`);
      return false;
    }
    if (d > this.ahead) {
      this.reject('future', `${s.id}: ${what} time ${d.toFixed(2)} s after its arrival`);
      return false;
    }
    return true;
  }

  /** The sensor was heard at `arrival` with data up to t: its watermark may move. Returns when it was heard. */
  private heard(s: SensorSlot, t: number, arrival: number): number {
    // (dataAhead: the datagram left after its newest data, at the data's clock: nothing of it is still in transit)
    const heard = this.dataAhead && t + this.transit > arrival ? t + this.transit : arrival;
    if (heard > s.lastHeard) s.lastHeard = heard;
    if (t > this.newest) this.newest = t;
    // A time after heard − transit cannot be a measurement that is complete (a corrupt time of day, within
    // `ahead`): it counts only as far as its arrival, else it would hold maxT up until the sensor's next
    // datagram and release past plots of that revolution still on their way.
    const upTo = Math.min(t, heard - this.transit);
    if (upTo > s.maxT) s.maxT = upTo;
    return heard;
  }

  /**
   * A CAT034 message: the sensor's time checks; a north marker or sector crossing then moves its watermark (the
   * antenna has passed that azimuth: every plot measured before t has been sent). An older one than the
   * watermark, or a doubled one, changes nothing and is not an error. Other service messages are taken and
   * change nothing.
   */
  private admitMessage(m: ServiceMessage, s: SensorSlot, arrival: number): boolean {
    if (!this.timely(m.t, s, arrival, 'service message')) return false;
    const at = m.type === NORTH_MARKER || m.type === SECTOR_CROSSING ? this.heard(s, m.t, arrival) : arrival;
    if (at > s.lastMessage) s.lastMessage = at;
    return true;
  }

  /** Per-plot checks; on acceptance the plot goes into the reorder heap. */
  private admit(p: Plot, s: SensorSlot, arrival: number): boolean {
    const t = p.t;
    if (!this.timely(t, s, arrival, 'plot')) return false;
    // duplicate before late: a doubled datagram arriving after the original went out is still a duplicate
    const code = Math.round(t * 128);
    const rt = Math.round(p.range / RHO_LSB) * 65536 + Math.round(p.az / THETA_LSB);
    const el = p.el;
    this.expireDuplicates(s, arrival);
    const keys = s.dup.get(code);
    if (keys !== undefined) {
      for (let k = 0; k < keys.length; k += 2) {
        if (keys[k] === rt && Object.is(keys[k + 1], el)) {
          this.reject('duplicate', `${s.id}: plot at t=${t.toFixed(3)} already taken`);
          return false;
        }
      }
    }
    const rel = s.released > this.released ? s.released : this.released;
    if (t < rel) {
      this.reject('late', `${s.id}: plot at t=${t.toFixed(3)} is ${(rel - t).toFixed(3)} s older than the released ${rel.toFixed(3)}`);
      return false;
    }
    if (keys !== undefined) {
      keys.push(rt, el);
    } else {
      s.dup.set(code, [rt, el]);
      s.dupCodes.push(code);
      s.dupAt.push(arrival);
    }
    s.plots++;
    const at = this.heard(s, t, arrival);
    if (at > s.lastPlot) s.lastPlot = at;
    this.push(t, s.rank, p);
    return true;
  }

  private expireDuplicates(s: SensorSlot, arrival: number): void {
    const before = arrival - s.dupKeep;
    let h = s.dupHead;
    const codes = s.dupCodes;
    const at = s.dupAt;
    while (h < codes.length && at[h]! < before) s.dup.delete(codes[h++]!);
    if (h > 1024 && h * 2 > codes.length) {
      codes.splice(0, h);
      at.splice(0, h);
      h = 0;
    }
    s.dupHead = h;
  }

  private takeToken(source: string, now: number): boolean {
    let b = this.buckets.get(source);
    if (b === undefined) {
      if (this.buckets.size >= MAX_BUCKETS) this.pruneBuckets(now);
      b = { tokens: this.burst, at: now };
      this.buckets.set(source, b);
    } else if (now > b.at) {
      b.tokens = Math.min(this.burst, b.tokens + (now - b.at) * this.perSecond);
      b.at = now;
    }
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  /** Drops buckets that have refilled (a source idle long enough starts full anyway). */
  private pruneBuckets(now: number): void {
    for (const [k, b] of this.buckets) if (b.tokens + (now - b.at) * this.perSecond >= this.burst) this.buckets.delete(k);
  }

  /** The release point `now` allows, before the monotone clamp. */
  private releasePoint(now: number): number {
    let r = now;
    for (const s of this.slots) {
      if (!s.enabled) continue;
      const wm = this.watermark(s, now);
      if (wm < r) r = wm;
    }
    return r;
  }

  /** A sensor's watermark (see the header): nothing it measured before is still on its way. */
  private watermark(s: SensorSlot, now: number): number {
    const heard = Math.min(s.lastHeard - this.transit, s.maxT);
    return Math.max(heard, now - s.silentAfter);
  }

  /**
   * Releases, in time order (ties by sensor id, then arrival), every buffered plot with t ≤ the release point,
   * and returns them with that point `until` (never decreasing; every later accepted plot has t ≥ until).
   * With release 'per-sensor', every buffered plot up to its own sensor's watermark instead (so some may be
   * after `until`; every later accepted plot of a sensor is after those of that sensor already released).
   */
  take(now: number): { plots: Plot[]; until: number } {
    if (Number.isFinite(now)) {
      const r = this.releasePoint(now);
      if (r > this.released) this.released = r;
    }
    const plots: Plot[] = [];
    const until = this.released;
    if (!this.perSensor) {
      while (this.hT.length > 0 && this.hT[0]! <= until) plots.push(this.pop());
    } else {
      // each sensor up to its own watermark (never back, never before the common point; an off sensor's
      // accepted plots go with the common point), in time order across sensors
      let reach = until;
      for (const s of this.slots) {
        let own = s.enabled && Number.isFinite(now) ? Math.min(now, this.watermark(s, now)) : until;
        if (own < until) own = until;
        if (own > s.released) s.released = own;
        if (s.released > reach) reach = s.released;
      }
      const held: Plot[] = [];
      const heldT: number[] = [];
      const heldR: number[] = [];
      while (this.hT.length > 0 && this.hT[0]! <= reach) {
        const t = this.hT[0]!;
        const rank = this.hR[0]!;
        const p = this.pop();
        if (t <= this.byRank[rank]!.released) plots.push(p);
        else {
          held.push(p);
          heldT.push(t);
          heldR.push(rank);
        }
      }
      for (let k = 0; k < held.length; k++) this.push(heldT[k]!, heldR[k]!, held[k]!);
    }
    this.counters.plotsReleased += plots.length;
    return { plots, until };
  }

  /** Every sensor of the site with its counts and state at `now`. */
  sensors(now: number): SensorStatus[] {
    return this.slots.map((s) => {
      const st: SensorStatus = { id: s.id, sac: s.sac, sic: s.sic, enabled: s.enabled, plots: s.plots, state: this.stateOf(s, now) };
      if (s.lastPlot > -Infinity) st.lastPlot = s.lastPlot;
      if (s.lastMessage > -Infinity) st.lastMessage = s.lastMessage;
      if (s.lastDatagram > -Infinity) st.lastDatagram = s.lastDatagram;
      return st;
    });
  }

  private stateOf(s: SensorSlot, now: number): SensorState {
    if (!s.enabled) return 'disabled';
    const last = Math.max(s.lastPlot, s.lastMessage);
    if (now - last <= s.silentAfter) return 'ok';
    if (now - s.lastDatagram <= s.silentAfter || now - last <= DEGRADED_PERIODS * s.period) return 'degraded';
    return 'silent';
  }

  /**
   * Switches a sensor on or off (operator action). Off: its plots are refused (`sensor-disabled`) and the
   * release point no longer waits for it; plots already accepted still go out. Returns false for an unknown id.
   */
  setEnabled(sensorId: string, enabled: boolean): boolean {
    const s = this.byId.get(sensorId);
    if (s === undefined) return false;
    s.enabled = enabled;
    return true;
  }

  /* ---------------------------------------------------------------------------------- reorder heap */

  private less(i: number, j: number): boolean {
    const a = this.hT[i]!;
    const b = this.hT[j]!;
    if (a !== b) return a < b;
    const ra = this.hR[i]!;
    const rb = this.hR[j]!;
    if (ra !== rb) return ra < rb;
    return this.hS[i]! < this.hS[j]!;
  }

  private swap(i: number, j: number): void {
    const { hT, hR, hS, hP } = this;
    const t = hT[i]!;
    hT[i] = hT[j]!;
    hT[j] = t;
    const r = hR[i]!;
    hR[i] = hR[j]!;
    hR[j] = r;
    const q = hS[i]!;
    hS[i] = hS[j]!;
    hS[j] = q;
    const p = hP[i]!;
    hP[i] = hP[j]!;
    hP[j] = p;
  }

  private push(t: number, rank: number, p: Plot): void {
    let i = this.hT.length;
    this.hT.push(t);
    this.hR.push(rank);
    this.hS.push(this.seq++);
    this.hP.push(p);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  private pop(): Plot {
    const top = this.hP[0]!;
    const last = this.hT.length - 1;
    if (last > 0) this.swap(0, last);
    this.hT.pop();
    this.hR.pop();
    this.hS.pop();
    this.hP.pop();
    const n = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const m = r < n && this.less(r, l) ? r : l;
      if (!this.less(m, i)) break;
      this.swap(m, i);
      i = m;
    }
    return top;
  }
}
