/**
 * The covariance propagation of BallisticEkf.predict uses a transition matrix Φ. Checked here against an
 * independent Φ: central finite differences of the filter's own state propagation over 1 s. With zero
 * process noise and P0 = e_j·e_jᵀ, predict leaves P = φ_j·φ_jᵀ (φ_j the j-th column of Φ), so column j is
 * P[:, j] / √P[j, j] (φ_jj is near 1, so the sign is positive).
 */
import { describe, expect, it } from 'vitest';
import { EnuFrame } from '../../src/geo/wgs84.js';
import { BallisticEkf, NX } from '../../src/track/ballistic-ekf.js';

const frame = new EnuFrame({ lat: 33.3, lon: 44.395, alt: 34 });
const STATES: Array<[string, number[]]> = [
  ['subsonic mortar descending', [1500, 2200, 1800, 60, -90, -120, 9e-4]],
  ['supersonic rocket climbing', [-4000, 3000, 1200, 350, -280, 200, 3e-4]],
  // M 1.15 → 1.07 in the second, across the Cd-table knot at 1.1 (predict ends a step on it)
  ['transonic rocket decelerating through a Cd knot', [3000, 2000, 2500, 300, 200, 120, 9e-4]],
  // M 0.95 → 0.91 climbing, down the steep transonic rise of Cd (knot at 0.925)
  ['mortar slowing through the drag rise', [-1000, 1500, 800, 200, 150, 200, 9.5e-4]],
];
const STEPS = [1e-2, 1e-2, 1e-2, 1e-3, 1e-3, 1e-3, 1e-8];

function propagate(x0: number[], dt: number): Float64Array {
  const f = new BallisticEkf({ frame, q: 0, qKappa: 0 });
  f.init(x0, new Float64Array(NX * NX), 0);
  f.predict(dt);
  return Float64Array.from(f.x);
}

describe('BallisticEkf transition matrix', () => {
  for (const [name, x0] of STATES) {
    it(`Φ over 1 s matches finite differences of the state propagation (${name})`, () => {
      for (let j = 0; j < NX; j++) {
        const f = new BallisticEkf({ frame, q: 0, qKappa: 0 });
        const P0 = new Float64Array(NX * NX);
        P0[j * NX + j] = 1;
        f.init(x0, P0, 0);
        f.predict(1);
        const pjj = Math.sqrt(f.P[j * NX + j]!);
        const xp = [...x0];
        const xm = [...x0];
        xp[j] = xp[j]! + STEPS[j]!;
        xm[j] = xm[j]! - STEPS[j]!;
        const a = propagate(xp, 1);
        const b = propagate(xm, 1);
        for (let i = 0; i < NX; i++) {
          const numeric = (a[i]! - b[i]!) / (2 * STEPS[j]!);
          const phi = f.P[i * NX + j]! / pjj;
          // scale of the column entry: position/velocity rows vs κ
          const scale = Math.max(Math.abs(numeric), i === 6 ? 1 : j === 6 ? 1e3 : 1e-3);
          expect(Math.abs(phi - numeric) / scale, `Φ[${i}][${j}]: ${phi} vs ${numeric}`).toBeLessThan(2e-3);
        }
      }
    });
  }
});
