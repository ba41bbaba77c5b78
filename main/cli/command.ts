/**
 * A `datum` subcommand. Each lives in main/cli/commands/ and is registered, with its one-line
 * summary, in main/cli/index.ts (the summary lives there so `datum --help` loads no command).
 */
export interface Command {
  usage: string;
  options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string; description: string }>;
  run(args: { values: Record<string, unknown>; positionals: string[] }): Promise<number>;
}

export const jsonOpt = { json: { type: 'boolean' as const, description: 'print machine-readable JSON' } };
