/**
 * End-to-end engine throughput on one core: plots in → tracks, classification, impact and launch
 * predictions out, at 10, 100 and 1,000 threats in the air together, with clutter.
 *
 * The plots are made first (salvo scenarios from generate-salvo.ts, launches packed into a short window so
 * the threats overlap in flight; both radars report `CLUTTER` false plots a revolution); then only the
 * engine is timed, fed in 0.5 s windows exactly as the simulator and `tocsin process` feed it.
 */
import { Engine } from '../src/engine/engine.js';
import { generateSalvo, DEFAULT_SALVO } from '../src/scenario/generate-salvo.js';
import { parseScenario, type Scenario } from '../src/scenario/load.js';
import { runSimulation } from '../src/sim/simulation.js';
import type { Plot } from '../src/sense/plot.js';

const CLUTTER = 20;

interface Case {
  threats: number;
  window: number;
}

export async function bench(): Promise<void> {
  const cases: Case[] = [
    { threats: 10, window: 2 },
    { threats: 100, window: 10 },
    { threats: 1000, window: 20 },
  ];
  console.log(`clutter: ${CLUTTER} false plots per revolution per radar; plots fed in 0.5 s windows; best of 3 runs (2 at 1,000 threats), after a warm-up`);
  // Warm-up: the engine's code compiled before anything is timed (a live engine runs for hours; without it the
  // first case timed the compiler, and its tracking alone came out slower than tracking with predictions).
  {
    const warm = makeCase({ threats: 100, window: 10 });
    const engine = new Engine(warm.scenario.site, { met: warm.scenario.environment, predictions: true });
    for (const w of warm.windows) engine.ingest(w.plots, w.until);
  }
  for (const c of cases) {
    const { scenario, windows, maxInFlight } = makeCase(c);
    const total = windows.reduce((a, w) => a + w.plots.length, 0);
    const reps = c.threats >= 1000 ? 2 : 3;
    const time = (predictions: boolean): { seconds: number; engine: Engine } => {
      let best = Infinity;
      let engine: Engine | undefined;
      for (let rep = 0; rep < reps; rep++) {
        engine = new Engine(scenario.site, { met: scenario.environment, predictions });
        const t0 = process.hrtime.bigint();
        for (const w of windows) engine.ingest(w.plots, w.until);
        best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e9);
      }
      return { seconds: best, engine: engine! };
    };
    const only = time(false);
    const full = time(true);
    const st = full.engine.stats;
    const rate = (s: number): string => Math.round(total / s).toLocaleString('en');
    console.log(
      `${String(c.threats).padStart(5)} threats (≤ ${maxInFlight} in flight at once): ${total.toLocaleString('en')} plots; ` +
        `tracking + classification ${rate(only.seconds)} plots/s; with impact and launch predictions ${rate(full.seconds)} plots/s ` +
        `(${st.predictions.toLocaleString('en')} predictions, ${((1e6 * (full.seconds - only.seconds)) / Math.max(1, st.predictions)).toFixed(0)} µs each); ` +
        `confirmed ${st.tracksConfirmed}, ballistic ${st.tracksBallistic}`,
    );
  }
}

/** A case's salvo (both radars reporting CLUTTER false plots a revolution), its plots in the simulator's 0.5 s windows, and the most threats in flight at once. */
function makeCase(c: Case): { scenario: Scenario; windows: { plots: Plot[]; until: number }[]; maxInFlight: number } {
  const text = generateSalvo({ ...DEFAULT_SALVO, count: c.threats, windowSeconds: c.window, seed: 7 });
  const scenario = parseScenario(text, 'scenarios/bench-salvo.yaml');
  for (const s of scenario.site.sensors) s.clutterPerScan = CLUTTER;
  const windows: { plots: Plot[]; until: number }[] = [];
  let maxInFlight = 0;
  runSimulation(scenario, {
    sink: () => {},
    onStart: (truth) => {
      // the most threats in the air at once (launch → impact)
      const ev = truth.threats.flatMap((t) => [
        [t.launchTime, 1],
        [t.impactTime, -1],
      ]) as [number, number][];
      ev.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      let n = 0;
      for (const [, d] of ev) maxInFlight = Math.max(maxInFlight, (n += d));
    },
    onPlots: (plots, until) => {
      windows.push({ plots: plots.slice(), until });
      return [];
    },
  });
  return { scenario, windows, maxInFlight };
}
