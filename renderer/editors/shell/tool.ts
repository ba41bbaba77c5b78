/**
 * The one tool interface of every editor (image / video, LiDAR, medical): a tool is a small state
 * machine, free of the DOM, that receives pointer and key events and returns commands. The editor
 * picks the scene coordinates first and puts them in its `Pointer` (image pixels; the LiDAR
 * picking ray in scene coordinates; a pixel of a medical slice), with the modifiers held; it
 * applies the commands a tool returns and draws the tool's preview. A tool never edits the
 * document itself, so a completed gesture is one command (one undo step) and every tool is
 * tested by feeding it events (`down` / `move` / `up` sequences in, commands out).
 */

/** Modifier keys held during a pointer event. */
export interface PointerMods {
  shift?: boolean;
  alt?: boolean;
  /** Ctrl, or Cmd on macOS. */
  ctrl?: boolean;
}

export interface EditorTool<Pointer, Ctx, Cmd, Preview> {
  readonly name: string;
  down(p: Pointer, ctx: Ctx): Cmd[];
  move(p: Pointer, ctx: Ctx): Cmd[];
  up(p: Pointer, ctx: Ctx): Cmd[];
  dblclick?(p: Pointer, ctx: Ctx): Cmd[];
  /** Enter, Escape, Backspace... Returns null when the tool does not use the key. */
  key?(key: string, ctx: Ctx): Cmd[] | null;
  /** What the editor draws for a gesture in progress. */
  preview(): Preview | null;
  /** True while a gesture or shape is half done (Escape cancels it instead of leaving the item). */
  busy(): boolean;
  /** Drops a gesture in progress without a command. */
  cancel(): void;
}
