import { cpSync, existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MedicalService, volumeFile } from './medical';
import { PathGuard } from './pathGuard';
import { ProjectService } from './projectService';
import { serveBlob } from './blobs';
import { readNifti } from '../../core/medical/nifti';
import { loadDicomVolume } from '../../core/medical/series';
import { readDicomSeg } from '../../core/medical/seg';
import { decodeLabelRuns, encodeLabelRuns } from '../../core/medical/labelmap-rle';
import { createLabelmap, paintDisc } from '../../core/medical/segmentation';

const DATA = path.resolve(__dirname, '../../../shared/data');
const hasData = existsSync(path.join(DATA, 'dicom/mr3slice')) && existsSync(path.join(DATA, 'nifti/FLAIR.nii.gz'));
if (!hasData) console.warn(`medical.test: ${DATA} is absent; the real-data tests are skipped`);

const b64 = (u: Uint8Array) => Buffer.from(u).toString('base64');

describe('label runs', () => {
  it('round-trips long runs and mixed values', () => {
    const data = new Uint8Array(300_000);
    data.fill(3, 1000, 200_000);
    data[250_000] = 255;
    data[299_999] = 1;
    const runs = encodeLabelRuns(data);
    expect(runs.length).toBeLessThan(40);
    expect(decodeLabelRuns(runs, data.length)).toEqual(data);
    expect(() => decodeLabelRuns(runs, data.length - 1)).toThrow();
  });
});

