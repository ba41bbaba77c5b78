/**
 * The LiDAR 3D annotation editor: cuboids over a point cloud (one frame, or a sequence).
 *
 * - Points live in one BufferGeometry (frameloop="demand"); cuboids are one LineSegments buffer
 *   rewritten only when the document or the selection changes; nothing is allocated per frame.
 * - The document is loaded and saved through DocumentStore (IndexedDB journal + atomic host save);
 *   every gesture (a drag, a key press, a fit) is one History step (Ctrl+Z / Ctrl+Shift+Z).
 * - Tools: select (V), draw a box by dragging on the ground (B), one-click fit (C) with the
 *   active class's size prior; three orthographic sub-views with drag handles; keyboard nudges.
 * - Camera fusion: the item's camera image with every cuboid projected, click to select;
 *   checkExtrinsic's warning is shown.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Canvas, useThree } from '@react-three/fiber';
import { OrbitControls } from '@react-three/drei';
import * as THREE from 'three';
import type { ItemSummary } from '../../../preload/contract';
import type { AnnotationObject, AttributeValue, Cuboid3D, ItemDocument, LabelSpec, Track } from '../../core/document/schema';
import { interpolateCuboidTrack } from '../../core/lidar/interpolate';
import { History } from '../../core/history/history';
import { diffRecords, invertDiff, type RecordDiff, type RecordMap } from '../../core/history/diff';
import { cuboidInCloud, cuboidInFile, pointsInBox } from '../../core/lidar/box';
import { fitBoxAtClick, fitBoxInRegion } from '../../core/lidar/fit';
import { frameIndexFor, groundHeight, type FrameIndex } from '../../core/lidar/frameIndex';
import { CLASS_PRIORS } from '../../core/lidar/sizePrior';
import { checkExtrinsic, type CameraModel } from '../../core/calib/camera';
import { kittiCameraModel, parseKittiCalib, type KittiCalib } from '../../core/calib/kitti';
import { DocumentStore } from '../../persistence/documentStore';
import { editorStoreHooks } from '../../state/conflicts';
import { db } from '../../persistence/db';
import { rpc } from '../../transport';
import { useApp } from '../../state/appStore';
import { reportError } from '../../state/actions';
import { colorize, type ColorMode } from '../../viewports/pointcloud/colorize';
import { loadCloud, loadedCloudBytes, type LoadedCloud } from '../../viewports/pointcloud/loadCloud';
import { CloudCache } from '../../viewports/pointcloud/cloudCache';
import { cloudParseOptions, declaredLayout, isPlainBin } from '../../core/formats/pointcloud/projectLayout';
import { BinLayoutField } from './BinLayoutField';
import { Timeline } from '../../viewports/Timeline';
import { objectsToScene, ZERO_OFFSET, type SceneOffset } from './sceneFrame';
import { applyBoxEdit, footprintContains, hexToRgb, moveLocal, resize, rotate, VERTS_PER_BOX, writeBoxLines } from './boxEdit';
import { SubView } from './SubView';
import { CameraPanel } from './CameraPanel';
import { INTERPOLATED_ATTR, interpolateTrack, TRACK_ATTR } from './tracks';
import { decodeLabels, isPointLabelRecord, lassoPaint, pointLabelRecord, pointLabelsToRecord, POINT_LABELS_PREFIX, recordToPointLabels } from './pointLabels';
import './lidar.css';
import { useSelection, useSharedFrame } from '../../state/selection';
import { Provenance } from '../../panels/Provenance';

/** Parsed frames kept per item: about 16 frames of 1 M points, or 100+ KITTI frames. */
const CLOUD_CACHE_BYTES = 256 * 2 ** 20;

type Tool = 'select' | 'box' | 'fit' | 'lasso';
type Records = RecordMap<AnnotationObject>;

interface PointSequence {
  kind: 'pointcloud';
  fps?: number;
  /** How the frames are stored when they are headerless .bin files (kitti-bin, nuscenes-bin). */
  pointFormat?: string;
  calibration?: string;
  frames: { cloud: string; images?: Record<string, string> }[];
}

interface SceneApi {
  camera: THREE.Camera;
  dom: HTMLCanvasElement;
  controls: { enabled: boolean; minPolarAngle: number; maxPolarAngle: number; target: THREE.Vector3; update(): void } | null;
  invalidate(): void;
}

const raycaster = new THREE.Raycaster();
const ndc = new THREE.Vector2();

