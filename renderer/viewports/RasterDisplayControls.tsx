/**
 * Band selection (R, G, B), per-band percentile stretch and presets for a multiband GeoTIFF,
 * saved per project (ProjectSettings.rasterDisplay): the host draws the tiles with it.
 */
import { useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { rpc } from '../transport';
import { useApp } from '../state/appStore';
import { reportError } from '../state/actions';
import { DISPLAY_PRESETS, displayKey, effectiveDisplay, type DisplayPreset, type RasterDisplay } from '../../core/geo/display';

export function RasterDisplayControls({ bandCount }: { bandCount: number }) {
  const { t } = useTranslation();
  const saved = useApp((s) => s.project?.settings.rasterDisplay);
  const pendingSave = useRef(0);
  const shown = effectiveDisplay(saved, bandCount);
  // Changes build on the last one asked for, not the last one saved: two quick picks both count.
  const latest = useRef(shown);
  if (!pendingSave.current) latest.current = shown;
  const d = latest.current;
  // Saves go one after another: the host's settings update is read-modify-write, so two in flight
  // could land out of order and the older pick win.
  const queue = useRef<Promise<void>>(Promise.resolve());
  const save = (next: RasterDisplay) => {
    latest.current = next;
    pendingSave.current++;
    queue.current = queue.current.then(async () => {
      try {
        const project = await rpc.call('project.updateSettings', { settings: { rasterDisplay: next } });
        if (pendingSave.current === 1) useApp.getState().set({ project }); // only the last answer is shown
      } catch (err) {
        reportError(err);
      } finally {
        pendingSave.current--;
      }
    });
  };
  const presets = (Object.keys(DISPLAY_PRESETS) as DisplayPreset[]).filter((p) => Math.max(...DISPLAY_PRESETS[p].bands) < bandCount);
  const current = presets.find((p) => displayKey(DISPLAY_PRESETS[p]) === displayKey(d)) ?? '';
  const channels = ['R', 'G', 'B'] as const;
  return (
    <span className="raster-display" data-testid="raster-display">
      <select
        className="small"
        data-testid="raster-preset"
        value={current}
        aria-label={t('geo.preset')}
        onChange={(e) => e.target.value && void save({ ...DISPLAY_PRESETS[e.target.value as DisplayPreset], bands: [...DISPLAY_PRESETS[e.target.value as DisplayPreset].bands] })}
      >
        <option value="">{t('geo.custom')}</option>
        {presets.map((p) => (
          <option key={p} value={p}>
            {t(`geo.presets.${p}`)}
          </option>
        ))}
      </select>
      {channels.map((c, i) => (
        <label key={c} className="small">
          {c}{' '}
          <select
            data-testid={`raster-band-${c}`}
            value={d.bands[i]}
            onChange={(e) => {
              const bands = [...latest.current.bands] as RasterDisplay['bands'];
              bands[i] = Number(e.target.value);
              void save({ ...latest.current, bands });
            }}
          >
            {Array.from({ length: bandCount }, (_, b) => (
              <option key={b} value={b}>
                {b + 1}
              </option>
            ))}
          </select>
        </label>
      ))}
      <label className="small" title={t('geo.stretchHelp')}>
        {t('geo.stretch')}{' '}
        <input
          type="number"
          data-testid="raster-low"
          min={0}
          max={49}
          step={0.5}
          value={d.low}
          style={{ width: 52 }}
          onChange={(e) => Number.isFinite(e.target.valueAsNumber) && e.target.valueAsNumber >= 0 && e.target.valueAsNumber <= 49 && void save({ ...latest.current, low: e.target.valueAsNumber })}
        />
        –
        <input
          type="number"
          data-testid="raster-high"
          min={51}
          max={100}
          step={0.5}
          value={d.high}
          style={{ width: 52 }}
          onChange={(e) => Number.isFinite(e.target.valueAsNumber) && e.target.valueAsNumber >= 51 && e.target.valueAsNumber <= 100 && void save({ ...latest.current, high: e.target.valueAsNumber })}
        />
        %
      </label>
    </span>
  );
}
