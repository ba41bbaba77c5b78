/**
 * `datum team user add|list|set-role|disable|enable|password <project> ...`: the accounts of a
 * team server. Passwords are read from standard input (one line) or $DATUM_PASSWORD, never from
 * the command line (it would land in shell history and in `ps` for every user of the machine).
 */
import path from 'node:path';
import type { Command } from '../command';
import { jsonOpt } from '../command';
import { DatumError } from '../../rpc/errors';
import { AccountService, checkRole, type AccountInfo } from '../../services/team/accounts';
import { SessionService } from '../../services/team/sessions';
import { openTeamStore } from '../../services/team/teamStore';

const USAGE = `datum team user add <project> <name> --role annotator|reviewer|manager   (password on stdin or in DATUM_PASSWORD)
       datum team user list <project>
       datum team user set-role <project> <name> <role>
       datum team user disable|enable <project> <name>
       datum team user password <project> <name>   (new password on stdin or in DATUM_PASSWORD)`;

export const team: Command = {
  usage: USAGE,
  options: {
    role: { type: 'string', description: 'the role of a new account: annotator, reviewer or manager' },
    database: { type: 'string', description: 'the team database (postgres://...) when the project lives there' },
    ...jsonOpt,
  },
  async run({ values, positionals }) {
    const [noun, verb, dir, name, arg] = positionals;
    if (noun !== 'user' || !verb || !dir) throw new DatumError('BAD_REQUEST', `usage: ${USAGE}`);
    const store = await openTeamStore(path.resolve(dir), values.database as string | undefined);
    const accounts = new AccountService(store);
    const out = (rows: AccountInfo[] | AccountInfo, text: string) => {
      process.stdout.write(values.json ? JSON.stringify(rows) + '\n' : text + '\n');
    };
    const needName = () => {
      if (!name) throw new DatumError('BAD_REQUEST', `datum team user ${verb}: name the account`);
      return name;
    };
    try {
      switch (verb) {
        case 'add': {
          if (!values.role) throw new DatumError('BAD_REQUEST', 'datum team user add: --role annotator|reviewer|manager is required');
          const a = await accounts.add(needName(), await readPassword(), checkRole(String(values.role)), 'datum team');
          out(a, `added ${a.name} (${a.role})`);
          break;
        }
        case 'list': {
          const rows = await accounts.list();
          out(rows, rows.length ? rows.map((a) => `${a.name.padEnd(24)} ${a.role.padEnd(10)} ${a.disabled ? 'disabled' : 'active'}`).join('\n') : '(no accounts)');
          break;
        }
        case 'set-role': {
          if (!arg) throw new DatumError('BAD_REQUEST', 'datum team user set-role <project> <name> <role>');
          const a = await accounts.setRole(needName(), checkRole(arg), 'datum team');
          out(a, `${a.name} is now ${a.role}`);
          break;
        }
        case 'disable':
        case 'enable': {
          const a = await accounts.setDisabled(needName(), verb === 'disable', 'datum team');
          // A disabled account is signed out everywhere at once, not when its sessions expire.
          if (verb === 'disable') await new SessionService(store).revokeAccount(a.id, 'datum team');
          out(a, `${a.name} is ${a.disabled ? 'disabled' : 'enabled'}`);
          break;
        }
        case 'password': {
          const a = await accounts.setPassword(needName(), await readPassword(), 'datum team');
          await new SessionService(store).revokeAccount(a.id, 'datum team');
          out(a, `new password set for ${a.name}; their sessions were signed out`);
          break;
        }
        default:
          throw new DatumError('BAD_REQUEST', `unknown: datum team user ${verb}\nusage: ${USAGE}`);
      }
    } finally {
      await store.close();
    }
    return 0;
  },
};

/** $DATUM_PASSWORD, else the first line of standard input (a pipe or a file; on a terminal, typed without echo). */
async function readPassword(): Promise<string> {
  const env = process.env.DATUM_PASSWORD;
  if (env) return env;
  const line = process.stdin.isTTY ? await promptHidden('password: ') : await firstLine();
  if (!line) throw new DatumError('BAD_REQUEST', 'no password: pipe one line on standard input or set DATUM_PASSWORD');
  return line;
}

async function firstLine(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) {
    chunks.push(c as Buffer);
    if ((c as Buffer).includes(10)) break;
  }
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0];
}

/** Reads a line from the terminal in raw mode, echoing nothing. */
function promptHidden(prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    process.stderr.write(prompt);
    let line = '';
    const done = (err?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (err) reject(err);
      else resolve(line);
    };
    const onData = (buf: Buffer) => {
      for (const ch of buf.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003') return done(new DatumError('CANCELLED', 'cancelled'));
        if (ch === '\u007f' || ch === '\b') line = line.slice(0, -1);
        else line += ch;
      }
    };
    stdin.setRawMode(true);
    stdin.resume();
    stdin.on('data', onData);
  });
}
