import { describe, expect, it } from 'vitest';
import { G7, dragCoefficient, dragTable } from '../../src/physics/drag.js';

describe('drag coefficient', () => {
  it('returns the G7 table values at its nodes (domain.md §1)', () => {
    const nodes: Array<[number, number]> = [[0, 0.1198], [0.9, 0.1464], [1.0, 0.3803], [1.05, 0.4043], [2.0, 0.298], [5.0, 0.1618]];
    for (const [m, cd] of nodes) expect(dragCoefficient(G7, m)).toBeCloseTo(cd, 12);
  });

  it('interpolates linearly between nodes (hand-computed midpoints)', () => {
    expect(dragCoefficient(G7, 0.9625)).toBeCloseTo((0.2054 + 0.2993) / 2, 12);
    expect(dragCoefficient(G7, 1.4)).toBeCloseTo((0.3732 + 0.344) / 2, 12);
    // a quarter of the way from 3.0 to 4.0
    expect(dragCoefficient(G7, 3.25)).toBeCloseTo(0.2424 + 0.25 * (0.1935 - 0.2424), 12);
  });

  it('clamps outside the table and handles NaN', () => {
    expect(dragCoefficient(G7, -1)).toBe(0.1198);
    expect(dragCoefficient(G7, 7)).toBe(0.1618);
    expect(dragCoefficient(G7, NaN)).toBe(0.1198);
  });

  it('rejects a table whose Mach does not increase', () => {
    expect(() => dragTable('bad', [[0, 0.1], [0, 0.2]])).toThrow(/Mach must increase/);
  });
});
