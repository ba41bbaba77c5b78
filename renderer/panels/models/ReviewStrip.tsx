import { Fragment, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AnnotationObject, ItemDocument, RejectedPrediction } from '../../../core/document/schema';
import { DEFAULT_REVIEW_THRESHOLD, acceptPrediction, rejectionOf } from '../../../core/review/predictions';
import { History } from '../../../core/history/history';
import { applyDiff, diffRecords, type RecordDiff } from '../../../core/history/diff';
import { rpc } from '../../transport';
import { useApp } from '../../state/appStore';
import { reportError } from '../../state/actions';
import { DocumentStore } from '../../persistence/documentStore';
import { editorStoreHooks } from '../../state/conflicts';
import { pendingRows, type Row } from './reviewRows';
import { useKeymap } from '../../keymap/useKeymap';
import { predictionReviewKeys } from '../keys';

const key = (itemId: string, objectId: string) => `${itemId}|${objectId}`;
/** A remembered rejection (document.rejected) as a record beside the objects, so undo brings both back. */
const REJECTED = 'rejected:';
type StripRecord = AnnotationObject | RejectedPrediction;

/**
 * Model predictions waiting for review (core/review/predictions.ts, the model the LiDAR editor
 * uses too). Accept keeps the object (source stays "model", with its score, marked accepted);
 * reject deletes it and remembers it in document.rejected, so pre-labelling does not bring it back.
 * Every action is one history step over `item|object` records, saved through the DocumentStore
 * (journal + atomic host write). Rows are grouped by item and frame; a 3D prediction shows the
 * points around it from above and, when the item has a calibrated camera, its camera crop.
 */
