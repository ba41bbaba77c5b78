/**
 * How a GeoTIFF is drawn, saved per project (ProjectSettings.rasterDisplay; the host draws the
 * tiles with it): RGB mode (band per channel, each with its own stretch: percentiles, the band's
 * min-max or typed values, and a gamma; presets) or palette mode (one band through a colour map,
 * with a legend in the band's units).
 */
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { rpc } from '../transport';
import { useApp } from '../state/appStore';
import { reportError } from '../state/actions';
import { DISPLAY_PRESETS, PALETTES, displayKey, effectiveDisplay, type BandStretch, type DisplayPreset, type EffectiveDisplay, type PaletteName, type RasterDisplay, type StretchKind } from '../../core/geo/display';
import { paletteGradient } from '../../core/geo/palette';

/** The saved form of what is drawn (every field explicit, so a later edit changes only one). */
function toSaved(e: EffectiveDisplay, raw: RasterDisplay | undefined): RasterDisplay {
  // in palette mode the RGB bands are kept as they were, for switching back
  const bands: RasterDisplay['bands'] = e.mode === 'palette' ? [...(raw?.bands ?? [0, 1, 2])] : [...e.bands];
  return { bands, low: e.low, high: e.high, mode: e.mode, palette: e.palette, paletteBand: e.bands[0], stretch: e.stretch.map((s) => ({ ...s })) };
}

