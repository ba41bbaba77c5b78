/**
 * The record layout of a headerless `.bin` point cloud, written the way users describe it:
 * `x:f32,y:f32,z:f32,intensity:f32,ring:u16,_:2` — fields in record order, `name:type` with an
 * optional component count (`normal:f32x3`), `_:N` for N padding bytes, and optionally
 * `;stride=N` when records carry more bytes than the fields listed. Offsets follow from the order.
 * Used by `datum inspect --layout` and the project setting `binLayout` (datum.json), which the
 * LiDAR editor and the host services apply to the project's `.bin` clouds.
 */
import { BYTES_PER_ELEMENT, type BinLayout, type ScalarType } from './types';

const TYPES: Record<string, ScalarType> = {
  f32: 'float32', f64: 'float64', i8: 'int8', u8: 'uint8', i16: 'int16', u16: 'uint16', i32: 'int32', u32: 'uint32',
  float32: 'float32', float64: 'float64', int8: 'int8', uint8: 'uint8', int16: 'int16', uint16: 'uint16', int32: 'int32', uint32: 'uint32',
};
const SHORT: Record<ScalarType, string> = { float32: 'f32', float64: 'f64', int8: 'i8', uint8: 'u8', int16: 'i16', uint16: 'u16', int32: 'i32', uint32: 'u32' };

export class BinLayoutError extends Error {}

/** Parses a layout spec; throws BinLayoutError saying which part is wrong. */
export function parseBinLayoutSpec(spec: string): BinLayout {
  const [fieldPart, ...options] = spec.split(';').map((s) => s.trim());
  if (!fieldPart) throw new BinLayoutError('bin layout is empty (expected e.g. "x:f32,y:f32,z:f32,intensity:f32")');
  const fields: BinLayout['fields'] = [];
  const names = new Set<string>();
  let offset = 0;
  for (const raw of fieldPart.split(',').map((s) => s.trim())) {
    // type = letters then digits (f32, uint16), so a component count "x3" can follow it
    const m = /^([A-Za-z_][\w.-]*)\s*:\s*([a-z]*\d+)(?:x(\d+))?$/.exec(raw);
    if (!m) throw new BinLayoutError(`bin layout: cannot read "${raw}" (expected name:type, e.g. intensity:f32, or _:N for N padding bytes)`);
    const [, name, typeText, countText] = m;
    if (name === '_') {
      const pad = Number(typeText);
      if (!Number.isInteger(pad) || pad <= 0 || countText) throw new BinLayoutError(`bin layout: padding "${raw}" needs a positive byte count, e.g. _:2`);
      offset += pad;
      continue;
    }
    const type = TYPES[typeText];
    if (!type) throw new BinLayoutError(`bin layout: "${raw}" has unknown type "${typeText}" (use f32, f64, i8, u8, i16, u16, i32 or u32)`);
    const count = countText === undefined ? 1 : Number(countText);
    if (count < 1) throw new BinLayoutError(`bin layout: "${raw}" needs at least one component`);
    if (names.has(name)) throw new BinLayoutError(`bin layout: field "${name}" appears twice`);
    names.add(name);
    fields.push(count === 1 ? { name, type, offset } : { name, type, offset, count });
    offset += BYTES_PER_ELEMENT[type] * count;
  }
  let stride = offset;
  for (const option of options.filter(Boolean)) {
    const m = /^stride\s*=\s*(\d+)$/.exec(option);
    if (!m) throw new BinLayoutError(`bin layout: unknown option "${option}" (only stride=N)`);
    stride = Number(m[1]);
    if (stride < offset) throw new BinLayoutError(`bin layout: stride ${stride} is shorter than the ${offset} bytes of the fields`);
  }
  for (const axis of ['x', 'y', 'z']) {
    if (!names.has(axis)) throw new BinLayoutError(`bin layout has no "${axis}" field`);
  }
  for (const f of fields) {
    if (['x', 'y', 'z'].includes(f.name) && (f.count ?? 1) !== 1) throw new BinLayoutError(`bin layout: coordinate "${f.name}" must have one component`);
  }
  return { stride, fields };
}

/** The spec text of a layout (padding between fields written as `_:N`), the inverse of parsing. */
export function formatBinLayoutSpec(layout: BinLayout): string {
  const parts: string[] = [];
  let at = 0;
  for (const f of [...layout.fields].sort((a, b) => a.offset - b.offset)) {
    if (f.offset > at) parts.push(`_:${f.offset - at}`);
    parts.push(`${f.name}:${SHORT[f.type]}${(f.count ?? 1) > 1 ? `x${f.count}` : ''}`);
    at = f.offset + BYTES_PER_ELEMENT[f.type] * (f.count ?? 1);
  }
  return layout.stride > at ? `${parts.join(',')};stride=${layout.stride}` : parts.join(',');
}
