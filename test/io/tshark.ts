/**
 * tshark, the independent ASTERIX decoder the codec is judged by. Tests that need it call `tsharkOrSkip()`:
 * a missing tshark fails the test with a clear message, unless TOCSIN_SKIP_TSHARK=1 (then it is skipped).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const HAVE_TSHARK = spawnSync('tshark', ['--version'], { stdio: 'ignore' }).status === 0;
export const SKIP_TSHARK = !HAVE_TSHARK && process.env.TOCSIN_SKIP_TSHARK === '1';

export function assertTshark(): void {
  if (!HAVE_TSHARK) {
    throw new Error('tshark is not installed: apt-get install -y tshark (or set TOCSIN_SKIP_TSHARK=1 to skip the tshark checks)');
  }
}

const dir = mkdtempSync(join(tmpdir(), 'tocsin-asterix-'));
let n = 0;

/** Writes bytes to a fresh file in a temp dir and returns its path. */
export function tempFile(bytes: Uint8Array, ext = 'pcap'): string {
  const p = join(dir, `f${n++}.${ext}`);
  writeFileSync(p, bytes);
  return p;
}

/**
 * Runs tshark over a capture with `port` decoded as ASTERIX and returns, per packet, per field, the list of
 * occurrences (a datagram with several records gives several values of one field).
 */
export function tsharkFields(file: string, port: number, fields: readonly string[], extra: readonly string[] = []): string[][][] {
  const args = ['-r', file, '-d', `udp.port==${port},asterix`, ...extra, '-T', 'fields', '-E', 'separator=/t', '-E', 'occurrence=a', '-E', 'aggregator=;'];
  for (const f of fields) args.push('-e', f);
  const out = execFileSync('tshark', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return out
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => l.split('\t').map((v) => (v === '' ? [] : v.split(';'))));
}

/** Packets tshark marks malformed (must be none for what we write). */
export function tsharkMalformed(file: string, port: number): string {
  return execFileSync('tshark', ['-r', file, '-d', `udp.port==${port},asterix`, '-Y', '_ws.malformed || _ws.expert.severity >= "warning"'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  }).trim();
}

/** Runs a Wireshark command-line tool, returning stdout. */
export function run(cmd: string, args: readonly string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}
