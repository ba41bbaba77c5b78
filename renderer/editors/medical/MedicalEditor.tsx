/**
 * The medical imaging editor: axial, coronal and sagittal views with a shared crosshair, window
 * level/width and presets, segmentation (brush, eraser, polygon, threshold, interpolation) with
 * undo/redo and autosave, DICOM SEG / NIfTI export and import. The host decodes the volume
 * (`medical.open`) and serves its voxels at /blob/volume/<itemId>, already re-indexed to the
 * patient-space (LPS) grid, so the three views are true axial / coronal / sagittal planes
 * (core/medical/reorient.ts). Projection and single-slice images get one view; geometry warnings
 * are shown above the views; 4D data gets a volume slider.
 *
 * Pieces: workspace.ts (view state reducer), useSegmentation.ts (label map, history, autosave),
 * ToolsPanel / SegmentsPanel (the sides), SliceView (one view), tools/ (its tools and the label map
 * edits they return), keys.ts (the key table).
 */
import { useEffect, useMemo, useReducer, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ItemSummary, MedicalSegment, VolumeHeader } from '../../../preload/contract';
import { rpc } from '../../transport';
import { reportError } from '../../state/actions';
import { createLabelmap, interpolateSegment, SEGMENT_COLORS, segmentVolumesMl, type Labelmap } from '../../../core/medical/segmentation';
import type { Orientation } from '../../../core/medical/slicing';
import type { Volume, VoxelArray } from '../../../core/medical/types';
import { decodeLabelRuns } from '../../../core/medical/labelmap-rle';
import { useKeymap } from '../../keymap/useKeymap';
import { SliceView } from './SliceView';
import { ObliqueView } from './ObliqueView';
import { PATIENT_FRAME, viewAxes, type Frame } from '../../../core/medical/reslice';
import { invert as invertAffine, transformPoint } from '../../../core/medical/affine';
import { applyLabelEdit } from './tools';
import { sliceIndexOf } from './orientation';
import { medicalKeys } from './keys';
import { initialWorkspace, workspaceReducer, type WorkspaceState } from './workspace';
import { useSegmentation } from './useSegmentation';
import { applyImported, fromBase64, renumberImported, segmentLut } from './segmentsIo';
import { ToolsPanel } from './ToolsPanel';
import { SegmentsPanel } from './SegmentsPanel';
import { SegmentOpsPanel } from './SegmentOpsPanel';
import { TagViewer } from './TagViewer';
import { initialProgress, readVolumeStream, type StreamProgress } from './volumeStream';
import { defaultWindow } from '../../../core/medical/window';
import { exposeTestHook } from '../../testHooks';
import './medical.css';

const ORIENTATIONS: Orientation[] = ['axial', 'coronal', 'sagittal'];

interface Loaded {
  header: VolumeHeader;
  volume: Volume;
  /** Every timepoint of a 4D volume, contiguous (`volume.data` is timepoint 0). */
  all: VoxelArray;
  labelmap: Labelmap;
  segments: MedicalSegment[];
  /** While the voxels stream in (volumeStream.ts); null once complete or when opened whole. */
  stream: StreamProgress | null;
  /** The saved label map, once the volume is complete (streamed opens get it then). */
  saved?: { segments: MedicalSegment[] };
  /** Bumped when planes land (redraw) or the stream ends. */
  dataRevision: number;
  /** Shown above the views (e.g. a slice left out, the volume reopened complete). */
  notice?: string;
}

const defaultSegments = (t: (k: string, o?: Record<string, unknown>) => string): MedicalSegment[] => [{ number: 1, label: t('medical.segmentName', { n: 1 }), color: SEGMENT_COLORS[0] }];

