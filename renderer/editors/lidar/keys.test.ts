import { afterEach, describe, expect, it } from 'vitest';
import { dispatchKey, register, resetKeyDispatcher, type KeyboardEventLike } from '../../keymap/dispatcher';
import { itemKeymap } from '../shell/keys';
import { medicalKeys } from '../medical/keys';
import { lidarKeymap } from './keys';
import { lidarKeyHandlers, lidarLabelKey, type LidarKeyDeps } from './useLidarKeys';

const key = (k: string, mods: Partial<KeyboardEventLike> = {}): KeyboardEventLike => ({ key: k, preventDefault() {}, stopPropagation() {}, ...mods });
const on = { enabled: () => true };

/** The LiDAR editor's handlers with the calls they make recorded. */
function lidar(selected: string | null, calls: string[], over: Partial<LidarKeyDeps> = {}): LidarKeyDeps {
  return {
    labels: [{ id: 'car', name: 'Car', color: '#f00' } as LidarKeyDeps['labels'][number]],
    isSeq: false,
    frameCount: 1,
    frame: 0,
    selected,
    setSelected: (id) => void calls.push(`select ${id}`),
    setTool: (t) => void calls.push(`tool ${t}`),
    view: { bev: false, toggle: () => void calls.push('bev'), toggleOrientation: () => void calls.push('orientation'), preset: (r) => void calls.push(`preset ${r}`), frameAll: () => void calls.push('frame all'), frameSelection: () => (calls.push('frame selection'), true), zoom: (n) => void calls.push(`zoom ${n}`) },
    setFrame: () => void calls.push('frame'),
    pickLabel: (id) => void calls.push(`label ${id}`),
    editSelected: (_f, label) => void calls.push(`edit ${label}`),
    refit: (which) => void calls.push(`refit ${which}`),
    removeSelected: () => void calls.push('remove'),
    undo: () => void calls.push('undo'),
    redo: () => void calls.push('redo'),
    recordsRef: { current: {} },
    sceneApi: { current: null },
    offset: { x: 0, y: 0, z: 0 } as unknown as LidarKeyDeps['offset'],
    ...over,
  };
}

/** The frame's item keys (ItemView) below the editor. */
function items(calls: string[]) {
  register({ table: itemKeymap, handlers: { nextItem: () => void calls.push('next item'), prevItem: () => void calls.push('prev item'), back: () => void calls.push('back') }, ...on });
}

afterEach(() => resetKeyDispatcher());

describe('LiDAR keys under the item keys', () => {
  it('with no cuboid selected PageUp / PageDown / Escape reach the item keys', () => {
    const calls: string[] = [];
    items(calls);
    const p = lidar(null, calls);
    register({ table: lidarKeymap, handlers: lidarKeyHandlers(p), fallback: (e) => lidarLabelKey(p, e), ...on });
    for (const k of ['PageDown', 'PageUp', 'Escape']) expect(dispatchKey(key(k)), k).toBe(true);
    expect(calls).toEqual(['next item', 'prev item', 'back']);
  });

  it('with a cuboid selected PageUp / PageDown move it and Escape drops the selection', () => {
    const calls: string[] = [];
    items(calls);
    register({ table: lidarKeymap, handlers: lidarKeyHandlers(lidar('c1', calls)), ...on });
    dispatchKey(key('PageDown'));
    dispatchKey(key('PageUp', { shiftKey: true }));
    dispatchKey(key('Escape'));
    expect(calls).toEqual(['edit move', 'edit move', 'select null']);
  });

  it('A / D step frames only in a sequence; label hotkeys pick a class', () => {
    const calls: string[] = [];
    const p = lidar(null, calls, { isSeq: true, frameCount: 3 });
    register({ table: lidarKeymap, handlers: lidarKeyHandlers(p), fallback: (e) => lidarLabelKey(p, e), ...on });
    dispatchKey(key('d'));
    dispatchKey(key('1'));
    expect(dispatchKey(key('2'))).toBe(false);
    expect(calls).toEqual(['frame', 'label car']);
  });
});

describe('LiDAR view keys and fine steps', () => {
  it('bird\'s-eye keys: T, H, Alt+1/2/3 (by the physical key), G, = / -, F frames the selection in BEV', () => {
    const calls: string[] = [];
    const p = lidar(null, calls);
    register({ table: lidarKeymap, handlers: lidarKeyHandlers(p), fallback: (e) => lidarLabelKey(p, e), ...on });
    for (const k of [key('t'), key('h'), key('1', { altKey: true, code: 'Digit1' }), key('¡', { altKey: true, code: 'Digit2' }), key('3', { altKey: true, code: 'Digit3' }), key('g'), key('='), key('-')]) expect(dispatchKey(k), k.key).toBe(true);
    expect(calls).toEqual(['bev', 'orientation', 'preset 20', 'preset 40', 'preset 80', 'frame all', 'zoom -1', 'zoom 1']);
    resetKeyDispatcher();
    const calls2: string[] = [];
    register({ table: lidarKeymap, handlers: lidarKeyHandlers(lidar('c1', calls2, { view: { ...p.view, bev: true, frameSelection: () => (calls2.push('frame selection'), true) } })), ...on });
    dispatchKey(key('f'));
    expect(calls2).toEqual(['frame selection']);
  });

  it('Shift or Alt nudges by 0.01 m / 0.5°, plain keys by 0.1 m / 2°', () => {
    const boxes: number[] = [];
    const deps = lidar('c1', [], {
      editSelected: (f) => {
        const b = f({ kind: 'cuboid3d', center: [0, 0, 0], size: [4, 2, 1.5], yaw: 0 });
        boxes.push(b.center[0] || b.yaw);
      },
    });
    register({ table: lidarKeymap, handlers: lidarKeyHandlers(deps), ...on });
    dispatchKey(key('ArrowUp'));
    dispatchKey(key('ArrowUp', { shiftKey: true }));
    dispatchKey(key('ArrowUp', { altKey: true }));
    dispatchKey(key('q', { altKey: true, code: 'KeyQ' }));
    dispatchKey(key('q', { shiftKey: true }));
    expect(boxes.map((v) => +v.toFixed(5))).toEqual([0.1, 0.01, 0.01, +((0.5 * Math.PI) / 180).toFixed(5), +((0.5 * Math.PI) / 180).toFixed(5)]);
  });
});

describe('medical keys under the item keys', () => {
  it('PageUp / PageDown are slice keys there (next item is the frame buttons only)', () => {
    const calls: string[] = [];
    items(calls);
    register({ table: medicalKeys, handlers: { slices: (e) => void calls.push(`slice ${e.key}`) }, ...on });
    dispatchKey(key('PageDown'));
    dispatchKey(key('PageUp'));
    expect(calls).toEqual(['slice PageDown', 'slice PageUp']);
  });
});

describe('LiDAR re-fit keys', () => {
  it('R re-fits the selected cuboid (and passes on with none); Shift+F fits every cuboid of the frame', () => {
    const calls: string[] = [];
    register({ table: lidarKeymap, handlers: lidarKeyHandlers(lidar('box1', calls)), ...on });
    dispatchKey(key('r'));
    dispatchKey(key('F', { shiftKey: true }));
    expect(calls).toEqual(['refit selected', 'refit frame']);
    resetKeyDispatcher();
    const none: string[] = [];
    register({ table: lidarKeymap, handlers: lidarKeyHandlers(lidar(null, none)), ...on });
    expect(dispatchKey(key('r'))).toBe(false);
    expect(none).toEqual([]);
  });
});
