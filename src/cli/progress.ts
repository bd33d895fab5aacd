/**
 * Progress for long work: a bar on a TTY (stderr), periodic lines otherwise. Nothing goes to stdout, so
 * `--json` output and pipes stay clean.
 */
import cliProgress from 'cli-progress';

export interface Progress {
  update(fraction: number): void;
  stop(): void;
}

export function startProgress(label: string, opts: { stream?: NodeJS.WriteStream; everySeconds?: number; quiet?: boolean } = {}): Progress {
  const stream = opts.stream ?? process.stderr;
  if (opts.quiet) return { update: () => {}, stop: () => {} };
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      { format: `${label} [{bar}] {percentage}% | {duration_formatted} elapsed | ETA {eta_formatted}`, stream, hideCursor: true, clearOnComplete: true },
      cliProgress.Presets.shades_classic,
    );
    bar.start(1000, 0);
    return { update: (f) => bar.update(Math.round(f * 1000)), stop: () => bar.stop() };
  }
  const every = (opts.everySeconds ?? 5) * 1000;
  const t0 = Date.now();
  let last = t0;
  return {
    update(f) {
      const now = Date.now();
      if (now - last >= every) {
        last = now;
        stream.write(`${label}: ${(f * 100).toFixed(0)}% after ${((now - t0) / 1000).toFixed(0)} s\n`);
      }
    },
    stop() {
      if (Date.now() - t0 >= every) stream.write(`${label}: done in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
    },
  };
}
