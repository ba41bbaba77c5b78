// Bundles the Node side: the CLI/headless host (ESM), its worker-thread entries (ESM), the
// Electron main process (CommonJS) and the sandboxed preload (CommonJS; a sandboxed preload cannot
// require node_modules, so it is self-contained).
//
// npm packages are bundled in, except RUNTIME_EXTERNALS: packages that must stay files on disk at
// run time (native addons, Emscripten modules that read their .wasm beside themselves). Those are
// the only production `dependencies`, so the packaged app carries nothing else. After building,
// every external import left in a bundle is resolved the way that bundle loads it (require() for
// CommonJS, import for ESM) from dist/main: a package whose `exports` do not answer that condition
// (nifti-reader-js only answers `import`, which crashed the Electron main process at start) fails
// the build instead of the user's launch. dist/main/externals.json records what each bundle loads
// from node_modules, for the packaging test.
import { build } from 'esbuild';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** Packages loaded from node_modules at run time, and why they cannot be bundled. */
export const RUNTIME_EXTERNALS = {
  electron: 'provided by the Electron runtime',
  sharp: 'native addon (libvips)',
  'onnxruntime-node': 'native addon (ONNX Runtime)',
  'laz-perf': 'Emscripten module that reads laz-perf.wasm beside itself',
  '@cornerstonejs/codec-charls': 'Emscripten module that reads its .wasm beside itself',
  '@cornerstonejs/codec-openjpeg': 'Emscripten module that reads its .wasm beside itself',
  '@cornerstonejs/codec-libjpeg-turbo-8bit': 'Emscripten module that reads its .wasm beside itself',
  // ws's optional native speed-ups, required inside try/catch; absent is fine.
  bufferutil: 'optional (ws)',
  'utf-8-validate': 'optional (ws)',
  // pg requires it only for `pg.native`, which Datum never uses (the team store is pure JS).
  'pg-native': 'optional (pg)',
};
const OPTIONAL = new Set(['bufferutil', 'utf-8-validate', 'pg-native']);

const external = Object.keys(RUNTIME_EXTERNALS).flatMap((p) => [p, `${p}/*`]);
const packageOf = (spec) => spec.split('/').slice(0, spec.startsWith('@') ? 2 : 1).join('/');

rmSync('dist/main', { recursive: true, force: true });
rmSync('dist/preload', { recursive: true, force: true });
mkdirSync('dist/main', { recursive: true });

const common = { bundle: true, platform: 'node', target: 'node20', sourcemap: true, logLevel: 'warning', metafile: true, external };
// ESM bundles that pull in CommonJS packages need a real `require` for their dynamic requires.
const esmBanner = "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);";

/** bundle file name -> module system it is loaded with */
const bundles = {};
const externalsOf = {};

function record(result, format) {
  for (const [out, meta] of Object.entries(result.metafile.outputs)) {
    if (out.endsWith('.map')) continue;
    const name = path.basename(out);
    bundles[name] = format;
    externalsOf[name] = [...new Set(meta.imports.filter((i) => i.external && !isBuiltin(i.path) && !i.path.startsWith('./')).map((i) => i.path))].sort();
  }
}

// The CLI is split (ESM chunks beside cli.js): each command is a dynamic import, so `datum --help`
// parses a few KB instead of the whole 2 MB host, and a command loads only what it uses (cold start,
// issue #19). Chunks share one copy of every module, so classes stay one class across chunks.
record(
  await build({
    ...common,
    entryPoints: { cli: 'main/cli/index.ts' },
    outdir: 'dist/main',
    format: 'esm',
    splitting: true,
    // Chunks sit beside cli.js: code in them resolves siblings (workers, ../renderer) from import.meta.url.
    chunkNames: '[name]-[hash]',
    banner: { js: esmBanner },
  }),
  'esm',
);
// The CommonJS launcher and per-command bundles (issue #19): bin/datum.js requires cli.cjs, which
// answers --help/--version/unknown commands from the command table bundled into it, runs `inspect`
// from cli-inspect.cjs and hands every other command to the ES module CLI above. A fresh process
// then loads 2-3 CommonJS files instead of entering Node's ES module loader for 5-13 chunks.
// CommonJS has no code splitting, and compiling a file costs in proportion to its size (mp4box and
// the DICOM/NIfTI readers were 600 of 700 KB), so inspect's video and medical readers are bundles
// of their own, required only for such files (INSPECT_SIBLINGS), and modules whose identity
// matters across those files (DatumError: `instanceof` decides the error code) live once, in a
// shared file (CJS_SHARED). import.meta.url is defined as in electron.cjs.
const cjsImportMeta = {
  define: { 'import.meta.url': '__importMetaUrl' },
  banner: { js: "const __importMetaUrl = require('url').pathToFileURL(__filename).href;" },
};
/** Module (repository path, no extension) -> the CommonJS bundle beside cli.cjs that holds it. */
const INSPECT_SIBLINGS = { 'main/services/inspect/video': 'cli-inspect-video.cjs', 'main/services/inspect/medical': 'cli-inspect-medical.cjs' };
const CJS_SHARED = { 'main/rpc/errors': 'cli-errors.cjs' };

/**
 * Imports of the mapped modules become `require('./<bundle>')` of a sibling file (a plain
 * require, so Node's ES module loader stays out of it; a dynamic import() of it stays lazy).
 * `own` is the module the bundle being built is made of (it is not replaced in itself).
 */