export function ReviewStrip({ version }: { version: number }) {
  const { t } = useTranslation();
  const project = useApp((s) => s.project)!;
  const [docs, setDocs] = useState<Record<string, ItemDocument>>({});
  const [names, setNames] = useState<Record<string, string>>({});
  const [threshold, setThreshold] = useState(DEFAULT_REVIEW_THRESHOLD);
  const [cursor, setCursor] = useState(0);
  const history = useRef(new History<StripRecord>());
  const store = useMemo(
    () =>
      new DocumentStore(
        rpc,
        project.path,
        undefined,
        300,
        reportError,
        // Another window saved one of these items (merged with ours, or reloaded): show its predictions as saved.
        editorStoreHooks((itemId, doc) => setDocs((prev) => (itemId in prev ? { ...prev, [itemId]: doc } : prev))),
      ),
    [project.path],
  );
  useEffect(() => () => store.dispose(), [store]);
  const [, bump] = useState(0);

  useEffect(() => {
    void (async () => {
      try {
        const { items } = await rpc.call('review.pending', { limit: 500 });
        const loaded = await Promise.all(items.map((i) => store.load(i.itemId).then((r) => [i.itemId, r.document] as const)));
        setDocs(Object.fromEntries(loaded));
        setNames(Object.fromEntries(items.map((i) => [i.itemId, i.name])));
        history.current.clear();
      } catch (err) {
        reportError(err);
      }
    })();
  }, [version, store]);

  const records = useMemo(() => {
    const r: Record<string, StripRecord> = {};
    for (const [itemId, doc] of Object.entries(docs)) {
      for (const o of doc.objects) r[key(itemId, o.id)] = o;
      for (const x of doc.rejected ?? []) r[key(itemId, REJECTED + x.id)] = x;
    }
    return r;
  }, [docs]);
  const rows: Row[] = useMemo(() => pendingRows(docs), [docs]);
  const labels = useMemo(() => new Map(project.ontology.labels.map((l) => [l.id, l])), [project.ontology]);

  /** Apply a diff over item|object records to the documents and save the items it touched. */
  const apply = useCallback(
    (diff: RecordDiff<StripRecord>, label: string) => {
      const next = applyDiff(records, diff);
      const touched = new Set(Object.keys({ ...diff.added, ...diff.updated, ...diff.removed }).map((k) => k.split('|')[0]));
      const nextDocs = { ...docs };
      for (const itemId of touched) {
        const doc = docs[itemId];
        const kept = doc.objects.filter((o) => key(itemId, o.id) in next).map((o) => next[key(itemId, o.id)] as AnnotationObject);
        const restored = Object.keys(diff.added)
          .filter((k) => k.startsWith(`${itemId}|`) && !k.startsWith(`${itemId}|${REJECTED}`) && !doc.objects.some((o) => key(itemId, o.id) === k))
          .map((k) => next[k] as AnnotationObject);
        const rejected = Object.keys(next)
          .filter((k) => k.startsWith(`${itemId}|${REJECTED}`))
          .map((k) => next[k] as RejectedPrediction);
        nextDocs[itemId] = { ...doc, objects: [...kept, ...restored], ...(rejected.length || doc.rejected ? { rejected } : {}) };
        void store.commit(itemId, nextDocs[itemId], label, diff).catch(reportError);
      }
      setDocs(nextDocs);
    },
    [docs, records, store],
  );

  const act = (chosen: Row[], what: 'accept' | 'reject') => {
    if (!chosen.length) return;
    const next = { ...records };
    const now = Date.now();
    for (const r of chosen) {
      const k = key(r.itemId, r.object.id);
      if (what === 'accept') next[k] = acceptPrediction(r.object, now);
      else {
        delete next[k];
        const remembered = rejectionOf(r.object, now);
        if (remembered) next[key(r.itemId, REJECTED + remembered.id)] = remembered;
      }
    }
    const diff = diffRecords(records, next);
    history.current.push({ diff, label: what });
    apply(diff, what);
    bump((n) => n + 1);
  };

  const undoRedo = (redo: boolean) => {
    const r = redo ? history.current.redo(records) : history.current.undo(records);
    if (!r) return;
    apply(diffRecords(records, r.records), redo ? 'redo' : 'undo');
    bump((n) => n + 1);
  };

  useKeymap(predictionReviewKeys, {
    undo: () => undoRedo(false),
    redo: () => undoRedo(true),
    move: (e) => void setCursor((c) => (e.key === 'ArrowDown' ? Math.min(rows.length - 1, c + 1) : Math.max(0, c - 1))),
    accept: () => !!rows[cursor] && void act([rows[cursor]], 'accept'),
    reject: () => !!rows[cursor] && void act([rows[cursor]], 'reject'),
  });

  const above = rows.filter((r) => r.score >= threshold);
  return (
    <section className="card review-strip" data-testid="review-strip">
      <div className="panel-head">
        <h2>{t('models.review')}</h2>
        <span className="muted small" data-testid="pending-count">
          {t('models.pending', { count: rows.length })}
        </span>
      </div>
      <div className="row wrap">
        <label className="small muted">
          {t('models.threshold', { value: threshold.toFixed(2) })}
          <input type="range" min={0} max={1} step={0.05} value={threshold} onChange={(e) => setThreshold(Number(e.target.value))} data-testid="threshold" />
        </label>
        <button className="primary" disabled={!above.length} onClick={() => act(above, 'accept')} data-testid="accept-above">
          {t('models.acceptAbove', { value: threshold.toFixed(2) })} ({above.length})
        </button>
        <button className="ghost" disabled={!history.current.canUndo} onClick={() => undoRedo(false)} data-testid="review-undo">
          ↶ {t('models.undo')}
        </button>
        <button className="ghost" disabled={!history.current.canRedo} onClick={() => undoRedo(true)}>
          ↷ {t('models.redo')}
        </button>
      </div>
      {rows.length === 0 ? <p className="muted">{t('models.nothingPending')}</p> : null}
      <div className="review-list">
        {rows.map((r, i) => {
          const spec = labels.get(r.object.label);
          const heading = i === 0 || rows[i - 1].group !== r.group;
          return (
            <Fragment key={key(r.itemId, r.object.id)}>
            {heading ? (
              <div className="review-group muted small mono" data-testid="review-group">
                {names[r.itemId]?.split('/').pop()}
                {r.object.geometry.kind === 'cuboid3d' ? ` · ${t('models.frame', { n: r.object.frame + 1 })}` : ''}
              </div>
            ) : null}
            <div className={i === cursor ? 'review-row active' : 'review-row'} onClick={() => setCursor(i)} data-testid="review-row">
              <Crop itemId={r.itemId} object={r.object} />
              <div className="review-meta">
                <div>
                  <span className="swatch" style={{ background: spec?.color ?? '#888' }} /> {spec?.name ?? r.object.label}
                </div>
                <div className="muted small mono">{names[r.itemId]?.split('/').pop()}</div>
              </div>
              <div className={`score ${r.score >= threshold ? 'hi' : ''}`}>{r.score.toFixed(2)}</div>
              <button className="ghost small" onClick={() => act([r], 'accept')} data-testid="accept-one">
                ✓ {t('models.accept')}
              </button>
              <button className="danger small" onClick={() => act([r], 'reject')} data-testid="reject-one">
                ✕ {t('models.reject')}
              </button>
            </div>
            </Fragment>
          );
        })}
      </div>
    </section>
  );
}

