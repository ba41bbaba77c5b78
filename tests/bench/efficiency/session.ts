/**
 * What every arm of every modality does around the scripted annotator: make the folder a project,
 * serve it, open it in a fresh browser context with the input logger installed, let the arm drive
 * the page, count untrusted (scripted) events, wait for the last debounced saves to land, and
 * fail loudly on any page error. The run*.ts modules only prepare data and verify results.
 */
import type { Browser, Page } from '@playwright/test';
import { startHost } from '../../e2e/host';
import { installLogger, untrustedCount } from './inputLog';
import type { EndQuality } from './verify';

/** `datum serve --create` once: writes datum.json so the CLI (prelabel, models import) can use the folder. */
export async function makeProject(dir: string): Promise<void> {
  const h = await startHost([dir, '--create']);
  await h.stop();
}

/**
 * Re-reads the saved end quality until `settled` says the page's saves have landed (the review
 * strip and the editors save debounced) or `ms` have passed.
 */
export async function settledQuality(read: () => EndQuality, settled: (q: EndQuality) => boolean, ms = 10_000): Promise<EndQuality> {
  let q = read();
  for (const t0 = Date.now(); !settled(q) && Date.now() - t0 < ms; q = read()) await new Promise((r) => setTimeout(r, 250));
  return q;
}

/**
 * Serves `dir` (a project already), runs `drive` on a fresh page and returns what it returned,
 * the untrusted-event count and the wall seconds. `title` names the arm in errors; `prepare` runs on
 * the page before it loads (listeners that must see the page's first WebSocket).
 */
export async function driveArm<T>(browser: Browser, dir: string, title: string, drive: (page: Page) => Promise<T>, prepare?: (page: Page) => void): Promise<{ result: T; untrusted: number; seconds: number }> {
  const host = await startHost([dir]);
  const context = await browser.newContext({ viewport: { width: 1400, height: 860 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  let out: { result: T; untrusted: number; seconds: number };
  try {
    prepare?.(page);
    await installLogger(page);
    await page.goto(host.url);
    const t0 = Date.now();
    const result = await drive(page);
    const untrusted = await untrustedCount(page);
    out = { result, untrusted, seconds: (Date.now() - t0) / 1000 };
  } finally {
    await context.close();
    await host.stop();
  }
  if (errors.length) throw new Error(`${title}: page errors: ${errors.join('; ')}`);
  return out;
}
