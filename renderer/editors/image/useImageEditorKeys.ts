/**
 * The image / video editor's keys (tables in ./keys.ts) bound to its state with useKeymap: the
 * active tool hears Enter / Escape / Backspace / X first (tool layer), then the editor's actions,
 * then the ontology's label hotkeys (fallback). Text fields keep their keys; a focused slider or
 * button (the video timeline) does not swallow them (the keymap's focus rule).
 */
import { useEffect, type MutableRefObject } from 'react';
import type { AnnotationObject, LabelSpec } from '../../../core/document/schema';
import type { RecordMap } from '../../../core/history/diff';
import { useKeymap } from '../../keymap/useKeymap';
import { useApp } from '../../state/appStore';
import { imageKeymap, imageToolKeymap } from './keys';
import * as model from '../../../core/editing/image/model';
import { setOutside, type EditOps, type TrackRecords } from '../../../core/editing/image/ops';
import type { Command, Tool, ToolContext, ToolName } from './tools';

export interface ImageEditorKeyDeps {
  tool: MutableRefObject<Tool>;
  context(): ToolContext;
  run(commands: Command[]): void;
  doc: { undo(): void; redo(): void; recordsRef: MutableRefObject<RecordMap<any>> };
  selectionRef: MutableRefObject<string[]>;
  select(ids: string[]): void;
  edit(next: RecordMap<any>, action: string, selection?: string[]): void;
  ops: EditOps<any>;
  frame: number;
  clipboard: MutableRefObject<AnnotationObject[]>;
  propagateSelected(id: string): void;
  setBrushRadius(update: (r: number) => number): void;
  chooseTool(name: ToolName): void;
  toolName: ToolName;
  labels: readonly LabelSpec[];
  setLabelId(id: string): void;
  space: MutableRefObject<boolean>;
}

export function useImageEditorKeys(d: ImageEditorKeyDeps): void {
  const enabled = !useApp((s) => s.shortcutsOpen);
  const tracks = d.ops.kind === 'tracks';
  const records = () => d.doc.recordsRef.current;
  const sel = () => d.selectionRef.current;
  const withSelection = (fn: (ids: string[]) => void) => () => {
    if (!sel().length) return false;
    fn(sel());
  };

  useKeymap(
    imageToolKeymap,
    {
      finish: (e) => toolKey(e.key),
      cancel: (e) => toolKey(e.key),
      back: (e) => toolKey(e.key),
      skip: (e) => toolKey(e.key),
    },
    { enabled },
  );
  function toolKey(key: string) {
    const handled = d.tool.current.key(key, d.context());
    if (!handled) return false;
    d.run(handled);
  }

  useKeymap(
    imageKeymap,
    {
      undo: () => {
        d.tool.current.cancel();
        d.doc.undo();
      },
      redo: () => {
        d.tool.current.cancel();
        d.doc.redo();
      },
      copy: () => {
        if (tracks) return false;
        d.clipboard.current = sel().map((id) => records()[id]).filter(Boolean);
        return false; // the browser may copy too
      },
      paste: () => {
        if (tracks || !d.clipboard.current.length) return false;
        const same = d.clipboard.current.every((o) => o.frame === d.frame);
        const r = model.paste(records(), d.clipboard.current, d.frame, same ? 10 : 0, same ? 10 : 0);
        d.edit(r.records, 'paste', r.ids);
      },
      toolSelect: () => d.chooseTool('select'),
      toolBox: () => d.chooseTool('box'),
      toolRotatedBox: () => d.chooseTool('rotatedBox'),
      toolPolygon: () => d.chooseTool('polygon'),
      toolPolyline: () => d.chooseTool('polyline'),
      toolPoints: () => d.chooseTool('points'),
      toolSkeleton: () => d.chooseTool('skeleton'),
      toolBrush: () => d.chooseTool('brush'),
      toolEraser: () => d.chooseTool('eraser'),
      toolSegment: () => d.chooseTool('segment'),
      deselect: withSelection(() => d.select([])),
      remove: withSelection((ids) => d.edit(d.ops.remove(records(), ids), 'delete', [])),
      // hide / lock / z-order: on objects, or on whole tracks (never a keyframe) in videos and sequences
      hide: withSelection((ids) => d.edit(d.ops.toggle(records(), ids, 'hidden'), 'hide')),
      lock: withSelection((ids) => d.edit(d.ops.toggle(records(), ids, 'locked'), 'lock')),
      backward: withSelection((ids) => d.edit(d.ops.reorder(records(), ids, -1, d.frame), 'reorder')),
      forward: withSelection((ids) => d.edit(d.ops.reorder(records(), ids, 1, d.frame), 'reorder')),
      brushSmaller: () => d.setBrushRadius((r) => Math.max(1, Math.min(200, Math.round(r / 1.25)))),
      brushLarger: () => d.setBrushRadius((r) => Math.max(1, Math.min(200, Math.round(r * 1.25 + 1)))),
      pan: () => {
        d.space.current = true;
      },
      outside: () => {
        if (!tracks || sel().length !== 1) return false;
        d.edit(setOutside(records() as TrackRecords, sel()[0], d.frame), 'outside');
      },
      propagate: () => {
        if (!tracks || sel().length !== 1) return false;
        d.propagateSelected(sel()[0]);
      },
    },
    {
      enabled,
      // label keys from the ontology: with the select tool a label key relabels the selection;
      // with a drawing tool it picks the next shape's label
      fallback: (e) => {
        if (e.ctrlKey || e.metaKey || e.altKey) return false;
        const label = d.labels.find((l) => l.hotkey && l.hotkey === e.key);
        if (!label) return false;
        d.setLabelId(label.id);
        if (sel().length && d.toolName === 'select') d.edit(d.ops.relabel(records(), sel(), label), 'relabel');
        return true;
      },
    },
  );

  const space = d.space;
  useEffect(() => {
    const up = (e: KeyboardEvent) => {
      if (e.key === ' ') space.current = false;
    };
    window.addEventListener('keyup', up);
    return () => window.removeEventListener('keyup', up);
  }, [space]);
}
