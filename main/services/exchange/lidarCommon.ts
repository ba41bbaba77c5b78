/**
 * Helpers shared by the LiDAR exchange formats (SUSTechPOINTS, nuScenes, SemanticKITTI).
 */
import { promises as fs } from 'node:fs';
import type { ItemSummary, Modality } from '../../../preload/contract';
import type { LabelSpec, Ontology } from '../../../core/document/schema';
import type { ProjectService } from '../projectService';

const PALETTE = ['#f58231', '#911eb4', '#46f0f0', '#f032e6', '#bcf60c', '#008080', '#9a6324', '#800000', '#808000', '#000075', '#a9a9a9'];

export const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'object';

/** Every indexed item of the given modalities, all pages. */
export function itemsOf(projects: ProjectService, modality: Modality[]): ItemSummary[] {
  const out: ItemSummary[] = [];
  for (let offset = 0; ; offset += 1000) {
    const page = projects.listItems({ offset, limit: 1000, modality });
    out.push(...page.items);
    if (offset + 1000 >= page.total) break;
  }
  return out;
}

export async function readIfExists(file: string): Promise<string | null> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

/**
 * The ontology label for an external class name: matched by id or name (case-insensitive, or
 * equal once slugged: "traffic_cone" = "Traffic cone"); missing ones are appended to `ontology`.
 */
export function labelFor(type: string, ontology: Ontology, suffix: string): LabelSpec {
  const lower = type.toLowerCase();
  const found = ontology.labels.find((l) => l.id.toLowerCase() === lower || l.name.toLowerCase() === lower || slug(l.name) === slug(type) || l.id === slug(type));
  if (found) return found;
  let id = slug(type);
  while (ontology.labels.some((l) => l.id === id)) id += `-${suffix}`;
  const label: LabelSpec = { id, name: type, color: PALETTE[ontology.labels.length % PALETTE.length], kinds: ['cuboid3d'], attributes: [] };
  ontology.labels.push(label);
  return label;
}

/** Width and height from a JPEG's first SOF marker, or null. */
export async function jpegSize(file: string): Promise<[number, number] | null> {
  const buf = await fs.readFile(file).catch(() => null);
  if (!buf || buf[0] !== 0xff || buf[1] !== 0xd8) return null;
  let i = 2;
  while (i + 9 < buf.length) {
    if (buf[i] !== 0xff) return null;
    const marker = buf[i + 1];
    if (marker === 0xff) {
      i++;
      continue;
    }
    const len = buf.readUInt16BE(i + 2);
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc)
      return [buf.readUInt16BE(i + 7), buf.readUInt16BE(i + 5)];
    i += 2 + len;
  }
  return null;
}
