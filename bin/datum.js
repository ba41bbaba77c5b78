#!/usr/bin/env node
// The `datum` command: runs the CLI built by `npm run build` (npm install does it).
// CommonJS on purpose (bin/package.json): a CommonJS entry starts without Node's ES module loader,
// which costs a fresh process more than Datum's own code does (docs/performance.md, issue #19).
// dist/main/cli.cjs answers --help/--version and `inspect` itself and hands every other command
// to the ES module CLI, dist/main/cli.js.
'use strict';
const { existsSync } = require('node:fs');
const path = require('node:path');

const launcher = path.join(__dirname, '..', 'dist', 'main', 'cli.cjs');
if (!existsSync(launcher)) {
  console.error('datum: the app is not built yet; run "npm run build" in ' + path.dirname(__dirname));
  process.exit(1);
}
require(launcher)
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
