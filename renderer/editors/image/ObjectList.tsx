/** The image editor's object list: one row per shape (label, kind, score) with z-order, hide, lock and delete. */
import { useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AnnotationObject, LabelSpec } from '../../../core/document/schema';

const ICON = {
  visible: 'M1.5 8s2.5-4.5 6.5-4.5S14.5 8 14.5 8 12 12.5 8 12.5 1.5 8 1.5 8zM8 10a2 2 0 100-4 2 2 0 000 4z',
  hidden: 'M2 2l12 12M6.5 4C7 3.8 7.5 3.5 8 3.5c4 0 6.5 4.5 6.5 4.5s-.7 1.3-2 2.5M4 5.5C2.4 6.7 1.5 8 1.5 8S4 12.5 8 12.5c.9 0 1.7-.2 2.4-.5',
  locked: 'M4 7h8v6H4zM5.5 7V5a2.5 2.5 0 015 0v2',
  unlocked: 'M4 7h8v6H4zM5.5 7V5a2.5 2.5 0 014.8-1',
  up: 'M8 13V3M4 7l4-4 4 4',
  down: 'M8 3v10M4 9l4 4 4-4',
  remove: 'M4 4l8 8M12 4l-8 8',
};

function Icon({ d }: { d: string }) {
  return (
    <svg viewBox="0 0 16 16" width="14" height="14" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" strokeLinejoin="round" aria-hidden>
      <path d={d} />
    </svg>
  );
}

export function ObjectRow(props: {
  o: AnnotationObject;
  label: LabelSpec | undefined;
  selected: boolean;
  onSelect(add: boolean): void;
  onToggle(flag: 'hidden' | 'locked'): void;
  onDelete(): void;
  onOrder(d: 1 | -1): void;
}) {
  const { t } = useTranslation();
  const { o } = props;
  return (
    <li
      className={`ie-object${props.selected ? ' selected' : ''}${o.hidden ? ' hidden' : ''}`}
      onClick={(e) => props.onSelect(e.shiftKey)}
      data-testid="object-row"
      data-kind={o.geometry.kind}
    >
      <i className="swatch" style={{ background: props.label?.color ?? '#888' }} />
      <span className="name">{props.label?.name ?? o.label}</span>
      <span className="kind muted small">{t(`image.kinds.${o.geometry.kind}`)}</span>
      {o.source.kind !== 'human' ? <span className="badge small">{Math.round(o.source.score * 100)}%</span> : null}
      <span className="actions" onClick={(e) => e.stopPropagation()}>
        <button className="icon" title={t('image.backward')} onClick={() => props.onOrder(-1)}>
          <Icon d={ICON.down} />
        </button>
        <button className="icon" title={t('image.forward')} onClick={() => props.onOrder(1)}>
          <Icon d={ICON.up} />
        </button>
        <button className={`icon${o.hidden ? ' on' : ''}`} title={t('image.hide')} onClick={() => props.onToggle('hidden')} data-testid="toggle-hidden">
          <Icon d={o.hidden ? ICON.hidden : ICON.visible} />
        </button>
        <button className={`icon${o.locked ? ' on' : ''}`} title={t('image.lock')} onClick={() => props.onToggle('locked')} data-testid="toggle-locked">
          <Icon d={o.locked ? ICON.locked : ICON.unlocked} />
        </button>
        <button className="icon danger" title={t('image.remove')} onClick={props.onDelete} data-testid="delete-object">
          <Icon d={ICON.remove} />
        </button>
      </span>
    </li>
  );
}

/** The "Objects" section: rows sorted as drawn (top of the list = drawn on top), memoised because a drag re-renders the editor on every move and the list may hold thousands of rows. */
export function ObjectsSection(props: {
  shapes: AnnotationObject[];
  labels: Map<string, LabelSpec>;
  selection: string[];
  /** Tracks (video, sequences): ties in z-order go to the later record, as paintOrder draws them. */
  tracks: boolean;
  onSelect(ids: string[]): void;
  onToggle(id: string, flag: 'hidden' | 'locked'): void;
  onDelete(id: string): void;
  onOrder(id: string, d: 1 | -1): void;
}) {
  const { t } = useTranslation();
  const latest = useRef(props);
  latest.current = props;
  const { shapes, labels, selection, tracks } = props;
  const rows = useMemo(
    () =>
      shapes
        .map((o, i) => [o, i] as const)
        .sort((a, b) => b[0].zOrder - a[0].zOrder || (tracks ? b[1] - a[1] : 0))
        .map(([o]) => (
          <ObjectRow
            key={o.id}
            o={o}
            label={labels.get(o.label)}
            selected={selection.includes(o.id)}
            onSelect={(add) => latest.current.onSelect(add ? (selection.includes(o.id) ? selection.filter((i) => i !== o.id) : [...selection, o.id]) : [o.id])}
            onToggle={(flag) => latest.current.onToggle(o.id, flag)}
            onDelete={() => latest.current.onDelete(o.id)}
            onOrder={(d) => latest.current.onOrder(o.id, d)}
          />
        )),
    [shapes, selection, labels, tracks],
  );
  return (
    <section>
      <h3>
        {t('image.objects')} <span className="muted small" data-testid="object-count">{t('image.count', { count: shapes.length })}</span>
      </h3>
      {shapes.length === 0 ? <p className="muted small">{t('image.noObjects')}</p> : null}
      <ul className="ie-objects">{rows}</ul>
    </section>
  );
}

/** Image-level tags (still images only): chips with remove, and a label picker to add one. */
export function TagsSection(props: { tags: AnnotationObject[]; labels: Map<string, LabelSpec>; ontology: LabelSpec[]; onRemove(id: string): void; onAdd(label: LabelSpec): void }) {
  const { t } = useTranslation();
  const [tagLabel, setTagLabel] = useState<string>(props.ontology[0]?.id ?? '');
  const { tags, labels, ontology } = props;
  return (
    <section>
      <h3>{t('image.tags')}</h3>
      <div className="ie-tags" data-testid="tags">
        {tags.length === 0 ? <span className="muted small">{t('image.noTags')}</span> : null}
        {tags.map((o) => (
          <span key={o.id} className="ie-tag" style={{ '--chip': labels.get(o.label)?.color ?? '#888' } as React.CSSProperties} data-testid="tag">
            {labels.get(o.label)?.name ?? o.label}
            <button className="link" aria-label={t('image.remove')} onClick={() => props.onRemove(o.id)}>
              ×
            </button>
          </span>
        ))}
      </div>
      {ontology.length ? (
        <div className="ie-row">
          <select value={tagLabel} onChange={(e) => setTagLabel(e.target.value)} data-testid="tag-label" aria-label={t('image.label')}>
            {ontology.map((l) => (
              <option key={l.id} value={l.id}>
                {l.name}
              </option>
            ))}
          </select>
          <button
            className="ghost small"
            data-testid="add-tag"
            onClick={() => {
              const l = labels.get(tagLabel) ?? ontology[0];
              if (!l || tags.some((o) => o.label === l.id)) return;
              props.onAdd(l);
            }}
          >
            + {t('image.addTag')}
          </button>
        </div>
      ) : null}
    </section>
  );
}
