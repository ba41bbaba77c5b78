/**
 * Probes the E2E tests read from the page (e.g. the LiDAR scene's projection, to click on a car).
 * They exist only in the renderer built for tests (`VITE_DATUM_TEST_HOOKS=1`, output
 * dist/renderer-test, built by the Playwright global setup): in the production build the
 * condition is the constant `false` and the minifier drops the code, so shipped apps carry no
 * test hooks (tests/desktop/package.test.ts checks the packaged renderer).
 */
const TEST_HOOKS: boolean = import.meta.env.VITE_DATUM_TEST_HOOKS === '1';

export function exposeTestHook(name: `__datum${string}`, value: unknown): void {
  if (TEST_HOOKS) (window as unknown as Record<string, unknown>)[name] = value;
}

/** A value a test put on the page (`window.__datum...`); always undefined outside test builds. */
export function testHookValue<T>(name: `__datum${string}`): T | undefined {
  return TEST_HOOKS ? ((window as unknown as Record<string, unknown>)[name] as T | undefined) : undefined;
}
