/**
 * The report of `tocsin process`: a recording has no truth, so it says what was read (datagrams, plots,
 * what the decoder refused and why), per sensor how many plots over which time span, what the engine made of
 * them (tracks initiated, confirmed, ballistic) and how fast. JSON for machines, Markdown for people.
 */
import type { EngineStats } from '../engine/engine.js';
import { basename } from 'node:path';
import { REJECT_REASONS, type RejectReason } from '../io/asterix/rejects.js';
import type { Recording } from '../io/recording.js';
import type { Site } from '../scenario/types.js';
import { isoTime } from './summary.js';

export interface ProcessTimings {
  /** loading the site file, s */
  siteSeconds: number;
  /** reading the recording and decoding it into time-ordered plots, s */
  readSeconds: number;
  /** inside the engine (ingest and finish), s */
  engineSeconds: number;
  /** the whole command: site, reading, decoding, the engine, formatting and writing events, s */
  totalSeconds: number;
}

export interface ProcessReport {
  recording: string;
  format: 'pcap' | 'ast';
  site: string;
  siteFile: string;
  /** .ast only: the UTC date the times of day were put on (there is no capture time) */
  assumedDate?: string;
  /** first and last plot (ISO), absent when no plot was accepted */
  start?: string;
  end?: string;
  /** UDP datagrams (pcap) or data blocks (.ast) */
  datagrams: number;
  /** pcap packets that were not UDP over IP (or were fragments, or cut short) */
  skippedPackets: number;
  plots: number;
  /** CAT034 service messages read (north markers, sector crossings): valid, not needed offline */
  serviceMessages: number;
  rejected: { total: number; reasons: Array<{ reason: RejectReason; count: number; lastMessage: string }> };
  sensors: Array<{ sensor: string; sac: number; sic: number; plots: number; first?: string; last?: string; spanSeconds: number }>;
  engine: EngineStats;
  performance: ProcessTimings & { plotsPerSecond: number; decodePlotsPerSecond: number; enginePlotsPerSecond: number };
}

const r = (v: number, digits: number): number => Number(v.toFixed(digits));
const rate = (n: number, s: number): number => (s > 0 ? Math.round(n / s) : 0);

export function processReport(file: string, site: Site, rec: Recording, stats: EngineStats, timings: ProcessTimings): ProcessReport {
  const perSensor = new Map<string, { plots: number; first: number; last: number }>();
  for (const p of rec.plots) {
    const s = perSensor.get(p.sensorId);
    if (s) {
      s.plots++;
      s.last = p.t; // plots are time-ordered
    } else {
      perSensor.set(p.sensorId, { plots: 1, first: p.t, last: p.t });
    }
  }
  const report: ProcessReport = {
    recording: file,
    format: rec.kind,
    site: site.name,
    siteFile: site.file,
    ...(rec.date !== undefined ? { assumedDate: rec.date } : {}),
    ...(rec.firstTime !== undefined && rec.lastTime !== undefined ? { start: isoTime(rec.firstTime), end: isoTime(rec.lastTime) } : {}),
    datagrams: rec.datagrams,
    skippedPackets: rec.skipped,
    plots: rec.plots.length,
    serviceMessages: rec.serviceMessages,
    rejected: {
      total: rec.rejects.total,
      reasons: REJECT_REASONS.filter((k) => rec.rejects.counts[k] > 0).map((k) => ({ reason: k, count: rec.rejects.counts[k], lastMessage: rec.rejects.last[k] ?? '' })),
    },
    sensors: site.sensors.map((c) => {
      const s = perSensor.get(c.id);
      return {
        sensor: c.id, sac: c.sac, sic: c.sic, plots: s?.plots ?? 0,
        ...(s ? { first: isoTime(s.first), last: isoTime(s.last) } : {}),
        spanSeconds: s ? r(s.last - s.first, 3) : 0,
      };
    }),
    engine: { ...stats },
    performance: {
      siteSeconds: r(timings.siteSeconds, 4),
      readSeconds: r(timings.readSeconds, 4),
      engineSeconds: r(timings.engineSeconds, 4),
      totalSeconds: r(timings.totalSeconds, 4),
      plotsPerSecond: rate(rec.plots.length, timings.totalSeconds),
      decodePlotsPerSecond: rate(rec.plots.length, timings.readSeconds),
      enginePlotsPerSecond: rate(rec.plots.length, timings.engineSeconds),
    },
  };
  return report;
}

