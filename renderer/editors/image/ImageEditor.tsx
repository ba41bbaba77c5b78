/**
 * The image annotation editor: the zoom/pan ImageViewer with an SVG overlay, a tool bar, label
 * picker (hotkeys from the ontology), an object list with hide/lock/delete/z-order, image-level
 * tags and per-label attribute editing. Tools are pure state machines (./tools); edits are record
 * diffs with undo/redo and crash-safe saving through the editor shell's document hook
 * (../shell/useEditorDocument); keys are declared in ./keys.ts. Save state, provenance and item
 * navigation are the shell frame's (renderer/panels/item/ItemView.tsx).
 */
import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { AnnotationObject, LabelSpec, Track } from '../../../core/document/schema';
import type { ItemSummary } from '../../../preload/contract';
import { ImageViewer, type TiledImage, type ViewTransform } from '../../viewports/ImageViewer';
import { useApp } from '../../state/appStore';
import { createTool, type Command, type ImagePointer, type Tool, type ToolContext, type ToolName } from './tools';
import * as model from '../../../core/editing/image/model';
import { roundGeometry } from '../../../core/editing/image/geometry';
import { Overlay } from './Overlay';
import { useEditorDocument } from '../shell/useEditorDocument';
import { objectOps, deleteKeyframe, propagateTrack, setOutside, type EditOps, type TrackRecords } from '../../../core/editing/image/ops';
import './imageEditor.css';
import { useObjectRequest, useSelection } from '../../state/selection';
import { ImageToolbar, LabelBar } from './Toolbar';
import { ObjectsSection, TagsSection } from './ObjectList';
import { AttributesPanel, TrackPanel } from './AttributesPanel';
import { useImageEditorKeys } from './useImageEditorKeys';
import { useSamModel } from './useSamModel';
import { useImageReview } from './useImageReview';
import { ReviewSection } from './ReviewSection';
import { exposeTestHook } from '../../testHooks';

const NO_LABELS = { labels: [] as LabelSpec[] };

