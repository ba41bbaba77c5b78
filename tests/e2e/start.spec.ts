/**
 * The start screen of a server with no project: open the built-in demo, close, reopen from
 * recents; a folder the server was not allowed to open gets a clear error and nothing breaks.
 */
import { expect, test } from '@playwright/test';
import { startHost, type RunningHost } from './host';

let host: RunningHost;
test.beforeAll(async () => {
  host = await startHost([]);
});
test.afterAll(async () => host?.stop());

test('start screen: demo, recents, refused folder', async ({ page }) => {
  await page.goto(host.url);
  await expect(page.getByTestId('open-demo')).toBeVisible();
  await page.screenshot({ path: 'test-results/screens/start.png' });

  await page.getByTestId('folder-path').fill('/etc');
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await expect(page.getByTestId('error-toast')).toContainText('outside the folders this server may open');
  await page.getByRole('button', { name: 'Dismiss' }).click();

  await page.getByTestId('open-demo').click();
  await expect(page.getByTestId('project-name')).toHaveText('Datum demo', { timeout: 60_000 });
  await expect(page.getByTestId('item-count')).toHaveText('8 items');
  await page.screenshot({ path: 'test-results/screens/browser.png' });

  await page.getByRole('button', { name: 'Close project' }).click();
  await expect(page.getByRole('button', { name: /Datum demo/ })).toBeVisible();
  await page.getByRole('button', { name: /Datum demo/ }).click();
  await expect(page.getByTestId('item-count')).toHaveText('8 items');
});

test('the token leaves the address bar once traded for the cookie; a reload still works', async ({ page }) => {
  const own = await startHost([]); // a fresh server: the start screen, whatever the test above left open
  try {
    await page.goto(`${own.url}#/`);
    await expect(page.getByTestId('open-demo')).toBeVisible();
    await expect.poll(() => page.evaluate(() => location.search)).toBe('');
    expect(page.url()).not.toContain('token');
    expect(page.url()).toContain('#/'); // the route survives
    // The page and its WebSocket authenticate with the cookie alone.
    await page.reload();
    await page.getByTestId('open-demo').click();
    await expect(page.getByTestId('project-name')).toHaveText('Datum demo', { timeout: 60_000 });
  } finally {
    await own.stop();
  }
});
