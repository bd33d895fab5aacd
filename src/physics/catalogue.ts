/**
 * The threat catalogue: default physical figures for each threat type (domain.md §1). Every figure is a
 * default that a site or scenario file can override through `threatSpec(type, overrides)`.
 *
 * Tags as in domain.md: [S] public source, [U] commonly stated, [A] modelling assumption, [C] computed here.
 * Form factors and rocket exhaust speeds are [C]: calibrated with `calibrate.ts` so that the model reproduces
 * the published maximum range and burnout speed (see docs/physics.md for the table and how to recompute).
 */
import { InputError } from '../core/errors.js';
import { DRAG_TABLES, G7, type DragTable } from './drag.js';
import { THREAT_TYPES, isThreatType, type ThreatType } from './threat-types.js';

export interface ThreatSpec {
  type: ThreatType;
  name: string;
  /** reference diameter (m); the drag reference area is π·d²/4 */
  calibreM: number;
  /** launch mass (kg), propellant included for rockets */
  massKg: number;
  /** rockets: mass after the motor burns out (kg); absent for mortars */
  burnoutMassKg?: number;
  /** rockets: motor burn time (s), constant mass flow over it */
  burnTime?: number;
  /** rockets: effective exhaust speed vₑ (m/s); thrust T = ṁ·vₑ */
  exhaustSpeed?: number;
  /** rockets: length of launch rail / tube (m) that holds the direction until the rocket leaves it */
  railLength?: number;
  /** published burnout speed (m/s) the exhaust speed is calibrated to (reference only) */
  burnoutSpeedRef?: number;
  /** speed when free flight starts (m/s): muzzle speed for mortars, 0 for rockets (they start on the rail) */
  launchSpeed: number;
  /** i in Cd = i·Cd_table(M) */
  formFactor: number;
  dragTable: DragTable;
  /** published range limits (m) */
  minRangeM: number;
  maxRangeM: number;
  /** elevation limits of the launcher (degrees) */
  elevationDeg: { min: number; max: number };
}

export const THREAT_CATALOGUE: Record<ThreatType, ThreatSpec> = {
  'rocket-122': {
    type: 'rocket-122',
    name: '122 mm rocket (9M22U, Grad/"Katyusha")',
    calibreM: 0.122,
    massKg: 66.0, // [S/U]
    burnoutMassKg: 66.0 - 20.45, // propellant 20.45 kg [S]
    burnTime: 1.88, // [S]
    exhaustSpeed: 1942.3, // [C] → burnout 690 m/s at 45°
    railLength: 3.0, // [A] tube of a BM-21 (≈3 m)
    burnoutSpeedRef: 690, // [U]
    launchSpeed: 0,
    formFactor: 1.4799, // [C] → max 20.4 km at 49°
    dragTable: G7,
    minRangeM: 1600, // [S]
    maxRangeM: 20400, // [S]
    elevationDeg: { min: 5, max: 60 }, // [A] improvised and truck launchers
  },
  'rocket-107': {
    type: 'rocket-107',
    name: '107 mm rocket (Type 63 family)',
    calibreM: 0.107,
    massKg: 19.0, // [S]
    burnoutMassKg: 19.0 - 3.4, // propellant 3.4 kg [A]
    burnTime: 0.7, // [A]
    exhaustSpeed: 1997.4, // [C] → burnout 385 m/s at 45°
    railLength: 0.84, // [A] launch tube length
    burnoutSpeedRef: 385, // [U]
    launchSpeed: 0,
    formFactor: 1.5776, // [C] → max 8.3 km at 45°
    dragTable: G7,
    minRangeM: 1000, // [A]
    maxRangeM: 8300, // [S/U] 8.0–8.5 km
    elevationDeg: { min: 5, max: 60 },
  },
  'mortar-60': {
    type: 'mortar-60',
    name: '60 mm mortar bomb',
    calibreM: 0.06,
    massKg: 1.7, // [U]
    launchSpeed: 225, // [A]
    formFactor: 1.1167, // [C] → max 3.5 km at 45°
    dragTable: G7,
    minRangeM: 70, // [S]
    maxRangeM: 3500, // [S]
    elevationDeg: { min: 45, max: 85 }, // [S] high angle
  },
  'mortar-81': {
    type: 'mortar-81',
    name: '81 mm mortar bomb',
    calibreM: 0.081,
    massKg: 4.1, // [S] 3.4–4.5
    launchSpeed: 300, // [C] within 210–320 m/s
    formFactor: 0.9998, // [C] → max 5.9 km at 45°
    dragTable: G7,
    minRangeM: 80, // [A]
    maxRangeM: 5900, // [S]
    elevationDeg: { min: 45, max: 85 },
  },
  'mortar-82': {
    type: 'mortar-82',
    name: '82 mm mortar bomb',
    calibreM: 0.082,
    massKg: 3.1, // [S/U] domain.md table
    launchSpeed: 211, // [S] ≈210 m/s
    formFactor: 1.2826, // [C] → max 3.04 km at 45°
    dragTable: G7,
    minRangeM: 85, // [A]
    maxRangeM: 3040, // [S] ≈3.04 km
    elevationDeg: { min: 45, max: 85 },
  },
  'mortar-120': {
    type: 'mortar-120',
    name: '120 mm mortar bomb',
    calibreM: 0.12,
    massKg: 16.0, // [U]
    launchSpeed: 325, // [A]
    formFactor: 1.3483, // [C] → max 7.1 km at 45°
    dragTable: G7,
    minRangeM: 500, // [A]
    maxRangeM: 7100, // [S]
    elevationDeg: { min: 45, max: 85 },
  },
};

