/**
 * Tracking and prediction metrics of a simulated run, against the truth the tracker never saw:
 *  - per threat: confirmation time, impact-point and launch-point error of the predictions against time
 *    since confirmation, and their ratio to the posterior Cramér–Rao bound mapped to the same points;
 *  - consistency: NEES of the position/velocity estimate at every update of a confirmed track on a threat,
 *    and the share inside the two-sided 95 % χ²₆ band;
 *  - false tracks: confirmed tracks classed ballistic whose plots came from clutter or from things that fly;
 *  - GOSPA over the run (confirmed tracks against the threats in flight that a radar has seen).
 *
 * A track belongs to the truth object that produced most of its plots (Plot.truthId, simulation only).
 */
import { cholesky, mahalanobis2 } from '../core/linalg.js';
import type { EnuFrame } from '../geo/wgs84.js';
import { inverse } from '../geo/geodesic.js';
import type { Plot } from '../sense/plot.js';
import type { ScenarioTruth, ThreatTruth } from '../scenario/truth.js';
import type { Site } from '../scenario/types.js';
import type { PredictionEvent } from '../sim/events.js';
import { CrlbAccumulator } from '../predict/crlb.js';
import { predictImpact } from '../predict/impact.js';
import { predictLaunch } from '../predict/launch.js';
import { NX } from '../track/ballistic-ekf.js';
import { plotSigmas, type TrackerSensor } from '../track/sensors.js';
import type { Track } from '../track/tracker.js';
import { gospa } from './gospa.js';
import { isRocket, threatSpec } from '../physics/catalogue.js';

/** Offsets after confirmation at which errors are reported, s. */
export const METRIC_OFFSETS = [0, 1, 2, 3, 5, 8, 12] as const;
/** χ²₆ two-sided 95 % band */
const NEES_LO = 1.2373;
const NEES_HI = 14.4494;
/** first update count of each age bucket of the NEES (1–3, 4–7, 8–11, 12 and more) */
const NEES_AGES = [1, 4, 8, 12] as const;
const GOSPA_C = 200;

interface PredictionRecord {
  t: number;
  impact: { lat: number; lon: number };
  launch?: { lat: number; lon: number };
}

interface TrackRecord {
  id: number;
  counts: Map<string, number>;
  confirmedAt?: number;
  everBallistic: boolean;
  predictions: PredictionRecord[];
  /** the last threat-class estimate */
  threat?: string;
}

export interface ThreatMetrics {
  id: string;
  type: string;
  rangeM: number;
  trackId?: number;
  confirmedAt?: number;
  /** s from launch to confirmation */
  confirmLatency?: number;
  /** the track's last threat-class estimate */
  threatClass?: string;
  /** per offset (METRIC_OFFSETS): errors (m) and bound (RMS radial, m) of the first prediction at or after it */
  impactError: (number | null)[];
  impactBound: (number | null)[];
  launchError: (number | null)[];
  launchBound: (number | null)[];
}

export interface MetricsResult {
  threats: ThreatMetrics[];
  confirmedThreats: number;
  nees: {
    updates: number;
    inBand: number;
    fractionInBand: number;
    mean: number;
    /**
     * the same by the track's update count (NEES_AGES): a young track's covariance rests on its two-plot start
     * and few updates, so its consistency is reported apart from the mature tracks' that dominate the whole
     */
    byAge: { updates: string; n: number; fractionInBand: number; fractionAbove: number; mean: number }[];
  };
  /** threat-class estimates of the confirmed threats: exact type, right family only, wrong, undecided */
  threatClass: { exact: number; family: number; wrong: number; undecided: number };
  falseBallistic: { trackId: number; source: string }[];
  confirmedNonThreatTracks: number;
  gospa: { samples: number; mean: number; meanLocalisation: number; meanMissed: number; meanFalse: number };
  summary: {
    offsets: readonly number[];
    medianImpactError: (number | null)[];
    medianImpactErrorPctRange: (number | null)[];
    medianImpactRatio: (number | null)[];
    medianLaunchError: (number | null)[];
    medianLaunchErrorPctRange: (number | null)[];
    medianLaunchRatio: (number | null)[];
    counts: number[];
  };
}

function median(a: number[]): number | null {
  if (a.length === 0) return null;
  const s = [...a].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : 0.5 * (s[m - 1]! + s[m]!);
}

