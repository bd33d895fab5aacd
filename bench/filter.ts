/** Ballistic EKF cost on one core: µs per 1 s predict (RK4 substeps with the covariance) and per update. */
import { EnuFrame } from '../src/geo/wgs84.js';
import { BallisticEkf, NX } from '../src/track/ballistic-ekf.js';

export async function bench(): Promise<void> {
  const site = new EnuFrame({ lat: 33.3, lon: 44.395, alt: 34 });
  const radar = { frame: new EnuFrame({ lat: 33.298, lon: 44.397, alt: 40 }) };
  const ekf = new BallisticEkf({ frame: site });
  const x0 = [4000, -3000, 1500, -150, 120, 80, 4e-4];
  const P0 = new Float64Array(NX * NX);
  [100, 100, 100, 25, 25, 25, 1e-8].forEach((v, i) => (P0[i * NX + i] = v));
  const sig = { range: 10, az: 2e-3, el: 2e-3, rangeRate: 1 };
  const z = { range: 0, az: 0, el: 0, rangeRate: 0 };
  const run = (n: number, doUpdate: boolean): number => {
    ekf.init(x0, P0, 0);
    const t0 = process.hrtime.bigint();
    for (let k = 1; k <= n; k++) {
      if (k % 10 === 0) ekf.init(x0, P0, 0); // keep the state in the atmosphere
      const t = (k % 10) + 1;
      if (doUpdate) {
        z.range = 5000; z.az = 2.2; z.el = 0.3; z.rangeRate = -50;
        ekf.update(z, radar, sig);
      } else ekf.predict(t);
    }
    return Number(process.hrtime.bigint() - t0) / 1e3 / n;
  };
  run(2000, false);
  run(2000, true);
  const pred = run(20000, false);
  const upd = run(50000, true);
  console.log(`ballistic EKF predict over 1 s (RK4 ≤ 0.25 s substeps, Φ by series): ${pred.toFixed(2)} µs`);
  console.log(`ballistic EKF update (range, az, el, range rate; Joseph form):    ${upd.toFixed(2)} µs`);
  console.log(`→ one predict+update per plot: ≈ ${Math.round(1e6 / (pred + upd)).toLocaleString('en')} plots/s per core`);
}
