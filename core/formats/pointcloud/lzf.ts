/**
 * LZF decompression (the codec of PCD `binary_compressed`). Every read and write is bounds-checked
 * so corrupt input ends in a `LzfError` instead of garbage or an out-of-range loop.
 */

import { lzfDecompressWasm, lzfStreamWasm, lzfWindowWasm, type LzfFailure, type LzfWindowSink } from './wasm/lzfKernel';

export { LZF_HISTORY, type LzfWindowSink } from './wasm/lzfKernel';

export class LzfError extends Error {}

/**
 * Decompresses `input` into exactly `outputLength` bytes; throws LzfError on any inconsistency.
 * Uses the wasm kernel (wasm/lzfKernel.ts) where WebAssembly SIMD is available, else the
 * JavaScript decoder below; both give the same bytes and the same errors.
 */
export function lzfDecompress(input: Uint8Array, outputLength: number): Uint8Array {
  const result = lzfDecompressWasm(input, outputLength);
  if (result === null) return lzfDecompressJs(input, outputLength);
  if (result instanceof Uint8Array) return result;
  throw new LzfError(failureMessage(result, outputLength));
}

/**
 * lzfDecompress fed piece by piece (see lzfStreamWasm): same bytes, same errors (LzfError). Null
 * where the wasm kernel is unavailable; the caller then decompresses the whole block.
 */
export function lzfDecompressStream(outputLength: number): { write(input: Uint8Array): void; end(): Uint8Array } | null {
  const stream = lzfStreamWasm(outputLength);
  if (!stream) return null;
  return {
    write(input) {
      const failure = stream.write(input);
      if (failure) throw new LzfError(failureMessage(failure, outputLength));
    },
    end() {
      const result = stream.end();
      if (result instanceof Uint8Array) return result;
      throw new LzfError(failureMessage(result, outputLength));
    },
  };
}

/**
 * lzfDecompressStream that hands the output to `sink` through a sliding window instead of
 * returning it whole (see lzfWindowWasm): same bytes, same LzfErrors. Null where the wasm kernel is
 * unavailable.
 */
export function lzfDecompressWindowed(outputLength: number, sink: LzfWindowSink): { write(input: Uint8Array): void; end(): void } | null {
  const stream = lzfWindowWasm(outputLength, sink);
  if (!stream) return null;
  return {
    write(input) {
      const failure = stream.write(input);
      if (failure) throw new LzfError(failureMessage(failure, outputLength));
    },
    end() {
      const failure = stream.end();
      if (failure) throw new LzfError(failureMessage(failure, outputLength));
    },
  };
}

function failureMessage(failure: LzfFailure, outputLength: number): string {
  switch (failure.kind) {
    case 'literal-overruns-input': return `literal run overruns the input at byte ${failure.at}`;
    case 'overruns-output': return `run at input byte ${failure.at} overruns the ${outputLength}-byte output`;
    case 'length-byte-missing': return 'back reference length byte missing at end of input';
    case 'offset-byte-missing': return 'back reference offset byte missing at end of input';
    case 'reference-before-start': return `back reference at input byte ${failure.at} points before the start of the output`;
    case 'short-output': return `decompressed ${failure.produced} bytes, expected ${outputLength}`;
  }
}

/** The portable decoder: one bounds-checked byte loop. */
export function lzfDecompressJs(input: Uint8Array, outputLength: number): Uint8Array {
  const out = new Uint8Array(outputLength);
  const inEnd = input.length;
  let ip = 0;
  let op = 0;
  while (ip < inEnd) {
    const ctrl = input[ip++];
    if (ctrl < 32) {
      // Literal run of ctrl + 1 bytes.
      const len = ctrl + 1;
      if (ip + len > inEnd) throw new LzfError(`literal run of ${len} bytes overruns the input at byte ${ip}`);
      if (op + len > outputLength) throw new LzfError(`literal run overruns the ${outputLength}-byte output`);
      // Runs are at most 32 bytes: a plain loop beats creating a subarray for set().
      for (let k = 0; k < len; k++) out[op++] = input[ip++];
      continue;
    }
    // Back reference: length in the top 3 bits (7 means "read one more length byte").
    let len = ctrl >> 5;
    if (len === 7) {
      if (ip >= inEnd) throw new LzfError('back reference length byte missing at end of input');
      len += input[ip++];
    }
    if (ip >= inEnd) throw new LzfError('back reference offset byte missing at end of input');
    const ref = op - ((ctrl & 0x1f) << 8) - input[ip++] - 1;
    len += 2;
    if (ref < 0) throw new LzfError(`back reference points ${-ref} bytes before the start of the output`);
    if (op + len > outputLength) throw new LzfError(`back reference overruns the ${outputLength}-byte output`);
    // Byte by byte: references may overlap their own output (run-length style), and they are
    // short, so copyWithin's call overhead would not pay off.
    for (let k = 0; k < len; k++) out[op++] = out[ref + k];
  }
  if (op !== outputLength) throw new LzfError(`decompressed ${op} bytes, expected ${outputLength}`);
  return out;
}
