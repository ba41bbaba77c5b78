// Shared by scripts/build-wasm.mjs and the drift test: .wat text -> wasm bytes, with the
// proposals our kernels use (fixed-width SIMD, bulk memory).
import wabtInit from 'wabt';

export const WASM_DIR = 'core/formats/pointcloud/wasm';

/** @returns {Promise<Uint8Array>} */
export async function compileWat(text, fileName) {
  const wabt = await wabtInit();
  const module = wabt.parseWat(fileName, text, { simd: true, bulk_memory: true });
  try {
    module.resolveNames();
    module.validate();
    return module.toBinary({ write_debug_names: false }).buffer;
  } finally {
    module.destroy();
  }
}
