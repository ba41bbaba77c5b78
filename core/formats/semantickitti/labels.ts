/**
 * SemanticKITTI `.label` files: one little-endian uint32 per point, semantic class in the lower
 * 16 bits and instance id in the upper 16.
 */

/**
 * Packs per-point labels. `classIds` are the document's per-point class ids; `mapping` turns them
 * into SemanticKITTI label numbers (an array or typed array indexed by class id, or a function);
 * ids with no mapping become 0 ("unlabeled"). `instanceIds` is optional (0 when absent).
 */
export function encodeSemanticKittiLabels(
  classIds: Uint16Array,
  mapping: ArrayLike<number> | ((classId: number) => number),
  instanceIds?: Uint16Array | Uint32Array,
): Uint32Array {
  const n = classIds.length;
  if (instanceIds && instanceIds.length !== n)
    throw new Error(`SemanticKITTI export: ${n} class ids but ${instanceIds.length} instance ids`);
  // Resolve the mapping once per distinct id rather than once per point.
  const lut = new Uint32Array(65536);
  const seen = new Uint8Array(65536);
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const c = classIds[i];
    if (!seen[c]) {
      const v = typeof mapping === 'function' ? mapping(c) : mapping[c];
      lut[c] = Number.isInteger(v) && v >= 0 ? v & 0xffff : 0;
      seen[c] = 1;
    }
    out[i] = (((instanceIds ? instanceIds[i] : 0) & 0xffff) << 16 | lut[c]) >>> 0;
  }
  return out;
}

/** The file bytes (little-endian regardless of the host). */
export function semanticKittiLabelBytes(labels: Uint32Array): Uint8Array {
  const bytes = new Uint8Array(labels.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < labels.length; i++) view.setUint32(i * 4, labels[i], true);
  return bytes;
}

/** Reads a `.label` file back: semantic and instance ids per point. */
export function decodeSemanticKittiLabels(bytes: Uint8Array, file = 'label'): { semantic: Uint16Array; instance: Uint16Array } {
  if (bytes.byteLength % 4 !== 0) throw new Error(`${file}: ${bytes.byteLength} bytes is not a whole number of uint32 labels`);
  const n = bytes.byteLength / 4;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const semantic = new Uint16Array(n);
  const instance = new Uint16Array(n);
  for (let i = 0; i < n; i++) {
    const v = view.getUint32(i * 4, true);
    semantic[i] = v & 0xffff;
    instance[i] = v >>> 16;
  }
  return { semantic, instance };
}
