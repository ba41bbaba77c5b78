/**
 * The `datum` command. Each subcommand lives in ./commands and has --help; machine-readable
 * output with --json.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from './command';
import { runCli } from './run';
import type { CommandName } from './summaries';

/**
 * How to load every command of the table in ./summaries.ts (typed by its names: a command missing
 * here, or one not in the table, does not compile). Commands are loaded on demand (each is its own
 * chunk in dist/main): `datum inspect` does not load the server, sharp or ONNX Runtime unless the
 * file needs them. Cold start is a product figure (issue #19: `npm run bench cold`), so keep heavy
 * imports out of this file. `bin/datum.js` reaches this module only for the commands the CommonJS
 * launcher (./launch.ts) does not answer itself.
 */
export const loaders: Record<CommandName, () => Promise<Command>> = {
  serve: async () => (await import('./commands/serve')).serve,
  demo: async () => (await import('./commands/demo')).demo,
  inspect: async () => (await import('./commands/inspect')).inspect,
  import: async () => (await import('./commands/exchange')).importCommand,
  export: async () => (await import('./commands/exchange')).exportCommand,
  models: async () => (await import('./commands/models')).models,
  propose3d: async () => (await import('./commands/models')).propose3d,
  prelabel: async () => (await import('./commands/models')).prelabel,
  train: async () => (await import('./commands/train')).train,
  team: async () => (await import('./commands/team')).team,
  package: async () => (await import('./commands/package')).packageCommand,
  qa: async () => (await import('./commands/qa')).qa,
  project: async () => (await import('./commands/project')).project,
};

export { helpText } from './summaries';

export function main(argv: string[]): Promise<number> {
  return runCli(argv, (name) => loaders[name]());
}

// Entry point when run as the bundled CLI.
if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