describe.skipIf(!hasData)('MedicalService on real data', () => {
  async function project() {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'datum-medical-'));
    cpSync(path.join(DATA, 'dicom/mr3slice'), path.join(dir, 'mr3slice'), { recursive: true });
    cpSync(path.join(DATA, 'nifti/FLAIR.nii.gz'), path.join(dir, 'nifti/FLAIR.nii.gz'));
    cpSync(path.join(DATA, 'nifti/lesion.nii.gz'), path.join(dir, 'nifti/lesion.nii.gz'));
    cpSync(path.join(DATA, 'dicom/seg'), path.join(dir, 'seg'), { recursive: true });
    // highdicom derived its SEG examples from pydicom's CT2 series (dicom/seg/README.md); as
    // numbered .dcm files the folder is indexed as one series.
    for (const f of ['17106', '17136', '17166', '17196']) cpSync(path.join(DATA, 'dicom/series/77654033/CT2', f), path.join(dir, 'ct2', `${f}.dcm`));
    const projects = new ProjectService(new PathGuard());
    await projects.create(dir);
    await projects.refreshIndex(() => {}, new AbortController().signal);
    const items = projects.listItems({ offset: 0, limit: 100 }).items;
    return { dir, projects, medical: new MedicalService(projects), items };
  }

  it('opens the mr3slice folder as one series, serves its voxels, saves and exports SEG + NIfTI', async () => {
    const { dir, projects, medical, items } = await project();
    const series = items.find((i) => i.name === 'mr3slice')!;
    expect(series.modality).toBe('dicom-series');
    expect(series.frames).toBe(3);
    const h = await medical.openComplete(series.id);
    expect(h.dims).toEqual([512, 512, 3]);
    expect(h.dtype).toBe('int16');
    expect(h.modality).toBe('MR');
    expect(h.canExportSeg).toBe(true);
    expect(h.errors).toEqual([]);
    expect(statSync(volumeFile(dir, series.id)).size).toBe(512 * 512 * 3 * 2);
    const blob = await serveBlob(projects, `/blob/volume/${series.id}`, undefined);
    expect(blob.status).toBe(200);
    expect(blob.headers['content-length']).toBe(String(512 * 512 * 3 * 2));
    expect((await serveBlob(projects, '/blob/volume/..%2F..%2Fetc', undefined)).status).toBe(404);

    // Paint label 1 on slices 0 and 2 and label 2 on slice 1.
    const map = createLabelmap({ dims: h.dims, spacing: h.spacing });
    paintDisc(map, { orientation: 'axial', index: 0 }, [256, 256], 20, 1);
    paintDisc(map, { orientation: 'axial', index: 2 }, [256, 256], 20, 1);
    paintDisc(map, { orientation: 'axial', index: 1 }, [100, 100], 10, 2);
    const segments = [
      { number: 1, label: 'Tumour', color: [230, 80, 80] as [number, number, number] },
      { number: 2, label: 'Edema', color: [80, 200, 120] as [number, number, number] },
    ];
    await medical.saveLabelmap(series.id, segments, b64(encodeLabelRuns(map.data)));
    const loaded = await medical.loadLabelmap(series.id);
    expect(loaded.segments).toEqual(segments);
    expect(decodeLabelRuns(Buffer.from(loaded.runs!, 'base64'), map.data.length)).toEqual(map.data);
    await expect(medical.saveLabelmap(series.id, segments, b64(encodeLabelRuns(new Uint8Array(10))))).rejects.toThrow(/does not fit/);

    const seg = await medical.exportSeg(series.id, true);
    expect(seg.relPath).toMatch(/^exports\/.*\.seg-deid\.dcm$/);
    const names = ['1-001.dcm', '1-002.dcm', '1-003.dcm'];
    const ref = await loadDicomVolume(names.map((n) => ({ name: n, bytes: new Uint8Array(readFileSync(path.join(dir, 'mr3slice', n))) })));
    const back = await readDicomSeg(new Uint8Array(readFileSync(seg.path)), 'seg', ref.volume);
    expect(back.segments.map((s) => s.label)).toEqual(['Tumour', 'Edema']);
    for (const [n, mask] of back.masks) {
      let same = 0;
      for (let i = 0; i < mask.length; i++) if ((mask[i] === 1) === (map.data[i] === n)) same++;
      expect(same).toBe(mask.length);
    }
    expect(readFileSync(seg.path).includes(Buffer.from('ANONYMOUS'))).toBe(true);

    const nii = await medical.exportNifti(series.id);
    const lab = readNifti(new Uint8Array(readFileSync(nii.path)), 'labels');
    expect(lab.dims).toEqual(h.dims);
    expect(Array.from(lab.data)).toEqual(Array.from(map.data));

    // Importing both back gives the same label map.
    const imported = await medical.importNifti(series.id, nii.relPath);
    expect(decodeLabelRuns(Buffer.from(imported.runs!, 'base64'), map.data.length)).toEqual(map.data);
    const importedSeg = await medical.importSeg(series.id, seg.path);
    expect(decodeLabelRuns(Buffer.from(importedSeg.runs!, 'base64'), map.data.length)).toEqual(map.data);
    // RTSTRUCT: contours on the real MR series, read back voxel for voxel with names and colours.
    const rs = await medical.exportRtstruct(series.id, false);
    expect(rs.relPath).toMatch(/^exports\/.*\.rtstruct\.dcm$/);
    const importedRs = await medical.importRtstruct(series.id, rs.relPath);
    expect(importedRs.warnings).toEqual([]);
    expect(importedRs.segments).toEqual(segments);
    expect(decodeLabelRuns(Buffer.from(importedRs.runs!, 'base64'), map.data.length)).toEqual(map.data);
    await expect(medical.importRtstruct(series.id, nii.relPath)).rejects.toThrow(/labels\.nii\.gz/);
    // Paths outside the project are refused.
    await expect(medical.importNifti(series.id, '/etc/passwd')).rejects.toThrow(/outside/);
    // Our exports are not indexed as new items by the next rescan.
    const before = projects.listItems({ offset: 0, limit: 1000 }).total;
    await projects.refreshIndex(() => {}, new AbortController().signal);
    const after = projects.listItems({ offset: 0, limit: 1000 }).items;
    expect(after.filter((i) => i.name.startsWith('exports/'))).toEqual([]);
    expect(after).toHaveLength(before);
  });

  it('lists the DICOM header of each file of a series (the tag viewer), identifying values only when asked', async () => {
    const { medical, items } = await project();
    const mr = items.find((i) => i.name === 'mr3slice')!;
    const first = await medical.tags(mr.id, 0, false);
    expect(first.count).toBe(3);
    expect(first.file).toBe('1-001.dcm');
    expect(first.rows.find((r) => r.tag === '(0008,0060)')).toMatchObject({ keyword: 'Modality', value: 'MR' });
    const name = first.rows.find((r) => r.tag === '(0010,0010)');
    if (name) expect(name).toMatchObject({ identifying: true, value: '' });
    const third = await medical.tags(mr.id, 2, true);
    expect(third.file).toBe('1-003.dcm');
    expect(third.rows.find((r) => r.tag === '(0020,0013)')?.value.trim()).toMatch(/^\d+$/);
    await expect(medical.tags(mr.id, 3, false)).rejects.toThrow(/3 file\(s\); there is no file 4/);
    const nifti = items.find((i) => i.modality === 'nifti')!;
    await expect(medical.tags(nifti.id, 0, false)).rejects.toThrow(/not a DICOM item/);
  });

  it('opens FLAIR and imports lesion.nii.gz; imports the highdicom SEGs over their CT2 series', async () => {
    const { medical, items } = await project();
    const flair = items.find((i) => i.name === 'nifti/FLAIR.nii.gz')!;
    const h = await medical.openComplete(flair.id);
    expect(h.format).toBe('nifti');
    expect(h.dims).toEqual([124, 160, 140]);
    expect(h.canExportSeg).toBe(false);
    const lesion = await medical.importNifti(flair.id, 'nifti/lesion.nii.gz');
    expect(lesion.segments.length).toBeGreaterThan(0);
    const data = decodeLabelRuns(Buffer.from(lesion.runs!, 'base64'), 124 * 160 * 140);
    expect(data.some((v) => v > 0)).toBe(true);
    await expect(medical.exportSeg(flair.id, false)).rejects.toThrow(/DICOM/);

    // ct_image.dcm is 128x128; the SEG examples are 16x16 frames of CT2: a clear error.
    const ct = items.find((i) => i.name === 'seg/ct_image.dcm')!;
    const ch = await medical.openComplete(ct.id);
    expect(ch.dims).toEqual([128, 128, 1]);
    await expect(medical.importSeg(ct.id, 'seg/seg_image_ct_binary.dcm')).rejects.toThrow(/16x16.*128x128/);

    const ct2 = items.find((i) => i.name === 'ct2')!;
    expect(ct2.modality).toBe('dicom-series');
    const h2 = await medical.openComplete(ct2.id);
    const n = h2.dims[0] * h2.dims[1] * h2.dims[2];
    const seg = await medical.importSeg(ct2.id, 'seg/seg_image_ct_binary.dcm');
    expect(seg.segments.length).toBe(1);
    expect(decodeLabelRuns(Buffer.from(seg.runs!, 'base64'), n).some((v) => v === 1)).toBe(true);
    const overlap = await medical.importSeg(ct2.id, 'seg/seg_image_ct_binary_overlap.dcm');
    expect(overlap.segments.length).toBe(2);
    expect(overlap.warnings.join()).toMatch(/overlap/);
  });
});
