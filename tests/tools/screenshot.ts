/**
 * Manual look-see: `npx tsx tests/tools/screenshot.ts <project> <out-dir>` starts datum serve on
 * a project and saves screenshots of the main screens (start, browser, ontology, viewers).
 */
import { chromium } from '@playwright/test';
import path from 'node:path';
import { mkdirSync } from 'node:fs';
import { startHost } from '../e2e/host';

const [project, outDir = '/tmp/shots'] = process.argv.slice(2);
mkdirSync(outDir, { recursive: true });
const host = await startHost([project]);
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--no-sandbox', '--disable-background-networking'],
});
const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
page.on('console', (m) => m.type() === 'error' && console.log('console:', m.text()));
page.on('pageerror', (e) => console.log('pageerror:', e.message));
await page.goto(host.url);
await page.waitForSelector('[data-testid=item-tile]');
await page.waitForTimeout(1500);
await page.screenshot({ path: path.join(outDir, 'browser.png') });
await page.getByRole('tab', { name: 'Ontology' }).click();
await page.waitForTimeout(300);
await page.screenshot({ path: path.join(outDir, 'ontology.png') });
await page.getByRole('tab', { name: 'Dataset' }).click();
const tiles = page.locator('[data-testid=item-tile]');
const names = await tiles.allInnerTexts();
const lidar = names.findIndex((n) => n.includes('lidar_drive'));
if (lidar >= 0) {
  await tiles.nth(lidar).dblclick();
  await page.waitForSelector('[data-testid=point-count]:has-text("points")');
  await page.waitForTimeout(1500);
  await page.screenshot({ path: path.join(outDir, 'lidar.png') });
  await page.keyboard.press('Escape');
}
await page.getByRole('button', { name: 'Close project' }).click();
await page.waitForTimeout(300);
await page.screenshot({ path: path.join(outDir, 'start.png') });
await browser.close();
await host.stop();
console.log('screenshots in', outDir);
