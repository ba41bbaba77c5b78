import { useTranslation } from 'react-i18next';
import type { LabelSpec } from '../../../core/document/schema';
import { LIDAR_TOOLS, type LidarToolName } from './tools';
import type { LidarViewState } from './bevView';
import { BevControls } from './BevControls';
import type { LidarViewCommands } from './useLidarKeys';

const TOOL_KEYS: Record<LidarToolName, string> = { select: 'V', box: 'B', fit: 'C', lasso: 'P' };

export function LidarToolbar(p: {
  tool: LidarToolName;
  setTool(t: LidarToolName): void;
  view: LidarViewState;
  viewCommands: LidarViewCommands;
  hasSelection: boolean;
  labels: readonly LabelSpec[];
  activeLabel: string;
  pickLabel(id: string): void;
  refit(which: 'selected' | 'frame'): void;
  /** Points on the camera images (absent without cameras). */
  cameraPoints?: { on: boolean; toggle(): void };
}) {
  const { t } = useTranslation();
  return (
    <div className="lidar-toolbar">
      <div className="lidar-seg">
        {LIDAR_TOOLS.map((tl) => (
          <button key={tl} className={p.tool === tl ? 'active' : ''} onClick={() => p.setTool(tl)} data-testid={`tool-${tl}`}>
            {t(`lidar.${tl}`)} <kbd>{TOOL_KEYS[tl]}</kbd>
          </button>
        ))}
      </div>
      <BevControls view={p.view} commands={p.viewCommands} hasSelection={p.hasSelection} />
      <div className="lidar-seg">
        <button disabled={!p.hasSelection} onClick={() => p.refit('selected')} title={t('shortcutsLidar.refit')} data-testid="refit-selected">
          {t('lidar.refit')} <kbd>R</kbd>
        </button>
        <button onClick={() => p.refit('frame')} title={t('shortcutsLidar.refitAll')} data-testid="refit-all">
          {t('lidar.refitAll')} <kbd>⇧F</kbd>
        </button>
      </div>
      {p.cameraPoints ? (
        <div className="lidar-seg">
          <button className={p.cameraPoints.on ? 'active' : ''} onClick={p.cameraPoints.toggle} title={t('lidar.cameraPointsHelp')} aria-pressed={p.cameraPoints.on} data-testid="camera-points-toggle">
            {t('lidar.cameraPoints')} <kbd>⇧C</kbd>
          </button>
        </div>
      ) : null}
      <div className="lidar-labels">
        {p.labels.map((l, i) => (
          <button key={l.id} className={`lidar-chip ${p.activeLabel === l.id ? 'active' : ''}`} style={{ ['--chip' as string]: l.color }} onClick={() => p.pickLabel(l.id)} data-testid={`label-chip-${l.id}`}>
            <span className="dot" />
            {l.name}
            {(l.hotkey ?? (i < 9 ? String(i + 1) : '')) && <kbd>{l.hotkey ?? i + 1}</kbd>}
          </button>
        ))}
      </div>
    </div>
  );
}
