/**
 * The `tocsin` command. One file per sub-command; each exports `register(program)`.
 * Exit codes: 0 success, 1 runtime failure, 2 bad usage or bad input.
 */
import { Command, CommanderError } from 'commander';
import { InputError } from '../core/errors.js';
import { register as registerTrajectory } from './trajectory.js';
import { register as registerSimulate } from './simulate.js';
import { register as registerProcess } from './process.js';
import { register as registerPlan } from './plan.js';
import { register as registerReplay } from './replay.js';
import { register as registerServe } from './serve.js';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('tocsin')
    .description('Rocket, artillery and mortar sense-and-warn: simulate, track, predict, warn, engage, report.')
    .version('0.1.0')
    .exitOverride()
    .configureOutput({ outputError: (str, write) => write(str) });
  registerTrajectory(program);
  registerSimulate(program);
  registerProcess(program);
  registerPlan(program);
  registerReplay(program);
  registerServe(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
      return 2;
    }
    if (err instanceof InputError) {
      process.stderr.write(`tocsin: ${err.format()}\n`);
      return 2;
    }
    process.stderr.write(`tocsin: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return 1;
  }
}

