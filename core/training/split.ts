/**
 * The deterministic train / validation split of a training snapshot, by group: items of one group
 * (a sequence item's frames, or numbered files of one folder that form a run, e.g. KITTI tracking's
 * 000000, 000003, ... 000030) always land on the same side, so validation never sees frames that
 * neighbour a training frame. Pure.
 */
import type { Split } from './job';

/** Numbered files of one folder whose numbers are at most this far apart are one recording. */
export const MAX_RUN_GAP = 10;

export interface GroupableItem {
  itemId: string;
  /** Project-relative path (folder/file.ext, or the sequence folder). */
  path: string;
  /** Sequence items are their own group. */
  sequence: boolean;
}

/**
 * A group id per item: a sequence item is its own group; other items group by folder and by runs of
 * numbered names (the trailing number of the file stem; gap <= MAX_RUN_GAP). Items without a number
 * are their own group.
 */
export function groupItems(items: readonly GroupableItem[]): Map<string, string> {
  const out = new Map<string, string>();
  const byFolder = new Map<string, { item: GroupableItem; num: number }[]>();
  for (const item of items) {
    if (item.sequence) {
      out.set(item.itemId, `seq:${item.path}`);
      continue;
    }
    const slash = item.path.lastIndexOf('/');
    const folder = slash < 0 ? '' : item.path.slice(0, slash);
    const stem = item.path.slice(slash + 1).replace(/\.[^.]*$/, '');
    const m = /(\d+)$/.exec(stem);
    if (!m) {
      out.set(item.itemId, `item:${item.path}`);
      continue;
    }
    const list = byFolder.get(folder) ?? [];
    list.push({ item, num: Number(m[1]) });
    byFolder.set(folder, list);
  }
  for (const [folder, list] of byFolder) {
    list.sort((a, b) => a.num - b.num || a.item.path.localeCompare(b.item.path));
    let runStart = list[0].num;
    let prev = list[0].num;
    for (const { item, num } of list) {
      if (num - prev > MAX_RUN_GAP) runStart = num;
      prev = num;
      out.set(item.itemId, `run:${folder}#${runStart}`);
    }
  }
  return out;
}

/** FNV-1a of a string with a seed, for an order that depends on names and the seed only. */
export function hashString(s: string, seed = 0): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/**
 * Which groups go to validation: groups in a seeded hash order, each taken while the validation
 * weight (objects, or items) stays within 1.25 x `valFraction` of the total, until it reaches
 * `valFraction`; when every group is too heavy, the lightest one. At least one group stays on each
 * side. Throws when there is a single group (no split can keep it on one side and still validate).
 */
export function splitGroups(groups: ReadonlyMap<string, number>, valFraction = 0.2, seed = 1): Map<string, Split> {
  const names = [...groups.keys()].sort();
  if (names.length < 2) throw new Error(`a train / validation split needs at least 2 groups (sequences or separate recordings); this snapshot has ${names.length}`);
  const weight = (g: string) => Math.max(groups.get(g)!, 0);
  const total = names.reduce((s, g) => s + weight(g), 0);
  const w = total > 0 ? weight : () => 1;
  const target = valFraction * (total > 0 ? total : names.length);
  const order = names.slice().sort((a, b) => hashString(a, seed) - hashString(b, seed) || a.localeCompare(b));
  const out = new Map<string, Split>(names.map((g) => [g, 'train']));
  let val = 0, inVal = 0;
  for (const g of order) {
    if (val >= target || inVal === names.length - 1) break;
    if (val + w(g) > 1.25 * target) continue;
    out.set(g, 'val');
    val += w(g);
    inVal++;
  }
  if (!inVal) out.set(order.slice().sort((a, b) => w(a) - w(b))[0], 'val');
  return out;
}

export const describeSplit = (valFraction: number, seed: number, groups: number) =>
  `by group (sequence or run of numbered files), ${Math.round(valFraction * 100)} % validation, seed ${seed}, ${groups} groups`;
