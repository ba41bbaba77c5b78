/**
 * Test stand-in for the system `ssh` and `scp` clients: the "server" is a folder on this machine
 * (FAKE_REMOTE_HOME, the login's home). Nothing goes over a network; what is tested is the
 * ssh back end's side: the argv it builds, the remote command line (run by a real `sh -c`, as
 * sshd runs it through the login shell), copying up and down, and cancel.
 *
 *   fakeRemote.ts ssh [-o opt] [-p port] [-i key] [--] host <remote command line>
 *   fakeRemote.ts scp [-B] [-q] [-r] [-P port] <from> <to>      (one side is host:path)
 *
 * Like sshd, the remote command starts a new session (so its pid is its process group's id), and
 * like an ssh client without a terminal, killing this process does not stop the remote command:
 * the back end must kill it over a second connection. Every argv is appended to
 * FAKE_REMOTE_LOG (one JSON line) so tests can check what was run.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, cpSync, existsSync } from 'node:fs';
import path from 'node:path';

const [mode, ...args] = process.argv.slice(2);
const home = process.env.FAKE_REMOTE_HOME;
if (!home) {
  process.stderr.write('FAKE_REMOTE_HOME is not set\n');
  process.exit(255);
}
if (process.env.FAKE_REMOTE_LOG) appendFileSync(process.env.FAKE_REMOTE_LOG, `${JSON.stringify([mode, ...args])}\n`);

function ssh(): void {
  let i = 0;
  const withValue = new Set(['-o', '-p', '-i', '-l', '-F']);
  while (i < args.length && args[i].startsWith('-')) {
    if (args[i] === '--') {
      i++;
      break;
    }
    i += withValue.has(args[i]) ? 2 : 1;
  }
  const host = args[i];
  const line = args.slice(i + 1).join(' ');
  if (!host || !line) {
    process.stderr.write('usage: ssh [options] host command\n');
    process.exit(255);
  }
  if (host !== (process.env.FAKE_REMOTE_HOST ?? 'trainer')) {
    process.stderr.write(`ssh: Could not resolve hostname ${host}: Name or service not known\n`);
    process.exit(255);
  }
  // Output is relayed (not inherited) so that, as with a real connection, the local pipes close with this process.
  const child = spawn('sh', ['-c', line], { cwd: home, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pipe(process.stdout);
  child.stderr.pipe(process.stderr);
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 255 : 0)));
  // An ssh client dies on SIGTERM and leaves a terminal-less remote command running.
  process.on('SIGTERM', () => process.exit(255));
}

function scp(): void {
  const withValue = new Set(['-P', '-i', '-o']);
  const paths: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (withValue.has(args[i])) i++;
    else if (!args[i].startsWith('-')) paths.push(args[i]);
  }
  const [from, to] = paths.map((p) => {
    const m = /^([A-Za-z0-9._@-]+):(.*)$/.exec(p);
    return m ? path.resolve(home!, m[2]) : p;
  });
  if (!existsSync(from)) {
    process.stderr.write(`scp: ${paths[0]}: No such file or directory\n`);
    process.exit(1);
  }
  cpSync(from, to, { recursive: true, dereference: true });
}

if (mode === 'ssh') ssh();
else if (mode === 'scp') scp();
else {
  process.stderr.write(`unknown mode ${mode}\n`);
  process.exit(64);
}
