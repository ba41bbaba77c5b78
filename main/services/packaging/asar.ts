/**
 * Paths in a packaged desktop app. electron-builder puts the app into `resources/app.asar`; files
 * that something other than Electron's patched `fs` must read (worker-thread scripts, ONNX model
 * files opened by ONNX Runtime's native code, native addons) are unpacked beside it into
 * `resources/app.asar.unpacked/` (see electron-builder.yml `asarUnpack`). Outside a packaged app
 * these functions return their input.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ASAR_SEGMENT = /([\\/])app\.asar([\\/])/;

/** The unpacked copy of a path inside app.asar when there is one, else the path itself. */
export function unpackedPath(file: string, exists: (p: string) => boolean = existsSync): string {
  if (!ASAR_SEGMENT.test(file)) return file;
  const unpacked = file.replace(ASAR_SEGMENT, '$1app.asar.unpacked$2');
  return exists(unpacked) ? unpacked : file;
}

/** `unpackedPath` for file: URLs (worker entry points). */
export function unpackedUrl(url: URL, exists?: (p: string) => boolean): URL {
  if (url.protocol !== 'file:') return url;
  const file = fileURLToPath(url);
  const out = unpackedPath(file, exists);
  return out === file ? url : pathToFileURL(out);
}
