import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openPredictor } from './predictor';
import { InferenceRuntime, defaultProviders } from './runtime';
import { constantModel } from './testing/onnxGraph';
import { COCO139, HAVE_YOLOX, NEEDS_DATA, YOLOX, entry, yoloxManifest } from './testing/fixtures';

const dir = mkdtempSync(path.join(tmpdir(), 'datum-rt-'));
// Default providers: whichever this machine runs (CPU here, CUDA on a GPU box with CUDA's ONNX
// Runtime) is what the runtime must report; the test does not assume the hardware.
const runtime = new InferenceRuntime({ threads: 1 });
afterAll(async () => {
  await runtime.close();
  rmSync(dir, { recursive: true, force: true });
});

const file = path.join(dir, 'const.onnx');
writeFileSync(file, constantModel([{ name: 'x', dims: [1, 3, 8, 8] }], [{ name: 'y', dims: [1, 4], data: Float32Array.of(1, 2, 3, 4) }]));
const feed = () => ({ x: { type: 'float32' as const, dims: [1, 3, 8, 8], data: new Float32Array(192) } });

describe('inference runtime (worker thread)', () => {
  it('runs in a worker, reuses the cached session and reports the provider that runs it', async () => {
    const override = process.env.DATUM_INFERENCE_PROVIDERS; // the per-platform lists, without a user's override
    delete process.env.DATUM_INFERENCE_PROVIDERS;
    expect(defaultProviders('linux')).toEqual(['cuda', 'cpu']);
    expect(defaultProviders('win32')).toEqual(['cuda', 'dml', 'cpu']);
    expect(defaultProviders('darwin')).toEqual(['coreml', 'cpu']);
    if (override !== undefined) process.env.DATUM_INFERENCE_PROVIDERS = override;
    const first = await runtime.load('const', file);
    expect(first.created).toBe(true);
    expect(first.inputs).toEqual([{ name: 'x', type: 'float32', shape: [1, 3, 8, 8] }]);
    // The provider reported is the one that opened the session: the first of the list that did
    // not fail. Each one tried before it failed with its reason recorded; none after it was tried.
    const tried = defaultProviders();
    const used = runtime.providerFor('const')!;
    expect(used).toBe(first.provider);
    expect(tried).toContain(used);
    const failed = tried.slice(0, tried.indexOf(used));
    expect((first.errors ?? []).map((e) => e.split(':')[0])).toEqual(failed);
    const a = await runtime.run('const', feed());
    expect([...(a.y.data as Float32Array)]).toEqual([1, 2, 3, 4]);
    const again = await runtime.load('const', file);
    expect(again).toBe(first); // same load, no new session
    await runtime.run('const', feed());
    const stats = await runtime.stats();
    expect(stats.sessionsCreated).toBe(1);
    expect(stats.sessions).toContain('const');
  });

  it('transfers the input buffers instead of copying them', async () => {
    const f = feed();
    await runtime.run('const', f);
    expect(f.x.data.length).toBe(0); // detached by the transfer
  });

  it('gives the input buffers back, transferred, when the caller recycles them', async () => {
    const f = feed();
    f.x.data.fill(3);
    let back: Awaited<ReturnType<typeof feed>> | undefined;
    const out = await runtime.run('const', f, { recycle: (feeds) => (back = feeds as typeof f) });
    expect([...(out.y.data as Float32Array)]).toEqual([1, 2, 3, 4]);
    expect(f.x.data.length).toBe(0); // sent away...
    expect(back!.x.dims).toEqual([1, 3, 8, 8]); // ...and back, whole, before the run's promise settles
    expect(back!.x.data.length).toBe(192);
    expect([...new Set(back!.x.data)]).toEqual([3]);
  });

  it('names the file when a model cannot be opened, and the model stays unloaded', async () => {
    const bad = path.join(dir, 'bad.onnx');
    writeFileSync(bad, 'not onnx');
    await expect(runtime.load('bad', bad)).rejects.toThrow(bad);
    expect(runtime.providerFor('bad')).toBeUndefined();
    await expect(runtime.run('bad', feed())).rejects.toThrow(/not loaded/);
  });

  it('an aborted signal rejects with AbortError and the runtime keeps working', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(runtime.run('const', feed(), { signal: ac.signal })).rejects.toMatchObject({ name: 'AbortError' });
    const ac2 = new AbortController();
    const p = runtime.run('const', feed(), { signal: ac2.signal });
    ac2.abort();
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
    const ok = await runtime.run('const', feed());
    expect(ok.y.dims).toEqual([1, 4]);
  });

  it.skipIf(!HAVE_YOLOX)(`aborts a long pre-labelling batch part way ${NEEDS_DATA}`, async () => {
    const p = await openPredictor(runtime, entry(yoloxManifest(), YOLOX));
    const ac = new AbortController();
    const seen: number[] = [];
    const batch = p.predictMany(Array(20).fill(COCO139), {
      signal: ac.signal,
      onResult: (item) => {
        seen.push(item.index);
        if (item.index === 1) ac.abort();
      },
    });
    await expect(batch).rejects.toMatchObject({ name: 'AbortError' });
    expect(seen).toEqual([0, 1]);
    // a bad image in a batch is reported and the batch goes on
    const items = await p.predictMany([COCO139, path.join(dir, 'missing.jpg'), COCO139]);
    expect(items.map((i) => Boolean(i.error))).toEqual([false, true, false]);
    expect(items[1].error).toContain('missing.jpg');
    expect(items[2].predictions!.length).toBeGreaterThan(3);
    expect((await runtime.stats()).sessionsCreated).toBe(2);
  });
});

