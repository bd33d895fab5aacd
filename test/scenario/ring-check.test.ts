import { describe, expect, it } from 'vitest';
import { ringProblem, signedArea } from '../../src/scenario/ring-check.js';

const square = [[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]];

describe('ringProblem', () => {
  it('accepts simple closed rings, convex or not, either winding', () => {
    expect(ringProblem(square)).toBeUndefined();
    expect(ringProblem([...square].reverse())).toBeUndefined();
    expect(ringProblem([[0, 0], [1, 0], [0, 1], [0, 0]])).toBeUndefined(); // a triangle: 4 positions
    // an L shape (concave)
    expect(ringProblem([[0, 0], [2, 0], [2, 1], [1, 1], [1, 2], [0, 2], [0, 0]])).toBeUndefined();
  });

  it('refuses rings with fewer than 4 positions', () => {
    expect(ringProblem([[0, 0], [1, 0], [0, 0]])?.message).toMatch(/at least 4 positions.*got 3/);
  });

  it('refuses an open ring and points at its last position', () => {
    expect(ringProblem([[0, 0], [1, 0], [1, 1], [0, 1], [0, 0.5]])).toEqual({ index: 4, message: expect.stringMatching(/not closed/) });
  });

  it('refuses a bow tie, a ring touching itself, a spike and a repeated position', () => {
    expect(ringProblem([[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]])?.message).toMatch(/self-intersecting/);
    // a ring pinched at one point: the vertex (1, 0) lies on the first edge
    expect(ringProblem([[0, 0], [2, 0], [2, 2], [1, 0], [0, 2], [0, 0]])?.message).toMatch(/self-intersecting/);
    expect(ringProblem([[0, 0], [2, 0], [1, 0], [1, 1], [0, 0]])?.message).toMatch(/folds back/);
    expect(ringProblem([[0, 0], [1, 0], [1, 0], [1, 1], [0, 0]])?.message).toMatch(/repeats position 1 at 2/);
  });

  it('refuses a ring of collinear points', () => {
    expect(ringProblem([[0, 0], [1, 0], [2, 0], [0, 0]])).toBeDefined();
  });
});

describe('signedArea', () => {
  it('is twice the area, positive counter-clockwise', () => {
    expect(signedArea(square)).toBe(2);
    expect(signedArea([...square].reverse())).toBe(-2);
  });
});
