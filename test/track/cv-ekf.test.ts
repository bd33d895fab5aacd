/**
 * The constant-velocity filter against hand-worked Kalman algebra. A radar at the site origin looks due north
 * at a target on its own horizon: range is then the north coordinate, azimuth east/range, elevation up/range
 * — a linear measurement to first order, so the update must reproduce the scalar Kalman formulas worked by hand.
 */
import { describe, expect, it } from 'vitest';
import { EnuFrame } from '../../src/geo/wgs84.js';
import { CvEkf } from '../../src/track/cv-ekf.js';

const site = new EnuFrame({ lat: 33.3, lon: 44.4, alt: 34 });
const radar = { frame: site };

describe('CvEkf', () => {
  it('predicts with F = [[I, dt·I], [0, I]] and the discrete white-noise acceleration Q, as worked by hand', () => {
    const f = new CvEkf(site, 2);
    const P = new Float64Array(36);
    // σ²: position 100 m², velocity 4 (m/s)², no correlation
    for (let i = 0; i < 3; i++) {
      P[i * 6 + i] = 100;
      P[(i + 3) * 6 + i + 3] = 4;
    }
    f.init([10, 5000, 0], [3, -2, 1], P, 0);
    f.predict(2);
    // x = p + 2·v
    expect(Array.from(f.x.slice(0, 6))).toEqual([16, 4996, 2, 3, -2, 1]);
    // Ppp = 100 + 4·4 + q·8/3 = 116 + 5.3333; Ppv = 2·4 + q·4/2 = 12; Pvv = 4 + q·2 = 8
    expect(f.P[0]).toBeCloseTo(116 + 16 / 3, 10);
    expect(f.P[3]).toBeCloseTo(12, 10);
    expect(f.P[18]).toBeCloseTo(12, 10);
    expect(f.P[21]).toBeCloseTo(8, 10);
    expect(f.P[1]).toBe(0);
  });

  it('updates like the scalar Kalman filter on range, azimuth and elevation of a target due north', () => {
    const f = new CvEkf(site, 1);
    const P = new Float64Array(36);
    const sp = [400, 900, 250];
    for (let i = 0; i < 3; i++) {
      P[i * 6 + i] = sp[i]!;
      P[(i + 3) * 6 + i + 3] = 25;
    }
    const r = 6000;
    f.init([0, r, 0], [0, 0, 0], P, 0);
    const sig = { range: 10, az: 2e-3, el: 3e-3 };
    // measurement: 20 m further, 1.5 mrad east, 1 mrad up
    const z = { range: r + 20, az: 1.5e-3, el: 1e-3 };
    const res = f.update(z, radar, sig);
    // hand-worked: north ← range (σ 10 m), east ← r·az (σ r·σaz = 12 m), up ← r·el (σ 18 m)
    const kn = 900 / (900 + 100);
    const se = (r * sig.az) ** 2;
    const ke = 400 / (400 + se);
    const su = (r * sig.el) ** 2;
    const ku = 250 / (250 + su);
    expect(f.x[1]).toBeCloseTo(r + kn * 20, 3);
    expect(f.x[0]).toBeCloseTo(ke * r * 1.5e-3, 2);
    expect(f.x[2]).toBeCloseTo(ku * r * 1e-3, 2);
    expect(f.P[7]).toBeCloseTo(900 * (1 - kn), 2);
    expect(f.P[0]).toBeCloseTo(400 * (1 - ke), 1);
    expect(f.P[14]).toBeCloseTo(250 * (1 - ku), 1);
    // NIS by hand: Σ ν²/S per axis
    const nis = 20 ** 2 / 1000 + (r * 1.5e-3) ** 2 / (400 + se) + (r * 1e-3) ** 2 / (250 + su);
    expect(res.nis).toBeCloseTo(nis, 3);
    expect(res.dof).toBe(3);
    // the likelihood is the Gaussian density of the innovation
    const logDet = Math.log(1000) + Math.log((400 + se) / (r * r)) + Math.log((250 + su) / (r * r));
    expect(res.logLik).toBeCloseTo(-0.5 * (nis + logDet + 3 * Math.log(2 * Math.PI)), 3);
  });
});