function newId(): string {
  return typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID() : `c-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

function priorFor(label: LabelSpec | undefined) {
  if (!label) return undefined;
  const key = `${label.id} ${label.name}`.toLowerCase();
  return CLASS_PRIORS.find((p) => key.includes(p.label));
}

function toRecords(objects: AnnotationObject[]): Records {
  return Object.fromEntries(objects.map((o) => [o.id, o]));
}

/** The editor's records of a document: its objects, and each frame's point labels as one record. */
function documentRecords(document: ItemDocument): Records {
  return { ...toRecords(document.objects), ...Object.fromEntries(document.pointLabels.map((p) => [`${POINT_LABELS_PREFIX}${p.frame}`, pointLabelsToRecord(p)])) };
}

export function LidarEditor({ item }: { item: ItemSummary }) {
  const { t } = useTranslation();
  const project = useApp((s) => s.project)!;
  const labels = project.ontology.labels;
  const isSeq = item.modality === 'pointcloud-sequence';

  // ------------------------------------------------------------- data
  const [seq, setSeq] = useState<PointSequence | null>(null);
  const [frame, setFrame] = useState(0);
  const [playing, setPlaying] = useState(false);
  const [cloud, setCloud] = useState<LoadedCloud | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [records, setRecords] = useState<Records | null>(null);
  /** Imported tracks (document.tracks): shown per frame by interpolation, read-only for now. */
  const [tracks, setTracks] = useState<Track[]>([]);
  const [saveState, setSaveState] = useState<'saved' | 'saving' | 'unsaved'>('saved');
  const meta = useRef<ItemDocument | null>(null);
  const recordsRef = useRef<Records | null>(null);
  recordsRef.current = records;
  const history = useRef(new History<AnnotationObject>());
  const i18nRecovered = useRef(t('recovered'));
  // Someone else's save merged into (or reloaded) this item: show that document.
  const showRemote = useRef<(id: string, doc: ItemDocument) => void>(() => {});
  showRemote.current = (id, document) => {
    if (id !== item.id) return;
    meta.current = document;
    setTracks(document.tracks);
    setRecords(documentRecords(document));
  };
  const store = useMemo(
    () =>
      new DocumentStore(
        rpc,
        project.path,
        db,
        400,
        (e) => {
          setSaveState('unsaved');
          reportError(e);
        },
        editorStoreHooks((id, doc) => showRemote.current(id, doc)),
      ),
    [project.path],
  );
  useEffect(() => () => store.dispose(), [store]);

  useEffect(() => {
    if (!isSeq) return;
    fetch(`/blob/item/${item.id}/sequence.json`)
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error(`sequence.json: HTTP ${r.status}`))))
      .then((m: PointSequence) => {
        if (!Array.isArray(m.frames) || !m.frames.every((f) => typeof f?.cloud === 'string')) throw new Error('sequence.json: every frame needs a "cloud" path');
        setSeq(m);
      })
      .catch((e) => setError(String(e.message ?? e)));
  }, [item.id, isSeq]);

  const frameCount = seq?.frames.length ?? 1;
  // Parsed frames of this item within a memory budget; neighbours are parsed ahead (cloudCache.ts).
  // The project's record layout for headerless .bin clouds (datum.json settings.binLayout); a new
  // layout starts a new cache, so every frame is read again with it.
  const binLayout = useApp((s) => s.project?.settings.binLayout ?? '');
  const pointFormat = seq?.pointFormat;
  const cache = useMemo(() => {
    // Keys are "url\nfile name": the name (its extension) tells the parser the format.
    const c = new CloudCache<LoadedCloud>(
      async (key) => {
        const [url, name] = key.split('\n');
        return loadCloud(url, name, undefined, cloudParseOptions({ binLayout }, pointFormat, name));
      },
      loadedCloudBytes,
      CLOUD_CACHE_BYTES,
    );
    (window as unknown as { __datumCloudCache?: unknown }).__datumCloudCache = c;
    return c;
  }, [item.id, binLayout, pointFormat]);
  const frameKey = useCallback(
    (f: number) => (seq && f >= 0 && f < seq.frames.length ? `/blob/item/${item.id}/${seq.frames[f].cloud}\n${seq.frames[f].cloud.split('/').pop()}` : null),
    [seq, item.id],
  );
  const cloudKey = isSeq ? frameKey(frame) : `/blob/item/${item.id}\n${item.name.split('/').pop()}`;
  const cloudName = cloudKey?.split('\n')[1] ?? '';
  useEffect(() => {
    if (!cloudKey) return;
    let live = true;
    cache.get(cloudKey).then(
      (c) => {
        if (!live) return;
        setCloud(c);
        // Scanned objects and RGB-D clouds read best in their own colours (if the file has any:
        // some LAS files carry an all-zero colour field).
        if (c.rgb && hasColour(c.rgb)) setMode('rgb');
        setError(null);
        // The frames the annotator is likely to open next: forward first (playback, D), then back.
        if (isSeq) cache.prefetch([frameKey(frame + 1), frameKey(frame - 1), frameKey(frame + 2)].filter((k): k is string => !!k));
      },
      (e) => live && setError(String(e.message ?? e)),
    );
    return () => {
      live = false;
    };
  }, [cloudKey, cache, frameKey, frame, isSeq]);

  useEffect(() => {
    let live = true;
    history.current.clear();
    store.load(item.id).then(({ document, recovered }) => {
      if (!live) return;
      if (recovered) useApp.getState().set({ notice: i18nRecovered.current });
      meta.current = document;
      setTracks(document.tracks);
      setRecords(documentRecords(document));
    }, reportError);
    return () => {
      live = false;
    };
  }, [item.id, store]);

  const index = useMemo<FrameIndex | null>(() => (cloud ? frameIndexFor(cloud.positions, cloud.count) : null), [cloud]);

  // ------------------------------------------------------------- camera
  const [kittiCalib, setKittiCalib] = useState<KittiCalib | null>(null);
  const [seqCamera, setSeqCamera] = useState<CameraModel | null>(null);
  const [imageSize, setImageSize] = useState<[number, number] | null>(null);
  useEffect(() => {
    const calib = item.companions?.calib;
    if (!calib) return;
    fetch(`/blob/source/${item.source}/${calib}`)
      .then((r) => (r.ok ? r.text() : Promise.reject(new Error(`${calib}: HTTP ${r.status}`))))
      .then((text) => setKittiCalib(parseKittiCalib(text, calib)))
      .catch(reportError);
  }, [item]);
  useEffect(() => {
    if (!seq?.calibration) return;
    fetch(`/blob/item/${item.id}/${seq.calibration}`)
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error(`${seq.calibration}: HTTP ${r.status}`))))
      .then((c: { cameras?: Record<string, { width: number; height: number; intrinsic: number[]; lidarToCamera: number[] }> }) => {
        const [name, cam] = Object.entries(c.cameras ?? {})[0] ?? [];
        if (cam) setSeqCamera({ name, width: cam.width, height: cam.height, K: cam.intrinsic.flat(), lidarToCamera: cam.lidarToCamera.flat() });
      })
      .catch(reportError);
  }, [seq, item.id]);
  const imageSrc = item.companions?.image
    ? `/blob/source/${item.source}/${item.companions.image}`
    : seq
      ? (() => {
          const img = Object.values(seq.frames[frame].images ?? {})[0];
          return img ? `/blob/item/${item.id}/${img}` : null;
        })()
      : null;
  const camera = useMemo<CameraModel | null>(() => {
    if (kittiCalib) return imageSize ? kittiCameraModel(kittiCalib, 2, imageSize[0], imageSize[1]) : null;
    return seqCamera;
  }, [kittiCalib, imageSize, seqCamera]);
  const extrinsicWarnings = useMemo(() => (camera && cloud ? checkExtrinsic(cloud.positions, cloud.count, camera).warnings : []), [camera, cloud]);

  // ------------------------------------------------------------- editing state
  const [tool, setTool] = useState<Tool>('fit');
  const [bev, setBev] = useState(false);
  const [selected, setSelected] = useState<string | null>(null);
  // Share the frame and the selected box with the panels around the editor (issues, QA findings).
  useSharedFrame(item.id, frame, setFrame, isSeq && seq ? seq.frames.length : 0); // 0 until the sequence is known
  useEffect(() => useSelection.setState({ itemId: item.id, objectIds: selected ? [selected] : [] }), [item.id, selected]);
  const [activeLabel, setActiveLabel] = useState<string>(labels[0]?.id ?? 'object');
  const [mode, setMode] = useState<ColorMode>('height');
  const [pointSize, setPointSize] = useState(2);
  const [showRings, setShowRings] = useState(true);
  const [notice, setNotice] = useState<string | null>(null);
  const [bigCamera, setBigCamera] = useState(false);
  const gestureStart = useRef<Records | null>(null);
  const sceneApi = useRef<SceneApi | null>(null);

  // Cuboids are stored in file coordinates; the scene is recentred by the cloud's offset (sceneFrame.ts).
  const offset: SceneOffset = cloud?.offset ?? ZERO_OFFSET;
  const offsetRef = useRef(offset);
  offsetRef.current = offset;

  const labelById = useMemo(() => new Map(labels.map((l) => [l.id, l])), [labels]);
  const colorOf = useCallback((id: string) => labelById.get(id)?.color ?? '#e6edf3', [labelById]);

  const frameObjects = useMemo(
    () => (records ? Object.values(records).filter((o) => o.frame === frame && o.geometry.kind === 'cuboid3d' && !o.hidden) : []),
    [records, frame],
  );
  const pointLabelRec = records?.[`${POINT_LABELS_PREFIX}${frame}`];
  const pointLabels = useMemo(
    () => (pointLabelRec && cloud && Number(pointLabelRec.attributes.count) === cloud.count ? decodeLabels(String(pointLabelRec.attributes.data), cloud.count) : null),
    [pointLabelRec, cloud],
  );
  const labelColors = useMemo(() => labels.map((l) => hexToRgb(l.color)), [labels]);
  const trackObjects = useMemo<AnnotationObject[]>(() => {
    const out: AnnotationObject[] = [];
    for (const tr of tracks) {
      const r = interpolateCuboidTrack(tr.keyframes, frame);
      if (r) out.push({ id: `track:${tr.id}`, label: tr.label, frame, zOrder: 0, source: tr.source, attributes: { ...tr.attributes, track_id: tr.id }, geometry: r.geometry });
    }
    return out;
  }, [tracks, frame]);
  const shownObjects = useMemo(() => (trackObjects.length ? [...frameObjects, ...trackObjects] : frameObjects), [frameObjects, trackObjects]);
  const sceneFrameObjects = useMemo(() => objectsToScene(frameObjects, offset), [frameObjects, offset]);
  const sceneShownObjects = useMemo(() => objectsToScene(shownObjects, offset), [shownObjects, offset]);
  const selectedObj = selected && records?.[selected]?.geometry.kind === 'cuboid3d' ? records[selected] : null;
  /** The selected cuboid in scene coordinates (sub-views, points inside); file coordinates are in selectedObj. */
  const selectedBox = useMemo(() => (selectedObj ? cuboidInCloud(selectedObj.geometry as Cuboid3D, offset) : null), [selectedObj, offset]);

  const persist = useCallback(
    (next: Records, label: string, diff: RecordDiff<AnnotationObject>) => {
      if (!meta.current) return;
      const all = Object.values(next);
      const document: ItemDocument = {
        ...meta.current,
        objects: all.filter((o) => !isPointLabelRecord(o)),
        pointLabels: all.filter(isPointLabelRecord).map(recordToPointLabels),
        status: meta.current.status === 'new' ? 'in_progress' : meta.current.status };
      meta.current = document;
      setSaveState('saving');
      store
        .commit(item.id, document, label, diff)
        .then(async () => {
          // The host save is debounced; report "saved" once the journal is empty again.
          for (let i = 0; i < 40; i++) {
            await new Promise((r) => setTimeout(r, 250));
            if ((await store.pendingEdits(item.id)) === 0) {
              if (meta.current === document) setSaveState('saved');
              return;
            }
          }
        })
        .catch((e) => {
          setSaveState('unsaved');
          reportError(e);
        });
    },
    [item.id, store],
  );

  /** One undoable step from `before` to `next`. */
  const commit = useCallback(
    (before: Records, next: Records, label: string, sel: string | null) => {
      const diff = diffRecords(before, next);
      setRecords(next);
      if (!Object.keys(diff.added).length && !Object.keys(diff.updated).length && !Object.keys(diff.removed).length) return;
      history.current.push({ diff, label, selection: sel ? [sel] : [], frame });
      persist(next, label, diff);
    },
    [persist, frame],
  );

  const updateObject = useCallback(
    (id: string, patch: (o: AnnotationObject) => AnnotationObject, label: string) => {
      const cur = recordsRef.current;
      if (!cur?.[id]) return;
      const changed = patch(cur[id]);
      const attributes = { ...changed.attributes };
      delete attributes[INTERPOLATED_ATTR]; // an edited in-between object becomes a keyframe
      commit(cur, { ...cur, [id]: { ...changed, attributes, updatedAt: Date.now() } }, label, id);
    },
    [commit],
  );
  const updateBox = useCallback(
    (id: string, f: (b: Cuboid3D) => Cuboid3D, label: string) => updateObject(id, (o) => applyBoxEdit(o, f), label),
    [updateObject],
  );

  // Live gestures: records change on every move, one history step at the end.
  const beginLive = useCallback(() => {
    gestureStart.current = recordsRef.current;
  }, []);
  /** `box` is in scene coordinates (from the pointer, a fit or a sub-view); it is stored in file coordinates. */
  const live = useCallback((id: string, sceneBox: Cuboid3D | null, create?: AnnotationObject) => {
    const box = sceneBox && cuboidInFile(sceneBox, offsetRef.current);
    setRecords((cur) => {
      if (!cur) return cur;
      if (box === null) {
        const next = { ...cur };
        delete next[id];
        return next;
      }
      // editing an existing prediction keeps its provenance (model-edited)
      if (cur[id]) return { ...cur, [id]: applyBoxEdit(cur[id], () => box) };
      return create ? { ...cur, [id]: { ...create, geometry: box } } : cur;
    });
  }, []);
  const endLive = useCallback(
    (label: string, sel: string | null) => {
      const before = gestureStart.current;
      gestureStart.current = null;
      const after = recordsRef.current;
      if (before && after) commit(before, after, label, sel);
    },
    [commit],
  );

  const undoRedo = useCallback(
    (redo: boolean) => {
      const cur = recordsRef.current;
      if (!cur) return;
      const r = redo ? history.current.redo(cur) : history.current.undo(cur);
      if (!r) return;
      setRecords(r.records);
      const sel = r.entry.selection?.[0];
      setSelected(sel && r.records[sel] ? sel : null);
      persist(r.records, redo ? `redo ${r.entry.label}` : `undo ${r.entry.label}`, redo ? r.entry.diff : invertDiff(r.entry.diff));
    },
    [persist],
  );

  // ------------------------------------------------------------- points inside / near the selection
  const scratch = useMemo(() => (cloud ? { inside: new Uint32Array(cloud.count), near: new Uint32Array(cloud.count) } : null), [cloud]);
  const { insideCount, nearCount } = useMemo(() => {
    if (!cloud || !scratch || !selectedBox) return { insideCount: 0, nearCount: 0 };
    const insideCount = pointsInBox(cloud.positions, cloud.count, selectedBox, scratch.inside);
    const grown: Cuboid3D = { ...selectedBox, size: [selectedBox.size[0] * 1.5 + 1.5, selectedBox.size[1] * 1.5 + 1.5, selectedBox.size[2] + 1.2] };
    const nearCount = pointsInBox(cloud.positions, cloud.count, grown, scratch.near);
    return { insideCount, nearCount };
  }, [cloud, scratch, selectedBox]);

  // ------------------------------------------------------------- 3D pointer tools
  const rayToGround = useCallback(
    (clientX: number, clientY: number, zHint?: number): [number, number, number] | null => {
      const api = sceneApi.current;
      if (!api) return null;
      const r = api.dom.getBoundingClientRect();
      ndc.set(((clientX - r.left) / r.width) * 2 - 1, -((clientY - r.top) / r.height) * 2 + 1);
      raycaster.setFromCamera(ndc, api.camera);
      const { origin: o, direction: d } = raycaster.ray;
      if (Math.abs(d.z) < 1e-6) return null;
      let z = zHint ?? (index ? groundHeight(index, 0, 0) : -1.7);
      let x = 0, y = 0;
      for (let it = 0; it < (zHint === undefined && index ? 3 : 1); it++) {
        const tt = (z - o.z) / d.z;
        if (tt <= 0) return null;
        x = o.x + d.x * tt;
        y = o.y + d.y * tt;
        if (zHint === undefined && index) z = groundHeight(index, x, y);
      }
      return [x, y, z];
    },
    [index],
  );

  const pickBox = useCallback(
    (clientX: number, clientY: number): string | null => {
      let best: string | null = null;
      let bestD = Infinity;
      for (const o of sceneFrameObjects) {
        const b = o.geometry as Cuboid3D;
        const p = rayToGround(clientX, clientY, b.center[2]);
        if (!p || !footprintContains(b, p[0], p[1], 0.3)) continue;
        const d = Math.hypot(p[0] - b.center[0], p[1] - b.center[1]);
        if (d < bestD) {
          bestD = d;
          best = o.id;
        }
      }
      return best;
    },
    [sceneFrameObjects, rayToGround],
  );

  const fitAt = useCallback(
    (clientX: number, clientY: number) => {
      if (!cloud || !index) return;
      const p = rayToGround(clientX, clientY);
      if (!p) return;
      const prior = priorFor(labelById.get(activeLabel));
      const fit = fitBoxAtClick(cloud.positions, cloud.count, [p[0], p[1]], { index, minSize: prior ? [prior.size[0], prior.size[1]] : undefined });
      if (!fit) {
        setNotice(t('lidar.noFit'));
        return;
      }
      setNotice(null);
      const cur = recordsRef.current ?? {};
      const obj: AnnotationObject = { id: newId(), label: activeLabel, geometry: cuboidInFile(fit.box, offset), frame, attributes: {}, source: { kind: 'human' }, zOrder: 0, updatedAt: Date.now() };
      commit(cur, { ...cur, [obj.id]: obj }, 'fit cuboid', obj.id);
      setSelected(obj.id);
    },
    [cloud, index, rayToGround, labelById, activeLabel, frame, commit, t, offset],
  );

  const down = useRef<{ x: number; y: number; drawId?: string; start?: [number, number, number]; lasso?: number[]; erase?: boolean } | null>(null);
  const [lassoPath, setLassoPath] = useState<number[] | null>(null);
  const applyLasso = (poly: number[], erase: boolean) => {
    const api = sceneApi.current;
    if (!api || !cloud || poly.length < 6) return;
    const cam = api.camera as THREE.PerspectiveCamera;
    cam.updateMatrixWorld();
    const m = new THREE.Matrix4().multiplyMatrices(cam.projectionMatrix, cam.matrixWorldInverse).elements;
    const r = api.dom.getBoundingClientRect();
    const next = pointLabels ? pointLabels.slice() : new Uint16Array(cloud.count);
    const value = erase ? 0 : Math.max(0, labels.findIndex((l) => l.id === activeLabel)) + 1;
    const n = lassoPaint(cloud.positions, cloud.count, m, r.width, r.height, poly, next, value);
    if (!n) return;
    const cur = recordsRef.current ?? {};
    const rec = pointLabelRecord(frame, next);
    commit(cur, { ...cur, [rec.id]: rec }, erase ? 'erase point labels' : 'label points', null);
  };
  const onPointerDown = (e: React.PointerEvent) => {
    if (e.button !== 0) return;
    down.current = { x: e.clientX, y: e.clientY };
    if (tool === 'lasso') {
      const r = sceneApi.current?.dom.getBoundingClientRect();
      if (!r) return;
      (e.target as HTMLElement).setPointerCapture?.(e.pointerId);
      down.current.lasso = [e.clientX - r.left, e.clientY - r.top];
      down.current.erase = e.shiftKey;
      setLassoPath(down.current.lasso);
      return;
    }
    if (tool === 'box') {
      const p = rayToGround(e.clientX, e.clientY);
      if (!p) return;
      (e.target as HTMLElement).setPointerCapture?.(e.pointerId);
      down.current.start = p;
      down.current.drawId = newId();
      beginLive();
    }
  };
  const onPointerMove = (e: React.PointerEvent) => {
    const d = down.current;
    if (d?.lasso) {
      const r = sceneApi.current!.dom.getBoundingClientRect();
      d.lasso = [...d.lasso, e.clientX - r.left, e.clientY - r.top];
      setLassoPath(d.lasso);
      return;
    }
    if (!d?.drawId || !d.start) return;
    const p = rayToGround(e.clientX, e.clientY, d.start[2]);
    if (!p) return;
    const prior = priorFor(labelById.get(activeLabel));
    const h = prior?.size[2] ?? 1.6;
    const box: Cuboid3D = {
      kind: 'cuboid3d',
      center: [(d.start[0] + p[0]) / 2, (d.start[1] + p[1]) / 2, d.start[2] + h / 2],
      size: [Math.max(0.1, Math.abs(p[0] - d.start[0])), Math.max(0.1, Math.abs(p[1] - d.start[1])), h],
      yaw: 0,
    };
    live(d.drawId, box, { id: d.drawId, label: activeLabel, geometry: box, frame, attributes: {}, source: { kind: 'human' }, zOrder: 0 });
  };
  const onPointerUp = (e: React.PointerEvent) => {
    const d = down.current;
    down.current = null;
    if (!d) return;
    const moved = Math.hypot(e.clientX - d.x, e.clientY - d.y) > 4;
    if (d.lasso) {
      setLassoPath(null);
      applyLasso(d.lasso, !!d.erase);
      return;
    }
    if (d.drawId) {
      const made = recordsRef.current?.[d.drawId];
      const g = made && cuboidInCloud(made.geometry as Cuboid3D, offset);
      if (!g || g.size[0] < 0.3 || g.size[1] < 0.3) {
        live(d.drawId, null);
        gestureStart.current = null;
        return;
      }
      // The drawn rectangle picks the object; its points give the heading, extents and height
      // (as a one-click fit would). Alt keeps the box exactly as drawn, as does an empty region.
      const fit = !e.altKey && cloud && index
        ? fitBoxInRegion(cloud.positions, cloud.count, { x0: g.center[0] - g.size[0] / 2, y0: g.center[1] - g.size[1] / 2, x1: g.center[0] + g.size[0] / 2, y1: g.center[1] + g.size[1] / 2 }, {
            index,
            minSize: (() => {
              const prior = priorFor(labelById.get(activeLabel));
              return prior ? [prior.size[0], prior.size[1]] as [number, number] : undefined;
            })(),
          })
        : null;
      if (fit && made && gestureStart.current && recordsRef.current) {
        const before = gestureStart.current;
        gestureStart.current = null;
        commit(before, { ...recordsRef.current, [d.drawId]: { ...made, geometry: cuboidInFile(fit.box, offset) } }, 'draw cuboid', d.drawId);
      } else endLive('draw cuboid', d.drawId);
      setSelected(d.drawId);
      return;
    }
    if (moved) return;
    if (tool === 'fit') {
      const hit = pickBox(e.clientX, e.clientY);
      if (hit) setSelected(hit);
      else fitAt(e.clientX, e.clientY);
    } else setSelected(pickBox(e.clientX, e.clientY));
  };

  /** F: orbit around the selected cuboid (or back to the sensor). */
  const focusOn = useCallback((box?: Cuboid3D) => {
    const api = sceneApi.current;
    if (!api?.controls) return;
    const [x, y, z] = box?.center ?? [0, 0, 0];
    const cam = api.camera as THREE.PerspectiveCamera;
    const off = box ? [-Math.cos(box.yaw) * 9, -Math.sin(box.yaw) * 9, 7] : [-18, 0, 14];
    api.controls.target.set(x, y, z);
    cam.position.set(x + off[0], y + off[1], z + off[2]);
    api.controls.update();
    api.invalidate();
  }, []);

  // ------------------------------------------------------------- keyboard
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.target as HTMLElement).closest('input, textarea, select') || useApp.getState().shortcutsOpen) return;
      const k = e.key.toLowerCase();
      if (e.ctrlKey || e.metaKey) {
        if (k === 'z' || k === 'y') {
          e.preventDefault();
          undoRedo(k === 'y' || e.shiftKey);
        }
        return;
      }
      if (e.altKey) return;
      if (/^[1-9]$/.test(e.key)) {
        const l = labels.find((x) => x.hotkey === e.key) ?? (labels.some((x) => x.hotkey) ? undefined : labels[Number(e.key) - 1]);
        if (l) {
          setActiveLabel(l.id);
          if (selected) updateObject(selected, (o) => ({ ...o, label: l.id }), 'set class');
        }
        return;
      }
      if (k === 'v') return setTool('select');
      if (k === 'b') return setTool('box');
      if (k === 'c') return setTool('fit');
      if (k === 'p') return setTool('lasso');
      if (k === 't') return setBev((b) => !b);
      if (k === 'f') {
        const g = selected ? (recordsRef.current?.[selected]?.geometry as Cuboid3D | undefined) : undefined;
        return focusOn(g && cuboidInCloud(g, offsetRef.current));
      }
      if (isSeq && (k === 'a' || k === 'd')) {
        setFrame((f) => Math.max(0, Math.min(frameCount - 1, f + (k === 'd' ? 1 : -1))));
        return;
      }
      if (e.key === 'Escape' && selected) {
        e.stopImmediatePropagation();
        setSelected(null);
        return;
      }
      if (!selected) return;
      const fine = e.shiftKey;
      const step = fine ? 0.02 : 0.1;
      const ang = ((fine ? 0.5 : 2) * Math.PI) / 180;
      const ops: Record<string, [(b: Cuboid3D) => Cuboid3D, string]> = {
        arrowup: [(b) => moveLocal(b, step, 0, 0), 'move'],
        arrowdown: [(b) => moveLocal(b, -step, 0, 0), 'move'],
        arrowleft: [(b) => moveLocal(b, 0, step, 0), 'move'],
        arrowright: [(b) => moveLocal(b, 0, -step, 0), 'move'],
        pageup: [(b) => moveLocal(b, 0, 0, step), 'move'],
        pagedown: [(b) => moveLocal(b, 0, 0, -step), 'move'],
        q: [(b) => rotate(b, ang), 'rotate'],
        e: [(b) => rotate(b, -ang), 'rotate'],
        i: [(b) => resize(b, 0, step), 'resize'],
        k: [(b) => resize(b, 0, -step), 'resize'],
        j: [(b) => resize(b, 1, -step), 'resize'],
        l: [(b) => resize(b, 1, step), 'resize'],
        u: [(b) => resize(b, 2, step), 'resize'],
        o: [(b) => resize(b, 2, -step), 'resize'],
      };
      if (k === 'delete' || k === 'backspace') {
        e.preventDefault();
        const cur = recordsRef.current!;
        const next = { ...cur };
        delete next[selected];
        commit(cur, next, 'delete cuboid', selected);
        setSelected(null);
        return;
      }
      const op = ops[k];
      if (!op) return;
      e.preventDefault();
      e.stopImmediatePropagation();
      updateBox(selected, op[0], op[1]);
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [labels, selected, undoRedo, updateObject, updateBox, commit, isSeq, frameCount, focusOn]);

  // A selection on another frame is dropped when the frame changes.
  useEffect(() => {
    setSelected((sel) => (sel && recordsRef.current?.[sel]?.frame === frame ? sel : null));
  }, [frame]);

  useEffect(() => {
    if (!playing) return;
    const id = setInterval(() => setFrame((f) => (f + 1) % frameCount), 1000 / (seq?.fps ?? 10));
    return () => clearInterval(id);
  }, [playing, frameCount, seq]);

  // Top view: lock the orbit to straight down.
  useEffect(() => {
    const c = sceneApi.current?.controls;
    if (!c) return;
    c.minPolarAngle = 0;
    c.maxPolarAngle = bev ? 0 : Math.PI / 2 - 0.02;
    c.update();
    sceneApi.current?.invalidate();
  }, [bev, cloud]);
  useEffect(() => {
    const c = sceneApi.current?.controls;
    if (c) c.enabled = tool !== 'box' && tool !== 'lasso';
  }, [tool, cloud]);

  const copyToNextFrame = () => {
    const cur = recordsRef.current;
    if (!cur || frame + 1 >= frameCount) return;
    const next = { ...cur };
    const onNext = new Set(Object.values(cur).filter((o) => o.frame === frame + 1).map((o) => String(o.attributes.track_id ?? '')));
    for (const o of frameObjects) {
      if (o.attributes.track_id && onNext.has(String(o.attributes.track_id))) continue;
      const trackId = o.attributes.track_id ?? o.id.slice(0, 8);
      if (!o.attributes.track_id) next[o.id] = { ...o, attributes: { ...o.attributes, track_id: trackId } };
      const id = newId();
      next[id] = { ...o, id, frame: frame + 1, attributes: { ...o.attributes, track_id: trackId } };
    }
    commit(cur, next, 'copy to next frame', null);
    setFrame(frame + 1);
  };

  const interpolateSelected = () => {
    const cur = recordsRef.current;
    const trackId = selectedObj ? String(selectedObj.attributes[TRACK_ATTR] ?? '') : '';
    if (!cur || !trackId) return;
    const r = interpolateTrack(cur, trackId, newId);
    commit(cur, r.records, 'interpolate track', selected);
  };

  if (error) return <p className="error-text center">{error}</p>;
  const selLabel = selectedObj ? labelById.get(selectedObj.label) : undefined;
  const hint = t(`lidar.hint${tool[0].toUpperCase()}${tool.slice(1)}`);

  return (
    <div className="lidar-editor" data-testid="lidar-editor">
      <div className="lidar-toolbar">
        <div className="lidar-seg">
          {(['select', 'box', 'fit', 'lasso'] as Tool[]).map((tl) => (
            <button key={tl} className={tool === tl ? 'active' : ''} onClick={() => setTool(tl)} data-testid={`tool-${tl}`}>
              {t(`lidar.${tl}`)} <kbd>{{ select: 'V', box: 'B', fit: 'C', lasso: 'P' }[tl]}</kbd>
            </button>
          ))}
        </div>
        <div className="lidar-seg">
          <button className={!bev ? 'active' : ''} onClick={() => setBev(false)}>{t('lidar.view3d')}</button>
          <button className={bev ? 'active' : ''} onClick={() => setBev(true)} data-testid="view-bev">{t('lidar.viewBev')}</button>
        </div>
        <div className="lidar-labels">
          {labels.map((l, i) => (
            <button
              key={l.id}
              className={`lidar-chip ${activeLabel === l.id ? 'active' : ''}`}
              style={{ ['--chip' as string]: l.color }}
              onClick={() => {
                setActiveLabel(l.id);
                if (selected) updateObject(selected, (o) => ({ ...o, label: l.id }), 'set class');
              }}
              data-testid={`label-chip-${l.id}`}
            >
              <span className="dot" />
              {l.name}
              {(l.hotkey ?? (i < 9 ? String(i + 1) : '')) && <kbd>{l.hotkey ?? i + 1}</kbd>}
            </button>
          ))}
        </div>
        <span className="spacer" />
        <span className={`lidar-save ${saveState}`} data-testid="lidar-save-state">{t(`lidar.${saveState}`)}</span>
      </div>

      <div className="lidar-body">
        <div className="lidar-main" onPointerDown={onPointerDown} onPointerMove={onPointerMove} onPointerUp={onPointerUp}>
          <div className="pc-canvas" data-testid="pointcloud-viewer">
            <Canvas
              frameloop="demand"
              camera={{ position: [-18, 0, 14], up: [0, 0, 1], fov: 55, near: 0.1, far: 2000 }}
              gl={{ antialias: false, preserveDrawingBuffer: true }}
              style={{ cursor: tool === 'select' ? 'default' : 'crosshair' }}
            >
              <color attach="background" args={['#0b0f14']} />
              <Bridge api={sceneApi} offset={offset} />
              {showRings ? <RangeRings /> : null}
              {cloud ? <Points cloud={cloud} mode={mode} size={pointSize} pointLabels={pointLabels} labelColors={labelColors} inside={scratch?.inside ?? null} insideCount={insideCount} highlight="#ffe14d" /> : null}
              <Boxes objects={sceneShownObjects} selected={selected} colorOf={colorOf} />
              <OrbitControls makeDefault enableDamping={false} />
              {cloud ? <FitSmallCloud cloud={cloud} /> : null}
            </Canvas>
          </div>
          <div className="viewer-hud">
            <span
              className="muted small"
              data-testid="point-count"
              data-simd={cloud?.decode ? String(cloud.decode.simd) : undefined}
              title={cloud?.decode ? t('viewer.parsed', { ms: Math.round(cloud.decode.ms), kernel: t(cloud.decode.simd ? 'viewer.kernelSimd' : 'viewer.kernelJs') }) : undefined}
            >
              {cloud ? t('viewer.points', { count: cloud.count }) : t('viewer.loading')}
            </span>
            <label className="small">
              {t('viewer.colorBy')}{' '}
              <select value={mode} onChange={(e) => setMode(e.target.value as ColorMode)}>
                <option value="height">{t('viewer.height')}</option>
                {cloud?.intensity ? <option value="intensity">{t('viewer.intensity')}</option> : null}
                {cloud?.rgb ? <option value="rgb">RGB</option> : null}
                <option value="distance">{t('viewer.distance')}</option>
              </select>
            </label>
            <label className="small" title={t('viewer.pointSize')}>
              {t('viewer.pointSize')}{' '}
              <input type="range" min={1} max={6} step={0.5} value={pointSize} onChange={(e) => setPointSize(Number(e.target.value))} data-testid="point-size" />
            </label>
            <label className="small">
              <input type="checkbox" checked={showRings} onChange={(e) => setShowRings(e.target.checked)} data-testid="range-rings" /> {t('viewer.rings')}
            </label>
            {isPlainBin(cloudName) && !declaredLayout(pointFormat) ? <BinLayoutField saved={binLayout} onError={setNotice} /> : null}
            <span className="muted small lidar-hint">{hint}</span>
          </div>
          {lassoPath ? (
            <svg className="lidar-lasso">
              <polygon points={lassoPath.join(' ')} />
            </svg>
          ) : null}
          {notice ? <div className="lidar-notice" data-testid="lidar-notice">{notice}</div> : null}
          {cloud?.warnings.length ? (
            <div className="lidar-warning" data-testid="cloud-warning">⚠ {cloud.warnings.join(' ')}</div>
          ) : null}
          {extrinsicWarnings.length ? (
            <div className="lidar-warning" data-testid="extrinsic-warning">⚠ {extrinsicWarnings.join(' ')}</div>
          ) : null}
        </div>

        <aside className="lidar-side">
          {imageSrc ? (
            <section className={`lidar-card ${bigCamera ? 'lidar-camera-big' : ''}`}>
              <h4>
                {t('lidar.camera')}
                <button className="small ghost" onClick={() => setBigCamera((b) => !b)} title={t('lidar.enlarge')} data-testid="camera-enlarge">
                  {bigCamera ? '⤡' : '⤢'}
                </button>
              </h4>
              <CameraPanel
                src={imageSrc}
                camera={camera}
                boxes={shownObjects.map((o) => ({ id: o.id, box: o.geometry as Cuboid3D, color: colorOf(o.label) }))}
                selectedId={selected}
                onSelect={(id) => setSelected(id && recordsRef.current?.[id] ? id : null)}
                onImageSize={(w, h) => setImageSize((s) => (s && s[0] === w && s[1] === h ? s : [w, h]))}
              />
            </section>
          ) : null}
          <section className="lidar-card">
            <div className="lidar-subviews">
              {(['top', 'side', 'front'] as const).map((kind) => (
                <SubView
                  key={kind}
                  kind={kind}
                  title={t(`lidar.${kind}`)}
                  box={selectedBox}
                  color={selLabel?.color ?? '#e6edf3'}
                  positions={cloud?.positions ?? null}
                  near={scratch?.near ?? null}
                  nearCount={nearCount}
                  onBegin={beginLive}
                  onChange={(b) => selected && live(selected, b)}
                  onEnd={() => endLive(`edit cuboid (${kind} view)`, selected)}
                />
              ))}
              <div className="lidar-subview lidar-substats mono small">
                {selectedBox ? (
                  <>
                    <span data-testid="points-inside">{t('lidar.pointsInside', { count: insideCount })}</span>
                    <span data-testid="box-size">{selectedBox.size.map((v) => v.toFixed(2)).join(' × ')} m</span>
                    <span>
                      {t('lidar.yaw')} {((selectedBox.yaw * 180) / Math.PI).toFixed(1)}°
                    </span>
                    <span data-testid="box-center">
                      ({(selectedObj?.geometry as Cuboid3D | undefined)?.center.map((v) => v.toFixed(2)).join(', ')})
                    </span>
                    {selectedObj?.attributes[INTERPOLATED_ATTR] ? <span className="muted">{t('lidar.interpolated')}</span> : null}
                  </>
                ) : (
                  <span className="muted">{t('lidar.noSelection')}</span>
                )}
              </div>
            </div>
          </section>
          {selectedObj && selectedBox ? (
            <section className="lidar-card" data-testid="lidar-selected">
              <div className="row">
                <label className="small grow">
                  {t('lidar.label')}{' '}
                  <select value={selectedObj.label} onChange={(e) => updateObject(selectedObj.id, (o) => ({ ...o, label: e.target.value }), 'set class')} data-testid="selected-label">
                    {labels.map((l) => (
                      <option key={l.id} value={l.id}>{l.name}</option>
                    ))}
                  </select>
                </label>
                <label className="small">
                  {t('lidar.trackId')}{' '}
                  <input
                    className="narrow"
                    defaultValue={String(selectedObj.attributes.track_id ?? '')}
                    key={`${selectedObj.id}-${String(selectedObj.attributes.track_id ?? '')}`}
                    onBlur={(e) => {
                      const v = e.target.value.trim();
                      if (v !== String(selectedObj.attributes.track_id ?? '')) updateObject(selectedObj.id, (o) => ({ ...o, attributes: { ...o.attributes, track_id: v } }), 'set track id');
                    }}
                    data-testid="track-id"
                  />
                </label>
              </div>
              {selLabel?.attributes.length ? (
                <div className="lidar-attrs">
                  {selLabel.attributes.map((a) => {
                    const v = selectedObj.attributes[a.id] ?? a.default;
                    const set = (val: AttributeValue) => updateObject(selectedObj.id, (o) => ({ ...o, attributes: { ...o.attributes, [a.id]: val } }), `set ${a.name}`);
                    return (
                      <label key={a.id} className="small row">
                        {a.name}
                        {a.type === 'bool' ? (
                          <input type="checkbox" checked={v === true} onChange={(e) => set(e.target.checked)} />
                        ) : a.type === 'enum' ? (
                          <select value={String(v ?? '')} onChange={(e) => set(e.target.value)}>
                            {(a.options ?? []).map((op) => (
                              <option key={op}>{op}</option>
                            ))}
                          </select>
                        ) : (
                          <input
                            key={`${selectedObj.id}-${a.id}-${String(v)}`}
                            type={a.type === 'number' ? 'number' : 'text'}
                            defaultValue={v === undefined ? '' : String(v)}
                            onBlur={(e) => set(a.type === 'number' ? Number(e.target.value) : e.target.value)}
                          />
                        )}
                      </label>
                    );
                  })}
                </div>
              ) : null}
              <button
                className="danger small"
                onClick={() => {
                  const cur = recordsRef.current!;
                  const next = { ...cur };
                  delete next[selectedObj.id];
                  commit(cur, next, 'delete cuboid', selectedObj.id);
                  setSelected(null);
                }}
              >
                {t('lidar.delete')}
              </button>
              {isSeq && selectedObj.attributes[TRACK_ATTR] ? (
                <button className="small" onClick={interpolateSelected} data-testid="interpolate-track">
                  {t('lidar.interpolate')}
                </button>
              ) : null}
            </section>
          ) : null}
          <section className="lidar-card lidar-objects">
            <h4>
              {t('lidar.objects')} <span className="muted">({shownObjects.length})</span>
              {isSeq ? (
                <button className="small ghost" onClick={copyToNextFrame} disabled={frame + 1 >= frameCount || !frameObjects.length}>
                  {t('lidar.copyNext')}
                </button>
              ) : null}
            </h4>
            {shownObjects.length === 0 ? <p className="muted small">{t('lidar.noObjects')}</p> : null}
            <ul data-testid="lidar-objects">
              {shownObjects.map((o) => {
                const g = o.geometry as Cuboid3D;
                return (
                  <li key={o.id} className={o.id === selected ? 'sel' : ''} onClick={() => records?.[o.id] && setSelected(o.id)} title={records?.[o.id] ? undefined : t('lidar.readOnlyTrack')}>
                    <span className="dot" style={{ background: colorOf(o.label) }} />
                    <span>{labelById.get(o.label)?.name ?? o.label}</span>
                    {o.attributes.track_id ? <span className="muted mono">#{String(o.attributes.track_id)}</span> : null}
                    {/* range from the sensor; survey clouds in map coordinates (recentred) have no sensor at the origin */}
                    {offset === ZERO_OFFSET || (offset[0] === 0 && offset[1] === 0) ? <span className="muted mono small">{Math.hypot(g.center[0], g.center[1]).toFixed(1)} m</span> : null}
                    {o.id === selected ? <Provenance record={o} /> : null}
                  </li>
                );
              })}
            </ul>
          </section>
        </aside>
      </div>
      {isSeq ? <Timeline count={frameCount} frame={frame} setFrame={setFrame} playing={playing} setPlaying={setPlaying} /> : null}
    </div>
  );
}

/** Hands the r3f camera, canvas and controls to the DOM-side pointer tools (and to E2E tests). */
function Bridge({ api, offset }: { api: React.MutableRefObject<SceneApi | null>; offset: SceneOffset }) {
  const camera = useThree((s) => s.camera);
  const gl = useThree((s) => s.gl);
  const controls = useThree((s) => s.controls) as SceneApi['controls'];
  const invalidate = useThree((s) => s.invalidate);
  useEffect(() => {
    api.current = { camera, dom: gl.domElement, controls, invalidate };
    if (controls) {
      controls.maxPolarAngle = Math.PI / 2 - 0.02;
    }
    const v = new THREE.Vector3();
    (window as unknown as { __datumLidar?: unknown }).__datumLidar = {
      /** Point in the cloud file's coordinates -> client pixel coordinates of the main canvas. */
      toScreen(x: number, y: number, z: number) {
        camera.updateMatrixWorld();
        v.set(x - offset[0], y - offset[1], z - offset[2]).project(camera);
        const r = gl.domElement.getBoundingClientRect();
        return { x: r.left + ((v.x + 1) / 2) * r.width, y: r.top + ((1 - v.y) / 2) * r.height };
      },
    };
  }, [api, camera, gl, controls, invalidate, offset]);
  return null;
}

function Points({ cloud, mode, size, pointLabels, labelColors, inside, insideCount, highlight }: { cloud: LoadedCloud; mode: ColorMode; size: number; pointLabels: Uint16Array | null; labelColors: [number, number, number][]; inside: Uint32Array | null; insideCount: number; highlight: string }) {
  const invalidate = useThree((s) => s.invalidate);
  const base = useMemo(() => colorize(cloud.positions, cloud.count, mode, cloud.intensity, cloud.rgb), [cloud, mode]);
  const geometry = useMemo(() => {
    const g = new THREE.BufferGeometry();
    g.setAttribute('position', new THREE.BufferAttribute(cloud.positions, 3));
    g.setAttribute('color', new THREE.BufferAttribute(new Float32Array(cloud.count * 3), 3));
    g.computeBoundingSphere();
    return g;
  }, [cloud]);
  useEffect(() => () => geometry.dispose(), [geometry]);
  // Colours: the base ramp, with the points inside the selected cuboid painted in its class colour.
  useEffect(() => {
    const attr = geometry.getAttribute('color') as THREE.BufferAttribute;
    const col = attr.array as Float32Array;
    col.set(base);
    if (pointLabels) {
      for (let i = 0; i < pointLabels.length; i++) {
        const c = pointLabels[i] ? labelColors[pointLabels[i] - 1] : undefined;
        if (!c) continue;
        col[i * 3] = c[0];
        col[i * 3 + 1] = c[1];
        col[i * 3 + 2] = c[2];
      }
    }
    if (inside) {
      const [r, g, b] = hexToRgb(highlight);
      for (let k = 0; k < insideCount; k++) {
        const i = inside[k] * 3;
        col[i] = r;
        col[i + 1] = g;
        col[i + 2] = b;
      }
    }
    attr.needsUpdate = true;
    invalidate();
  }, [geometry, base, pointLabels, labelColors, inside, insideCount, highlight, invalidate]);
  return (
    <points geometry={geometry}>
      <pointsMaterial size={size} sizeAttenuation={false} vertexColors />
    </points>
  );
}

/** Every cuboid of the frame as one LineSegments buffer, grown by doubling when needed. */
function Boxes({ objects, selected, colorOf }: { objects: AnnotationObject[]; selected: string | null; colorOf(label: string): string }) {
  const invalidate = useThree((s) => s.invalidate);
  const [capacity, setCapacity] = useState(64);
  const geometry = useMemo(() => {
    const g = new THREE.BufferGeometry();
    g.setAttribute('position', new THREE.BufferAttribute(new Float32Array(capacity * VERTS_PER_BOX * 3), 3));
    g.setAttribute('color', new THREE.BufferAttribute(new Float32Array(capacity * VERTS_PER_BOX * 3), 3));
    return g;
  }, [capacity]);
  useEffect(() => () => geometry.dispose(), [geometry]);
  const scratch = useMemo(() => new Float64Array(24), []);
  useEffect(() => {
    if (objects.length > capacity) {
      setCapacity(Math.max(objects.length, capacity * 2));
      return;
    }
    const pos = geometry.getAttribute('position') as THREE.BufferAttribute;
    const col = geometry.getAttribute('color') as THREE.BufferAttribute;
    let v = 0;
    for (const o of objects) {
      const rgb = o.id === selected ? ([1, 1, 1] as [number, number, number]) : hexToRgb(colorOf(o.label));
      v = writeBoxLines(o.geometry as Cuboid3D, rgb, pos.array as Float32Array, col.array as Float32Array, v, scratch);
    }
    geometry.setDrawRange(0, v);
    pos.needsUpdate = true;
    col.needsUpdate = true;
    geometry.computeBoundingSphere();
    invalidate();
  }, [objects, selected, colorOf, geometry, capacity, scratch, invalidate]);
  return (
    <lineSegments geometry={geometry} frustumCulled={false}>
      <lineBasicMaterial vertexColors />
    </lineSegments>
  );
}

/**
 * LiDAR scans keep the driving view. Anything much smaller (a scanned object, an indoor RGB-D
 * cloud), or a cloud away from the scene origin (survey data in map coordinates, whose height is
 * not recentred), is framed once when it loads: camera and orbit target moved to its bounding sphere.
 */
function FitSmallCloud({ cloud }: { cloud: LoadedCloud }) {
  const { camera, controls, invalidate } = useThree() as unknown as {
    camera: THREE.PerspectiveCamera;
    controls: { target: THREE.Vector3; update(): void } | null;
    invalidate(): void;
  };
  useEffect(() => {
    const sphere = new THREE.Sphere();
    const box = new THREE.Box3();
    const p = cloud.positions;
    const v = new THREE.Vector3();
    const step = Math.max(1, Math.floor(cloud.count / 20000)); // a sample is plenty for framing
    for (let i = 0; i < cloud.count; i += step) {
      v.set(p[i * 3], p[i * 3 + 1], p[i * 3 + 2]);
      if (Number.isFinite(v.x + v.y + v.z)) box.expandByPoint(v);
    }
    if (box.isEmpty()) return;
    box.getBoundingSphere(sphere);
    if (sphere.radius > 25 && sphere.center.length() < sphere.radius) return; // sensor-centred scan
    const r = Math.max(sphere.radius, 1e-3);
    camera.near = r / 200;
    camera.far = r * 200;
    camera.position.set(sphere.center.x - r * 1.6, sphere.center.y - r * 0.4, sphere.center.z + r * 1.1);
    camera.updateProjectionMatrix();
    if (controls) {
      controls.target.copy(sphere.center);
      controls.update();
    }
    invalidate();
  }, [cloud, camera, controls, invalidate]);
  return null;
}

function hasColour(rgb: ArrayLike<number>): boolean {
  const step = Math.max(1, Math.floor(rgb.length / 3000));
  for (let i = 0; i < rgb.length; i += step) if (rgb[i] > 0) return true;
  return false;
}

/**
 * A 10 m grid and range rings every 10 m out to 80 m on the ground plane around the sensor:
 * built once (one LineSegments geometry), so they cost nothing per frame.
 */
function RangeRings() {
  const invalidate = useThree((st) => st.invalidate);
  const geometry = useMemo(() => {
    const segments = 96;
    const pts: number[] = [];
    for (let r = 10; r <= 80; r += 10) {
      for (let k = 0; k < segments; k++) {
        const a0 = (k / segments) * Math.PI * 2;
        const a1 = ((k + 1) / segments) * Math.PI * 2;
        pts.push(r * Math.cos(a0), r * Math.sin(a0), 0, r * Math.cos(a1), r * Math.sin(a1), 0);
      }
    }
    for (let v = -80; v <= 80; v += 10) pts.push(v, -80, 0, v, 80, 0, -80, v, 0, 80, v, 0);
    const g = new THREE.BufferGeometry();
    g.setAttribute('position', new THREE.Float32BufferAttribute(pts, 3));
    return g;
  }, []);
  useEffect(() => {
    invalidate();
    return () => geometry.dispose();
  }, [geometry, invalidate]);
  // Slightly below a typical LiDAR's ground level (sensor about 1.7 m up) so points draw over it.
  return (
    <lineSegments geometry={geometry} position={[0, 0, -1.75]}>
      <lineBasicMaterial color="#1f2a36" />
    </lineSegments>
  );
}
