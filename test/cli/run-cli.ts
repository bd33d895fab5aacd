/** Run the `tocsin` command in-process, as tests of its sub-commands do. */
import { main } from '../../src/cli/program.js';

export interface CliResult {
  code: number;
  out: string;
  err: string;
}

/** `tocsin …args` through `main`, capturing stdout and stderr; both are restored afterwards, even on a throw. */
export async function runCli(args: string[]): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const wo = process.stdout.write.bind(process.stdout);
  const we = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((s: string | Uint8Array) => (out.push(String(s)), true)) as typeof process.stdout.write;
  process.stderr.write = ((s: string | Uint8Array) => (err.push(String(s)), true)) as typeof process.stderr.write;
  try {
    const code = await main(['node', 'tocsin', ...args]);
    return { code, out: out.join(''), err: err.join('') };
  } finally {
    process.stdout.write = wo;
    process.stderr.write = we;
  }
}
