/**
 * Parser and calibration warnings of the LiDAR editor as a dismissible notice above the 3D view
 * (in the layout, not drawn over the points). A dismissed warning stays hidden until its text
 * changes (another cloud, another layout).
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

export function LidarWarnings(p: { cloudWarnings: string[]; extrinsicWarnings: string[] }) {
  const { t } = useTranslation();
  const [dismissed, setDismissed] = useState<Set<string>>(() => new Set());
  const rows = [
    { id: 'cloud-warning', text: p.cloudWarnings.join(' ') },
    { id: 'extrinsic-warning', text: p.extrinsicWarnings.join(' ') },
  ].filter((r) => r.text && !dismissed.has(`${r.id}\0${r.text}`));
  if (!rows.length) return null;
  return (
    // Pointer events stay here: the 3D view's tools listen on the parent.
    <div className="lidar-warnings" role="status" onPointerDown={(e) => e.stopPropagation()} onPointerMove={(e) => e.stopPropagation()} onPointerUp={(e) => e.stopPropagation()}>
      {rows.map((r) => (
        <div key={r.id} className="lidar-warning" data-testid={r.id}>
          <span>⚠ {r.text}</span>
          <button
            className="lidar-warning-dismiss"
            data-testid={`${r.id}-dismiss`}
            title={t('errors.dismiss')}
            aria-label={t('errors.dismiss')}
            onClick={() => setDismissed((s) => new Set(s).add(`${r.id}\0${r.text}`))}
          >
            ✕
          </button>
        </div>
      ))}
    </div>
  );
}
