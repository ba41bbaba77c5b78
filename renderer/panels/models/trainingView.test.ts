import { describe, expect, it } from 'vitest';
import { backendOptions, canRollBack, fmt, liveMetrics, versionState } from './trainingView';

describe('training view helpers', () => {
  it('tells the version in use, candidates and earlier versions apart', () => {
    expect(versionState({ promoted: 2 }, 2)).toBe('inUse');
    expect(versionState({ promoted: 2 }, 3)).toBe('candidate');
    expect(versionState({ promoted: 2 }, 1)).toBe('older');
    expect(versionState({ promoted: null }, 1)).toBe('candidate');
    expect(canRollBack({ promoted: null, history: [null] })).toBe(false);
    expect(canRollBack({ promoted: 1, history: [] })).toBe(true);
  });

  it('orders live metrics losses first, then precision and recall, and drops non-numbers', () => {
    const m = liveMetrics({ phase: 'train', fraction: 0.5, metrics: { recall: 0.4, mAP50: 0.3, box_loss: 1.2, loss: 3, precision: 0.5, bad: NaN } });
    expect(m.map(([k]) => k)).toEqual(['loss', 'box_loss', 'precision', 'recall', 'mAP50']);
    expect(liveMetrics(null)).toEqual([]);
    expect(fmt(0.12345)).toBe('0.123');
    expect(fmt(undefined)).toBe('—');
  });

  it('sends back-end options only for external back ends, and the host only for ssh', () => {
    const f = { train: 'yolo detect train data={data}', export: ' ', epochs: 3, imgsz: 320, model: 'yolov8n.pt', host: ' gpu@box ', port: 22 };
    expect(backendOptions('local', f)).toBeUndefined();
    expect(backendOptions('command', f)).toEqual({ train: f.train, export: null, epochs: 3, imgsz: 320, model: 'yolov8n.pt' });
    expect(backendOptions('ssh', f)).toMatchObject({ host: 'gpu@box', port: 22 });
  });
});
