/**
 * Review state in the renderer: local profiles (kept in the Dexie prefs, no accounts), the review
 * fields of the open item's document, and QA results (they outlive switching tabs).
 */
import { create } from 'zustand';
import type { QaFinding } from '../../preload/contract';
import type { ItemDocument, ItemStatus } from '../../core/document/schema';
import { ProfilePrefs, type Profile, type Role } from '../../core/review/schema';
import { getPref, setPref } from '../persistence/db';
import { setDocumentAuthor } from '../persistence/documentStore';
import { rpc, newJobId } from '../transport';
import { endJob, startJob, useApp } from './appStore';
import { reportError } from './actions';
import i18n from '../i18n';

const PROFILES_KEY = 'review.profiles';

interface ProfileState extends ProfilePrefs {
  loaded: boolean;
  load(): Promise<void>;
  add(name: string, roles: Role[]): Promise<Profile>;
  choose(id: string | undefined): Promise<void>;
}

export const useProfiles = create<ProfileState>((set, get) => ({
  profiles: [],
  active: undefined,
  loaded: false,
  async load() {
    const raw = await getPref<unknown>(PROFILES_KEY, {});
    const parsed = ProfilePrefs.safeParse(raw);
    set({ ...(parsed.success ? parsed.data : { profiles: [] }), loaded: true });
  },
  async add(name, roles) {
    const profile: Profile = { id: `p-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`, name: name.trim(), roles };
    const next = { profiles: [...get().profiles, profile], active: profile.id };
    set(next);
    await setPref(PROFILES_KEY, next);
    return profile;
  },
  async choose(id) {
    const next = { profiles: get().profiles, active: id };
    set(next);
    await setPref(PROFILES_KEY, next);
  },
}));

export function activeProfile(s: Pick<ProfileState, 'profiles' | 'active'>): Profile | null {
  return s.profiles.find((p) => p.id === s.active) ?? null;
}
export const useActiveProfile = () => useProfiles((s) => activeProfile(s));
// Saves are stamped with the active profile's name (per-object who/when).
setDocumentAuthor(() => activeProfile(useProfiles.getState())?.name);

// ---------------------------------------------------------------- the open item's review fields

interface ItemReviewState {
  itemId: string | null;
  doc: ItemDocument | null;
  busy: boolean;
  load(itemId: string): Promise<void>;
  /**
   * Another connection (the reviewer on their machine, another window) changed the open item:
   * take the host's review fields when its revision is newer than ours. No blank in between.
   */
  refresh(itemId: string, revision: number): Promise<void>;
  /** Run a review call that returns the document, keep what it returns. */
  run(f: () => Promise<{ document: ItemDocument }>): Promise<boolean>;
}

export const useItemReview = create<ItemReviewState>((set, get) => ({
  itemId: null,
  doc: null,
  busy: false,
  async load(itemId) {
    set({ itemId, doc: null });
    try {
      const doc = await rpc.call('annotations.load', { itemId });
      if (get().itemId === itemId) set({ doc });
    } catch (err) {
      reportError(err);
    }
  },
  async refresh(itemId, revision) {
    const held = get();
    if (held.itemId !== itemId || (held.doc && (held.doc.revision ?? 0) >= revision)) return;
    try {
      const doc = await rpc.call('annotations.load', { itemId });
      const now = get();
      if (now.itemId === itemId && (!now.doc || (doc.revision ?? 0) > (now.doc.revision ?? 0))) set({ doc });
    } catch {
      // the next change or reopening the item tries again; nothing the user did failed
    }
  },
  async run(f) {
    set({ busy: true });
    try {
      const { document } = await f();
      if (get().itemId === document.itemId) set({ doc: document });
      return true;
    } catch (err) {
      reportError(err);
      return false;
    } finally {
      set({ busy: false });
    }
  },
}));

// The open item's status and issues follow what others do to it (a reviewer rejecting, live).
rpc.on('item.changed', (d) => {
  const { itemId, revision } = d as { itemId: string; revision: number };
  void useItemReview.getState().refresh(itemId, revision);
});

/** Move the open item to `to` through the states in between (Submit from new or rejected). */
export async function moveItem(itemId: string, path: ItemStatus[], profile: Profile, note?: string): Promise<boolean> {
  const r = useItemReview.getState();
  for (const to of path) {
    const ok = await r.run(() => rpc.call('review.transition', { itemId, to, profile, ...(note && to === 'rejected' ? { note } : {}) }));
    if (!ok) return false;
  }
  return true;
}

/** Open the next item of the reviewer queue (skipping `current`); false when the queue is empty. */
export async function openNextInQueue(current?: string | null): Promise<boolean> {
  try {
    const { items } = await rpc.call('review.queue', {});
    const next = items.find((i) => i.itemId !== current);
    if (!next) {
      useApp.getState().set({ notice: i18n.t('review.queueEmpty') });
      return false;
    }
    useApp.getState().set({ view: 'item', itemId: next.itemId });
    return true;
  } catch (err) {
    reportError(err);
    return false;
  }
}

// ---------------------------------------------------------------- QA

export type QaScope = 'all' | 'submitted' | 'item';
export type ReviewSection = 'queue' | 'qa' | 'metrics';

interface QaState {
  jobId: string | null;
  findings: QaFinding[] | null;
  items: number;
  scope: QaScope;
  /** The section of the Review tab shown. */
  section: ReviewSection;
  /** Keys of dismissed findings (per project, kept in prefs). */
  dismissed: Set<string>;
  set(p: Partial<QaState>): void;
}

export const useQa = create<QaState>((set) => ({
  jobId: null,
  findings: null,
  items: 0,
  scope: 'all',
  section: 'queue',
  dismissed: new Set(),
  set: (p) => set(p),
}));

export const findingKey = (f: QaFinding) => `${f.check}|${f.item}|${f.frame ?? ''}|${f.object ?? ''}|${f.message}`;
const dismissedKey = () => `review.qaDismissed:${useApp.getState().project?.path ?? ''}`;

export async function loadDismissed(): Promise<void> {
  useQa.getState().set({ dismissed: new Set(await getPref<string[]>(dismissedKey(), [])) });
}

export async function dismissFinding(f: QaFinding, undo = false): Promise<void> {
  const next = new Set(useQa.getState().dismissed);
  if (undo) next.delete(findingKey(f));
  else next.add(findingKey(f));
  useQa.getState().set({ dismissed: next });
  await setPref(dismissedKey(), [...next]);
}

export async function runQa(itemIds?: string[]): Promise<void> {
  const id = newJobId('qa');
  useQa.getState().set({ jobId: id });
  startJob(id, 'qa');
  try {
    const r = await rpc.call('qa.run', { jobId: id, ...(itemIds ? { itemIds } : {}) });
    useQa.getState().set({ findings: r.findings, items: r.items });
  } catch (err) {
    reportError(err);
  } finally {
    endJob(id);
    useQa.getState().set({ jobId: null });
  }
}
