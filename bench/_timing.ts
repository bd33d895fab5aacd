/**
 * The one timing loop the micro-benchmarks share: a warm-up call, then calls until at least `minSeconds` and
 * three calls have passed. (run.ts skips modules whose name starts with `_`.)
 */
export function timeRepeated(fn: () => void, minSeconds = 1): { reps: number; seconds: number } {
  fn(); // warm-up
  let reps = 0;
  const t0 = process.hrtime.bigint();
  let seconds = 0;
  while (seconds < minSeconds || reps < 3) {
    fn();
    reps++;
    seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  }
  return { reps, seconds };
}
