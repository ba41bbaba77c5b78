/**
 * The image annotation editor: the zoom/pan ImageViewer with an SVG overlay, a tool bar, label
 * picker (hotkeys from the ontology), an object list with hide/lock/delete/z-order, image-level
 * tags and per-label attribute editing. Tools are pure state machines (./tools); edits are record
 * diffs with undo/redo and crash-safe saving (./useAnnotationDocument).
 */
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { AnnotationObject, AttributeSpec, AttributeValue, LabelSpec, Track } from '../../core/document/schema';
import type { ItemSummary } from '../../../preload/contract';
import { ImageViewer, type TiledImage, type ViewTransform } from '../../viewports/ImageViewer';
import { useApp } from '../../state/appStore';
import { createTool, TOOL_KEYS, type Command, type Mods, type Tool, type ToolContext, type ToolName } from './tools';
import * as model from './model';
import { roundGeometry } from './geometry';
import { Overlay } from './Overlay';
import { useAnnotationDocument } from './useAnnotationDocument';
import { objectOps, deleteKeyframe, propagateTrack, setOutside, type EditOps, type TrackRecords } from './ops';
import './imageEditor.css';
import { useSelection } from '../../state/selection';
import { rpc } from '../../transport';
import { reportError } from '../../state/actions';
import { Provenance } from '../../panels/Provenance';

