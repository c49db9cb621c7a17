/** Runs the CLI from source (development); the installed command is bin/canvas-kaltura.js. */
import { main } from './main.js';

process.exitCode = await main(process.argv.slice(2));