export class TrackMetrics {
  private readonly truth: ScenarioTruth;
  private readonly site: Site;
  private readonly frame: EnuFrame;
  private readonly sensors: Map<string, TrackerSensor>;
  private readonly threatById: Map<string, ThreatTruth>;
  private readonly plotsByThreat = new Map<string, { t: number; sensor: string; range: number; el: number }[]>();
  private readonly tracks = new Map<number, TrackRecord>();
  private readonly firstSeen = new Map<string, number>();
  /** per NEES_AGES bucket: updates, inside the band, above it, sum (the totals are their sums) */
  private readonly neesAge = NEES_AGES.map(() => ({ n: 0, inBand: 0, above: 0, sum: 0 }));
  private readonly gospaSamples: { total: number; loc: number; missed: number; fals: number }[] = [];
  private readonly s6 = new Float64Array(6);
  private readonly e3 = new Float64Array(3);
  private readonly L6 = new Float64Array(36);
  private readonly P6 = new Float64Array(36);
  private readonly d6 = new Float64Array(6);
  private readonly w6 = new Float64Array(6);

  constructor(truth: ScenarioTruth, site: Site, frame: EnuFrame, sensors: readonly TrackerSensor[]) {
    this.truth = truth;
    this.site = site;
    this.frame = frame;
    this.sensors = new Map(sensors.map((s) => [s.id, s]));
    this.threatById = new Map(truth.threats.map((t) => [t.id, t]));
  }

  /** Every plot of the run (to know what the sensors gave about each threat, for the bound). */
  onPlots(plots: readonly Plot[]): void {
    for (const p of plots) {
      const id = p.truthId;
      if (id === undefined || !this.threatById.has(id)) continue;
      let list = this.plotsByThreat.get(id);
      if (!list) this.plotsByThreat.set(id, (list = []));
      list.push({ t: p.t, sensor: p.sensorId, range: p.range, el: p.el });
      if (!this.firstSeen.has(id)) this.firstSeen.set(id, p.t);
    }
  }

  private record(tr: Track): TrackRecord {
    // keyed by creation serial: the track's number is given at confirmation, after its first updates
    let r = this.tracks.get(tr.serial);
    if (!r) this.tracks.set(tr.serial, (r = { id: tr.id, counts: new Map(), everBallistic: false, predictions: [] }));
    r.id = tr.id;
    return r;
  }

  onUpdate(tr: Track, plot: Plot): void {
    const r = this.record(tr);
    const src = plot.truthId === undefined ? 'unknown' : plot.truthId.startsWith('clutter:') ? 'clutter' : plot.truthId;
    r.counts.set(src, (r.counts.get(src) ?? 0) + 1);
    if (tr.status === 'confirmed' && r.confirmedAt === undefined) r.confirmedAt = plot.t;
    if (tr.cls === 'ballistic') r.everBallistic = true;
    if (tr.threat) r.threat = tr.threat.cls;
    if (tr.status !== 'confirmed') return;
    const th = this.threatById.get(src);
    if (!th || !th.stateAt(plot.t, this.s6)) return;
    // NEES on position and velocity (κ's truth depends on the truth model's drag law; pos/vel do not)
    const f = this.frame;
    f.ecefToEnu(this.s6[0]!, this.s6[1]!, this.s6[2]!, this.e3);
    const x = tr.ekf.x;
    for (let i = 0; i < 3; i++) this.d6[i] = x[i]! - this.e3[i]!;
    f.vecEcefToEnu(this.s6[3]!, this.s6[4]!, this.s6[5]!, this.e3);
    for (let i = 0; i < 3; i++) this.d6[i + 3] = x[i + 3]! - this.e3[i]!;
    const P = tr.ekf.P;
    for (let i = 0; i < 6; i++) for (let j = 0; j < 6; j++) this.P6[i * 6 + j] = P[i * NX + j]!;
    if (!cholesky(this.L6, this.P6, 6)) return;
    const nees = mahalanobis2(this.L6, this.d6, 6, this.w6);
    let k = NEES_AGES.length - 1;
    while (k > 0 && tr.updates < NEES_AGES[k]!) k--;
    const b = this.neesAge[k]!;
    b.n++;
    b.sum += nees;
    if (nees >= NEES_LO && nees <= NEES_HI) b.inBand++;
    else if (nees > NEES_HI) b.above++;
  }

