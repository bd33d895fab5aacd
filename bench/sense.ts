/**
 * Radar model throughput: one radar, 300 ballistic (drag-free, closed-form) targets over 60 s with clutter,
 * scanned in 0.5 s windows as the simulation does. Prints looks and plots per second, with and without
 * CAT048 quantisation (the height → elevation inversion is the costly part of quantising).
 */
import { Rng } from '../src/core/rng.js';
import { EnuFrame } from '../src/geo/wgs84.js';
import type { Plot } from '../src/sense/plot.js';
import { RadarModel } from '../src/sense/radar.js';
import { radarConfigSchema } from '../src/sense/radar-config.js';
import type { TruthTarget } from '../src/sense/truth-target.js';

const SITE = { lat: 33.3, lon: 44.395, alt: 34 };

function salvo(frame: EnuFrame, n: number, epoch: number): TruthTarget[] {
  const rng = new Rng(1, 'bench-salvo');
  const targets: TruthTarget[] = [];
  for (let i = 0; i < n; i++) {
    // launched 4–9 km away towards the radar at 45–60°, 200–300 m/s, staggered over 20 s
    const brg = rng.range(0, 2 * Math.PI);
    const dist = rng.range(4000, 9000);
    const speed = rng.range(200, 300);
    const elev = rng.range(0.78, 1.05);
    const t0 = epoch + rng.range(0, 20);
    const p0 = [dist * Math.sin(brg), dist * Math.cos(brg), 0];
    const v0 = [-speed * Math.cos(elev) * Math.sin(brg), -speed * Math.cos(elev) * Math.cos(brg), speed * Math.sin(elev)];
    const tof = (2 * v0[2]!) / 9.81;
    const p = new Float64Array(3);
    const v = new Float64Array(3);
    targets.push({
      id: `threat-${i}`,
      tStart: t0,
      tEnd: t0 + tof,
      stateAt(t: number, out: Float64Array): boolean {
        const dt = t - t0;
        if (dt < 0 || dt > tof) return false;
        frame.enuToEcef(p0[0]! + v0[0]! * dt, p0[1]! + v0[1]! * dt, v0[2]! * dt - 4.905 * dt * dt, p);
        frame.vecEnuToEcef(v0[0]!, v0[1]!, v0[2]! - 9.81 * dt, v);
        out[0] = p[0]!;
        out[1] = p[1]!;
        out[2] = p[2]!;
        out[3] = v[0]!;
        out[4] = v[1]!;
        out[5] = v[2]!;
        return true;
      },
    });
  }
  return targets;
}

function once(quantise: boolean, targets: TruthTarget[], epoch: number): { plots: number; clutter: number; ms: number } {
  const cfg = radarConfigSchema.parse({
    id: 'lcmr-1', sac: 25, sic: 1, ...SITE, rangeSigma: 10, azSigmaMrad: 3, elSigmaMrad: 3,
    period: 1, maxRange: 12000, clutterPerScan: 5,
  });
  const radar = new RadarModel(cfg, new Rng(7), epoch, { quantise });
  const out: Plot[] = [];
  const t = performance.now();
  for (let w = 0; w < 120; w++) radar.scan(epoch + w * 0.5, epoch + (w + 1) * 0.5, targets, out);
  const ms = performance.now() - t;
  return { plots: out.length, clutter: out.filter((p) => p.truthId!.startsWith('clutter:')).length, ms };
}

export async function bench(): Promise<void> {
  const epoch = 1_577_836_800;
  const frame = new EnuFrame(SITE);
  const targets = salvo(frame, 300, epoch);
  for (const quantise of [true, false]) {
    once(quantise, targets, epoch); // warm-up
    let best = Infinity;
    let res = { plots: 0, clutter: 0, ms: 0 };
    for (let i = 0; i < 5; i++) {
      res = once(quantise, targets, epoch);
      best = Math.min(best, res.ms);
    }
    console.log(
      `radar 1×300 targets, 60 s, 0.5 s windows, quantise=${quantise}: ${res.plots} plots (${res.clutter} clutter) in ` +
        `${best.toFixed(1)} ms → ${Math.round((res.plots / best) * 1000).toLocaleString('en')} plots/s, ` +
        `${((60 / best) * 1000).toFixed(0)}× real time`,
    );
  }
}
