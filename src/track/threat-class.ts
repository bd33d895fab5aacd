/**
 * Threat-class estimate of a ballistic track from what the filter learns: the drag parameter κ = i·S/m and
 * the highest speed seen. Each catalogue type predicts a κ (its form factor, reference area and coasting
 * mass) and a speed ceiling (muzzle speed for mortars, burnout speed for rockets). The posterior over the
 * types (uniform prior) names a type when one dominates, else the family (mortar or rocket) when the family
 * does, else nothing: the 120 mm mortar (κ ≈ 9.5e-4) and the 107 mm rocket (9.1e-4) are not separable by
 * drag alone, only by speed.
 */
import { THREAT_CATALOGUE } from '../physics/catalogue.js';
import { THREAT_TYPES, type ThreatType } from '../physics/threat-types.js';

export type ThreatClass = ThreatType | 'rocket' | 'mortar' | 'ballistic';

interface TypeSignature {
  type: ThreatType;
  rocket: boolean;
  kappa: number;
  vMax: number;
}

const SIGNATURES: TypeSignature[] = THREAT_TYPES.map((type) => {
  const s = THREAT_CATALOGUE[type];
  const area = (Math.PI * s.calibreM * s.calibreM) / 4;
  const rocket = s.burnTime !== undefined && s.burnTime > 0;
  return {
    type,
    rocket,
    kappa: (s.formFactor * area) / (s.burnoutMassKg ?? s.massKg),
    vMax: rocket ? (s.burnoutSpeedRef ?? 700) : s.launchSpeed,
  };
});

/** Relative spread of a type's κ in the field (lot-to-lot mass, fuze, drag-law differences): an assumption. */
const KAPPA_SPREAD = 0.2;

export interface ThreatClassEstimate {
  cls: ThreatClass;
  /** posterior of the named class (type or family) */
  p: number;
}

/**
 * kappa, kappaSigma: the filter's estimate and its σ (m²/kg); vMaxSeen: the highest estimated speed over the
 * track's life (m/s).
 */
export function estimateThreatClass(kappa: number, kappaSigma: number, vMaxSeen: number): ThreatClassEstimate {
  const w = new Float64Array(SIGNATURES.length);
  let total = 0;
  SIGNATURES.forEach((sig, i) => {
    const s2 = kappaSigma * kappaSigma + (KAPPA_SPREAD * sig.kappa) ** 2;
    const d = kappa - sig.kappa;
    let l = Math.exp((-0.5 * d * d) / s2) / Math.sqrt(s2);
    // faster than the type can fly (10 % margin for estimation error and hot charges): implausible
    if (vMaxSeen > 1.1 * sig.vMax) l *= 1e-6;
    w[i] = l;
    total += l;
  });
  if (!(total > 0)) return { cls: 'ballistic', p: 0 };
  let best = 0;
  let rocketP = 0;
  for (let i = 0; i < w.length; i++) {
    w[i] = w[i]! / total;
    if (w[i]! > w[best]!) best = i;
    if (SIGNATURES[i]!.rocket) rocketP += w[i]!;
  }
  if (w[best]! >= 0.7) return { cls: SIGNATURES[best]!.type, p: w[best]! };
  if (rocketP >= 0.8) return { cls: 'rocket', p: rocketP };
  if (1 - rocketP >= 0.8) return { cls: 'mortar', p: 1 - rocketP };
  return { cls: 'ballistic', p: Math.max(rocketP, 1 - rocketP) };
}

export function isRocketClass(c: ThreatClass): boolean {
  return c === 'rocket' || c.startsWith('rocket-');
}