  onPrediction(tr: Track, p: PredictionEvent): void {
    const r = this.record(tr);
    r.everBallistic = true;
    const rec: PredictionRecord = { t: p.t, impact: p.impact };
    if (p.launch) rec.launch = p.launch;
    r.predictions.push(rec);
  }

  /** A GOSPA sample at time t from the live tracks (confirmed ones count as estimates). */
  sampleGospa(t: number, live: readonly Track[]): void {
    const truthPts: number[] = [];
    for (const th of this.truth.threats) {
      const seen = this.firstSeen.get(th.id);
      if (seen === undefined || seen > t || t >= th.impactTime) continue;
      if (!th.stateAt(t, this.s6)) continue;
      this.frame.ecefToEnu(this.s6[0]!, this.s6[1]!, this.s6[2]!, this.e3);
      truthPts.push(this.e3[0]!, this.e3[1]!, this.e3[2]!);
    }
    const est: number[] = [];
    for (const tr of live) {
      if (tr.status !== 'confirmed') continue;
      const x = tr.cls === 'air' || tr.llr < 0 ? tr.cv.x : tr.ekf.x;
      const dt = t - (tr.cls === 'air' || tr.llr < 0 ? tr.cv.t : tr.ekf.t);
      est.push(x[0]! + dt * x[3]!, x[1]! + dt * x[4]!, x[2]! + dt * x[5]! - 4.9 * dt * dt * (tr.llr < 0 ? 0 : 1));
    }
    const k = truthPts.length / 3;
    const m = est.length / 3;
    if (k === 0 && m === 0) return;
    const g = gospa(Float64Array.from(truthPts), k, Float64Array.from(est), m, 3, GOSPA_C, 2);
    this.gospaSamples.push({ total: g.total, loc: g.localisation, missed: g.missed, fals: g.false });
  }

  result(): MetricsResult {
    const majority = (r: TrackRecord): string => {
      let best = 'unknown';
      let n = -1;
      for (const [k, v] of r.counts) if (v > n) [best, n] = [k, v];
      return best;
    };
    const byThreat = new Map<string, TrackRecord>();
    const falseBallistic: { trackId: number; source: string }[] = [];
    let confirmedNonThreat = 0;
    for (const r of this.tracks.values()) {
      if (r.confirmedAt === undefined) continue;
      const src = majority(r);
      if (!this.threatById.has(src)) {
        confirmedNonThreat++;
        if (r.everBallistic) falseBallistic.push({ trackId: r.id, source: src });
        continue;
      }
      const cur = byThreat.get(src);
      if (!cur || (r.counts.get(src) ?? 0) > (cur.counts.get(src) ?? 0)) byThreat.set(src, r);
    }
    const threats: ThreatMetrics[] = [];
    for (const th of this.truth.threats) {
      const r = byThreat.get(th.id);
      const tm: ThreatMetrics = {
        id: th.id,
        type: th.def.type,
        rangeM: th.trajectory.impact.rangeM,
        impactError: [],
        impactBound: [],
        launchError: [],
        launchBound: [],
      };
      if (r && r.confirmedAt !== undefined) {
        tm.trackId = r.id;
        tm.confirmedAt = r.confirmedAt;
        tm.confirmLatency = r.confirmedAt - th.launchTime;
        if (r.threat) tm.threatClass = r.threat;
        this.errorsAndBounds(th, r, tm);
      }
      threats.push(tm);
    }
    const offs = METRIC_OFFSETS.map((_, k) => k);
    const col = (f: (t: ThreatMetrics) => number | null): number[] =>
      threats.map(f).filter((v): v is number => v !== null && Number.isFinite(v));
    const summary = {
      offsets: METRIC_OFFSETS,
      medianImpactError: offs.map((k) => median(col((t) => t.impactError[k] ?? null))),
      medianImpactErrorPctRange: offs.map((k) => median(col((t) => (t.impactError[k] != null ? (100 * t.impactError[k]!) / t.rangeM : null)))),
      medianImpactRatio: offs.map((k) =>
        median(col((t) => (t.impactError[k] != null && t.impactBound[k] != null ? t.impactError[k]! / t.impactBound[k]! : null))),
      ),
      medianLaunchError: offs.map((k) => median(col((t) => t.launchError[k] ?? null))),
      medianLaunchErrorPctRange: offs.map((k) => median(col((t) => (t.launchError[k] != null ? (100 * t.launchError[k]!) / t.rangeM : null)))),
      medianLaunchRatio: offs.map((k) =>
        median(col((t) => (t.launchError[k] != null && t.launchBound[k] != null ? t.launchError[k]! / t.launchBound[k]! : null))),
      ),
      counts: offs.map((k) => col((t) => t.impactError[k] ?? null).length),
    };
    const threatClass = { exact: 0, family: 0, wrong: 0, undecided: 0 };
    for (const t of threats) {
      if (t.confirmedAt === undefined) continue;
      const c = t.threatClass;
      const fam = t.type.split('-')[0]!;
      if (c === undefined || c === 'ballistic') threatClass.undecided++;
      else if (c === t.type) threatClass.exact++;
      else if (c === fam) threatClass.family++;
      else threatClass.wrong++;
    }
    const gs = this.gospaSamples;
    const avg = (f: (s: (typeof gs)[number]) => number): number => (gs.length ? gs.reduce((a, s) => a + f(s), 0) / gs.length : 0);
    const nees = this.neesAge.reduce((a, b) => ({ n: a.n + b.n, inBand: a.inBand + b.inBand, sum: a.sum + b.sum }), { n: 0, inBand: 0, sum: 0 });
    return {
      threats,
      confirmedThreats: threats.filter((t) => t.confirmedAt !== undefined).length,
      nees: {
        updates: nees.n,
        inBand: nees.inBand,
        fractionInBand: nees.n ? nees.inBand / nees.n : 0,
        mean: nees.n ? nees.sum / nees.n : 0,
        byAge: this.neesAge.map((b, k) => ({
          updates: k + 1 < NEES_AGES.length ? `${NEES_AGES[k]}–${NEES_AGES[k + 1]! - 1}` : `${NEES_AGES[k]}+`,
          n: b.n,
          fractionInBand: b.n ? b.inBand / b.n : 0,
          fractionAbove: b.n ? b.above / b.n : 0,
          mean: b.n ? b.sum / b.n : 0,
        })),
      },
      threatClass,
      falseBallistic,
      confirmedNonThreatTracks: confirmedNonThreat,
      gospa: { samples: gs.length, mean: avg((s) => s.total), meanLocalisation: avg((s) => s.loc), meanMissed: avg((s) => s.missed), meanFalse: avg((s) => s.fals) },
      summary,
    };
  }