/** The predicted region, cut out of the item's image by CSS (no decoding or canvas work). */
function Crop({ itemId, object }: { itemId: string; object: AnnotationObject }) {
  const g = object.geometry;
  let box: [number, number, number, number] | null = null;
  if (g.kind === 'box2d') box = [g.x1, g.y1, g.x2, g.y2];
  else if (g.kind === 'polygon' && g.points.length >= 2) {
    const xs = g.points.filter((_, i) => i % 2 === 0);
    const ys = g.points.filter((_, i) => i % 2 === 1);
    box = [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
  }
  const size = 72;
  if (g.kind === 'cuboid3d') return <Crop3d itemId={itemId} object={object} size={size} />;
  if (!box) return <div className="crop" />;
  const w = Math.max(1, box[2] - box[0]);
  const h = Math.max(1, box[3] - box[1]);
  const scale = size / Math.max(w, h);
  return (
    <div className="crop" style={{ width: size, height: size }}>
      <div
        style={{
          width: w * scale,
          height: h * scale,
          backgroundImage: `url(/blob/item/${itemId})`,
          backgroundPosition: `${-box[0] * scale}px ${-box[1] * scale}px`,
          backgroundSize: `auto`,
          transform: 'none',
          // The whole image scaled by `scale`: set via CSS zoom-free background-size on load.
          backgroundRepeat: 'no-repeat',
        }}
        ref={(el) => {
          if (!el) return;
          const img = new Image();
          img.onload = () => (el.style.backgroundSize = `${img.naturalWidth * scale}px ${img.naturalHeight * scale}px`);
          img.src = `/blob/item/${itemId}`;
        }}
      />
    </div>
  );
}

/**
 * A 3D prediction: the points around it from above (heading up, the box dashed) and, when the
 * item has a calibrated camera that sees it, the camera crop; both made by the host
 * (/thumb/prediction/..., main/services/predictionCrops.ts). The size is in the tooltip and below.
 */
function Crop3d({ itemId, object, size }: { itemId: string; object: AnnotationObject; size: number }) {
  const g = object.geometry as Extract<AnnotationObject['geometry'], { kind: 'cuboid3d' }>;
  const [camera, setCamera] = useState(true);
  const base = `/thumb/prediction/${encodeURIComponent(itemId)}/${encodeURIComponent(object.id)}`;
  const dims = g.size.map((v) => v.toFixed(1)).join('×');
  return (
    <div className="crop3d-pair" data-testid="review-3d" title={`3D (m) ${dims} (length × width × height)`}>
      <img className="crop" src={`${base}/bev`} width={size} height={size} alt="" data-testid="review-3d-bev" />
      {camera ? <img className="crop crop-camera" src={`${base}/camera`} height={size} alt="" onError={() => setCamera(false)} data-testid="review-3d-camera" /> : null}
      <span className="mono muted small">{dims} m</span>
    </div>
  );
}
