/**
 * The run summary of `tocsin simulate`: per threat its type, launch, impact, time of flight and first
 * detection; per sensor its plot counts. JSON for machines, Markdown for people. Impacts and launch points
 * are also described from the nearest named landmark, the way official statements describe them.
 */
import type { SimulationRun } from '../sim/simulation.js';
import { describeFrom } from '../geo/compass.js';
import { inverse } from '../geo/geodesic.js';
import type { Landmark } from '../scenario/load.js';

export interface ThreatSummary {
  id: string;
  type: string;
  launch: { t: string; lat: number; lon: number; alt: number; azimuthDeg: number; elevationDeg: number; near?: string };
  impact: { t: string; lat: number; lon: number; speed: number; near?: string };
  timeOfFlight: number;
  rangeM: number;
  apogeeM: number;
  firstDetection?: { t: string; sensor: string; afterLaunch: number; beforeImpact: number };
  plots: number;
}

export interface RunSummary {
  scenario: string;
  file: string;
  seed: number;
  start: string;
  end: string;
  threats: ThreatSummary[];
  nonBallistic: Array<{ id: string; kind: string; plots: number; firstDetection?: { t: string; sensor: string } }>;
  sensors: Array<{ sensor: string; plots: number; clutterPlots: number }>;
  totalPlots: number;
  /** what the engine made of the plots (absent when no engine ran) */
  engine?: { tracksInitiated: number; tracksConfirmed: number; tracksBallistic: number; predictions: number; unknownSensor: number; late: number };
}

/** UTC seconds → ISO-8601 with milliseconds. */
export function isoTime(t: number): string {
  return new Date(Math.round(t * 1000)).toISOString();
}

/** Text "≈ 520 m WSW of the US Embassy" for the landmark nearest to a point, if the site has landmarks. */
export function nearestLandmarkText(landmarks: readonly Landmark[], lat: number, lon: number): string | undefined {
  let best: { d: number; lm: Landmark } | undefined;
  for (const lm of landmarks) {
    const d = inverse(lm.lat, lm.lon, lat, lon).distance;
    if (!best || d < best.d) best = { d, lm };
  }
  return best ? describeFrom(best.lm, lat, lon).text : undefined;
}

const r = (v: number, digits: number): number => Number(v.toFixed(digits));

export function summarise(run: SimulationRun, engine?: RunSummary['engine']): RunSummary {
  const lms = run.scenario.site.landmarks;
  const threats: ThreatSummary[] = run.truth.threats.map((th) => {
    const tr = th.trajectory;
    const det = run.detections.get(th.id)!;
    const s: ThreatSummary = {
      id: th.id,
      type: th.def.type,
      launch: {
        t: isoTime(th.launchTime), lat: r(tr.launch.lat, 6), lon: r(tr.launch.lon, 6), alt: r(tr.launch.alt, 1),
        azimuthDeg: r(tr.azimuthDeg, 2), elevationDeg: r(tr.elevationDeg, 2),
        near: nearestLandmarkText(lms, tr.launch.lat, tr.launch.lon),
      },
      impact: {
        t: isoTime(th.impactTime), lat: r(tr.impact.lat, 6), lon: r(tr.impact.lon, 6), speed: r(tr.impact.speed, 1),
        near: nearestLandmarkText(lms, tr.impact.lat, tr.impact.lon),
      },
      timeOfFlight: r(tr.impact.t, 2),
      rangeM: r(tr.impact.rangeM, 1),
      apogeeM: r(tr.apogeeAlt, 1),
      plots: det.plots,
    };
    if (det.firstDetection) {
      s.firstDetection = {
        t: isoTime(det.firstDetection.t), sensor: det.firstDetection.sensor,
        afterLaunch: r(det.firstDetection.t - th.launchTime, 2), beforeImpact: r(th.impactTime - det.firstDetection.t, 2),
      };
    }
    return s;
  });
  const nonBallistic = run.truth.others.map((o) => {
    const det = run.detections.get(o.id)!;
    return {
      id: o.id, kind: o.kind, plots: det.plots,
      ...(det.firstDetection ? { firstDetection: { t: isoTime(det.firstDetection.t), sensor: det.firstDetection.sensor } } : {}),
    };
  });
  return {
    scenario: run.scenario.name,
    file: run.scenario.file,
    seed: run.seed,
    start: isoTime(run.truth.start),
    end: isoTime(run.truth.end),
    threats,
    nonBallistic,
    sensors: run.sensors.map((s) => ({ ...s })),
    totalPlots: run.totalPlots,
    ...(engine
      ? {
          engine: {
            tracksInitiated: engine.tracksInitiated, tracksConfirmed: engine.tracksConfirmed, tracksBallistic: engine.tracksBallistic,
            predictions: engine.predictions, unknownSensor: engine.unknownSensor, late: engine.late,
          },
        }
      : {}),
  };
}

/** Markdown rendering of the summary. */
export function summaryMarkdown(s: RunSummary): string {
  const lines: string[] = [];
  lines.push(`# ${s.scenario}`, '');
  lines.push(`Scenario \`${s.file}\`, seed ${s.seed}, simulated ${s.start} → ${s.end}.`, '');
  lines.push(`## Threats (${s.threats.length})`, '');
  lines.push('| id | type | launch (UTC) | impact | time of flight | range | apogee | first detection |');
  lines.push('|---|---|---|---|---|---|---|---|');
  for (const t of s.threats) {
    const det = t.firstDetection
      ? `${t.firstDetection.sensor} +${t.firstDetection.afterLaunch.toFixed(1)} s (${t.firstDetection.beforeImpact.toFixed(1)} s before impact)`
      : 'not detected';
    const where = t.impact.near ?? `${t.impact.lat.toFixed(5)}, ${t.impact.lon.toFixed(5)}`;
    lines.push(
      `| ${t.id} | ${t.type} | ${t.launch.t.slice(11, 19)} | ${where} | ${t.timeOfFlight.toFixed(1)} s | ${(t.rangeM / 1000).toFixed(2)} km | ${t.apogeeM.toFixed(0)} m | ${det} |`,
    );
  }
  if (s.nonBallistic.length > 0) {
    lines.push('', `## Other objects (${s.nonBallistic.length})`, '');
    lines.push('| id | kind | plots | first detection |', '|---|---|---|---|');
    for (const o of s.nonBallistic) lines.push(`| ${o.id} | ${o.kind} | ${o.plots} | ${o.firstDetection ? `${o.firstDetection.sensor} ${o.firstDetection.t.slice(11, 19)}` : '—'} |`);
  }
  lines.push('', '## Sensors', '', '| sensor | plots | of which clutter |', '|---|---|---|');
  for (const x of s.sensors) lines.push(`| ${x.sensor} | ${x.plots} | ${x.clutterPlots} |`);
  lines.push('', `Total plots: ${s.totalPlots}.`, '');
  if (s.engine) {
    const e = s.engine;
    lines.push('## Tracking', '');
    lines.push(
      `Tracks started ${e.tracksInitiated}, confirmed ${e.tracksConfirmed}, classed ballistic ${e.tracksBallistic}; ${e.predictions} impact/launch predictions.` +
        (e.unknownSensor || e.late ? ` Plots refused: ${e.unknownSensor} from unknown sensors, ${e.late} late or impossible.` : ''),
      '',
    );
  }
  return lines.join('\n');
}
