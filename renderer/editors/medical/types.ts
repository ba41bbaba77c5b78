/** Shared types of the medical editor. */
export type Tool = 'navigate' | 'pan' | 'brush' | 'eraser' | 'polygon' | 'measure';
