/**
 * What `datum <args>` does, given how to load a command: help, version, unknown commands, option
 * parsing, per-command help and errors. Shared by the ES module CLI (./index.ts, every command)
 * and the CommonJS bundles that answer the cheap, frequent cases without the ES module loader
 * (./launch.ts, ./inspectMain.ts), so every entry behaves alike.
 */
import { parseArgs } from 'node:util';
import { VERSION } from '../version';
import { DatumError } from '../rpc/errors';
import { writeErr, writeOut } from './output';
import type { Command } from './command';
import { SUMMARIES, helpText, isCommand, type CommandName } from './summaries';

function commandHelp(summary: string, c: Command): string {
  const lines = [`Usage: ${c.usage}`, '', summary, '', 'Options:'];
  for (const [k, o] of Object.entries(c.options)) lines.push(`  --${k}${o.type === 'string' ? ' <value>' : ''}`.padEnd(24) + o.description);
  lines.push('  --help'.padEnd(24) + 'show this help');
  return lines.join('\n') + '\n';
}

/** Answers `--help`, `--version` and unknown commands; undefined when argv names a command. */
export function answerWithoutCommand(argv: string[]): number | undefined {
  const name = argv[0];
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    writeOut(helpText());
    return 0;
  }
  if (name === '--version' || name === '-v') {
    writeOut(`${VERSION}\n`);
    return 0;
  }
  if (!isCommand(name)) {
    writeErr(`datum: unknown command "${name}"\n\n${helpText()}`);
    return 2;
  }
  return undefined;
}

export async function runCli(argv: string[], load: (name: CommandName) => Promise<Command>): Promise<number> {
  const answered = answerWithoutCommand(argv);
  if (answered !== undefined) return answered;
  const [name, ...rest] = argv as [CommandName, ...string[]];
  const summary = SUMMARIES[name];
  const cmd = await load(name);
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({
      args: rest,
      options: { ...cmd.options, help: { type: 'boolean', short: 'h' } } as NonNullable<Parameters<typeof parseArgs>[0]>['options'],
      allowPositionals: true,
      strict: true,
    }) as { values: Record<string, unknown>; positionals: string[] };
  } catch (err) {
    writeErr(`datum ${name}: ${(err as Error).message}\n\n${commandHelp(summary, cmd)}`);
    return 2;
  }
  if (parsed.values.help) {
    writeOut(commandHelp(summary, cmd));
    return 0;
  }
  try {
    return await cmd.run(parsed);
  } catch (err) {
    const code = err instanceof DatumError ? err.code : 'INTERNAL';
    const message = err instanceof Error ? err.message : String(err);
    if (parsed.values.json) writeOut(JSON.stringify({ error: { code, message } }) + '\n');
    writeErr(`datum ${name}: ${message}\n`);
    return 1;
  }
}
