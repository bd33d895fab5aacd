/**
 * The multi-target tracker: radar plots in, tracks out.
 *
 * Per batch of plots (all plots measured up to `until`, time-ordered):
 *   1. every plot becomes a point in the site's ENU frame, indexed in a 3-D hash grid;
 *   2. gating — each live track extrapolates its last estimate to the batch's middle and asks the grid for
 *      the plots near it; each candidate pair gets its exact normalised innovation (the track extrapolated to
 *      the plot's own time, the plot's polar measurement and the sensor's noise) and is kept when inside the
 *      χ² gate. Cost grows with tracks + plots, not tracks × plots;
 *   3. assignment — per sensor (a radar sees a target at most once per look), global nearest neighbour with
 *      a missed-detection cost equal to the gate, solved exactly by the clustered Jonker–Volgenant solver;
 *   4. update — each track takes its plots in time order: the ballistic EKF (position, velocity, drag
 *      parameter κ) and a nearly-constant-velocity EKF are both updated; the ratio of their innovation
 *      likelihoods is the classifier (a two-model bank with a bounded log-likelihood ratio: a Markov-switching
 *      prior that lets old evidence saturate instead of locking the decision forever);
 *   5. initiation — a plot no track took pairs with earlier unassociated plots 0.4–3 s older whose implied
 *      speed is physical (5–1,100 m/s): each pair starts a tentative track (two-point initiation);
 *   6. bookkeeping in time slots of the fastest sensor's revisit: tentative → confirmed by M hits in the
 *      last N slots, tentative tracks die after two empty slots, confirmed tracks coast and are deleted
 *      after a coasting limit, ballistic tracks end at their predicted ground impact.
 *
 * Boost: a rocket's motor burns for up to ~2 s after launch (122 mm: 1.9 s, ≈350 m/s²). The ballistic model
 * has no thrust; a track started on boost plots would be lost. Guard (documented in docs/tracking.md): while
 * a track is young (under `boostAge` seconds since its first plot) its filter carries extra process noise
 * along its velocity sized to the largest motor acceleration, and two-point initiation allows the along-track
 * speed to be off by what an unresolved boost can hide. Once the track is older, it is a pure coasting model.
 *
 * The tracker never reads Plot.truthId (simulation bookkeeping): observers may, for metrics.
 */
import type { EnuFrame } from '../geo/wgs84.js';
import type { Plot } from '../sense/plot.js';
import { Assigner, likelihoodCosts } from './assign.js';
import { BallisticEkf, NX, ballisticRhs, measureWithJacobian, wrapPi, type EkfMet } from './ballistic-ekf.js';
import { CvEkf } from './cv-ekf.js';
import { popcount32, recordHistory, trailingMisses } from './m-of-n.js';
import { elevationRoundingM2, plotSigmas, plotToSite, type TrackerSensor } from './sensors.js';
import { SpatialGrid } from './spatial-grid.js';
import { estimateThreatClass, type ThreatClassEstimate } from './threat-class.js';

export type TrackStatus = 'tentative' | 'confirmed';
/** ballistic: a projectile (warn on it); air: flies (drone, aircraft, bird): never warn; unknown: not yet decided */
export type TrackClass = 'unknown' | 'ballistic' | 'air';

export interface TrackerOptions {
  /** met message (wind, ISA temperature offset) the ballistic model flies in; absent: still air, ISA */
  met?: EkfMet;
  /** white-acceleration spectral density of the ballistic model ((m/s²)²/Hz): unmodelled drag, wind, met */
  qBallistic: number;
  /** random-walk density on κ ((m²/kg)²/s) */
  qKappa: number;
  /** white-acceleration density of the nearly-constant-velocity model ((m/s²)²/Hz): manoeuvring drones */
  qCv: number;
  /** gate: χ² probability of the normalised innovation (3 or 4 degrees of freedom) */
  gateProbability: 0.99 | 0.995 | 0.999;
  /**
   * M-of-N confirmation over the slots; the plot that completes it must also lie inside the 99 % region of
   * the better model's innovation (the gate's 99.9 % admits it as a hit, not as the proof)
   */
  confirmM: number;
  confirmN: number;
  /** consecutive empty slots that end a tentative track */
  tentativeMisses: number;
  /** s without a plot after which a confirmed track is deleted (ballistic tracks end at impact if sooner) */
  maxCoast: number;
  /** physical speed bounds for two-point initiation, m/s */
  vMin: number;
  vMax: number;
  /** tracks one unassociated plot may start, pairing with the most recent earlier plots (several in dense salvos) */
  initPairs: number;
  /** time between the two plots of an initiation, s */
  initDtMin: number;
  initDtMax: number;
  /** prior on κ for a new track (m²/kg): mean and σ, wide enough for every catalogue type */
  kappaMean: number;
  kappaSigma: number;
  /** largest along-track acceleration a young track may hide (rocket motors), m/s² */
  boostAccel: number;
  /** s after a track's first plot during which the boost guard is on */
  boostAge: number;
  /** log-likelihood-ratio bounds and decision thresholds of the classifier */
  llrLimit: number;
  llrDecide: number;
  /** updates before a class may be decided */
  minUpdatesToClassify: number;
  /**
   * m/s, the speed of sound near the ground: no subsonic flyer — bird, drone, helicopter, airliner or transport
   * under 10,000 ft (≤ 128 m/s by rule), jet or cruise missile at ≤ Mach 0.9 — can exceed it. A track whose speed
   * is above it by `fastSigmas` σ is classed ballistic without waiting for the likelihood ratio, unless the ratio
   * already says air (docs/tracking.md, "Classification": a supersonic jet low over the site would be taken
   * for a round until its ratio turns).
   */
  vAirMax: number;
  fastSigmas: number;
  /** s of data time between two checks for duplicate tracks (the simulator's 0.5 s windows: every window) */
  mergeEvery: number;
  /** m above the site: the speed rule applies below this height (jets cruise faster, far higher up) */
  fastCeiling: number;
  /**
   * Out-of-sequence plots (the live service releases each radar's plots as its sector closes, without waiting
   * for the other radars): a plot older than its track's last update, but not older than the update before,
   * is applied by reprocessing — the track goes back to its state before that update, takes the late plot,
   * then the newer one again — so the track ends exactly where time-ordered plots would have left it. Costs a
   * copy of the filters' state at every update. Off: such a plot is dropped (time-ordered input never has one).
   */
  outOfSequence: boolean;
}

export const DEFAULT_TRACKER_OPTIONS: TrackerOptions = {
  qBallistic: 0.5,
  qKappa: 1e-11,
  qCv: 2,
  gateProbability: 0.999,
  confirmM: 3,
  confirmN: 4,
  tentativeMisses: 2,
  maxCoast: 6,
  vMin: 5,
  vMax: 1100,
  initPairs: 2,
  initDtMin: 0.4,
  initDtMax: 3,
  kappaMean: 1e-3,
  kappaSigma: 1e-3,
  boostAccel: 0,
  boostAge: 3,
  llrLimit: 30,
  llrDecide: 4,
  minUpdatesToClassify: 2,
  vAirMax: 340,
  fastSigmas: 3,
  mergeEvery: 0.5,
  fastCeiling: 6000,
  outOfSequence: false,
};

/** GateBase.d layout: p 0–2, v 3–5, a 6–8, then these. */
const G_T = 9;
const G_Q = 10;
const G_TRPP = 11;
const G_TRVV = 12;
const G_SPEED = 13;
const G_SIZE = 14;
/**
 * Tracker.rows layout, one row per live track in the order of `tracks`: the primary base's `d` at 0, the
 * second base's at G_SIZE (while dual), the dual flag at R_DUAL.
 */
const R_DUAL = 2 * G_SIZE;
const ROW = 32;

/** Track.prev layout (outOfSequence): both filters' x, P and t, then the classifier's and bookkeeping's numbers. */
const SNAP_EKF_X = 0;
const SNAP_EKF_P = SNAP_EKF_X + NX;
const SNAP_EKF_T = SNAP_EKF_P + NX * NX;
const SNAP_CV_X = SNAP_EKF_T + 1;
const SNAP_CV_P = SNAP_CV_X + NX;
const SNAP_CV_T = SNAP_CV_P + 36;
const SNAP_LLR = SNAP_CV_T + 1;
const SNAP_VMAX = SNAP_LLR + 1;
const SNAP_UPDATES = SNAP_VMAX + 1;
const SNAP_HITS = SNAP_UPDATES + 1;
const SNAP_LAST_HIT = SNAP_HITS + 1;
const SNAP_SIZE = SNAP_LAST_HIT + 1;

/** χ² quantiles for 3 and 4 degrees of freedom. */
const CHI2: Record<TrackerOptions['gateProbability'], [number, number]> = {
  0.99: [11.345, 13.277],
  0.995: [12.838, 14.86],
  0.999: [16.266, 18.467],
};

