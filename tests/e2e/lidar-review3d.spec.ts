/**
 * Issue #15: reviewing 3D predictions in place. `datum prelabel --model proposals3d` pre-labels a
 * real KITTI frame and the real SUSTech sequence; the LiDAR editor is driven by keyboard only
 * (Tab next prediction, Enter accept, Delete reject, Shift+Enter accept all of the frame above the
 * threshold, Ctrl+Z); the document on disk is checked (accepted kept with `accepted`, rejected
 * gone from the objects and remembered in `rejected`); re-running prelabel brings nothing back.
 */
import { expect, test, type Page } from '@playwright/test';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, runCli, startHost } from './host';

const DATA = path.resolve(ROOT, '..', 'shared', 'data');
const SCREENS = path.join(ROOT, 'test-results', 'screens');
test.skip(!existsSync(path.join(DATA, 'kitti', 'velodyne')) || !existsSync(path.join(DATA, 'sustech', 'label')), `${DATA} is absent`);

interface Obj {
  id: string;
  frame: number;
  label: string;
  accepted?: boolean;
  source: { kind: string; model?: string; score?: number };
  geometry: { kind: string; center: number[] };
}
interface Doc {
  objects: Obj[];
  tracks: unknown[];
  rejected?: { id: string; frame: number; reason: string; model: string; geometry: { kind: string } }[];
}

const readDoc = (project: string): Doc => {
  const dir = path.join(project, 'annotations');
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  expect(files).toHaveLength(1);
  return JSON.parse(readFileSync(path.join(dir, files[0]), 'utf8')) as Doc;
};
const pending = (d: Doc) => d.objects.filter((o) => o.source.kind === 'model' && !o.accepted);
/** Pending predictions in review order: by frame, most confident first. */
const reviewOrder = (d: Doc) => pending(d).sort((a, b) => a.frame - b.frame || b.source.score! - a.source.score!);

