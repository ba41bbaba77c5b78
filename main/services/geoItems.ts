/**
 * Remote-sensing actions on items (docs/remote-sensing.md): the legend's data ranges, splitting a
 * scene into region items, the whole scene's GeoJSON (its own labels and every region's, each
 * placed through its own geotransform) and the before / after candidates of an image.
 */
import path from 'node:path';
import type { ItemSummary } from '../../preload/contract';
import type { ProjectService } from './projectService';
import { displayRanges, openGeoTiff, type Opened } from './geotiff';
import { displayKey, effectiveDisplay, type RasterDisplay } from '../../core/geo/display';
import { regionGeoTransform, splitWindows, type SplitSpec } from '../../core/geo/regions';
import { labelsToGeoJson, type Feature } from '../../core/geo/geojson';
import { UnsupportedCrsError } from '../../core/geo/crs';
import { otherToPrimary, coregistered, overlapShare, type Grid } from '../../core/geo/compare';
import { emptyDocument } from '../../core/document/schema';
import { DatumError } from '../rpc/errors';
import { regionId, type RegionRecord } from './geoRegions';

async function opened(projects: ProjectService, item: ItemSummary): Promise<Opened> {
  const o = await openGeoTiff(projects.itemPath(item.id));
  if (!o) throw new DatumError('BAD_REQUEST', `${item.name} is not a georeferenced TIFF`);
  return o;
}

/** The item's grid (a region: its window, with its geotransform). */
export function gridOf(o: Opened, item: ItemSummary): Grid {
  const r = item.region;
  return r
    ? { width: r.width, height: r.height, geotransform: regionGeoTransform(o.info.geotransform, r.x, r.y), epsg: o.info.epsg }
    : { width: o.info.width, height: o.info.height, geotransform: o.info.geotransform, epsg: o.info.epsg };
}

export async function legendRanges(projects: ProjectService, itemId: string, display?: RasterDisplay) {
  const item = projects.getItem(itemId);
  const o = await opened(projects, item);
  const e = effectiveDisplay(display ?? (projects.current()?.settings?.rasterDisplay as RasterDisplay | undefined), o.info.bands);
  return { key: displayKey(e), ranges: await displayRanges(o, e) };
}

type SplitInput = { mode: 'grid'; cols: number; rows: number; overlap: number } | { mode: 'size'; width: number; height: number; unit: 'px' | 'm'; overlap: number };

/**
 * Region items for a GeoTIFF item. Sizes in metres are converted with the ground resolution (CRS
 * units per pixel; for EPSG:4326 the split is refused in metres, its unit being degrees).
 * Each region gets an empty document (status new), assigned round robin when assignees are given.
 */
export async function splitScene(projects: ProjectService, itemId: string, input: SplitInput, assignees?: string[]): Promise<ItemSummary[]> {
  const item = projects.getItem(itemId);
  if (item.region) throw new DatumError('BAD_REQUEST', `${item.name} is already a region; split its scene instead`);
  const o = await opened(projects, item);
  if (projects.regionsOf(item.id).length) throw new DatumError('CONFLICT', `${item.name} is already split into regions`);
  let spec: SplitSpec;
  if (input.mode === 'grid') spec = input;
  else {
    let k = 1;
    if (input.unit === 'm') {
      if (o.info.epsg === 4326 || o.info.epsg == null) throw new DatumError('BAD_REQUEST', `${item.name}: sizes in metres need a projected CRS; give pixels`);
      k = 1 / o.info.resolution[0];
    }
    spec = { mode: 'size', width: input.width * k, height: input.height * (input.unit === 'm' ? 1 / o.info.resolution[1] : 1), overlap: input.overlap * k };
  }
  let wins;
  try {
    wins = splitWindows(o.info.width, o.info.height, spec);
  } catch (e) {
    throw new DatumError('BAD_REQUEST', (e as Error).message);
  }
  const records: RegionRecord[] = wins.map((w) => ({ id: regionId(item.id, w.row, w.col), parent: item.id, ...w }));
  const items = await projects.addRegions(records);
  if (assignees?.length) {
    // the review workflow keeps the assignee in the item's document (core/review)
    await Promise.all(items.map((r, i) => projects.saveAnnotations(r.id, { ...emptyDocument(r.id), assignee: assignees[i % assignees.length] })));
  }
  return items;
}

/**
 * GeoJSON of an item. For a scene that was split, its regions' labels come too, each mapped with
 * its region's geotransform (region pixel + offset), with the region's id in `properties.region`.
 */
export async function sceneGeoJson(projects: ProjectService, itemId: string): Promise<{ text: string; features: number; skipped: number }> {
  const item = projects.getItem(itemId);
  const o = await opened(projects, item);
  const parts = [item, ...(item.region ? [] : projects.regionsOf(item.id))];
  const features: Feature[] = [];
  let skipped = 0;
  for (const part of parts) {
    const doc = await projects.loadAnnotations(part.id);
    let r;
    try {
      r = labelsToGeoJson(doc.objects, gridOf(o, part).geotransform, o.info.epsg);
    } catch (e) {
      if (e instanceof UnsupportedCrsError) throw new DatumError('BAD_REQUEST', `${path.basename(item.name)}: ${e.message}`);
      throw e;
    }
    skipped += r.skipped;
    for (const f of r.collection.features) features.push(part.region ? { ...f, properties: { ...f.properties, region: part.id } } : f);
  }
  return { text: JSON.stringify({ type: 'FeatureCollection', features }, null, 1), features: features.length, skipped };
}

/** Other GeoTIFF items (not regions) whose footprint covers part of this one, most overlap first. */
export async function compareCandidates(projects: ProjectService, itemId: string) {
  const item = projects.getItem(itemId);
  const o = await opened(projects, item);
  const me = gridOf(o, item);
  const out: { itemId: string; name: string; coregistered: boolean; toPrimary: [number, number, number, number, number, number]; overlap: number }[] = [];
  const all = projects.listItems({ offset: 0, limit: 1_000_000 } as Parameters<ProjectService['listItems']>[0]).items;
  for (const other of all) {
    if (other.id === item.id || other.region || other.modality !== 'image' || !/\.tiff?$/i.test(other.name)) continue;
    const oo = await openGeoTiff(projects.itemPath(other.id)).catch(() => null);
    if (!oo) continue;
    const g = gridOf(oo, other);
    const t = otherToPrimary(me, g);
    if (!t) continue;
    const share = overlapShare(me, g, t);
    if (share > 0) out.push({ itemId: other.id, name: other.name, coregistered: coregistered(me, g), toPrimary: t, overlap: share });
  }
  return { items: out.sort((a, b) => b.overlap - a.overlap) };
}
