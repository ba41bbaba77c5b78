import { defineConfig } from 'vitest/config';

// Unit tests sit next to their code (*.test.ts). E2E lives in tests/e2e and runs under Playwright.
export default defineConfig({
  test: {
    include: ['core/**/*.test.ts', 'main/**/*.test.ts', 'renderer/**/*.test.ts', 'preload/**/*.test.ts', 'tests/unit/**/*.test.ts', 'tests/desktop/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    pool: 'forks',
    // In CI, a missing ../shared/data fails the run instead of skipping every real-data test.
    globalSetup: ['tests/helpers/sharedDataGate.ts', 'tests/helpers/pgSetup.ts'],
  },
});