export function ImageEditor({
  item,
  src,
  bitmap,
  frame = 0,
  footer,
  frameCount,
  ops: opsProp,
  tiles,
}: {
  /** A very large image: the host's tile pyramid instead of src. */
  tiles?: TiledImage | null;
  /** Number of frames (video): keyframes of the selected track are marked above the timeline. */
  frameCount?: number;
  item: ItemSummary;
  src?: string;
  /** A decoded video frame, shown instead of src. */
  bitmap?: ImageBitmap | null;
  frame?: number;
  footer?: ReactNode;
  /** Objects per frame (default) or tracks with keyframes (video). */
  ops?: EditOps<any>;
}) {
  const ops: EditOps<any> = opsProp ?? objectOps;
  const tracks = ops.kind === 'tracks';
  const { t } = useTranslation();
  const ontology = useApp((s) => s.project?.ontology ?? NO_LABELS);
  const labels = useMemo(() => new Map(ontology.labels.map((l) => [l.id, l])), [ontology]);
  const [selection, setSelection] = useState<string[]>([]);
  const selectionRef = useRef<string[]>([]);
  selectionRef.current = selection;
  // Publish the selection so issues can be pinned to the selected objects.
  useEffect(() => useSelection.setState({ itemId: item.id, objectIds: selection }), [item.id, selection]);
  const doc = useEditorDocument(item.id, ops, { onRestoreSelection: setSelection });
  const [toolName, setToolName] = useState<ToolName>('box');
  const tool = useRef<Tool>(createTool('box'));
  const [labelId, setLabelId] = useState<string | null>(ontology.labels[0]?.id ?? null);
  const [brushRadius, setBrushRadius] = useState(12);
  const [propagateCount, setPropagateCount] = useState(10);
  const propagateSelected = (id: string) => edit(propagateTrack(doc.recordsRef.current as TrackRecords, id, frame, propagateCount, frameCount), `propagate ${propagateCount} frames`);
  const [, setTick] = useState(0);
  const rerender = () => setTick((n) => n + 1);
  const [cursor, setCursor] = useState<{ x: number; y: number } | null>(null);
  const view = useRef<ViewTransform>({ scale: 1, x: 0, y: 0 });
  const size = useRef<{ w: number; h: number } | null>(null);
  const space = useRef(false);
  const clipboard = useRef<AnnotationObject[]>([]);

  useEffect(() => {
    if (labelId && labels.has(labelId)) return;
    setLabelId(ontology.labels[0]?.id ?? null);
  }, [labels, labelId, ontology.labels]);

  const records = doc.records ?? {};
  const objects = useMemo(() => ops.frameObjects(records, frame), [ops, records, frame]);
  const shapes = useMemo(() => objects.filter((o) => o.geometry.kind !== 'tag'), [objects]);
  const tags = objects.filter((o) => o.geometry.kind === 'tag');
  const activeLabel = labelId ? labels.get(labelId) : undefined;
  // Test build only (testHooks.ts): what the editor shows, for the efficiency benchmark (tests/bench/efficiency),
  // which judges shapes against ground truth and changes them only through real input events.
  useEffect(() => exposeTestHook('__datumImageState', { frame, selection, tool: toolName, label: labelId, objects: shapes }), [frame, selection, toolName, labelId, shapes]);

  // Segment (AI): the library's first promptable-segment model (images only).
  const { samModel, samModelRef, samBusy, samDeps } = useSamModel(item, () => setTick((n) => n + 1));

  const chooseTool = (name: ToolName) => {
    if (name === 'segment' && !samModelRef.current) return;
    tool.current.cancel();
    tool.current = createTool(name, name === 'segment' ? samDeps() : undefined);
    setToolName(name);
  };

  const context = (): ToolContext => ({
    objects: ops.frameObjects(doc.recordsRef.current, frame),
    selection: selectionRef.current,
    scale: view.current.scale,
    width: size.current?.w ?? 0,
    height: size.current?.h ?? 0,
    brushRadius,
    skeleton: activeLabel?.skeleton,
  });

  const select = (ids: string[]) => {
    selectionRef.current = ids;
    setSelection(ids);
  };

  const run = (commands: Command[]) => {
    let next = doc.recordsRef.current;
    let sel = selectionRef.current;
    let action = '';
    for (const c of commands) {
      if (c.type === 'create') {
        const id = model.newId();
        next = ops.create(next, roundGeometry(c.geometry), activeLabel, frame, id);
        if (c.source && ops.kind === 'objects' && next[id]) next = { ...next, [id]: { ...next[id], source: c.source, updatedBy: `model:${c.source.kind === 'human' ? '' : c.source.model}` } };
        sel = [id];
        action = `draw ${c.geometry.kind}`;
      } else if (c.type === 'update') {
        next = ops.update(next, c.id, roundGeometry(c.geometry), frame);
        action = c.action;
      } else if (c.type === 'delete') {
        next = ops.remove(next, [c.id]);
        sel = sel.filter((id) => id !== c.id);
        action = 'erase';
      } else sel = c.ids;
    }
    if (next !== doc.recordsRef.current) doc.apply(next, action, selectionRef.current);
    if (sel !== selectionRef.current) select(sel);
    rerender();
  };

  const edit = (next: Record<string, any>, action: string, sel?: string[]) => {
    doc.apply(next, action, selectionRef.current);
    if (sel) select(sel);
  };

  // ------------------------------------------------------------- pointer
  const toImage = (e: React.PointerEvent | React.MouseEvent) => {
    const rect = (e.currentTarget as Element).getBoundingClientRect();
    const v = view.current;
    return { x: (e.clientX - rect.left - v.x) / v.scale, y: (e.clientY - rect.top - v.y) / v.scale };
  };
  const pointer = (e: React.PointerEvent | React.MouseEvent): ImagePointer => ({ ...toImage(e), shift: e.shiftKey, alt: e.altKey, ctrl: e.ctrlKey || e.metaKey });
  const handlers: React.SVGProps<SVGSVGElement> = {
    onPointerDown: (e) => {
      if (e.button !== 0 || space.current || !doc.records || !size.current) return; // the viewer pans
      if (!activeLabel && toolName !== 'select') return;
      e.stopPropagation();
      (e.currentTarget as Element).setPointerCapture(e.pointerId);
      run(tool.current.down(pointer(e), context()));
    },
    onPointerMove: (e) => {
      const p = pointer(e);
      if (toolName === 'brush' || toolName === 'eraser') setCursor(toImage(e));
      tool.current.move(p, context());
      if (tool.current.preview() || tool.current.busy()) rerender();
    },
    onPointerUp: (e) => {
      if (e.button !== 0 || !doc.records || !size.current) return;
      if (!activeLabel && toolName !== 'select') return;
      run(tool.current.up(pointer(e), context()));
    },
    onPointerLeave: () => setCursor(null),
    onDoubleClick: (e) => run(tool.current.dblclick(pointer(e), context())),
  };

  // ------------------------------------------------------------- keyboard
  useImageEditorKeys({
    tool,
    context,
    run,
    doc,
    selectionRef,
    select,
    edit,
    ops,
    frame,
    clipboard,
    propagateSelected,
    setBrushRadius,
    chooseTool,
    toolName,
    labels: ontology.labels,
    setLabelId,
    space,
  });
  // After the editor's keys, so its table is asked first (Tab, Enter, Delete on a pending prediction).
  const review = useImageReview({
    active: !tracks,
    records: records as model.Records,
    recordsRef: doc.recordsRef,
    frame,
    selectionRef,
    select,
    edit,
    busy: () => tool.current.busy(),
    toSelectTool: () => {
      if (toolName !== 'select') chooseTool('select');
    },
  });

  // A QA finding or an issue opened this item (or asks while it is open) for one object: selected
  // and brought into view once it is shown (an image sequence's or video's frame may come later).
  useObjectRequest(item.id, !!doc.records, selection.length === 1 ? selection[0] : null, (id) => {
    const o = ops.frameObjects(doc.recordsRef.current, frame).find((x) => x.id === id);
    if (o) review.focus(o);
    return !!o;
  });

  // ------------------------------------------------------------- render
  const preview = tool.current.preview();
  const selected = selection.length === 1 ? objects.find((o) => o.id === selection[0]) : undefined;
  const selectedTrack = tracks && selected ? (records as TrackRecords)[selected.id] : undefined;
  const onKeyframe = !!selectedTrack?.keyframes.some((k) => k.frame === frame);
  const cursorStyle = space.current ? 'grab' : toolName === 'select' ? 'default' : toolName === 'brush' || toolName === 'eraser' ? 'none' : 'crosshair';

  const overlay = (v: ViewTransform, s: { w: number; h: number }) => {
    view.current = v;
    size.current = s;
    return (
      <Overlay
        view={v}
        size={s}
        objects={shapes}
        labels={labels}
        selection={selection}
        preview={preview}
        drawColor={activeLabel?.color ?? '#5eead4'}
        drawEdges={activeLabel?.skeleton?.edges}
        cursor={cursor}
        brushRadius={toolName === 'brush' || toolName === 'eraser' ? brushRadius : null}
        handlers={handlers}
        cursorStyle={cursorStyle}
      />
    );
  };

  const relabelSelection = (l: LabelSpec) => {
    setLabelId(l.id);
    if (selectionRef.current.length) edit(ops.relabel(doc.recordsRef.current, selectionRef.current, l), 'relabel');
  };

  return (
    <div className="ie" data-testid="image-editor">
      <ImageToolbar
        toolName={toolName}
        chooseTool={chooseTool}
        samModel={samModel}
        brushRadius={brushRadius}
        setBrushRadius={setBrushRadius}
        undo={doc.undo}
        redo={doc.redo}
        canUndo={doc.canUndo}
        canRedo={doc.canRedo}
      />
      <LabelBar
        labels={ontology.labels}
        labelId={labelId}
        onPick={relabelSelection}
        hint={
          (toolName === 'skeleton' && !activeLabel?.skeleton?.points.length ? t('image.noSkeleton') : t(`image.toolHints.${toolName}`)) +
          (toolName === 'segment' && samBusy ? ` · ${t('image.samThinking')}` : '')
        }
      />
      <div className="ie-main">
        <div className="ie-canvas">
          <ImageViewer src={src} bitmap={bitmap} overlay={overlay} oneToOneKey="0" tiles={tiles} reveal={review.reveal} />
          {tracks && frameCount && frameCount > 1 ? (
            <div className="ie-keyticks" data-testid="keyframe-ticks" aria-hidden>
              {(selectedTrack ? [selectedTrack] : (Object.values(records) as Track[])).flatMap((tr) =>
                tr.keyframes.map((k) => (
                  <i
                    key={`${tr.id}-${k.frame}`}
                    className={k.outside ? 'outside' : undefined}
                    style={{ left: `calc(${(k.frame / (frameCount - 1)) * 100}%)`, background: labels.get(tr.label)?.color }}
                    title={`${labels.get(tr.label)?.name ?? ''} · ${k.frame + 1}`}
                  />
                )),
              )}
            </div>
          ) : null}
          {footer}
        </div>
        <aside className="ie-side">
          {!tracks && (review.inFrame.length || Object.values(records).some((o) => (o as AnnotationObject).source?.kind === 'model')) ? <ReviewSection review={review} /> : null}
          <ObjectsSection
            shapes={shapes}
            labels={labels}
            selection={selection}
            tracks={tracks}
            onSelect={select}
            onToggle={(id, flag) => edit(ops.toggle(doc.recordsRef.current, [id], flag), flag === 'hidden' ? 'hide' : 'lock')}
            onDelete={(id) => edit(ops.remove(doc.recordsRef.current, [id]), 'delete', selectionRef.current.filter((i) => i !== id))}
            onOrder={(id, d) => edit(ops.reorder(doc.recordsRef.current, [id], d, frame), 'reorder')}
          />
          {tracks ? null : (
            <TagsSection
              tags={tags}
              labels={labels}
              ontology={ontology.labels}
              onRemove={(id) => edit(model.remove(doc.recordsRef.current, [id]), 'remove tag')}
              onAdd={(l) => edit(model.createObject(doc.recordsRef.current, { kind: 'tag' }, l, frame), 'add tag')}
            />
          )}
          <section>
            <h3>{t('image.attributes')}</h3>
            {selected ? (
              <AttributesPanel
                o={selected}
                labels={ontology.labels}
                onLabel={(l) => edit(ops.relabel(doc.recordsRef.current, [selected.id], l), 'relabel')}
                onChange={(attr, value) => {
                  const spec = labels.get(selected.label)?.attributes.find((a) => a.id === attr);
                  edit(ops.setAttribute(doc.recordsRef.current, selected.id, attr, value, frame, spec?.scope ?? 'track'), 'attribute');
                }}
              />
            ) : (
              <p className="muted small">{t('image.selectOne')}</p>
            )}
            {selectedTrack ? (
              <TrackPanel
                track={selectedTrack}
                onKeyframe={onKeyframe}
                frameCount={frameCount}
                propagateCount={propagateCount}
                setPropagateCount={setPropagateCount}
                onOutside={() => edit(setOutside(doc.recordsRef.current as TrackRecords, selectedTrack.id, frame), 'outside', [])}
                onDeleteKeyframe={() => edit(deleteKeyframe(doc.recordsRef.current as TrackRecords, selectedTrack.id, frame), 'delete keyframe')}
                onPropagate={() => propagateSelected(selectedTrack.id)}
              />
            ) : null}
          </section>
        </aside>
      </div>
    </div>
  );
}
