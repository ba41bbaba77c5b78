/** Pure helpers of the medical editor's segments: transport encoding, colours, adding and importing. */
import type { MedicalSegment } from '../../../preload/contract';
import { SEGMENT_COLORS } from '../../../core/medical/segmentation';

export function toBase64(u8: Uint8Array): string {
  let s = '';
  for (let i = 0; i < u8.length; i += 0x8000) s += String.fromCharCode(...u8.subarray(i, i + 0x8000));
  return btoa(s);
}

export function fromBase64(b64: string): Uint8Array {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

export const hex = (c: [number, number, number]) => '#' + c.map((v) => v.toString(16).padStart(2, '0')).join('');
export const fromHex = (h: string): [number, number, number] => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16)) as [number, number, number];

/** 256 x RGB colours by segment number. */
export function segmentLut(segments: readonly MedicalSegment[]): Uint8Array {
  const l = new Uint8Array(256 * 3);
  for (const s of segments) l.set(s.color, s.number * 3);
  return l;
}

/** The lowest free segment number (1..255) and its default colour; null when all are taken. */
export function nextSegment(segments: readonly MedicalSegment[]): { number: number; color: [number, number, number] } | null {
  const used = new Set(segments.map((s) => s.number));
  let n = 1;
  while (used.has(n) && n < 255) n++;
  if (used.has(n)) return null;
  return { number: n, color: SEGMENT_COLORS[(n - 1) % SEGMENT_COLORS.length] };
}

/**
 * Imported segments get fresh numbers after the existing ones; a file colour already in use is
 * replaced so overlays stay distinguishable. `map[fileNumber]` is the new number (0: dropped).
 */
export function renumberImported(existing: readonly MedicalSegment[], incoming: readonly MedicalSegment[]): { map: Uint8Array; added: MedicalSegment[] } {
  const map = new Uint8Array(256);
  let next = Math.max(0, ...existing.map((s) => s.number));
  const added: MedicalSegment[] = [];
  const taken = new Set(existing.map((s) => s.color.join()));
  for (const s of incoming) {
    if (next >= 255) break;
    map[s.number] = ++next;
    const color = taken.has(s.color.join()) ? SEGMENT_COLORS[(next - 1) % SEGMENT_COLORS.length] : s.color;
    taken.add(color.join());
    added.push({ ...s, number: next, color });
  }
  return { map, added };
}

/** Writes imported voxels (through `map`) over the label map; imported voxels win. Returns how many changed. */
export function applyImported(data: Uint8Array, incoming: Uint8Array, map: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < incoming.length; i++) {
    const v = incoming[i];
    if (v && map[v] && data[i] !== map[v]) {
      data[i] = map[v];
      n++;
    }
  }
  return n;
}
