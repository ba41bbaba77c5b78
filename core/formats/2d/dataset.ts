/**
 * The in-memory dataset every 2D format converts to and from, plus the helpers the format
 * modules share. Formats never touch the file system: importers take a map of relative path ->
 * content and exporters return one, so the host (Electron main, CLI) owns all I/O.
 */
import type { AttributeSpec, AttributeValue, ItemDocument, LabelSpec, Ontology } from '../../document/schema';
import { DOCUMENT_SCHEMA_VERSION } from '../../document/schema';

export type FileContent = string | Uint8Array;
/** Relative path (forward slashes) -> file content. */
export type FormatFiles = Map<string, FileContent>;

export type Dataset2DItem = {
  /** Image file name relative to the dataset root (e.g. `images/0001.jpg`), or the video name. */
  name: string;
  width: number;
  height: number;
  /** Number of frames, for videos. */
  frames?: number;
  document: ItemDocument;
};

export type Dataset2D = { ontology: Ontology; items: Dataset2DItem[] };

export type ExportOptions = {
  /** Called for every annotation a format cannot represent and therefore leaves out. */
  onWarning?: (message: string) => void;
};

/** Bad input: the message always starts with the file it is about. */
export class FormatError extends Error {
  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(`${file}: ${problem}`);
    this.name = 'FormatError';
  }
}

const decoder = new TextDecoder('utf-8');

export function textOf(content: FileContent): string {
  const text = typeof content === 'string' ? content : decoder.decode(content);
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text; // drop a UTF-8 BOM
}

export function parseJson(file: string, content: FileContent): unknown {
  try {
    return JSON.parse(textOf(content));
  } catch (error) {
    throw new FormatError(file, `invalid JSON (${(error as Error).message})`);
  }
}

/** Files whose path ends with one of the extensions, sorted so imports are deterministic. */
export function filesWithExtension(files: FormatFiles, ...extensions: string[]): string[] {
  return [...files.keys()].filter((path) => extensions.some((ext) => path.toLowerCase().endsWith(ext))).sort();
}

export function stripExtension(path: string): string {
  const slash = path.lastIndexOf('/');
  const dot = path.lastIndexOf('.');
  return dot > slash ? path.slice(0, dot) : path;
}

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

export function newDocument(itemId: string): ItemDocument {
  return { schemaVersion: DOCUMENT_SCHEMA_VERSION, itemId, status: 'new', objects: [], tracks: [], pointLabels: [] };
}

/**
 * Rounds away float noise (0.1 + 0.2) before numbers are written, so exported files are stable
 * across export -> import -> export and diff cleanly.
 */
export function round(value: number, decimals = 6): number {
  const factor = 10 ** decimals;
  const rounded = Math.round(value * factor) / factor;
  return Object.is(rounded, -0) ? 0 : rounded;
}

// ---------------------------------------------------------------- labels

/** 32-bit FNV-1a: a tiny stable hash for ids and colours (not for security). */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/**
 * Stable label id from its name: readable slug plus a hash of the exact name, so "traffic light"
 * and "traffic_light" do not collide and re-importing the same dataset gives the same ids.
 */
export function labelIdFromName(name: string): string {
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 32);
  return `${slug || 'label'}-${fnv1a(name).toString(16).padStart(8, '0')}`;
}

/** Deterministic, reasonably distinct colour per name (hue from the hash, fixed saturation). */
export function labelColor(name: string): string {
  const hue = fnv1a(name) % 360;
  const s = 0.65, l = 0.5;
  const k = (n: number) => (n + hue / 30) % 12;
  const a = s * Math.min(l, 1 - l);
  const channel = (n: number) => Math.round(255 * (l - a * Math.max(-1, Math.min(k(n) - 3, 9 - k(n), 1))));
  return `#${[channel(0), channel(8), channel(4)].map((c) => c.toString(16).padStart(2, '0')).join('')}`;
}

/** Collects labels during an import, creating each once in first-seen order. */
export class LabelBook {
  private readonly byName = new Map<string, LabelSpec>();

  constructor(existing: readonly LabelSpec[] = []) {
    for (const label of existing) this.byName.set(label.name, label);
  }

  /** The label's id, creating the label (and merging extra fields into it) as needed. */
  ensure(name: string, extra: Partial<LabelSpec> = {}): string {
    const existing = this.byName.get(name);
    if (existing) {
      if (Object.keys(extra).length) this.byName.set(name, { ...existing, ...extra });
      return existing.id;
    }
    const label: LabelSpec = { id: labelIdFromName(name), name, color: labelColor(name), kinds: [], attributes: [], ...extra };
    this.byName.set(name, label);
    return label.id;
  }

  get(name: string): LabelSpec | undefined {
    return this.byName.get(name);
  }

  ontology(): Ontology {
    return { labels: [...this.byName.values()] };
  }
}

/** Label lookup by id for exporters; an object whose label is unknown is a caller bug, named. */
export function labelIndex(ontology: Ontology): (id: string, where: string) => LabelSpec {
  const byId = new Map(ontology.labels.map((label) => [label.id, label]));
  return (id, where) => {
    const label = byId.get(id);
    if (!label) throw new Error(`${where}: label id '${id}' is not in the ontology`);
    return label;
  };
}

// ---------------------------------------------------------------- attributes in text formats

/**
 * An attribute value read from XML text. With the label's spec the declared type wins ("007" stays
 * text); without one, booleans and numbers are recognised so they survive a round trip.
 */
export function attributeFromText(text: string, spec?: AttributeSpec): AttributeValue {
  const lower = text.trim().toLowerCase();
  if (spec) {
    if (spec.type === 'bool') return lower === 'true' || lower === '1';
    if (spec.type === 'number') return Number.isFinite(Number(text)) && text.trim() !== '' ? Number(text) : text;
    return text;
  }
  if (lower === 'true' || lower === 'false') return lower === 'true';
  if (/^-?\d+(\.\d+)?(e[-+]?\d+)?$/i.test(text.trim())) return Number(text);
  return text;
}

export function attributeToText(value: AttributeValue): string {
  return typeof value === 'boolean' ? (value ? 'true' : 'false') : String(value);
}

/**
 * Ids for a format's own numbering (COCO category ids, YOLO class indices): ids kept from an
 * earlier import (`externalIds[key]`) are reused, other labels take the smallest unused ones
 * from `firstFree`, so a re-export keeps the numbers other tools already know.
 */
export function assignExternalIds(labels: readonly LabelSpec[], key: string, firstFree: number): Map<string, number> {
  const ids = new Map<string, number>();
  const used = new Set<number>();
  for (const label of labels) {
    const id = label.externalIds?.[key];
    if (id !== undefined && !used.has(id)) {
      ids.set(label.id, id);
      used.add(id);
    }
  }
  let next = firstFree;
  for (const label of labels) {
    if (ids.has(label.id)) continue;
    while (used.has(next)) next++;
    ids.set(label.id, next);
    used.add(next);
  }
  return ids;
}
