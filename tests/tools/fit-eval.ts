/**
 * One-click fit and 3D proposals on every labelled vehicle in ../shared/data, per dataset with n
 * (tests/support/fitEval.ts), then on the synthetic hard scenes (tests/support/hardScenes.ts),
 * one row per scene family; with the class prior and with the car prior for every vehicle
 * (PRIOR_MODE=class|car for one). `npx tsx tests/tools/fit-eval.ts [minPoints=50] [scenesPerFamily=3]`
 */
import { evaluateFit, totalOf, type FitRow, type PriorMode } from '../support/fitEval';
import { loadHardScenes } from '../support/hardScenes';

const minPoints = Number(process.argv[2] ?? 50);
const perFamily = Number(process.argv[3] ?? 3);
const pct = (a: number, b: number) => `${((100 * a) / Math.max(1, b)).toFixed(1)}%`;
const print = (rows: FitRow[]) => {
  for (const r of [...rows, totalOf(rows)]) {
    console.log(
      `${r.dataset.padEnd(20)} n=${String(r.n).padStart(3)}  fit from centre ${pct(r.centre, r.n).padStart(6)}  from a point on it ${pct(r.onPoints, r.clicks).padStart(6)} (${r.clicks} clicks; same box from all 3 ${pct(r.sameBox, r.n).padStart(6)})  draw box ${pct(r.region, r.n).padStart(6)}  proposals <=40 m ${pct(r.proposed, r.proposalN).padStart(6)} (n=${r.proposalN})  ${(r.fitMs / Math.max(1, r.fits)).toFixed(2)} ms/fit (n=${r.fits})`,
    );
  }
};
const hard = loadHardScenes(perFamily);
for (const mode of (process.env.PRIOR_MODE ? [process.env.PRIOR_MODE] : ['class', 'car']) as PriorMode[]) {
  console.log(`== prior: ${mode === 'class' ? "the vehicle's class (car / van / truck / bus)" : 'car for every vehicle'} ==`);
  print(evaluateFit(undefined, minPoints, mode));
  console.log('-- synthetic hard scenes --');
  print(evaluateFit(hard, minPoints, mode));
}
console.log(`[vehicles with >= ${minPoints} points; fit BEV IoU >= 0.7, proposals BEV IoU >= 0.5]`);
