/**
 * Medical imaging bench: a 512x512x300 CT series generated in memory as Part 10 buffers.
 *  - time from buffers to the first displayable (windowed) image: parse and group all headers,
 *    order the stack, decode + rescale + window the middle slice (target <= 2000 ms);
 *  - time to the whole volume (informational);
 *  - slice extraction + window/level per slice for each orientation, as a ratio of a 16.7 ms
 *    display frame (target <= 1).
 */
import { groupDicomFiles, buildVolume, rescaledFrame, sliceCount } from '../../core/medical/series';
import { syntheticCtSeries } from '../../core/medical/synthetic';
import { windowedSlice, type Orientation } from '../../core/medical/slicing';
import { applyWindow } from '../../core/medical/window';
import { medianMs, type BenchRow } from './types';

const FRAME_MS = 16.7;

export default async function medicalBench(): Promise<BenchRow[]> {
  const files = syntheticCtSeries({ size: 512, slices: 300 });

  const firstImage = async () => {
    const grouped = groupDicomFiles(files);
    const stack = grouped.studies[0].series[0].stacks[0];
    const middle = stack.images[Math.floor(stack.images.length / 2)];
    const { values } = await rescaledFrame(middle);
    return applyWindow(values, { center: middle.info.windowCenter ?? 40, width: middle.info.windowWidth ?? 400 });
  };
  const firstMs = await medianMs(firstImage, 3, 1);

  const stack = groupDicomFiles(files).studies[0].series[0].stacks[0];
  if (sliceCount(stack) !== 300) throw new Error(`expected 300 slices, got ${sliceCount(stack)}`);
  const t0 = performance.now();
  const { volume } = await buildVolume(stack);
  const volumeMs = performance.now() - t0;

  const rows: BenchRow[] = [
    { name: 'CT 512x512x300 Part 10 buffers -> first windowed image', value: +firstMs.toFixed(1), unit: 'ms', target: '<= 2000 ms', pass: firstMs <= 2000 },
    { name: 'CT 512x512x300 Part 10 buffers -> full Int16 volume', value: +volumeMs.toFixed(1), unit: 'ms' },
  ];
  const out = new Uint8Array(512 * 512);
  for (const orientation of ['axial', 'coronal', 'sagittal'] as Orientation[]) {
    const count = orientation === 'axial' ? 300 : 512;
    let i = 0;
    const ms = await medianMs(() => windowedSlice(volume, orientation, i++ % count, volume.window, false, out), 15, 3);
    rows.push({ name: `${orientation} slice extraction + window/level vs 16.7 ms frame`, value: +(ms / FRAME_MS).toFixed(3), unit: 'x frame', target: '<= 1', pass: ms <= FRAME_MS });
  }
  return rows;
}
