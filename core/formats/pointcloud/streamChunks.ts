/**
 * Parses a cloud that arrives as a stream of byte chunks of any size (a fetch body in the browser
 * worker), with the streamed plans of stream.ts: the body is staged through one small reused
 * buffer, whole records at a time, and decoded straight into the output arrays; the file is never
 * held whole. Without a plan (or when the size is unknown) the chunks are gathered into one
 * buffer of the announced size and parsed whole, as before.
 */
import { assembleCloud, parsePointCloud, resolveFormat } from './index';
import { planStream, STREAM_HEAD_BYTES } from './stream';
import { PointCloudError, type ParseOptions, type PointCloud } from './types';

/** Staging buffer size (whole records): big enough that per-chunk overhead does not show. */
const STAGE_BYTES = 512 * 1024;

/**
 * `size` is the file's length in bytes (a Content-Length), or null when unknown. Throws
 * PointCloudError (code 'io' when the stream ends early or runs long).
 */
export async function parsePointCloudChunks(chunks: AsyncIterable<Uint8Array>, size: number | null, fileName: string, options: ParseOptions = {}): Promise<PointCloud> {
  const started = performance.now();
  const it = chunks[Symbol.asyncIterator]();
  if (size === null) {
    const parts: Uint8Array[] = [];
    for (let r = await it.next(); !r.done; r = await it.next()) parts.push(r.value);
    return parsePointCloud(concat(parts), fileName, options);
  }
  const early = () => new PointCloudError(fileName, `the data ended before its ${size} bytes`, 'io');
  // The head: the first STREAM_HEAD_BYTES (or the whole file), gathered across chunks.
  const head = new Uint8Array(Math.min(size, STREAM_HEAD_BYTES));
  let filled = 0;
  let rest: Uint8Array | null = null; // bytes of the last chunk beyond the head
  while (filled < head.length) {
    const r = await it.next();
    if (r.done) throw early();
    const take = Math.min(r.value.length, head.length - filled);
    head.set(r.value.subarray(0, take), filled);
    filled += take;
    if (take < r.value.length) rest = r.value.subarray(take);
  }
  const format = resolveFormat(fileName, head, options);
  const plan = size > head.length ? planStream(format, head, size, fileName, options) : null;
  if (!plan) {
    const all = new Uint8Array(size);
    all.set(head, 0);
    let at = head.length;
    const put = (bytes: Uint8Array) => {
      if (at + bytes.length > size) throw new PointCloudError(fileName, `the data runs past its announced ${size} bytes`, 'io');
      all.set(bytes, at);
      at += bytes.length;
    };
    if (rest) put(rest);
    for (let r = await it.next(); !r.done; r = await it.next()) put(r.value);
    if (at < size) throw early();
    return parsePointCloud(all, fileName, options);
  }

  const bodyEnd = plan.bodyStart + plan.count * plan.recordSize;
  const perStage = Math.max(1, Math.floor(STAGE_BYTES / plan.recordSize));
  const stage = new Uint8Array(Math.min(plan.count, perStage) * plan.recordSize);
  let staged = 0; // bytes in `stage`
  let decoded = 0; // records decoded
  const trailer = plan.trailer ? new Uint8Array(plan.trailer.end - plan.trailer.start) : null;
  let pos = 0; // file offset of the next byte handed to `take`
  const take = (bytes: Uint8Array) => {
    let i = 0;
    // Body bytes: staged, decoded a full stage at a time.
    while (i < bytes.length && pos + i < bodyEnd) {
      const from = pos + i;
      if (from < plan.bodyStart) {
        i += Math.min(bytes.length - i, plan.bodyStart - from);
        continue;
      }
      const n = Math.min(bytes.length - i, stage.length - staged, bodyEnd - from);
      stage.set(bytes.subarray(i, i + n), staged);
      staged += n;
      i += n;
      if (staged === stage.length) flush();
    }
    // Bytes after the body: the trailer the plan asked for, if any.
    if (trailer && plan.trailer && i < bytes.length) {
      const from = pos + i - plan.trailer.start;
      const n = Math.min(bytes.length - i, trailer.length - Math.max(0, from));
      if (from >= 0 && n > 0) trailer.set(bytes.subarray(i, i + n), from);
    }
    pos += bytes.length;
    if (pos > size) throw new PointCloudError(fileName, `the data runs past its announced ${size} bytes`, 'io');
  };
  const flush = () => {
    const records = staged / plan.recordSize;
    if (records > 0) plan.decode(stage.subarray(0, staged), decoded, records);
    decoded += records;
    staged = 0;
  };
  try {
    take(head);
    if (rest) take(rest);
    for (let r = await it.next(); !r.done; r = await it.next()) take(r.value);
    if (pos < size) throw early();
    flush();
    if (plan.trailer && trailer) plan.trailer.inspect(trailer);
    return assembleCloud(plan.format, plan.finish(), fileName, options, started);
  } catch (e) {
    if (e instanceof PointCloudError) throw e;
    throw new PointCloudError(fileName, `cannot read ${plan.format} data: ${(e as Error)?.message ?? String(e)}`, 'corrupt');
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
