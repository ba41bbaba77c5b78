/**
 * The LiDAR editor's keys as data (renderer/keymap): what each chord does, shown by the shortcuts
 * dialog from this same table. Class hotkeys come from the ontology (the editor's `fallback`).
 * Shift or Alt is the fine step (0.01 m, 0.5°) for moves, turns and sizes, so each of those lists
 * the three chords. Bird's-eye view keys: T toggles it, H north-up / heading-up, Alt+1/2/3 the
 * 20 / 40 / 80 m range, G frame all, F frame the selection, = / - zoom one step.
 */
import { defineKeymap, type KeySpec } from '../../keymap/keymap';

const fine = (keys: string[]) => keys.flatMap((k) => [k, `Shift+${k}`, `Alt+${k}`]);
const spec = (keys: string[], description: string, display?: string): KeySpec => ({ keys, description, ...(display ? { display } : {}) });

export const lidarKeymap = defineKeymap({
  id: 'lidar',
  section: 'shortcuts.sections.lidar',
  layer: 'editor',
  actions: {
    undo: spec(['Ctrl+Z'], 'shortcuts.undo'),
    redo: spec(['Ctrl+Shift+Z', 'Ctrl+Y'], 'shortcuts.redo'),
    select: spec(['v'], 'shortcutsLidar.select', 'V'),
    box: spec(['b'], 'shortcutsLidar.box', 'B'),
    fit: spec(['c'], 'shortcutsLidar.fit', 'C'),
    lasso: spec(['p'], 'shortcutsLidar.lasso', 'P'),
    view: spec(['t'], 'shortcutsLidar.view', 'T'),
    focus: spec(['f'], 'shortcutsLidar.focus', 'F'),
    orientation: spec(['h'], 'shortcutsLidar.orientation', 'H'),
    range20: spec(['Alt+1'], 'shortcutsLidar.range20', 'Alt+1'),
    range40: spec(['Alt+2'], 'shortcutsLidar.range40', 'Alt+2'),
    range80: spec(['Alt+3'], 'shortcutsLidar.range80', 'Alt+3'),
    frameAll: spec(['g'], 'shortcutsLidar.frameAll', 'G'),
    refit: spec(['r'], 'shortcutsLidar.refit', 'R'),
    // Shift+F, not Shift+R: Shift+R is the review bar's reject in every editor.
    refitAll: spec(['Shift+F'], 'shortcutsLidar.refitAll', 'Shift+F'),
    zoomIn: spec(['=', '+'], 'shortcutsLidar.zoom', '= / -'),
    zoomOut: spec(['-'], 'shortcutsLidar.zoom', '= / -'),
    cameraPoints: spec(['Shift+C'], 'shortcutsLidar.cameraPoints', 'Shift+C'),
    prevFrame: spec(['a'], 'shortcutsLidar.prevFrame', 'A'),
    nextFrame: spec(['d'], 'shortcutsLidar.nextFrame', 'D'),
    deselect: spec(['Escape'], 'shortcutsLidar.deselect', 'Esc'),
    delete: spec(['Delete', 'Backspace'], 'shortcutsLidar.delete', 'Delete'),
    forward: spec(fine(['ArrowUp']), 'shortcutsLidar.move', '↑ ↓ ← →'),
    back: spec(fine(['ArrowDown']), 'shortcutsLidar.move', '↑ ↓ ← →'),
    left: spec(fine(['ArrowLeft']), 'shortcutsLidar.move', '↑ ↓ ← →'),
    right: spec(fine(['ArrowRight']), 'shortcutsLidar.move', '↑ ↓ ← →'),
    raise: spec(fine(['PageUp']), 'shortcutsLidar.updown', 'PageUp / PageDown'),
    lower: spec(fine(['PageDown']), 'shortcutsLidar.updown', 'PageUp / PageDown'),
    turnLeft: spec(fine(['q']), 'shortcutsLidar.rotate', 'Q / E'),
    turnRight: spec(fine(['e']), 'shortcutsLidar.rotate', 'Q / E'),
    longer: spec(fine(['i']), 'shortcutsLidar.length', 'I / K'),
    shorter: spec(fine(['k']), 'shortcutsLidar.length', 'I / K'),
    narrower: spec(fine(['j']), 'shortcutsLidar.width', 'J / L'),
    wider: spec(fine(['l']), 'shortcutsLidar.width', 'J / L'),
    taller: spec(fine(['u']), 'shortcutsLidar.height', 'U / O'),
    flatter: spec(fine(['o']), 'shortcutsLidar.height', 'U / O'),
    labels: spec([], 'shortcutsLidar.labels', '1 … 9'),
    drawRaw: spec([], 'shortcutsLidar.drawRaw', 'Alt + drag'),
  },
});

export type LidarKeyAction = keyof typeof lidarKeymap.actions;

/** Box nudges by action: [move forward, left, up] in the box frame, turn, or resize axis. */
export const NUDGES: Partial<Record<LidarKeyAction, { move?: [number, number, number]; turn?: number; resize?: [0 | 1 | 2, number] }>> = {
  forward: { move: [1, 0, 0] },
  back: { move: [-1, 0, 0] },
  left: { move: [0, 1, 0] },
  right: { move: [0, -1, 0] },
  raise: { move: [0, 0, 1] },
  lower: { move: [0, 0, -1] },
  turnLeft: { turn: 1 },
  turnRight: { turn: -1 },
  longer: { resize: [0, 1] },
  shorter: { resize: [0, -1] },
  narrower: { resize: [1, -1] },
  wider: { resize: [1, 1] },
  taller: { resize: [2, 1] },
  flatter: { resize: [2, -1] },
};

/** The nudge step of a key press: Shift or Alt give the fine step (0.01 m, 0.5°), else 0.1 m, 2°. */
export function nudgeStep(e: { shiftKey?: boolean; altKey?: boolean }): { metres: number; degrees: number } {
  return e.shiftKey || e.altKey ? { metres: 0.01, degrees: 0.5 } : { metres: 0.1, degrees: 2 };
}