export function RasterDisplayControls({ itemId, bandCount }: { itemId: string; bandCount: number }) {
  const { t } = useTranslation();
  const saved = useApp((s) => s.project?.settings.rasterDisplay) as RasterDisplay | undefined;
  const pendingSave = useRef(0);
  const shown = effectiveDisplay(saved, bandCount);
  // Changes build on the last one asked for, not the last one saved: two quick picks both count.
  const latest = useRef(shown);
  const latestRaw = useRef(saved);
  if (!pendingSave.current) latestRaw.current = saved;
  if (!pendingSave.current) latest.current = shown;
  const d = latest.current;
  // Saves go one after another: the host's settings update is read-modify-write, so two in flight
  // could land out of order and the older pick win.
  const queue = useRef<Promise<void>>(Promise.resolve());
  const [, rerender] = useState(0);
  const save = (next: RasterDisplay) => {
    latest.current = effectiveDisplay(next, bandCount);
    latestRaw.current = next;
    rerender((n) => n + 1); // the controls show the pick at once, before the host answers
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
  const edit = (f: (s: RasterDisplay) => void) => {
    const next = toSaved(latest.current, latestRaw.current);
    f(next);
    save(next);
  };
  const setStretch = (c: number, patch: Partial<BandStretch>) =>
    edit((s) => {
      const st = s.stretch!;
      const cur = st[c];
      let next = { ...cur, ...patch };
      // switching to typed values starts from the percentiles' neighbourhood of a 16-bit band; the user types the real ones
      if (patch.kind === 'manual' && cur.kind !== 'manual') next = { ...next, low: 0, high: 10000 };
      if (patch.kind === 'percentile' && cur.kind !== 'percentile') next = { ...next, low: s.low, high: s.high };
      st[c] = next;
    });
  const presets = (Object.keys(DISPLAY_PRESETS) as DisplayPreset[]).filter((p) => Math.max(...DISPLAY_PRESETS[p].bands) < bandCount);
  const current = d.mode === 'rgb' ? (presets.find((p) => displayKey(effectiveDisplay(DISPLAY_PRESETS[p], bandCount)) === displayKey(d)) ?? '') : '';
  const channels = d.mode === 'palette' ? (['P'] as const) : (['R', 'G', 'B'] as const);
  return (
    <span className="raster-display" data-testid="raster-display">
      {bandCount >= 3 ? (
        <select className="small" data-testid="raster-mode" aria-label={t('geo.mode')} value={d.mode}
          onChange={(e) =>
            edit((s) => {
              s.mode = e.target.value as 'rgb' | 'palette';
              if (s.mode === 'palette') s.stretch = s.stretch!.slice(0, 1);
            })
          }
        >
          <option value="rgb">{t('geo.modes.rgb')}</option>
          <option value="palette">{t('geo.modes.palette')}</option>
        </select>
      ) : null}
      {d.mode === 'rgb' ? (
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
      ) : (
        <select className="small" data-testid="raster-palette" aria-label={t('geo.palette')} value={d.palette} onChange={(e) => edit((s) => void (s.palette = e.target.value as PaletteName))}>
          {PALETTES.map((p) => (
            <option key={p} value={p}>
              {t(`geo.palettes.${p}`)}
            </option>
          ))}
        </select>
      )}
      {channels.map((c, i) => {
        const st = d.stretch[i];
        return (
          <span key={c} className="raster-channel small" data-testid={`raster-channel-${c}`}>
            <label>
              {c === 'P' ? t('geo.band') : c}{' '}
              <select
                data-testid={`raster-band-${c}`}
                value={d.bands[i]}
                disabled={bandCount < 2}
                onChange={(e) =>
                  edit((s) => {
                    if (c === 'P') s.paletteBand = Number(e.target.value);
                    else s.bands[i] = Number(e.target.value);
                  })
                }
              >
                {Array.from({ length: bandCount }, (_, b) => (
                  <option key={b} value={b}>
                    {b + 1}
                  </option>
                ))}
              </select>
            </label>{' '}
            <select data-testid={`raster-kind-${c}`} aria-label={t('geo.stretch')} title={t('geo.stretchHelp')} value={st.kind} onChange={(e) => setStretch(i, { kind: e.target.value as StretchKind })}>
              {(['percentile', 'minmax', 'manual'] as const).map((k) => (
                <option key={k} value={k}>
                  {t(`geo.kinds.${k}`)}
                </option>
              ))}
            </select>
            {st.kind !== 'minmax' ? (
              <>
                <NumberBox testId={`raster-low-${c}`} value={st.low} width={st.kind === 'manual' ? 64 : 54} ok={(v) => (st.kind === 'percentile' ? v >= 0 && v <= 49 : v < st.high)} onChange={(v) => setStretch(i, { low: v })} />
                –
                <NumberBox testId={`raster-high-${c}`} value={st.high} width={st.kind === 'manual' ? 64 : 54} ok={(v) => (st.kind === 'percentile' ? v >= 51 && v <= 100 : v > st.low)} onChange={(v) => setStretch(i, { high: v })} />
              </>
            ) : null}{' '}
            <label title={t('geo.gammaHelp')}>
              {t('geo.gamma')}
              <NumberBox testId={`raster-gamma-${c}`} value={st.gamma} width={50} step={0.1} ok={(v) => v >= 0.05 && v <= 20} onChange={(v) => setStretch(i, { gamma: v })} />
            </label>
          </span>
        );
      })}
      {d.mode === 'palette' ? <Legend itemId={itemId} display={d} saved={latestRaw.current} /> : null}
    </span>
  );
}

/** A number input that saves only valid values (an unfinished "0." never reaches the host). */
function NumberBox({ value, onChange, ok, width, step = 0.5, testId }: { value: number; onChange(v: number): void; ok(v: number): boolean; width: number; step?: number; testId: string }) {
  return (
    <input
      type="number"
      data-testid={testId}
      step={step}
      value={value}
      style={{ width }}
      onChange={(e) => Number.isFinite(e.target.valueAsNumber) && ok(e.target.valueAsNumber) && onChange(e.target.valueAsNumber)}
    />
  );
}

/** The palette's colour ramp with the band values at its ends (asked from the host: they depend on the data). */
function Legend({ itemId, display, saved }: { itemId: string; display: EffectiveDisplay; saved: RasterDisplay | undefined }) {
  const { t } = useTranslation();
  const key = displayKey(display);
  const [range, setRange] = useState<[number, number] | null>(null);
  useEffect(() => {
    let live = true;
    setRange(null);
    // the display being drawn goes with the request: no race with the settings save
    const timer = setTimeout(() => {
      rpc
        .call('geo.displayRanges', { itemId, display: saved })
        .then((r) => live && r.key === key && setRange(r.ranges[0] ?? null))
        .catch(() => {});
    }, 150);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [itemId, key]);
  const fmt = (v: number) => (Math.abs(v) >= 100 || Number.isInteger(v) ? String(Math.round(v)) : v.toPrecision(3));
  return (
    <span className="raster-legend small" data-testid="raster-legend" data-key={range ? key : undefined} title={t('geo.legend')}>
      <span data-testid="raster-legend-low">{range ? fmt(range[0]) : '…'}</span>
      <span className="raster-legend-ramp" data-testid="raster-legend-ramp" style={{ background: paletteGradient(display.palette) }} />
      <span data-testid="raster-legend-high">{range ? fmt(range[1]) : '…'}</span>
    </span>
  );
}
