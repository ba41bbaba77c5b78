/** The image editor's tool bar (tools, brush size, undo / redo) and label bar (label chips with hotkeys, the tool's hint). */
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { LabelSpec } from '../../../core/document/schema';
import { TOOL_KEYS, type ToolName } from './tools';

export const TOOLS: ToolName[] = ['select', 'box', 'rotatedBox', 'polygon', 'polyline', 'points', 'skeleton', 'brush', 'eraser', 'segment'];
const TOOL_ICONS: Record<ToolName, ReactNode> = {
  select: <path d="M5 3l12 8-5 1.5 3 6-2 1-3-6L6 17z" />,
  box: <rect x="4" y="5" width="14" height="12" rx="1" />,
  rotatedBox: <path d="M9 3l10 6-6 10-10-6z" />,
  polygon: <path d="M4 8l7-5 8 5-3 10H7z" />,
  polyline: <path d="M3 17l5-8 5 5 6-10" fill="none" />,
  points: (
    <g>
      <circle cx="6" cy="7" r="2" />
      <circle cx="15" cy="5" r="2" />
      <circle cx="11" cy="15" r="2" />
    </g>
  ),
  skeleton: (
    <g>
      <path d="M11 5v7M5 9l6-1 6 1M11 12l-4 6M11 12l4 6" fill="none" />
      <circle cx="11" cy="4" r="2" />
    </g>
  ),
  brush: <path d="M15 3l4 4-8 8-4-4zM6 12l4 4c-1 3-4 4-7 4 1-2 0-6 3-8z" />,
  eraser: <path d="M13 4l6 6-8 8H6l-3-3zM8 9l6 6" />,
  segment: <path d="M5 14c-2-4 1-9 6-9s8 4 6 8-5 5-8 4M3 19l4-4M12 3l.6 1.6L14 5l-1.4.6L12 7l-.6-1.4L10 5l1.4-.4z" />,
};

export function ImageToolbar(props: {
  toolName: ToolName;
  chooseTool(name: ToolName): void;
  samModel: string | null;
  brushRadius: number;
  setBrushRadius(r: number): void;
  undo(): void;
  redo(): void;
  canUndo: boolean;
  canRedo: boolean;
}) {
  const { t } = useTranslation();
  const { toolName, samModel, brushRadius } = props;
  return (
    <div className="ie-toolbar" role="toolbar">
      <div className="ie-tools">
        {TOOLS.map((name) => (
          <button
            key={name}
            className={`ie-tool${toolName === name ? ' active' : ''}`}
            onClick={() => props.chooseTool(name)}
            disabled={name === 'segment' && !samModel}
            title={name === 'segment' && !samModel ? `${t('image.tools.segment')} — ${t('image.noSamModel')}` : `${t(`image.tools.${name}`)} (${TOOL_KEYS[name]}) — ${t(`image.toolHints.${name}`)}`}
            aria-pressed={toolName === name}
            data-testid={`tool-${name}`}
          >
            <svg viewBox="0 0 22 22" width="18" height="18" aria-hidden>
              {TOOL_ICONS[name]}
            </svg>
            <span className="ie-tool-name">{t(`image.tools.${name}`)}</span>
            <kbd>{TOOL_KEYS[name]}</kbd>
          </button>
        ))}
      </div>
      {toolName === 'brush' || toolName === 'eraser' ? (
        <label className="ie-brush">
          {t('image.brushSize')}
          <input type="range" min={1} max={100} value={brushRadius} onChange={(e) => props.setBrushRadius(Number(e.target.value))} data-testid="brush-size" />
          <span className="mono small">{brushRadius * 2}px</span>
        </label>
      ) : null}
      <div className="ie-spacer" />
      <button className="ghost small" onClick={props.undo} disabled={!props.canUndo} data-testid="undo" title="Ctrl+Z">
        ↶ {t('image.undo')}
      </button>
      <button className="ghost small" onClick={props.redo} disabled={!props.canRedo} data-testid="redo" title="Ctrl+Shift+Z">
        ↷ {t('image.redo')}
      </button>
    </div>
  );
}

export function LabelBar(props: { labels: LabelSpec[]; labelId: string | null; onPick(l: LabelSpec): void; hint: string }) {
  const { t } = useTranslation();
  return (
    <div className="ie-labels" role="radiogroup" aria-label={t('image.label')}>
      {props.labels.length === 0 ? <span className="muted small">{t('image.noLabels')}</span> : null}
      {props.labels.map((l) => (
        <button
          key={l.id}
          role="radio"
          aria-checked={l.id === props.labelId}
          className={`ie-label-chip${l.id === props.labelId ? ' active' : ''}`}
          style={{ '--chip': l.color } as React.CSSProperties}
          onClick={() => props.onPick(l)}
          data-testid="label-chip"
        >
          <i />
          {l.name}
          {l.hotkey ? <kbd>{l.hotkey}</kbd> : null}
        </button>
      ))}
      <span className="ie-hint muted small" data-testid="tool-hint">
        {props.hint}
      </span>
    </div>
  );
}
