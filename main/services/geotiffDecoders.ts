/**
 * Faster block decoders for geotiff on the host. geotiff inflates Deflate blocks (TIFF
 * compression 8 and 32946: the usual COG choice) with pako, in JavaScript, on the host's JS
 * thread; Node's zlib does the same inflate natively, asynchronously on libuv's thread pool, so
 * tiles decode in parallel and the event loop stays free. The predictor step stays geotiff's
 * (BaseDecoder.decode). Measured in `npm run bench remote-sensing` (docs/remote-sensing.md):
 * pako was the largest self-time in a profile of the first screen.
 */
import { inflate } from 'node:zlib';
import { promisify } from 'node:util';
import { addDecoder, BaseDecoder } from 'geotiff';

const inflateAsync = promisify(inflate);

class NodeDeflateDecoder extends BaseDecoder {
  override async decodeBlock(buffer: ArrayBufferLike): Promise<ArrayBufferLike> {
    const out = await inflateAsync(new Uint8Array(buffer as ArrayBuffer));
    // a Buffer may be a view into a larger pool: hand geotiff an ArrayBuffer of exactly the block
    return out.byteOffset === 0 && out.byteLength === out.buffer.byteLength ? out.buffer : out.buffer.slice(out.byteOffset, out.byteOffset + out.byteLength);
  }
}

let done = false;

/** Register once per process (geotiff's decoder registry is global). */
export function useNativeDecoders(): void {
  if (done) return;
  done = true;
  addDecoder([8, 32946], () => Promise.resolve(NodeDeflateDecoder as unknown as typeof BaseDecoder));
}
