/** Global setup for vitest and Playwright: in CI a missing ../shared/data fails the run up front. */
import { sharedDataProblem } from './sharedData';

export default function sharedDataGate(): void {
  const problem = sharedDataProblem(process.env);
  if (problem) throw new Error(problem);
}
