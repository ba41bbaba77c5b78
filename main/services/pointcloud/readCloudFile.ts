/**
 * Reads and parses a point-cloud file on the host. A file that cannot be read becomes a
 * PointCloudError naming it (code 'io'), like every parse problem, so callers handle one error type.
 *
 * Record formats (binary PCD, .bin, LAS) are streamed: the file is read in chunks into one small
 * reused buffer and each chunk decoded straight into the output arrays (core/formats/pointcloud/
 * stream.ts), so a cold open touches fresh memory once, for the output, instead of a whole-file
 * Buffer and then the output (issue #19, `npm run bench cold`). Other files are read whole.
 */
import { open, readFile, type FileHandle } from 'node:fs/promises';
import { basename } from 'node:path';
import {
  assembleCloud,
  parsePointCloud,
  planStream,
  PointCloudError,
  resolveFormat,
  STREAM_HEAD_BYTES,
  type ParseOptions,
  type PointCloud,
} from '../../../core/formats/pointcloud';

/** Bytes read per chunk: large enough that syscalls do not show, small enough to stay in L2/L3. */
const CHUNK_BYTES = 512 * 1024;

export async function readCloudFile(path: string, options: ParseOptions = {}): Promise<PointCloud> {
  const fileName = basename(path);
  const ioError = (e: unknown) => new PointCloudError(fileName, `cannot read file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 'io');
  let file: FileHandle;
  try {
    file = await open(path, 'r');
  } catch (e) {
    throw ioError(e);
  }
  try {
    const started = performance.now();
    let size: number;
    let head: Uint8Array;
    try {
      size = (await file.stat()).size;
      head = new Uint8Array(Math.min(size, STREAM_HEAD_BYTES));
      await readFully(file, head, 0);
    } catch (e) {
      throw ioError(e);
    }
    const format = resolveFormat(fileName, head, options);
    const plan = size > head.length ? planStream(format, head, size, fileName, options) : null;
    if (!plan) {
      let bytes: Uint8Array;
      try {
        bytes = size > head.length ? await readFile(path) : head;
      } catch (e) {
        throw ioError(e);
      }
      return await parsePointCloud(bytes, fileName, options);
    }
    const perChunk = Math.max(1, Math.floor(CHUNK_BYTES / plan.recordSize));
    const buffer = new Uint8Array(Math.min(plan.count, perChunk) * plan.recordSize);
    try {
      for (let first = 0; first < plan.count; first += perChunk) {
        const n = Math.min(perChunk, plan.count - first);
        const chunk = buffer.subarray(0, n * plan.recordSize);
        try {
          await readFully(file, chunk, plan.bodyStart + first * plan.recordSize);
        } catch (e) {
          throw ioError(e);
        }
        plan.decode(chunk, first, n);
      }
      if (plan.trailer) {
        const tail = new Uint8Array(plan.trailer.end - plan.trailer.start);
        try {
          await readFully(file, tail, plan.trailer.start);
        } catch (e) {
          throw ioError(e);
        }
        plan.trailer.inspect(tail);
      }
      return assembleCloud(plan.format, plan.finish(), fileName, options, started);
    } catch (e) {
      if (e instanceof PointCloudError) throw e;
      throw new PointCloudError(fileName, `cannot read ${plan.format} data: ${(e as Error)?.message ?? String(e)}`, 'corrupt');
    }
  } finally {
    await file.close();
  }
}

/** Fills `into` from `position`; a file that shrank under us is an error, not a short cloud. */
async function readFully(file: FileHandle, into: Uint8Array, position: number): Promise<void> {
  for (let done = 0; done < into.length; ) {
    const { bytesRead } = await file.read(into, done, into.length - done, position + done);
    if (bytesRead === 0) throw Object.assign(new Error('file ended early (changed while reading?)'), { code: 'ETRUNCATED' });
    done += bytesRead;
  }
}
