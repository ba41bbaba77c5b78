/**
 * The medical imaging editor: axial, coronal and sagittal views with a shared crosshair, window
 * level/width and presets, segmentation (brush, eraser, polygon, threshold, interpolation) with
 * undo/redo and autosave, DICOM SEG / NIfTI export and import. The host decodes the volume
 * (`medical.open`) and serves its voxels at /blob/volume/<itemId>.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ItemSummary, MedicalSegment, VolumeHeader } from '../../../preload/contract';
import { rpc } from '../../transport';
import { reportError } from '../../state/actions';
import { createLabelmap, interpolateSegment, segmentVolumesMl, thresholdFill, type Labelmap } from '../../core/medical/segmentation';
import { sliceGeometry, type Orientation } from '../../core/medical/slicing';
import { WINDOW_PRESETS, type WindowPresetName } from '../../core/medical/window';
import type { Vec3, Volume, WindowLevel } from '../../core/medical/types';
import { decodeLabelRuns, encodeLabelRuns } from '../../core/medical/labelmap-rle';
import { LabelHistory } from './labelHistory';
import { SliceView, sliceIndexOf, withSliceIndex, type Tool } from './SliceView';
import './medical.css';
import { SEGMENT_COLORS } from '../../core/medical/segmentation';

const COLORS = SEGMENT_COLORS;
const ORIENTATIONS: Orientation[] = ['axial', 'coronal', 'sagittal'];
const TOOL_KEYS: Record<string, Tool> = { c: 'navigate', h: 'pan', b: 'brush', e: 'eraser', p: 'polygon', m: 'measure' };

function toBase64(u8: Uint8Array): string {
  let s = '';
  for (let i = 0; i < u8.length; i += 0x8000) s += String.fromCharCode(...u8.subarray(i, i + 0x8000));
  return btoa(s);
}
function fromBase64(b64: string): Uint8Array {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}
const hex = (c: [number, number, number]) => '#' + c.map((v) => v.toString(16).padStart(2, '0')).join('');
const fromHex = (h: string): [number, number, number] => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16)) as [number, number, number];

interface Loaded {
  header: VolumeHeader;
  volume: Volume;
  labelmap: Labelmap;
  segments: MedicalSegment[];
}

export function MedicalEditor({ item }: { item: ItemSummary }) {
  const { t } = useTranslation();
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    setLoaded(null);
    setError(null);
    (async () => {
      const header = await rpc.call('medical.open', { itemId: item.id });
      const res = await fetch(`/blob/volume/${item.id}`);
      if (!res.ok) throw new Error(`${res.status} ${await res.text()}`);
      const buf = await res.arrayBuffer();
      const data = header.dtype === 'int16' ? new Int16Array(buf) : header.dtype === 'float32' ? new Float32Array(buf) : new Uint8Array(buf);
      const volume: Volume = {
        dims: header.dims,
        spacing: header.spacing,
        data,
        channels: 1,
        affine: header.affine,
        modality: header.modality,
        window: header.window,
        invertDisplay: header.invert,
      };
      const labelmap = createLabelmap(volume);
      const saved = await rpc.call('medical.loadLabelmap', { itemId: item.id });
      if (saved.runs) labelmap.data.set(decodeLabelRuns(fromBase64(saved.runs), labelmap.data.length));
      const segments = saved.segments.length ? saved.segments : [{ number: 1, label: t('medical.segmentName', { n: 1 }), color: COLORS[0] }];
      if (!cancelled) setLoaded({ header, volume, labelmap, segments });
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

function Workspace({ item, header, volume, labelmap, segments: initialSegments }: Loaded & { item: ItemSummary }) {
  const { t } = useTranslation();
  const dims = volume.dims;
  const [cursor, setCursor] = useState<Vec3>([Math.floor(dims[0] / 2), Math.floor(dims[1] / 2), Math.floor(dims[2] / 2)]);
  const [win, setWin] = useState<WindowLevel>(header.window);
  const [invert, setInvert] = useState(header.invert);
  const [tool, setTool] = useState<Tool>('navigate');
  const [brushMm, setBrushMm] = useState(() => Math.max(1, Math.round(Math.min(dims[0] * volume.spacing[0], dims[1] * volume.spacing[1]) / 40)));
  const [segments, setSegments] = useState<MedicalSegment[]>(initialSegments);
  const [activeLabel, setActiveLabel] = useState(initialSegments[0].number);
  const [opacity, setOpacity] = useState(0.5);
  const [revision, setRevision] = useState(0);
  const [fitToken, setFitToken] = useState(0);
  const [activeView, setActiveView] = useState<Orientation>('axial');
  const [saveState, setSaveState] = useState<'saved' | 'saving' | 'unsaved'>('saved');
  const [message, setMessage] = useState<string | null>(null);
  const [deidentify, setDeidentify] = useState(true);
  // PS3.15 Retain UIDs option: off by default, so UIDs are replaced unless the user asks.
  const [retainUids, setRetainUids] = useState(false);
  const [importPath, setImportPath] = useState('');
  const [thr, setThr] = useState<[number, number]>(() => [Math.round(header.window.center), Math.round(header.range[1])]);
  const history = useRef(new LabelHistory()).current;
  const dirty = useRef(false);
  const saving = useRef<Promise<void> | null>(null);

  const lut = useMemo(() => {
    const l = new Uint8Array(256 * 3);
    for (const s of segments) l.set(s.color, s.number * 3);
    return l;
  }, [segments]);

  const volumes = useMemo(() => segmentVolumesMl(labelmap), [labelmap, revision]);
  const voxelMl = (volume.spacing[0] * volume.spacing[1] * volume.spacing[2]) / 1000;

  const edited = useCallback(() => {
    dirty.current = true;
    setSaveState('unsaved');
    setRevision((r) => r + 1);
  }, []);

  // Autosave through the host, debounced; segments are saved with the voxels.
  const segmentsRef = useRef(segments);
  segmentsRef.current = segments;
  const save = useCallback(async () => {
    if (saving.current) await saving.current;
    if (!dirty.current) return;
    dirty.current = false;
    setSaveState('saving');
    const run = rpc
      .call('medical.saveLabelmap', { itemId: item.id, segments: segmentsRef.current, runs: toBase64(encodeLabelRuns(labelmap.data)) })
      .then(() => setSaveState(dirty.current ? 'unsaved' : 'saved'))
      .catch((e) => {
        dirty.current = true;
        setSaveState('unsaved');
        reportError(e);
      });
    saving.current = run;
    await run;
    saving.current = null;
  }, [item.id, labelmap]);
  useEffect(() => {
    if (saveState !== 'unsaved' || history.inGesture) return;
    const h = setTimeout(() => void save(), 600);
    return () => clearTimeout(h);
  }, [revision, segments, saveState, save, history]);
  useEffect(
    () => () => {
      void save();
    },
    [save],
  );

  const gestureStart = useCallback(() => history.begin(labelmap.data), [history, labelmap]);
  const gestureEnd = useCallback(() => {
    history.end(labelmap.data);
    setRevision((r) => r + 1);
  }, [history, labelmap]);
  const undo = useCallback(() => history.undo(labelmap.data) && edited(), [history, labelmap, edited]);
  const redo = useCallback(() => history.redo(labelmap.data) && edited(), [history, labelmap, edited]);

  const activeIndex = sliceIndexOf(activeView, cursor);
  const scrollSlices = useCallback(
    (delta: number) => {
      const count = sliceGeometry(dims, volume.spacing, activeView).count;
      setCursor((c) => withSliceIndex(activeView, c, Math.min(count - 1, Math.max(0, sliceIndexOf(activeView, c) + delta))));
    },
    [activeView, dims, volume.spacing],
  );

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.target as HTMLElement).closest('input, textarea, select')) return;
      const k = e.key.toLowerCase();
      if ((e.ctrlKey || e.metaKey) && k === 'z') {
        e.preventDefault();
        if (e.shiftKey) redo();
        else undo();
      } else if ((e.ctrlKey || e.metaKey) && k === 'y') {
        e.preventDefault();
        redo();
      } else if (e.ctrlKey || e.metaKey || e.altKey) {
        return;
      } else if (e.key === 'PageUp' || e.key === 'ArrowUp') {
        e.preventDefault();
        scrollSlices(-1);
      } else if (e.key === 'PageDown' || e.key === 'ArrowDown') {
        e.preventDefault();
        scrollSlices(1);
      } else if (TOOL_KEYS[k]) {
        setTool(TOOL_KEYS[k]);
      } else if (k === 'i') {
        setInvert((v) => !v);
      } else if (k === 'f') {
        setFitToken((n) => n + 1);
      } else if (e.key === '[') {
        setBrushMm((b) => Math.max(0.5, +(b / 1.25).toFixed(1)));
      } else if (e.key === ']') {
        setBrushMm((b) => Math.min(100, +(b * 1.25).toFixed(1)));
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [undo, redo, scrollSlices]);

  const addSegment = () => {
    const used = new Set(segments.map((s) => s.number));
    let n = 1;
    while (used.has(n) && n < 255) n++;
    if (used.has(n)) return;
    setSegments((s) => [...s, { number: n, label: t('medical.segmentName', { n }), color: COLORS[(n - 1) % COLORS.length] }]);
    setActiveLabel(n);
    dirty.current = true;
    setSaveState('unsaved');
  };
  const updateSegment = (n: number, patch: Partial<MedicalSegment>) => {
    setSegments((s) => s.map((x) => (x.number === n ? { ...x, ...patch } : x)));
    dirty.current = true;
    setSaveState('unsaved');
  };

  const applyEdit = (fn: () => number): number => {
    history.begin(labelmap.data);
    const n = fn();
    history.end(labelmap.data);
    if (n) edited();
    return n;
  };

  const fillThreshold = () => applyEdit(() => thresholdFill(labelmap, volume, Math.min(...thr), Math.max(...thr), activeLabel, { orientation: activeView, index: activeIndex }));
  const interpolate = () => {
    const n = applyEdit(() => interpolateSegment(labelmap, activeLabel, activeView));
    setMessage(t('medical.interpolated', { count: n }));
  };

  const exportAs = async (kind: 'seg' | 'nifti') => {
    try {
      dirty.current = true; // make sure the host has the latest voxels and names
      await save();
      const r = kind === 'seg' ? await rpc.call('medical.exportSeg', { itemId: item.id, deidentify, retainUids: deidentify && retainUids }) : await rpc.call('medical.exportNifti', { itemId: item.id });
      setMessage(t('medical.exported', { path: r.relPath }));
      if (!importPath) setImportPath(r.relPath);
    } catch (e) {
      reportError(e);
    }
  };

  const importAs = async (kind: 'seg' | 'nifti') => {
    if (!importPath.trim()) return;
    try {
      const r = kind === 'seg' ? await rpc.call('medical.importSeg', { itemId: item.id, path: importPath.trim() }) : await rpc.call('medical.importNifti', { itemId: item.id, path: importPath.trim() });
      const incoming = r.runs ? decodeLabelRuns(fromBase64(r.runs), labelmap.data.length) : new Uint8Array(0);
      // Imported segments get fresh numbers after the existing ones; imported voxels win.
      const map = new Uint8Array(256);
      let next = Math.max(0, ...segments.map((s) => s.number));
      const added: MedicalSegment[] = [];
      const taken = new Set(segments.map((s) => s.color.join()));
      for (const s of r.segments) {
        if (next >= 255) break;
        map[s.number] = ++next;
        // Keep the file's colour unless it is already used, so overlays stay distinguishable.
        const color = taken.has(s.color.join()) ? COLORS[(next - 1) % COLORS.length] : s.color;
        taken.add(color.join());
        added.push({ ...s, number: next, color });
      }
      applyEdit(() => {
        let n = 0;
        for (let i = 0; i < incoming.length; i++) {
          const v = incoming[i];
          if (v && map[v] && labelmap.data[i] !== map[v]) {
            labelmap.data[i] = map[v];
            n++;
          }
        }
        return n;
      });
      setSegments((s) => [...s, ...added]);
      dirty.current = true;
      setSaveState('unsaved');
      setMessage([t('medical.imported', { count: added.length }), ...r.warnings].join(' · '));
    } catch (e) {
      reportError(e);
    }
  };

  const presetFor = (name: WindowPresetName) => () => setWin({ ...WINDOW_PRESETS[name] });
  const tools: Tool[] = ['navigate', 'pan', 'brush', 'eraser', 'polygon', 'measure'];
  const toolKey: Record<Tool, string> = { navigate: 'C', pan: 'H', brush: 'B', eraser: 'E', polygon: 'P', measure: 'M' };

  return (
    <div className="mv-root" data-testid="medical-editor">
      <aside className="mv-side">
        <section>
          <h4>{t('medical.tools.title')}</h4>
          <div className="mv-tools">
            {tools.map((k) => (
              <button key={k} className={tool === k ? 'on' : ''} onClick={() => setTool(k)} data-testid={`tool-${k}`} title={`${t(`medical.tools.${k}`)} (${toolKey[k]})`}>
                {t(`medical.tools.${k}`)}
                <kbd>{toolKey[k]}</kbd>
              </button>
            ))}
          </div>
          <label className="mv-row small">
            {t('medical.brushSize', { mm: brushMm })}
            <input type="range" min={0.5} max={50} step={0.5} value={brushMm} onChange={(e) => setBrushMm(Number(e.target.value))} data-testid="brush-size" />
          </label>
          {tool === 'polygon' ? <p className="muted small">{t('medical.polygonHint')}</p> : null}
          <div className="mv-row">
            <button onClick={undo} disabled={!history.canUndo} data-testid="medical-undo">
              {t('medical.undo')}
            </button>
            <button onClick={redo} disabled={!history.canRedo} data-testid="medical-redo">
              {t('medical.redo')}
            </button>
          </div>
        </section>
        <section>
          <h4>{t('medical.window')}</h4>
          <div className="mv-presets">
            {(Object.keys(WINDOW_PRESETS) as WindowPresetName[]).map((name) => (
              <button key={name} className="small" onClick={presetFor(name)} data-testid={`preset-${name}`}>
                {t(`medical.presets.${name}`)}
              </button>
            ))}
            <button className="small" onClick={() => setWin(header.window)} data-testid="preset-default">
              {t('medical.presets.default')}
            </button>
          </div>
          <div className="mv-row">
            <label className="mv-check small">
              <input type="checkbox" checked={invert} onChange={(e) => setInvert(e.target.checked)} data-testid="invert" />
              {t('medical.invert')}
            </label>
            <button className="small ghost" onClick={() => setFitToken((n) => n + 1)}>
              {t('medical.fit')}
            </button>
          </div>
          <label className="mv-row small">
            {t('medical.opacity')}
            <input type="range" min={0} max={1} step={0.05} value={opacity} onChange={(e) => setOpacity(Number(e.target.value))} />
          </label>
        </section>
        <section className="mv-info small muted">
          <div data-testid="volume-info">
            {t('medical.info', {
              dims: dims.join('×'),
              spacing: volume.spacing.map((s) => +s.toFixed(2)).join('×'),
              modality: header.modality,
            })}
          </div>
          {header.description ? <div>{header.description}</div> : null}
          {header.errors.length ? (
            <div className="mv-warn" title={header.errors.map((e) => `${e.file}: ${e.message}`).join('\n')} data-testid="file-errors">
              {t('medical.fileErrors', { count: header.errors.length })}
            </div>
          ) : null}
          {header.warnings.map((w) => (
            <div key={w} className="mv-warn">
              {w}
            </div>
          ))}
        </section>
      </aside>

      <div className="mv-grid">
        {ORIENTATIONS.map((o) => (
          <SliceView
            key={o}
            orientation={o}
            volume={volume}
            labelmap={labelmap}
            lut={lut}
            opacity={opacity}
            window={win}
            invert={invert}
            cursor={cursor}
            tool={tool}
            activeLabel={activeLabel}
            brushMm={brushMm}
            revision={revision}
            fitToken={fitToken}
            active={activeView === o}
            onActivate={() => setActiveView(o)}
            onCursor={setCursor}
            onWindow={setWin}
            onGestureStart={gestureStart}
            onEdited={edited}
            onGestureEnd={gestureEnd}
          />
        ))}
      </div>

      <aside className="mv-side right">
        <section>
          <div className="mv-head">
            <h4>{t('medical.segments')}</h4>
            <span className={`mv-save ${saveState}`} data-testid="medical-save-state">
              {t(`medical.${saveState}`)}
            </span>
          </div>
          <ul className="mv-segments">
            {segments.map((s) => {
              const ml = volumes.get(s.number) ?? 0;
              return (
                <li
                  key={s.number}
                  className={s.number === activeLabel ? 'on' : ''}
                  onClick={() => setActiveLabel(s.number)}
                  data-testid="segment-row"
                  data-number={s.number}
                  data-voxels={Math.round(ml / voxelMl)}
                >
                  <input type="color" value={hex(s.color)} onChange={(e) => updateSegment(s.number, { color: fromHex(e.target.value) })} aria-label="colour" />
                  <input className="mv-name" value={s.label} onChange={(e) => updateSegment(s.number, { label: e.target.value })} />
                  <span className="mono small" data-testid="segment-ml">
                    {t('medical.volumeMl', { ml: ml.toFixed(ml < 10 ? 2 : 1) })}
                  </span>
                </li>
              );
            })}
          </ul>
          <button className="small" onClick={addSegment} data-testid="add-segment">
            + {t('medical.addSegment')}
          </button>
        </section>
        <section>
          <h4>{t('medical.threshold')}</h4>
          <div className="mv-row">
            <label className="small">
              {t('medical.thresholdMin')}
              <input type="number" value={thr[0]} onChange={(e) => setThr([Number(e.target.value), thr[1]])} data-testid="thr-min" />
            </label>
            <label className="small">
              {t('medical.thresholdMax')}
              <input type="number" value={thr[1]} onChange={(e) => setThr([thr[0], Number(e.target.value)])} data-testid="thr-max" />
            </label>
          </div>
          <button className="small" onClick={fillThreshold} data-testid="threshold-fill">
            {t('medical.fillSlice')} ({t(`medical.views.${activeView}`)} {activeIndex + 1})
          </button>
          <button className="small" onClick={interpolate} data-testid="interpolate">
            {t('medical.interpolate')} ({t(`medical.views.${activeView}`)})
          </button>
        </section>
        <section>
          <h4>{t('medical.export')}</h4>
          <label className="mv-check small">
            <input type="checkbox" checked={deidentify} onChange={(e) => setDeidentify(e.target.checked)} data-testid="deidentify" />
            {t('medical.deidentify')}
          </label>
          {deidentify ? (
            <label className="mv-check small" title={t('medical.retainUidsHint')}>
              <input type="checkbox" checked={retainUids} onChange={(e) => setRetainUids(e.target.checked)} data-testid="retain-uids" />
              {t('medical.retainUids')}
            </label>
          ) : null}
          <div className="mv-row">
            <button className="small" onClick={() => void exportAs('seg')} disabled={!header.canExportSeg} title={header.canExportSeg ? '' : t('medical.segNeedsDicom')} data-testid="export-seg">
              {t('medical.exportSeg')}
            </button>
            <button className="small" onClick={() => void exportAs('nifti')} data-testid="export-nifti">
              {t('medical.exportNifti')}
            </button>
          </div>
          <h4>{t('medical.import')}</h4>
          <input className="mv-path" value={importPath} placeholder={t('medical.importPath')} onChange={(e) => setImportPath(e.target.value)} data-testid="import-path" />
          <div className="mv-row">
            <button className="small" onClick={() => void importAs('seg')} data-testid="import-seg">
              {t('medical.importSeg')}
            </button>
            <button className="small" onClick={() => void importAs('nifti')} data-testid="import-nifti">
              {t('medical.importNifti')}
            </button>
          </div>
          {message ? (
            <p className="small mv-msg" data-testid="medical-message">
              {message}
            </p>
          ) : null}
        </section>
      </aside>
    </div>
  );
}
