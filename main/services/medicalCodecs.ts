/**
 * Host-side codecs for core/medical/codecs.ts. The 12-bit JPEG decoder is a standalone ES module
 * inside @cornerstonejs/dicom-image-loader that the package does not list in its `exports`: it is
 * imported by relative path so esbuild bundles it into the host (the package itself is not
 * shipped with the desktop app), and tsx / vitest load it from node_modules in development.
 */
import { setJpeg12Loader, type JpegImage12 } from '../../core/medical/codecs';

let registered = false;

export function registerHostCodecs(): void {
  if (registered) return;
  registered = true;
  setJpeg12Loader(async () => {
    // @ts-expect-error -- an untyped ES module file of the package (see above); typed by JpegImage12
    const mod = (await import('../../node_modules/@cornerstonejs/dicom-image-loader/dist/esm/codecs/jpeg.js')) as { default: new () => JpegImage12 };
    return mod.default;
  });
}
