/**
 * What an arm of the efficiency benchmark records, whatever the editor: one step per decision
 * (with the page's input events in it), one record per target object, the pre-labels deleted.
 * `Recorder` cuts the page's input log into those steps.
 */
import type { Page } from '@playwright/test';
import { klmCost, lastDeviceOf, type Cost, type InputEvent } from './klm';
import { logLength, readLog } from './inputLog';

export type Step = 'navigate' | 'create' | 'correct' | 'delete' | 'accept';
export type Outcome = 'accepted' | 'corrected' | 'created' | 'failed';

export interface StepRecord {
  item: string;
  step: Step;
  /** Target index within the item, or null for steps that belong to no target (navigation, deleting a false pre-label). */
  target: number | null;
  /** A step done once for several targets (an accept-all): those targets; its cost is shared among them. */
  shared?: { item: string; target: number }[];
  decisions: number;
  events: InputEvent[];
  wallMs: number;
}

export interface TargetRecord {
  item: string;
  target: number;
  outcome: Outcome;
  /** Where the box came from: a pre-label, a one-click fit, a drawn box fitted, a drawn box kept raw. */
  via: 'prelabel' | 'fit' | 'draw' | 'raw' | 'segment' | 'none';
  quality: number;
  /** Score of the pre-label it started from (AI arms). */
  score?: number;
  /** Corrections made: key presses (3D, the re-fit key and its undo included) or corner-handle drags (2D). */
  correctionKeys: number;
  /** 3D: what the re-fit key (policy.ts REFIT_FIRST) did: brought it closer (kept), made it worse (undone), nothing. */
  refit?: 'kept' | 'undone' | 'none';
}

export interface ArmLog {
  steps: StepRecord[];
  targets: TargetRecord[];
  /** Pre-labels judged false and deleted, with their scores. */
  deleted: { item: string; score: number }[];
  /** Pre-labels (or copied / propagated boxes) left alone on labelled non-target objects (policy.ts IGNORE_IOU). */
  ignored?: { item: string; score: number }[];
  /** Harness errors (an object the script could not handle); the object counts as failed. */
  errors: string[];
}

/**
 * Runs one object's work; an error (an element not found, a key without effect) is recorded and
 * the run goes on, so one odd object after a merge cannot sink a whole benchmark run. The end
 * quality check then shows what was left undone. False when it failed.
 */
export async function guarded(log: ArmLog, what: string, f: () => Promise<void>): Promise<boolean> {
  try {
    await f();
    return true;
  } catch (e) {
    log.errors.push(`${what}: ${String((e as Error).message ?? e).split('\n')[0]}`);
    return false;
  }
}


export class Recorder {
  private mark = 0;
  private t0 = Date.now();
  constructor(private page: Page, private log: ArmLog) {}
  async start(): Promise<void> {
    this.mark = await logLength(this.page);
    this.t0 = Date.now();
  }
  /** Closes the segment since the last start() as one step. */
  async step(item: string, step: Step, target: number | null, decisions: number, shared?: { item: string; target: number }[]): Promise<void> {
    const events = await readLog(this.page, this.mark);
    this.log.steps.push({ item, step, target, decisions, events, wallMs: Date.now() - this.t0, ...(shared ? { shared } : {}) });
    await this.start();
  }
}


/** Costs of a log's steps, in order (homing carried across steps). */
export function stepCosts(log: ArmLog): { rec: StepRecord; cost: Cost }[] {
  let dev: 'keyboard' | 'mouse' | null = null;
  return log.steps.map((rec) => {
    const cost = klmCost(rec.events, rec.decisions, dev);
    dev = lastDeviceOf(rec.events, dev);
    return { rec, cost };
  });
}
