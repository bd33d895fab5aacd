/**
 * Golden-section search for the maximum of a unimodal function on [a, b]. One routine for every caller
 * (maximum range over elevation, apogee inside an integration step); `done` says when the bracket is small
 * enough, by its width or by the iteration count. Returns the final bracket with its two interior points.
 */
export interface GoldenBracket {
  a: number;
  b: number;
  c: number;
  fc: number;
  d: number;
  fd: number;
}

const R = (Math.sqrt(5) - 1) / 2;

export function goldenSectionMax(f: (x: number) => number, a: number, b: number, done: (a: number, b: number, iteration: number) => boolean): GoldenBracket {
  let c = b - R * (b - a);
  let d = a + R * (b - a);
  let fc = f(c);
  let fd = f(d);
  for (let i = 0; !done(a, b, i); i++) {
    if (fc > fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - R * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + R * (b - a);
      fd = f(d);
    }
  }
  return { a, b, c, fc, d, fd };
}
