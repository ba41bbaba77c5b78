/**
 * Compact transport/storage encoding of a label map: runs of (value byte, LEB128 length).
 * A 3 M voxel map with a few segments encodes to a few kilobytes. Pure; used by host and renderer.
 */
export function encodeLabelRuns(data: Uint8Array): Uint8Array {
  const out: number[] = [];
  let i = 0;
  while (i < data.length) {
    const v = data[i];
    let j = i + 1;
    while (j < data.length && data[j] === v) j++;
    out.push(v);
    let n = j - i;
    while (n >= 0x80) {
      out.push((n & 0x7f) | 0x80);
      n = Math.floor(n / 128);
    }
    out.push(n);
    i = j;
  }
  return Uint8Array.from(out);
}

export function decodeLabelRuns(runs: Uint8Array, length: number): Uint8Array {
  const data = new Uint8Array(length);
  let o = 0;
  let p = 0;
  while (p < runs.length) {
    const v = runs[p++];
    let n = 0;
    let mul = 1;
    for (;;) {
      if (p >= runs.length) throw new Error('label runs are truncated');
      const b = runs[p++];
      n += (b & 0x7f) * mul;
      if (b < 0x80) break;
      mul *= 128;
    }
    if (o + n > length) throw new Error(`label runs hold more than ${length} voxels`);
    if (v) data.fill(v, o, o + n);
    o += n;
  }
  if (o !== length) throw new Error(`label runs hold ${o} voxels, expected ${length}`);
  return data;
}

/** Voxels a run encoding holds, without expanding them (validation of a save). */
export function labelRunsLength(runs: Uint8Array): number {
  let total = 0;
  let p = 0;
  while (p < runs.length) {
    p++; // value
    let n = 0;
    let mul = 1;
    for (;;) {
      if (p >= runs.length) throw new Error('label runs are truncated');
      const b = runs[p++];
      n += (b & 0x7f) * mul;
      if (b < 0x80) break;
      mul *= 128;
    }
    total += n;
  }
  return total;
}