const NO_LABELS = { labels: [] as LabelSpec[] };
const TOOLS: ToolName[] = ['select', 'box', 'rotatedBox', 'polygon', 'polyline', 'points', 'skeleton', 'brush', 'eraser', 'segment'];
const TOOL_ICONS: Record<ToolName, ReactNode> = {
  select: <path d="M5 3l12 8-5 1.5 3 6-2 1-3-6L6 17z" />,
  box: <rect x="4" y="5" width="14" height="12" rx="1" />,
  rotatedBox: <path d="M9 3l10 6-6 10-10-6z" />,
  polygon: <path d="M4 8l7-5 8 5-3 10H7z" />,
  polyline: <path d="M3 17l5-8 5 5 6-10" fill="none" />,
  points: (
    <g>
      <circle cx="6" cy="7" r="2" />
      <circle cx="15" cy="5" r="2" />
      <circle cx="11" cy="15" r="2" />
    </g>
  ),
  skeleton: (
    <g>
      <path d="M11 5v7M5 9l6-1 6 1M11 12l-4 6M11 12l4 6" fill="none" />
      <circle cx="11" cy="4" r="2" />
    </g>
  ),
  brush: <path d="M15 3l4 4-8 8-4-4zM6 12l4 4c-1 3-4 4-7 4 1-2 0-6 3-8z" />,
  eraser: <path d="M13 4l6 6-8 8H6l-3-3zM8 9l6 6" />,
  segment: <path d="M5 14c-2-4 1-9 6-9s8 4 6 8-5 5-8 4M3 19l4-4M12 3l.6 1.6L14 5l-1.4.6L12 7l-.6-1.4L10 5l1.4-.4z" />,
};

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
  const doc = useAnnotationDocument(item.id, ops, setSelection);
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
  const [tagLabel, setTagLabel] = useState<string>(ontology.labels[0]?.id ?? '');

  useEffect(() => {
    if (labelId && labels.has(labelId)) return;
    setLabelId(ontology.labels[0]?.id ?? null);
  }, [labels, labelId, ontology.labels]);

  const records = doc.records ?? {};
  const objects = useMemo(() => ops.frameObjects(records, frame), [ops, records, frame]);
  const shapes = useMemo(() => objects.filter((o) => o.geometry.kind !== 'tag'), [objects]);
  const tags = objects.filter((o) => o.geometry.kind === 'tag');
  const activeLabel = labelId ? labels.get(labelId) : undefined;

  // Segment (AI): the library's first promptable-segment model (images only).
  const [samModel, setSamModel] = useState<string | null>(null);
  const samModelRef = useRef<string | null>(null);
  samModelRef.current = samModel;
  useEffect(() => {
    if (item.modality !== 'image') return;
    let live = true;
    rpc
      .call('models.list', {})
      .then((r) => live && setSamModel(r.models.find((m) => m.task === 'promptable-segment')?.id ?? null))
      .catch(() => {});
    return () => {
      live = false;
    };
  }, [item.id, item.modality]);
  const [samBusy, setSamBusy] = useState(false);
  const samDeps = () => {
    const modelId = samModelRef.current;
    if (modelId) void rpc.call('sam.embed', { itemId: item.id, modelId }).catch(reportError); // encoder once, cached by the host
    return {
      modelId,
      segment: async (points: { x: number; y: number; label: 0 | 1 }[], box?: [number, number, number, number]) => {
        if (!modelId) return null;
        setSamBusy(true);
        try {
          return await rpc.call('sam.segment', { itemId: item.id, modelId, points, ...(box ? { box } : {}) });
        } finally {
          setSamBusy(false);
        }
      },
      changed: () => setTick((n) => n + 1),
      onError: reportError,
    };
  };

  const chooseTool = useCallback((name: ToolName) => {
    if (name === 'segment' && !samModelRef.current) return;
    tool.current.cancel();
    tool.current = createTool(name, name === 'segment' ? samDeps() : undefined);
    setToolName(name);
  }, []);

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
  const mods = (e: React.PointerEvent | React.MouseEvent): Mods => ({ shift: e.shiftKey, alt: e.altKey, ctrl: e.ctrlKey || e.metaKey });
  const handlers: React.SVGProps<SVGSVGElement> = {
    onPointerDown: (e) => {
      if (e.button !== 0 || space.current || !doc.records || !size.current) return; // the viewer pans
      if (!activeLabel && toolName !== 'select') return;
      e.stopPropagation();
      (e.currentTarget as Element).setPointerCapture(e.pointerId);
      run(tool.current.down(toImage(e), mods(e), context()));
    },
    onPointerMove: (e) => {
      const p = toImage(e);
      if (toolName === 'brush' || toolName === 'eraser') setCursor(p);
      tool.current.move(p, mods(e), context());
      if (tool.current.preview() || tool.current.busy()) rerender();
    },
    onPointerUp: (e) => {
      if (e.button !== 0 || !doc.records || !size.current) return;
      if (!activeLabel && toolName !== 'select') return;
      run(tool.current.up(toImage(e), mods(e), context()));
    },
    onPointerLeave: () => setCursor(null),
    onDoubleClick: (e) => run(tool.current.dblclick(toImage(e), context())),
  };

  // ------------------------------------------------------------- keyboard
  const keyHandler = useRef<(e: KeyboardEvent) => void>(() => {});
  keyHandler.current = (e: KeyboardEvent) => {
    if ((e.target as HTMLElement).closest?.('input, textarea, select')) return;
    if (useApp.getState().shortcutsOpen) return;
    const ctrl = e.ctrlKey || e.metaKey;
    const k = e.key;
    const consume = () => {
      e.preventDefault();
      e.stopImmediatePropagation();
    };
    if (ctrl && (k.toLowerCase() === 'z' || k.toLowerCase() === 'y')) {
      consume();
      tool.current.cancel();
      if (k.toLowerCase() === 'y' || e.shiftKey) doc.redo();
      else doc.undo();
      return;
    }
    if (ctrl && k.toLowerCase() === 'c' && !tracks) {
      clipboard.current = selectionRef.current.map((id) => doc.recordsRef.current[id]).filter(Boolean);
      return;
    }
    if (ctrl && k.toLowerCase() === 'v' && !tracks) {
      if (!clipboard.current.length) return;
      consume();
      const same = clipboard.current.every((o) => o.frame === frame);
      const r = model.paste(doc.recordsRef.current, clipboard.current, frame, same ? 10 : 0, same ? 10 : 0);
      edit(r.records, 'paste', r.ids);
      return;
    }
    if (ctrl || e.altKey) return;
    const handled = tool.current.key(k, context());
    if (handled) {
      consume();
      run(handled);
      return;
    }
    if (k === ' ') {
      space.current = true;
      e.preventDefault();
      return;
    }
    const sel = selectionRef.current;
    if (k === 'Escape' && sel.length) {
      consume();
      select([]);
      return;
    }
    if ((k === 'Delete' || k === 'Backspace') && sel.length) {
      consume();
      edit(ops.remove(doc.recordsRef.current, sel), 'delete', []);
      return;
    }
    if (tracks && k === 'P' && e.shiftKey && !ctrl && sel.length === 1) {
      consume();
      return void propagateSelected(sel[0]);
    }
    if (tracks && k === 'o' && sel.length === 1) return void edit(setOutside(doc.recordsRef.current as TrackRecords, sel[0], frame), 'outside');
    // hide / lock / z-order: on objects, or on whole tracks (never a keyframe) in videos and sequences
    if ((k === 'h' || k === 'H') && !e.shiftKey && sel.length) return void edit(ops.toggle(doc.recordsRef.current, sel, 'hidden'), 'hide');
    if (k === 'L' && e.shiftKey && sel.length) return void edit(ops.toggle(doc.recordsRef.current, sel, 'locked'), 'lock');
    if ((k === ']' || k === '[') && sel.length) return void edit(ops.reorder(doc.recordsRef.current, sel, k === ']' ? 1 : -1, frame), 'reorder');
    if (k === '{' || k === '}') return void setBrushRadius((r) => Math.max(1, Math.min(200, Math.round(k === '}' ? r * 1.25 + 1 : r / 1.25))));
    const label = ontology.labels.find((l) => l.hotkey && l.hotkey === k);
    if (label) {
      consume();
      setLabelId(label.id);
      // with the select tool a label key relabels the selection; with a drawing tool it picks the next shape's label
      if (sel.length && toolName === 'select') edit(ops.relabel(doc.recordsRef.current, sel, label), 'relabel');
      return;
    }
    if (!e.shiftKey) {
      const name = (Object.keys(TOOL_KEYS) as ToolName[]).find((n) => TOOL_KEYS[n].toLowerCase() === k.toLowerCase());
      if (name) {
        consume();
        chooseTool(name);
      }
    }
  };
  useEffect(() => {
    const down = (e: KeyboardEvent) => keyHandler.current(e);
    const up = (e: KeyboardEvent) => {
      if (e.key === ' ') space.current = false;
    };
    // capture phase: the editor sees keys before ItemView (Escape leaves the item only when nothing is being drawn or selected)
    window.addEventListener('keydown', down, true);
    window.addEventListener('keyup', up);
    return () => {
      window.removeEventListener('keydown', down, true);
      window.removeEventListener('keyup', up);
    };
  }, []);

  // ------------------------------------------------------------- render
  const preview = tool.current.preview();
  const selected = selection.length === 1 ? objects.find((o) => o.id === selection[0]) : undefined;
  const selectedTrack = tracks && selected ? (records as TrackRecords)[selected.id] : undefined;
  const onKeyframe = !!selectedTrack?.keyframes.some((k) => k.frame === frame);
  const cursorStyle = space.current ? 'grab' : toolName === 'select' ? 'default' : toolName === 'brush' || toolName === 'eraser' ? 'none' : 'crosshair';

  // memoised: a drag re-renders the editor on every move, and the list may hold thousands of rows
  const objectRows = useMemo(
    () =>
      // top of the list = drawn on top (ties: the later record, as paintOrder draws it)
      shapes
                .map((o, i) => [o, i] as const)
                .sort((a, b) => b[0].zOrder - a[0].zOrder || (tracks ? b[1] - a[1] : 0))
                .map(([o]) => (
                  <ObjectRow
                    key={o.id}
                    o={o}
                    label={labels.get(o.label)}
                    selected={selection.includes(o.id)}
                    onSelect={(add) => select(add ? (selection.includes(o.id) ? selection.filter((i) => i !== o.id) : [...selection, o.id]) : [o.id])}
                    onToggle={(flag) => edit(ops.toggle(doc.recordsRef.current, [o.id], flag), flag === 'hidden' ? 'hide' : 'lock')}
                    onDelete={() => edit(ops.remove(doc.recordsRef.current, [o.id]), 'delete', selection.filter((i) => i !== o.id))}
                    onOrder={(d) => edit(ops.reorder(doc.recordsRef.current, [o.id], d, frame), 'reorder')}
                  />
                )),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [shapes, selection, labels, tracks, ops, doc.apply, frame],
  );

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

  return (
    <div className="ie" data-testid="image-editor">
      <div className="ie-toolbar" role="toolbar">
        <div className="ie-tools">
          {TOOLS.map((name) => (
            <button
              key={name}
              className={`ie-tool${toolName === name ? ' active' : ''}`}
              onClick={() => chooseTool(name)}
              disabled={name === 'segment' && !samModel}
              title={name === 'segment' && !samModel ? `${t('image.tools.segment')} — ${t('image.noSamModel')}` : `${t(`image.tools.${name}`)} (${TOOL_KEYS[name]}) — ${t(`image.toolHints.${name}`)}`}
              aria-pressed={toolName === name}
              data-testid={`tool-${name}`}
            >
              <svg viewBox="0 0 22 22" width="18" height="18" aria-hidden>
                {TOOL_ICONS[name]}
              </svg>
              <span className="ie-tool-name">{t(`image.tools.${name}`)}</span>
              <kbd>{TOOL_KEYS[name]}</kbd>
            </button>
          ))}
        </div>
        {toolName === 'brush' || toolName === 'eraser' ? (
          <label className="ie-brush">
            {t('image.brushSize')}
            <input type="range" min={1} max={100} value={brushRadius} onChange={(e) => setBrushRadius(Number(e.target.value))} data-testid="brush-size" />
            <span className="mono small">{brushRadius * 2}px</span>
          </label>
        ) : null}
        <div className="ie-spacer" />
        <button className="ghost small" onClick={doc.undo} disabled={!doc.canUndo} data-testid="undo" title="Ctrl+Z">
          ↶ {t('image.undo')}
        </button>
        <button className="ghost small" onClick={doc.redo} disabled={!doc.canRedo} data-testid="redo" title="Ctrl+Shift+Z">
          ↷ {t('image.redo')}
        </button>
        <span className={`ie-save ${doc.saveState}`} data-testid="save-state">
          {doc.saveState === 'saved' ? t('image.saved') : doc.saveState === 'saving' ? t('image.saving') : t('image.unsaved')}
        </span>
      </div>
      <div className="ie-labels" role="radiogroup" aria-label={t('image.label')}>
        {ontology.labels.length === 0 ? <span className="muted small">{t('image.noLabels')}</span> : null}
        {ontology.labels.map((l) => (
          <button
            key={l.id}
            role="radio"
            aria-checked={l.id === labelId}
            className={`ie-label-chip${l.id === labelId ? ' active' : ''}`}
            style={{ '--chip': l.color } as React.CSSProperties}
            onClick={() => {
              setLabelId(l.id);
              if (selectionRef.current.length) edit(ops.relabel(doc.recordsRef.current, selectionRef.current, l), 'relabel');
            }}
            data-testid="label-chip"
          >
            <i />
            {l.name}
            {l.hotkey ? <kbd>{l.hotkey}</kbd> : null}
          </button>
        ))}
        <span className="ie-hint muted small" data-testid="tool-hint">
          {toolName === 'skeleton' && !activeLabel?.skeleton?.points.length ? t('image.noSkeleton') : t(`image.toolHints.${toolName}`)}
          {toolName === 'segment' && samBusy ? ` · ${t('image.samThinking')}` : ''}
        </span>
      </div>
      <div className="ie-main">
        <div className="ie-canvas">
          <ImageViewer src={src} bitmap={bitmap} overlay={overlay} oneToOneKey="0" tiles={tiles} />
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
          <section>
            <h3>
              {t('image.objects')} <span className="muted small" data-testid="object-count">{t('image.count', { count: shapes.length })}</span>
            </h3>
            {shapes.length === 0 ? <p className="muted small">{t('image.noObjects')}</p> : null}
            <ul className="ie-objects">
              {objectRows}
            </ul>
          </section>
          {tracks ? null : (
          <section>
            <h3>{t('image.tags')}</h3>
            <div className="ie-tags" data-testid="tags">
              {tags.length === 0 ? <span className="muted small">{t('image.noTags')}</span> : null}
              {tags.map((o) => (
                <span key={o.id} className="ie-tag" style={{ '--chip': labels.get(o.label)?.color ?? '#888' } as React.CSSProperties} data-testid="tag">
                  {labels.get(o.label)?.name ?? o.label}
                  <button className="link" aria-label={t('image.remove')} onClick={() => edit(model.remove(doc.recordsRef.current, [o.id]), 'remove tag')}>
                    ×
                  </button>
                </span>
              ))}
            </div>
            {ontology.labels.length ? (
              <div className="ie-row">
                <select value={tagLabel} onChange={(e) => setTagLabel(e.target.value)} data-testid="tag-label" aria-label={t('image.label')}>
                  {ontology.labels.map((l) => (
                    <option key={l.id} value={l.id}>
                      {l.name}
                    </option>
                  ))}
                </select>
                <button
                  className="ghost small"
                  data-testid="add-tag"
                  onClick={() => {
                    const l = labels.get(tagLabel) ?? ontology.labels[0];
                    if (!l || tags.some((o) => o.label === l.id)) return;
                    edit(model.createObject(doc.recordsRef.current, { kind: 'tag' }, l, frame), 'add tag');
                  }}
                >
                  + {t('image.addTag')}
                </button>
              </div>
            ) : null}
          </section>
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
              <div className="ie-track" data-testid="track-panel">
                <p className="muted small">
                  {onKeyframe ? t('image.video.keyframe') : t('image.video.interpolated')} · {t('image.video.keyframes', { count: selectedTrack.keyframes.length })}
                </p>
                <div className="ie-row">
                  <button className="ghost small" disabled={!!selectedTrack.locked} onClick={() => edit(setOutside(doc.recordsRef.current as TrackRecords, selectedTrack.id, frame), 'outside', [])} data-testid="track-outside">
                    {t('image.video.outside')}
                  </button>
                  <button className="ghost small" disabled={!onKeyframe || !!selectedTrack.locked} onClick={() => edit(deleteKeyframe(doc.recordsRef.current as TrackRecords, selectedTrack.id, frame), 'delete keyframe')} data-testid="delete-keyframe">
                    {t('image.video.deleteKeyframe')}
                  </button>
                </div>
                <div className="ie-row">
                  <button className="ghost small" disabled={!!selectedTrack.locked} onClick={() => propagateSelected(selectedTrack.id)} data-testid="propagate">
                    {t('image.video.propagate')}
                  </button>
                  <input
                    type="number"
                    className="ie-propagate-count"
                    min={1}
                    max={Math.max(1, (frameCount ?? 2) - 1)}
                    value={propagateCount}
                    onChange={(e) => setPropagateCount(Math.max(1, Math.floor(Number(e.target.value)) || 1))}
                    aria-label={t('image.video.propagateFrames')}
                    title={t('image.video.propagateFrames')}
                    style={{ width: 56 }}
                    data-testid="propagate-count"
                  />
                </div>
              </div>
            ) : null}
          </section>
        </aside>
      </div>
    </div>
  );
}

