/**
 * Instantiates one of our embedded wasm kernels synchronously (they are a few hundred bytes, far
 * under the 4 KiB limit browsers put on synchronous compiles on the main thread). Returns null
 * where WebAssembly, its SIMD proposal or wasm compilation (a CSP without 'wasm-unsafe-eval') is
 * unavailable; callers then use their JavaScript path, which gives identical results.
 */
export function instantiateKernel(base64: string): WebAssembly.Instance | null {
  const module = compileKernel(base64);
  try {
    return module && new WebAssembly.Instance(module, {});
  } catch {
    return null;
  }
}

/** The compiled module alone, for kernels that import a memory made per call (see lzfKernel.ts). */
export function compileKernel(base64: string): WebAssembly.Module | null {
  if (typeof WebAssembly !== 'object') return null;
  try {
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    return WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
  } catch {
    return null;
  }
}

/** Grows `memory` so it holds at least `bytes`. */
export function ensureMemory(memory: WebAssembly.Memory, bytes: number): void {
  const missing = bytes - memory.buffer.byteLength;
  if (missing > 0) memory.grow(Math.ceil(missing / 65536));
}
