#!/usr/bin/env node
// The `datum` command: runs the bundled CLI built by `npm run build` (npm install does it).
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const cli = path.join(here, '..', 'dist', 'main', 'cli.js');
if (!existsSync(cli)) {
  console.error('datum: the app is not built yet; run "npm run build" in ' + path.dirname(here));
  process.exit(1);
}
const { main } = await import(pathToFileURL(cli).href);
process.exitCode = await main(process.argv.slice(2));
