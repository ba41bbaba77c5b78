import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { contract } from '../../preload/contract';
import { DatumError } from '../rpc/errors';
import { PathGuard } from './pathGuard';
import { ProjectService } from './projectService';

describe('project settings: bin layout', () => {
  it('saves a valid layout to datum.json; the request schema refuses one that does not parse', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'datum-settings-'));
    const projects = new ProjectService(new PathGuard());
    await projects.create(dir, 'settings test');
    const spec = 'x:f32,y:f32,z:f32,ring:u16,_:2,intensity:f32';
    expect((await projects.updateSettings({ binLayout: spec })).settings.binLayout).toBe(spec);
    expect(JSON.parse(readFileSync(path.join(dir, 'datum.json'), 'utf8')).settings.binLayout).toBe(spec);

    // What the router checks before any handler runs (a failure answers BAD_REQUEST).
    const input = contract['project.updateSettings'].input;
    const bad = input.safeParse({ settings: { binLayout: 'x:f32,y:f32,z:f99' } });
    expect(bad.success).toBe(false);
    expect(JSON.stringify(bad.error?.issues)).toMatch(/unknown type \\"f99\\"/);
    expect(input.safeParse({ settings: { binLayout: '' } }).success).toBe(true); // "" = back to KITTI
  });

  it('a hand-edited datum.json with a bad layout does not open, and the error names the file and the problem', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'datum-settings-'));
    await new ProjectService(new PathGuard()).create(dir, 'settings test');
    const file = path.join(dir, 'datum.json');
    const json = JSON.parse(readFileSync(file, 'utf8'));
    writeFileSync(file, JSON.stringify({ ...json, settings: { binLayout: 'x:f32,y:f32' } }));
    const error = await new ProjectService(new PathGuard()).open(dir).catch((e) => e);
    expect(error).toBeInstanceOf(DatumError);
    expect(error.code).toBe('BAD_FILE');
    expect(error.message).toContain('datum.json');
    expect(error.message).toContain('no "z" field');
  });
});
