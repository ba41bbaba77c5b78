/**
 * Region items of large scenes (core/geo/regions): windows of a parent GeoTIFF item that are items
 * of the project in their own right (own annotation document, review status and assignee) but
 * read the parent's pixels (no copy). They are recorded in `<project>/regions.json`, a project
 * file beside datum.json (the index under .datum/ is a cache and is rebuilt from the sources),
 * and joined to the index after each open / refresh while their parent exists.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { ItemSummary } from '../../preload/contract';
import { atomicWriteJson } from './atomicWrite';
import { itemId } from './indexer';

export const REGIONS_FILE = 'regions.json';

export type RegionRecord = NonNullable<ItemSummary['region']> & { id: string };

export async function readRegions(projectDir: string): Promise<RegionRecord[]> {
  try {
    const raw = JSON.parse(await fs.readFile(path.join(projectDir, REGIONS_FILE), 'utf8'));
    if (raw?.version === 1 && Array.isArray(raw.regions)) return raw.regions as RegionRecord[];
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e; // a broken file is reported, not silently dropped
  }
  return [];
}

export async function writeRegions(projectDir: string, regions: RegionRecord[]): Promise<void> {
  await atomicWriteJson(path.join(projectDir, REGIONS_FILE), { version: 1, regions });
}

/**
 * A region's id: 16 hex digits like every item id (annotation files are named by it), hashed from
 * the parent's id and the grid cell, so it is stable and re-opening finds its document.
 */
export function regionId(parentId: string, row: number, col: number): string {
  return itemId(`region:${parentId}`, `${row},${col}`);
}

/** Display name of a region: the parent's name and its cell. */
export function regionName(parentName: string, row: number, col: number): string {
  return `${parentName}#r${row + 1}c${col + 1}`;
}

/**
 * The file items with their regions joined after each parent (regions whose parent is gone are
 * left out, their documents kept). A region keeps the status it had in `previous`.
 */
export function joinRegions(fileItems: ItemSummary[], regions: RegionRecord[], previous: Map<string, ItemSummary>): ItemSummary[] {
  if (!regions.length) return fileItems;
  const byParent = new Map<string, RegionRecord[]>();
  for (const r of regions) byParent.set(r.parent, [...(byParent.get(r.parent) ?? []), r]);
  const out: ItemSummary[] = [];
  for (const item of fileItems) {
    if (item.region) continue; // a stale region entry from the cached index
    out.push(item);
    for (const r of byParent.get(item.id) ?? []) {
      const { id, ...region } = r;
      out.push({
        ...item,
        id,
        name: regionName(item.name, r.row, r.col),
        size: 0,
        status: previous.get(id)?.status ?? 'new',
        region,
      });
    }
  }
  return out;
}
