/**
 * Turns the arms' step logs into the benchmark's figures (pure, unit-tested): per arm the cost per
 * target object (interactions, KLM seconds, drag distance, wall-clock), the cost by step, the ratio
 * to the manual arm, the pre-label threshold sweep and the precision at which the AI arm stops
 * paying off; then the Markdown table and the chart (SVG) that the benchmark writes.
 */
import { addCost, ZERO_COST, type Cost } from './klm';
import { stepCosts, type ArmLog, type Outcome, type Step } from './armLog';
import { MATCH_IOU } from './policy';

export interface ArmSummary {
  arm: string;
  /** Target objects (ground truth in scope). */
  n: number;
  failures: number;
  /** Objects or steps the harness could not carry out (armLog.guarded); listed in the JSON. */
  harnessErrors: number;
  interactionsPerObject: number;
  secondsPerObject: number;
  dragPxPerObject: number;
  wallSecondsPerObject: number;
  total: Cost;
  /** Per step: KLM seconds, interactions and the operators behind them (all logged events of that step kind). */
  byStep: Partial<Record<Step, { seconds: number; interactions: number; mentals: number; keystrokes: number; clicks: number; drags: number; homings: number }>>;
  /** 3D: what the re-fit key did on the boxes it was tried on (policy.ts REFIT_FIRST). */
  refit?: { kept: number; undone: number; none: number };
  outcomes: Partial<Record<Outcome, number>>;
  /** AI arms: what the model gave. precision = pre-labels accepted as they were / all in scope. */
  predictions?: { total: number; accepted: number; corrected: number; deleted: number; precision: number };
  /** Pre-labels (or copied / propagated boxes) left alone on labelled non-target objects: outside `predictions`, not charged. */
  ignored?: number;
  ratioToManual?: number;
  /** The step with the largest share of the estimated time. */
  costliestStep: Step;
}

export function summarise(arm: string, log: ArmLog, n: number): ArmSummary {
  let total = ZERO_COST;
  let wall = 0;
  const byStep: ArmSummary['byStep'] = {};
  for (const { rec, cost } of stepCosts(log)) {
    total = addCost(total, cost);
    wall += rec.wallMs;
    const s = (byStep[rec.step] ??= { seconds: 0, interactions: 0, mentals: 0, keystrokes: 0, clicks: 0, drags: 0, homings: 0 });
    s.seconds += cost.seconds;
    s.interactions += cost.interactions;
    s.mentals += cost.mentals;
    s.keystrokes += cost.keystrokes;
    s.clicks += cost.clicks;
    s.drags += cost.drags;
    s.homings += cost.homings;
  }
  const outcomes: ArmSummary['outcomes'] = {};
  for (const t of log.targets) outcomes[t.outcome] = (outcomes[t.outcome] ?? 0) + 1;
  const fromPred = log.targets.filter((t) => t.via === 'prelabel');
  const accepted = fromPred.filter((t) => t.outcome === 'accepted').length;
  const predTotal = fromPred.length + log.deleted.length;
  const costliestStep = (Object.entries(byStep) as [Step, { seconds: number }][]).sort((a, b) => b[1].seconds - a[1].seconds)[0]?.[0] ?? 'create';
  return {
    arm,
    n,
    failures: outcomes.failed ?? 0,
    harnessErrors: log.errors.length,
    interactionsPerObject: total.interactions / n,
    secondsPerObject: total.seconds / n,
    dragPxPerObject: total.dragPx / n,
    wallSecondsPerObject: wall / 1000 / n,
    total,
    byStep,
    outcomes,
    ...(predTotal
      ? { predictions: { total: predTotal, accepted, corrected: fromPred.length - accepted, deleted: log.deleted.length, precision: accepted / predTotal } }
      : {}),
    ...(log.ignored?.length ? { ignored: log.ignored.length } : {}),
    ...(log.targets.some((t) => t.refit)
      ? { refit: { kept: log.targets.filter((t) => t.refit === 'kept').length, undone: log.targets.filter((t) => t.refit === 'undone').length, none: log.targets.filter((t) => t.refit === 'none').length } }
      : {}),
    costliestStep,
  };
}

