/**
 * The CommonJS launcher, dist/main/cli.cjs, that `bin/datum.js` requires. A fresh `datum` process
 * spends most of its start in Node 20's ES module loader (~1-2 ms per module file and a fixed
 * cost for the first one; see docs/performance.md), so the cheap, frequent cases never enter it:
 * `--help`, `--version` and unknown commands are answered here from the command table
 * (./summaries.ts, bundled in at build time), and `inspect` runs from its own self-contained
 * CommonJS bundle (./inspectMain.ts -> dist/main/cli-inspect.cjs). Every other command goes to the
 * ES module CLI (dist/main/cli.js, split in chunks), exactly as before.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { useDirectWrites } from './output';
import { answerWithoutCommand } from './run';

/** Commands with a self-contained CommonJS bundle beside this one (scripts/build-main.mjs builds them). */
export const OWN_BUNDLES: Partial<Record<string, string>> = { inspect: 'cli-inspect.cjs' };

export function main(argv: string[]): Promise<number> {
  useDirectWrites(); // this process's own output (see ./output.ts); the ES module CLI keeps its streams
  const answered = answerWithoutCommand(argv);
  if (answered !== undefined) return Promise.resolve(answered);
  const own = OWN_BUNDLES[argv[0]];
  // A run-time path: esbuild leaves both loads to Node, the bundles stay separate files.
  if (own) return (require(path.join(__dirname, own)) as typeof import('./inspectMain')).main(argv);
  return (import(pathToFileURL(path.join(__dirname, 'cli.js')).href) as Promise<typeof import('./index')>).then((cli) => cli.main(argv));
}