export function MedicalEditor({ item }: { item: ItemSummary }) {
  const { t } = useTranslation();
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [cancelledLoad, setCancelledLoad] = useState(false);
  const [attempt, setAttempt] = useState(0);
  const [tagsOpen, setTagsOpen] = useState(false);
  const isDicom = item.modality === 'dicom' || item.modality === 'dicom-series';
  const abortRef = useRef<AbortController | null>(null);

  useEffect(() => {
    let cancelled = false;
    const ac = new AbortController();
    abortRef.current = ac;
    setLoaded(null);
    setError(null);
    setCancelledLoad(false);

    /** The whole volume at once: the host has it decoded (or it is not streamed, e.g. NIfTI). */
    const openWhole = async (header: VolumeHeader, notice?: string) => {
      const res = await fetch(`/blob/volume/${item.id}`, { signal: ac.signal });
      if (!res.ok) throw new Error(`${res.status} ${await res.text()}`);
      const buf = await res.arrayBuffer();
      const all = header.dtype === 'int16' ? new Int16Array(buf) : header.dtype === 'float32' ? new Float32Array(buf) : new Uint8Array(buf);
      const volume = volumeOf(header, all);
      exposeTestHook('__datumMedicalVolume', { itemId: item.id, all, progress: null });
      const labelmap = createLabelmap(volume);
      const saved = await rpc.call('medical.loadLabelmap', { itemId: item.id });
      if (saved.runs) labelmap.data.set(decodeLabelRuns(fromBase64(saved.runs), labelmap.data.length));
      const segments = saved.segments.length ? saved.segments : defaultSegments(t);
      if (!cancelled) setLoaded({ header, volume, all, labelmap, segments, stream: null, dataRevision: 0, notice });
    };

    /** Streamed: lay out from the header at once, fill planes as they land, unlock when complete. */
    const openStreamed = async (header: VolumeHeader) => {
      const per = header.dims[0] * header.dims[1] * header.dims[2];
      const all = new Int16Array(per * header.timepoints);
      const volume = volumeOf(header, all);
      const labelmap = createLabelmap(volume);
      const progress = initialProgress(header);
      exposeTestHook('__datumMedicalVolume', { itemId: item.id, all, progress });
      const base: Loaded = { header, volume, all, labelmap, segments: defaultSegments(t), stream: progress, dataRevision: 0 };
      if (!cancelled) setLoaded(base);
      // Redraw at most once per frame, however many planes a chunk brought.
      let frame = 0;
      const redraw = () => {
        if (frame) return;
        frame = requestAnimationFrame(() => {
          frame = 0;
          if (!cancelled) setLoaded((l) => (l && l.all === all ? { ...l, dataRevision: l.dataRevision + 1 } : l));
        });
      };
      const end = await readVolumeStream(item.id, header, all, progress, ac.signal, (first) => {
        if (first && header.windowProvisional) {
          // No window in the file and no modality preset: one from the first slice that landed.
          const w = defaultWindow({ data: first, modality: header.modality, channels: 1 });
          if (!cancelled) setLoaded((l) => (l && l.all === all ? { ...l, header: { ...l.header, window: w } } : l));
        }
        redraw();
      });
      cancelAnimationFrame(frame);
      if (end.kind === 'fail') {
        if (!end.reload) throw new Error(end.message);
        // A slice left out (or another layout): the host now has the volume complete; open it whole.
        const again = await rpc.call('medical.open', { itemId: item.id });
        if (cancelled) return;
        setLoaded(null);
        return openWhole(again, t('medical.stream.reloaded', { message: end.message }));
      }
      const saved = await rpc.call('medical.loadLabelmap', { itemId: item.id });
      if (saved.runs) labelmap.data.set(decodeLabelRuns(fromBase64(saved.runs), labelmap.data.length));
      const final = end.header;
      if (!cancelled)
        setLoaded((l) =>
          l && l.all === all
            ? {
                ...l,
                // The final header brings the range, errors and warnings; a provisional window stays until the final one replaces it.
                header: { ...final, loading: false },
                stream: null,
                saved: { segments: saved.segments.length ? saved.segments : l.segments },
                dataRevision: l.dataRevision + 1,
              }
            : l,
        );
    };

    (async () => {
      const header = await rpc.call('medical.open', { itemId: item.id });
      if (header.loading) await openStreamed(header);
      else await openWhole(header);
    })().catch((e) => {
      if (cancelled) return;
      if (ac.signal.aborted) return setCancelledLoad(true);
      setError(e instanceof Error ? e.message : String(e));
    });
    return () => {
      cancelled = true;
      ac.abort(); // switching item cancels the stream (and the host's build when no one else reads it)
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [item.id, attempt]);

  if (error)
    return (
      <div className="mv-message" data-testid="medical-error">
        <strong>{t('medical.failed')}</strong>
        <p className="mono">{error}</p>
        {/* A non-image object (RTSTRUCT, SR, ...) or a broken image: its header still tells what it is. */}
        {isDicom ? (
          <button onClick={() => setTagsOpen(true)} data-testid="open-tags">
            {t('dicomTags.open')}
          </button>
        ) : null}
        {tagsOpen ? <TagViewer itemId={item.id} onClose={() => setTagsOpen(false)} /> : null}
      </div>
    );
  if (cancelledLoad)
    return (
      <div className="mv-message" data-testid="medical-cancelled">
        <p>{t('medical.stream.cancelled')}</p>
        <button onClick={() => setAttempt((a) => a + 1)} data-testid="medical-reload">
          {t('medical.stream.reopen')}
        </button>
      </div>
    );
  if (!loaded)
    return (
      <div className="mv-message muted" data-testid="medical-loading">
        <div className="mv-spinner" />
        {t('medical.loading')}
      </div>
    );
  return <Workspace key={`${item.id}:${loaded.volume.dims.join('x')}:${attempt}`} item={item} {...loaded} onCancelLoad={() => abortRef.current?.abort()} />;
}

/** The Volume the views draw: timepoint 0 of `all`, laid out as the header says. */
function volumeOf(header: VolumeHeader, all: VoxelArray): Volume {
  const perVolume = header.dims[0] * header.dims[1] * header.dims[2];
  return {
    dims: header.dims,
    spacing: header.spacing,
    data: all.subarray(0, perVolume),
    channels: 1,
    affine: header.affine,
    modality: header.modality,
    window: header.window,
    invertDisplay: header.invert,
  };
}

function Workspace({
  item,
  header,
  volume: volume0,
  all,
  labelmap,
  segments: initialSegments,
  stream,
  saved,
  dataRevision,
  notice,
  onCancelLoad,
}: Loaded & { item: ItemSummary; onCancelLoad(): void }) {
  const { t } = useTranslation();
  const [tagsOpen, setTagsOpen] = useState(false);
  // 4D: the views show one timepoint; the label map is shared by all of them.
  const [timepoint, setTimepoint] = useState(0);
  const volume = useMemo(() => {
    if (timepoint === 0) return volume0;
    const n = volume0.data.length;
    return { ...volume0, data: all.subarray(timepoint * n, (timepoint + 1) * n) };
  }, [volume0, all, timepoint]);
  const views: Orientation[] = header.viewMode === 'volume' ? ORIENTATIONS : ['axial'];
  const [state, dispatch] = useReducer(workspaceReducer, undefined, () =>
    initialWorkspace({ dims: volume.dims, spacing: volume.spacing, window: header.window, invert: header.invert, range: header.range, activeLabel: initialSegments[0].number }),
  );
  const seg0 = useSegmentation(item.id, labelmap, initialSegments);
  const set = (patch: Partial<Omit<WorkspaceState, 'counts'>>) => dispatch({ type: 'set', patch });
  const message = (m: string) => dispatch({ type: 'set', patch: { message: m } });
  // Streaming: nothing edits the label map (or its segments, which would autosave an empty map
  // over the saved one) until the volume and its saved label map are in.
  const locked = !!stream;
  const lockedMessage = () => message(t('medical.stream.locked'));
  const seg: typeof seg0 = locked
    ? {
        ...seg0,
        applyEdit: () => (lockedMessage(), 0),
        addSegment: () => (lockedMessage(), null),
        updateSegment: lockedMessage,
        appendSegments: lockedMessage,
      }
    : seg0;
  // The final header of a streamed volume: its window (when the first one was provisional) and
  // range replace the provisional ones unless the user has changed them meanwhile.
  const appliedWindow = useRef(header.window);
  useEffect(() => {
    if (header.window === appliedWindow.current) return;
    if (state.window === appliedWindow.current) set({ window: header.window });
    appliedWindow.current = header.window;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [header.window]);
  const appliedRange = useRef(header.range);
  useEffect(() => {
    if (header.range === appliedRange.current) return;
    const [lo, hi] = state.threshold;
    if (lo === Math.round(appliedWindow.current.center) || hi === Math.round(appliedRange.current[1])) set({ threshold: [Math.round(header.window.center), Math.round(header.range[1])] });
    appliedRange.current = header.range;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [header.range]);
  // The saved label map arrives with the end of the stream.
  useEffect(() => {
    if (!saved) return;
    seg0.loadSaved(saved.segments);
    set({ activeLabel: saved.segments[0].number });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [saved]);

  const lut = useMemo(() => segmentLut(seg.segments), [seg.segments]);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const volumes = useMemo(() => segmentVolumesMl(labelmap), [labelmap, seg.revision]);
  const voxelMl = (volume.spacing[0] * volume.spacing[1] * volume.spacing[2]) / 1000;
  const activeIndex = sliceIndexOf(state.activeView, state.cursor);
  // Resliced views (true planes / rotated crosshair). Off at open: the voxel-plane views are exact
  // (no interpolation) and slice-based tools (threshold / interpolate per slice) need them; the
  // oblique warning names the toggle.
  const canReslice = header.viewMode === 'volume' && !locked;
  const loadingPlanes = useMemo(() => (stream ? { axis: stream.axis, planes: stream.loaded[timepoint] } : null), [stream, timepoint]);
  const [reslice, setReslice] = useState(false);
  const [frame, setFrame] = useState<Frame>(PATIENT_FRAME);
  const [centre, setCentre] = useState(() => transformPoint(volume0.affine, state.cursor));
  const moveCentre = (c: typeof centre) => {
    setCentre(c);
    // Keep the voxel crosshair in step, so leaving the mode shows the same place.
    const inv = invertAffine(volume0.affine);
    const v = transformPoint(inv, c).map((x, d) => Math.min(volume0.dims[d] - 1, Math.max(0, Math.round(x)))) as typeof c;
    set({ cursor: v });
  };

  useKeymap(medicalKeys, {
    undo: seg.undo,
    redo: seg.redo,
    slices: (e) => {
      const delta = e.key === 'PageUp' || e.key === 'ArrowUp' ? -1 : 1;
      if (!reslice) return dispatch({ type: 'scrollSlices', delta });
      // Resliced: step the active view's plane along its normal by the finest voxel spacing.
      const n = viewAxes(frame, state.activeView).normal;
      const step = delta * Math.min(...volume0.spacing);
      moveCentre([centre[0] + n[0] * step, centre[1] + n[1] * step, centre[2] + n[2] * step]);
    },
    navigate: () => set({ tool: 'navigate' }),
    pan: () => set({ tool: 'pan' }),
    brush: () => set({ tool: 'brush' }),
    eraser: () => set({ tool: 'eraser' }),
    polygon: () => set({ tool: 'polygon' }),
    measure: () => set({ tool: 'measure' }),
    invert: () => dispatch({ type: 'toggleInvert' }),
    fit: () => dispatch({ type: 'fit' }),
    smallerBrush: () => dispatch({ type: 'brush', larger: false }),
    largerBrush: () => dispatch({ type: 'brush', larger: true }),
    reslice: () => canReslice && setReslice((r) => !r),
    resetOrientation: () => setFrame(PATIENT_FRAME),
  });

  const addSegment = () => {
    const n = seg.addSegment((n) => t('medical.segmentName', { n }));
    if (n !== null) set({ activeLabel: n });
  };
  const fillThreshold = () => {
    const [min, max] = state.threshold;
    seg.applyEdit(() => applyLabelEdit(labelmap, volume, { type: 'threshold', min, max, label: state.activeLabel, plane: { orientation: state.activeView, index: activeIndex } }));
  };
  const interpolate = () => {
    const n = seg.applyEdit(() => interpolateSegment(labelmap, state.activeLabel, state.activeView));
    message(t('medical.interpolated', { count: n }));
  };

  const exportAs = async (kind: 'seg' | 'rtstruct' | 'nifti') => {
    try {
      await seg.flush(); // the host must have the latest voxels and names
      const { deidentify, retainUids } = state;
      const r =
        kind === 'seg'
          ? await rpc.call('medical.exportSeg', { itemId: item.id, deidentify, retainUids: deidentify && retainUids })
          : kind === 'rtstruct'
            ? await rpc.call('medical.exportRtstruct', { itemId: item.id, deidentify, retainUids: deidentify && retainUids })
            : await rpc.call('medical.exportNifti', { itemId: item.id });
      dispatch({ type: 'set', patch: { message: t('medical.exported', { path: r.relPath }), ...(state.importPath ? {} : { importPath: r.relPath }) } });
    } catch (e) {
      reportError(e);
    }
  };

  const importAs = async (kind: 'seg' | 'rtstruct' | 'nifti') => {
    const path = state.importPath.trim();
    if (!path) return;
    try {
      const r =
        kind === 'seg'
          ? await rpc.call('medical.importSeg', { itemId: item.id, path })
          : kind === 'rtstruct'
            ? await rpc.call('medical.importRtstruct', { itemId: item.id, path })
            : await rpc.call('medical.importNifti', { itemId: item.id, path });
      const incoming = r.runs ? decodeLabelRuns(fromBase64(r.runs), labelmap.data.length) : new Uint8Array(0);
      const { map, added } = renumberImported(seg.segments, r.segments);
      seg.applyEdit(() => applyImported(labelmap.data, incoming, map));
      seg.appendSegments(added);
      message([t('medical.imported', { count: added.length }), ...r.warnings].join(' · '));
    } catch (e) {
      reportError(e);
    }
  };

  return (
    <div className="mv-root" data-testid="medical-editor" data-volume-state={locked ? 'loading' : 'complete'}>
      <ToolsPanel state={state} dispatch={dispatch} seg={seg} header={header} volume={volume} onShowTags={item.modality === 'dicom' || item.modality === 'dicom-series' ? () => setTagsOpen(true) : undefined} />
      <div className="mv-center">
        {tagsOpen ? <TagViewer itemId={item.id} onClose={() => setTagsOpen(false)} /> : null}
        {stream ? (
          <div className="mv-stream" role="status" data-testid="volume-progress" data-received={stream.received} data-total={stream.total}>
            <span>{t('medical.stream.progress', { done: Math.max(stream.received, stream.decoded), total: stream.total })}</span>
            <progress max={stream.total} value={Math.max(stream.received, stream.decoded)} />
            <button onClick={onCancelLoad} data-testid="volume-cancel">
              {t('medical.stream.cancel')}
            </button>
            {header.windowProvisional ? <span className="muted small">{t('medical.stream.provisionalWindow')}</span> : null}
          </div>
        ) : null}
        {notice ? (
          <div className="mv-banner" role="alert" data-testid="volume-notice">
            {notice}
          </div>
        ) : null}
        {header.geometryWarnings.length ? (
          <div className="mv-banner" role="alert" data-testid="geometry-warning">
            <strong>{t('medical.geometryTitle')}</strong>
            {header.geometryWarnings.map((w) => (
              <div key={w}>{w}</div>
            ))}
          </div>
        ) : null}
        {header.timepoints > 1 ? (
          <div className="mv-time" data-testid="time-control">
            <span className="mv-badge" data-testid="fourd-label">
              {t('medical.fourD', { count: header.timepoints })}
            </span>
            <input
              type="range"
              min={0}
              max={header.timepoints - 1}
              step={1}
              value={timepoint}
              onChange={(e) => setTimepoint(Number(e.target.value))}
              aria-label={t('medical.timepoint', { n: timepoint + 1, count: header.timepoints })}
              data-testid="time-slider"
            />
            <span className="mono" data-testid="time-label">
              {t('medical.timepoint', { n: timepoint + 1, count: header.timepoints })}
            </span>
          </div>
        ) : null}
        {canReslice ? (
          <div className="mv-time" data-testid="reslice-control">
            <label>
              <input type="checkbox" checked={reslice} onChange={(e) => setReslice(e.target.checked)} data-testid="reslice-toggle" /> {t('medical.resliceTrue')}
            </label>
            {reslice ? (
              <button onClick={() => setFrame(PATIENT_FRAME)} data-testid="reset-orientation" title={t('medical.resetOrientationHint')}>
                {t('medical.resetOrientation')}
              </button>
            ) : null}
            {reslice ? <span className="muted small">{t('medical.rotateHint')}</span> : null}
          </div>
        ) : null}
        <div className={`mv-grid${views.length === 1 ? ' single' : ''}`}>
          {reslice && canReslice ? views.map((o) => (
            <ObliqueView
              key={o}
              view={o}
              volume={volume}
              labelmap={labelmap}
              lut={lut}
              opacity={state.opacity}
              window={state.window}
              invert={state.invert}
              frame={frame}
              centre={centre}
              tool={state.tool}
              activeLabel={state.activeLabel}
              brushMm={state.brushMm}
              revision={seg.revision}
              fitToken={state.fitToken}
              active={state.activeView === o}
              onActivate={() => set({ activeView: o })}
              onCentre={moveCentre}
              onFrame={setFrame}
              onWindow={(window) => set({ window })}
              onGestureStart={seg.gestureStart}
              onEdited={seg.edited}
              onGestureEnd={seg.gestureEnd}
            />
          )) : views.map((o) => (
            <SliceView
              key={o}
              mode={header.viewMode}
              stated={header.letters}
              orientation={o}
              volume={volume}
              labelmap={labelmap}
              lut={lut}
              opacity={state.opacity}
              window={state.window}
              invert={state.invert}
              cursor={state.cursor}
              tool={state.tool}
              activeLabel={state.activeLabel}
              brushMm={state.brushMm}
              revision={seg.revision}
              fitToken={state.fitToken}
              active={state.activeView === o}
              onActivate={() => set({ activeView: o })}
              onCursor={(cursor) => {
                set({ cursor });
                setCentre(transformPoint(volume0.affine, cursor));
              }}
              onWindow={(window) => set({ window })}
              onGestureStart={seg.gestureStart}
              onEdited={seg.edited}
              onGestureEnd={seg.gestureEnd}
              loading={loadingPlanes}
              dataRevision={dataRevision}
              locked={locked}
              onLocked={lockedMessage}
            />
          ))}
        </div>
      </div>
      <SegmentsPanel
        state={state}
        dispatch={dispatch}
        seg={seg}
        header={header}
        volumes={volumes}
        voxelMl={voxelMl}
        activeIndex={activeIndex}
        onAddSegment={addSegment}
        onFillThreshold={fillThreshold}
        onInterpolate={interpolate}
        onExport={(k) => void exportAs(k)}
        onImport={(k) => void importAs(k)}
        extra={<SegmentOpsPanel state={state} dispatch={dispatch} seg={seg} volume={volume} labelmap={labelmap} />}
      />
    </div>
  );
}
