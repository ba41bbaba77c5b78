/**
 * The sample image of an import check with the model's boxes drawn over it (an SVG in the image's
 * own pixel coordinates over the item's thumbnail, so the boxes land where the model put them),
 * and the best predictions listed beside it.
 */
import { useTranslation } from 'react-i18next';
import type { MethodOutput } from '../../../preload/contract';

type Sample = NonNullable<MethodOutput<'models.import'>['sample']>;
const SHOWN = 8;

export function SamplePreview({ sample }: { sample: Sample }) {
  const { t } = useTranslation();
  const boxes = sample.predictions.filter((p) => p.box && p.box.length === 4);
  return (
    <div className="sample-preview">
      <div className="sample-image" style={{ aspectRatio: `${sample.width} / ${sample.height}` }}>
        <img src={`/thumb/${encodeURIComponent(sample.itemId)}`} alt={sample.name} />
        <svg viewBox={`0 0 ${sample.width} ${sample.height}`} preserveAspectRatio="none" data-testid="sample-boxes">
          {boxes.map((p, i) => (
            <rect key={i} x={p.box![0]} y={p.box![1]} width={p.box![2] - p.box![0]} height={p.box![3] - p.box![1]} vectorEffect="non-scaling-stroke" />
          ))}
        </svg>
      </div>
      <ol className="sample-list small mono" data-testid="sample-predictions">
        {sample.predictions.slice(0, SHOWN).map((p, i) => (
          <li key={i}>
            {p.label} {p.score.toFixed(2)}
          </li>
        ))}
        {sample.predictions.length > SHOWN ? <li className="muted">{t('modelImport.more', { count: sample.predictions.length - SHOWN })}</li> : null}
      </ol>
    </div>
  );
}