const ICON = {
  visible: 'M1.5 8s2.5-4.5 6.5-4.5S14.5 8 14.5 8 12 12.5 8 12.5 1.5 8 1.5 8zM8 10a2 2 0 100-4 2 2 0 000 4z',
  hidden: 'M2 2l12 12M6.5 4C7 3.8 7.5 3.5 8 3.5c4 0 6.5 4.5 6.5 4.5s-.7 1.3-2 2.5M4 5.5C2.4 6.7 1.5 8 1.5 8S4 12.5 8 12.5c.9 0 1.7-.2 2.4-.5',
  locked: 'M4 7h8v6H4zM5.5 7V5a2.5 2.5 0 015 0v2',
  unlocked: 'M4 7h8v6H4zM5.5 7V5a2.5 2.5 0 014.8-1',
  up: 'M8 13V3M4 7l4-4 4 4',
  down: 'M8 3v10M4 9l4 4 4-4',
  remove: 'M4 4l8 8M12 4l-8 8',
};

function Icon({ d }: { d: string }) {
  return (
    <svg viewBox="0 0 16 16" width="14" height="14" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" strokeLinejoin="round" aria-hidden>
      <path d={d} />
    </svg>
  );
}

function ObjectRow(props: {
  o: AnnotationObject;
  label: LabelSpec | undefined;
  selected: boolean;
  onSelect(add: boolean): void;
  onToggle(flag: 'hidden' | 'locked'): void;
  onDelete(): void;
  onOrder(d: 1 | -1): void;
}) {
  const { t } = useTranslation();
  const { o } = props;
  return (
    <li
      className={`ie-object${props.selected ? ' selected' : ''}${o.hidden ? ' hidden' : ''}`}
      onClick={(e) => props.onSelect(e.shiftKey)}
      data-testid="object-row"
      data-kind={o.geometry.kind}
    >
      <i className="swatch" style={{ background: props.label?.color ?? '#888' }} />
      <span className="name">{props.label?.name ?? o.label}</span>
      <span className="kind muted small">{t(`image.kinds.${o.geometry.kind}`)}</span>
      {o.source.kind !== 'human' ? <span className="badge small">{Math.round(o.source.score * 100)}%</span> : null}
      <span className="actions" onClick={(e) => e.stopPropagation()}>
        <button className="icon" title={t('image.backward')} onClick={() => props.onOrder(-1)}>
          <Icon d={ICON.down} />
        </button>
        <button className="icon" title={t('image.forward')} onClick={() => props.onOrder(1)}>
          <Icon d={ICON.up} />
        </button>
        <button className={`icon${o.hidden ? ' on' : ''}`} title={t('image.hide')} onClick={() => props.onToggle('hidden')} data-testid="toggle-hidden">
          <Icon d={o.hidden ? ICON.hidden : ICON.visible} />
        </button>
        <button className={`icon${o.locked ? ' on' : ''}`} title={t('image.lock')} onClick={() => props.onToggle('locked')} data-testid="toggle-locked">
          <Icon d={o.locked ? ICON.locked : ICON.unlocked} />
        </button>
        <button className="icon danger" title={t('image.remove')} onClick={props.onDelete} data-testid="delete-object">
          <Icon d={ICON.remove} />
        </button>
      </span>
    </li>
  );
}

