/** `canvas-kaltura ks …`: generate and inspect Kaltura Sessions. (placeholder, filled by the KS toolkit work) */
import type { Command } from 'commander';
import type { CliIo } from './main.js';

/** Adds the `ks` command group. */
export function registerKsCommands(program: Command, _io: CliIo): void {
  program.command('ks').description('Kaltura Session tools');
}
