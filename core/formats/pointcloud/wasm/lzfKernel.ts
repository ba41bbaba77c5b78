/**
 * Drives the wasm LZF decoder (lzf.wat): the compressed input streams through a 64 KiB region, the
 * output is written into a WebAssembly.Memory made for this one call and handed back as a view, so
 * the peak memory is the same as the JavaScript decoder's (input + output) and the memory is
 * garbage-collected with the view. About 3.5x faster than the JavaScript loop on the benchmark's
 * 19 MB of lidar floats (12 vs 44 ms), because literal runs and back references move 16 bytes at a time.
 */
import { compileKernel } from './instantiate';
import { base64 } from './lzf.wasm';

interface LzfExports {
  fold(ptr: number, count: number, out: number): void;
  decode(ip: number, inEnd: number, op: number, outEnd: number, outBase: number, final: number, softEnd: number): number;
  ip: WebAssembly.Global;
  op: WebAssembly.Global;
}

/** Why decoding stopped, by the kernel's status code (see lzf.wat). */
export type LzfFailure =
  | { kind: 'literal-overruns-input'; at: number }
  | { kind: 'overruns-output'; at: number }
  | { kind: 'length-byte-missing'; at: number }
  | { kind: 'offset-byte-missing'; at: number }
  | { kind: 'reference-before-start'; at: number }
  | { kind: 'short-output'; produced: number };

const FAILURES = ['', '', 'literal-overruns-input', 'overruns-output', 'length-byte-missing', 'offset-byte-missing', 'reference-before-start'] as const;

const CHUNK = 64 * 1024;
/** The kernel reads and writes up to 31 bytes past a run; both regions get this much room. */
const SLACK = 64;
const PAGE = 65536;
/** softEnd for callers that hold the whole output: the kernel never stops for a full window. */
const NEVER = -1;
/** Status 7: `op` reached softEnd (windowed decoding, see lzfWindowWasm). */
const WINDOW_FULL = 7;
/** wasm32 memories stop at 4 GiB. */
const MAX_PAGES = 65536;

let compiled: WebAssembly.Module | null | undefined;

function getModule(): WebAssembly.Module | null {
  if (compiled === undefined) compiled = compile();
  return compiled;
}

const compile = () => compileKernel(base64);

export const lzfKernelAvailable = (): boolean => getModule() !== null;

/** For tests: force the JavaScript decoder (false) or the kernel (true, when available). */
export function setLzfKernelEnabled(enabled: boolean): void {
  compiled = enabled ? compile() : null;
}

/**
 * Decompresses `input` into exactly `outputLength` bytes. Returns the bytes, a failure, or null
 * when the kernel is unavailable here (or the output would not fit a wasm memory).
 */
export function lzfDecompressWasm(input: Uint8Array, outputLength: number): Uint8Array | LzfFailure | null {
  const module = getModule();
  if (!module) return null;
  const IN = 0;
  const OUT = CHUNK + SLACK;
  const pages = Math.ceil((OUT + outputLength + SLACK) / PAGE);
  if (pages > MAX_PAGES) return null;
  let memory: WebAssembly.Memory;
  try {
    memory = new WebAssembly.Memory({ initial: pages });
  } catch {
    return null; // not enough address space for one block: let the caller try plain arrays
  }
  const k = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as LzfExports;
  const bytes = new Uint8Array(memory.buffer);
  const outEnd = OUT + outputLength;
  let consumed = 0;
  let op = OUT;
  while (consumed < input.length) {
    const length = Math.min(CHUNK, input.length - consumed);
    bytes.set(input.subarray(consumed, consumed + length), IN);
    const final = consumed + length === input.length ? 1 : 0;
    const status = k.decode(IN, IN + length, op, outEnd, OUT, final, NEVER);
    const reached = (k.ip.value as number) - IN;
    op = k.op.value as number;
    if (status >= 2) return { kind: FAILURES[status] ?? 'overruns-output', at: consumed + reached } as LzfFailure;
    // A non-final chunk is 64 KiB, so the kernel always consumes at least one (<= 35-byte) token.
    consumed += reached;
  }
  if (op !== outEnd) return { kind: 'short-output', produced: op - OUT };
  return new Uint8Array(memory.buffer, OUT, outputLength);
}

/**
 * The same decoder fed piece by piece (a file read in chunks: no whole compressed block in memory).
 * `write` takes any number of bytes; a token cut by a piece's end is carried to the next one.
 * Null when the kernel is unavailable here (the caller decodes the whole block instead).
 */
export function lzfStreamWasm(outputLength: number): { write(input: Uint8Array): LzfFailure | null; end(): Uint8Array | LzfFailure } | null {
  const module = getModule();
  if (!module) return null;
  const IN = 0;
  const OUT = CHUNK + SLACK;
  const pages = Math.ceil((OUT + outputLength + SLACK) / PAGE);
  if (pages > MAX_PAGES) return null;
  let memory: WebAssembly.Memory;
  try {
    memory = new WebAssembly.Memory({ initial: pages });
  } catch {
    return null;
  }
  const k = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as LzfExports;
  const bytes = new Uint8Array(memory.buffer);
  const outEnd = OUT + outputLength;
  let op = OUT;
  /** Input bytes before the start of the IN region (for the failure offsets, as the whole decoder reports them). */
  let base = 0;
  let carried = 0; // bytes at IN not consumed yet (an unfinished token, < 64)
  const run = (length: number, final: number): LzfFailure | null => {
    const status = k.decode(IN, IN + length, op, outEnd, OUT, final, NEVER);
    const reached = (k.ip.value as number) - IN;
    op = k.op.value as number;
    if (status >= 2) return { kind: FAILURES[status] ?? 'overruns-output', at: base + reached } as LzfFailure;
    base += reached;
    carried = length - reached;
    if (carried) bytes.copyWithin(IN, IN + reached, IN + length);
    return null;
  };
  return {
    write(input) {
      for (let at = 0; at < input.length; ) {
        const take = Math.min(CHUNK - carried, input.length - at);
        bytes.set(input.subarray(at, at + take), IN + carried);
        at += take;
        const failure = run(carried + take, 0);
        if (failure) return failure;
      }
      return null;
    },
    end() {
      const failure = run(carried, 1);
      if (failure) return failure;
      if (op !== outEnd) return { kind: 'short-output', produced: op - OUT };
      return new Uint8Array(memory.buffer, OUT, outputLength);
    },
  };
}