const n = (v: number): string => v.toLocaleString('en-US');

/** The line printed at the end: `processed 123,456 plots in 0.84 s: 147,000 plots/s (…)`. */
export function throughputLine(rep: ProcessReport): string {
  const p = rep.performance;
  return (
    `processed ${n(rep.plots)} plots in ${p.totalSeconds.toFixed(2)} s: ${n(p.plotsPerSecond)} plots/s ` +
    `(site ${p.siteSeconds.toFixed(2)} s; read and decode ${p.readSeconds.toFixed(2)} s, ${n(p.decodePlotsPerSecond)} plots/s; ` +
    `engine ${p.engineSeconds.toFixed(2)} s, ${n(p.enginePlotsPerSecond)} plots/s)`
  );
}

/** Markdown rendering of the report. */
export function processReportMarkdown(rep: ProcessReport): string {
  const lines: string[] = [];
  lines.push(`# Recording ${basename(rep.recording)}`, '');
  const what = rep.format === 'pcap' ? `libpcap capture, ${n(rep.datagrams)} UDP datagrams` : `raw ASTERIX, ${n(rep.datagrams)} data blocks`;
  lines.push(`Recording \`${rep.recording}\` (${what}) processed for site ${rep.site} (\`${rep.siteFile}\`).`);
  if (rep.assumedDate !== undefined) lines.push(`No capture times in an .ast: times of day put on ${rep.assumedDate} (UTC), carried over midnight.`);
  if (rep.skippedPackets > 0) lines.push(`${n(rep.skippedPackets)} packet(s) skipped: not UDP over IP, fragments, or cut short.`);
  lines.push(rep.start !== undefined ? `Plots from ${rep.start} to ${rep.end}.` : 'No plot was accepted.', '');
  lines.push('## Plots', '');
  lines.push(`Accepted: ${n(rep.plots)}. Rejected: ${n(rep.rejected.total)}.`, '');
  if (rep.serviceMessages > 0) lines.push(`Also read: ${n(rep.serviceMessages)} CAT034 service messages (north markers, sector crossings; not needed offline).`, '');
  if (rep.rejected.reasons.length > 0) {
    lines.push('| rejected because | count | last message |', '|---|---|---|');
    for (const x of rep.rejected.reasons) lines.push(`| ${x.reason} | ${n(x.count)} | ${x.lastMessage.replace(/\|/g, '\\|')} |`);
    lines.push('');
  }
  lines.push('## Sensors', '', '| sensor | SAC/SIC | plots | first (UTC) | last (UTC) | span |', '|---|---|---|---|---|---|');
  for (const s of rep.sensors) {
    lines.push(`| ${s.sensor} | ${s.sac}/${s.sic} | ${n(s.plots)} | ${s.first ?? '—'} | ${s.last ?? '—'} | ${s.spanSeconds.toFixed(1)} s |`);
  }
  const e = rep.engine;
  lines.push('', '## Engine', '');
  lines.push(`Plots in: ${n(e.plots)} (unknown sensor ${n(e.unknownSensor)}, late ${n(e.late)}).`);
  lines.push(`Tracks initiated: ${n(e.tracksInitiated)}, confirmed: ${n(e.tracksConfirmed)}, ballistic: ${n(e.tracksBallistic)}.`, '');
  lines.push('## Performance', '', throughputLine(rep) + '.', '');
  return lines.join('\n');
}
