/** Helpers for the text parts of files (headers, ascii bodies). */

/** Decodes bytes as Latin-1: never throws, one char per byte, so char indices equal byte offsets. */
export function latin1(bytes: Uint8Array, start = 0, end = bytes.length): string {
  let s = '';
  const CHUNK = 8192;
  for (let i = start; i < end; i += CHUNK) {
    s += String.fromCharCode.apply(null, bytes.subarray(i, Math.min(end, i + CHUNK)) as unknown as number[]);
  }
  return s;
}

/**
 * Finds the end of the line that starts with `keyword` (as a whole header line), scanning at most
 * `limit` bytes. Returns the byte index just past its newline, or -1.
 */
export function findHeaderEnd(bytes: Uint8Array, keyword: string, limit: number): { lineStart: number; dataStart: number } | null {
  const end = Math.min(bytes.length, limit);
  const kw = Array.from(keyword, (c) => c.charCodeAt(0));
  for (let lineStart = 0; lineStart < end; ) {
    let match = true;
    for (let k = 0; k < kw.length; k++) {
      if (bytes[lineStart + k] !== kw[k]) { match = false; break; }
    }
    let nl = lineStart;
    while (nl < bytes.length && bytes[nl] !== 10) nl++;
    if (match) return { lineStart, dataStart: Math.min(nl + 1, bytes.length) };
    lineStart = nl + 1;
  }
  return null;
}

/** Splits an ascii body into rows of numbers; `nan`/`NaN` become NaN. Empty and comment lines are skipped. */
export function* asciiRows(text: string): Generator<string[]> {
  let pos = 0;
  while (pos < text.length) {
    let nl = text.indexOf('\n', pos);
    if (nl < 0) nl = text.length;
    const line = text.slice(pos, nl).trim();
    pos = nl + 1;
    if (line === '' || line.startsWith('#')) continue;
    yield line.split(/\s+/);
  }
}
