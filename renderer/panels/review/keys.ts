/** Keys of the review screens: the reviewer queue and the review bar above an item. */
import { defineKeymap } from '../../keymap/keymap';

/** On the editor layer so that Shift+A accepts instead of stepping a frame (A, on the view layer). */
export const reviewBarKeys = defineKeymap({
  id: 'review-bar',
  section: 'shortcuts.sections.review',
  layer: 'editor',
  actions: {
    submit: { keys: ['Shift+S'], description: 'shortcutsReview.submit' },
    accept: { keys: ['Shift+A'], description: 'shortcutsReview.accept' },
    reject: { keys: ['Shift+R'], description: 'shortcutsReview.reject' },
    next: { keys: ['N'], description: 'shortcutsReview.next' },
  },
});

export const reviewQueueKeys = defineKeymap({
  id: 'review-queue',
  section: 'shortcuts.sections.review',
  layer: 'view',
  actions: {
    move: { keys: ['ArrowUp', 'ArrowDown'], description: 'shortcutsReview.move' },
    open: { keys: ['Enter'], description: 'shortcutsReview.openQueue' },
    first: { keys: ['N'], description: 'shortcutsReview.first' },
  },
});
