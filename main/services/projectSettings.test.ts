import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DatumError } from '../rpc/errors';
import { PathGuard } from './pathGuard';
import { ProjectService } from './projectService';

describe('project settings: bin layout', () => {
  it('saves a valid layout to datum.json and refuses one that does not parse, leaving the file as it was', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'datum-settings-'));
    const projects = new ProjectService(new PathGuard());
    await projects.create(dir, 'settings test');
    const saved = await projects.updateSettings({ binLayout: 'x:f32,y:f32,z:f32,ring:u16,_:2,intensity:f32' });
    expect(saved.settings.binLayout).toBe('x:f32,y:f32,z:f32,ring:u16,_:2,intensity:f32');
    const onDisk = readFileSync(path.join(dir, 'datum.json'), 'utf8');
    expect(JSON.parse(onDisk).settings.binLayout).toBe('x:f32,y:f32,z:f32,ring:u16,_:2,intensity:f32');

    const error = await projects.updateSettings({ binLayout: 'x:f32,y:f32,z:f99' }).catch((e) => e);
    expect(error).toBeInstanceOf(DatumError);
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.message).toMatch(/unknown type "f99"/);
    expect(readFileSync(path.join(dir, 'datum.json'), 'utf8')).toBe(onDisk);

    // "" clears it (back to KITTI)
    expect((await projects.updateSettings({ binLayout: '' })).settings.binLayout).toBe('');
  });
});
