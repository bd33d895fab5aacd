/**
 * ICAO Standard Atmosphere (ICAO Doc 7488, identical to the US Standard Atmosphere 1976 below 32 km):
 * the troposphere (lapse rate 6.5 K/km up to 11 km geopotential) and the isothermal lower stratosphere above
 * it, so that high apogees do not fall off the table.
 *
 * Heights in are geometric metres above mean sea level (taken as the ellipsoid); the layers are defined in
 * geopotential height, so we convert (H = r₀·z/(r₀ + z)). The difference is 0.08 % at 5 km: small, but the
 * published tables are built that way and we test against them.
 *
 * Temperature offset (the "ISA+ΔT" convention of ballistic and flight-performance tables): the pressure
 * profile stays standard and the temperature is shifted by ΔT, so density = p/(R·(T+ΔT)) and the speed of
 * sound follows T+ΔT. A hot day thins the air at a given height; it does not move the pressure levels.
 */

/** Sea-level standard temperature (K). */
export const ISA_T0 = 288.15;
/** Sea-level standard pressure (Pa). */
export const ISA_P0 = 101325;
/** Specific gas constant of dry air (J/(kg·K)), ICAO value. */
export const ISA_R = 287.05287;
/** Ratio of specific heats of air. */
export const ISA_GAMMA = 1.4;
/** Standard gravity (m/s²), the one the geopotential is defined with. */
export const ISA_G0 = 9.80665;
/** Tropospheric lapse rate (K/m). */
export const ISA_LAPSE = 0.0065;
/** Tropopause geopotential height (m). */
export const ISA_TROPOPAUSE = 11000;
/** Earth radius used by the standard to relate geometric and geopotential heights (m). */
export const ISA_EARTH_RADIUS = 6356766;

const T11 = ISA_T0 - ISA_LAPSE * ISA_TROPOPAUSE; // 216.65 K
const EXPONENT = ISA_G0 / (ISA_R * ISA_LAPSE); // 5.25588
const P11 = ISA_P0 * Math.pow(T11 / ISA_T0, EXPONENT); // 22632.06 Pa
const STRAT_SCALE = ISA_G0 / (ISA_R * T11); // 1/m

export interface AtmosphereState {
  /** K */
  temperature: number;
  /** Pa */
  pressure: number;
  /** kg/m³ */
  density: number;
  /** m/s */
  speedOfSound: number;
}

/** Geopotential height (m) of a geometric height z (m). */
export function geopotentialHeight(z: number): number {
  return (ISA_EARTH_RADIUS * z) / (ISA_EARTH_RADIUS + z);
}

/** Standard temperature (K, without offset) at geopotential height H. */
function stdTemperature(H: number): number {
  return H < ISA_TROPOPAUSE ? ISA_T0 - ISA_LAPSE * H : T11;
}

/** Standard pressure (Pa) at geopotential height H. */
function stdPressure(H: number): number {
  if (H < ISA_TROPOPAUSE) return ISA_P0 * Math.pow((ISA_T0 - ISA_LAPSE * H) / ISA_T0, EXPONENT);
  return P11 * Math.exp(-STRAT_SCALE * (H - ISA_TROPOPAUSE));
}

/** Full atmosphere state at geometric height h (m) with a temperature offset (K). Allocates: use at the edges. */
export function isa(h: number, tempOffsetK = 0): AtmosphereState {
  const H = geopotentialHeight(h);
  const temperature = stdTemperature(H) + tempOffsetK;
  const pressure = stdPressure(H);
  return {
    temperature,
    pressure,
    density: pressure / (ISA_R * temperature),
    speedOfSound: Math.sqrt(ISA_GAMMA * ISA_R * temperature),
  };
}

/** Air density (kg/m³) at geometric height h (m), temperature offset dT (K). Allocation-free. */
export function isaDensity(h: number, dT: number): number {
  const H = geopotentialHeight(h);
  return stdPressure(H) / (ISA_R * (stdTemperature(H) + dT));
}

/** Speed of sound (m/s) at geometric height h (m), temperature offset dT (K). Allocation-free. */
export function isaSpeedOfSound(h: number, dT: number): number {
  return Math.sqrt(ISA_GAMMA * ISA_R * (stdTemperature(geopotentialHeight(h)) + dT));
}

/**
 * Density and speed of sound together into out[0], out[1]: the integrator needs both at every evaluation and
 * this shares the height conversion and temperature between them.
 */
export function isaDensityAndSound(h: number, dT: number, out: Float64Array): void {
  const H = geopotentialHeight(h);
  const T = stdTemperature(H) + dT;
  out[0] = stdPressure(H) / (ISA_R * T);
  out[1] = Math.sqrt(ISA_GAMMA * ISA_R * T);
}
