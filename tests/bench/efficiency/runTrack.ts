/**
 * Video tracks end to end: the demo's image sequence `gliding_square` (made by `datum demo`, 12
 * frames) alone in a fresh project per arm; ground truth per frame from the frame PNGs' pixels;
 * verification on disk: the saved track's shape on every frame (core keyframeShape, the editor's
 * one interpolation) at IoU >= 0.7, one track, nothing else. Arms: trackArm.ts.
 */
import type { Browser } from '@playwright/test';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { keyframeShape } from '../../../core/document/tracks';
import { runCli } from '../../e2e/host';
import { driveArm, makeProject, settledQuality } from './session';
import { iou2d, type Box } from './imageArm';
import { runTrackArm } from './trackArm';
import type { ArmLog } from './armLog';
import { MATCH_IOU } from './policy';
import type { EndQuality } from './verify';

async function truthOf(file: string): Promise<{ box: Box; width: number }> {
  const { data, info } = await sharp(file).raw().toBuffer({ resolveWithObject: true });
  let x1 = Infinity, y1 = Infinity, x2 = -1, y2 = -1;
  for (let y = 0; y < info.height; y++)
    for (let x = 0; x < info.width; x++) {
      const i = (y * info.width + x) * info.channels;
      if (data[i] >= 245 && data[i + 1] >= 195 && data[i + 1] <= 205 && data[i + 2] <= 45) (x1 = Math.min(x1, x)), (y1 = Math.min(y1, y)), (x2 = Math.max(x2, x + 1)), (y2 = Math.max(y2, y + 1));
    }
  return { box: { x1, y1, x2, y2 }, width: info.width };
}

function verify(dir: string, truth: readonly Box[]): EndQuality {
  const r: EndQuality = { targets: truth.length, covered: 0, falseLeft: 0, pendingLeft: 0 };
  const ann = path.join(dir, 'annotations');
  const files = existsSync(ann) ? readdirSync(ann).filter((f) => f.endsWith('.json')) : [];
  const doc = files.length ? (JSON.parse(readFileSync(path.join(ann, files[0]), 'utf8')) as { objects?: unknown[]; tracks?: { keyframes: Parameters<typeof keyframeShape>[0] }[] }) : {};
  const tracks = doc.tracks ?? [];
  r.falseLeft = Math.max(0, tracks.length - 1) * truth.length + (doc.objects?.length ?? 0);
  truth.forEach((t, f) => {
    const s = tracks[0] ? keyframeShape(tracks[0].keyframes, f) : null;
    if (s && s.geometry.kind === 'box2d' && iou2d(s.geometry as unknown as Box, t) >= MATCH_IOU) r.covered++;
  });
  return r;
}

export interface TrackRun {
  frames: number;
  keyframes: Partial<Record<'manual' | 'interpolate', number>>;
  logs: Partial<Record<'manual' | 'interpolate', ArmLog>>;
  endQuality: Partial<Record<'manual' | 'interpolate', EndQuality>>;
  untrusted: number;
}

export async function runTrackBench(browser: Browser, opts: { frames?: number; say?: (l: string) => void } = {}): Promise<TrackRun> {
  const say = opts.say ?? (() => {});
  const base = mkdtempSync(path.join(os.tmpdir(), 'effbench-track-'));
  const demo = path.join(base, 'demo');
  const d = await runCli(['demo', demo, '--json']);
  if (d.code !== 0) throw new Error(`datum demo failed: ${d.stderr}`);
  const seqDir = path.join(demo, 'sequences', 'gliding_square');
  const names = (JSON.parse(readFileSync(path.join(seqDir, 'sequence.json'), 'utf8')) as { frames: string[] }).frames;
  const gt = await Promise.all(names.map((n) => truthOf(path.join(seqDir, n))));
  const truth = gt.map((g) => g.box).slice(0, opts.frames);
  say(`video track: demo sequence gliding_square, ${truth.length} frames, one object`);
  const run: TrackRun = { frames: truth.length, keyframes: {}, logs: {}, endQuality: {}, untrusted: 0 };
  for (const arm of ['manual', 'interpolate'] as const) {
    const dir = path.join(base, arm);
    cpSync(seqDir, path.join(dir, 'gliding_square'), { recursive: true });
    await makeProject(dir);
    const d = await driveArm(browser, dir, `video track ${arm}`, async (page) => {
      const log = await runTrackArm(page, 'gliding_square', 'gliding_square', gt[0].width, truth, arm === 'interpolate');
      return { log, quality: await settledQuality(() => verify(dir, truth), (q) => q.covered >= truth.length, 5_000) };
    });
    run.logs[arm] = d.result.log;
    run.endQuality[arm] = d.result.quality;
    run.untrusted += d.untrusted;
    const ann = path.join(dir, 'annotations');
    const f = readdirSync(ann).find((x) => x.endsWith('.json'));
    run.keyframes[arm] = f ? ((JSON.parse(readFileSync(path.join(ann, f), 'utf8')) as { tracks?: { keyframes: unknown[] }[] }).tracks?.[0]?.keyframes.length ?? 0) : 0;
    say(`video track ${arm}: done in ${d.seconds.toFixed(0)} s, ${run.keyframes[arm]} keyframes`);
  }
  return run;
}
