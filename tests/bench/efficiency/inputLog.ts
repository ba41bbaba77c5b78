/**
 * The input logger of the efficiency benchmark: installed in the page before the app loads
 * (`page.addInitScript`), it records what the page receives — trusted keydown, pointerdown /
 * pointerup (with the path length of the pointer between them) and wheel events — in capture phase
 * on window, before any handler of the app can stop them. Costs are computed from this log
 * (klm.ts), never from what the script intended to do: a key the app swallowed still cost the
 * annotator a keystroke, and a synthetic (untrusted) event costs nothing because no person made it.
 */
import type { Page } from '@playwright/test';
import type { InputEvent } from './klm';

declare global {
  interface Window {
    __effLog?: InputEvent[];
    __effUntrusted?: number;
  }
}

/** Runs in the page. Self-contained: Playwright serialises the function's source. */
function installInputLog(): void {
  if (window.__effLog) return;
  const log: InputEvent[] = [];
  window.__effLog = log;
  window.__effUntrusted = 0;
  let down: { x: number; y: number; path: number } | null = null;
  const opts = { capture: true, passive: true } as const;
  const now = () => performance.now();
  window.addEventListener('keydown', (e) => {
    if (!e.isTrusted) return void window.__effUntrusted!++;
    log.push({ t: now(), type: 'key', key: e.key, repeat: e.repeat });
  }, opts);
  window.addEventListener('pointerdown', (e) => {
    if (!e.isTrusted) return void window.__effUntrusted!++;
    down = { x: e.clientX, y: e.clientY, path: 0 };
    log.push({ t: now(), type: 'down', x: e.clientX, y: e.clientY, button: e.button });
  }, opts);
  window.addEventListener('pointermove', (e) => {
    if (!e.isTrusted || !down) return;
    down.path += Math.hypot(e.clientX - down.x, e.clientY - down.y);
    down.x = e.clientX;
    down.y = e.clientY;
  }, opts);
  window.addEventListener('pointerup', (e) => {
    if (!e.isTrusted) return void window.__effUntrusted!++;
    const path = down ? down.path + Math.hypot(e.clientX - down.x, e.clientY - down.y) : 0;
    down = null;
    log.push({ t: now(), type: 'up', x: e.clientX, y: e.clientY, button: e.button, path });
  }, opts);
  window.addEventListener('wheel', (e) => {
    if (!e.isTrusted) return void window.__effUntrusted!++;
    log.push({ t: now(), type: 'wheel', x: e.clientX, y: e.clientY, dy: e.deltaY });
  }, opts);
}

/** Install the logger for every document the page loads from now on. */
export async function installLogger(page: Page): Promise<void> {
  // As source text: tsx/esbuild (keepNames) wraps inner functions in a `__name` helper that does not
  // exist in the page, so a shim comes first.
  await page.addInitScript({ content: `var __name = (f) => f;\n(${installInputLog.toString()})();` });
}

/** Events logged so far from index `from` on (the log survives only within one document). */
export async function readLog(page: Page, from = 0): Promise<InputEvent[]> {
  return page.evaluate((f) => (window.__effLog ?? []).slice(f), from);
}

export async function logLength(page: Page): Promise<number> {
  return page.evaluate(() => window.__effLog?.length ?? -1);
}

export async function untrustedCount(page: Page): Promise<number> {
  return page.evaluate(() => window.__effUntrusted ?? 0);
}
