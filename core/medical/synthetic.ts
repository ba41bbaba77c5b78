/**
 * Synthetic CT series as real Part 10 byte buffers (benchmarks, tests): a water cylinder with a
 * bone ring and air outside, one file per slice, written in shuffled order so readers must sort
 * by position rather than by arrival.
 */
import { el, newUid, writePart10 } from './dicom-writer';
import { SOP_CLASS } from './dicom';
import type { DicomInput } from './series';

export interface SyntheticCtOptions {
  size?: number;
  slices?: number;
  spacing?: number;
  sliceThickness?: number;
  /**
   * Several volumes at the same positions (a dynamic series): volume t adds 100·t HU inside the
   * cylinder, so a reader can tell which volume it got. `timeTag` says how volumes are marked:
   * TemporalPositionIdentifier (1-based), AcquisitionNumber, TriggerTime (ms) or AcquisitionTime;
   * InstanceNumber always runs over the whole series.
   */
  timepoints?: number;
  timeTag?: 'temporalPosition' | 'acquisitionNumber' | 'triggerTime' | 'acquisitionTime';
}

export function syntheticCtSeries(options: SyntheticCtOptions = {}): DicomInput[] {
  const size = options.size ?? 512;
  const slices = options.slices ?? 300;
  const spacing = options.spacing ?? 0.7;
  const thickness = options.sliceThickness ?? 1.25;
  const study = newUid();
  const series = newUid();
  const frame = newUid();
  const pixels = new Int16Array(size * size);
  const c = (size - 1) / 2;
  const out: DicomInput[] = [];
  const timepoints = options.timepoints ?? 1;
  for (let t = 0; t < timepoints; t++)
  for (let k = 0; k < slices; k++) {
    const radius = size * (0.3 + 0.1 * Math.sin((k / slices) * Math.PI));
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const r = Math.hypot(x - c, y - c);
        // Stored = HU + 1024 (intercept -1024): air -1000, water 0, bone ring ~ +1000.
        pixels[y * size + x] = r > radius ? 24 : r > radius - 6 ? 2024 : 1024 + 100 * t + ((x * 7 + y * 3 + k) % 40) - 20;
      }
    }
    const sop = newUid();
    const elements = [
      el(0x00080016, 'UI', SOP_CLASS.ctImage),
      el(0x00080018, 'UI', sop),
      el(0x00080060, 'CS', 'CT'),
      el(0x00100010, 'PN', 'SYNTHETIC^PHANTOM'),
      el(0x00100020, 'LO', 'PHANTOM-1'),
      el(0x00180050, 'DS', thickness),
      el(0x0020000d, 'UI', study),
      el(0x0020000e, 'UI', series),
      el(0x00200013, 'IS', t * slices + k + 1),
      ...(timepoints > 1 ? timeElements(options.timeTag ?? 'temporalPosition', t) : []),
      el(0x00200032, 'DS', [-c * spacing, -c * spacing, k * thickness - 200]),
      el(0x00200037, 'DS', [1, 0, 0, 0, 1, 0]),
      el(0x00200052, 'UI', frame),
      el(0x00280002, 'US', 1),
      el(0x00280004, 'CS', 'MONOCHROME2'),
      el(0x00280010, 'US', size),
      el(0x00280011, 'US', size),
      el(0x00280030, 'DS', [spacing, spacing]),
      el(0x00280100, 'US', 16),
      el(0x00280101, 'US', 12),
      el(0x00280102, 'US', 11),
      el(0x00280103, 'US', 0),
      el(0x00281050, 'DS', 40),
      el(0x00281051, 'DS', 400),
      el(0x00281052, 'DS', -1024),
      el(0x00281053, 'DS', 1),
      el(0x7fe00010, 'OW', new Uint8Array(pixels.buffer.slice(0))),
    ];
    out.push({ name: timepoints > 1 ? `t${t}-slice-${String(k).padStart(4, '0')}.dcm` : `slice-${String(k).padStart(4, '0')}.dcm`, bytes: writePart10(elements, SOP_CLASS.ctImage, sop) });
  }
  // Deterministic shuffle (no Math.random): arrival order must not matter.
  return out.map((f, i) => ({ f, key: (i * 7919) % out.length })).sort((a, b) => a.key - b.key).map((e) => e.f);
}

function timeElements(tag: NonNullable<SyntheticCtOptions['timeTag']>, t: number) {
  switch (tag) {
    case 'temporalPosition':
      return [el(0x00200100, 'IS', t + 1)];
    case 'acquisitionNumber':
      return [el(0x00200012, 'IS', t + 1)];
    case 'triggerTime':
      return [el(0x00181060, 'DS', 250 * t)];
    case 'acquisitionTime':
      // 10:59:50 + 7 s per volume: crosses the minute and hour, so string order would be wrong.
      return [el(0x00080032, 'TM', secondsToTm(10 * 3600 + 59 * 60 + 50 + 7 * t))];
  }
}

function secondsToTm(s: number): string {
  const p = (n: number) => String(Math.floor(n)).padStart(2, '0');
  return `${p(s / 3600)}${p((s % 3600) / 60)}${p(s % 60)}`;
}

const SECONDARY_CAPTURE = '1.2.840.10008.5.1.4.1.1.7';

/**
 * A colour Secondary Capture (tests of colour DICOM with the image tools): `pixels` raw
 * (interleaved samples, 8 or 16 bits) or `{ encapsulated }` frames in the given transfer syntax.
 */
export function colourSecondaryCapture(
  photometric: string,
  rows: number,
  columns: number,
  bits: 8 | 16,
  frames: number,
  pixels: Uint8Array | { encapsulated: Uint8Array[] },
  transferSyntaxUid?: string,
): Uint8Array {
  const sop = newUid();
  return writePart10(
    [
      el(0x00080016, 'UI', SECONDARY_CAPTURE),
      el(0x00080018, 'UI', sop),
      el(0x00080060, 'CS', 'XC'),
      el(0x0020000d, 'UI', newUid()),
      el(0x0020000e, 'UI', newUid()),
      el(0x00280002, 'US', 3),
      el(0x00280004, 'CS', photometric),
      el(0x00280006, 'US', 0),
      ...(frames > 1 ? [el(0x00280008, 'IS', frames)] : []),
      el(0x00280010, 'US', rows),
      el(0x00280011, 'US', columns),
      el(0x00280100, 'US', bits),
      el(0x00280101, 'US', bits),
      el(0x00280102, 'US', bits - 1),
      el(0x00280103, 'US', 0),
      el(0x7fe00010, bits > 8 ? 'OW' : 'OB', pixels),
    ],
    SECONDARY_CAPTURE,
    sop,
    transferSyntaxUid ? { transferSyntaxUid } : {},
  );
}
