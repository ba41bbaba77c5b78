/**
 * Undo/redo over record diffs (tldraw's model): every write is a diff; undo applies the inverse.
 * A gesture (a drag) is one step: open it with `beginGesture`, push as often as you like, then
 * `endGesture` squashes everything into one entry. Entries carry the selection and frame to
 * restore so undo jumps back to where the edit happened.
 */
import { applyDiff, composeDiffs, invertDiff, isEmptyDiff, type RecordDiff, type RecordMap } from './diff';

export interface HistoryEntry<T> {
  diff: RecordDiff<T>;
  label: string;
  selection?: string[];
  frame?: number;
}

export class History<T> {
  private undoStack: HistoryEntry<T>[] = [];
  private redoStack: HistoryEntry<T>[] = [];
  private gesture: HistoryEntry<T> | null = null;

  constructor(private readonly limit = 500) {}

  push(entry: HistoryEntry<T>): void {
    if (isEmptyDiff(entry.diff)) return;
    if (this.gesture) {
      this.gesture.diff = composeDiffs(this.gesture.diff, entry.diff);
      return;
    }
    this.undoStack.push(entry);
    if (this.undoStack.length > this.limit) this.undoStack.shift();
    this.redoStack = [];
  }

  beginGesture(label: string, selection?: string[], frame?: number): void {
    this.gesture = { diff: { added: {}, updated: {}, removed: {} }, label, selection, frame };
  }

  endGesture(): void {
    const g = this.gesture;
    this.gesture = null;
    if (g) this.push(g);
  }

  get canUndo(): boolean {
    return this.undoStack.length > 0;
  }
  get canRedo(): boolean {
    return this.redoStack.length > 0;
  }

  /** Returns the new records and the entry undone (for selection/frame restore), or null. */
  undo(records: RecordMap<T>): { records: RecordMap<T>; entry: HistoryEntry<T> } | null {
    const entry = this.undoStack.pop();
    if (!entry) return null;
    this.redoStack.push(entry);
    return { records: applyDiff(records, invertDiff(entry.diff)), entry };
  }

  redo(records: RecordMap<T>): { records: RecordMap<T>; entry: HistoryEntry<T> } | null {
    const entry = this.redoStack.pop();
    if (!entry) return null;
    this.undoStack.push(entry);
    return { records: applyDiff(records, entry.diff), entry };
  }

  clear(): void {
    this.undoStack = [];
    this.redoStack = [];
    this.gesture = null;
  }
}
