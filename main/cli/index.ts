/**
 * The `datum` command. Each subcommand has --help; machine-readable output with --json.
 */
import { parseArgs } from 'node:util';
import path from 'node:path';
import { existsSync, promises as fs } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createHostServices, defaultUserDataDir, VERSION } from '../hostServices';
import { startHeadlessHost } from '../server/headlessHost';
import { generateDemo } from '../services/demo/generate';
import { DatumError } from '../rpc/errors';
import { inspectPath } from '../services/inspect';

interface Command {
  summary: string;
  usage: string;
  options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string; description: string }>;
  run(args: { values: Record<string, unknown>; positionals: string[] }): Promise<number>;
}

const jsonOpt = { json: { type: 'boolean' as const, description: 'print machine-readable JSON' } };

const commands: Record<string, Command> = {
  serve: {
    summary: 'serve the app and its services over HTTP + WebSocket (headless host)',
    usage: 'datum serve <project-dir> [--port N] [--host ADDR] [--allow DIR]...',
    options: {
      port: { type: 'string', description: 'port to listen on (default: a free one)' },
      host: { type: 'string', description: 'address to bind (default 127.0.0.1; anything else is reachable from the network)' },
      allow: { type: 'string', multiple: true, description: 'another folder the browser may open or create projects in' },
      token: { type: 'string', description: 'use this access token instead of a random one (tests)' },
      create: { type: 'boolean', description: 'make a project if <project-dir> has no datum.json yet' },
      ...jsonOpt,
    },
    async run({ values, positionals }) {
      const dir = positionals[0] ? path.resolve(positionals[0]) : null;
      const userData = defaultUserDataDir();
      const services = createHostServices({ userDataDir: userData, host: 'headless' });
      if (dir) {
        await services.grants.add(dir);
        const hasProject = existsSync(path.join(dir, 'datum.json'));
        if (!hasProject && !values.create) {
          throw new DatumError('NOT_FOUND', `${dir} has no datum.json: pass --create to make a project over this folder, or run "datum demo ${positionals[0]}"`);
        }
        if (hasProject) await services.projects.open(dir);
        else await services.projects.create(dir);
      }
      for (const a of (values.allow as string[] | undefined) ?? []) await services.grants.add(path.resolve(a));
      const host = (values.host as string | undefined) ?? '127.0.0.1';
      if (!['127.0.0.1', 'localhost', '::1'].includes(host)) {
        process.stderr.write(`warning: binding ${host} makes Datum reachable from other machines; the token is the only protection. Prefer an SSH tunnel.\n`);
      }
      const server = await startHeadlessHost({
        router: services.router,
        projects: services.projects,
        rendererDir: rendererDir(),
        host,
        port: values.port ? Number(values.port) : 0,
        token: values.token as string | undefined,
      });
      if (values.json) process.stdout.write(JSON.stringify({ url: server.url, port: server.port, token: server.token }) + '\n');
      else process.stdout.write(`Datum is serving ${dir ?? '(no project)'}\nOpen ${server.url}\n`);
      await new Promise<void>((resolve) => {
        const stop = () => server.close().then(resolve);
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      return 0;
    },
  },
  demo: {
    summary: 'write the demo project (images, an image sequence, a LiDAR sequence with camera) into a folder',
    usage: 'datum demo <dir>',
    options: { ...jsonOpt },
    async run({ values, positionals }) {
      if (!positionals[0]) throw new DatumError('BAD_REQUEST', 'usage: datum demo <dir>');
      const dir = path.resolve(positionals[0]);
      const entries: string[] = await fs.readdir(dir).catch(() => [] as string[]);
      if (entries.length && !entries.includes('datum.json')) {
        throw new DatumError('CONFLICT', `${dir} is not empty; choose an empty or new folder`);
      }
      const summary = await generateDemo(dir);
      if (values.json) process.stdout.write(JSON.stringify(summary) + '\n');
      else
        process.stdout.write(
          `Demo project written to ${dir}: ${summary.images} images, a ${summary.sequenceFrames}-frame image sequence, ` +
            `a ${summary.lidarFrames}-frame LiDAR sequence (${summary.lidarPoints} points).\nNext: datum serve ${positionals[0]}\n`,
        );
      return 0;
    },
  },
  inspect: {
    summary: 'print the basic properties of a file or folder (point cloud, image, video, DICOM, NIfTI)',
    usage: 'datum inspect <file> [--json]',
    options: { ...jsonOpt },
    async run({ values, positionals }) {
      if (!positionals[0]) throw new DatumError('BAD_REQUEST', 'usage: datum inspect <file>');
      const info = await inspectPath(path.resolve(positionals[0]));
      if (values.json) process.stdout.write(JSON.stringify(info) + '\n');
      else for (const [k, v] of Object.entries(info)) process.stdout.write(`${k}: ${typeof v === 'object' ? JSON.stringify(v) : v}\n`);
      return 0;
    },
  },
};

function rendererDir(): string {
  // dist/main/cli.js -> dist/renderer
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (const candidate of [path.join(here, '..', 'renderer'), path.join(here, '..', '..', 'dist', 'renderer')]) {
    if (existsSync(path.join(candidate, 'index.html'))) return candidate;
  }
  throw new DatumError('NOT_FOUND', 'the renderer is not built: run "npm run build" first');
}

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
