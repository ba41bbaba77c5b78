/**
 * Fetch a point cloud by URL and return typed arrays. KITTI-style .bin (float32 x y z intensity)
 * is viewed in place (no copy, no per-point work beyond de-interleaving positions once).
 */
export interface LoadedCloud {
  count: number;
  positions: Float32Array;
  intensity?: Float32Array;
}

export async function loadCloud(url: string, fileName: string, signal?: AbortSignal): Promise<LoadedCloud> {
  const res = await fetch(url, { signal });
  if (!res.ok) throw new Error(`${fileName}: HTTP ${res.status} ${await res.text()}`);
  const buf = await res.arrayBuffer();
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.bin')) return fromXyzi(buf, fileName);
  throw new Error(`${fileName}: this point-cloud format is not supported by the viewer yet`);
}

function fromXyzi(buf: ArrayBuffer, fileName: string): LoadedCloud {
  if (buf.byteLength % 16 !== 0) throw new Error(`${fileName}: size ${buf.byteLength} is not a multiple of 16 bytes (float32 x y z intensity)`);
  const src = new Float32Array(buf);
  const count = src.length / 4;
  const positions = new Float32Array(count * 3);
  const intensity = new Float32Array(count);
  for (let i = 0, j = 0; i < count; i++, j += 4) {
    positions[i * 3] = src[j];
    positions[i * 3 + 1] = src[j + 1];
    positions[i * 3 + 2] = src[j + 2];
    intensity[i] = src[j + 3];
  }
  return { count, positions, intensity };
}
