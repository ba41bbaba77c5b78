/**
 * One-click fit and 3D proposals on every labelled vehicle in ../shared/data, per dataset with n
 * (tests/support/fitEval.ts). `npx tsx tests/tools/fit-eval.ts [minPoints=50]`
 */
import { evaluateFit, totalOf } from '../support/fitEval';

const minPoints = Number(process.argv[2] ?? 50);
const rows = evaluateFit(undefined, minPoints);
const pct = (a: number, b: number) => `${((100 * a) / Math.max(1, b)).toFixed(1)}%`;
for (const r of [...rows, totalOf(rows)]) {
  console.log(
    `${r.dataset.padEnd(20)} n=${String(r.n).padStart(3)}  fit from centre ${pct(r.centre, r.n).padStart(6)}  from a point on it ${pct(r.onPoints, r.clicks).padStart(6)} (${r.clicks} clicks)  proposals <=40 m ${pct(r.proposed, r.proposalN).padStart(6)} (n=${r.proposalN})`,
  );
}
console.log(`[vehicles with >= ${minPoints} points; fit BEV IoU >= 0.7, proposals BEV IoU >= 0.5]`);
