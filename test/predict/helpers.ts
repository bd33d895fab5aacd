/** Shared fixtures of the prediction tests: the site frame, truth trajectories flown from site ENU points, their states. */
import { EnuFrame } from '../../src/geo/wgs84.js';
import { threatSpec } from '../../src/physics/catalogue.js';
import { fly, stateAt, type Trajectory } from '../../src/physics/trajectory.js';
import { trueKappa } from '../../src/predict/crlb.js';
import { ballisticRhs, type EkfMet } from '../../src/track/ballistic-ekf.js';

export const NX = 7;
export const SITE = { lat: 33.3, lon: 44.395, alt: 34 };
export const frame = new EnuFrame(SITE);

/** Flies a catalogue type from the site-ENU point (e, n) at height alt (also the terrain). */
export function flyFrom(type: string, e: number, n: number, alt: number, azDeg: number, elDeg: number): Trajectory {
  const g = frame.enuToGeodetic(e, n, 0);
  return fly(threatSpec(type), { lat: g.lat, lon: g.lon, alt }, azDeg, elDeg, { terrainAlt: alt });
}

/** The truth state at tRel s after launch, in the site ENU, with the true κ. */
export function truthState(traj: Trajectory, tRel: number): Float64Array {
  const s = new Float64Array(6);
  if (!stateAt(traj, tRel, s)) throw new Error(`no state at ${tRel}`);
  const p = frame.ecefToEnu(s[0]!, s[1]!, s[2]!);
  const v = frame.vecEcefToEnu(s[3]!, s[4]!, s[5]!);
  return Float64Array.of(p[0]!, p[1]!, p[2]!, v[0]!, v[1]!, v[2]!, trueKappa(traj.spec));
}

/** A diagonal 7×7 covariance from standard deviations. */
export function diagP(sd: number[]): Float64Array {
  const P = new Float64Array(NX * NX);
  sd.forEach((s, i) => (P[i * NX + i] = s * s));
  return P;
}

const K1 = new Float64Array(NX);
const K2 = new Float64Array(NX);
const K3 = new Float64Array(NX);
const K4 = new Float64Array(NX);
const XS = new Float64Array(NX);

/**
 * One classical RK4 step of ballisticRhs (the reference the propagators are checked against): the state h
 * seconds on (h < 0: back) into out (may be x itself); `mid`, when given, receives the first-stage midpoint
 * x + h/2·k1.
 */
export function rk4Reference(x: Float64Array, fr: EnuFrame, h: number, out: Float64Array, met?: EkfMet, mid?: Float64Array): void {
  ballisticRhs(x, fr, K1, met);
  for (let i = 0; i < NX; i++) XS[i] = x[i]! + 0.5 * h * K1[i]!;
  if (mid) mid.set(XS);
  ballisticRhs(XS, fr, K2, met);
  for (let i = 0; i < NX; i++) XS[i] = x[i]! + 0.5 * h * K2[i]!;
  ballisticRhs(XS, fr, K3, met);
  for (let i = 0; i < NX; i++) XS[i] = x[i]! + h * K3[i]!;
  ballisticRhs(XS, fr, K4, met);
  for (let i = 0; i < NX; i++) out[i] = x[i]! + (h / 6) * (K1[i]! + 2 * K2[i]! + 2 * K3[i]! + K4[i]!);
}
