// Bundles the Node side: the CLI/headless host (ESM), the Electron main process and the
// sandboxed preload (CommonJS; a sandboxed preload cannot require node_modules, so it is
// self-contained). npm dependencies stay external for the Node bundles: they are installed.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';

rmSync('dist/main', { recursive: true, force: true });
rmSync('dist/preload', { recursive: true, force: true });

const common = { bundle: true, platform: 'node', target: 'node20', sourcemap: true, logLevel: 'warning' };

// Worker-thread entries are separate files next to the CLI so `new URL('./x.js', import.meta.url)` finds them.
const nodeEntries = {
  cli: 'main/cli/index.ts',
  'pointcloud-worker': 'main/services/pointcloud/worker.ts',
  'inference-worker': 'main/services/inference/worker.ts',
};

await build({
  ...common,
  entryPoints: nodeEntries,
  outdir: 'dist/main',
  format: 'esm',
  packages: 'external',
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
});
await build({
  ...common,
  entryPoints: { electron: 'main/electron/main.ts' },
  outdir: 'dist/main',
  outExtension: { '.js': '.cjs' },
  format: 'cjs',
  packages: 'external',
  define: { 'import.meta.url': '__importMetaUrl' },
  banner: { js: "const __importMetaUrl = require('url').pathToFileURL(__filename).href;" },
});
await build({
  ...common,
  entryPoints: { preload: 'preload/preload.ts' },
  outdir: 'dist/preload',
  outExtension: { '.js': '.cjs' },
  format: 'cjs',
  external: ['electron'],
  platform: 'browser',
});
console.log('built dist/main and dist/preload');
