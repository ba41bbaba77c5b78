import { describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PathGuard } from './pathGuard';

describe('PathGuard', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'guard-'));
  const project = path.join(root, 'project');
  mkdirSync(path.join(project, 'data'), { recursive: true });
  writeFileSync(path.join(root, 'secret.txt'), 'no');
  symlinkSync(path.join(root, 'secret.txt'), path.join(project, 'data', 'link.txt'));
  const guard = new PathGuard();
  guard.grant(project);

  it('allows paths inside a granted root, including not-yet-existing ones', () => {
    expect(guard.check(path.join(project, 'data', 'a.png'))).toMatch(/project[/\\]data[/\\]a\.png$/);
    expect(guard.check('data/new/file.json', project)).toMatch(/new[/\\]file\.json$/);
  });

  it('refuses .. escapes, absolute escapes, NUL bytes and symlinks that point outside', () => {
    expect(() => guard.check('../secret.txt', project)).toThrow(/outside the open project/);
    expect(() => guard.check('/etc/passwd')).toThrow(/outside/);
    expect(() => guard.check('data/\0x', project)).toThrow(/NUL/);
    expect(() => guard.check(path.join(project, 'data', 'link.txt'))).toThrow(/outside/);
    expect(() => guard.check(path.join(root, 'project-evil'))).toThrow(/outside/); // prefix is not containment
  });
});