/**
 * A gating base: position, velocity and acceleration at time t, the 6×6 covariance and the process noise q.
 *
 * Every batch sweeps the search sphere of every live track (Tracker.searchSphere); `d` holds all that sweep
 * reads in one contiguous array — p, v, a (copied by `seal`), t, q, the traces of the position and velocity
 * blocks of P and the speed — so a track's base costs it a cache line or two rather than one object per
 * vector. The service meets that sweep with cold caches (its batches come after pauses, when other work has
 * evicted them), where each scattered object is a miss. (p, v, a and P stay separate arrays: views into one
 * buffer would cost five allocations per base, and clutter makes bases by the thousand.)
 */
export class GateBase {
  readonly p = new Float64Array(3);
  readonly v = new Float64Array(3);
  readonly a = new Float64Array(3);
  readonly P = new Float64Array(36);
  readonly d = new Float64Array(G_SIZE);

  get t(): number {
    return this.d[G_T]!;
  }

  set t(v: number) {
    this.d[G_T] = v;
  }

  get q(): number {
    return this.d[G_Q]!;
  }

  set q(v: number) {
    this.d[G_Q] = v;
  }

  /** Fills the rest of `d` (p, v, a, the traces, the speed); call after p, v, a, P are set. */
  seal(): void {
    const d = this.d;
    const P = this.P;
    for (let k = 0; k < 3; k++) {
      d[k] = this.p[k]!;
      d[3 + k] = this.v[k]!;
      d[6 + k] = this.a[k]!;
    }
    d[G_TRPP] = P[0]! + P[7]! + P[14]!;
    d[G_TRVV] = P[21]! + P[28]! + P[35]!;
    d[G_SPEED] = norm3(d[3]!, d[4]!, d[5]!);
  }
}

export class Track {
  /**
   * The track number operators see (events, CAT062, CoT): given at confirmation, 1, 2, … in confirmation
   * order, so clutter that never confirms uses none and the numbers of real tracks depend only on what was
   * confirmed (a restarted service replaying its journal gives them again). Tentative tracks carry −serial.
   */
  id: number;
  /** creation order (ties between two tracks on one object go to the older) */
  readonly serial: number;
  status: TrackStatus = 'tentative';
  /** false once deleted, merged into another or ended at impact */
  alive = true;
  cls: TrackClass = 'unknown';
  threat: ThreatClassEstimate | undefined;
  private filters: { ekf: BallisticEkf; cv: CvEkf } | undefined;
  private make: (() => { ekf: BallisticEkf; cv: CvEkf }) | undefined;
  /** log-likelihood ratio ballistic : constant velocity */
  llr = 0;
  /** UTC s of the first plot, of the last plot */
  readonly born: number;
  lastHit: number;
  updates = 0;
  hits = 0;
  /** slot history bits (newest in bit 0) and the end of the current slot */
  history = 0;
  slotEnd: number;
  hitInSlot = false;
  vMaxSeen = 0;
  /** UTC s of the predicted impact (set by the prediction stage for ballistic tracks) */
  impactTime: number | undefined;
  /** extrapolation base for gating: the class's model once decided, else the one the ratio favours */
  readonly g = new GateBase();
  /**
   * while the class is undecided or the ratio disagrees with it, the other model's base too: a plot inside
   * either model's gate is a candidate (a decelerating rocket the constant-velocity model briefly fits better
   * must not lose its next plot to that model's gate, nor a drone to the ballistic one's)
   */
  readonly g2 = new GateBase();
  dualGate = false;
  /**
   * TrackerOptions.outOfSequence: the state before the last update (see Tracker.snapshot for the layout), with
   * that update's plot and sensor and the class and threat estimate it started from.
   */
  prev: Float64Array | undefined;
  prevPlot: Plot | undefined;
  prevSensor: TrackerSensor | undefined;
  prevCls: TrackClass = 'unknown';
  prevThreat: ThreatClassEstimate | undefined;

  /**
   * The filters are made on first use: most two-point tracks die before their first update (wrong pairs in
   * a dense salvo), and then never cost the two filters' workspaces.
   */
  constructor(serial: number, make: () => { ekf: BallisticEkf; cv: CvEkf }, born: number, slotEnd: number) {
    this.serial = serial;
    this.id = -serial;
    this.make = make;
    this.born = born;
    this.lastHit = born;
    this.slotEnd = slotEnd;
  }

  /** the ballistic filter (position, velocity, κ) */
  get ekf(): BallisticEkf {
    return (this.filters ??= this.make!()).ekf;
  }

  /** the constant-velocity filter (the classifier's other model) */
  get cv(): CvEkf {
    return (this.filters ??= this.make!()).cv;
  }

  get pBallistic(): number {
    return 1 / (1 + Math.exp(-this.llr));
  }
}

/** Status changes of tracks (a track's updates go to the observer: one event object per plot was garbage). */
export type TrackerEvent =
  | { kind: 'confirmed'; track: Track; t: number }
  | { kind: 'deleted'; track: Track; t: number; reason: 'missed' | 'coasted' | 'duplicate' | 'impact' };

/** Sees every update of every track, tentative and confirmed, with its plot (the engine's events, metrics). */
export interface TrackerObserver {
  update?(track: Track, plot: Plot): void;
}

/**
 * What associateBatch asks of a caller that wants some tracks' updates first (the live engine: the tracks whose
 * prediction may change a warning). After gating and assignment, the tracks for which `first` holds are updated
 * and judged (their deletion decided, as the batch's housekeeping would: isLive then tells); `ready` is called;
 * then the other tracks are updated, `updated` is called, new tracks are started, and the rest judged. Tracks
 * are independent within a batch once their plots are assigned, so every track ends in the same state as
 * without it, and the deletions come out in the same order; only the observer sees the `first` tracks' updates
 * before the others'.
 */
export interface UrgentFirst {
  /** asked once per track that has plots in the batch, before its update (the track as the last batch left it) */
  first(track: Track): boolean;
  /** once the `first` tracks are updated and judged (in a batch with plots; it must not throw) */
  ready(): void;
  /**
   * once every track is updated, before new tracks are started and the batch's other tracks judged (in a batch
   * with plots; it must not throw): the track picture is complete
   */
  updated(): void;
}

export interface TrackerStats {
  plots: number;
  unknownSensor: number;
  late: number;
  associated: number;
  initiations: number;
  confirmed: number;
  deleted: number;
  filterFailures: number;
  /** candidate pairs from the grid, and those that needed the exact innovation (cost diagnostics) */
  candidates: number;
  exactGates: number;
  /** tracks dropped as duplicates of another on the same object */
  merged: number;
  /** plots applied out of sequence by reprocessing (outOfSequence) */
  reordered: number;
  /** plots older than the update before their track's last (outOfSequence), or than its last (off): dropped */
  tooLate: number;
}

const G = 9.80665;

/** Gating edges of one sensor: candidate (track row, plot column) pairs with their NIS. */
interface Edges {
  n: number;
  rows: Int32Array;
  cols: Int32Array;
  costs: Float64Array;
  /** ln|S| of each pair's innovation covariance */
  lnDet: Float64Array;
}

function growEdges(e: Edges): void {
  const c = 2 * e.rows.length;
  const r = new Int32Array(c);
  r.set(e.rows);
  const k = new Int32Array(c);
  k.set(e.cols);
  const w = new Float64Array(c);
  w.set(e.costs);
  const l = new Float64Array(c);
  l.set(e.lnDet);
  e.rows = r;
  e.cols = k;
  e.costs = w;
  e.lnDet = l;
}

/** An unassociated plot waiting to pair into a new track: time, site-ENU point and its covariance. */
interface PoolEntry {
  t: number;
  p: Float64Array;
  cov: Float64Array;
  plot: Plot;
  sensor: TrackerSensor;
}

type Verdict = 'missed' | 'coasted' | 'impact';

