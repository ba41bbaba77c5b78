/**
 * The `datum` command. Each subcommand lives in ./commands and has --help; machine-readable
 * output with --json.
 */
import { parseArgs } from 'node:util';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { VERSION } from '../version';
import { DatumError } from '../rpc/errors';
import type { Command } from './command';

/**
 * Every command, its one-line summary and how to load it. Commands are loaded on demand (each is
 * its own chunk in dist/main): `datum --help` loads none of them, `datum inspect` does not load
 * the server, sharp or ONNX Runtime unless the file needs them. Cold start is a product figure
 * (issue #19: `npm run bench cli`), so keep heavy imports out of this file.
 */
interface Entry {
  summary: string;
  load: () => Promise<Command>;
}

const commands: Record<string, Entry> = {
  serve: { summary: 'serve the app and its services over HTTP + WebSocket (headless host)', load: async () => (await import('./commands/serve')).serve },
  demo: { summary: 'write the demo project (images, an image sequence, a LiDAR sequence with camera) into a folder', load: async () => (await import('./commands/demo')).demo },
  inspect: { summary: 'print the basic properties of a file or folder (point cloud, image, video, DICOM, NIfTI)', load: async () => (await import('./commands/inspect')).inspect },
  import: { summary: 'import annotations in a known format into a project', load: async () => (await import('./commands/exchange')).importCommand },
  export: { summary: "export a project's annotations in a known format", load: async () => (await import('./commands/exchange')).exportCommand },
  models: { summary: 'the model library: list models and their execution provider, import an ONNX model, run one on a file; trained versions: list, promote, roll back', load: async () => (await import('./commands/models')).models },
  propose3d: { summary: 'built-in 3D box proposals for a point cloud (ground removal, clustering, box fitting, size priors)', load: async () => (await import('./commands/models')).propose3d },
  prelabel: {
    summary:
      "pre-label a project's images (2D models) or point clouds (proposals3d, pointpillars) with a model (resumable: 2D models skip items already pre-labelled by them; 3D models add only boxes the document does not know, so rejected ones never come back)",
    load: async () => (await import('./commands/models')).prelabel,
  },
  train: {
    summary: "train a new model version from a project's reviewed labels (local, command or ssh back end) and promote it when it is better",
    load: async () => (await import('./commands/train')).train,
  },
  team: { summary: 'accounts of a team server: add, list, set roles, disable (datum serve --accounts)', load: async () => (await import('./commands/team')).team },
  package: {
    summary: 'task packages for machines that are never connected: export a batch (a job, items or a filter), import it as a project, merge the work back (verified by sha256)',
    load: async () => (await import('./commands/package')).packageCommand,
  },
  qa: { summary: "check a project's annotations (sizes, duplicates, tracks, attributes, points, predictions)", load: async () => (await import('./commands/qa')).qa },
  project: {
    summary: 'project-wide operations: migrate <folder> --to postgres://... moves documents, ontology, settings and records to a team database (and back with --to <folder>), losslessly',
    load: async () => (await import('./commands/project')).project,
  },
};

function helpText(): string {
  const lines = [`datum ${VERSION} — offline-first annotation workstation`, '', 'Usage: datum <command> [options]', '', 'Commands:'];
  for (const [name, c] of Object.entries(commands)) lines.push(`  ${name.padEnd(10)} ${c.summary}`);
  lines.push('', 'Run "datum <command> --help" for a command\'s options.');
  return lines.join('\n') + '\n';
}

function commandHelp(summary: string, c: Command): string {
  const lines = [`Usage: ${c.usage}`, '', summary, '', 'Options:'];
  for (const [k, o] of Object.entries(c.options)) lines.push(`  --${k}${o.type === 'string' ? ' <value>' : ''}`.padEnd(24) + o.description);
  lines.push('  --help'.padEnd(24) + 'show this help');
  return lines.join('\n') + '\n';
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(helpText());
    return 0;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const entry = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!entry) {
    process.stderr.write(`datum: unknown command "${name}"\n\n${helpText()}`);
    return 2;
  }
  const cmd = await entry.load();
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({
      args: rest,
      options: { ...cmd.options, help: { type: 'boolean', short: 'h' } } as NonNullable<Parameters<typeof parseArgs>[0]>['options'],
      allowPositionals: true,
      strict: true,
    }) as { values: Record<string, unknown>; positionals: string[] };
  } catch (err) {
    process.stderr.write(`datum ${name}: ${(err as Error).message}\n\n${commandHelp(entry.summary, cmd)}`);
    return 2;
  }
  if (parsed.values.help) {
    process.stdout.write(commandHelp(entry.summary, cmd));
    return 0;
  }
  try {
    return await cmd.run(parsed);
  } catch (err) {
    const code = err instanceof DatumError ? err.code : 'INTERNAL';
    const message = err instanceof Error ? err.message : String(err);
    if (parsed.values.json) process.stdout.write(JSON.stringify({ error: { code, message } }) + '\n');
    process.stderr.write(`datum ${name}: ${message}\n`);
    return 1;
  }
}

// Entry point when run as the bundled CLI.
if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
