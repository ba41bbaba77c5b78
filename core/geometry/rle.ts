/**
 * Binary masks and COCO run-length encoding.
 *
 * In memory a mask is a row-major Uint8Array of height*width (0 = background, anything else =
 * foreground) because that is what canvases, brushes and GPU textures want. On disk and in the
 * document a mask is COCO's uncompressed RLE: column-major run lengths that always start with a
 * (possibly empty) run of zeros, for an image of size [height, width]. COCO also has a compact
 * string form of the same counts (pycocotools' rleToString), handled here too.
 */
import type { Mask } from '../document/schema';

/** Row-major binary mask -> column-major COCO counts. */
export function encodeRle(mask: Uint8Array, width: number, height: number): number[] {
  assertMaskSize(mask, width, height);
  const counts: number[] = [];
  let current = 0; // COCO runs always start with background
  let run = 0;
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++) {
      const value = mask[y * width + x] ? 1 : 0;
      if (value !== current) {
        counts.push(run);
        run = 0;
        current = value;
      }
      run++;
    }
  }
  counts.push(run);
  return counts;
}

/** Column-major COCO counts -> row-major binary mask (values 0/1). */
export function decodeRle(counts: readonly number[], width: number, height: number): Uint8Array {
  const mask = new Uint8Array(width * height);
  const total = width * height;
  let position = 0; // column-major pixel index
  for (let i = 0; i < counts.length; i++) {
    const end = position + counts[i];
    if (end > total) throw new Error(`RLE counts cover ${sumCounts(counts)} pixels, mask has ${total}`);
    if (i % 2 === 1 && end > position) {
      // walk down the columns incrementally instead of dividing per pixel
      let x = Math.floor(position / height);
      let y = position - x * height;
      for (let p = position; p < end; p++) {
        mask[y * width + x] = 1;
        if (++y === height) {
          y = 0;
          x++;
        }
      }
    }
    position = end;
  }
  if (position !== total) throw new Error(`RLE counts cover ${position} pixels, mask has ${total}`);
  return mask;
}

/** Document geometry for a row-major bitmap. */
export function maskGeometry(mask: Uint8Array, width: number, height: number): Mask {
  return { kind: 'mask', size: [height, width], counts: encodeRle(mask, width, height) };
}

/** Row-major bitmap of a document mask geometry. */
export function maskBitmap(geometry: Mask): Uint8Array {
  const [height, width] = geometry.size;
  return decodeRle(geometry.counts, width, height);
}

function sumCounts(counts: readonly number[]): number {
  let sum = 0;
  for (const c of counts) sum += c;
  return sum;
}

/** Number of foreground pixels: the odd-indexed runs. */
export function rleArea(counts: readonly number[]): number {
  let area = 0;
  for (let i = 1; i < counts.length; i += 2) area += counts[i];
  return area;
}

/**
 * COCO bbox [x, y, w, h] of the foreground, computed on the runs without decoding. A run that
 * crosses a column boundary touches the bottom of one column and the top of the next, so it spans
 * the full height - the same reasoning pycocotools' rleToBbox uses. Empty mask -> [0, 0, 0, 0].
 */
export function rleBbox(counts: readonly number[], width: number, height: number): [number, number, number, number] {
  let xMin = width, yMin = height, xMax = -1, yMax = -1;
  let position = 0;
  for (let i = 0; i < counts.length; i++) {
    const start = position;
    position += counts[i];
    if (i % 2 === 0 || counts[i] === 0) continue;
    const last = position - 1;
    const x0 = Math.floor(start / height);
    const x1 = Math.floor(last / height);
    xMin = Math.min(xMin, x0);
    xMax = Math.max(xMax, x1);
    if (x0 === x1) {
      yMin = Math.min(yMin, start - x0 * height);
      yMax = Math.max(yMax, last - x1 * height);
    } else {
      yMin = 0;
      yMax = height - 1;
    }
  }
  if (xMax < 0) return [0, 0, 0, 0];
  return [xMin, yMin, xMax - xMin + 1, yMax - yMin + 1];
}

/**
 * pycocotools' compressed counts string: each count (from the 4th on, as the difference to the
 * count two places back) is written as 5-bit little-endian groups with a continuation bit, offset
 * into printable ASCII by 48. Arithmetic is done with Math.floor instead of bit operators so counts
 * above 2^31 (huge images) do not wrap.
 */
export function rleToString(counts: readonly number[]): string {
  const chars: number[] = [];
  for (let i = 0; i < counts.length; i++) {
    // pycocotools deltas from index 3 on (its `i > 2`), not from index 2
    let x = i > 2 ? counts[i] - counts[i - 2] : counts[i];
    let more = true;
    while (more) {
      let c = ((x % 32) + 32) % 32; // low 5 bits, two's complement for negatives
      x = Math.floor(x / 32); // arithmetic shift
      more = c & 0x10 ? x !== -1 : x !== 0;
      if (more) c |= 0x20;
      chars.push(c + 48);
    }
  }
  // in slices: spreading millions of arguments into one call overflows the stack
  let text = '';
  for (let i = 0; i < chars.length; i += 8192) text += String.fromCharCode(...chars.slice(i, i + 8192));
  return text;
}

