/**
 * Simulation's kill assessment: each burst is resolved against the truth when it is fired — the threat
 * within the lethal radius of the aim point at the aim time (none: the estimate was off and the burst went
 * into empty sky), then a draw with the burst's kill probability from the run's seeded 'engage' stream.
 * A kill destroys the truth threat at the aim time: the radars stop seeing it, the simulator writes an
 * 'intercepted' truth event instead of its impact.
 */
import { Rng } from '../core/rng.js';
import { interceptTruth, resolveBurst } from '../engage/kill.js';
import type { Assessor } from '../engage/manager.js';
import type { ScenarioTruth } from '../scenario/truth.js';

export function truthAssessor(truth: ScenarioTruth, seed: number): Assessor {
  const rng = new Rng(seed).stream('engage');
  return (shot) => {
    const target = interceptTruth(truth.threats, shot.tAim, shot.aimEcef);
    // the draw is made for every burst, hit or not, so one burst's geometry never shifts another's luck
    const lucky = resolveBurst(rng, shot.pk);
    if (!target || !lucky) return false;
    return target.kill(shot.tAim) !== undefined;
  };
}