/** Overrides as they come from a file: the drag table may be named. */
export type ThreatOverrides = Partial<Omit<ThreatSpec, 'type' | 'dragTable'>> & { dragTable?: DragTable | string };

/** The catalogue entry for a type, with overrides applied and checked. Unknown type → InputError. */
export function threatSpec(type: string, overrides: ThreatOverrides = {}): ThreatSpec {
  if (!isThreatType(type)) {
    throw new InputError(`unknown threat type "${type}" (valid: ${THREAT_TYPES.join(', ')})`, undefined, undefined, 'type');
  }
  const base = THREAT_CATALOGUE[type];
  const { dragTable: dt, ...rest } = overrides;
  let dragTable = base.dragTable;
  if (typeof dt === 'string') {
    const t = DRAG_TABLES[dt];
    if (!t) throw new InputError(`unknown drag table "${dt}" (valid: ${Object.keys(DRAG_TABLES).join(', ')})`, undefined, undefined, 'dragTable');
    dragTable = t;
  } else if (dt) dragTable = dt;
  const spec: ThreatSpec = { ...base, ...rest, elevationDeg: { ...base.elevationDeg, ...rest.elevationDeg }, dragTable };
  validateSpec(spec);
  return spec;
}

/** Physical sanity of a spec; throws InputError naming the field. */
export function validateSpec(s: ThreatSpec): void {
  const bad = (field: string, why: string): never => {
    throw new InputError(`${s.type}: ${field} ${why}`, undefined, undefined, field);
  };
  const positive = (field: keyof ThreatSpec, v: number | undefined) => {
    if (v !== undefined && !(Number.isFinite(v) && v > 0)) bad(field, `must be a positive number (got ${v})`);
  };
  positive('calibreM', s.calibreM);
  positive('massKg', s.massKg);
  positive('formFactor', s.formFactor);
  positive('burnTime', s.burnTime);
  positive('exhaustSpeed', s.exhaustSpeed);
  if (!(Number.isFinite(s.launchSpeed) && s.launchSpeed >= 0)) bad('launchSpeed', `must be ≥ 0 (got ${s.launchSpeed})`);
  if (s.burnoutMassKg !== undefined && !(s.burnoutMassKg > 0 && s.burnoutMassKg <= s.massKg)) {
    bad('burnoutMassKg', `must be in (0, massKg] (got ${s.burnoutMassKg})`);
  }
  const boost = [s.burnoutMassKg, s.burnTime, s.exhaustSpeed].filter((v) => v !== undefined).length;
  if (boost !== 0 && boost !== 3) bad('burnTime', 'a rocket needs burnoutMassKg, burnTime and exhaustSpeed together');
  if (boost === 0 && s.launchSpeed <= 0) bad('launchSpeed', 'must be positive for an unpowered round');
  const { min, max } = s.elevationDeg;
  if (!(min > 0 && max < 90 && min <= max)) bad('elevationDeg', `must satisfy 0 < min ≤ max < 90 (got ${min}..${max})`);
}

/** True when the spec has a rocket motor. */
export function isRocket(s: ThreatSpec): boolean {
  return s.burnTime !== undefined && s.burnTime > 0 && s.exhaustSpeed !== undefined && s.burnoutMassKg !== undefined;
}
