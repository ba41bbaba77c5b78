import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url));

// VITE_DATUM_TEST_HOOKS=1 builds the E2E variant (renderer/testHooks.ts) into dist/renderer-test.
const testBuild = process.env.VITE_DATUM_TEST_HOOKS === '1';

// The renderer is served from "/" by both hosts (datum://app/ and http://127.0.0.1:port/).
export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL(testBuild ? '../dist/renderer-test' : '../dist/renderer', import.meta.url)),
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 2000,
    target: 'es2022',
  },
  worker: { format: 'es' },
});
