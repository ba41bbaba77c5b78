export const WASM_DIR: string;
export function compileWat(text: string, fileName: string): Promise<Uint8Array>;
