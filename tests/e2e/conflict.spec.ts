/**
 * Two people on one image, for real: two browser contexts (an annotator and a reviewer, say)
 * against one `datum serve`. Edits on different objects merge by themselves and each screen
 * refreshes; the same object changed on both sides asks the user, and the answer is what lands
 * on disk. Before revisions the last writer silently won.
 */
import { expect, test, type Browser, type Page } from '@playwright/test';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli, startHost, type RunningHost } from './host';
import { drawBox } from './demoImage';

let demo: string;
let host: RunningHost;

test.beforeAll(async () => {
  demo = path.join(mkdtempSync(path.join(os.tmpdir(), 'e2e-conflict-')), 'demo');
  const r = await runCli(['demo', demo, '--json']);
  expect(r.code, r.stderr).toBe(0);
  host = await startHost([demo]);
});
test.afterAll(async () => host?.stop());

/** A second person: a browser context of their own. `deaf`: never hears other people's saves. */
async function person(browser: Browser, deaf = false): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 860 } });
  const page = await context.newPage();
  if (deaf) {
    await page.routeWebSocket(/\/rpc/, (ws) => {
      const server = ws.connectToServer();
      server.onMessage((m) => {
        if (!String(m).includes('"event":"item.changed"')) ws.send(m);
      });
      ws.onMessage((m) => server.send(m));
    });
  }
  await page.goto(host.url);
  await expect(page.getByTestId('job-progress')).toHaveCount(0, { timeout: 30_000 });
  await page.getByTestId('item-tile').filter({ hasText: 'shapes_01' }).dblclick();
  await expect(page.getByTestId('image-viewer').locator('img')).toHaveJSProperty('naturalWidth', 640);
  await expect(page.getByTestId('editor-overlay')).toBeVisible();
  return page;
}

async function dragBy(page: Page, fromX: number, fromY: number, dx: number, dy: number) {
  await page.keyboard.press('v'); // first: the tool hint can move the image
  const img = page.getByTestId('image-viewer').locator('img');
  const b = (await img.boundingBox())!;
  const k = b.width / 640;
  await page.mouse.move(b.x + fromX * k, b.y + fromY * k);
  await page.mouse.down();
  await page.mouse.move(b.x + (fromX + dx) * k, b.y + (fromY + dy) * k, { steps: 5 });
  await page.mouse.up();
}

function savedBoxes(): Array<{ id: string; x1: number; y1: number }> {
  const dir = path.join(demo, 'annotations');
  const docs = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')));
  const doc = docs.find((d) => d.objects?.some((o: { geometry: { kind: string } }) => o.geometry.kind === 'box2d'));
  return (doc?.objects ?? []).map((o: { id: string; geometry: { x1: number; y1: number } }) => ({ id: o.id, x1: Math.round(o.geometry.x1), y1: Math.round(o.geometry.y1) }));
}

test('two people on one image: edits merge, screens refresh, a real conflict is asked', async ({ browser }) => {
  const a = await person(browser);
  const b = await person(browser, true); // B never hears A's saves: its next save must conflict
  const rowsA = a.getByTestId('object-row');
  const rowsB = b.getByTestId('object-row');

  // A draws; B draws without having seen it: both boxes are kept, and A's screen shows B's box.
  await drawBox(a, 40, 40, 100, 80);
  await expect(a.getByTestId('save-state')).toHaveText('Saved');
  await drawBox(b, 300, 200, 380, 260);
  await expect(b.getByTestId('save-state')).toHaveText('Saved');
  await expect.poll(() => savedBoxes().length).toBe(2);
  await expect(rowsB).toHaveCount(2); // B merged A's box into its own view
  await expect(rowsA).toHaveCount(2); // A was refreshed by B's save
  await expect(b.locator('.toast.info')).toContainText('Merged');

  // Both move A's box: A to the right, B (still deaf) down. B is asked; B keeps A's version.
  await dragBy(a, 70, 60, 40, 0);
  await expect(a.getByTestId('save-state')).toHaveText('Saved');
  await expect.poll(() => savedBoxes().find((o) => o.x1 === 80)).toBeTruthy();
  await b.keyboard.press('Escape');
  await dragBy(b, 70, 60, 0, 30);
  const dialog = b.getByTestId('conflict-dialog');
  await expect(dialog).toBeVisible();
  await expect(dialog.getByTestId('conflict-row')).toHaveCount(1);
  await b.screenshot({ path: 'test-results/screens/conflict-dialog.png' });
  // The dialog is modal for keys: B does not switch the editor's tool, Escape decides nothing.
  const boxPressed = await b.getByTestId('tool-box').getAttribute('aria-pressed');
  await b.keyboard.press('b');
  await b.keyboard.press('Escape');
  await expect(dialog).toBeVisible();
  await expect(b.getByTestId('tool-box')).toHaveAttribute('aria-pressed', boxPressed ?? 'false');
  await expect(b.getByTestId('image-editor')).toBeVisible();
  await dialog.getByTestId('conflict-all-theirs').click();
  await expect(dialog).toHaveCount(0);
  await expect(b.getByTestId('save-state')).toHaveText('Saved');
  const boxes = savedBoxes();
  expect(boxes).toHaveLength(2);
  expect(boxes.filter((o) => o.x1 === 80 && o.y1 === 40)).toHaveLength(1); // A's move, not B's
  await expect(b.locator('[data-testid=shape][data-kind=box2d] rect[x="80"]')).toHaveCount(1);
});