export class Tracker {
  readonly frame: EnuFrame;
  readonly opts: TrackerOptions;
  readonly sensors: Map<string, TrackerSensor>;
  readonly slot: number;
  readonly stats: TrackerStats = { plots: 0, unknownSensor: 0, late: 0, associated: 0, initiations: 0, confirmed: 0, deleted: 0, filterFailures: 0, candidates: 0, exactGates: 0, merged: 0, reordered: 0, tooLate: 0 };
  observer: TrackerObserver | undefined;
  private tracks: Track[] = [];
  /**
   * What the per-batch sweep over every live track reads (the search spheres), copied from each track's gating
   * bases whenever they change, in rows in the order of `tracks` (ROW doubles a track). The sweep meets every
   * track once a batch and finds plots near a few; in the service it runs with caches cold from the pause
   * between sectors, and each track's own arrays, scattered over the heap, were a handful of misses apiece
   * (0.8 ms a batch at 1,200 tracks, against 0.3 warm). One contiguous array reads at the prefetcher's pace,
   * and a track's objects are touched only when the grid has a plot near it.
   */
  private rows = new Float64Array(ROW * 256);
  private nextSerial = 1;
  /** the number the next confirmed track gets (a restored service continues from its checkpoint's) */
  nextTrackNumber = 1;
  private clock = -Infinity;
  private readonly gate3: number;
  private readonly gate4: number;
  // plot arrays of the current batch
  private pos = new Float64Array(3 * 256);
  /** searchSphere's scratch: per sensor, the distance and the horizontal distance to the sphere's centre */
  private readonly sensorDist: Float64Array;
  /** the batch's plots' elevation variance (rad²) with the rounding (plotSigmas), by index */
  private elVar = new Float64Array(256);
  private plotSensor: (TrackerSensor | undefined)[] = [];
  private readonly grid = new SpatialGrid(1500, 1024);
  private hits = new Int32Array(256);
  /** likelihoodCosts' scratch: the smallest ln|S| per plot */
  private colMin = new Float64Array(256);
  // gating edges per sensor, assignment output, each track's plots of the batch
  private readonly assigner = new Assigner();
  private readonly sensorList: TrackerSensor[];
  private readonly sensorIndex: Map<TrackerSensor, number>;
  private readonly edges: Edges[];
  private rowToCol = new Int32Array(256);
  private asg = new Int32Array(256);
  private readonly list: Int32Array;
  private taken = new Uint8Array(256);
  /** verdicts of rows [0, verdictRows) judged early in this batch (urgent): 'lives' or the deletion; else undefined */
  private readonly verdicts: (Verdict | 'lives' | undefined)[] = [];
  private verdictRows = 0;
  // initiation pool: unassociated plots of earlier batches
  private pool: PoolEntry[] = [];
  private readonly poolGrid = new SpatialGrid(2000, 256);
  // scratch
  private readonly x7 = new Float64Array(NX);
  private readonly sphere = new Float64Array(4);
  /** data time of the last duplicate check */
  private lastMerge = -Infinity;
  private readonly sphere2 = new Float64Array(4);
  /** the batch's middle time and half its span (searchSphere reads them: doubles passed to a call that V8
   *  does not inline are boxed, one heap number each, a track a batch) */
  private readonly span = new Float64Array(2);
  /** gateNis' result, for the same reason */
  private readonly nisOut = new Float64Array(2);
  /** initiation's best pairs of one plot (initPairs of them): pool entries, scores, time differences */
  private readonly initBest: PoolEntry[] = [];
  private readonly initBestScore: Float64Array;
  private readonly initBestDt: Float64Array;
  /** initiation's pool-grid query result (grown when a query finds more) */
  private initFound = new Int32Array(256);
  /** the duplicate check's grid and scratch */
  private readonly mergeGrid = new SpatialGrid(500, 1024);
  private mergePx = new Float64Array(3 * 1024);
  private mergeGone = new Uint8Array(1024);
  private mergeFound = new Int32Array(64);
  private readonly zp = new Float64Array(4);
  private readonly H = new Float64Array(4 * NX);
  private readonly Heff = new Float64Array(4 * 6);
  /** gateNis' P·Heffᵀ (6×4) */
  private readonly PHt = new Float64Array(6 * 4);
  private readonly S = new Float64Array(16);
  private readonly acc = new Float64Array(NX);
  private readonly cov3 = new Float64Array(9);
  private readonly p3 = new Float64Array(3);

  /** the met the ballistic model uses (undefined: still air, ISA) */
  get met(): EkfMet | undefined {
    return this.opts.met;
  }

  constructor(frame: EnuFrame, sensors: readonly TrackerSensor[], opts: Partial<TrackerOptions> = {}) {
    this.frame = frame;
    this.opts = { ...DEFAULT_TRACKER_OPTIONS, ...opts };
    this.sensors = new Map(sensors.map((s) => [s.id, s]));
    if (sensors.length === 0) throw new RangeError('Tracker: no sensors');
    this.sensorList = [...this.sensors.values()];
    this.sensorDist = new Float64Array(2 * this.sensorList.length);
    this.sensorIndex = new Map(this.sensorList.map((s, i) => [s, i]));
    this.edges = this.sensorList.map(() => ({ n: 0, rows: new Int32Array(256), cols: new Int32Array(256), costs: new Float64Array(256), lnDet: new Float64Array(256) }));
    this.list = new Int32Array(this.sensorList.length);
    this.slot = Math.min(...sensors.map((s) => s.period));
    [this.gate3, this.gate4] = CHI2[this.opts.gateProbability];
    this.initBestScore = new Float64Array(Math.max(1, this.opts.initPairs));
    this.initBestDt = new Float64Array(Math.max(1, this.opts.initPairs));
  }

  /** Live tracks (tentative and confirmed), in id order: the tracker's own array, changed by the next process(). */
  get live(): readonly Track[] {
    return this.tracks;
  }

  /**
   * Processes the plots measured up to `until` (time-ordered). Plots older than the previous `until` are counted
   * as late and dropped; plots from unknown sensors are counted and dropped. With outOfSequence a batch may hold
   * plots after `until` (a radar whose sector closed before the others'), and the next batches plots older than
   * those (the other radars'): see TrackerOptions.outOfSequence.
   */
  process(plots: readonly Plot[], until: number, out: TrackerEvent[]): void {
    this.associateBatch(plots, until, out);
    this.mergeDue(until, out);
  }

  /**
   * process() without its twin merge (mergeDue): association, initiation, confirmation and the deletions of
   * missed, coasted and landed tracks. The engine calls the two apart so that the batch's track picture and
   * warnings do not wait for the merge (a grid of every track, every mergeEvery s: 1–4 ms at 1,000 tracks).
   */
  associateBatch(plots: readonly Plot[], until: number, out: TrackerEvent[], urgent?: UrgentFirst): void {
    const batch: Plot[] = [];
    const sensorsOf: TrackerSensor[] = [];
    this.verdictRows = 0;
    for (const p of plots) {
      this.stats.plots++;
      const s = this.sensors.get(p.sensorId);
      if (!s) {
        this.stats.unknownSensor++;
        continue;
      }
      if (p.t < this.clock || !(p.range > 0) || !Number.isFinite(p.az) || !Number.isFinite(p.el)) {
        this.stats.late++;
        continue;
      }
      batch.push(p);
      sensorsOf.push(s);
    }
    if (batch.length > 0) {
      this.associate(batch, sensorsOf, until, out, urgent);
    }
    if (until > this.clock) this.clock = until;
    this.housekeeping(until, out);
  }

  private ensure(n: number): void {
    if (this.pos.length < 3 * n) {
      let c = this.pos.length / 3;
      while (c < n) c *= 2;
      this.pos = new Float64Array(3 * c);
      this.elVar = new Float64Array(c);
      this.hits = new Int32Array(c);
      this.colMin = new Float64Array(c);
      this.taken = new Uint8Array(c);
    }
  }



