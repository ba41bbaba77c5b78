/**
 * Image editor with 2,000 objects vs (almost) none, in real Chromium against `datum serve`: frame
 * times (requestAnimationFrame deltas) during a scripted pan, zoom and drag of one object. Rows are
 * the ratios busy / baseline of the mean frame time (target <= 2x), plus the absolute figures.
 * The baseline image holds only the one box that is dragged. Needs `npm run build` first.
 */
import { chromium, type Browser, type Page } from '@playwright/test';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { startHost } from '../e2e/host';
import type { BenchRow } from './types';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../support/chromium';

const W = 1600, H = 1200, N = 2000;
const CHROMIUM = CHROMIUM_PATH;
const ARGS = CHROMIUM_ARGS;

type Obj = Record<string, unknown>;
const object = (id: string, label: string, geometry: Obj, z: number): Obj => ({ id, label, geometry, frame: 0, attributes: {}, source: { kind: 'human' }, zOrder: z });
/** The dragged box: the same in both documents, on top. */
const DRAGGED = { kind: 'box2d', x1: 760, y1: 560, x2: 840, y2: 640 };

function objects(labels: string[], n: number): Obj[] {
  const out: Obj[] = [];
  let seed = 7;
  const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  for (let i = 0; i < n; i++) {
    const x = rnd() * (W - 60), y = rnd() * (H - 60), s = 12 + rnd() * 40;
    const label = labels[i % labels.length];
    if (i % 2) out.push(object(`b${i}`, label, { kind: 'box2d', x1: x, y1: y, x2: x + s, y2: y + s * 0.8 }, i));
    else {
      const pts: number[] = [];
      for (let k = 0; k < 8; k++) pts.push(x + s / 2 + (Math.cos((k / 8) * 2 * Math.PI) * s) / 2, y + s / 2 + (Math.sin((k / 8) * 2 * Math.PI) * s) / 2);
      out.push(object(`p${i}`, label, { kind: 'polygon', points: pts }, i));
    }
  }
  return out;
}

interface Frames {
  mean: number;
  p95: number;
}

async function record(page: Page, gesture: () => Promise<void>): Promise<Frames> {
  // a string, not a function: tsx would wrap named inner functions in a helper the page lacks
  await page.evaluate(`(() => {
    window.__f = [];
    window.__rec = true;
    let last = performance.now();
    const tick = (t) => {
      window.__f.push(t - last);
      last = t;
      if (window.__rec) requestAnimationFrame(tick);
    };
    requestAnimationFrame((t) => {
      last = t;
      requestAnimationFrame(tick);
    });
  })()`);
  await gesture();
  const f = (await page.evaluate(`new Promise((resolve) => requestAnimationFrame(() => { window.__rec = false; resolve(window.__f); }))`)) as number[];
  f.sort((a, b) => a - b);
  return { mean: f.reduce((s, v) => s + v, 0) / Math.max(1, f.length), p95: f[Math.floor(f.length * 0.95)] ?? 0 };
}