describe('bundled worker entry', () => {
  it('an esbuild bundle finds inference-worker.js beside it and runs a model', async () => {
    const { build } = await import('esbuild');
    const { execFileSync } = await import('node:child_process');
    const { symlinkSync } = await import('node:fs');
    const here = path.dirname(new URL(import.meta.url).pathname);
    const out = mkdtempSync(path.join(tmpdir(), 'datum-bundle-'));
    try {
      // the bundle keeps npm packages external, as scripts/build-main.mjs does
      symlinkSync(path.resolve(here, '../../../node_modules'), path.join(out, 'node_modules'), 'junction');
      const main = path.join(out, 'main.ts');
      writeFileSync(
        main,
        `import { InferenceRuntime } from ${JSON.stringify(path.join(here, 'runtime.ts'))};
const rt = new InferenceRuntime({ threads: 1, providers: ['cpu'] });
await rt.load('c', ${JSON.stringify(file)});
const r = await rt.run('c', { x: { type: 'float32', dims: [1, 3, 8, 8], data: new Float32Array(192) } });
console.log(JSON.stringify({ y: [...r.y.data], provider: rt.providerFor('c') }));
await rt.close();`,
      );
      await build({
        entryPoints: { cli: main, 'inference-worker': path.join(here, 'worker.ts') },
        outdir: out,
        bundle: true,
        platform: 'node',
        format: 'esm',
        packages: 'external',
        logLevel: 'silent',
        outExtension: { '.js': '.mjs' },
      });
      // the runtime's default is inference-worker.js; esbuild wrote .mjs here, so name it as the app build does
      const { renameSync } = await import('node:fs');
      renameSync(path.join(out, 'inference-worker.mjs'), path.join(out, 'inference-worker.js'));
      writeFileSync(path.join(out, 'package.json'), '{"type":"module"}');
      const stdout = execFileSync(process.execPath, [path.join(out, 'cli.mjs')], { encoding: 'utf8', timeout: 30_000 });
      expect(JSON.parse(stdout.trim().split('\n').pop()!)).toEqual({ y: [1, 2, 3, 4], provider: 'cpu' });
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
