import type { Command } from 'commander';

/** `tocsin simulate` — filled in by the simulation work. */
export function register(program: Command): void {
  program.command('simulate').description('run a scenario (not yet implemented)');
}
