import { mkdtempSync, mkdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, SHARED_DATA_SETS, sharedDataProblem } from '../helpers/sharedData';

describe('real-data gate', () => {
  const empty = mkdtempSync(path.join(os.tmpdir(), 'no-shared-'));
  const full = mkdtempSync(path.join(os.tmpdir(), 'shared-'));
  for (const set of SHARED_DATA_SETS) mkdirSync(path.join(full, set));

  it('fails in CI when the shared data is missing, naming what is missing', () => {
    expect(sharedDataProblem({ CI: 'true' }, empty)).toMatch(/CI is set but the real sample data is missing .*kitti.*video/);
    expect(sharedDataProblem({ CI: '1' }, path.join(empty, 'nowhere'))).not.toBeNull();
  });

  it('lets tests skip outside CI, and passes in CI when the data is there', () => {
    expect(sharedDataProblem({}, empty)).toBeNull();
    expect(sharedDataProblem({ CI: 'false' }, empty)).toBeNull();
    expect(sharedDataProblem({ CI: 'true' }, full)).toBeNull();
  });

  it('both runners load the gate as their global setup', () => {
    const check = `
      const v = (await import('./vitest.config.ts')).default;
      const p = (await import('./tests/playwright.config.ts')).default;
      console.log(JSON.stringify([v.test.globalSetup, p.globalSetup]));`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', check], { cwd: REPO_ROOT, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    const [v, p] = JSON.parse(r.stdout.trim()) as [string[] | string, string];
    expect([v].flat().some((f) => f.endsWith('tests/helpers/sharedDataGate.ts'))).toBe(true);
    // Playwright's setup also builds the test renderer; it runs the gate first.
    expect(p.endsWith('helpers/e2eSetup.ts')).toBe(true);
    expect(readFileSync(path.join(REPO_ROOT, 'tests/helpers/e2eSetup.ts'), 'utf8')).toMatch(/^\s*sharedDataGate\(\);/m);
  });
});
