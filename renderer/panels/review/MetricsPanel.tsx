/** Team metrics: KPIs, charts (chart.js on a canvas) and tables per annotator and per label. */
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LineController,
  LineElement,
  LinearScale,
  PointElement,
  Tooltip,
} from 'chart.js';
import type { MethodOutput, MetricsRow } from '../../../preload/contract';
import { rpc } from '../../transport';
import { reportError } from '../../state/actions';
import { useApp } from '../../state/appStore';
import { TeamProgressBlock } from '../team/ProgressTables';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement, PointElement, Legend, Tooltip);

type Metrics = MethodOutput<'review.metrics'>;
const pct = (r: number | null) => (r === null ? '—' : `${Math.round(r * 100)}%`);

export function MetricsPanel() {
  const { t } = useTranslation();
  const version = useApp((s) => s.indexVersion);
  const [m, setM] = useState<Metrics | null>(null);
  const load = () => rpc.call('review.metrics', {}).then(setM, reportError);
  useEffect(() => {
    void load();
  }, [version]);
  if (!m) return <section className="review-card" data-testid="metrics-panel" />;
  const rate = m.totals.reviews ? m.totals.rejections / m.totals.reviews : null;
  return (
    <section className="review-card metrics" data-testid="metrics-panel">
      <header className="row">
        <h2>{t('review.metricsTitle')}</h2>
        <span className="spacer" />
        <button className="ghost" onClick={() => void load()}>
          ⟳ {t('review.refresh')}
        </button>
      </header>
      {m.unreadable.length ? (
        <p className="warn small" data-testid="unreadable-files">
          {t('review.unreadable', { count: m.unreadable.length, files: m.unreadable.join('; ') })}
        </p>
      ) : null}
      <div className="kpis">
        <Kpi label={t('review.kpiItems')} value={m.totals.items} />
        <Kpi label={t('review.kpiObjects')} value={m.totals.objects} />
        <Kpi label={t('review.kpiReviews')} value={m.totals.reviews} />
        <Kpi label={t('review.kpiRejection')} value={pct(rate)} tone={rate && rate > 0.2 ? 'bad' : undefined} />
        <Kpi label={t('review.kpiOpen')} value={m.totals.openIssues} tone={m.totals.openIssues ? 'warn' : undefined} />
        <div className="kpi status-split">
          <div className="status-bar">
            {(['new', 'in_progress', 'submitted', 'accepted', 'rejected'] as const).map((s) => {
              const n = m.totals.byStatus[s] ?? 0;
              const all = Object.values(m.totals.byStatus).reduce((a, b) => a + b, 0) || 1;
              return n ? <span key={s} className={`status-${s}`} style={{ width: `${(100 * n) / all}%` }} title={`${t(`status.${s}`)}: ${n}`} /> : null;
            })}
          </div>
          <div className="legend small muted">
            {(['new', 'in_progress', 'submitted', 'accepted', 'rejected'] as const).map((s) => (
              <span key={s}>
                <i className={`status-${s}`} /> {t(`status.${s}`)} {m.totals.byStatus[s] ?? 0}
              </span>
            ))}
          </div>
        </div>
      </div>
      {m.annotators.length + m.labels.length === 0 ? <p className="empty-note muted">{t('review.noMetrics')}</p> : null}
      <div className="metric-grid">
        <MetricBlock title={t('review.byAnnotator')} rows={m.annotators} testId="chart-annotators" />
        <MetricBlock title={t('review.byLabel')} rows={m.labels} testId="chart-labels" />
      </div>
      <TeamProgressBlock />
    </section>
  );
}

function Kpi({ label, value, tone }: { label: string; value: number | string; tone?: 'warn' | 'bad' }) {
  return (
    <div className={`kpi ${tone ?? ''}`}>
      <div className="kpi-value">{value}</div>
      <div className="kpi-label">{label}</div>
    </div>
  );
}

function MetricBlock({ title, rows, testId }: { title: string; rows: MetricsRow[]; testId: string }) {
  const { t } = useTranslation();
  return (
    <div className="metric-block">
      <h3>{title}</h3>
      <div className="chart-box">
        <MetricsChart rows={rows} testId={testId} />
      </div>
      <table className="data-table compact">
        <thead>
          <tr>
            <th />
            <th className="num">{t('review.objects')}</th>
            <th className="num">{t('review.items')}</th>
            <th className="num">{t('review.reviews')}</th>
            <th className="num">{t('review.rejectionRate')}</th>
            <th className="num">{t('review.openIssues')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.key} data-testid="metrics-row">
              <td>
                {r.color ? <i className="swatch" style={{ background: r.color }} /> : null}
                {r.name}
              </td>
              <td className="num">{r.objects}</td>
              <td className="num">{r.items}</td>
              <td className="num">{r.reviews}</td>
              <td className={`num ${r.rejectionRate && r.rejectionRate > 0.2 ? 'bad' : ''}`}>{pct(r.rejectionRate)}</td>
              <td className="num">{r.openIssues}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function MetricsChart({ rows, testId }: { rows: MetricsRow[]; testId: string }) {
  const { t } = useTranslation();
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvas.current) return;
    const css = getComputedStyle(document.documentElement);
    const muted = css.getPropertyValue('--muted').trim() || '#8b98a8';
    const grid = css.getPropertyValue('--border').trim() || '#263241';
    const accent = css.getPropertyValue('--accent').trim() || '#5eead4';
    const chart = new Chart(canvas.current, {
      data: {
        labels: rows.map((r) => r.name),
        datasets: [
          { type: 'bar', label: t('review.objects'), data: rows.map((r) => r.objects), backgroundColor: rows.map((r) => r.color ?? accent), borderRadius: 4, yAxisID: 'y' },
          { type: 'bar', label: t('review.openIssues'), data: rows.map((r) => r.openIssues), backgroundColor: '#fbbf24', borderRadius: 4, yAxisID: 'y' },
          {
            type: 'line',
            label: `${t('review.rejectionRate')} %`,
            data: rows.map((r) => (r.rejectionRate === null ? null : Math.round(r.rejectionRate * 100))),
            borderColor: '#f87171',
            backgroundColor: '#f87171',
            pointRadius: 4,
            yAxisID: 'y2',
          },
        ],
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        plugins: { legend: { labels: { color: muted, boxWidth: 12 } } },
        scales: {
          x: { ticks: { color: muted }, grid: { color: grid } },
          y: { beginAtZero: true, ticks: { color: muted, precision: 0 }, grid: { color: grid } },
          y2: { position: 'right', min: 0, max: 100, ticks: { color: '#f87171', callback: (v) => `${v}%` }, grid: { display: false } },
        },
      },
    });
    return () => chart.destroy();
  }, [rows, t]);
  return <canvas ref={canvas} data-testid={testId} />;
}
