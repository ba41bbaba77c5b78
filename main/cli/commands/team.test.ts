import { afterEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from '../index';
import { createHostServices } from '../../hostServices';
import { FolderStore } from '../../services/store/folderStore';
import { AccountService } from '../../services/team/accounts';
import { SessionService } from '../../services/team/sessions';

/** Runs `datum ...` in this process, returning its exit code and what it printed. */
async function datum(args: string[], password?: string): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  if (password === undefined) delete process.env.DATUM_PASSWORD;
  else process.env.DATUM_PASSWORD = password;
  try {
    return { code: await main(args), out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

async function project(): Promise<string> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'team-cli-'));
  mkdirSync(path.join(dir, 'imgs'));
  writeFileSync(path.join(dir, 'imgs', 'a.png'), Buffer.from('x'));
  const services = createHostServices({ userDataDir: mkdtempSync(path.join(os.tmpdir(), 'ud-')), host: 'headless' });
  await services.grants.add(dir);
  await services.projects.create(dir);
  services.projects.close();
  return dir;
}

afterEach(() => {
  delete process.env.DATUM_PASSWORD;
});

describe('datum team user', () => {
  it('adds, lists, changes roles, disables (signing out everywhere) and sets passwords', async () => {
    const dir = await project();
    expect(await datum(['team', 'user', 'add', dir, 'Ann', '--role', 'annotator'], 'annotator-pass-1')).toMatchObject({ code: 0, out: 'added Ann (annotator)\n' });
    expect((await datum(['team', 'user', 'add', dir, 'ann', '--role', 'reviewer'], 'another-pass-1')).err).toContain('an account named "ann" already exists');
    expect((await datum(['team', 'user', 'add', dir, 'bob', '--role', 'boss'], 'another-pass-1')).err).toContain('role must be one of annotator, reviewer, manager');
    expect((await datum(['team', 'user', 'add', dir, 'bob', '--role', 'reviewer'], 'short')).err).toContain('at least 10 characters');
    expect(await datum(['team', 'user', 'set-role', dir, 'ann', 'reviewer'])).toMatchObject({ code: 0, out: 'Ann is now reviewer\n' });

    // A session of Ann's, as a sign-in on the server would make it.
    const store = await FolderStore.open(dir);
    const sessions = new SessionService(store);
    const s = await sessions.create({ id: 'ann', name: 'Ann' });
    expect(await sessions.resolve(s.token)).toMatchObject({ role: 'reviewer' });
    expect(await datum(['team', 'user', 'disable', dir, 'ann'])).toMatchObject({ code: 0, out: 'Ann is disabled\n' });
    expect(await store.getRecord('sessions', (await import('../../services/team/sessions')).hashToken(s.token))).toBeNull();
    const list = JSON.parse((await datum(['team', 'user', 'list', dir, '--json'])).out);
    expect(list).toEqual([expect.objectContaining({ name: 'Ann', role: 'reviewer', disabled: true })]);
    expect(JSON.stringify(list)).not.toContain('scrypt');
    await datum(['team', 'user', 'enable', dir, 'ann']);
    expect(await datum(['team', 'user', 'password', dir, 'ann'], 'a-new-password-2')).toMatchObject({ code: 0 });
    const accounts = new AccountService(store);
    await expect(accounts.authenticate('ann', 'annotator-pass-1', '127.0.0.1')).rejects.toThrow(/wrong name or password/);
    expect((await accounts.authenticate('ann', 'a-new-password-2', '127.0.0.1')).role).toBe('reviewer');
    await store.close();
  });

  it('refuses a folder without a project, and a missing name or role', async () => {
    const empty = mkdtempSync(path.join(os.tmpdir(), 'team-cli-empty-'));
    expect((await datum(['team', 'user', 'list', empty])).err).toContain('datum.json');
    const dir = await project();
    expect((await datum(['team', 'user', 'add', dir, 'x'], 'long-enough-pass')).err).toContain('--role annotator|reviewer|manager is required');
    expect((await datum(['team', 'user', 'disable', dir])).err).toContain('name the account');
    expect((await datum(['team', 'nope'])).err).toContain('usage');
  });
});
