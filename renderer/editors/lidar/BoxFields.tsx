/**
 * The selected cuboid's centre, size (metres) and yaw (degrees) as typed fields, in the cloud
 * file's coordinates. Enter or leaving a field commits it as one undo step (an unchanged value is
 * no step); input that is not a number, or a size outside 0.01–100 m, is refused with a message
 * and the field keeps the text until it is fixed or Escape restores the value.
 */
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Cuboid3D } from '../../../core/document/schema';
import { BOX_FIELDS, fieldChanged, formatField, parseField, withField, type BoxField } from './boxFields';

const LABEL: Record<BoxField, string> = { x: 'lidar.fieldX', y: 'lidar.fieldY', z: 'lidar.fieldZ', length: 'lidar.fieldLength', width: 'lidar.fieldWidth', height: 'lidar.fieldHeight', yaw: 'lidar.fieldYaw' };

export function BoxFields({ box, boxKey, onCommit }: { box: Cuboid3D; boxKey: string; onCommit(next: Cuboid3D, field: BoxField): void }) {
  const { t } = useTranslation();
  const [error, setError] = useState<{ field: BoxField; message: string } | null>(null);
  /** Set while Enter / Escape blur the field themselves, so the blur does not commit a second time. */
  const leaving = useRef(false);
  const leave = (input: HTMLInputElement) => {
    leaving.current = true;
    input.blur();
    leaving.current = false;
  };
  const commit = (f: BoxField, input: HTMLInputElement) => {
    const r = parseField(f, input.value);
    if ('error' in r) {
      setError({ field: f, message: t(r.error, { field: t(LABEL[f]), text: input.value }) });
      return false;
    }
    setError((e) => (e?.field === f ? null : e));
    if (fieldChanged(box, f, r.value)) onCommit(withField(box, f, r.value), f);
    else input.value = formatField(box, f);
    return true;
  };
  return (
    <div className="lidar-fields" title={t('lidar.fieldHelp')}>
      <div className="muted small">{t('lidar.geometry')}</div>
      <div className="lidar-fields-grid">
        {BOX_FIELDS.map((f) => (
          <label key={f} className="small">
            <span className="muted">{t(LABEL[f])}</span>
            <input
              key={`${boxKey}-${f}-${formatField(box, f)}`}
              className={`mono ${error?.field === f ? 'invalid' : ''}`}
              defaultValue={formatField(box, f)}
              inputMode="decimal"
              aria-invalid={error?.field === f}
              data-testid={`box-field-${f}`}
              onBlur={(e) => !leaving.current && commit(f, e.currentTarget)}
              onKeyDown={(e) => {
                if (e.key === 'Enter') {
                  // Committed: the keys go back to the view (Ctrl+Z undoes the field, arrows nudge).
                  if (commit(f, e.currentTarget)) leave(e.currentTarget);
                } else if (e.key === 'Escape') {
                  e.currentTarget.value = formatField(box, f);
                  setError(null);
                  leave(e.currentTarget);
                }
              }}
            />
          </label>
        ))}
      </div>
      {error ? (
        <div className="error-text small" role="alert" data-testid="box-field-error">
          {error.message}
        </div>
      ) : null}
    </div>
  );
}
