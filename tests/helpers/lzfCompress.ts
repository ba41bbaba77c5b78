/**
 * A small LZF compressor, only to produce `binary_compressed` PCD test and benchmark data.
 * Greedy matching with a 3-byte hash table; output is valid LZF that any LZF decoder accepts.
 */
export function lzfCompress(input: Uint8Array): Uint8Array {
  const MAX_LITERAL = 32;
  const MAX_OFFSET = 1 << 13;
  const MAX_REF = (1 << 8) + (1 << 3); // 264 bytes per back reference
  const HASH_BITS = 16;
  const table = new Int32Array(1 << HASH_BITS).fill(-1);
  // Worst case: one control byte per 32 literals.
  const out = new Uint8Array(input.length + Math.ceil(input.length / MAX_LITERAL) + 16);
  let op = 0;
  let litStart = 0;
  let ip = 0;
  const n = input.length;

  const flushLiterals = (end: number) => {
    while (litStart < end) {
      const run = Math.min(MAX_LITERAL, end - litStart);
      out[op++] = run - 1;
      out.set(input.subarray(litStart, litStart + run), op);
      op += run;
      litStart += run;
    }
  };

  while (ip + 2 < n) {
    const h = ((input[ip] << 16) | (input[ip + 1] << 8) | input[ip + 2]) * 2654435761 >>> (32 - HASH_BITS);
    const ref = table[h];
    table[h] = ip;
    const off = ip - ref - 1;
    if (ref >= 0 && off < MAX_OFFSET && input[ref] === input[ip] && input[ref + 1] === input[ip + 1] && input[ref + 2] === input[ip + 2]) {
      let len = 3;
      const maxLen = Math.min(MAX_REF, n - ip);
      while (len < maxLen && input[ref + len] === input[ip + len]) len++;
      flushLiterals(ip);
      const l = len - 2;
      if (l < 7) {
        out[op++] = (l << 5) | (off >> 8);
      } else {
        out[op++] = (7 << 5) | (off >> 8);
        out[op++] = l - 7;
      }
      out[op++] = off & 0xff;
      ip += len;
      litStart = ip;
    } else {
      ip++;
    }
  }
  flushLiterals(n);
  return out.slice(0, op);
}
