#!/usr/bin/env node
// Entry point of the `canvas-kaltura` command: runs the compiled CLI.
import { main } from '../dist/cli/main.js';

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err) => { console.error(err instanceof Error ? err.message : String(err)); process.exitCode = 1; },
);
