/**
 * One simulated run through the whole engine, in memory: the scenario's truth and radars, the engine on
 * their plots (tracking, prediction and, as they land, warning and engagement), every event collected.
 * What `tocsin simulate` does minus the files, for tests and the Monte Carlo planner.
 */
import { Engine, type EngineOptions } from '../engine/engine.js';
import type { Scenario } from '../scenario/load.js';
import type { ScenarioTruth } from '../scenario/truth.js';
import type { SimEvent } from './events.js';
import { runSimulation, type SimulationRun } from './simulation.js';
import { truthAssessor } from './assess.js';

export interface RunResult {
  run: SimulationRun;
  truth: ScenarioTruth;
  engine: Engine;
  /** every event in time order; plot events only when keepPlots */
  events: SimEvent[];
}

export interface RunOptions {
  seed?: number;
  /** keep plot events (large); default false */
  keepPlots?: boolean;
  /** false: the tracker does not get the scenario's wind and temperature */
  met?: boolean;
  engine?: Omit<EngineOptions, 'met'>;
}

export function simulateScenario(scenario: Scenario, opts: RunOptions = {}): RunResult {
  const engine = new Engine(scenario.site, { ...opts.engine, ...(opts.met !== false ? { met: scenario.environment } : {}) });
  const events: SimEvent[] = [];
  const run = runSimulation(scenario, {
    ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
    sink: (ev) => {
      if (ev.type !== 'plot' || opts.keepPlots) events.push(ev);
    },
    onStart: (truth) => (engine.assess = truthAssessor(truth, opts.seed ?? scenario.seed)),
    onPlots: (plots, until) => engine.ingest(plots, until),
  });
  return { run, truth: run.truth, engine, events };
}