function siblingBundles(map, own) {
  return {
    name: 'sibling-bundles',
    setup(b) {
      b.onResolve({ filter: /^\.\.?\// }, (args) => {
        if (args.namespace === 'sibling') return { path: args.path, external: true };
        const key = path.relative(process.cwd(), path.resolve(args.resolveDir, args.path)).split(path.sep).join('/').replace(/\.ts$/, '');
        if (!(key in map) || key === own) return undefined;
        return { path: map[key], namespace: 'sibling' };
      });
      b.onLoad({ filter: /.*/, namespace: 'sibling' }, (args) => ({ contents: `module.exports = require(${JSON.stringify('./' + args.path)});`, loader: 'js', resolveDir: process.cwd() }));
    },
  };
}

const cjsCli = { ...common, outdir: 'dist/main', outExtension: { '.js': '.cjs' }, format: 'cjs', ...cjsImportMeta };
const cjsBuilds = [
  // The launcher runs no command: it shares nothing, and --help loads this one file.
  { entryPoints: { cli: 'main/cli/launch.ts' }, map: {} },
  { entryPoints: { 'cli-inspect': 'main/cli/inspectMain.ts' }, map: { ...INSPECT_SIBLINGS, ...CJS_SHARED } },
  ...Object.entries({ ...INSPECT_SIBLINGS, ...CJS_SHARED }).map(([mod, file]) => ({ entryPoints: { [file.replace(/\.cjs$/, '')]: mod + '.ts' }, map: CJS_SHARED, own: mod })),
];
const cjsInputs = {};
for (const { entryPoints, map, own } of cjsBuilds) {
  const result = await build({ ...cjsCli, entryPoints, plugins: [siblingBundles(map, own)] });
  record(result, 'cjs');
  for (const [out, meta] of Object.entries(result.metafile.outputs)) if (!out.endsWith('.map')) cjsInputs[path.basename(out)] = Object.keys(meta.inputs);
}
// A module in two of inspect's files would be two copies (two DatumError classes): fail the build
// and name it, so it goes in CJS_SHARED (or the split is rethought) instead of a wrong error code.
{
  const files = ['cli-inspect.cjs', ...Object.values(INSPECT_SIBLINGS), ...Object.values(CJS_SHARED)];
  const seen = new Map();
  for (const f of files) {
    for (const input of cjsInputs[f]) {
      if (input.startsWith('node_modules/') || input.startsWith('sibling:')) continue; // packages: no identity shared with our code
      if (seen.has(input)) throw new Error(`build-main: ${input} is bundled into both ${seen.get(input)} and ${f}; add it to CJS_SHARED`);
      seen.set(input, f);
    }
  }
}
// Worker-thread entries are separate, self-contained files next to the CLI so
// `new URL('./x.js', import.meta.url)` finds them, and a packaged app can unpack them alone
// (electron-builder.yml unpacks dist/main/*-worker.js; a shared chunk would stay inside app.asar).
record(
  await build({
    ...common,
    entryPoints: {
      'pointcloud-worker': 'main/services/pointcloud/worker.ts',
      'inference-worker': 'main/services/inference/worker.ts',
      'medical-worker': 'main/services/medicalWorkers/worker.ts',
    },
    outdir: 'dist/main',
    format: 'esm',
    banner: { js: esmBanner },
  }),
  'esm',
);
record(
  await build({
    ...common,
    entryPoints: { electron: 'main/electron/main.ts' },
    outdir: 'dist/main',
    outExtension: { '.js': '.cjs' },
    format: 'cjs',
    define: { 'import.meta.url': '__importMetaUrl' },
    banner: { js: "const __importMetaUrl = require('url').pathToFileURL(__filename).href;" },
  }),
  'cjs',
);
await build({
  ...common,
  metafile: false,
  external: ['electron'],
  entryPoints: { preload: 'preload/preload.ts' },
  outdir: 'dist/preload',
  outExtension: { '.js': '.cjs' },
  format: 'cjs',
  platform: 'browser',
});

// Every external must load the way its bundle loads it, and be a production dependency.
const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const problems = [];
for (const [name, format] of Object.entries(bundles)) {
  const file = path.resolve('dist/main', name);
  for (const spec of externalsOf[name]) {
    const owner = packageOf(spec);
    if (!(owner in RUNTIME_EXTERNALS)) problems.push(`${name}: imports ${spec}, which is not in RUNTIME_EXTERNALS`);
    if (owner === 'electron' || OPTIONAL.has(owner)) continue;
    if (!pkg.dependencies?.[owner]) problems.push(`${name}: loads ${spec} at run time but ${owner} is not in package.json "dependencies" (it would be missing from the packaged app)`);
    try {
      if (format === 'cjs') createRequire(file).resolve(spec);
      else import.meta.resolve(spec, pathToFileURL(file).href);
    } catch (e) {
      problems.push(`${name} (${format === 'cjs' ? 'require' : 'import'}): cannot load ${spec}: ${e.code ?? ''} ${e.message.split('\n')[0]}`);
    }
  }
}
if (problems.length) {
  console.error(`build-main: external packages that would fail at run time:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
writeFileSync('dist/main/externals.json', JSON.stringify({ bundles, externals: externalsOf }, null, 2) + '\n');
console.log('built dist/main and dist/preload');
