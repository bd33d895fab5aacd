import type { Command } from 'commander';

/** `tocsin trajectory` — filled in by the physics work. */
export function register(program: Command): void {
  program.command('trajectory').description('fly one threat from the catalogue (not yet implemented)');
}