function AttributesPanel(props: { o: AnnotationObject; labels: LabelSpec[]; onLabel(l: LabelSpec): void; onChange(attr: string, value: AttributeValue): void }) {
  const { t } = useTranslation();
  const { o } = props;
  const label = props.labels.find((l) => l.id === o.label);
  return (
    <div className="ie-attrs" data-testid="attributes">
      <label>
        <span>{t('image.label')}</span>
        <select
          value={o.label}
          disabled={o.locked}
          onChange={(e) => {
            const l = props.labels.find((x) => x.id === e.target.value);
            if (l) props.onLabel(l);
          }}
          data-testid="object-label"
        >
          {props.labels.map((l) => (
            <option key={l.id} value={l.id}>
              {l.name}
            </option>
          ))}
        </select>
      </label>
      {(label?.attributes ?? []).map((spec) => (
        <AttributeField key={spec.id} spec={spec} value={o.attributes[spec.id]} disabled={!!o.locked} onChange={(v) => props.onChange(spec.id, v)} />
      ))}
      {o.source.kind !== 'human' ? (
        <p className="muted small">
          {t('image.source')}: {t('image.model', { model: o.source.model, score: o.source.score.toFixed(2) })}
        </p>
      ) : null}
      <p>
        <Provenance record={o} />
      </p>
    </div>
  );
}

