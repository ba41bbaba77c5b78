/** Keys of the dataset browser, the ontology editor and the model predictions review strip. */
import { defineKeymap } from '../keymap/keymap';

export const datasetKeys = defineKeymap({
  id: 'dataset',
  section: 'shortcuts.sections.dataset',
  layer: 'view',
  actions: {
    move: { keys: ['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown'], description: 'shortcuts.navigate' },
    open: { keys: ['Enter'], description: 'shortcuts.open' },
    search: { keys: ['/'], description: 'shortcuts.search' },
  },
});

export const ontologyKeys = defineKeymap({
  id: 'ontology',
  section: 'shortcuts.sections.ontology',
  layer: 'view',
  actions: {
    undo: { keys: ['Ctrl+Z'], description: 'shortcuts.undo' },
    redo: { keys: ['Ctrl+Shift+Z', 'Ctrl+Y'], description: 'shortcuts.redo' },
  },
});

export const predictionReviewKeys = defineKeymap({
  id: 'predictions',
  section: 'shortcuts.sections.models',
  layer: 'view',
  actions: {
    move: { keys: ['ArrowUp', 'ArrowDown'], description: 'shortcuts.predictions.move' },
    accept: { keys: ['Enter'], description: 'shortcuts.predictions.accept' },
    reject: { keys: ['Delete', 'Backspace'], description: 'shortcuts.predictions.reject' },
    undo: { keys: ['Ctrl+Z'], description: 'shortcuts.undo' },
    redo: { keys: ['Ctrl+Shift+Z', 'Ctrl+Y'], description: 'shortcuts.redo' },
  },
});
