/**
 * Undo/redo for a label map: a gesture snapshots the map when it starts and, when it ends, keeps
 * only the changed byte range (before and after). A brush stroke on one axial slice stores one
 * slice worth of bytes; a coronal stroke stores the span of the slices it touched.
 */
interface Step {
  start: number;
  before: Uint8Array;
  after: Uint8Array;
}

const MAX_BYTES = 256 * 1024 * 1024;

export class LabelHistory {
  private undoStack: Step[] = [];
  private redoStack: Step[] = [];
  private snapshot: Uint8Array | null = null;

  get canUndo(): boolean {
    return this.undoStack.length > 0;
  }
  get canRedo(): boolean {
    return this.redoStack.length > 0;
  }
  get inGesture(): boolean {
    return this.snapshot !== null;
  }

  begin(data: Uint8Array): void {
    this.snapshot = data.slice();
  }

  /** Close the gesture; returns false when nothing changed (no step is recorded). */
  end(data: Uint8Array): boolean {
    const snap = this.snapshot;
    this.snapshot = null;
    if (!snap) return false;
    let first = -1;
    for (let i = 0; i < data.length; i++) {
      if (data[i] !== snap[i]) {
        first = i;
        break;
      }
    }
    if (first < 0) return false;
    let last = data.length - 1;
    while (last > first && data[last] === snap[last]) last--;
    this.undoStack.push({ start: first, before: snap.slice(first, last + 1), after: data.slice(first, last + 1) });
    this.redoStack = [];
    let total = this.undoStack.reduce((n, s) => n + 2 * s.before.length, 0);
    while (total > MAX_BYTES && this.undoStack.length > 1) total -= 2 * this.undoStack.shift()!.before.length;
    return true;
  }

  undo(data: Uint8Array): boolean {
    const step = this.undoStack.pop();
    if (!step) return false;
    data.set(step.before, step.start);
    this.redoStack.push(step);
    return true;
  }

  redo(data: Uint8Array): boolean {
    const step = this.redoStack.pop();
    if (!step) return false;
    data.set(step.after, step.start);
    this.undoStack.push(step);
    return true;
  }
}
