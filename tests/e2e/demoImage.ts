/** Gestures on the demo project's 640-px-wide shapes images, shared by the multi-user specs. */
import type { Page } from '@playwright/test';

/** Class 4, box tool, then a drag from (x1, y1) to (x2, y2) in image pixels. */
export async function drawBox(page: Page, x1: number, y1: number, x2: number, y2: number): Promise<void> {
  await page.keyboard.press('4');
  await page.keyboard.press('b');
  const img = page.getByTestId('image-viewer').locator('img');
  const b = (await img.boundingBox())!;
  const k = b.width / 640;
  await page.mouse.move(b.x + x1 * k, b.y + y1 * k);
  await page.mouse.down();
  await page.mouse.move(b.x + x2 * k, b.y + y2 * k, { steps: 4 });
  await page.mouse.up();
}
