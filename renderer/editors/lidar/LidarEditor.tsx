/**
 * The LiDAR 3D annotation editor: cuboids over a point cloud (one frame, or a sequence).
 *
 * The shell only wires the parts together:
 * - data (useLidarData.ts): sequence manifest, frame cache, camera; the document through the
 *   editor shell's hook (editors/shell/useEditorDocument.ts: load / save / merge, one undo step
 *   per gesture, save state shown by the frame); records and edits (model.ts): objects,
 *   document.tracks (keyframes, as video) and point labels, read and written by `lidarIO`;
 * - tools (tools/): select (V), draw box (B), one-click fit (C), lasso (P) as pure state machines
 *   fed with the picking ray; the commands they return are applied here;
 * - keys (keys.ts): a declared keymap table bound with useKeymap; class hotkeys from the ontology;
 * - the three.js scene (scene/): points, boxes, range rings, camera framing; the side panel
 *   (LidarSide.tsx) with camera fusion, sub-views and the object list.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Canvas } from '@react-three/fiber';
import { OrbitControls } from '@react-three/drei';
import type { ItemSummary } from '../../../preload/contract';
import type { AnnotationObject, Cuboid3D } from '../../../core/document/schema';
import { cuboidInCloud, cuboidInFile, pointsInBox } from '../../../core/lidar/box';
import { frameIndexFor } from '../../../core/lidar/frameIndex';
import { useApp } from '../../state/appStore';
import { useObjectRequest, useSelection, useSharedFrame } from '../../state/selection';
import { useKeymap } from '../../keymap/useKeymap';
import type { ColorMode } from '../../viewports/pointcloud/colorize';
import { Timeline } from '../../viewports/Timeline';
import { hexToRgb } from '../../../core/editing/lidar/boxEdit';
import { lidarKeymap } from './keys';
import { continuationCandidates, createCarrier, pickContinuation } from './sequence/continuation';
import { frameTimes } from './sequence/runPropagation';
import { boxAt, isTrackKey, copyToNextFrame, fillGaps, frameBoxes, nextFreeTrackId, lidarIO, lidarSequenceIO, relabel, removeAt, resolveShared, setAttribute, setBox, setTrackId, sharedId, type Records } from './model';
import { decodeLabels, lassoPaint, pointLabelRecord, POINT_LABELS_PREFIX } from '../../../core/editing/lidar/pointLabels';
import { objectsToScene, ZERO_OFFSET, type SceneOffset } from '../../../core/editing/lidar/sceneFrame';
import { createLidarTool, type LidarCommand, type LidarPreview, type LidarToolName } from './tools';
import { Bridge, pointerRay, viewProjection, type SceneApi } from './scene/Bridge';
import { LidarScene } from './scene/LidarScene';
import { LidarHud } from './LidarHud';
import { LidarSide } from './LidarSide';
import { LidarToolbar } from './LidarToolbar';
import { useLidarData } from './useLidarData';
import { useEditorDocument } from '../shell/useEditorDocument';
import { useLidarKeys } from './useLidarKeys';
import { useBevView } from './useBevView';
import { BevCamera } from './scene/BevCamera';
import { priorFor } from './priors';
import './lidar.css';
import { refitCuboid } from '../../../core/lidar/refit';
import { exposeTestHook } from '../../testHooks';
import { fitAtImageClick } from '../../../core/lidar/frustumFit';
import type { CameraModel } from '../../../core/calib/camera';
import { CameraStrip } from './cameras/CameraStrip';
import { useCameraRig } from './cameras/useCameraRig';
import { isPendingPrediction } from '../../../core/review/predictions';
import { useLidarReview } from './review/useLidarReview';
import { PredictionBoxes } from './review/PredictionBoxes';
import { PredictionTag, ReviewPanel } from './review/ReviewPanel';
import { useSequenceTools } from './sequence/useSequenceTools';
import { SequenceBar } from './sequence/SequenceBar';
import { selectedKeyframes } from './sequence/propagateModel';

function newId(): string {
  return typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID() : `c-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

export { lidarKeymap };

export function LidarEditor({ item }: { item: ItemSummary }) {
  const { t } = useTranslation();
  const project = useApp((s) => s.project)!;
  const labels = project.ontology.labels;
  const [frame, setFrame] = useState(0);
  const [playing, setPlaying] = useState(false);
  const [mode, setMode] = useState<ColorMode>('height');
  const toRgb = useCallback(() => setMode('rgb'), []);
  const data = useLidarData(item, frame, toRgb);
  const { isSeq, cloud, frameCount } = data;
  const rig = useCameraRig(item, data.seq, frame, cloud);
  const [cameraPoints, setCameraPoints] = useState(false);
  const toggleCameraPoints = useCallback(() => setCameraPoints((v) => !v), []);
  const [selected, setSelected] = useState<string | null>(null);
  const doc = useEditorDocument(item.id, isSeq ? lidarSequenceIO : lidarIO, { onRestoreSelection: (ids) => setSelected(ids[0] ?? null), debounceMs: 400 });
  const { records, recordsRef } = doc;
  /** One undo step applying `f` to the current records; `sel` is the selection the step restores. */
  const edit = useCallback(
    (f: (r: Records) => Records, label: string, sel: string | null) => {
      if (doc.records) doc.apply(f(recordsRef.current), label, sel ? [sel] : []);
    },
    [doc, recordsRef],
  );

  const [toolName, setToolName] = useState<LidarToolName>('fit');
  const tool = useMemo(() => createLidarTool(toolName), [toolName]);
  const [preview, setPreview] = useState<LidarPreview | null>(null);
  const [activeLabel, setActiveLabel] = useState<string>(labels[0]?.id ?? 'object');
  const [pointSize, setPointSize] = useState(2);
  const [showRings, setShowRings] = useState(true);
  const [notice, setNotice] = useState<string | null>(null);
  const sceneApi = useRef<SceneApi | null>(null);
  // Share the frame and the selected box with the panels around the editor (issues, QA findings).
  useSharedFrame(item.id, frame, setFrame, isSeq && data.seq ? frameCount : 0); // 0 until the sequence is known
  useEffect(() => useSelection.setState({ itemId: item.id, objectIds: selected ? [sharedId(selected)] : [] }), [item.id, selected]);

  // Cuboids are stored in file coordinates; the scene is recentred by the cloud's offset (sceneFrame.ts).
  const offset: SceneOffset = cloud?.offset ?? ZERO_OFFSET;
  const index = useMemo(() => (cloud ? frameIndexFor(cloud.positions, cloud.count) : null), [cloud]);
  const labelById = useMemo(() => new Map(labels.map((l) => [l.id, l])), [labels]);
  const colorOf = useCallback((id: string) => labelById.get(id)?.color ?? '#e6edf3', [labelById]);
  const labelColors = useMemo(() => labels.map((l) => hexToRgb(l.color)), [labels]);

  const shown = useMemo(() => (records ? frameBoxes(records, frame).filter((o) => !o.hidden) : []), [records, frame]);
  const sceneShown = useMemo(() => objectsToScene(shown, offset), [shown, offset]);
  // Predictions waiting for review are drawn dashed with their score (review/PredictionBoxes.tsx).
  const scenePredictions = useMemo(() => sceneShown.filter((o) => !isTrackKey(o.id) && isPendingPrediction(o)), [sceneShown]);
  const sceneBoxes = useMemo<AnnotationObject[]>(() => {
    const reviewed = scenePredictions.length ? sceneShown.filter((o) => !scenePredictions.includes(o)) : sceneShown;
    return preview?.type === 'box' ? [...reviewed, { id: '', label: activeLabel, geometry: preview.box, frame, attributes: {}, source: { kind: 'human' }, zOrder: 0 }] : reviewed;
  }, [sceneShown, scenePredictions, preview, activeLabel, frame]);
  const selectedObj = (selected && shown.find((o) => o.id === selected)) || null;
  /** The selected cuboid in scene coordinates (sub-views, points inside); file coordinates are in selectedObj. */
  const selectedBox = useMemo(() => (selectedObj ? cuboidInCloud(selectedObj.geometry as Cuboid3D, offset) : null), [selectedObj, offset]);
  const sceneCuboids = useMemo(() => sceneShown.map((o) => o.geometry as Cuboid3D), [sceneShown]);
  // The view (3D / bird's-eye, orientation, centre, range) is kept per item (viewStore.ts).
  const bevView = useBevView(item.id, sceneApi, cloud, sceneCuboids, selectedBox);
  const bev = bevView.view.bev;
  const pointLabelRec = records?.[`${POINT_LABELS_PREFIX}${frame}`] as AnnotationObject | undefined;
  const pointLabels = useMemo(
    () => (pointLabelRec && cloud && Number(pointLabelRec.attributes.count) === cloud.count ? decodeLabels(String(pointLabelRec.attributes.data), cloud.count) : null),
    [pointLabelRec, cloud],
  );

  // ------------------------------------------------------------- points inside / near the selection
  const scratch = useMemo(() => (cloud ? { inside: new Uint32Array(cloud.count), near: new Uint32Array(cloud.count) } : null), [cloud]);
  const { insideCount, nearCount } = useMemo(() => {
    if (!cloud || !scratch || !selectedBox) return { insideCount: 0, nearCount: 0 };
    const insideCount = pointsInBox(cloud.positions, cloud.count, selectedBox, scratch.inside);
    const grown: Cuboid3D = { ...selectedBox, size: [selectedBox.size[0] * 1.5 + 1.5, selectedBox.size[1] * 1.5 + 1.5, selectedBox.size[2] + 1.2] };
    return { insideCount, nearCount: pointsInBox(cloud.positions, cloud.count, grown, scratch.near) };
  }, [cloud, scratch, selectedBox]);

  // ------------------------------------------------------------- edits
  const editSelected = useCallback(
    (f: (b: Cuboid3D) => Cuboid3D, label: string) => {
      const b = selected ? boxAt(recordsRef.current, selected, frame) : null;
      if (b && selected) edit((r) => setBox(r, selected, frame, f(b)), label, selected);
    },
    [selected, frame, edit, recordsRef],
  );
  const pickLabel = useCallback(
    (id: string) => {
      setActiveLabel(id);
      if (selected) edit((r) => relabel(r, selected, id), 'set class', selected);
    },
    [selected, edit],
  );
  // Re-fit to the points (refit.ts): the selected cuboid, or every cuboid of the frame in one undo step.
  const refit = useCallback(
    (which: 'selected' | 'frame') => {
      if (!cloud || !index) return;
      const boxes = frameBoxes(recordsRef.current, frame).filter((o) => which === 'frame' || o.id === selected);
      let next = recordsRef.current;
      let done = 0;
      for (const o of boxes) {
        const prior = priorFor(labelById.get(o.label));
        const fitted = refitCuboid(cloud.positions, cloud.count, cuboidInCloud(o.geometry as Cuboid3D, offset), { index, prior });
        if (!fitted) continue;
        next = setBox(next, o.id, frame, cuboidInFile(fitted, offset));
        done++;
      }
      if (done) edit(() => next, which === 'selected' ? 're-fit cuboid' : 'fit all cuboids', selected);
      setNotice(done ? t('lidar.refitDone', { done, total: boxes.length }) : t('lidar.refitNone'));
    },
    [cloud, index, selected, frame, recordsRef, labelById, offset, edit, t],
  );
  const removeSelected = useCallback(() => {
    if (!selected) return;
    edit((r) => removeAt(r, selected, frame), 'delete cuboid', selected);
    setSelected(null);
  }, [selected, frame, edit]);

  // Image-guided fit (frustumFit.ts): a click on an object in a camera image, with the fit tool.
  const fitFromImage = (sceneCamera: CameraModel, u: number, v: number) => {
    if (!cloud || !index) return;
    const prior = priorFor(labelById.get(activeLabel));
    const r = fitAtImageClick(cloud.positions, cloud.count, sceneCamera, u, v, { index, prior });
    if (!r.ok) return setNotice(t('lidar.imageFitNone'));
    apply([{ type: 'notice', message: null }, { type: 'create', box: r.fit.box, action: 'fit cuboid' }]);
  };

  const apply = (cmds: LidarCommand[]) => {
    for (const c of cmds) {
      if (c.type === 'select') setSelected(c.id);
      else if (c.type === 'notice') setNotice(c.message ? t(c.message) : null);
      else if (c.type === 'create') {
        const obj: AnnotationObject = { id: newId(), label: activeLabel, geometry: cuboidInFile(c.box, offset), frame, attributes: {}, source: { kind: 'human' }, zOrder: 0, updatedAt: Date.now() };
        edit((r) => ({ ...r, [obj.id]: obj }), c.action, obj.id);
        setSelected(obj.id);
      } else if (c.type === 'lasso' && cloud && sceneApi.current) {
        const { m, width, height } = viewProjection(sceneApi.current);
        const next = pointLabels ? pointLabels.slice() : new Uint16Array(cloud.count);
        const value = c.erase ? 0 : Math.max(0, labels.findIndex((l) => l.id === activeLabel)) + 1;
        if (!lassoPaint(cloud.positions, cloud.count, m, width, height, c.polygon, next, value)) continue;
        const rec = pointLabelRecord(frame, next);
        edit((r) => ({ ...r, [rec.id]: rec }), c.erase ? 'erase point labels' : 'label points', null);
      }
    }
  };
  const toolCtx = () => ({ boxes: sceneShown.map((o) => ({ id: o.id, box: o.geometry as Cuboid3D })), cloud: cloud && index ? { positions: cloud.positions, count: cloud.count, index } : null, prior: priorFor(labelById.get(activeLabel)) });
  const pointer = (e: React.PointerEvent, phase: 'down' | 'move' | 'up') => {
    const api = sceneApi.current;
    if (bevView.onPointer(e, phase, tool.orbits)) return;
    if (!api || (phase === 'down' && e.button !== 0) || (phase !== 'down' && !tool.busy() && phase === 'move')) return;
    const p = { ...pointerRay(api, e.clientX, e.clientY), shift: e.shiftKey, alt: e.altKey };
    if (phase === 'down' && !tool.orbits) (e.target as HTMLElement).setPointerCapture?.(e.pointerId);
    apply(tool[phase](p, toolCtx()));
    setPreview(tool.preview());
  };

  // Propagate / interpolate feedback (sequence/): Shift+D, the strip above the timeline.
  const cloudPaths = useMemo(() => data.seq?.frames.map((f) => f.cloud) ?? [], [data.seq]);
  const trackIdRef = useRef<HTMLInputElement | null>(null);
  const selectedRef = useRef(selected);
  selectedRef.current = selected;
  const frameRef = useRef(frame);
  frameRef.current = frame;
  // Boxes carried between frames by the ego motion, for the track `#` proposes (sequence/continuation.ts).
  const carrier = useMemo(() => {
    const times = frameTimes(cloudPaths);
    return createCarrier((f) => data.loadFrame(f), () => (times.length === cloudPaths.length ? times : cloudPaths.map((_, i) => i)));
  }, [data.loadFrame, cloudPaths]);
  const focusTrackId = useCallback(() => {
    const el = trackIdRef.current;
    if (!el) return false;
    // A box that is no track yet gets the next free number proposed (selected: typing replaces it),
    // or, when it lies where a track that ended on an earlier frame is carried by the ego motion,
    // that track's id (worked out after the field has the keys; `data-proposing` meanwhile).
    const sel = selectedRef.current;
    const o = sel && !isTrackKey(sel) ? (recordsRef.current[sel] as AnnotationObject | undefined) : undefined;
    if (o && o.geometry.kind === 'cuboid3d' && !el.value.trim()) {
      const fresh = nextFreeTrackId(recordsRef.current);
      el.value = fresh;
      const f = frameRef.current;
      const candidates = continuationCandidates(recordsRef.current, f, o.label);
      if (candidates.length) {
        el.dataset.proposing = 'true';
        void (async () => {
          const carried: { id: string; box: Cuboid3D }[] = [];
          for (const c of candidates) carried.push({ id: c.id, box: await carrier(c.box, c.frame, f) });
          const id = pickContinuation(o.geometry as Cuboid3D, carried);
          if (id && document.activeElement === el && el.value === fresh) {
            el.value = id;
            el.select();
          }
        })()
          .catch(() => undefined)
          .finally(() => delete el.dataset.proposing);
      }
    }
    el.focus();
    el.select();
    return true;
  }, [carrier, recordsRef]);
  const seqTools = useSequenceTools({ isSeq, frame, frameCount, cloudPaths, selected, setSelected, recordsRef, apply: doc.apply, loadFrame: data.loadFrame, setNotice, focusTrackId });

  useLidarKeys({ labels, isSeq, frameCount, selected, setSelected, setTool: setToolName, view: bevView.commands, setFrame, pickLabel, editSelected, refit, removeSelected, toggleCameraPoints, undo: doc.undo, redo: doc.redo, recordsRef, sceneApi, offset, frame });
  // Registered after useLidarKeys, so the review keys are asked first (Delete declines unless a prediction is selected).
  const review = useLidarReview({ records, recordsRef, frame, setFrame, selected, setSelected, edit, view: bevView.commands, sceneApi, selectedBox, setNotice });

  // A QA finding or an issue opened this item (or asks while it is open) for one box: once the
  // document and the cloud (and a sequence's frames) are loaded, it is selected on the frame asked
  // for (or the track's first) and the view flies to it, as the review walk's Tab does.
  useObjectRequest(item.id, !!records && !!cloud && (!isSeq || frameCount > 0), selected ? sharedId(selected) : null, (id) => {
    const target = resolveShared(recordsRef.current, id, isSeq ? (useSelection.getState().frame ?? frame) : frame);
    if (target) review.reveal(target.key, target.frame);
    return true; // a box deleted since is not waited for
  });

  // Test build only (testHooks.ts): what the editor shows, so the efficiency benchmark (tests/bench/efficiency)
  // can judge boxes against ground truth; it changes them only through real input events.
  useEffect(() => exposeTestHook('__datumLidarState', { frame, selected, tool: toolName, label: activeLabel, objects: shown }), [frame, selected, toolName, activeLabel, shown]);

  // A selection not shown on the new frame is dropped when the frame changes.
  useEffect(() => {
    setSelected((sel) => (sel && boxAt(recordsRef.current, sel, frame) ? sel : null));
  }, [frame, recordsRef]);
  useEffect(() => {
    if (!playing) return;
    const id = setInterval(() => setFrame((f) => (f + 1) % frameCount), 1000 / (data.seq?.fps ?? 10));
    return () => clearInterval(id);
  }, [playing, frameCount, data.seq]);
  // Tools that drag on the ground do not orbit (the bird's-eye view has no orbit controls).
  useEffect(() => {
    tool.cancel();
    setPreview(null);
    const c = sceneApi.current?.controls;
    if (c) c.enabled = tool.orbits;
  }, [tool, cloud, bev]);

  if (data.error) return <p className="error-text center">{data.error}</p>;
  const pickId = (id: string | null) => setSelected(id && shown.some((o) => o.id === id) ? id : null);
  return (
    <div className="lidar-editor" data-testid="lidar-editor">
      <LidarToolbar tool={toolName} setTool={setToolName} view={bevView.view} viewCommands={bevView.commands} hasSelection={!!selectedBox} labels={labels} activeLabel={activeLabel} pickLabel={pickLabel} refit={refit} cameraPoints={rig.cameras.length ? { on: cameraPoints, toggle: toggleCameraPoints } : undefined} />
      <div className="lidar-body">
        <div className="lidar-main" onPointerDown={(e) => pointer(e, 'down')} onPointerMove={(e) => pointer(e, 'move')} onPointerUp={(e) => pointer(e, 'up')} onWheel={bevView.onWheel} onContextMenu={(e) => bev && e.preventDefault()}>
          <div className="pc-canvas" data-testid="pointcloud-viewer">
            <Canvas
              frameloop="demand"
              camera={{ position: [-18, 0, 14], up: [0, 0, 1], fov: 55, near: 0.1, far: 2000 }}
              gl={{ antialias: false, preserveDrawingBuffer: true }}
              style={{ cursor: toolName === 'select' ? 'default' : 'crosshair' }}
            >
              <Bridge api={sceneApi} offset={offset} />
              <LidarScene
                cloud={cloud}
                mode={mode}
                pointSize={pointSize}
                pointLabels={pointLabels}
                labelColors={labelColors}
                inside={scratch?.inside ?? null}
                insideCount={insideCount}
                boxes={sceneBoxes}
                selected={selected}
                colorOf={colorOf}
                showRings={showRings}
              />
              <PredictionBoxes objects={scenePredictions} selected={selected} colorOf={colorOf} />
              {bev ? <BevCamera view={bevView.view} /> : <OrbitControls makeDefault enableDamping={false} />}
            </Canvas>
          </div>
          <LidarHud
            cloud={cloud}
            mode={mode}
            setMode={setMode}
            pointSize={pointSize}
            setPointSize={setPointSize}
            showRings={showRings}
            setShowRings={setShowRings}
            cloudName={data.cloudName}
            pointFormat={data.pointFormat}
            binLayout={data.binLayout}
            setNotice={setNotice}
            hint={t(`lidar.hint${toolName[0].toUpperCase()}${toolName.slice(1)}`)}
            lasso={preview?.type === 'lasso' ? preview.points : null}
            notice={notice}
            extrinsicWarnings={rig.extrinsicWarnings}
          />
        </div>
        <LidarSide
          isSeq={isSeq}
          labels={labels}
          colorOf={colorOf}
          cameras={
            <CameraStrip
              cameras={rig.cameras}
              onImageSize={rig.onImageSize}
              boxes={shown.map((o) => ({ id: o.id, box: o.geometry as Cuboid3D, color: colorOf(o.label) }))}
              selectedBox={(selectedObj?.geometry as Cuboid3D | undefined) ?? null}
              selectedId={selected}
              select={pickId}
              positions={cloud?.positions ?? null}
              count={cloud?.count ?? 0}
              offset={offset}
              showPoints={cameraPoints}
              fitMode={toolName === 'fit'}
              fitAt={fitFromImage}
            />
          }
          shown={shown}
          selected={selected}
          select={pickId}
          selectedObj={selectedObj}
          selectedBox={selectedBox}
          positions={cloud?.positions ?? null}
          near={scratch?.near ?? null}
          nearCount={nearCount}
          insideCount={insideCount}
          offset={offset}
          canCopyNext={frame + 1 < frameCount && shown.length > 0}
          onBegin={doc.beginLive}
          onLive={(b) => selected && doc.live((r) => setBox(r, selected, frame, cuboidInFile(b, offset)))}
          onEnd={(view) => doc.endLive(`edit cuboid (${view} view)`, selected ? [selected] : [])}
          setBox={(next, field) => selected && edit((r) => setBox(r, selected, frame, next), `set ${field}`, selected)}
          relabel={(l) => selected && edit((r) => relabel(r, selected, l), 'set class', selected)}
          setAttribute={(a, v, scope) => selected && edit((r) => setAttribute(r, selected, frame, a, v, scope), `set ${a}`, selected)}
          setTrackId={(id) => {
            if (!doc.records || !selected) return;
            // A single cloud has no tracks: the id stays an attribute of the cuboid, as before.
            if (!isSeq) return edit((r) => setAttribute(r, selected, frame, 'track_id', id), 'set track id', selected);
            const r = setTrackId(recordsRef.current, selected, frame, id);
            doc.apply(r.records, 'set track id', [r.key]);
            setSelected(r.key);
          }}
          trackIdRef={trackIdRef}
          remove={removeSelected}
          review={<ReviewPanel review={review} isSeq={isSeq} />}
          objectTag={(o) => <PredictionTag object={o} review={review} />}
          interpolate={seqTools.interpolate}
          copyNext={() => {
            if (frame + 1 >= frameCount) return;
            edit((r) => copyToNextFrame(r, frame), 'copy to next frame', null);
            setFrame(frame + 1);
          }}
        />
      </div>
      {isSeq ? <SequenceBar tools={seqTools} frame={frame} frameCount={frameCount} setFrame={setFrame} hasSelection={!!selectedObj} keyframes={records && selected ? selectedKeyframes(records, selected) : []} /> : null}
      {isSeq ? <Timeline count={frameCount} frame={frame} setFrame={setFrame} playing={playing} setPlaying={setPlaying} /> : null}
    </div>
  );
}
