/**
 * The host side of patient-space viewing on generated files (no sample file covers these): a
 * sagittal series is served on the canonical grid while its label map is stored and exported on
 * the source grid; projection, bad spacing, RT Dose and 4D NIfTI headers say what they are.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MedicalService, SOURCE_GRID_DELAY_MS, volumeFile } from './medical';
import { PathGuard } from './pathGuard';
import { ProjectService } from './projectService';
import { readNifti } from '../../core/medical/nifti';
import { decodeLabelRuns, encodeLabelRuns } from '../../core/medical/labelmap-rle';
import { sourceToCanonical } from '../../core/medical/reorient';
import { transformPoint } from '../../core/medical/affine';
import { geometryFixtureFiles } from '../../core/medical/synthetic-geometry';
import type { Vec3 } from '../../core/medical/types';

const b64 = (u: Uint8Array) => Buffer.from(u).toString('base64');

function writeGeometryFixtures(dir: string): void {
  for (const f of geometryFixtureFiles()) {
    mkdirSync(path.dirname(path.join(dir, f.rel)), { recursive: true });
    writeFileSync(path.join(dir, f.rel), f.bytes);
  }
}

async function project() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'datum-medgeo-'));
  writeGeometryFixtures(dir);
  const projects = new ProjectService(new PathGuard());
  await projects.create(dir);
  await projects.refreshIndex(() => {}, new AbortController().signal);
  const items = projects.listItems({ offset: 0, limit: 100 }).items;
  const byName = (n: string) => {
    const it = items.find((i) => i.name === n);
    if (!it) throw new Error(`no item ${n} in ${items.map((i) => i.name).join(', ')}`);
    return it;
  };
  return { dir, medical: new MedicalService(projects), byName };
}

describe('MedicalService geometry on generated files', () => {
  it('serves a sagittal series on the canonical grid and stores / exports its label map on the source grid', async () => {
    const { dir, medical, byName } = await project();
    const item = byName('sagittal');
    // A .raw of the right size left by an older build (source-grid order) must be rewritten.
    mkdirSync(path.dirname(volumeFile(dir, item.id)), { recursive: true });
    writeFileSync(volumeFile(dir, item.id), new Uint8Array(16 * 12 * 10 * 2));
    const h = await medical.openComplete(item.id);
    const raw = new Int16Array(new Uint8Array(readFileSync(volumeFile(dir, item.id))).buffer);
    expect(raw.some((v) => v !== 0)).toBe(true);
    expect(h.viewMode).toBe('volume');
    expect(h.sourceDims).toEqual([16, 12, 10]);
    expect(h.dims).toEqual([10, 16, 12]);
    expect(h.reorient).toEqual({ perm: [2, 0, 1], flip: [true, false, true] });
    expect(h.geometryWarnings).toEqual([]);
    // Paint the marker's canonical voxel (what a click in the axial view does) and save.
    const marker: Vec3 = [13, 2, 8];
    const c = sourceToCanonical({ perm: h.reorient.perm, flip: h.reorient.flip, dims: h.dims }, marker);
    expect(raw[(c[2] * h.dims[1] + c[1]) * h.dims[0] + c[0]]).toBe(1000); // the served voxels are canonical
    const shown = new Uint8Array(16 * 12 * 10);
    shown[(c[2] * h.dims[1] + c[1]) * h.dims[0] + c[0]] = 1;
    await medical.saveLabelmap(item.id, [{ number: 1, label: 'Marker', color: [255, 0, 0] }], b64(encodeLabelRuns(shown)));
    // Loading gives the editor's grid back.
    const loaded = await medical.loadLabelmap(item.id);
    expect(decodeLabelRuns(Buffer.from(loaded.runs!, 'base64'), shown.length)).toEqual(shown);
    // The autosave was written as it came (display grid) and moves to the source grid once idle.
    const docFile = path.join(dir, 'annotations', `${item.id}.labelmap.json`);
    expect(JSON.parse(readFileSync(docFile, 'utf8')).grid).toBe('display');
    await new Promise((r) => setTimeout(r, SOURCE_GRID_DELAY_MS + 700));
    const moved = JSON.parse(readFileSync(docFile, 'utf8'));
    expect(moved.grid).toBeUndefined();
    const onSource = decodeLabelRuns(Buffer.from(moved.runs, 'base64'), shown.length);
    expect(onSource[(marker[2] * 12 + marker[1]) * 16 + marker[0]]).toBe(1);
    expect(decodeLabelRuns(Buffer.from((await medical.loadLabelmap(item.id)).runs!, 'base64'), shown.length)).toEqual(shown);
    // The NIfTI export is on the source grid with the source affine: voxel = the marker, same patient position.
    const nii = await medical.exportNifti(item.id);
    const lab = readNifti(new Uint8Array(readFileSync(nii.path)), 'labels');
    expect(lab.dims).toEqual([16, 12, 10]);
    const at = lab.data.findIndex((v) => v === 1);
    expect([at % 16, Math.floor(at / 16) % 12, Math.floor(at / 192)]).toEqual(marker);
    expect(transformPoint(lab.affine, marker).map((v) => +v.toFixed(3))).toEqual(transformPoint(h.affine, c).map((v) => +v.toFixed(3)));
    // The SEG export references the source slice of the marker.
    const seg = await medical.exportSeg(item.id, false);
    expect(seg.bytes).toBeGreaterThan(0);
  });

  it('a CR image is one projection view with the letters it states; bad spacing is repaired and said', async () => {
    const { medical, byName } = await project();
    const cr = await medical.openComplete(byName('projection/chest.dcm').id);
    expect(cr.viewMode).toBe('projection');
    expect(cr.letters).toEqual({ left: 'R', right: 'L', top: 'H', bottom: 'F' });
    // The generated CR has no PixelSpacing: the assumption is stated, nothing else.
    expect(cr.geometryWarnings).toEqual(['no pixel spacing in the file: 1 mm per pixel is assumed, so distances and volumes are in pixel units']);
    const bad = await medical.openComplete(byName('badspacing').id);
    expect(bad.spacing).toEqual([0.2, 0.2, 1]);
    expect(bad.geometryWarnings.join('\n')).toMatch(/impossible pixel spacing 0.2\\0 mm[\s\S]*shown with 0.2 mm/);
  });

  it('RT Dose is in Gy with 5 mm frames; a PIR NIfTI is reoriented; a 4D NIfTI serves every volume', async () => {
    const { medical, byName } = await project();
    const dose = await medical.openComplete(byName('dose/rtdose.dcm').id);
    expect(dose.units).toBe('Gy');
    expect(dose.spacing[2]).toBeCloseTo(5, 6);
    expect(dose.range[1]).toBeCloseTo(60, 3);
    const pir = await medical.openComplete(byName('nifti/pir.nii.gz').id);
    expect(pir.reorient).toEqual({ perm: [2, 0, 1], flip: [true, false, true] });
    expect(pir.dims).toEqual([9, 20, 14]);
    const fmri = await medical.openComplete(byName('nifti/fmri4d.nii.gz').id);
    expect(fmri.timepoints).toBe(5);
    expect(fmri.bytes).toBe(16 * 16 * 6 * 5 * 2);
    expect(fmri.range).toEqual([0, 15 + 15 + 5 + 3 * 4]); // (i + j + k + 3t) mod 50 over all 5 volumes
  });

  it('a DICOM series of 3 volumes at the same positions opens as 4D, each volume in acquisition order', async () => {
    const { dir, medical, byName } = await project();
    const item = byName('dynamic');
    const h = await medical.openComplete(item.id);
    expect(h.timepoints).toBe(3);
    expect(h.dims).toEqual([32, 32, 6]);
    expect(h.warnings.some((w) => /3 volumes .* AcquisitionTime/.test(w))).toBe(true);
    expect(h.geometryWarnings.join()).not.toMatch(/duplicate/);
    const raw = new Int16Array(new Uint8Array(readFileSync(volumeFile(dir, item.id))).buffer);
    expect(raw.length).toBe(32 * 32 * 6 * 3);
    // Volume t carries +100·t HU in the cylinder (texture within ±20 HU): the centre voxel of every slice says which volume it is.
    const per = 32 * 32 * 6;
    for (let t = 0; t < 3; t++) for (let k = 0; k < 6; k++) expect(Math.abs(raw[t * per + k * 1024 + 16 * 32 + 16] - 100 * t)).toBeLessThanOrEqual(20);
  });
});
