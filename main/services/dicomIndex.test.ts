import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { indexSources } from './indexer';
import { el, newUid, writePart10 } from '../../core/medical/dicom-writer';
import { syntheticCtSeries } from '../../core/medical/synthetic';
import type { ItemSummary } from '../../preload/contract';

const DATA = path.resolve(__dirname, '../../../shared/data/dicom');
const hasData = existsSync(path.join(DATA, 'series/DICOMDIR'));

async function index(root: string): Promise<{ items: ItemSummary[]; progress: number[] }> {
  const progress: number[] = [];
  const r = await indexSources([{ spec: { id: 's', path: root }, absPath: root }], [], (scanned) => progress.push(scanned), new AbortController().signal);
  return { items: r.items, progress };
}

/** A Part 10 object of `sopClass` without Pixel Data (RTSTRUCT, SR ...). */
function nonImage(sopClass: string, modality: string, study: string): Uint8Array {
  const sop = newUid();
  return writePart10([el(0x00080016, 'UI', sopClass), el(0x00080018, 'UI', sop), el(0x00080060, 'CS', modality), el(0x0020000d, 'UI', study), el(0x0020000e, 'UI', newUid())], sopClass, sop);
}

describe('indexer: DICOM grouped by Study / Series Instance UID', () => {
  it('finds extension-less files by their DICM preamble, keeps a scout apart, lists RTSTRUCT / SR as objects', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'datum-dicomidx-'));
    const ct = syntheticCtSeries({ size: 16, slices: 5 });
    mkdirSync(path.join(root, 'study1'));
    ct.forEach((f, i) => writeFileSync(path.join(root, 'study1', `IM${String(i + 1).padStart(6, '0')}`), f.bytes));
    // A scout (another series, other size) named like the slices: it must not split the series.
    const scout = syntheticCtSeries({ size: 8, slices: 1 })[0];
    writeFileSync(path.join(root, 'study1', 'IM000099'), scout.bytes);
    writeFileSync(path.join(root, 'study1', 'rs.dcm'), nonImage('1.2.840.10008.5.1.4.1.1.481.3', 'RTSTRUCT', 'x'));
    writeFileSync(path.join(root, 'study1', 'report'), nonImage('1.2.840.10008.5.1.4.1.1.88.33', 'SR', 'x'));
    writeFileSync(path.join(root, 'study1', 'README'), 'not DICOM, no extension');
    const { items, progress } = await index(root);
    const series = items.filter((i) => i.modality === 'dicom-series');
    expect(series).toHaveLength(1);
    expect(series[0]).toMatchObject({ name: 'study1', frames: 5, dicom: { modality: 'CT', kind: 'image', instances: 5, rows: 16, columns: 16 } });
    const byName = new Map(items.map((i) => [i.name, i]));
    expect(byName.get('study1/IM000099')?.modality).toBe('dicom');
    expect(byName.get('study1/IM000099')?.dicom?.rows).toBe(8);
    expect(byName.get('study1/rs.dcm')?.dicom?.kind).toBe('RTSTRUCT');
    expect(byName.get('study1/report')?.dicom?.kind).toBe('SR');
    expect(byName.has('study1/README')).toBe(false);
    expect(items).toHaveLength(4);
    expect(Math.max(...progress)).toBeGreaterThanOrEqual(9);
  });

  it('keeps two series in one folder apart (distinct ids) and one image in several syntaxes unmerged', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'datum-dicomidx-'));
    mkdirSync(path.join(root, 'mixed'));
    for (const [s, files] of [syntheticCtSeries({ size: 8, slices: 3 }), syntheticCtSeries({ size: 8, slices: 4 })].entries()) {
      files.forEach((f, i) => writeFileSync(path.join(root, 'mixed', `s${s}_${i}.dcm`), f.bytes));
    }
    const one = syntheticCtSeries({ size: 8, slices: 1 })[0].bytes;
    mkdirSync(path.join(root, 'copies'));
    writeFileSync(path.join(root, 'copies', 'a.dcm'), one);
    writeFileSync(path.join(root, 'copies', 'b.dcm'), one);
    const { items } = await index(root);
    const series = items.filter((i) => i.modality === 'dicom-series');
    expect(series.map((s) => s.frames).sort()).toEqual([3, 4]);
    expect(new Set(series.map((s) => s.id)).size).toBe(2);
    expect(items.filter((i) => i.name.startsWith('copies/')).map((i) => i.modality)).toEqual(['dicom', 'dicom']);
  });

  it('reads a header longer than the 16 KB head (a big private element before Pixel Data)', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'datum-dicomidx-'));
    const study = newUid();
    const series = newUid();
    for (let k = 0; k < 2; k++) {
      const sop = newUid();
      const ct = '1.2.840.10008.5.1.4.1.1.2';
      const bytes = writePart10(
        [
          el(0x00080016, 'UI', ct),
          el(0x00080018, 'UI', sop),
          el(0x00080060, 'CS', 'CT'),
          el(0x00090010, 'LO', 'VENDOR'),
          el(0x00091010, 'OB', new Uint8Array(40_000 + k * 7)), // ends the 16 KB head mid-element
          el(0x0020000d, 'UI', study),
          el(0x0020000e, 'UI', series),
          el(0x00280002, 'US', 1),
          el(0x00280004, 'CS', 'MONOCHROME2'),
          el(0x00280010, 'US', 4),
          el(0x00280011, 'US', 4),
          el(0x00280100, 'US', 16),
          el(0x00280101, 'US', 16),
          el(0x00280103, 'US', 0),
          el(0x7fe00010, 'OW', new Uint8Array(32)),
        ],
        ct,
        sop,
      );
      writeFileSync(path.join(root, `big${k}.dcm`), bytes);
    }
    const { items } = await index(root);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ modality: 'dicom-series', frames: 2, dicom: { kind: 'image', rows: 4, columns: 4 } });
  });

  it.skipIf(!hasData)('reads the real DICOMDIRs and lists their series; single images stay single', async () => {
    const { items } = await index(DATA);
    const series = items.filter((i) => i.modality === 'dicom-series');
    const names = series.map((s) => s.name).sort();
    // pydicom's series/DICOMDIR lists the 77654033 and 98892003 studies; TINY_ALPHA has its own
    // DICOMDIR and extension-less IM files; mr3slice is found by its headers.
    expect(names).toEqual(expect.arrayContaining(['mr3slice', 'series/77654033/CT2', 'series/98892003/MR700', 'series/TINY_ALPHA/PT000000/ST000000/SE000000']));
    const mr700 = series.find((s) => s.name === 'series/98892003/MR700')!;
    expect(mr700.dicom).toMatchObject({ modality: 'MR', instances: 7 });
    const tiny = series.find((s) => s.name.startsWith('series/TINY_ALPHA'))!;
    expect(tiny.dicom?.instances).toBe(50);
    // dicom/single holds one image in several transfer syntaxes (same UIDs): never merged.
    expect(items.filter((i) => i.name.startsWith('single/')).every((i) => i.modality === 'dicom')).toBe(true);
    expect(items.filter((i) => i.name.startsWith('single/'))).toHaveLength(9);
    // SEG objects are listed as SEG, not as images.
    expect(items.find((i) => i.name === 'seg/seg_image_ct_binary.dcm')?.dicom?.kind).toBe('SEG');
  });
});
