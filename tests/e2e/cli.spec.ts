/**
 * The built `datum` command: help everywhere, JSON for scripting, clean errors.
 */
import { expect, test } from '@playwright/test';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, runCli } from './host';

const DATA = path.resolve(ROOT, '..', 'shared', 'data');

test('every command has --help and unknown commands fail with usage', async () => {
  const top = await runCli(['--help']);
  expect(top.code).toBe(0);
  const names = [...top.stdout.matchAll(/^ {2}(\w+) /gm)].map((m) => m[1]);
  expect(names).toEqual(expect.arrayContaining(['serve', 'demo', 'inspect', 'import', 'export']));
  for (const name of names) {
    const r = await runCli([name, '--help']);
    expect(r.code, name).toBe(0);
    expect(r.stdout, name).toMatch(/^Usage: datum /);
  }
  const bad = await runCli(['frobnicate']);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain('unknown command "frobnicate"');
  const badOpt = await runCli(['inspect', '--nope']);
  expect(badOpt.code).toBe(2);
});

test('inspect --json on real files, and a clean error for a broken one', async () => {
  test.skip(!existsSync(DATA), `../shared/data is absent (${DATA})`);
  const kitti = JSON.parse((await runCli(['inspect', path.join(DATA, 'kitti', 'velodyne', '000001.bin'), '--json'])).stdout);
  expect(kitti).toMatchObject({ format: 'kitti-bin', points: 120268 });
  expect(kitti.fields.map((f: { name: string }) => f.name)).toEqual(['x', 'y', 'z', 'intensity']);
  // The MP4 must be described, not merely not fail: printing nothing is a failure.
  const mp4 = await runCli(['inspect', path.join(DATA, 'video', 'highway_720p.mp4'), '--json']);
  expect(mp4.code, mp4.stderr).toBe(0);
  expect(JSON.parse(mp4.stdout)).toMatchObject({ format: 'mp4', modality: 'video', width: 1280, height: 720, frames: 38, codec: expect.stringMatching(/^avc1\./) });
  const nifti = JSON.parse((await runCli(['inspect', path.join(DATA, 'nifti', 'FLAIR.nii.gz'), '--json'])).stdout);
  expect(nifti).toMatchObject({ format: 'nifti', slices: 140 });
  // An organized cloud with NaN points: kept by default (640 x 480), left out on request.
  const mug = path.join(DATA, 'pcd', 'table_scene_mug_stereo_textured.pcd');
  const organized = JSON.parse((await runCli(['inspect', mug, '--json'])).stdout);
  expect(organized).toMatchObject({ points: 307200, width: 640, height: 480 });
  const dense = JSON.parse((await runCli(['inspect', mug, '--drop-nan', '--json'])).stdout);
  expect(dense.points).toBeGreaterThan(100_000);
  expect(dense.points).toBeLessThan(307200);
  expect(dense.width).toBeUndefined();
  // A .bin layout that does not parse is a usage error naming the problem.
  const badLayout = await runCli(['inspect', path.join(DATA, 'kitti', 'velodyne', '000001.bin'), '--layout', 'x:f32,y:f32', '--json']);
  expect(badLayout.code).not.toBe(0);
  expect(JSON.parse(badLayout.stdout).error).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('no "z" field') });
  const missing = await runCli(['inspect', '/definitely/not/here.pcd', '--json']);
  expect(missing.code).toBe(1);
  expect(JSON.parse(missing.stdout)).toEqual({ error: { code: 'NOT_FOUND', message: '/definitely/not/here.pcd: no such file or folder' } });
});

test('import: a project without the source\'s items is an error that leaves the folder as it was; a second import adds nothing', async () => {
  test.skip(!existsSync(DATA), `../shared/data is absent (${DATA})`);
  const root = mkdtempSync(path.join(os.tmpdir(), 'cli-import-'));
  const src = path.join(DATA, 'images', 'coco139', 'instances_val2017_image139.json');
  const empty = path.join(root, 'empty');
  mkdirSync(empty);
  const none = await runCli(['import', 'coco', src, empty, '--create', '--json']);
  expect(none.code).toBe(1);
  const err = JSON.parse(none.stdout).error;
  expect(err.code).toBe('NOT_FOUND');
  expect(err.message).toContain('nothing imported');
  expect(err.message).toContain(`datum import coco ${src} ${path.dirname(src)} --create`);
  expect(readdirSync(empty)).toEqual([]); // --create's datum.json and .datum/ removed again

  const ds = path.join(root, 'coco139');
  cpSync(path.join(DATA, 'images', 'coco139'), ds, { recursive: true });
  const first = await runCli(['import', 'coco', path.join(ds, 'instances_val2017_image139.json'), ds, '--create', '--json']);
  expect(first.code).toBe(0);
  const a = JSON.parse(first.stdout);
  expect(a).toMatchObject({ items: 1, added: a.objects });
  const second = await runCli(['import', 'coco', path.join(ds, 'instances_val2017_image139.json'), ds]);
  expect(second.code).toBe(0);
  expect(second.stdout).toContain(`imported ${a.objects} objects into 1 items (0 new, ${a.objects} updated)`);
  const both = await runCli(['import', 'coco', src, ds, '--merge', '--replace']);
  expect(both.code).toBe(1);
  expect(both.stderr).toContain('--merge and --replace exclude each other');

  const exported = await runCli(['export', 'coco', ds, path.join(ds, 'exports', 'coco'), '--json']);
  expect(exported.code).toBe(0);
  expect(JSON.parse(exported.stdout)).toMatchObject({ objects: a.objects, predictionsLeftOut: 0 });
  const listed = JSON.parse((await runCli(['import', 'coco', ds, ds, '--json'])).stdout);
  expect(listed).toMatchObject({ objects: a.objects, added: 0 }); // the export is not read back
});
