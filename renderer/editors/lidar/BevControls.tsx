/** The view controls in the LiDAR toolbar: 3D / bird's-eye, orientation, range presets, framing. */
import { useTranslation } from 'react-i18next';
import { RANGE_PRESETS, type LidarViewState } from './bevView';
import type { LidarViewCommands } from './useLidarKeys';

export function BevControls({ view, commands, hasSelection }: { view: LidarViewState; commands: LidarViewCommands; hasSelection: boolean }) {
  const { t } = useTranslation();
  return (
    <div className="lidar-seg lidar-bev" title={t('lidar.bevHelp')}>
      <button className={!view.bev ? 'active' : ''} onClick={() => view.bev && commands.toggle()} data-testid="view-3d">{t('lidar.view3d')}</button>
      <button className={view.bev ? 'active' : ''} onClick={() => !view.bev && commands.toggle()} data-testid="view-bev">{t('lidar.viewBev')}</button>
      {view.bev ? (
        <>
          <button onClick={commands.toggleOrientation} title={t('lidar.orientationHelp')} data-testid="bev-orientation" data-orientation={view.orientation}>
            {t(view.orientation === 'north' ? 'lidar.northUp' : 'lidar.headingUp')}
          </button>
          {RANGE_PRESETS.map((r, i) => (
            <button key={r} className={view.range === r ? 'active' : ''} onClick={() => commands.preset(r)} title={t('lidar.rangePresetHelp', { range: r, key: i + 1 })} data-testid={`bev-range-${r}`}>
              {t('lidar.rangePreset', { range: r })}
            </button>
          ))}
          <button onClick={commands.frameAll} title={t('lidar.frameAllHelp')} data-testid="bev-frame-all">{t('lidar.frameAll')}</button>
          <button onClick={() => commands.frameSelection()} disabled={!hasSelection} title={t('lidar.frameSelectionHelp')} data-testid="bev-frame-selection">{t('lidar.frameSelection')}</button>
          <span className="muted small mono" data-testid="bev-range" data-range={view.range.toFixed(2)} data-center={view.center.map((c) => c.toFixed(2)).join(',')}>
            {t('lidar.rangeShown', { range: view.range < 10 ? view.range.toFixed(1) : Math.round(view.range) })}
          </span>
        </>
      ) : null}
    </div>
  );
}
