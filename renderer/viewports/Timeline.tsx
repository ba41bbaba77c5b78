import { useTranslation } from 'react-i18next';

/** Play/pause, a frame slider and the frame label, shared by every frame-based editor. */
export function Timeline(props: { count: number; frame: number; setFrame(f: number): void; playing: boolean; setPlaying(p: boolean): void }) {
  const { t } = useTranslation();
  return (
    <div className="timeline">
      <button className="ghost" onClick={() => props.setPlaying(!props.playing)}>
        {props.playing ? `❚❚ ${t('viewer.pause')}` : `▶ ${t('viewer.play')}`}
      </button>
      <input type="range" min={0} max={Math.max(0, props.count - 1)} value={props.frame} onChange={(e) => props.setFrame(Number(e.target.value))} aria-label={t('shell.frames')} />
      <span className="muted small mono" data-testid="frame-label">
        {t('viewer.frame', { n: props.frame + 1, total: props.count })}
      </span>
    </div>
  );
}
