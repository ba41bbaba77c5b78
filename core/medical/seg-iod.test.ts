/**
 * Exported DICOM SEG against the Segmentation IOD's Type 1 / 2 attribute table
 * (tests/support/segIod.ts, typed in from PS3.3 A.51, not from our writer), plain and
 * de-identified, on the real CT2 series; and the SEG reads back in this project exactly.
 */
import { describe, expect, it } from 'vitest';
import type { DataSet } from 'dicom-parser';
import { dicomParser } from './dicom-parser-lib';
import { loadDicomVolume } from './series';
import { createLabelmap, paintDisc } from './segmentation';
import { readDicomSeg, writeDicomSeg } from './seg';
import { SOP_CLASS } from './dicom';
import { HAS_DATA, readFolder, SKIP_REASON } from '../../tests/support/medical-data';
import { SEG_IOD, SEQUENCE_TAGS } from '../../tests/support/segIod';

if (!HAS_DATA) console.warn(SKIP_REASON);

/** Every data set reached by following `path` (sequence keywords), item by item. */
function reach(ds: DataSet, path: string[]): DataSet[] {
  let level = [ds];
  for (const keyword of path) {
    const tag = SEQUENCE_TAGS[keyword];
    level = level.flatMap((d) => (d.elements[tag]?.items ?? []).map((i) => i.dataSet!).filter(Boolean));
  }
  return level;
}

function problems(bytes: Uint8Array): string[] {
  const ds = dicomParser.parseDicom(bytes);
  const out: string[] = [];
  for (const row of SEG_IOD) {
    const where = row.in ? row.in.join(' > ') : 'top level';
    const sets = reach(ds, row.in ?? []);
    if (sets.length === 0) {
      out.push(`${row.module}: no ${where} to hold ${row.keyword}`);
      continue;
    }
    sets.forEach((d, n) => {
      const e = d.elements[row.tag];
      const label = `${row.module}: ${row.keyword} (${row.tag}) type ${row.type} in ${where} #${n}`;
      if (!e) out.push(`${label} is missing`);
      else if (row.type.startsWith('1') && (e.items ? e.items.length === 0 : e.length === 0 && !e.fragments)) out.push(`${label} is empty`);
    });
  }
  return out;
}

describe.skipIf(!HAS_DATA)('DICOM SEG against the Segmentation IOD (PS3.3 A.51)', () => {
  const build = async () => {
    const { volume } = await loadDicomVolume(readFolder('dicom', 'series', '77654033', 'CT2'));
    const map = createLabelmap(volume);
    paintDisc(map, { orientation: 'axial', index: 1 }, [8, 8], 3, 1);
    paintDisc(map, { orientation: 'axial', index: 2 }, [5, 5], 2, 2);
    paintDisc(map, { orientation: 'axial', index: 3 }, [10, 9], 2, 2);
    const segments = [
      { number: 1, label: 'liver', color: [200, 60, 60] as [number, number, number] },
      { number: 2, label: 'lesion', color: [60, 200, 60] as [number, number, number] },
    ];
    return { volume, map, segments };
  };

  it.each([false, true])('every Type 1 / 2 attribute is present (de-identified: %s)', async (deidentify) => {
    const { volume, map, segments } = await build();
    const bytes = writeDicomSeg(map, volume, segments, { deidentify, contentCreatorName: 'Doe^Jane' });
    expect(problems(bytes)).toEqual([]);
    const ds = dicomParser.parseDicom(bytes);
    expect(ds.string('x00080016')).toBe(SOP_CLASS.segmentation);
    expect(ds.string('x00080060')).toBe('SEG');
    // The de-identified object empties the creator's name (Z); the plain one keeps it.
    expect(ds.string('x00700084') ?? '').toBe(deidentify ? '' : 'Doe^Jane');
    // Dimensions: one index value per Dimension Index item on every frame; pointers name
    // ReferencedSegmentNumber in the Segment Identification Sequence and ImagePositionPatient in
    // the Plane Position Sequence.
    const index = ds.elements.x00209222.items!.map((i) => i.dataSet!);
    expect(index.map((d) => [d.attributeTag('x00209165'), d.attributeTag('x00209167')])).toEqual([
      ['x0062000b', 'x0062000a'],
      ['x00200032', 'x00209113'],
    ]);
    const organization = ds.elements.x00209221.items![0].dataSet!.string('x00209164');
    expect(index.every((d) => d.string('x00209164') === organization)).toBe(true);
    const frames = ds.elements.x52009230.items!.map((i) => i.dataSet!);
    expect(frames).toHaveLength(Number(ds.string('x00280008')));
    for (const f of frames) {
      const content = f.elements.x00209111.items![0].dataSet!;
      const values = [content.uint32('x00209157', 0), content.uint32('x00209157', 1)];
      expect(content.elements.x00209157.length / 4).toBe(index.length);
      expect(values[0]).toBe(f.elements.x0062000a.items![0].dataSet!.uint16('x0062000b'));
    }
  });

  it('reads back in this project with the same voxels', async () => {
    const { volume, map, segments } = await build();
    const seg = await readDicomSeg(writeDicomSeg(map, volume, segments), 'seg.dcm', volume);
    for (const s of segments) {
      const mask = seg.masks.get(s.number)!;
      for (let i = 0; i < map.data.length; i++) if ((map.data[i] === s.number ? 1 : 0) !== mask[i]) throw new Error(`segment ${s.number} differs at voxel ${i}`);
    }
    expect(seg.segments.map((s) => s.label)).toEqual(['liver', 'lesion']);
  });
});
