/**
 * The file reads of a volume build, shared by the calling thread (dicomFiles.ts filePixelReader)
 * and the worker threads (worker.ts), so both read the same bytes the same way.
 */
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import path from 'node:path';
import type { TaskIo } from '../../../core/medical/series';

/**
 * Read `into.length` bytes of `file` at `position` straight into `into` (a slice of the volume,
 * possibly in a SharedArrayBuffer); returns how many bytes there were. Synchronous: under load each
 * awaited open/read/close round trip through libuv's pool left a build idle (cpu-prof: ~290 ms
 * "(idle)" of a cold build), and on a worker thread blocking is what the thread is for.
 */
export function readIntoSync(file: string, into: Uint8Array, position: number): number {
  const fd = openSync(file, 'r');
  try {
    let at = 0;
    while (at < into.length) {
      const n = readSync(fd, into, at, into.length - at, position + at);
      if (n === 0) break;
      at += n;
    }
    return at;
  } finally {
    closeSync(fd);
  }
}

/** TaskIo over the files below `root` (names as in the stack's images). */
export function taskIo(root: string): TaskIo {
  return {
    readInto: (file, into, position) => readIntoSync(path.join(root, file), into, position),
    readAll: (file) => {
      const b = readFileSync(path.join(root, file));
      return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    },
  };
}