function AttributeField({ spec, value, disabled, onChange }: { spec: AttributeSpec; value: AttributeValue | undefined; disabled: boolean; onChange(v: AttributeValue): void }) {
  const [draft, setDraft] = useState(value === undefined ? '' : String(value));
  useEffect(() => setDraft(value === undefined ? '' : String(value)), [value]);
  const commitText = () => {
    if (spec.type === 'number') {
      const n = Number(draft);
      if (draft.trim() !== '' && Number.isFinite(n) && n !== value) onChange(n);
    } else if (draft !== (value ?? '')) onChange(draft);
  };
  return (
    <label className={spec.type === 'bool' ? 'check' : undefined} data-testid="attribute-field">
      {spec.type === 'bool' ? (
        <input type="checkbox" checked={value === true} disabled={disabled} onChange={(e) => onChange(e.target.checked)} />
      ) : null}
      <span>
        {spec.name}
        {spec.required ? ' *' : ''}
      </span>
      {spec.type === 'enum' ? (
        <select value={value === undefined ? '' : String(value)} disabled={disabled} onChange={(e) => onChange(e.target.value)}>
          {value === undefined ? <option value="">—</option> : null}
          {(spec.options ?? []).map((opt) => (
            <option key={opt} value={opt}>
              {opt}
            </option>
          ))}
        </select>
      ) : spec.type === 'number' || spec.type === 'text' ? (
        <input
          type={spec.type === 'number' ? 'number' : 'text'}
          value={draft}
          disabled={disabled}
          onChange={(e) => setDraft(e.target.value)}
          onBlur={commitText}
          onKeyDown={(e) => e.key === 'Enter' && commitText()}
        />
      ) : null}
    </label>
  );
}
