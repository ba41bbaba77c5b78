import { describe, expect, it } from 'vitest';
import type { Cuboid3D } from '../../../core/document/schema';
import { fieldChanged, formatField, parseField, withField } from './boxFields';

const box: Cuboid3D = { kind: 'cuboid3d', center: [10, -2, -0.8], size: [4, 1.7, 1.5], yaw: Math.PI / 2 };

describe('typed cuboid fields', () => {
  it('shows metres with 3 decimals and yaw in degrees', () => {
    expect(formatField(box, 'x')).toBe('10.000');
    expect(formatField(box, 'width')).toBe('1.700');
    expect(formatField(box, 'yaw')).toBe('90.00');
  });

  it('parses numbers (decimal comma too) and refuses text, empty input and impossible sizes', () => {
    expect(parseField('x', ' 12.5 ')).toEqual({ value: 12.5 });
    expect(parseField('yaw', '-45,5')).toEqual({ value: -45.5 });
    expect(parseField('x', 'abc')).toEqual({ error: 'lidar.fieldNotNumber' });
    expect(parseField('z', '')).toEqual({ error: 'lidar.fieldNotNumber' });
    expect(parseField('length', '0')).toEqual({ error: 'lidar.fieldSizeRange' });
    expect(parseField('height', '-1')).toEqual({ error: 'lidar.fieldSizeRange' });
    expect(parseField('x', '-1')).toEqual({ value: -1 });
  });

  it('sets one field; yaw in degrees is stored in radians within (−π, π]', () => {
    expect(withField(box, 'x', 12).center).toEqual([12, -2, -0.8]);
    expect(withField(box, 'height', 2).size).toEqual([4, 1.7, 2]);
    expect(withField(box, 'yaw', 270).yaw).toBeCloseTo(-Math.PI / 2);
    expect(box.center[0]).toBe(10); // input untouched
    expect(fieldChanged(box, 'x', 10.0001)).toBe(false);
    expect(fieldChanged(box, 'yaw', 91)).toBe(true);
  });
});
