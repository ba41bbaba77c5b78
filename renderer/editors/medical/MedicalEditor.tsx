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
import { useEffect, useMemo, useReducer, useState } from 'react';
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
import './medical.css';

const ORIENTATIONS: Orientation[] = ['axial', 'coronal', 'sagittal'];

interface Loaded {
  header: VolumeHeader;
  volume: Volume;
  /** Every timepoint of a 4D volume, contiguous (`volume.data` is timepoint 0). */
  all: VoxelArray;
  labelmap: Labelmap;
  segments: MedicalSegment[];
}

export function MedicalEditor({ item }: { item: ItemSummary }) {
  const { t } = useTranslation();
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tagsOpen, setTagsOpen] = useState(false);
  const isDicom = item.modality === 'dicom' || item.modality === 'dicom-series';

  useEffect(() => {
    let cancelled = false;
    setLoaded(null);
    setError(null);
    (async () => {
      const header = await rpc.call('medical.open', { itemId: item.id });
      const res = await fetch(`/blob/volume/${item.id}`);
      if (!res.ok) throw new Error(`${res.status} ${await res.text()}`);
      const buf = await res.arrayBuffer();
      const all = header.dtype === 'int16' ? new Int16Array(buf) : header.dtype === 'float32' ? new Float32Array(buf) : new Uint8Array(buf);
      const perVolume = header.dims[0] * header.dims[1] * header.dims[2];
      const volume: Volume = {
        dims: header.dims,
        spacing: header.spacing,
        data: all.subarray(0, perVolume),
        channels: 1,
        affine: header.affine,
        modality: header.modality,
        window: header.window,
        invertDisplay: header.invert,
      };
      const labelmap = createLabelmap(volume);
      const saved = await rpc.call('medical.loadLabelmap', { itemId: item.id });
      if (saved.runs) labelmap.data.set(decodeLabelRuns(fromBase64(saved.runs), labelmap.data.length));
      const segments = saved.segments.length ? saved.segments : [{ number: 1, label: t('medical.segmentName', { n: 1 }), color: SEGMENT_COLORS[0] }];
      if (!cancelled) setLoaded({ header, volume, all, labelmap, segments });
    })().catch((e) => !cancelled && setError(e instanceof Error ? e.message : String(e)));
    return () => {
      cancelled = true;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [item.id]);

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
  if (!loaded)
    return (
      <div className="mv-message muted" data-testid="medical-loading">
        <div className="mv-spinner" />
        {t('medical.loading')}
      </div>
    );
  return <Workspace key={item.id} item={item} {...loaded} />;
}

function Workspace({ item, header, volume: volume0, all, labelmap, segments: initialSegments }: Loaded & { item: ItemSummary }) {
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
  const seg = useSegmentation(item.id, labelmap, initialSegments);
  const set = (patch: Partial<Omit<WorkspaceState, 'counts'>>) => dispatch({ type: 'set', patch });
  const message = (m: string) => dispatch({ type: 'set', patch: { message: m } });

  const lut = useMemo(() => segmentLut(seg.segments), [seg.segments]);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const volumes = useMemo(() => segmentVolumesMl(labelmap), [labelmap, seg.revision]);
  const voxelMl = (volume.spacing[0] * volume.spacing[1] * volume.spacing[2]) / 1000;
  const activeIndex = sliceIndexOf(state.activeView, state.cursor);
  // Resliced views (true planes / rotated crosshair). Off at open: the voxel-plane views are exact
  // (no interpolation) and slice-based tools (threshold / interpolate per slice) need them; the
  // oblique warning names the toggle.
  const canReslice = header.viewMode === 'volume';
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
    <div className="mv-root" data-testid="medical-editor">
      <ToolsPanel state={state} dispatch={dispatch} seg={seg} header={header} volume={volume} onShowTags={item.modality === 'dicom' || item.modality === 'dicom-series' ? () => setTagsOpen(true) : undefined} />
      <div className="mv-center">
        {tagsOpen ? <TagViewer itemId={item.id} onClose={() => setTagsOpen(false)} /> : null}
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
