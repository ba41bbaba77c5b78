/**
 * The built `datum` command (bin/datum.js -> dist/main/cli.cjs, issue #19): the CommonJS launcher
 * answers --help/--version/unknown commands from the command table bundled into it at build time,
 * and runs `inspect` from its own CommonJS bundles. These tests hold it to the source: the help it
 * prints is the table's (a stale or drifted build fails here), every command still reaches its
 * loader, `inspect` prints exactly what the ES module CLI prints, and the cheap paths never start
 * Node's ES module loader (the point of the launcher).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { HAS_SHARED_DATA, SHARED_DATA } from '../../tests/helpers/sharedData';
import { VERSION } from '../version';
import { loaders, main } from './index';
import { SUMMARIES, helpText } from './summaries';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = path.join(ROOT, 'bin', 'datum.js');

function datum(args: string[], nodeFlags: string[] = []) {
  const r = spawnSync(process.execPath, [...nodeFlags, BIN, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** `datum ...` in this process, through the ES module CLI's main (what the launcher hands other commands to). */
async function inProcess(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  try {
    return { code: await main(args), out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

beforeAll(() => {
  for (const f of ['cli.cjs', 'cli-inspect.cjs', 'cli.js']) {
    if (!existsSync(path.join(ROOT, 'dist', 'main', f))) throw new Error(`dist/main/${f} is missing: run "npm run build:main" first (npm install/npm ci do it)`);
  }
});

describe('the command table', () => {
  it('has a loader for every command and no loader without a summary', () => {
    expect(Object.keys(loaders).sort()).toEqual(Object.keys(SUMMARIES).sort());
  });
});

describe('bin/datum.js (CommonJS launcher)', () => {
  it('prints the help the command table makes, for --help, -h, help and no arguments', () => {
    const help = helpText();
    for (const name of Object.keys(SUMMARIES)) expect(help).toContain(`  ${name.padEnd(10)} ${SUMMARIES[name as keyof typeof SUMMARIES]}\n`);
    for (const args of [['--help'], ['-h'], ['help'], []]) expect(datum(args)).toEqual({ code: 0, out: help, err: '' });
  });

  it('prints the version, and the help on stderr with exit code 2 for an unknown command', () => {
    expect(datum(['--version'])).toEqual({ code: 0, out: `${VERSION}\n`, err: '' });
    expect(datum(['-v']).out).toBe(`${VERSION}\n`);
    expect(datum(['frobnicate'])).toEqual({ code: 2, out: '', err: `datum: unknown command "frobnicate"\n\n${helpText()}` });
    // Not a command: a property every object has.
    expect(datum(['constructor']).code).toBe(2);
  });

  it("reaches every command: `datum <command> --help` prints that command's usage, as the in-process CLI does", async () => {
    for (const name of Object.keys(SUMMARIES)) {
      const r = datum([name, '--help']);
      expect(r.code, `${name}: ${r.err}`).toBe(0);
      expect(r.out).toMatch(new RegExp(`^Usage: datum ${name}\\b`));
      expect(r.out).toContain(SUMMARIES[name as keyof typeof SUMMARIES]);
      expect(r).toEqual(await inProcess([name, '--help']));
    }
  }, 180_000); // 13 fresh processes, some loading the server: ~30 s on a loaded 2-core machine

  it('reports a bad option with exit code 2 and the command help, as the in-process CLI does', async () => {
    const r = datum(['inspect', '--no-such-option']);
    expect(r.code).toBe(2);
    expect(r.err).toContain("datum inspect: Unknown option '--no-such-option'");
    expect(r).toEqual(await inProcess(['inspect', '--no-such-option']));
    expect(datum(['qa', '--no-such-option'])).toEqual(await inProcess(['qa', '--no-such-option']));
  });

  it('starts without the ES module loader for --help and inspect, and enters it for the other commands', () => {
    // Node's list of the internal modules it loaded, printed at exit by a preloaded CommonJS script.
    const dir = mkdtempSync(path.join(os.tmpdir(), 'datum-launch-'));
    const probe = path.join(dir, 'modules.cjs');
    writeFileSync(probe, "process.on('exit', () => require('fs').writeSync(2, '\\nMODULES ' + JSON.stringify(process.moduleLoadList) + '\\n'));\n");
    const loaded = (args: string[]) => {
      const r = datum(args, ['--require', probe]);
      const line = r.err.split('\n').find((l) => l.startsWith('MODULES '));
      if (!line) throw new Error(`no module list: ${r.err}`);
      return JSON.parse(line.slice('MODULES '.length)) as string[];
    };
    const ESM_LOADER = 'NativeModule internal/modules/esm/loader';
    expect(loaded(['--help'])).not.toContain(ESM_LOADER);
    expect(loaded(['qa', '--help'])).toContain(ESM_LOADER); // the control: the name is right
    const pcd = path.join(dir, 'tiny.pcd');
    writeFileSync(pcd, 'VERSION 0.7\nFIELDS x y z\nSIZE 4 4 4\nTYPE F F F\nCOUNT 1 1 1\nWIDTH 2\nHEIGHT 1\nPOINTS 2\nDATA ascii\n0 0 0\n1 2 3\n');
    const inspect = loaded(['inspect', pcd]);
    expect(inspect).not.toContain(ESM_LOADER);
    expect(inspect, 'no stdout stream is built').not.toContain('NativeModule internal/streams/writable');
  });
});

describe.skipIf(!HAS_SHARED_DATA)('datum inspect from its CommonJS bundles', () => {
  it('prints what the ES module CLI prints, for every kind of file and for errors', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'datum-inspect-'));
    writeFileSync(path.join(dir, 'broken.webm'), 'not a video');
    writeFileSync(path.join(dir, 'broken.pcd'), 'not a cloud');
    const files = [
      'pcd/bunny.pcd',
      'kitti/velodyne/000000.bin',
      'las/indoor.laz',
      'ply/bun_zipper.ply',
      'video/highway_720p.mp4',
      'video/highway_720p.vp9.webm',
      'images/coco139/000000000139.jpg',
      'nifti/minimal.nii.gz',
      'dicom/single/JPEG-lossy.dcm',
      'README.md',
    ].map((f) => path.join(SHARED_DATA, f));
    files.push(path.join(dir, 'broken.webm'), path.join(dir, 'broken.pcd'), path.join(dir, 'missing.pcd'));
    for (const file of files) {
      for (const args of [['inspect', file, '--json'], ['inspect', file]]) {
        const expected = await inProcess(args);
        expect(datum(args), args.join(' ')).toEqual(expected);
      }
    }
    // The error codes survive the split into several bundles (one DatumError class, dist/main/cli-errors.cjs).
    expect(JSON.parse(datum(['inspect', path.join(dir, 'broken.webm'), '--json']).out)).toEqual({ error: { code: 'BAD_FILE', message: 'broken.webm: not a WebM file (no EBML header)' } });
    expect(JSON.parse(datum(['inspect', path.join(dir, 'broken.pcd'), '--json']).out).error.code).toBe('BAD_FILE');
    expect(JSON.parse(datum(['inspect', path.join(dir, 'missing.pcd'), '--json']).out).error.code).toBe('NOT_FOUND');
  }, 180_000); // 26 fresh processes: ~37 s on a loaded 2-core machine
});
