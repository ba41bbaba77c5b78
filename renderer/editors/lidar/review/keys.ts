/**
 * Keys for reviewing model predictions in the LiDAR editor (a table of its own, next to keys.ts).
 *
 * The prediction keys are the Models tab's review strip keys (renderer/panels/keys.ts
 * `predictionReviewKeys`): Enter accepts, Delete / Backspace rejects. The review bar's Shift+A /
 * Shift+R stay what they are everywhere, accept / reject the whole item, so one chord never
 * means the item in one place and a box in another. Tab / Shift+Tab go to the next / previous
 * prediction (as CVAT's Tab walks objects), Shift+Enter accepts every prediction of the frame at
 * or above the panel's threshold.
 *
 * Delete / Backspace are also the editor's "delete cuboid" (keys.ts): this table is asked first
 * and declines unless the selection is a pending prediction, so deleting any other cuboid is
 * unchanged; a prediction deleted either way is remembered (model.ts removeAt).
 */
import { defineKeymap } from '../../../keymap/keymap';

export const lidarReviewKeymap = defineKeymap({
  id: 'lidar-review',
  section: 'shortcuts.sections.lidar',
  layer: 'editor',
  actions: {
    next: { keys: ['Tab'], description: 'shortcutsLidarReview.next' },
    prev: { keys: ['Shift+Tab'], description: 'shortcutsLidarReview.prev' },
    accept: { keys: ['Enter'], description: 'shortcutsLidarReview.accept' },
    reject: { keys: ['Delete', 'Backspace'], description: 'shortcutsLidarReview.reject' },
    acceptAbove: { keys: ['Shift+Enter'], description: 'shortcutsLidarReview.acceptAbove' },
  },
});

export type LidarReviewAction = keyof typeof lidarReviewKeymap.actions;
