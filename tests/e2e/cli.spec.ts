/**
 * The built `datum` command: help everywhere, JSON for scripting, clean errors.
 */
import { expect, test } from '@playwright/test';
import { existsSync } from 'node:fs';
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
