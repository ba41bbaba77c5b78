import { describe, expect, it } from 'vitest';
import { buildVolume, groupDicomFiles, splitTimepoints } from './series';
import { syntheticCtSeries } from './synthetic';

/** HU at the cylinder centre of volume `v`: the generator adds 100·t HU there. */
async function centreHu(stack: Parameters<typeof buildVolume>[0]): Promise<number[]> {
  const { volume } = await buildVolume(stack);
  const [nx, ny, nz] = volume.dims;
  const c = Math.floor(nx / 2) + Math.floor(ny / 2) * nx;
  return Array.from({ length: nz }, (_, k) => volume.data[k * nx * ny + c]);
}

describe('multi-volume DICOM series → timepoints', () => {
  const tags = ['temporalPosition', 'acquisitionNumber', 'triggerTime', 'acquisitionTime'] as const;
  const names = { temporalPosition: 'TemporalPositionIdentifier', acquisitionNumber: 'AcquisitionNumber', triggerTime: 'TriggerTime', acquisitionTime: 'AcquisitionTime' };
  for (const timeTag of tags) {
    it(`splits 3 volumes × 6 slices marked by ${timeTag}, each volume whole and in order`, async () => {
      const files = syntheticCtSeries({ size: 32, slices: 6, timepoints: 3, timeTag });
      const grouped = groupDicomFiles(files);
      const stack = grouped.studies[0].series[0].stacks[0];
      expect(stack.images).toHaveLength(18);
      const split = splitTimepoints(stack)!;
      expect(split.orderedBy).toBe(names[timeTag]);
      expect(split.stacks).toHaveLength(3);
      for (let t = 0; t < 3; t++) {
        const st = split.stacks[t];
        // Every file of volume t, and only those, in slice order.
        expect(st.images.map((i) => i.info.file)).toEqual(Array.from({ length: 6 }, (_, k) => `t${t}-slice-${String(k).padStart(4, '0')}.dcm`));
        const r = await buildVolume(st);
        expect(r.warnings).toEqual([]);
        expect(r.volume.dims).toEqual([32, 32, 6]);
        const hu = await centreHu(st);
        // Centre voxel: 100·t + a texture term within ±20 HU.
        for (const v of hu) expect(Math.abs(v - 100 * t)).toBeLessThanOrEqual(20);
      }
    });
  }

  it('leaves a one-volume series and an irregular repeat alone', () => {
    const one = groupDicomFiles(syntheticCtSeries({ size: 16, slices: 5 })).studies[0].series[0].stacks[0];
    expect(splitTimepoints(one)).toBeNull();
    // One slice position repeated only once: not a whole second volume.
    const files = syntheticCtSeries({ size: 16, slices: 5, timepoints: 2 }).filter((f) => !f.name.startsWith('t1-') || f.name.endsWith('0002.dcm'));
    const stack = groupDicomFiles(files).studies[0].series[0].stacks[0];
    expect(stack.images).toHaveLength(6);
    expect(splitTimepoints(stack)).toBeNull();
  });

  it('ignores a marker that does not separate the volumes (all equal) and falls back to Instance Number', () => {
    // Temporal position absent, no acquisition number/time: only InstanceNumber ranks within a position.
    const files = syntheticCtSeries({ size: 16, slices: 4, timepoints: 2, timeTag: 'temporalPosition' });
    const stack = groupDicomFiles(files).studies[0].series[0].stacks[0];
    for (const img of stack.images) delete img.dataSet.elements['x00200100'];
    const split = splitTimepoints(stack)!;
    expect(split.orderedBy).toBe('InstanceNumber');
    expect(split.stacks.map((s) => s.images.map((i) => i.info.file.slice(0, 2)))).toEqual([Array(4).fill('t0'), Array(4).fill('t1')]);
  });
});
