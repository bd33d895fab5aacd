/**
 * Physics benchmark: trajectories per second for a 122 mm rocket at 45° and an 82 mm mortar at 45°, with
 * fixed-step RK4 (1 ms, 10 ms) and adaptive Dormand–Prince 5(4), and each one's range error against the 1 ms
 * RK4 reference.
 */
import { threatSpec } from '../src/physics/catalogue.js';
import { fly, type FlyOptions } from '../src/physics/trajectory.js';

const LAUNCH = { lat: 33.3, lon: 44.395, alt: 34 };

function timeIt(fn: () => void, minMs = 1000): number {
  for (let i = 0; i < 3; i++) fn(); // warm-up for the JIT
  let n = 0;
  const t0 = performance.now();
  let dt = 0;
  while (dt < minMs) {
    fn();
    n++;
    dt = performance.now() - t0;
  }
  return (n * 1000) / dt;
}

export async function bench(): Promise<void> {
  const cases: Array<[string, number]> = [['rocket-122', 45], ['mortar-82', 45]];
  const integrators: Array<[string, FlyOptions['step']]> = [['RK4 1 ms', 0.001], ['RK4 10 ms', 0.01], ['DP5(4) adaptive', 'adaptive']];
  console.log('physics: trajectories per second (whole flight, 0.05 s samples) and range error vs RK4 1 ms');
  for (const [type, el] of cases) {
    const spec = threatSpec(type);
    const ref = fly(spec, LAUNCH, 0, el, { terrainAlt: 34, step: 0.001 }).impact.rangeM;
    for (const [name, step] of integrators) {
      const opts: FlyOptions = { terrainAlt: 34, step };
      const tr = fly(spec, LAUNCH, 0, el, opts);
      const rate = timeIt(() => void fly(spec, LAUNCH, 0, el, opts), step === 0.001 ? 2000 : 1000);
      console.log(
        `  ${type.padEnd(10)} ${String(el).padStart(2)}°  ${name.padEnd(16)} ${rate.toFixed(1).padStart(8)} traj/s  ` +
          `${String(tr.steps).padStart(6)} steps  range ${(tr.impact.rangeM / 1000).toFixed(4)} km  ` +
          `error ${Math.abs(tr.impact.rangeM - ref).toExponential(2)} m`,
      );
    }
  }
}