async function measure(browser: Browser, url: string, name: string, count: number): Promise<Record<'pan' | 'zoom' | 'drag', Frames>> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
  await page.goto(url);
  await page.getByTestId('job-progress').waitFor({ state: 'detached', timeout: 30_000 }).catch(() => {});
  await page.getByTestId('item-tile').filter({ hasText: name }).dblclick();
  await page.getByTestId('editor-overlay').waitFor();
  await page.waitForFunction(`document.querySelectorAll('[data-testid="object-row"]').length === ${count}`, undefined, { timeout: 30_000 });
  await page.waitForTimeout(500);
  const box = (await page.getByTestId('image-viewer').boundingBox())!;
  const cx = box.x + box.width / 2, cy = box.y + box.height / 2;
  await page.keyboard.press('v');
  const out = {} as Record<'pan' | 'zoom' | 'drag', Frames>;
  // warm-up (JIT, first layout of the layers), not measured
  await page.mouse.move(cx, cy);
  await page.mouse.down({ button: 'middle' });
  await page.mouse.move(cx + 30, cy + 30, { steps: 5 });
  await page.mouse.move(cx, cy, { steps: 5 });
  await page.mouse.up({ button: 'middle' });
  await page.waitForTimeout(300);
  out.zoom = await record(page, async () => {
    await page.mouse.move(cx, cy);
    for (let i = 0; i < 20; i++) await page.mouse.wheel(0, i < 10 ? -120 : 120);
    await page.waitForTimeout(100);
  });
  await page.keyboard.press('f');
  await page.waitForTimeout(200);
  out.pan = await record(page, async () => {
    await page.mouse.move(cx - 200, cy);
    await page.mouse.down({ button: 'middle' });
    await page.mouse.move(cx + 100, cy + 80, { steps: 25 });
    await page.mouse.move(cx - 200, cy, { steps: 25 });
    await page.mouse.up({ button: 'middle' });
  });
  await page.keyboard.press('f'); // fit again: the dragged box is back where it was
  await page.waitForTimeout(200);
  // the dragged box's centre (the image centre) on screen
  const img = (await page.getByTestId('image-viewer').locator('img').boundingBox())!;
  const at = { x: img.x + img.width / 2, y: img.y + img.height / 2 };
  out.drag = await record(page, async () => {
    await page.mouse.move(at.x, at.y);
    await page.mouse.down();
    await page.mouse.move(at.x + 120, at.y + 60, { steps: 25 });
    await page.mouse.move(at.x, at.y, { steps: 25 });
    await page.mouse.up();
  });
  await page.close();
  return out;
}

export default async function bench(): Promise<BenchRow[]> {
  if (!CHROMIUM) throw new Error('no Chromium: set CHROMIUM_PATH');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-image-'));
  mkdirSync(path.join(dir, 'img'));
  const png = await sharp({ create: { width: W, height: H, channels: 3, background: '#34506a' } }).png().toBuffer();
  writeFileSync(path.join(dir, 'img', 'empty.png'), png);
  writeFileSync(path.join(dir, 'img', 'busy.png'), png);
  const host = await startHost([dir, '--create']);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
  try {
    // annotation documents written before the items are opened
    const project = JSON.parse(readFileSync(path.join(dir, 'datum.json'), 'utf8')) as { sources: { id: string }[]; ontology: { labels: { id: string }[] } };
    const labels = project.ontology.labels.map((l) => l.id);
    const source = project.sources[0].id;
    mkdirSync(path.join(dir, 'annotations'), { recursive: true });
    for (const [name, n] of [['empty.png', 0], ['busy.png', N]] as const) {
      const id = createHash('sha1').update(`${source}\0img/${name}`).digest('hex').slice(0, 16);
      const objs = [...objects(labels, n - (n ? 1 : 0)), object('dragged', labels[0], DRAGGED, n + 1)];
      writeFileSync(path.join(dir, 'annotations', `${id}.json`), JSON.stringify({ schemaVersion: 1, itemId: id, status: 'in_progress', objects: objs, tracks: [], pointLabels: [] }));
    }
    const empty = await measure(browser, host.url, 'empty', 1);
    const busy = await measure(browser, host.url, 'busy', N);
    const rows: BenchRow[] = [];
    for (const g of ['pan', 'zoom', 'drag'] as const) {
      const ratio = busy[g].mean / empty[g].mean;
      rows.push({ name: `image editor ${g}: mean frame time with ${N} objects vs 1`, value: ratio, unit: 'x', target: '<= 2x', pass: ratio <= 2 });
      rows.push({ name: `image editor ${g}: mean / p95 frame ms, ${N} objects (1 object: ${empty[g].mean.toFixed(1)} / ${empty[g].p95.toFixed(1)})`, value: busy[g].mean, unit: `ms (p95 ${busy[g].p95.toFixed(1)})` });
    }
    return rows;
  } finally {
    await browser.close();
    await host.stop();
  }
}
