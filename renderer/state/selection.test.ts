import { describe, expect, it } from 'vitest';
import { requestedObject } from './selection';

describe('requestedObject (a QA finding or an issue asks an editor for one object)', () => {
  it('is the one object the selection names for this item', () => {
    expect(requestedObject({ itemId: 'i', objectIds: ['o1'] }, 'i')).toBe('o1');
  });
  it('is no request for another item, for none, or for several (an editor publishing its own selection)', () => {
    expect(requestedObject({ itemId: 'j', objectIds: ['o1'] }, 'i')).toBeNull();
    expect(requestedObject({ itemId: null, objectIds: [] }, 'i')).toBeNull();
    expect(requestedObject({ itemId: 'i', objectIds: [] }, 'i')).toBeNull();
    expect(requestedObject({ itemId: 'i', objectIds: ['a', 'b'] }, 'i')).toBeNull();
  });
});