/** KLM seconds per target of one arm (navigation excluded), and per deleted pre-label. */
function perTargetSeconds(log: ArmLog): { target: Map<string, number>; deletes: number[]; navigate: number } {
  const target = new Map<string, number>();
  const deletes: number[] = [];
  let navigate = 0;
  for (const { rec, cost } of stepCosts(log)) {
    if (rec.step === 'navigate') navigate += cost.seconds;
    else if (rec.step === 'delete') deletes.push(cost.seconds);
    else if (rec.shared?.length) for (const t of rec.shared) target.set(`${t.item}#${t.target}`, (target.get(`${t.item}#${t.target}`) ?? 0) + cost.seconds / rec.shared.length);
    else if (rec.target !== null) target.set(`${rec.item}#${rec.target}`, (target.get(`${rec.item}#${rec.target}`) ?? 0) + cost.seconds);
  }
  return { target, deletes, navigate };
}

export interface SweepRow {
  threshold: number;
  /** Pre-labels in scope at or above the threshold. */
  predictions: number;
  /** Of those, accepted as they were (quality >= MATCH_IOU). */
  accepted: number;
  precision: number;
  secondsPerObject: number;
  ratioToManual: number;
}

/**
 * The pre-label threshold sweep, recomposed from costs measured per object in the two real runs:
 * at threshold t, a target whose pre-label scored >= t costs what it cost in the AI arm (accept or
 * correct); one whose pre-label is dropped (or that had none) costs what the same object cost in
 * the manual arm; each false pre-label >= t costs its measured delete. (Measured once at the
 * model's default threshold; the recomposition assumes an object's cost does not depend on the
 * other pre-labels around it.)
 */
export function thresholdSweep(manual: ArmLog, ai: ArmLog, thresholds: readonly number[]): SweepRow[] {
  const m = perTargetSeconds(manual);
  const a = perTargetSeconds(ai);
  const n = manual.targets.length;
  const manualTotal = [...m.target.values()].reduce((x, y) => x + y, 0) + m.navigate;
  const meanDelete = a.deletes.length ? a.deletes.reduce((x, y) => x + y, 0) / a.deletes.length : 0;
  return thresholds.map((t) => {
    let total = a.navigate;
    let predictions = 0;
    let accepted = 0;
    for (const tr of ai.targets) {
      const key = `${tr.item}#${tr.target}`;
      if (tr.via === 'prelabel' && (tr.score ?? 0) >= t) {
        total += a.target.get(key) ?? 0;
        predictions++;
        if (tr.outcome === 'accepted') accepted++;
      } else total += m.target.get(key) ?? a.target.get(key) ?? 0;
    }
    const falseKept = ai.deleted.filter((d) => d.score >= t).length;
    total += falseKept * meanDelete;
    predictions += falseKept;
    const secondsPerObject = total / n;
    return { threshold: t, predictions, accepted, precision: predictions ? accepted / predictions : 1, secondsPerObject, ratioToManual: secondsPerObject / (manualTotal / n) };
  });
}

/**
 * The precision below which pre-labels cost more than they save: with the measured costs of the
 * AI arm's accepted / corrected / created objects fixed, how many more false pre-labels (at the
 * measured mean delete cost) until its total equals the manual arm's; precision = accepted / (all).
 */
export function breakEvenPrecision(manual: ArmSummary, ai: ArmSummary, aiLog: ArmLog): number | 'never' | null {
  const p = ai.predictions;
  if (!p) return null;
  const deletes = perTargetSeconds(aiLog).deletes;
  const meanDelete = deletes.length ? deletes.reduce((x, y) => x + y, 0) / deletes.length : NaN;
  const deleteTotal = deletes.reduce((x, y) => x + y, 0);
  const slack = manual.total.seconds - (ai.total.seconds - deleteTotal);
  if (!(meanDelete > 0)) return null;
  if (slack <= 0) return 'never'; // even without a single false pre-label the AI arm costs more
  const maxFalse = slack / meanDelete;
  const useful = p.accepted + p.corrected;
  return p.accepted / (useful + maxFalse);
}

