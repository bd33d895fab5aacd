/**
 * The radar plot: the one detection record every sensor model, decoder and tracker shares.
 * Angles in radians inside the engine (degrees only at the edges); range in metres.
 */
export interface Plot {
  /** measurement time, UTC seconds (the time that counts: I048/140, not the arrival time) */
  t: number;
  /** sensor id from the site file */
  sensorId: string;
  /** ASTERIX system area code and system identification code of the sensor */
  sac: number;
  sic: number;
  /** slant range, m */
  range: number;
  /** azimuth, rad, clockwise from true north at the radar, in [0, 2π) */
  az: number;
  /** elevation above the radar's local tangent plane, rad */
  el: number;
  /** range rate (radial speed), m/s, positive moving away; absent when not measured */
  rangeRate?: number;
  /** simulation only: the truth object that produced the plot ('clutter:…' for clutter). Never read by the tracker. */
  truthId?: string;
}
