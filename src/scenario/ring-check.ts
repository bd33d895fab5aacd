/**
 * Checks a polygon ring as GeoJSON requires it (RFC 7946 §3.1.6): at least four positions, closed, and — what
 * a warning zone needs to have one inside — simple (no edge crosses or touches another).
 *
 * Worked in the longitude/latitude plane: over a site of tens of kilometres a straight edge there and on the
 * ground differ by centimetres, far below anything that would turn a crossing into a non-crossing.
 */

/** What is wrong with a ring, and the index of the position to point at. */
export interface RingProblem {
  index: number;
  message: string;
}

type Pt = ArrayLike<number>;

/** The first problem of a ring, or undefined if it is a valid simple closed ring. */
export function ringProblem(ring: ReadonlyArray<Pt>): RingProblem | undefined {
  const n = ring.length;
  if (n < 4) return { index: Math.max(0, n - 1), message: `a polygon ring needs at least 4 positions (first = last), got ${n}` };
  const first = ring[0]!;
  const last = ring[n - 1]!;
  if (first[0] !== last[0] || first[1] !== last[1]) {
    return { index: n - 1, message: `polygon ring is not closed: the last position [${last[0]}, ${last[1]}] differs from the first [${first[0]}, ${first[1]}]` };
  }
  for (let i = 0; i + 1 < n; i++) {
    const a = ring[i]!;
    const b = ring[i + 1]!;
    if (a[0] === b[0] && a[1] === b[1]) return { index: i + 1, message: `polygon ring repeats position ${i} at ${i + 1}` };
  }
  const edges = n - 1;
  for (let i = 0; i < edges; i++) {
    const a = ring[i]!;
    const b = ring[i + 1]!;
    // Adjacent edge: only a fold back along itself (a spike) is a problem.
    const c = ring[(i + 2) % edges]!;
    if (edges > 2 && orient(a, b, c) === 0 && dot(a, b, c) > 0) {
      return { index: (i + 1) % edges, message: `polygon ring folds back on itself at position ${(i + 1) % edges}` };
    }
    for (let j = i + 2; j < edges; j++) {
      if (i === 0 && j === edges - 1) continue; // they share the closing position
      if (segmentsMeet(a, b, ring[j]!, ring[j + 1]!)) {
        return { index: j, message: `polygon ring is self-intersecting: edge ${i}–${i + 1} meets edge ${j}–${j + 1}` };
      }
    }
  }
  if (signedArea(ring) === 0) return { index: 0, message: 'polygon ring encloses no area' };
  return undefined;
}

/** Twice the signed area in the lon/lat plane: > 0 counter-clockwise (the RFC 7946 exterior-ring order). */
export function signedArea(ring: ReadonlyArray<Pt>): number {
  let s = 0;
  for (let i = 0; i + 1 < ring.length; i++) {
    const a = ring[i]!;
    const b = ring[i + 1]!;
    s += a[0]! * b[1]! - b[0]! * a[1]!;
  }
  return s;
}

/** Sign of the turn a → b → c: +1 left, −1 right, 0 collinear. */
function orient(a: Pt, b: Pt, c: Pt): number {
  const v = (b[0]! - a[0]!) * (c[1]! - a[1]!) - (b[1]! - a[1]!) * (c[0]! - a[0]!);
  return v > 0 ? 1 : v < 0 ? -1 : 0;
}

/** (a − b) · (c − b): positive when c lies back along b → a. */
function dot(a: Pt, b: Pt, c: Pt): number {
  return (a[0]! - b[0]!) * (c[0]! - b[0]!) + (a[1]! - b[1]!) * (c[1]! - b[1]!);
}

/** p lies on segment ab, given the three are collinear. */
function onSegment(a: Pt, b: Pt, p: Pt): boolean {
  return (
    Math.min(a[0]!, b[0]!) <= p[0]! && p[0]! <= Math.max(a[0]!, b[0]!) && Math.min(a[1]!, b[1]!) <= p[1]! && p[1]! <= Math.max(a[1]!, b[1]!)
  );
}

/** Closed segments ab and cd share at least one point. */
function segmentsMeet(a: Pt, b: Pt, c: Pt, d: Pt): boolean {
  const o1 = orient(a, b, c);
  const o2 = orient(a, b, d);
  const o3 = orient(c, d, a);
  const o4 = orient(c, d, b);
  if (o1 !== o2 && o3 !== o4) return true;
  return (
    (o1 === 0 && onSegment(a, b, c)) ||
    (o2 === 0 && onSegment(a, b, d)) ||
    (o3 === 0 && onSegment(c, d, a)) ||
    (o4 === 0 && onSegment(c, d, b))
  );
}