export interface ModalityReport {
  modality: string;
  dataset: string;
  items: number;
  arms: ArmSummary[];
  sweep?: SweepRow[];
  breakEvenPrecision?: number | 'never' | null;
  /** Target on the AI arm's ratio to manual, e.g. 0.5. */
  target: number;
  endQuality: Record<string, { targets: number; covered: number; falseLeft: number; pendingLeft: number; ignoredLeft?: number }>;
  /** AI + QA: what the automatic checks flag among the pre-labels taken as they are (qaTriage.ts). */
  qa?: { right: number; rightFlagged: number; wrong: number; wrongFlagged: number; ignored: number; byCheck: Record<string, number>; fitSweep?: { bar: number; wrongFlagged: number; rightFlagged: number }[] };
  /** The AI + QA arm as run (qaArm.ts): pre-labels, walked (flagged), false flags, wrong ones accepted unseen; findings by check. */
  qaArm?: { preLabels: number; walked: number; walkedRight: number; missedClose: number; missedFalse: number; findings: Record<string, number> };
  /** Free lines printed under the tables (e.g. the interpolation arm's key frames and links). */
  notes?: string[];
}

const f1 = (v: number) => v.toFixed(1);
const f2 = (v: number) => v.toFixed(2);

export function renderMarkdown(r: ModalityReport): string {
  const lines = [
    `### ${r.modality} — ${r.dataset} (${r.items} items)`,
    '',
    `| arm | n objects | failures (harness errors) | interactions / object | est. s / object (KLM) | ratio to manual | drag px / object | wall s / object | end quality (covered / false left / pending left) |`,
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const a of r.arms) {
    const q = r.endQuality[a.arm];
    lines.push(
      `| ${a.arm} | ${a.n} | ${a.failures} (${a.harnessErrors}) | ${f1(a.interactionsPerObject)} | ${f1(a.secondsPerObject)} | ${a.ratioToManual === undefined ? '—' : f2(a.ratioToManual)} | ${f1(a.dragPxPerObject)} | ${f1(a.wallSecondsPerObject)} | ${q ? `${q.covered}/${q.targets}, ${q.falseLeft}, ${q.pendingLeft}${q.ignoredLeft ? ` (${q.ignoredLeft} ignored)` : ''}` : '—'} |`,
    );
  }
  lines.push('', '| arm | ' + STEPS.join(' | ') + ' | costliest step |', '|---|' + STEPS.map(() => '---').join('|') + '|---|');
  for (const a of r.arms) lines.push(`| ${a.arm} (s / object) | ${STEPS.map((s) => f2((a.byStep[s]?.seconds ?? 0) / a.n)).join(' | ')} | ${a.costliestStep} |`);
  // Where the seconds go: the KLM operators behind each step kind (totals over the arm).
  lines.push('', '| arm, step | s / object | M (1.35 s) | keystrokes (0.28 s) | clicks (1.3 s) | drags (2.4 s) | homings (0.4 s) |', '|---|---|---|---|---|---|---|');
  for (const a of r.arms)
    for (const st of STEPS) {
      const b = a.byStep[st];
      if (b && b.seconds > 0) lines.push(`| ${a.arm}, ${st} | ${f2(b.seconds / a.n)} | ${b.mentals} | ${b.keystrokes} | ${b.clicks} | ${b.drags} | ${b.homings} |`);
    }
  for (const a of r.arms.filter((x) => x.refit)) lines.push('', `${a.arm}: re-fit key (R) tried on ${a.refit!.kept + a.refit!.undone + a.refit!.none} boxes: closer and kept ${a.refit!.kept}, worse and undone ${a.refit!.undone}, no change ${a.refit!.none}.`);
  for (const ai of r.arms.slice(1).filter((a) => a.predictions)) {
    const p = ai.predictions!;
    lines.push('', `${ai.arm}: boxes to judge (pre-labels, or boxes copied / propagated from an earlier frame): ${p.total} (kept as they were ${p.accepted}, corrected ${p.corrected}, deleted ${p.deleted}); precision at IoU ≥ ${MATCH_IOU}: ${f2(p.precision)} (n = ${p.total}); left alone on labelled non-target objects (ignored, not charged, not counted): ${ai.ignored ?? 0}.`);
    const verdict = ai.ratioToManual !== undefined && ai.ratioToManual <= r.target;
    lines.push(`Target: ${ai.arm} ≤ ${r.target}× ${r.arms[0].arm} — ${verdict ? 'met' : `missed; the costliest step of ${ai.arm} is "${ai.costliestStep}" (${f2((ai.byStep[ai.costliestStep]?.seconds ?? 0) / ai.n)} s / object)`}.`);
  }
  if (r.breakEvenPrecision === 'never') lines.push('Break-even precision: none — with the default threshold\'s mix of accepted and corrected pre-labels, the AI arm costs more than manual even with no false pre-label to delete (the sweep shows what dropping the low-scoring ones does).');
  else if (typeof r.breakEvenPrecision === 'number') lines.push(`Break-even precision: ${f2(r.breakEvenPrecision)} — below it the AI arm costs more than manual (the default threshold's mix of accepted and corrected pre-labels, plus false ones at the measured delete cost).`);
  if (r.qa) {
    const q = r.qa;
    const checks = Object.entries(q.byCheck).map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
    const run = r.arms.some((a) => a.arm === 'ai-qa');
    lines.push('', `AI + QA (accept the pre-labels unseen, fix what the automatic checks flag): the checks (core/qa defaults, points included) flag ${q.wrongFlagged} of the ${q.wrong} wrong pre-labels (false or off the bar) and ${q.rightFlagged} of the ${q.right} right ones (findings: ${checks}; ${q.ignored} ignored pre-labels not counted). ${q.wrongFlagged < q.wrong ? (run ? `The ai-qa arm accepts the unflagged ones unseen, so ${q.wrong - q.wrongFlagged} wrong boxes are left: they are its failures and false labels left in the table above.` : `The arm would leave ${q.wrong - q.wrongFlagged} wrong boxes, so it cannot end at the quality bar and is not run.`) : 'Every wrong pre-label is flagged.'}`);
    if (q.fitSweep?.length) {
      lines.push('', '| box-fit bar (fit.minSuspicion) | wrong pre-labels flagged | right pre-labels flagged |', '|---|---|---|');
      for (const b of q.fitSweep) lines.push(`| ${f2(b.bar)} | ${b.wrongFlagged} / ${q.wrong} | ${b.rightFlagged} / ${q.right} |`);
    }
  }
  if (r.qaArm) {
    const t = r.qaArm;
    lines.push('', `ai-qa arm as run: ${t.preLabels} pre-labels; \`datum qa\` flagged ${t.walked} (findings: ${Object.entries(t.findings).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}), walked with the review keys (${t.walkedRight} of them were right: false flags); ${t.preLabels - t.walked} accepted unseen with Shift+Enter, one look per frame, of which wrong: ${t.missedClose} under the bar on a target (failures) and ${t.missedFalse} false (false labels left).`);
  }
  if (r.notes?.length) lines.push('', ...r.notes);
  if (r.sweep?.length) {
    lines.push('', '| pre-label threshold | pre-labels | precision | est. s / object | ratio to manual |', '|---|---|---|---|---|');
    for (const s of r.sweep) lines.push(`| ${f2(s.threshold)} | ${s.predictions} | ${f2(s.precision)} | ${f1(s.secondsPerObject)} | ${f2(s.ratioToManual)} |`);
  }
  return lines.join('\n');
}