/** Inverse of rleToString; throws on characters outside the encoding's alphabet. */
export function rleFromString(text: string): number[] {
  const counts: number[] = [];
  let p = 0;
  while (p < text.length) {
    let x = 0;
    let shift = 0; // bits consumed so far (5 per character)
    let more = true;
    while (more) {
      if (p >= text.length) throw new Error('truncated compressed RLE string');
      const c = text.charCodeAt(p) - 48;
      if (c < 0 || c > 63) throw new Error(`invalid character '${text[p]}' in compressed RLE string`);
      x += (c & 0x1f) * 2 ** shift;
      more = (c & 0x20) !== 0;
      p++;
      shift += 5;
      if (!more && c & 0x10) x -= 2 ** shift; // sign-extend a negative delta
    }
    if (counts.length > 2) x += counts[counts.length - 2];
    counts.push(x);
  }
  return counts;
}

/**
 * Rasterize polygons (flat [x0,y0,x1,y1,...] in pixel coordinates) into a row-major mask.
 * A pixel is foreground when its centre lies inside a polygon by the even-odd rule; several
 * polygons are united, as COCO does for multi-part segmentations. This is not bit-identical to
 * pycocotools' rleFrPoly (which upsamples edges), so areas can differ by edge pixels.
 */
export function polygonsToMask(polygons: readonly (readonly number[])[], width: number, height: number): Uint8Array {
  const mask = new Uint8Array(width * height);
  const crossings: number[] = [];
  for (const points of polygons) {
    const n = Math.floor(points.length / 2);
    if (n < 3) continue;
    // only the rows the polygon spans
    let top = Infinity, bottom = -Infinity;
    for (let i = 1; i < points.length; i += 2) {
      top = Math.min(top, points[i]);
      bottom = Math.max(bottom, points[i]);
    }
    const yStart = Math.max(0, Math.floor(top - 0.5));
    const yEnd = Math.min(height - 1, Math.ceil(bottom));
    for (let y = yStart; y <= yEnd; y++) {
      const yc = y + 0.5;
      crossings.length = 0;
      for (let i = 0, j = n - 1; i < n; j = i++) {
        const xi = points[2 * i], yi = points[2 * i + 1];
        const xj = points[2 * j], yj = points[2 * j + 1];
        // half-open test so a vertex exactly on the scanline is counted once
        if (yi <= yc !== yj <= yc) crossings.push(xi + ((yc - yi) * (xj - xi)) / (yj - yi));
      }
      crossings.sort((a, b) => a - b);
      const row = y * width;
      for (let k = 0; k + 1 < crossings.length; k += 2) {
        // pixels whose centre x+0.5 falls in [a, b)
        const from = Math.max(0, Math.ceil(crossings[k] - 0.5));
        const to = Math.min(width, Math.ceil(crossings[k + 1] - 0.5));
        if (to > from) mask.fill(1, row + from, row + to);
      }
    }
  }
  return mask;
}

/** Shoelace area of a flat polygon (absolute value), as COCO stores for polygon annotations. */
export function polygonArea(points: readonly number[]): number {
  const n = Math.floor(points.length / 2);
  let twice = 0;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    twice += points[2 * j] * points[2 * i + 1] - points[2 * i] * points[2 * j + 1];
  }
  return Math.abs(twice) / 2;
}

// ---------------------------------------------------------------- brush helpers

/**
 * Set every pixel whose centre is within r of (cx, cy) to value. Mutates and returns the mask so
 * a brush stroke can paint many dabs into one buffer without allocating.
 */
export function paintDisc(
  mask: Uint8Array,
  width: number,
  height: number,
  cx: number,
  cy: number,
  r: number,
  value: number,
): Uint8Array {
  const r2 = r * r;
  const y0 = Math.max(0, Math.floor(cy - r));
  const y1 = Math.min(height - 1, Math.ceil(cy + r));
  for (let y = y0; y <= y1; y++) {
    const dy = y + 0.5 - cy;
    const remaining = r2 - dy * dy;
    if (remaining < 0) continue;
    const half = Math.sqrt(remaining);
    // centres x+0.5 within [cx-half, cx+half]
    const from = Math.max(0, Math.ceil(cx - half - 0.5));
    const to = Math.min(width - 1, Math.floor(cx + half - 0.5));
    if (to >= from) mask.fill(value, y * width + from, y * width + to + 1);
  }
  return mask;
}

/**
 * Paint a stroke segment as dabs spaced at most half a radius apart, so fast pointer moves that
 * skip many pixels between events still leave a continuous line.
 */
export function paintStroke(
  mask: Uint8Array,
  width: number,
  height: number,
  from: readonly [number, number],
  to: readonly [number, number],
  r: number,
  value: number,
): Uint8Array {
  const length = Math.hypot(to[0] - from[0], to[1] - from[1]);
  const steps = Math.max(1, Math.ceil(length / Math.max(0.5, r / 2)));
  for (let s = 0; s <= steps; s++) {
    const t = s / steps;
    paintDisc(mask, width, height, from[0] + (to[0] - from[0]) * t, from[1] + (to[1] - from[1]) * t, r, value);
  }
  return mask;
}

function assertMaskSize(mask: Uint8Array, width: number, height: number): void {
  if (mask.length !== width * height) {
    throw new Error(`mask has ${mask.length} pixels, expected ${width}x${height}=${width * height}`);
  }
}
