import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { rpc } from '../../transport';
import { useApp } from '../../state/appStore';
import { reportError } from '../../state/actions';

/**
 * Map a model's classes to the project's labels: the same-named label (created when missing) by
 * default, any label, or "ignore". Saved in the project settings, so `datum prelabel` uses it too.
 */
export function ClassMapping({ modelId, classNames }: { modelId: string; classNames: string[] }) {
  const { t } = useTranslation();
  const project = useApp((s) => s.project)!;
  const saved = project.settings.classMappings?.[modelId] ?? {};
  const [filter, setFilter] = useState('');
  const [map, setMap] = useState<Record<string, string>>(saved);
  useEffect(() => setMap(project.settings.classMappings?.[modelId] ?? {}), [modelId, project.settings.classMappings]);

  // Saves go one after the other: two quick changes sent at once could reach the host in either
  // order (calls run concurrently), and the older mapping would win.
  const queue = useRef<Promise<void>>(Promise.resolve());
  const save = (next: Record<string, string>) => {
    setMap(next);
    queue.current = queue.current.then(async () => {
      try {
        const current = useApp.getState().project?.settings.classMappings ?? {};
        const p = await rpc.call('project.updateSettings', { settings: { classMappings: { ...current, [modelId]: next } } });
        useApp.getState().set({ project: p });
      } catch (err) {
        reportError(err);
      }
    });
    return queue.current;
  };
  const shown = classNames.filter((c) => c.toLowerCase().includes(filter.toLowerCase()));
  const mapped = Object.keys(map).length;
  return (
    <details className="class-mapping" data-testid="class-mapping">
      <summary>
        {t('models.mapping')} <span className="muted small">{t('models.mappingSummary', { classes: classNames.length, mapped })}</span>
      </summary>
      <input placeholder={t('browser.search')} value={filter} onChange={(e) => setFilter(e.target.value)} />
      <div className="class-mapping-list">
        {shown.map((cls) => (
          <label key={cls} className="class-mapping-row">
            <span className="mono small">{cls}</span>
            <select
              value={map[cls] === undefined ? '__auto' : map[cls] === '' ? '__skip' : map[cls]}
              data-testid={`map-${cls}`}
              onChange={(e) => {
                const next = { ...map };
                if (e.target.value === '__auto') delete next[cls];
                else next[cls] = e.target.value === '__skip' ? '' : e.target.value;
                void save(next);
              }}
            >
              <option value="__auto">{t('models.sameName')}</option>
              <option value="__skip">{t('models.ignore')}</option>
              {project.ontology.labels.map((l) => (
                <option key={l.id} value={l.id}>
                  {l.name}
                </option>
              ))}
            </select>
          </label>
        ))}
      </div>
    </details>
  );
}
