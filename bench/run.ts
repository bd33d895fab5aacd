/**
 * `npm run bench`: runs every benchmark module in this folder (each exports `bench()` and prints its own
 * figures) on one core, or only those named on the command line (`npm run bench -- physics sense`).
 */
import { readdirSync } from 'node:fs';
import { dirname, basename } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import os from 'node:os';

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const modules = readdirSync(here)
  .filter((f) => f.endsWith('.js') && f !== 'run.js' && !f.startsWith('_'))
  .map((f) => basename(f, '.js'))
  .filter((name) => wanted.length === 0 || wanted.includes(name))
  .sort();

console.log(`tocsin benchmarks — node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu'}, single thread`);
for (const name of modules) {
  const mod = (await import(pathToFileURL(`${here}/${name}.js`).href)) as { bench?: () => Promise<void> };
  if (typeof mod.bench !== 'function') continue;
  console.log(`\n== ${name} ==`);
  await mod.bench();
}