/** LZF back references reach at most 8 KiB back (13-bit distance + 1). */
export const LZF_HISTORY = 8192;
/** Output window of lzfWindowWasm: small enough to stay in L2, large enough that hand-offs are rare. */
const WINDOW = 256 * 1024;
/** The window counts as full this far before its end: a token writes at most 264 bytes + 31 of vector overshoot. */
const WINDOW_MARGIN = 512;

/**
 * Receives finished output of lzfWindowWasm: absolute output bytes up to `end` are final, and
 * absolute byte `a` sits at `mem[a + delta]` (`delta` keeps `a + delta ≡ a` mod 8, so typed views
 * over `mem.buffer` line up with the output's own alignment). Bytes before `end - LZF_HISTORY` are
 * gone after the call: a sink takes everything it can, leaving at most 8 trailing bytes per column
 * (a partial value) for its next call.
 */
export type LzfWindowSink = (mem: Uint8Array, delta: number, end: number, fold: LzfFold) => void;

/**
 * Folds the extremes of `count` float32 values at `mem[addr]` into `lo` / `hi` (NaN never widens
 * them) in wasm; returns [lo, hi] (a view the next call overwrites).
 */
export type LzfFold = (addr: number, count: number, lo: number, hi: number) => Float32Array;

/**
 * The streaming decoder with a sliding output window instead of the whole output (issue #19): the
 * output of `outputLength` bytes passes through a 256 KiB window in a small wasm memory and is
 * handed to `sink` a window at a time, so a caller that scatters it into its own arrays (PCD
 * binary_compressed columns) never makes or touches a block of the output's size. Same bytes,
 * same failures (at the same input offsets) as lzfStreamWasm. Null when the kernel is unavailable.
 */
export function lzfWindowWasm(outputLength: number, sink: LzfWindowSink): { write(input: Uint8Array): LzfFailure | null; end(): LzfFailure | null } | null {
  const module = getModule();
  if (!module) return null;
  const IN = 0;
  const OUT = CHUNK + SLACK; // a multiple of 8, like every window base: see LzfWindowSink
  let memory: WebAssembly.Memory;
  try {
    memory = new WebAssembly.Memory({ initial: Math.ceil((OUT + WINDOW + SLACK + 16) / PAGE) });
  } catch {
    return null;
  }
  const k = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as LzfExports;
  const bytes = new Uint8Array(memory.buffer);
  const softEnd = OUT + WINDOW - WINDOW_MARGIN;
  const FOLD = (OUT + WINDOW + SLACK + 7) & ~7;
  const folded = new Float32Array(memory.buffer, FOLD, 2);
  const fold: LzfFold = (addr, count, lo, hi) => {
    folded[0] = lo;
    folded[1] = hi;
    k.fold(addr, count, FOLD);
    return folded;
  };
  let winBase = 0; // absolute output offset of bytes[OUT]
  let op = OUT;
  let base = 0; // input bytes before the start of the IN region
  let carried = 0;
  /** Hands the window to the sink and keeps its last LZF_HISTORY (+ < 8) bytes at OUT. */
  const slide = () => {
    const produced = op - OUT + winBase;
    sink(bytes, OUT - winBase, produced, fold);
    const next = Math.floor((produced - LZF_HISTORY) / 8) * 8;
    bytes.copyWithin(OUT, OUT + next - winBase, op);
    winBase = next;
    op = OUT + produced - next;
  };
  const run = (length: number, final: number): LzfFailure | null => {
    let ip = IN;
    for (;;) {
      // The real end of the output, in window addresses (clamped: far ends cannot be reached anyway).
      const outEnd = Math.min(OUT + outputLength - winBase, 0xffffffff);
      // References before absolute byte 0 are errors; OUT - winBase is negative once the window slid.
      const status = k.decode(ip, IN + length, op, outEnd, OUT - winBase, final, softEnd);
      ip = k.ip.value as number;
      op = k.op.value as number;
      if (status === WINDOW_FULL) {
        slide();
        continue;
      }
      if (status >= 2) return { kind: FAILURES[status] ?? 'overruns-output', at: base + ip - IN } as LzfFailure;
      break;
    }
    const reached = ip - IN;
    base += reached;
    carried = length - reached;
    if (carried) bytes.copyWithin(IN, IN + reached, IN + length);
    return null;
  };
  return {
    write(input) {
      for (let at = 0; at < input.length; ) {
        const take = Math.min(CHUNK - carried, input.length - at);
        bytes.set(input.subarray(at, at + take), IN + carried);
        at += take;
        const failure = run(carried + take, 0);
        if (failure) return failure;
      }
      return null;
    },
    end() {
      const failure = run(carried, 1);
      if (failure) return failure;
      const produced = op - OUT + winBase;
      if (produced !== outputLength) return { kind: 'short-output', produced };
      sink(bytes, OUT - winBase, produced, fold);
      return null;
    },
  };
}