const STEPS: Step[] = ['navigate', 'create', 'correct', 'delete', 'accept'];

/** A small chart: estimated seconds per object by arm, stacked by step, and the sweep's ratio to manual. */
export function renderSvg(reports: readonly ModalityReport[]): string {
  // padB: room under the bars for their labels, set at an angle so that many arms stay legible.
  const W = 720, H = 340, pad = 40, padB = 80;
  const colors: Record<Step, string> = { navigate: '#9aa5b1', create: '#4363d8', correct: '#f58231', delete: '#e6194b', accept: '#3cb44b' };
  const short = (r: ModalityReport) => (/sequence \(KITTI\)/i.test(r.modality) ? 'kseq' : /sequence/i.test(r.modality) ? 'seq' : /mask/i.test(r.modality) ? 'mask' : /track/i.test(r.modality) ? 'track' : r.modality.startsWith('3D') ? '3D' : r.modality.startsWith('2D') ? '2D' : r.modality.slice(0, 6));
  const armShort = (a: string, i: number) => (i === 0 ? 'manual' : a === 'ai-review' ? 'AI' : a.replace(/-forward$/, ''));
  const bars = reports.flatMap((r) => r.arms.map((a, i) => ({ label: `${short(r)} ${armShort(a.arm, i)}`, a })));
  const maxS = Math.max(1, ...bars.map((b) => b.a.secondsPerObject)) * 1.15;
  const bw = Math.min(60, (W / 2 - pad * 2) / Math.max(1, bars.length) - 10);
  const out: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="11">`, `<rect width="${W}" height="${H}" fill="white"/>`];
  out.push(`<text x="${pad}" y="16" font-size="12" font-weight="bold">est. seconds / object (KLM), by step</text>`);
  bars.forEach((b, i) => {
    const x = pad + 16 + i * (bw + 10); // 16: room for the first label's slant
    let y = H - padB;
    for (const s of STEPS) {
      const h = (((b.a.byStep[s]?.seconds ?? 0) / b.a.n) / maxS) * (H - pad - padB);
      y -= h;
      out.push(`<rect x="${x}" y="${y.toFixed(1)}" width="${bw}" height="${h.toFixed(1)}" fill="${colors[s]}"/>`);
    }
    out.push(`<text x="${x + bw / 2}" y="${(y - 4).toFixed(1)}" text-anchor="middle">${f1(b.a.secondsPerObject)}</text>`);
    const lx = x + bw / 2, ly = H - padB + 12;
    out.push(`<text x="${lx}" y="${ly}" text-anchor="end" transform="rotate(-40 ${lx} ${ly})">${b.label}</text>`);
  });
  STEPS.forEach((s, i) => out.push(`<rect x="${pad + i * 66}" y="${H - 14}" width="10" height="10" fill="${colors[s]}"/><text x="${pad + i * 66 + 13}" y="${H - 5}">${s}</text>`));
  const sweeps = reports.filter((r) => r.sweep?.length);
  if (sweeps.length) {
    const x0 = W / 2 + pad, x1 = W - pad, y0 = H - pad, y1 = pad;
    const maxR = Math.max(1.2, ...sweeps.flatMap((r) => r.sweep!.map((s) => s.ratioToManual))) * 1.1;
    const px = (p: number) => x0 + p * (x1 - x0);
    const py = (r: number) => y0 - (r / maxR) * (y0 - y1);
    const lineColors = ['#4363d8', '#f58231', '#3cb44b'];
    out.push(`<text x="${x0}" y="16" font-size="12" font-weight="bold">AI / manual vs pre-label precision</text>`);
    out.push(`<line x1="${x0}" y1="${y0}" x2="${x1}" y2="${y0}" stroke="#333"/><line x1="${x0}" y1="${y0}" x2="${x0}" y2="${y1}" stroke="#333"/>`);
    out.push(`<line x1="${x0}" y1="${py(1)}" x2="${x1}" y2="${py(1)}" stroke="#e6194b" stroke-dasharray="4 3"/><text x="${x1 - 2}" y="${py(1) - 3}" text-anchor="end" fill="#e6194b">break-even</text>`);
    sweeps.forEach((r, k) => {
      const color = lineColors[k % lineColors.length];
      const pts = [...r.sweep!].sort((a, b) => a.precision - b.precision);
      out.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${pts.map((s) => `${px(s.precision).toFixed(1)},${py(s.ratioToManual).toFixed(1)}`).join(' ')}"/>`);
      for (const s of pts) out.push(`<circle cx="${px(s.precision).toFixed(1)}" cy="${py(s.ratioToManual).toFixed(1)}" r="3" fill="${color}"><title>threshold ${f2(s.threshold)}</title></circle>`);
      out.push(`<rect x="${x0 + 10}" y="${y1 + 4 + k * 14}" width="10" height="10" fill="${color}"/><text x="${x0 + 24}" y="${y1 + 13 + k * 14}">${short(r)} (thresholds ${f2(Math.min(...pts.map((x) => x.threshold)))}–${f2(Math.max(...pts.map((x) => x.threshold)))})</text>`);
    });
    for (const p of [0, 0.5, 1]) out.push(`<text x="${px(p)}" y="${y0 + 14}" text-anchor="middle">${p}</text>`);
    out.push(`<text x="${(x0 + x1) / 2}" y="${y0 + 28}" text-anchor="middle">precision (pre-labels right as they are / all)</text>`);
    for (const r of [0, 0.5, 1]) out.push(`<text x="${x0 - 4}" y="${py(r) + 4}" text-anchor="end">${r}</text>`);
  }
  out.push('</svg>');
  return out.join('\n');
}
