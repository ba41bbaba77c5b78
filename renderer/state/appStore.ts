/** App-level state: which project, which screen, running jobs, errors. No heavy data here. */
import { create } from 'zustand';
import type { MethodOutput, Modality, ProjectInfo } from '../../preload/contract';
import type { ItemStatus } from '../../core/document/schema';

/** The dataset browser's list query (same fields as items.list takes). */
export interface BrowseFilter {
  modality?: Modality[];
  status?: ItemStatus[];
  search?: string;
}

export type View = 'start' | 'browser' | 'ontology' | 'item' | 'models' | 'review' | 'settings' | 'jobs';

export interface JobState {
  id: string;
  label: string;
  done: number;
  total: number | null;
  phase: string;
}

export interface AppState {
  info: MethodOutput<'app.info'> | null;
  project: ProjectInfo | null;
  view: View;
  itemId: string | null;
  /** Position of the item in the current browser list, for next/previous navigation. */
  itemIndex: number;
  /** The dataset browser's filter when an item was opened: next / previous item follow that list. */
  browseFilter: BrowseFilter;
  jobs: Record<string, JobState>;
  error: string | null;
  notice: string | null;
  shortcutsOpen: boolean;
  connected: boolean;
  /** Bumped whenever the item index changes so lists refetch. */
  indexVersion: number;
  set(partial: Partial<AppState>): void;
}

export const useApp = create<AppState>((set) => ({
  info: null,
  project: null,
  view: 'start',
  itemId: null,
  itemIndex: 0,
  browseFilter: {},
  jobs: {},
  error: null,
  notice: null,
  shortcutsOpen: false,
  connected: true,
  indexVersion: 0,
  set: (partial) => set(partial),
}));

export function startJob(id: string, label: string): void {
  useApp.setState((s) => ({ jobs: { ...s.jobs, [id]: { id, label, done: 0, total: null, phase: '' } } }));
}
export function updateJob(id: string, done: number, total: number | null, phase: string): void {
  useApp.setState((s) => (s.jobs[id] ? { jobs: { ...s.jobs, [id]: { ...s.jobs[id], done, total, phase } } } : {}));
}
export function endJob(id: string): void {
  useApp.setState((s) => {
    const jobs = { ...s.jobs };
    delete jobs[id];
    return { jobs };
  });
}
