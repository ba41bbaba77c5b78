/**
 * The image editor's prediction review summary (side panel): how many predictions wait on this
 * image, the threshold for "accept all above" (Shift+Enter) and its button, and the keys.
 */
import { useTranslation } from 'react-i18next';
import type { ImageReview } from './useImageReview';

export function ReviewSection({ review }: { review: ImageReview }) {
  const { t } = useTranslation();
  return (
    <section data-testid="image-review">
      <h3>{t('image.review.title')}</h3>
      <p className="small" data-testid="image-review-pending">
        {review.inFrame.length ? t('image.review.pending', { count: review.inFrame.length }) : t('image.review.none')}
      </p>
      {review.inFrame.length ? (
        <>
          <label className="small">
            {t('image.review.threshold', { value: review.threshold.toFixed(2) })}
            <input type="range" min={0} max={1} step={0.05} value={review.threshold} onChange={(e) => review.setThreshold(Number(e.target.value))} data-testid="image-review-threshold" />
          </label>
          <button className="small" disabled={!review.above.length} onClick={() => review.acceptAbove()} data-testid="image-review-accept-above" title={t('image.review.acceptAboveHelp')}>
            {t('image.review.acceptAbove', { count: review.above.length, value: review.threshold.toFixed(2) })}
          </button>
          <p className="muted small">{t('image.review.keys')}</p>
        </>
      ) : null}
    </section>
  );
}