  private associate(batch: Plot[], sensorsOf: TrackerSensor[], until: number, out: TrackerEvent[], urgent: UrgentFirst | undefined): void {
    const n = batch.length;
    this.ensure(n);
    const pos = this.pos;
    const grid = this.grid;
    grid.clear();
    for (let j = 0; j < n; j++) {
      const p = batch[j]!;
      plotToSite(sensorsOf[j]!, p.range, p.az, p.el, this.p3);
      const se = plotSigmas(sensorsOf[j]!, p.range, p.el).el;
      this.elVar[j] = se * se;
      pos[3 * j] = this.p3[0]!;
      pos[3 * j + 1] = this.p3[1]!;
      pos[3 * j + 2] = this.p3[2]!;
      grid.insert(j, this.p3[0]!, this.p3[1]!, this.p3[2]!);
    }
    const tFirst = batch[0]!.t;
    const tLast = batch[n - 1]!.t;
    this.span[0] = 0.5 * (tFirst + tLast);
    this.span[1] = 0.5 * (tLast - tFirst);
    const tracks = this.tracks;
    const nT = tracks.length;
    if (this.rowToCol.length < nT) this.rowToCol = new Int32Array(Math.max(2 * nT, 256));
    // Gate: candidate pairs per sensor, as edges (track row, plot column, NIS).
    const sensorList = this.sensorList;
    const nS = sensorList.length;
    const edges = this.edges;
    for (const e of edges) e.n = 0;
    const found = this.hits;
    const rows = this.rows;
    for (let i = 0; i < nT; i++) {
      // search sphere: the primary base's, grown to hold the other base's when the class is undecided
      const sphere = this.sphere;
      this.searchSphere(i * ROW, sphere);
      if (rows[i * ROW + R_DUAL] !== 0) {
        const s2 = this.sphere2;
        this.searchSphere(i * ROW + G_SIZE, s2);
        sphere[3] = Math.max(sphere[3]!, s2[3]! + norm3(s2[0]! - sphere[0]!, s2[1]! - sphere[1]!, s2[2]! - sphere[2]!));
      }
      const k = grid.querySphere(sphere, found);
      if (k === 0) continue;
      const tr = tracks[i]!;
      const g = tr.g;
      const g2 = tr.dualGate ? tr.g2 : undefined;
      const cnt = Math.min(k, found.length);
      this.stats.candidates += cnt;
      for (let c = 0; c < cnt; c++) {
        const j = found[c]!;
        const s = sensorsOf[j]!;
        const pl = batch[j]!;
        // the same bound at the plot's own time and range: most candidates stop here, before the exact NIS
        const in1 = this.withinBound(g, pl, s, pos, j);
        const in2 = g2 !== undefined && this.withinBound(g2, pl, s, pos, j);
        if (!in1 && !in2) continue;
        this.stats.exactGates++;
        const m = pl.rangeRate !== undefined && s.sigmas.rangeRate !== undefined ? 4 : 3;
        const gate = m === 4 ? this.gate4 : this.gate3;
        let nis = Infinity;
        let lnDet = 0;
        if (in1) {
          this.gateNis(g, pl, s, this.elVar[j]!);
          nis = this.nisOut[0]!;
          lnDet = this.nisOut[1]!;
        }
        if (in2) {
          this.gateNis(g2, pl, s, this.elVar[j]!);
          const n2 = this.nisOut[0]!;
          // the model that explains the plot better, |S| counted (both inside the gate), else the one inside
          if (n2 <= gate && (nis > gate || n2 + this.nisOut[1]! < nis + lnDet)) {
            nis = n2;
            lnDet = this.nisOut[1]!;
          }
        }
        if (nis <= gate) {
          const e = edges[this.sensorIndex.get(s)!]!;
          if (e.n === e.rows.length) growEdges(e);
          e.rows[e.n] = i;
          e.cols[e.n] = j;
          e.costs[e.n] = nis;
          e.lnDet[e.n] = lnDet;
          e.n++;
        }
      }
    }
    // Assign per sensor; collect each track's plots (at most one per sensor) in asg[i·nS + sensor].
    if (this.asg.length < nT * nS) this.asg = new Int32Array(2 * nT * nS + 64);
    const asg = this.asg;
    asg.fill(-1, 0, nT * nS);
    const taken = this.taken;
    taken.fill(0, 0, n);
    for (let si = 0; si < nS; si++) {
      const e = edges[si]!;
      if (e.n === 0) continue;
      // a plot two tracks gate goes to the one that explains it better, |S| counted (assign.ts)
      likelihoodCosts(e.cols, e.costs, e.lnDet, e.n, this.colMin);
      // miss cost = the 4-dof gate: any pair inside its gate is preferred to a miss
      this.assigner.cluster(e.rows, e.cols, e.costs, e.n, nT, n, this.gate4, this.rowToCol);
      for (let i = 0; i < nT; i++) {
        const j = this.rowToCol[i]!;
        if (j >= 0) {
          asg[i * nS + si] = j;
          taken[j] = 1;
        }
      }
    }
    // Update each track with its plots; the urgent ones first, judged at once (their verdicts wait for
    // housekeeping, which hands them out in row order with the others'), then the rest.
    if (urgent) {
      const verdicts = this.verdicts;
      verdicts.length = nT;
      verdicts.fill(undefined);
      this.verdictRows = nT;
      for (let i = 0; i < nT; i++) {
        if (!this.hasPlots(i) || !urgent.first(tracks[i]!)) continue;
        this.updateRow(i, batch, sensorsOf, out);
        const tr = tracks[i]!;
        const v = this.judge(tr, until);
        verdicts[i] = v ?? 'lives';
        if (v !== undefined) tr.alive = false;
      }
      urgent.ready();
      for (let i = 0; i < nT; i++) if (verdicts[i] === undefined) this.updateRow(i, batch, sensorsOf, out);
      urgent.updated();
    } else {
      for (let i = 0; i < nT; i++) this.updateRow(i, batch, sensorsOf, out);
    }
    // Initiation from what no track took.
    this.initiate(batch, sensorsOf, taken, out);
  }

  /** Whether row i has a plot assigned in this batch (asg). */
  private hasPlots(i: number): boolean {
    const nS = this.sensorList.length;
    for (let si = 0; si < nS; si++) if (this.asg[i * nS + si]! >= 0) return true;
    return false;
  }

  /** Updates the track of row i with its assigned plots in time order (insertion sort of ≤ nS entries). */
  private updateRow(i: number, batch: Plot[], sensorsOf: TrackerSensor[], out: TrackerEvent[]): void {
    const nS = this.sensorList.length;
    const asg = this.asg;
    const list = this.list;
    let len = 0;
    for (let si = 0; si < nS; si++) {
      const j = asg[i * nS + si]!;
      if (j < 0) continue;
      let k = len++;
      while (k > 0 && batch[list[k - 1]!]!.t > batch[j]!.t) {
        list[k] = list[k - 1]!;
        k--;
      }
      list[k] = j;
    }
    const tr = this.tracks[i]!;
    for (let k = 0; k < len; k++) this.updateTrack(tr, i, batch[list[k]!]!, sensorsOf[list[k]!]!, out);
  }

  /**
   * The search sphere of a gating base (its `d` at rows[o]) for a batch (centre at the batch's middle, radius in
   * out[3]): a bound on the gate's extent in metres. NIS ≤ γ implies |ν|² ≤ γ·trace(S), and trace(S) ≤
   * 2·(tr Ppp + Δt²·tr Pvv) + q·Δt³ + the worst sensor's σr² + d²(σaz² + σel²) at the track's distance d (the
   * cross-covariance term is bounded by Cauchy–Schwarz), σ with the CAT048 rounding (sensors.ts plotSigmas);
   * plus the motion within the batch.
   */
  private searchSphere(o: number, out: Float64Array): void {
    const d = this.rows;
    const tMid = this.span[0]!;
    const half = this.span[1]!;
    const dt = tMid - d[o + G_T]!;
    const ex = d[o]! + dt * (d[o + 3]! + 0.5 * dt * d[o + 6]!);
    const ey = d[o + 1]! + dt * (d[o + 4]! + 0.5 * dt * d[o + 7]!);
    const ez = d[o + 2]! + dt * (d[o + 5]! + 0.5 * dt * d[o + 8]!);
    const trPP = d[o + G_TRPP]!;
    const trVV = d[o + G_TRVV]!;
    const adt = Math.abs(dt) + half;
    let meas = 0;
    const list = this.sensorList;
    for (let k = 0; k < list.length; k++) {
      const s = list[k]!;
      const q = s.positionInSite;
      const dx = ex - q[0]!;
      const dy = ey - q[1]!;
      const dz = ez - q[2]!;
      const sg = s.plot;
      const h2 = dx * dx + dy * dy;
      const d2 = h2 + dz * dz;
      const m = sg.range * sg.range + d2 * (sg.az * sg.az + s.sigmas.el * s.sigmas.el);
      if (m > meas) meas = m;
      // (kept for the rounding's bound below)
      this.sensorDist[2 * k] = Math.sqrt(d2);
      this.sensorDist[2 * k + 1] = Math.sqrt(h2);
    }
    const spread = 2 * (trPP + adt * adt * trVV) + d[o + G_Q]! * adt * adt * adt + meas;
    const motion = d[o + G_SPEED]! * half + 20;
    let radius = Math.sqrt(this.gate4 * spread) + motion;
    // The elevation's rounding (sensors.ts) grows near a radar's zenith. Its bound over the sphere comes from
    // the sphere's smallest horizontal distance to each radar (less 1 mrad of the distance for the tilt
    // between the radar's up and the site's), which depends on the radius it grows: a few passes to a fixed
    // point (one where the rounding is small, as it is but near a zenith).
    for (let pass = 0; pass < 4; pass++) {
      let rnd = 0;
      for (let k = 0; k < list.length; k++) {
        const reach = this.sensorDist[2 * k]! + radius;
        const v = elevationRoundingM2(list[k]!, reach * reach, this.sensorDist[2 * k + 1]! - radius - 1e-3 * reach);
        if (v > rnd) rnd = v;
      }
      const grown = Math.sqrt(this.gate4 * (spread + rnd)) + motion;
      const done = grown - radius < 1;
      radius = grown;
      if (done) break;
    }
    out[3] = radius;
    out[0] = ex;
    out[1] = ey;
    out[2] = ez;
  }

