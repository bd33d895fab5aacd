/**
 * How the live service cuts one release of the ingest into the engine's batches. The tracker takes at most one
 * plot per sensor per track in a batch, so a release holding more than a revolution of a radar (plots held
 * while another radar's data was awaited, or a backlog) must not go in as one batch; a sector's release must
 * not be cut either: the second half of a cut sector waits for the first (its alerts included).
 */

/** Batches span at most this many seconds of plot time (the simulator's window; under every radar period in use). */
export const BATCH_SECONDS = 0.5;

export interface BatchSpan {
  /** plots[from, to) */
  from: number;
  to: number;
  /** the engine's `until` for the batch */
  until: number;
}

/**
 * The batches of a time-ordered release ending at `until`: each starts at its first plot and holds the plots
 * less than `span` s after it, with that time as its `until`; the last has the release's `until` and takes
 * every remaining plot, also those after `until` (released per sensor: their sensor's sector closed). A
 * release with no plots is one empty batch (the engine's clock still advances).
 */
export function splitRelease(plots: readonly { t: number }[], until: number, span = BATCH_SECONDS): BatchSpan[] {
  const out: BatchSpan[] = [];
  let i = 0;
  do {
    const end = i < plots.length ? Math.min(until, plots[i]!.t + span) : until;
    let j = i;
    while (j < plots.length && (plots[j]!.t < end || end === until)) j++;
    // (the last batch tells the engine the release's until: every plot up to it is in)
    out.push({ from: i, to: j, until: j === plots.length ? until : end });
    i = j;
  } while (i < plots.length);
  return out;
}