  /** Errors of the track's predictions and the bound at each offset after confirmation. */
  private errorsAndBounds(th: ThreatTruth, r: TrackRecord, tm: ThreatMetrics): void {
    const imp = th.trajectory.impact;
    const launch = th.trajectory.launch;
    const crlb = new CrlbAccumulator(th, this.frame);
    const plots = this.plotsByThreat.get(th.id) ?? [];
    let next = 0;
    const rocketType = isRocket(threatSpec(th.def.type)) ? th.def.type : undefined;
    for (const off of METRIC_OFFSETS) {
      const p = r.predictions.find((q) => q.t >= r.confirmedAt! + off - 1e-9);
      if (!p) {
        tm.impactError.push(null);
        tm.impactBound.push(null);
        tm.launchError.push(null);
        tm.launchBound.push(null);
        continue;
      }
      tm.impactError.push(inverse(imp.lat, imp.lon, p.impact.lat, p.impact.lon).distance);
      tm.launchError.push(p.launch ? inverse(launch.lat, launch.lon, p.launch.lat, p.launch.lon).distance : null);
      while (next < plots.length && plots[next]!.t <= p.t + 1e-9) {
        const q = plots[next++]!;
        const s = this.sensors.get(q.sensor);
        // (the noise the data carry, rounding included: the bound for what these sensors send)
        if (s) crlb.add({ t: q.t, frame: s.frame, sigmas: plotSigmas(s, q.range, q.el) });
      }
      let ib: number | null = null;
      let lb: number | null = null;
      if (p.t >= crlb.t0 && p.t <= crlb.impactTime) {
        const Pb = crlb.boundAt(p.t);
        if (Pb) {
          const x = crlb.trueStateAt(p.t);
          const bi = predictImpact(x, Pb, p.t, this.frame, this.site.terrainAlt);
          if (bi) ib = Math.sqrt(bi.covEN[0][0] + bi.covEN[1][1]);
          const bl = predictLaunch(x, Pb, p.t, this.frame, this.site.terrainAlt, rocketType ? { rocketType } : {});
          if (bl) lb = Math.sqrt(bl.covEN[0][0] + bl.covEN[1][1]);
        }
      }
      tm.impactBound.push(ib);
      tm.launchBound.push(lb);
    }
  }
}