  /** The search-sphere bound at the plot's own time and range (pos: the batch's plots in site ENU). */
  private withinBound(g: GateBase, pl: Plot, s: TrackerSensor, pos: Float64Array, j: number): boolean {
    const dtj = pl.t - g.t;
    const adj = Math.abs(dtj);
    let d2 = 0;
    for (let a = 0; a < 3; a++) {
      const e = pos[3 * j + a]! - (g.p[a]! + dtj * (g.v[a]! + 0.5 * dtj * g.a[a]!));
      d2 += e * e;
    }
    const trPP = g.d[G_TRPP]!;
    const trVV = g.d[G_TRVV]!;
    const sg = s.plot;
    return d2 <= this.gate4 * (2 * (trPP + adj * adj * trVV) + g.q * adj * adj * adj + sg.range * sg.range + pl.range * pl.range * (sg.az * sg.az + this.elVar[j]!));
  }

  /**
   * Normalised innovation of plot against the track's gating base extrapolated to the plot's time: position
   * and velocity by constant acceleration, covariance by the linear transition plus the model's process noise
   * (over ≤ 1–2 s this is what the full filter would predict, to well inside the gate's tolerance); R is
   * the plot's noise with the rounding (plotSigmas; `elVar` its elevation variance, computed once per plot
   * of the batch). The NIS into nisOut[0], ln|S| into nisOut[1] (the assignment costs, likelihoodCosts).
   */
  private gateNis(g: GateBase, plot: Plot, s: TrackerSensor, elVar: number): void {
    const dt = plot.t - g.t;
    const x = this.x7;
    for (let a = 0; a < 3; a++) {
      x[a] = g.p[a]! + dt * (g.v[a]! + 0.5 * dt * g.a[a]!);
      x[a + 3] = g.v[a]! + dt * g.a[a]!;
    }
    x[6] = 0;
    const m: 3 | 4 = plot.rangeRate !== undefined && s.sigmas.rangeRate !== undefined ? 4 : 3;
    measureWithJacobian(x, this.frame, s, m, this.zp, this.H);
    // Heff = H·F with F = [[I, dt·I], [0, I]] (6 columns)
    const H = this.H;
    const He = this.Heff;
    for (let r = 0; r < m; r++) {
      for (let c = 0; c < 3; c++) {
        const hp = H[r * NX + c]!;
        He[r * 6 + c] = hp;
        He[r * 6 + 3 + c] = hp * dt + H[r * NX + 3 + c]!;
      }
    }
    // S = Heff·P·Heffᵀ + H·Q(dt)·Hᵀ + R, with the white-acceleration Q = q·[[dt³/3, dt²/2], [dt²/2, dt]] per axis
    const P = g.P;
    const S = this.S;
    const adt = Math.abs(dt);
    const q3 = (g.q * adt * adt * adt) / 3;
    const q2 = (g.q * adt * adt) / 2;
    const q1 = g.q * adt;
    // P·Heᵀ once per column c (6×m), then each S entry from it: the same sums in the same order as forming
    // row a of P·Heᵀ inside every (r, c) pair, at a quarter of the multiplications
    const PHt = this.PHt;
    for (let c = 0; c < m; c++) {
      const e0 = He[c * 6]!;
      const e1 = He[c * 6 + 1]!;
      const e2 = He[c * 6 + 2]!;
      const e3 = He[c * 6 + 3]!;
      const e4 = He[c * 6 + 4]!;
      const e5 = He[c * 6 + 5]!;
      for (let a = 0; a < 6; a++) {
        const o = a * 6;
        PHt[a * 4 + c] = 0 + P[o]! * e0 + P[o + 1]! * e1 + P[o + 2]! * e2 + P[o + 3]! * e3 + P[o + 4]! * e4 + P[o + 5]! * e5;
      }
    }
    for (let r = 0; r < m; r++) {
      for (let c = 0; c <= r; c++) {
        let sum = 0;
        for (let a = 0; a < 6; a++) sum += He[r * 6 + a]! * PHt[a * 4 + c]!;
        for (let a = 0; a < 3; a++) {
          const rp = H[r * NX + a]!;
          const rv = H[r * NX + 3 + a]!;
          const cp = H[c * NX + a]!;
          const cv = H[c * NX + 3 + a]!;
          sum += q3 * rp * cp + q2 * (rp * cv + rv * cp) + q1 * rv * cv;
        }
        S[r * m + c] = sum;
        S[c * m + r] = sum;
      }
    }
    const sg = s.plot;
    S[0] = S[0]! + sg.range * sg.range;
    S[m + 1] = S[m + 1]! + sg.az * sg.az;
    S[2 * m + 2] = S[2 * m + 2]! + elVar;
    if (m === 4) S[15] = S[15]! + sg.rangeRate! * sg.rangeRate!;
    const nu0 = plot.range - this.zp[0]!;
    const nu1 = wrapPi(plot.az - this.zp[1]!);
    const nu2 = plot.el - this.zp[2]!;
    const nu3 = m === 4 ? plot.rangeRate! - this.zp[3]! : 0;
    this.nisOut[0] = quadInv(S, m, nu0, nu1, nu2, nu3, this.nisOut);
  }

  private updateTrack(tr: Track, row: number, plot: Plot, s: TrackerSensor, out: TrackerEvent[]): void {
    if (plot.t >= tr.ekf.t) {
      this.applyUpdate(tr, row, plot, s, out, false);
      return;
    }
    // A plot older than the track's last update: out of sequence (see TrackerOptions.outOfSequence).
    const prev = tr.prev;
    const newer = tr.prevPlot;
    const newerSensor = tr.prevSensor;
    if (!this.opts.outOfSequence || prev === undefined || newer === undefined || newerSensor === undefined || prev[SNAP_EKF_T]! > plot.t) {
      this.stats.tooLate++;
      return;
    }
    this.restore(tr);
    this.stats.reordered++;
    this.applyUpdate(tr, row, plot, s, out, true);
    this.applyUpdate(tr, row, newer, newerSensor, out, false, true);
  }

  /**
   * One plot into a track (at or after its filters' time). `quiet`: the observer is not told (a late plot
   * taken by reprocessing: the newer plot applied after it tells); `again`: a plot already counted.
   */
  private applyUpdate(tr: Track, row: number, plot: Plot, s: TrackerSensor, out: TrackerEvent[], quiet: boolean, again = false): void {
    const o = this.opts;
    const ekf = tr.ekf;
    if (o.outOfSequence) this.snapshot(tr, plot, s);
    const dt = plot.t - ekf.t;
    ekf.predict(plot.t);
    this.boostNoise(tr, dt, plot.t);
    tr.cv.predict(plot.t);
    let llB: number;
    let llC: number;
    let nisBest: number;
    let dof: number;
    try {
      const sg = plotSigmas(s, plot.range, plot.el);
      const rb = ekf.update(plot, s, sg);
      llB = -0.5 * (rb.nis + rb.logDetS + rb.dof * Math.log(2 * Math.PI));
      const rc = tr.cv.update(plot, s, sg);
      llC = rc.logLik;
      nisBest = Math.min(rb.nis, rc.nis);
      dof = rb.dof;
    } catch {
      this.stats.filterFailures++;
      return;
    }
    // κ is physical only when ≥ 0 (drag never pushes): project onto the constraint
    if (ekf.x[6]! < 0) ekf.x[6] = 0;
    if (!again) this.stats.associated++;
    tr.updates++;
    tr.hits++;
    tr.hitInSlot = true;
    tr.lastHit = plot.t;
    // M-of-N over the slots, the current one counted as hit: confirmed at the plot that completes it, if that
    // plot fits one model well (NIS inside χ² 99 %, not only the gate's 99.9 %). A pair seeded across two
    // rockets of a ripple on one path, a second apart, gated a third rocket's plot at NIS 14.6 and was
    // confirmed on it: a false track on real rockets (salvo-300 s099, NEES 11,262). A true track's plot falls
    // outside 99 % one time in a hundred, and then waits one plot; the warnings of 1,600 planned attacks did
    // not change.
    if (
      tr.status === 'tentative' &&
      popcount32(((tr.history << 1) | 1) & ((1 << o.confirmN) - 1)) >= o.confirmM &&
      nisBest <= CHI2[0.99][dof === 4 ? 1 : 0]
    ) {
      tr.status = 'confirmed';
      tr.id = this.nextTrackNumber++;
      this.stats.confirmed++;
      out.push({ kind: 'confirmed', track: tr, t: plot.t });
    }
    const lim = o.llrLimit;
    tr.llr = Math.max(-lim, Math.min(lim, tr.llr + llB - llC));
    const x = ekf.x;
    // the likelihood ratio decides after minUpdatesToClassify updates; the speed rule from the first update
    // (three plots: the pair that started the track and one more)
    const decided = tr.updates >= o.minUpdatesToClassify;
    if (decided && tr.llr <= -o.llrDecide) tr.cls = 'air';
    else if ((decided && tr.llr >= o.llrDecide) || this.tooFastToFly(x, ekf.P)) tr.cls = 'ballistic';
    else if (decided && ((tr.cls === 'ballistic' && tr.llr < 0) || (tr.cls === 'air' && tr.llr > 0))) tr.cls = 'unknown';
    const speed = norm3(x[3]!, x[4]!, x[5]!);
    if (tr.updates >= 3 && speed > tr.vMaxSeen) tr.vMaxSeen = speed;
    if (tr.cls === 'ballistic') tr.threat = estimateThreatClass(x[6]!, Math.sqrt(Math.max(0, ekf.P[48]!)), tr.vMaxSeen);
    this.setGatingBase(tr);
    this.syncRow(row, tr);
    if (!quiet) this.observer?.update?.(tr, plot);
  }

