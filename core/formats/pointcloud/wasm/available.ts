import { lzfKernelAvailable } from './lzfKernel';
import { xyzKernelAvailable } from './xyzKernel';

/** True when both wasm SIMD kernels run here (false: the JavaScript loops are used instead). */
export function wasmKernelsAvailable(): boolean {
  return xyzKernelAvailable() && lzfKernelAvailable();
}
