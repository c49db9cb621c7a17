#!/usr/bin/env node
// Entry point of the `canvas-kaltura` command: runs the compiled CLI.
import module from 'node:module';

// Node >= 22.1 keeps V8's compiled code of the modules it loads on disk (os.tmpdir()/node-compile-cache,
// or NODE_COMPILE_CACHE; NODE_DISABLE_COMPILE_CACHE=1 turns it off), so later runs start faster.
// Node 20 has no such cache: the call is skipped. It must run before the CLI is imported.
module.enableCompileCache?.();
const { main } = await import('../dist/cli/main.js');

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err) => { console.error(err instanceof Error ? err.message : String(err)); process.exitCode = 1; },
);