  /**
   * The speed rule of the classifier: speed − fastSigmas·σ(speed) > vAirMax, below fastCeiling (site ENU z).
   * A flat 122 mm shot at 4–6 km is in view for only 3–5 s, too short for the likelihood ratio to reach its
   * threshold (the gravity drop over 2 s is ≈ 20 m, near the plots' noise), but at ≈ 600 m/s it can be
   * nothing that flies.
   */
  private tooFastToFly(x: Float64Array, P: Float64Array): boolean {
    const o = this.opts;
    if (!(x[2]! < o.fastCeiling)) return false;
    const sp = norm3(x[3]!, x[4]!, x[5]!);
    if (!(sp > o.vAirMax)) return false;
    // σ² of the speed: uᵀ P_vv u with u the unit velocity
    let v2 = 0;
    for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) v2 += (x[3 + a]! / sp) * P[(3 + a) * NX + 3 + b]! * (x[3 + b]! / sp);
    return sp - o.fastSigmas * Math.sqrt(Math.max(0, v2)) > o.vAirMax;
  }

  /** Boost guard: along-velocity process noise for young tracks (see the header). */
  private boostNoise(tr: Track, dt: number, t: number): void {
    if (!(dt > 0) || t - tr.born > this.opts.boostAge) return;
    const x = tr.ekf.x;
    const P = tr.ekf.P;
    const sp = norm3(x[3]!, x[4]!, x[5]!);
    if (!(sp > 0)) return;
    // spectral density so that dt seconds of it have the σ of a full motor acceleration over dt
    const q = this.opts.boostAccel * this.opts.boostAccel * dt;
    const u0 = x[3]! / sp;
    const u1 = x[4]! / sp;
    const u2 = x[5]! / sp;
    const uu = [u0, u1, u2];
    const d3 = (q * dt * dt * dt) / 3;
    const d2 = (q * dt * dt) / 2;
    const d1 = q * dt;
    for (let a = 0; a < 3; a++) {
      for (let b = 0; b < 3; b++) {
        const w = uu[a]! * uu[b]!;
        P[a * NX + b] = P[a * NX + b]! + d3 * w;
        P[a * NX + b + 3] = P[a * NX + b + 3]! + d2 * w;
        P[(a + 3) * NX + b] = P[(a + 3) * NX + b]! + d2 * w;
        P[(a + 3) * NX + b + 3] = P[(a + 3) * NX + b + 3]! + d1 * w;
      }
    }
  }

  /**
   * Stores the extrapolation base for gating: the class's model once the class is decided, the model the
   * ratio favours while it is not; and the other model's as a second base while the class is undecided or the
   * ratio disagrees with it. A track the speed rule calls ballistic while the ratio still favours constant
   * velocity (a young rocket's first updates) was gated by the constant-velocity model alone: a 122 mm rocket
   * decelerating at 20–40 m/s² fell outside that gate 1 s later (NIS 24 against the ballistic filter's 1.5) and
   * its track was lost and started again (salvo-300: s026, s203, s273).
   */
  private setGatingBase(tr: Track): void {
    const cvFirst = tr.cls === 'air' || (tr.cls === 'unknown' && tr.llr < 0);
    tr.dualGate = tr.cls === 'unknown' || (tr.cls === 'ballistic' && tr.llr < 0) || (tr.cls === 'air' && tr.llr > 0);
    this.modelGatingBase(tr, cvFirst, tr.g);
    if (tr.dualGate) this.modelGatingBase(tr, !cvFirst, tr.g2);
  }

  private modelGatingBase(tr: Track, cv: boolean, g: GateBase): void {
    if (!cv) {
      this.ballisticGatingBase(tr, g, tr.ekf.x, tr.ekf.P, tr.ekf.t);
      return;
    }
    const x = tr.cv.x;
    for (let a = 0; a < 3; a++) {
      g.p[a] = x[a]!;
      g.v[a] = x[a + 3]!;
      g.a[a] = 0;
    }
    g.P.set(tr.cv.P);
    g.q = tr.cv.q;
    g.t = tr.cv.t;
    g.seal();
  }

  /** Gating base g from a ballistic state x (7) and covariance P (7×7) at time t. */
  private ballisticGatingBase(tr: Track, g: GateBase, x: Float64Array, P: Float64Array, t: number): void {
    ballisticRhs(x, this.frame, this.acc, this.opts.met);
    for (let a = 0; a < 3; a++) {
      g.p[a] = x[a]!;
      g.v[a] = x[a + 3]!;
      g.a[a] = this.acc[a + 3]!;
    }
    for (let a = 0; a < 6; a++) for (let b = 0; b < 6; b++) g.P[a * 6 + b] = P[a * NX + b]!;
    // κ uncertainty becomes acceleration uncertainty: |∂a/∂κ|·σκ ≈ (drag accel/κ)·σκ
    const kap = x[6]!;
    let q = this.opts.qBallistic;
    if (kap > 0) {
      const ag = norm3(this.acc[3]!, this.acc[4]!, this.acc[5]! + G);
      const ak = (ag / kap) * Math.sqrt(Math.max(0, P[48]!));
      q += ak * ak; // as a white-noise density over ~1 s
    }
    if (t - tr.born <= this.opts.boostAge) q += this.opts.boostAccel * this.opts.boostAccel;
    g.q = q;
    g.t = t;
    g.seal();
  }

  private initiate(batch: Plot[], sensorsOf: TrackerSensor[], taken: Uint8Array, out: TrackerEvent[]): void {
    const o = this.opts;
    const tNow = batch[batch.length - 1]!.t;
    // drop pool entries too old to pair (in place: this runs at every batch)
    const pool = this.pool;
    let kept = 0;
    for (let i = 0; i < pool.length; i++) {
      const e = pool[i]!;
      if (tNow - e.t <= o.initDtMax) pool[kept++] = e;
    }
    pool.length = kept;
    const pg = this.poolGrid;
    pg.clear();
    for (let k = 0; k < kept; k++) {
      const p = pool[k]!.p;
      pg.insert(k, p[0]!, p[1]!, p[2]!);
    }
    let found = this.initFound;
    const fresh: PoolEntry[] = [];
    for (let j = 0; j < batch.length; j++) {
      if (taken[j]) continue;
      const plot = batch[j]!;
      const s = sensorsOf[j]!;
      const p = new Float64Array(3);
      const cov = new Float64Array(9);
      plotToSite(s, plot.range, plot.az, plot.el, p, cov);
      const entry = { t: plot.t, p, cov, plot, sensor: s };
      fresh.push(entry);
      if (this.pool.length === 0) continue;
      const radius = o.vMax * o.initDtMax + 200;
      const c4 = this.sphere;
      c4[0] = p[0]!;
      c4[1] = p[1]!;
      c4[2] = p[2]!;
      c4[3] = radius;
      let k = pg.querySphere(c4, found);
      if (k > found.length) {
        found = this.initFound = new Int32Array(2 * k);
        k = pg.querySphere(c4, found);
      }
      // the initPairs best pairs by (score, dt), earlier candidates first on ties (what a stable sort of all
      // of them gives), kept by insertion: no list and no sort per plot
      const nBest = this.opts.initPairs;
      const best = this.initBest;
      const bestScore = this.initBestScore;
      const bestDt = this.initBestDt;
      let nFound = 0;
      for (let c = 0; c < k; c++) {
        const e = this.pool[found[c]!]!;
        const dt = plot.t - e.t;
        if (dt < o.initDtMin || dt > o.initDtMax) continue;
        const dx = p[0]! - e.p[0]!;
        const dy = p[1]! - e.p[1]!;
        const dz = p[2]! - e.p[2]!;
        const d = Math.sqrt(dx * dx + dy * dy + dz * dz);
        const slack = 3 * Math.sqrt(cov[0]! + cov[4]! + cov[8]! + e.cov[0]! + e.cov[4]! + e.cov[8]!);
        if (d > o.vMax * dt + slack || d < o.vMin * dt - slack) continue;
        // Range rate, when the plots carry it, tells pairs apart where distance cannot (rockets of a ripple
        // fly one path a fraction of a second apart): the pair's mean velocity seen along each plot's line of
        // sight must match that plot's Doppler, within the pair's velocity noise (range σ over dt), the
        // difference between mean and end velocity under up to 30 m/s² of drag, and the Doppler σ.
        let score = 0;
        let ok = true;
        for (let qi = 0; qi < 2; qi++) {
          const q = qi === 0 ? entry : e;
          const rr = q.plot.rangeRate;
          const srr = q.sensor.plot.rangeRate;
          if (rr === undefined || srr === undefined) continue;
          const sp = q.sensor.positionInSite;
          const lx = q.p[0]! - sp[0]!;
          const ly = q.p[1]! - sp[1]!;
          const lz = q.p[2]! - sp[2]!;
          const ln = Math.sqrt(lx * lx + ly * ly + lz * lz);
          const pred = (dx * lx + dy * ly + dz * lz) / (dt * ln);
          const var_ = (s.plot.range ** 2 + e.sensor.plot.range ** 2) / (dt * dt) + (15 * dt) ** 2 + srr * srr;
          const chi = (pred - rr) ** 2 / var_;
          if (chi > 16) ok = false;
          score += chi;
        }
        if (!ok) continue;
        // the most consistent pairs first (Doppler), the most recent look breaking ties
        const sc = score + 0.01 * dt;
        let at = Math.min(nFound, nBest);
        while (at > 0 && (sc < bestScore[at - 1]! || (sc === bestScore[at - 1]! && dt < bestDt[at - 1]!))) at--;
        if (at >= nBest) continue;
        for (let q = Math.min(nFound, nBest - 1); q > at; q--) {
          best[q] = best[q - 1]!;
          bestScore[q] = bestScore[q - 1]!;
          bestDt[q] = bestDt[q - 1]!;
        }
        best[at] = e;
        bestScore[at] = sc;
        bestDt[at] = dt;
        nFound++;
      }
      const nPairs = Math.min(nFound, nBest);
      for (let c = 0; c < nPairs; c++) this.startTrack(best[c]!, entry, out);
    }
    for (const e of fresh) this.pool.push(e);
  }

  private startTrack(a: PoolEntry, b: PoolEntry, out: TrackerEvent[]): void {
    const o = this.opts;
    const dt = b.t - a.t;
    const v = new Float64Array(3);
    for (let i = 0; i < 3; i++) v[i] = (b.p[i]! - a.p[i]!) / dt;
    v[2] = v[2]! - 0.5 * G * dt; // gravity over the pair: mean velocity → velocity at the second plot
    const sp = norm3(v[0]!, v[1]!, v[2]!);
    // covariance: position from the second plot; velocity from both plots plus unknown acceleration
    // (drag up to ~3 g isotropic, and along the track the speed an unresolved motor burn can hide)
    const P = new Float64Array(NX * NX);
    const aIso = 30;
    const along = 0.5 * o.boostAccel * dt;
    const u = sp > 0 ? [v[0]! / sp, v[1]! / sp, v[2]! / sp] : [0, 0, 0];
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        const cb = b.cov[i * 3 + j]!;
        const ca = a.cov[i * 3 + j]!;
        P[i * NX + j] = cb;
        P[i * NX + j + 3] = cb / dt;
        P[(i + 3) * NX + j] = cb / dt;
        let vv = (ca + cb) / (dt * dt) + along * along * u[i]! * u[j]!;
        if (i === j) vv += (0.5 * aIso * dt) ** 2;
        P[(i + 3) * NX + j + 3] = vv;
      }
    }
    P[48] = o.kappaSigma * o.kappaSigma;
    const x0 = Float64Array.of(b.p[0]!, b.p[1]!, b.p[2]!, v[0]!, v[1]!, v[2]!, o.kappaMean);
    const vcv = [(b.p[0]! - a.p[0]!) / dt, (b.p[1]! - a.p[1]!) / dt, (b.p[2]! - a.p[2]!) / dt];
    const frame = this.frame;
    const t0 = b.t;
    const pos = b.p;
    const make = (): { ekf: BallisticEkf; cv: CvEkf } => {
      const ekf = new BallisticEkf({ frame, q: o.qBallistic, qKappa: o.qKappa, ...o.met });
      ekf.init(x0, P, t0);
      const cv = new CvEkf(frame, o.qCv);
      const P6 = new Float64Array(36);
      for (let i = 0; i < 6; i++) for (let j = 0; j < 6; j++) P6[i * 6 + j] = P[i * NX + j]!;
      cv.init(pos, vcv, P6, t0);
      return { ekf, cv };
    };
    const tr = new Track(this.nextSerial++, make, a.t, this.slotEndAfter(b.t));
    tr.history = 1; // the first plot's look
    tr.hitInSlot = true;
    tr.hits = 2;
    tr.lastHit = b.t;
    this.ballisticGatingBase(tr, tr.g, x0, P, t0);
    this.tracks.push(tr);
    this.syncRow(this.tracks.length - 1, tr);
    this.stats.initiations++;
    void out;
  }

  /** End of the time slot containing t (slots are multiples of the fastest revisit). */
  private slotEndAfter(t: number): number {
    return (Math.floor(t / this.slot) + 1) * this.slot;
  }

  /**
   * A track's verdict at the end of a batch reaching `until`: its time slots up to `until` recorded (a
   * tentative track missing tentativeMisses in a row is dropped), and a confirmed one ended at its predicted
   * impact or after coasting too long; undefined: it lives on.
   */
  private judge(tr: Track, until: number): Verdict | undefined {
    const o = this.opts;
    while (tr.slotEnd <= until) {
      tr.history = recordHistory(tr.history, tr.hitInSlot, 32);
      tr.hitInSlot = false;
      tr.slotEnd += this.slot;
      if (tr.status === 'tentative' && trailingMisses(tr.history, 32) >= o.tentativeMisses) return 'missed';
    }
    if (tr.status !== 'confirmed') return undefined;
    if (tr.impactTime !== undefined && tr.cls === 'ballistic' && tr.impactTime <= until) return 'impact';
    if (until - tr.lastHit > o.maxCoast && !(tr.cls === 'ballistic' && tr.impactTime !== undefined && until - tr.lastHit < 3 * o.maxCoast)) return 'coasted';
    return undefined;
  }

  private housekeeping(until: number, out: TrackerEvent[]): void {
    const tracks = this.tracks;
    const early = this.verdictRows;
    this.verdictRows = 0;
    let gone = 0;
    for (let i = 0; i < tracks.length; i++) {
      const tr = tracks[i]!;
      // (judged already: an urgent track of this batch, see associate)
      const v = i < early ? this.verdicts[i] : undefined;
      const dead = v === undefined ? this.judge(tr, until) : v === 'lives' ? undefined : v;
      if (dead) {
        tr.alive = false;
        gone++;
        this.stats.deleted++;
        const t = dead === 'impact' ? tr.impactTime! : until;
        out.push({ kind: 'deleted', track: tr, t, reason: dead });
      }
    }
    // the survivors compacted in place, with their sweep rows (a new array each batch was 5 % of the engine's
    // garbage)
    if (gone) this.compact((i) => tracks[i]!.alive);
  }

  /**
   * The twin merge, when due (the second half of process(); call it after associateBatch with the same
   * `until`). Twins form over revisits, not within a sector's batch: checked at most every mergeEvery s of
   * data time (a batch of a 1/16 sector otherwise paid a grid of every track — 10 % of the engine at 1,000
   * tracks).
   */
  mergeDue(until: number, out: TrackerEvent[]): void {
    if (until - this.lastMerge >= this.opts.mergeEvery - 1e-9) {
      this.lastMerge = until;
      this.mergeDuplicates(until, out);
    }
  }

  /**
   * Two tracks on one object (two initiation pairs that both held, or two sensors' plots split between
   * twins by the per-sensor assignment) are merged by dropping the weaker: tentative before confirmed, then
   * fewer plots, then the younger. Pairs are found through a grid of the tracks' positions at `until`.
   */
  private mergeDuplicates(until: number, out: TrackerEvent[]): void {
    const tracks = this.tracks;
    const n = tracks.length;
    if (n < 2) return;
    // a grid of its own, with cells about twice a confirmed track's query radius (the pool grid's 2 km cells
    // held dozens of tracks each where a salvo converges, all distance-tested); scratch kept between checks
    const grid = this.mergeGrid;
    grid.clear();
    if (this.mergePx.length < 3 * n) {
      this.mergePx = new Float64Array(6 * n);
      this.mergeGone = new Uint8Array(2 * n);
    }
    const px = this.mergePx;
    const rows = this.rows;
    for (let i = 0; i < n; i++) {
      // the primary base's p, v, a, t from the sweep rows (copies of tracks[i].g's)
      const o = i * ROW;
      const dt = until - rows[o + G_T]!;
      for (let a = 0; a < 3; a++) px[3 * i + a] = rows[o + a]! + dt * (rows[o + 3 + a]! + 0.5 * dt * rows[o + 6 + a]!);
      grid.insert(i, px[3 * i]!, px[3 * i + 1]!, px[3 * i + 2]!);
    }
    const gone = this.mergeGone;
    gone.fill(0, 0, n);
    const c4 = this.sphere;
    let removed = 0;
    for (let i = 0; i < n; i++) {
      if (gone[i]) continue;
      const a = tracks[i]!;
      c4[0] = px[3 * i]!;
      c4[1] = px[3 * i + 1]!;
      c4[2] = px[3 * i + 2]!;
      c4[3] = 3 * Math.sqrt(rows[i * ROW + G_TRPP]!) + 100;
      let k = grid.querySphere(c4, this.mergeFound);
      if (k > this.mergeFound.length) {
        this.mergeFound = new Int32Array(2 * k);
        k = grid.querySphere(c4, this.mergeFound);
      }
      // in track order, whatever the grid's: which twin pair is settled first must not depend on the cells
      const found = this.mergeFound;
      for (let c = 1; c < k; c++) {
        const v = found[c]!;
        let q = c;
        while (q > 0 && found[q - 1]! > v) {
          found[q] = found[q - 1]!;
          q--;
        }
        found[q] = v;
      }
      for (let c = 0; c < k; c++) {
        const j = found[c]!;
        if (j === i || gone[j]) continue;
        const b = tracks[j]!;
        if (!sameObject(a, b, until)) continue;
        const loser = weaker(a, b) ? i : j;
        gone[loser] = 1;
        removed++;
        const lt = tracks[loser]!;
        lt.alive = false;
        this.stats.deleted++;
        this.stats.merged++;
        if (lt.status === 'confirmed') out.push({ kind: 'deleted', track: lt, t: until, reason: 'duplicate' });
        if (loser === i) break;
      }
    }
    if (removed) this.compact((i) => gone[i] === 0);
  }

  /** Whether the track is still live (not deleted, merged or ended at impact). */
  isLive(tr: Track): boolean {
    return tr.alive;
  }

  /** Removes a track (e.g. after an interception); returns whether it was live. */
  drop(id: number): boolean {
    const tr = this.tracks.find((t) => t.id === id);
    if (!tr) return false;
    tr.alive = false;
    const tracks = this.tracks;
    this.compact((i) => tracks[i] !== tr);
    return true;
  }

  /** Keeps the live tracks (and their sweep rows) for which keep(index) holds, in order. */
  private compact(keep: (i: number) => boolean): void {
    const tracks = this.tracks;
    let kept = 0;
    for (let i = 0; i < tracks.length; i++) {
      if (!keep(i)) continue;
      if (kept !== i) this.rows.copyWithin(kept * ROW, i * ROW, (i + 1) * ROW);
      tracks[kept++] = tracks[i]!;
    }
    tracks.length = kept;
  }

  /** Keeps a track's state before an update, with the update's plot (outOfSequence). */
  private snapshot(tr: Track, plot: Plot, s: TrackerSensor): void {
    const a = (tr.prev ??= new Float64Array(SNAP_SIZE));
    const ekf = tr.ekf;
    const cv = tr.cv;
    a.set(ekf.x, SNAP_EKF_X);
    a.set(ekf.P, SNAP_EKF_P);
    a[SNAP_EKF_T] = ekf.t;
    a.set(cv.x, SNAP_CV_X);
    a.set(cv.P, SNAP_CV_P);
    a[SNAP_CV_T] = cv.t;
    a[SNAP_LLR] = tr.llr;
    a[SNAP_VMAX] = tr.vMaxSeen;
    a[SNAP_UPDATES] = tr.updates;
    a[SNAP_HITS] = tr.hits;
    a[SNAP_LAST_HIT] = tr.lastHit;
    tr.prevCls = tr.cls;
    tr.prevThreat = tr.threat;
    tr.prevPlot = plot;
    tr.prevSensor = s;
  }

  /** Puts a track back in the state snapshot() kept (its gating bases follow at the next update). */
  private restore(tr: Track): void {
    const a = tr.prev!;
    const ekf = tr.ekf;
    const cv = tr.cv;
    ekf.x.set(a.subarray(SNAP_EKF_X, SNAP_EKF_X + NX));
    ekf.P.set(a.subarray(SNAP_EKF_P, SNAP_EKF_P + NX * NX));
    ekf.t = a[SNAP_EKF_T]!;
    cv.x.set(a.subarray(SNAP_CV_X, SNAP_CV_X + NX));
    cv.P.set(a.subarray(SNAP_CV_P, SNAP_CV_P + 36));
    cv.t = a[SNAP_CV_T]!;
    tr.llr = a[SNAP_LLR]!;
    tr.vMaxSeen = a[SNAP_VMAX]!;
    tr.updates = a[SNAP_UPDATES]!;
    tr.hits = a[SNAP_HITS]!;
    tr.lastHit = a[SNAP_LAST_HIT]!;
    tr.cls = tr.prevCls;
    tr.threat = tr.prevThreat;
    tr.prevPlot = undefined;
  }

  /** Copies a track's gating bases into its sweep row (after they change). */
  private syncRow(i: number, tr: Track): void {
    if (this.rows.length < (i + 1) * ROW) {
      const grown = new Float64Array(2 * (i + 1) * ROW);
      grown.set(this.rows);
      this.rows = grown;
    }
    const o = i * ROW;
    this.rows.set(tr.g.d, o);
    if (tr.dualGate) this.rows.set(tr.g2.d, o + G_SIZE);
    this.rows[o + R_DUAL] = tr.dualGate ? 1 : 0;
  }
}

