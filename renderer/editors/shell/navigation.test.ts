import { describe, expect, it } from 'vitest';
import { filmstripWindow, locate, pageAround, stepIndex } from './navigation';
import { documentProvenance } from './shellStore';

describe('item navigation order', () => {
  it('steps within the list and stops at the ends', () => {
    expect(stepIndex(0, 3, 1)).toBe(1);
    expect(stepIndex(2, 3, 1)).toBeNull();
    expect(stepIndex(0, 3, -1)).toBeNull();
    expect(stepIndex(2, 3, -1)).toBe(1);
    expect(stepIndex(0, 0, 1)).toBeNull();
  });

  it('finds the open item at the remembered index, or nearest to it when the list moved', () => {
    const ids = ['a', 'b', 'c', 'd'];
    expect(locate(ids, 10, 'c', 12)).toBe(12);
    expect(locate(ids, 10, 'd', 11)).toBe(13); // an item was added before it
    expect(locate(ids, 10, 'x', 11)).toBeNull(); // filtered out or opened from the review queue
    expect(locate(['a', 'b', 'a'], 0, 'a', 2)).toBe(2);
    expect(locate(['a', 'b', 'x', 'a'], 0, 'a', 2)).toBe(3);
  });

  it('fetches one page around the index', () => {
    expect(pageAround(0, 2)).toEqual({ offset: 0, limit: 3 });
    expect(pageAround(10, 2)).toEqual({ offset: 8, limit: 5 });
  });
});

describe('filmstrip window', () => {
  it('centres the current frame and stays full at the ends', () => {
    expect(filmstripWindow(50, 100, 9)).toEqual({ start: 46, end: 55 });
    expect(filmstripWindow(0, 100, 9)).toEqual({ start: 0, end: 9 });
    expect(filmstripWindow(99, 100, 9)).toEqual({ start: 91, end: 100 });
    expect(filmstripWindow(2, 5, 9)).toEqual({ start: 0, end: 5 });
    expect(filmstripWindow(3, 10, 4)).toEqual({ start: 2, end: 6 });
    expect(filmstripWindow(0, 0, 9)).toEqual({ start: 0, end: 0 });
    expect(filmstripWindow(5, 10, 0)).toEqual({ start: 0, end: 0 });
  });
});

describe('document provenance', () => {
  it('names whoever changed a record last', () => {
    const doc = {
      schemaVersion: 1,
      itemId: 'i',
      status: 'new' as const,
      revision: 4,
      objects: [
        { updatedAt: 10, updatedBy: 'ann' },
        { updatedAt: 30, updatedBy: 'bob' },
      ],
      tracks: [{ updatedAt: 20, updatedBy: 'cy' }],
      pointLabels: [],
    } as never;
    expect(documentProvenance(doc)).toEqual({ revision: 4, updatedAt: 30, updatedBy: 'bob' });
  });
});
