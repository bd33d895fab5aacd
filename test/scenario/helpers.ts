import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect } from 'vitest';
import geodesic from 'geographiclib-geodesic';
import { InputError } from '../../src/core/errors.js';

/** Runs fn, expects an InputError, and checks where it points. */
export function expectInputError(
  fn: () => unknown,
  want: { file: string; line?: number; field?: string; message: RegExp },
): InputError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught, 'expected an InputError').toBeInstanceOf(InputError);
  const err = caught as InputError;
  expect({ file: err.file, line: err.line, field: err.field }).toEqual({ file: want.file, line: want.line, field: want.field });
  expect(err.message).toMatch(want.message);
  expect(err.format()).toContain(want.line === undefined ? `${want.file}: ` : `${want.file}:${want.line}: `);
  return err;
}

/** Text from 1-based lines, with some lines replaced (a replacement may hold several lines). */
export function withLines(lines: readonly string[], edits: Record<number, string> = {}): string {
  return lines.map((l, i) => (edits[i + 1] !== undefined ? edits[i + 1] : l)).join('\n') + '\n';
}

/** A fresh temporary folder holding the given files. */
export function tempFiles(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'tocsin-scenario-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

/** Even-odd ray casting in the lon/lat plane: an independent point-in-polygon for checks. */
export function insideRing(lon: number, lat: number, ring: ReadonlyArray<readonly number[]>): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]! as [number, number];
    const [xj, yj] = ring[j]! as [number, number];
    if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Published maximum ranges in m, domain.md §1 (restated here, not read from the code under test). */
export const PUBLISHED_MAX_RANGE_M: Readonly<Record<string, number>> = {
  'rocket-122': 20400,
  'rocket-107': 8300,
  'mortar-60': 3500,
  'mortar-81': 5900,
  'mortar-82': 3040,
  'mortar-120': 7100,
};

/** Geodesic distance in m on the WGS84 ellipsoid, by GeographicLib (independent of src/geo). */
export function geodesicDistance(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  return geodesic.Geodesic.WGS84.Inverse(a.lat, a.lon, b.lat, b.lon).s12!;
}