/** a is the one to drop of two tracks on one object */
function weaker(a: Track, b: Track): boolean {
  if (a.status !== b.status) return a.status === 'tentative';
  if (a.hits !== b.hits) return a.hits < b.hits;
  return a.serial > b.serial;
}

/** Two tracks estimate the same object: positions and velocities at t agree within 3σ of their combined spread. */
function sameObject(a: Track, b: Track, t: number): boolean {
  let dp2 = 0;
  let dv2 = 0;
  for (let i = 0; i < 3; i++) {
    const da = t - a.g.t;
    const db = t - b.g.t;
    const pa = a.g.p[i]! + da * (a.g.v[i]! + 0.5 * da * a.g.a[i]!);
    const pb = b.g.p[i]! + db * (b.g.v[i]! + 0.5 * db * b.g.a[i]!);
    dp2 += (pa - pb) ** 2;
    dv2 += (a.g.v[i]! + da * a.g.a[i]! - b.g.v[i]! - db * b.g.a[i]!) ** 2;
  }
  const sp = a.g.P[0]! + a.g.P[7]! + a.g.P[14]! + b.g.P[0]! + b.g.P[7]! + b.g.P[14]!;
  const sv = a.g.P[21]! + a.g.P[28]! + a.g.P[35]! + b.g.P[21]! + b.g.P[28]! + b.g.P[35]!;
  return dp2 <= 9 * sp && dv2 <= 9 * sv;
}

