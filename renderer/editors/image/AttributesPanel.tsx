/** The image editor's attribute panel: label and typed attributes of the selected object, its provenance. */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AnnotationObject, AttributeSpec, AttributeValue, LabelSpec, Track } from '../../../core/document/schema';
import { Provenance } from '../shell/Provenance';

export function AttributesPanel(props: { o: AnnotationObject; labels: LabelSpec[]; onLabel(l: LabelSpec): void; onChange(attr: string, value: AttributeValue): void }) {
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

/** Video and sequences: the selected track's keyframe state, "leaves view", delete keyframe, propagate over N frames. */
export function TrackPanel(props: {
  track: Track;
  onKeyframe: boolean;
  frameCount: number | undefined;
  propagateCount: number;
  setPropagateCount(n: number): void;
  onOutside(): void;
  onDeleteKeyframe(): void;
  onPropagate(): void;
}) {
  const { t } = useTranslation();
  const { track, onKeyframe } = props;
  return (
    <div className="ie-track" data-testid="track-panel">
      <p className="muted small">
        {onKeyframe ? t('image.video.keyframe') : t('image.video.interpolated')} · {t('image.video.keyframes', { count: track.keyframes.length })}
      </p>
      <div className="ie-row">
        <button className="ghost small" disabled={!!track.locked} onClick={props.onOutside} data-testid="track-outside">
          {t('image.video.outside')}
        </button>
        <button className="ghost small" disabled={!onKeyframe || !!track.locked} onClick={props.onDeleteKeyframe} data-testid="delete-keyframe">
          {t('image.video.deleteKeyframe')}
        </button>
      </div>
      <div className="ie-row">
        <button className="ghost small" disabled={!!track.locked} onClick={props.onPropagate} data-testid="propagate">
          {t('image.video.propagate')}
        </button>
        <input
          type="number"
          className="ie-propagate-count"
          min={1}
          max={Math.max(1, (props.frameCount ?? 2) - 1)}
          value={props.propagateCount}
          onChange={(e) => props.setPropagateCount(Math.max(1, Math.floor(Number(e.target.value)) || 1))}
          aria-label={t('image.video.propagateFrames')}
          title={t('image.video.propagateFrames')}
          style={{ width: 56 }}
          data-testid="propagate-count"
        />
      </div>
    </div>
  );
}