async function prelabel(project: string) {
  const r = await runCli(['prelabel', project, '--model', 'proposals3d', '--json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as { items: number; predictions: number; known: number; skipped: number };
}

type LidarProbe = { __datumLidar: { toScreen(x: number, y: number, z: number): { x: number; y: number } } };

async function openEditor(page: Page, url: string) {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  await expect(page.getByTestId('job-progress')).toHaveCount(0, { timeout: 30_000 });
  await page.getByTestId('item-tile').first().dblclick();
  await expect(page.getByTestId('point-count')).toHaveText(/^[0-9,]+ points$/, { timeout: 30_000 });
  await expect.poll(() => page.evaluate(() => !!(window as unknown as Partial<LidarProbe>).__datumLidar)).toBe(true);
  return errors;
}

/** The selected row of the object list shows this prediction's score. */
const selectedRow = (page: Page) => page.getByTestId('lidar-objects').locator('li.sel');
const saved = (page: Page) => expect(page.getByTestId('save-state')).toHaveText('Saved', { timeout: 15_000 });

test('KITTI frame: review by keyboard in the editor, the saved document, and a re-run that brings nothing back', async ({ page }) => {
  const project = path.join(mkdtempSync(path.join(os.tmpdir(), 'e2e-review3d-')), 'kitti');
  for (const [sub, file] of [['velodyne', '000000.bin'], ['image_2', '000000.png'], ['calib', '000000.txt']]) {
    mkdirSync(path.join(project, sub), { recursive: true });
    cpSync(path.join(DATA, 'kitti', sub, file), path.join(project, sub, file));
  }
  // `serve --create` makes the folder a project; prelabel then runs on it from the command line.
  await (await startHost([project, '--create'])).stop();
  const first = await prelabel(project);
  expect(first).toMatchObject({ items: 1, known: 0 });
  const before = readDoc(project);
  const order = reviewOrder(before);
  expect(order.length).toBe(first.predictions);
  // one to accept, one to reject, at least one for accept-all (at the calibrated 0.3 default; 8 proposals on this frame at the former 0.4, 4 at 0.5)
  expect(order.length).toBeGreaterThanOrEqual(3);
  // Reviewed below: [0] accepted, [1] rejected, then all the rest at or above the panel's default threshold (0.30, the proposals' calibrated default) accepted at once.
  const above = order.slice(2).filter((o) => o.source.score! >= 0.3);
  expect(above.length).toBeGreaterThan(0);
  const left = order.length - 2 - above.length;

  const host = await startHost([project]);
  try {
    const errors = await openEditor(page, host.url);
    // Predictions are drawn dashed with a score label; the panel and the object list count them.
    await expect(page.getByTestId('prediction-score').first()).toHaveText(/^0\.\d\d$|^1\.00$/);
    await expect(page.getByTestId('prediction-score')).toHaveCount(order.length); // one label per dashed box
    await expect(page.getByTestId('lidar-review-count')).toHaveText(`${order.length} to review in this frame, ${order.length} in all`);
    await expect(page.getByTestId('prediction-pending')).toHaveCount(order.length);
    // The keys are in the shortcuts dialog (generated from review/keys.ts), in the LiDAR section.
    await page.keyboard.press('?');
    const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    const next = dialog.locator('tr[data-action="lidar-review.next"]');
    await expect(next).toContainText('LiDAR: next prediction to review');
    await expect(next.locator('kbd')).toHaveText('Tab');
    await next.scrollIntoViewIfNeeded();
    await dialog.screenshot({ path: path.join(SCREENS, 'lidar-review3d-shortcuts.png') });
    await page.keyboard.press('Escape');
    await expect(dialog).toHaveCount(0);

    // Bird's-eye view, 80 m: Tab selects the most confident prediction and flies the view to it.
    await page.keyboard.press('t');
    await page.keyboard.press('Alt+3');
    await page.keyboard.press('Tab');
    await expect(selectedRow(page)).toContainText(order[0].source.score!.toFixed(2));
    const [cx, cy, cz] = order[0].geometry.center;
    await expect
      .poll(async () => {
        // The canvas is measured on every poll: the panels settle (the selected row, the strip) while the view flies.
        const canvas = (await page.getByTestId('pointcloud-viewer').locator('canvas').boundingBox())!;
        const s = await page.evaluate(([x, y, z]) => (window as unknown as LidarProbe).__datumLidar.toScreen(x, y, z), [cx, cy, cz]);
        return Math.hypot(s.x - (canvas.x + canvas.width / 2), s.y - (canvas.y + canvas.height / 2));
      })
      .toBeLessThan(20);
    mkdirSync(SCREENS, { recursive: true });
    await page.screenshot({ path: path.join(SCREENS, 'lidar-review3d-kitti-selected.png') });

    // Enter accepts it and moves on to the next; Delete rejects that one and moves on again.
    await page.keyboard.press('Enter');
    await expect(selectedRow(page)).toContainText(order[1].source.score!.toFixed(2));
    await page.keyboard.press('Delete');
    await expect(selectedRow(page)).toContainText(order[2].source.score!.toFixed(2));
    await expect(page.getByTestId('prediction-pending')).toHaveCount(order.length - 2);
    await expect(page.getByTestId('prediction-score')).toHaveCount(order.length - 2); // the accepted box is drawn solid now
    await expect(page.getByTestId('lidar-review-remembered')).toHaveText('1 rejected (remembered)');
    await page.getByTestId('lidar-review').scrollIntoViewIfNeeded();
    await page.locator('.lidar-side').screenshot({ path: path.join(SCREENS, 'lidar-review3d-kitti-panel.png') });

    // Shift+Enter: every prediction of the frame at or above 0.30, one undo step.
    await expect(page.getByTestId('accept-frame-above')).toHaveText(`Accept ${above.length} ≥ 0.30 in this frame`);
    await page.keyboard.press('Shift+Enter');
    await expect(page.getByTestId('prediction-pending')).toHaveCount(left);
    await page.keyboard.press('Control+z');
    await expect(page.getByTestId('prediction-pending')).toHaveCount(order.length - 2);
    await page.keyboard.press('Control+Shift+z');
    await expect(page.getByTestId('prediction-pending')).toHaveCount(left);
    await page.keyboard.press('t'); // back to 3D for the screenshot of the rest
    await page.screenshot({ path: path.join(SCREENS, 'lidar-review3d-kitti-after.png') });
    await saved(page);
    expect(errors).toEqual([]);
  } finally {
    await host.stop();
  }

  const after = readDoc(project);
  const accepted = after.objects.filter((o) => o.accepted);
  expect(accepted.map((o) => o.id).sort()).toEqual([order[0], ...above].map((o) => o.id).sort());
  expect(accepted.every((o) => o.source.kind === 'model' && o.source.model === 'proposals3d')).toBe(true);
  expect(after.objects.map((o) => o.id)).not.toContain(order[1].id);
  expect(after.rejected).toEqual([expect.objectContaining({ id: order[1].id, frame: 0, reason: 'rejected', model: 'proposals3d' })]);
  expect(pending(after)).toHaveLength(left);

  // Re-running pre-labelling: nothing new, the rejected box stays out, nothing is duplicated.
  const again = await prelabel(project);
  expect(again).toMatchObject({ items: 1, predictions: 0, known: first.predictions });
  const third = readDoc(project);
  expect(third.objects).toHaveLength(after.objects.length);
  expect(third.objects.map((o) => o.id)).not.toContain(order[1].id);
});

test('SUSTech sequence: next prediction across frames, accept / reject, accept all in the sequence, re-run', async ({ page }) => {
  const project = path.join(mkdtempSync(path.join(os.tmpdir(), 'e2e-review3d-')), 'project');
  mkdirSync(project);
  cpSync(path.join(DATA, 'sustech'), path.join(project, 'sustech'), { recursive: true });
  const imported = await runCli(['import', 'sustech', path.join(project, 'sustech'), project, '--create', '--json']);
  expect(imported.code, imported.stderr).toBe(0);
  const first = await prelabel(project);
  // Proposals on the labelled cars are known (the imported boxes): only the others are added.
  expect(first.known).toBeGreaterThan(0);
  expect(first.predictions).toBeGreaterThan(20);
  const before = readDoc(project);
  const order = reviewOrder(before);
  const frames = [...new Set(order.map((o) => o.frame))];
  expect(frames).toEqual([0, 1, 2, 3]);
  const onFrame0 = order.filter((o) => o.frame === 0);
  const onFrame1 = order.filter((o) => o.frame === 1);
  const k = onFrame0.length; // frame 1's first in review order
  // Reviewed below: [k] accepted, [k + 1] rejected, then every other one at or above 0.75 in the sequence.
  const high = order.filter((o, i) => i !== k && i !== k + 1 && o.source.score! >= 0.75);

  const host = await startHost([project]);
  try {
    const errors = await openEditor(page, host.url);
    await expect(page.getByTestId('lidar-review-count')).toHaveText(`${onFrame0.length} to review in this frame, ${order.length} in all`);
    // Shift+Tab with nothing selected: the last (least confident) prediction of this frame.
    await page.keyboard.press('Shift+Tab');
    await expect(selectedRow(page)).toContainText(onFrame0[onFrame0.length - 1].source.score!.toFixed(2));
    // Tab goes on to the next frame that has predictions, its most confident first.
    await page.keyboard.press('Tab');
    await expect(page.getByTestId('frame-label')).toHaveText('Frame 2 / 4');
    await expect(selectedRow(page)).toContainText(order[k].source.score!.toFixed(2));
    // Enter accepts it and selects the next; Backspace rejects that one.
    await page.keyboard.press('Enter');
    await expect(selectedRow(page)).toContainText(order[k + 1].source.score!.toFixed(2));
    await page.keyboard.press('Backspace');
    await expect(page.getByTestId('lidar-review-count')).toHaveText(`${onFrame1.length - 2} to review in this frame, ${order.length - 2} in all`);
    await page.screenshot({ path: path.join(SCREENS, 'lidar-review3d-sustech.png') });

    // Accept all in the sequence at 0.75 (slider), the count shown on the button first.
    const slider = page.getByTestId('lidar-review-threshold');
    await slider.fill('0.75'); // (arrow keys on the slider would nudge the selected box: tool keys win over sliders)
    await expect(page.getByTestId('lidar-review')).toContainText('Threshold 0.75');
    await expect(page.getByTestId('accept-sequence-above')).toHaveText(`Accept ${high.length} ≥ 0.75 in the sequence`);
    await page.getByTestId('accept-sequence-above').click();
    const rest = order.length - 2 - high.length;
    await expect(page.getByTestId('lidar-review-count')).toContainText(`${rest} in all`);
    await saved(page);

    // The Models tab's strip: what is left, grouped by frame, each with its bird's-eye crop and,
    // on the frames with camera images (not the first), the crop of the camera that sees it best.
    await page.getByRole('tab', { name: 'Models' }).click();
    await expect(page.getByTestId('review-row')).toHaveCount(rest);
    await expect(page.getByTestId('review-group')).toHaveCount(4);
    await expect(page.getByTestId('review-group').nth(0)).toContainText('frame');
    const loaded = (id: string) => page.getByTestId(id).evaluateAll((imgs) => imgs.filter((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth > 0).length);
    await expect.poll(() => loaded('review-3d-bev'), { timeout: 30_000 }).toBeGreaterThanOrEqual(Math.min(rest, 5));
    await expect.poll(() => loaded('review-3d-camera'), { timeout: 30_000 }).toBeGreaterThan(0);
    await page.screenshot({ path: path.join(SCREENS, 'lidar-review3d-strip.png') });
    expect(errors).toEqual([]);
  } finally {
    await host.stop();
  }

  const after = readDoc(project);
  expect(after.objects.filter((o) => o.accepted).map((o) => o.id).sort()).toEqual([order[k], ...high].map((o) => o.id).sort());
  expect(after.rejected?.map((r) => [r.id, r.frame, r.reason])).toEqual([[order[k + 1].id, 1, 'rejected']]);
  expect(after.objects.map((o) => o.id)).not.toContain(order[k + 1].id);
  expect(after.tracks.length).toBeGreaterThan(0); // the imported tracks are still there

  const again = await prelabel(project);
  expect(again.predictions).toBe(0);
  expect(readDoc(project).objects.map((o) => o.id)).not.toContain(order[k + 1].id);
});
