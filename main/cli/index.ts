/**
 * The `datum` command. Each subcommand lives in ./commands and has --help; machine-readable
 * output with --json.
 */
import { parseArgs } from 'node:util';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { VERSION } from '../hostServices';
import { DatumError } from '../rpc/errors';
import type { Command } from './command';
import { serve } from './commands/serve';
import { demo } from './commands/demo';
import { inspect } from './commands/inspect';
import { exportCommand, importCommand } from './commands/exchange';
import { models, prelabel, propose3d } from './commands/models';
import { qa } from './commands/qa';
import { train } from './commands/train';

const commands: Record<string, Command> = {
  serve,
  demo,
  inspect,
  import: importCommand,
  export: exportCommand,
  models,
  propose3d,
  prelabel,
  qa,
  train,
};

function helpText(): string {
  const lines = [`datum ${VERSION} — offline-first annotation workstation`, '', 'Usage: datum <command> [options]', '', 'Commands:'];
  for (const [name, c] of Object.entries(commands)) lines.push(`  ${name.padEnd(10)} ${c.summary}`);
  lines.push('', 'Run "datum <command> --help" for a command\'s options.');
  return lines.join('\n') + '\n';
}

function commandHelp(name: string, c: Command): string {
  const lines = [`Usage: ${c.usage}`, '', c.summary, '', 'Options:'];
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
  const cmd = commands[name];
  if (!cmd) {
    process.stderr.write(`datum: unknown command "${name}"\n\n${helpText()}`);
    return 2;
  }
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({
      args: rest,
      options: { ...cmd.options, help: { type: 'boolean', short: 'h' } } as NonNullable<Parameters<typeof parseArgs>[0]>['options'],
      allowPositionals: true,
      strict: true,
    }) as { values: Record<string, unknown>; positionals: string[] };
  } catch (err) {
    process.stderr.write(`datum ${name}: ${(err as Error).message}\n\n${commandHelp(name, cmd)}`);
    return 2;
  }
  if (parsed.values.help) {
    process.stdout.write(commandHelp(name, cmd));
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