/**
 * νᵀS⁻¹ν for a symmetric positive-definite S (m = 3 or 4) by Cholesky, allocation-free; ln|S| from the same
 * factor's diagonal into lnDetOut[1] (gateNis' nisOut, whose [0] takes the returned NIS).
 */
function quadInv(S: Float64Array, m: number, n0: number, n1: number, n2: number, n3: number, lnDetOut: Float64Array): number {
  // in-place LDLᵀ-free Cholesky on a local copy
  const l00 = Math.sqrt(S[0]!);
  const l10 = S[m]! / l00;
  const l20 = S[2 * m]! / l00;
  const l11 = Math.sqrt(S[m + 1]! - l10 * l10);
  const l21 = (S[2 * m + 1]! - l20 * l10) / l11;
  const l22 = Math.sqrt(S[2 * m + 2]! - l20 * l20 - l21 * l21);
  const y0 = n0 / l00;
  const y1 = (n1 - l10 * y0) / l11;
  const y2 = (n2 - l20 * y0 - l21 * y1) / l22;
  let r = y0 * y0 + y1 * y1 + y2 * y2;
  if (m === 4) {
    const l30 = S[12]! / l00;
    const l31 = (S[13]! - l30 * l10) / l11;
    const l32 = (S[14]! - l30 * l20 - l31 * l21) / l22;
    const l33 = Math.sqrt(S[15]! - l30 * l30 - l31 * l31 - l32 * l32);
    const y3 = (n3 - l30 * y0 - l31 * y1 - l32 * y2) / l33;
    r += y3 * y3;
    lnDetOut[1] = 2 * Math.log(l00 * l11 * l22 * l33);
  } else {
    lnDetOut[1] = 2 * Math.log(l00 * l11 * l22);
  }
  return r === r ? r : Infinity;
}

/** |(a, b, c)|: √ of the sum of squares — Math.hypot is ~10× slower in V8 and its overflow guard is moot here. */
function norm3(a: number, b: number, c: number): number {
  return Math.sqrt(a * a + b * b + c * c);
}
