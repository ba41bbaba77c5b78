/**
 * The side panel's prediction review card (useLidarReview.ts): how many predictions wait in this
 * frame and in all, previous / next, the threshold and "accept all at or above it" in this frame
 * or the whole sequence (the count is on the button before it is pressed; one undo step each).
 * Per-prediction accept / reject are in the object list (PredictionTag).
 */
import { useTranslation } from 'react-i18next';
import type { AnnotationObject } from '../../../../core/document/schema';
import { predictionsAbove } from './reviewModel';
import type { LidarReview } from './useLidarReview';

export function ReviewPanel({ review, isSeq }: { review: LidarReview; isSeq: boolean }) {
  const { t } = useTranslation();
  const frame = review.inFrame[0]?.frame ?? null;
  const value = review.threshold.toFixed(2);
  const inFrame = frame === null ? 0 : predictionsAbove(review.inFrame, review.threshold, frame).length;
  const inAll = predictionsAbove(review.all, review.threshold, null).length;
  if (!review.all.length && !review.remembered) return null;
  return (
    <section className="lidar-card lidar-review" data-testid="lidar-review">
      <h4>{t('lidarReview.title')}</h4>
      <span className="small" data-testid="lidar-review-count">
        {t('lidarReview.pending', { count: review.inFrame.length, total: review.all.length })}
      </span>
      {review.all.length ? (
        <>
          <div className="row wrap">
            <button className="small" onClick={() => review.go(-1)} title={t('lidarReview.navHelp')} data-testid="prediction-prev">
              {t('lidarReview.prev')}
            </button>
            <button className="small" onClick={() => review.go(1)} title={t('lidarReview.navHelp')} data-testid="prediction-next">
              {t('lidarReview.next')}
            </button>
            <label className="small muted grow">
              {t('lidarReview.threshold', { value })}
              <input type="range" min={0} max={1} step={0.05} value={review.threshold} onChange={(e) => review.setThreshold(Number(e.target.value))} data-testid="lidar-review-threshold" />
            </label>
          </div>
          <div className="row wrap">
            <button className="primary small" disabled={!inFrame} onClick={() => review.acceptAbove('frame')} data-testid="accept-frame-above">
              {t('lidarReview.acceptFrame', { count: inFrame, value })}
            </button>
            {isSeq ? (
              <button className="small" disabled={!inAll} onClick={() => review.acceptAbove('sequence')} data-testid="accept-sequence-above">
                {t('lidarReview.acceptSequence', { count: inAll, value })}
              </button>
            ) : null}
          </div>
        </>
      ) : (
        <p className="muted small">{t('lidarReview.none')}</p>
      )}
      {review.remembered ? <span className="muted small" data-testid="lidar-review-remembered">{t('lidarReview.rejectedCount', { count: review.remembered })}</span> : null}
    </section>
  );
}

/** In the object list: a prediction's score and model; pending ones get accept / reject. */
export function PredictionTag({ object, review }: { object: AnnotationObject; review: LidarReview }) {
  const { t } = useTranslation();
  if (object.source.kind === 'human') return null;
  const pending = review.isPending(object.id);
  return (
    <span className={pending ? 'lidar-pred pending' : 'lidar-pred'} data-testid={pending ? 'prediction-pending' : 'prediction-reviewed'} title={t('lidarReview.model', { model: object.source.model })}>
      <span className="mono">{object.source.score.toFixed(2)}</span>
      <span className="muted small">{object.source.model}</span>
      {pending ? (
        <>
          <button className="ghost small" title={t('lidarReview.acceptHelp')} onClick={(e) => (e.stopPropagation(), review.accept(object.id))} data-testid="prediction-accept">
            ✓ {t('lidarReview.accept')}
          </button>
          <button className="danger small" title={t('lidarReview.rejectHelp')} onClick={(e) => (e.stopPropagation(), review.reject(object.id))} data-testid="prediction-reject">
            ✕ {t('lidarReview.reject')}
          </button>
        </>
      ) : object.accepted ? (
        <span className="muted small">✓</span>
      ) : null}
    </span>
  );
}
