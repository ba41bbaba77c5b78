/**
 * `datum inspect` as one self-contained CommonJS bundle (dist/main/cli-inspect.cjs): the launcher
 * (./launch.ts) requires this one file instead of entering the ES module loader for the CLI, the
 * inspect command and the reader chunks (5-13 module files). Same code path as the ES module CLI:
 * runCli with the same command object.
 */
import { inspect } from './commands/inspect';
import { useDirectWrites } from './output';
import { runCli } from './run';

export function main(argv: string[]): Promise<number> {
  useDirectWrites();
  return runCli(argv, async (name) => {
    if (name !== 'inspect') throw new Error(`cli-inspect.cjs runs only "inspect", not "${name}"`);
    return inspect;
  });
}
