/**
 * EKF or UKF (issue 3: "measure both and keep what is better, saying why"; docs/tracking.md): the ballistic
 * EKF and an unscented filter on the same state, model, noise and measurements, over the same 50 Monte Carlo
 * runs against fly() truth (test/track/helpers.ts monteCarlo: the harness of the EKF's own consistency test).
 * Both must be consistent; the EKF, which the tracker uses, must be at least as accurate. The figures (NEES,
 * error, µs a step) are printed for the record.
 */
import { describe, expect, it } from 'vitest';
import { BallisticEkf } from '../../src/track/ballistic-ekf.js';
import { BallisticUkf } from '../../src/track/ballistic-ukf.js';
import { monteCarlo } from './helpers.js';

describe('ballistic EKF against a UKF on the same runs', () => {
  it.each([
    ['mortar-120', 45, 3, 30],
    ['rocket-122', 30, 'burnout', 20],
  ] as const)('%s at %i°: both consistent, the EKF no less accurate', (type, el, tStart, dur) => {
    const ekf = monteCarlo((o) => new BallisticEkf(o), type, el, tStart, dur, 50);
    const ukf = monteCarlo((o) => new BallisticUkf(o), type, el, tStart, dur, 50);
    const line = (name: string, r: typeof ekf): string =>
      `${name}: NEES in band ${(100 * r.inBand).toFixed(1)} % of ${r.steps} steps (mean ${r.meanNees.toFixed(2)}), RMS position error after 10 s ${r.posErr10.toFixed(2)} m, ${r.usPerStep.toFixed(1)} µs a step`;
    console.log(`${type} at ${el}°\n  ${line('EKF', ekf)}\n  ${line('UKF', ukf)}`);
    expect(ukf.inBand).toBeGreaterThanOrEqual(0.9);
    expect(ekf.inBand).toBeGreaterThanOrEqual(0.9);
    // same information, near-linear over a 1 s step: the two agree closely, and the EKF is not worse
    expect(ekf.posErr10).toBeLessThanOrEqual(1.05 * ukf.posErr10);
    expect(Math.abs(ekf.posErr10 - ukf.posErr10)).toBeLessThan(0.1 * ukf.posErr10);
  });
});
