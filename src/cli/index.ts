#!/usr/bin/env node
/** Entry point of the `tocsin` command; everything else is in program.ts so tests can drive it in-process. */
import { main } from './program.js';

main(process.argv).then((code) => {
  process.exitCode = code;
});
