/** The LiDAR view (3D or bird's-eye, orientation, centre, range) kept per item while the app runs. */
import { create } from 'zustand';
import { DEFAULT_VIEW, type LidarViewState } from './bevView';

interface LidarViews {
  views: Record<string, LidarViewState>;
  setView(itemId: string, f: (v: LidarViewState) => LidarViewState): void;
}

export const useLidarViews = create<LidarViews>((set) => ({
  views: {},
  setView: (itemId, f) => set((s) => ({ views: { ...s.views, [itemId]: f(s.views[itemId] ?? DEFAULT_VIEW) } })),
}));

export const viewOf = (s: LidarViews, itemId: string): LidarViewState => s.views[itemId] ?? DEFAULT_VIEW;