const fmt = (v: number | null, d = 0): string => (v === null ? '–' : v.toFixed(d));

/** The metrics as a markdown section. */
export function metricsMarkdown(m: MetricsResult): string {
  const s = m.summary;
  const lines: string[] = [];
  lines.push('## Tracking metrics', '');
  lines.push(`Threats confirmed: ${m.confirmedThreats} of ${m.threats.length}.`);
  lines.push(
    `NEES (position and velocity, at ${m.nees.updates} updates of confirmed tracks on threats): mean ${m.nees.mean.toFixed(2)} (6 if consistent); ` +
      `${(100 * m.nees.fractionInBand).toFixed(1)} % inside the 95 % χ²₆ band [${NEES_LO}, ${NEES_HI}].`,
  );
  lines.push(
    `NEES by the track's update count: ` +
      m.nees.byAge
        .map((b) => `${b.updates}: ${b.n} updates, ${(100 * b.fractionInBand).toFixed(1)} % in the band, ${(100 * b.fractionAbove).toFixed(1)} % above (2.5 % if consistent), mean ${b.mean.toFixed(1)}`)
        .join('; ') +
      '.',
  );
  const tc = m.threatClass;
  lines.push(
    `Threat class (last estimate of each confirmed threat): type right ${tc.exact}, only the family (rocket/mortar) named ${tc.family}, ` +
      `wrong ${tc.wrong}, undecided ${tc.undecided}.`,
  );
  lines.push(
    `False ballistic tracks (from clutter, drones, aircraft, birds): ${m.falseBallistic.length}` +
      (m.falseBallistic.length ? ` (${m.falseBallistic.map((f) => `#${f.trackId} ← ${f.source}`).join(', ')})` : '') +
      `; confirmed non-threat tracks: ${m.confirmedNonThreatTracks}.`,
  );
  lines.push(
    `GOSPA (c = ${GOSPA_C} m, p = 2, ${m.gospa.samples} samples): mean ${m.gospa.mean.toFixed(1)} m ` +
      `(localisation ${m.gospa.meanLocalisation.toFixed(0)}, missed ${m.gospa.meanMissed.toFixed(0)}, false ${m.gospa.meanFalse.toFixed(0)}, in m²).`,
    '',
  );
  lines.push('Median over threats, by time since confirmation (error: metres and % of the threat\'s range; ratio: error / RMS Cramér–Rao bound):', '');
  lines.push('| after confirmation | threats | impact error | % range | ÷ bound | launch error | % range | ÷ bound |');
  lines.push('|---|---|---|---|---|---|---|---|');
  s.offsets.forEach((o, k) => {
    lines.push(
      `| ${o} s | ${s.counts[k]} | ${fmt(s.medianImpactError[k]!)} m | ${fmt(s.medianImpactErrorPctRange[k]!, 2)} | ${fmt(s.medianImpactRatio[k]!, 2)} | ` +
        `${fmt(s.medianLaunchError[k]!)} m | ${fmt(s.medianLaunchErrorPctRange[k]!, 2)} | ${fmt(s.medianLaunchRatio[k]!, 2)} |`,
    );
  });
  lines.push('');
  const k3 = METRIC_OFFSETS.indexOf(3);
  lines.push('Per threat, 3 s after confirmation:', '');
  lines.push('| threat | type | range | track | confirmed after launch | impact error | ÷ bound | launch error | ÷ bound |');
  lines.push('|---|---|---|---|---|---|---|---|---|');
  for (const t of m.threats) {
    const ie = t.impactError[k3] ?? null;
    const ib = t.impactBound[k3] ?? null;
    const le = t.launchError[k3] ?? null;
    const lb = t.launchBound[k3] ?? null;
    lines.push(
      `| ${t.id} | ${t.type} | ${(t.rangeM / 1000).toFixed(1)} km | ${t.trackId ?? '–'} | ${t.confirmLatency !== undefined ? t.confirmLatency.toFixed(1) + ' s' : 'not confirmed'} | ` +
        `${fmt(ie)} m | ${ie !== null && ib ? (ie / ib).toFixed(2) : '–'} | ${fmt(le)} m | ${le !== null && lb ? (le / lb).toFixed(2) : '–'} |`,
    );
  }
  lines.push('');
  return lines.join('\n');
}
