/**
 * Ballistic EKF cost on one core: µs per predict over 1 s (RK4 with its exact transition matrix and the
 * covariance), per update (with and without range rate), and the plots per second one predict + update per plot
 * allows. The tracker's budget: ≥ 300 000 plots/s end to end on one core at 1 000 threats. Then the same for
 * the unscented filter on the same model (src/track/ballistic-ukf.ts), the measure the EKF was kept by.
 *
 * Each figure is the median over batches, with the fastest batch beside it: on a shared machine the median
 * moves with the neighbours' load, the fastest batch much less.
 */
import { EnuFrame } from '../src/geo/wgs84.js';
import { BallisticEkf, NX } from '../src/track/ballistic-ekf.js';
import { BallisticUkf } from '../src/track/ballistic-ukf.js';

const BATCHES = 40;

export async function bench(): Promise<void> {
  const site = new EnuFrame({ lat: 33.3, lon: 44.395, alt: 34 });
  const radar = { frame: new EnuFrame({ lat: 33.298, lon: 44.397, alt: 40 }) };
  let ekf: BallisticEkf | BallisticUkf = new BallisticEkf({ frame: site });
  const x0 = [4000, -3000, 1500, -150, 120, 80, 4e-4];
  const P0 = new Float64Array(NX * NX);
  [100, 100, 100, 25, 25, 25, 1e-8].forEach((v, i) => (P0[i * NX + i] = v));
  const sig4 = { range: 10, az: 2e-3, el: 2e-3, rangeRate: 1 };
  const sig3 = { range: 10, az: 2e-3, el: 2e-3 };
  const z = { range: 5000, az: 2.2, el: 0.3, rangeRate: -50 };
  /** µs per call over n calls: 'predict' steps 1 s at a time, 'update4'/'update3' with/without range rate. */
  const batch = (n: number, what: 'predict' | 'update4' | 'update3'): number => {
    ekf.init(x0, P0, 0);
    const t0 = process.hrtime.bigint();
    for (let k = 1; k <= n; k++) {
      if (k % 10 === 0) ekf.init(x0, P0, 0); // keep the state in the atmosphere
      if (what === 'predict') ekf.predict((k % 10) + 1);
      else ekf.update(z, radar, what === 'update4' ? sig4 : sig3);
    }
    return Number(process.hrtime.bigint() - t0) / 1e3 / n;
  };
  const measure = (n: number, what: 'predict' | 'update4' | 'update3'): { median: number; min: number } => {
    batch(n, what); // warm-up for the JIT
    const t = Array.from({ length: BATCHES }, () => batch(n, what)).sort((a, b) => a - b);
    return { median: t[BATCHES >> 1]!, min: t[0]! };
  };
  const pred = measure(5000, 'predict');
  const upd4 = measure(10000, 'update4');
  const upd3 = measure(10000, 'update3');
  const f = (r: { median: number; min: number }): string => `${r.median.toFixed(2)} µs (fastest batch ${r.min.toFixed(2)})`;
  const rate = (p: number, u: number): string => Math.round(1e6 / (p + u)).toLocaleString('en');
  console.log(`ballistic EKF predict over 1 s (RK4 ≤ ${ekf.maxStep} s steps ended on Cd knots, exact RK4 Φ): ${f(pred)}`);
  console.log(`ballistic EKF update, range/az/el/range rate (Joseph form):                 ${f(upd4)}`);
  console.log(`ballistic EKF update, range/az/el (Joseph form):                            ${f(upd3)}`);
  console.log(`→ one predict + update (with range rate) per plot: ≈ ${rate(pred.median, upd4.median)} plots/s per core (fastest batches: ${rate(pred.min, upd4.min)}); target ≥ 300,000 end to end`);
  ekf = new BallisticUkf({ frame: site });
  const uPred = measure(1000, 'predict');
  const uUpd4 = measure(2000, 'update4');
  console.log(`UKF (15 sigma points, same model) predict over 1 s: ${f(uPred)}; update with range rate: ${f(uUpd4)}`);
  console.log(`→ UKF / EKF per predict + update: ${((uPred.median + uUpd4.median) / (pred.median + upd4.median)).toFixed(1)}× (same accuracy: test/track/ekf-vs-ukf.test.ts)`);
}
