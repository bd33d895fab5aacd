/**
 * Builds dist/ once before the tests run: the tests that start tocsin as a separate process (the live service
 * killed with SIGKILL, the journal's crash test, the display's end-to-end test) run the compiled JavaScript,
 * and must run the code under test, not a stale build. Type errors do not stop the emit (tsc still writes the
 * JavaScript); they are printed, and `npm run typecheck` / CI's build report them.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

export default function setup(): void {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { encoding: 'utf8' });
  if (r.status !== 0) process.stderr.write(`global-setup: tsc reported errors (JavaScript emitted anyway):\n${r.stdout}${r.stderr}`);
}
