/**
 * The cost model of the efficiency benchmark (issue #16), in one place: the Keystroke-Level Model
 * constants (Card, Moran & Newell, "The Psychology of Human-Computer Interaction", 1983) and how a
 * log of real input events becomes interactions and estimated human seconds.
 *
 * What is counted comes from the page's own trusted events (inputLog.ts), never from what the
 * script meant to do. The mapping, operator by operator:
 *
 *  - K (keystroke, 0.28 s, an average typist): every `keydown` that is not an auto-repeat. A chord
 *    is its keys: Shift+ArrowUp is two keystrokes, as a person presses two keys.
 *  - P (pointing, 1.1 s): every press of a pointer button at a new place (a click or the start of
 *    a drag), and once more for the movement of a drag (Fitts' law is folded into the average, as
 *    KLM does; the drag's path length in pixels is reported beside it).
 *  - B (button press or release, 0.1 s): the pointerdown and the pointerup, each one B.
 *  - H (homing, 0.4 s): the hand moving between keyboard and mouse: whenever a keyboard event
 *    follows a pointer/wheel event or the other way round.
 *  - M (mental preparation, 1.35 s): once per policy decision (accept / correct / delete /
 *    create one object: the annotator looks and decides), and once per *run* of corrections with
 *    one key (pressing ArrowUp five times is one decision "move it forward", KLM's rule of
 *    chunking repeated keystrokes into one cognitive unit). Decisions are marked by the harness
 *    (they are not input); key runs are read from the log.
 *  - wheel notches: one P (to aim) per uninterrupted run of wheel events plus 0.1 s per notch
 *    (counted like a B: a notch is a finger movement of the same size).
 *
 * "Interactions" is keystrokes + clicks + drags + wheel notches: what a person physically does.
 */

export const KLM = {
  keystroke: 0.28,
  pointing: 1.1,
  button: 0.1,
  homing: 0.4,
  mental: 1.35,
} as const;

/** One input event as the page saw it (inputLog.ts writes these). */
export type InputEvent =
  | { t: number; type: 'key'; key: string; repeat: boolean }
  | { t: number; type: 'down'; x: number; y: number; button: number }
  | { t: number; type: 'up'; x: number; y: number; button: number; path: number }
  | { t: number; type: 'wheel'; x: number; y: number; dy: number };

export interface Cost {
  keystrokes: number;
  clicks: number;
  drags: number;
  wheelNotches: number;
  /** Sum of the drags' pointer paths, CSS pixels. */
  dragPx: number;
  homings: number;
  mentals: number;
  /** keystrokes + clicks + drags + wheel notches. */
  interactions: number;
  /** KLM estimate, seconds. */
  seconds: number;
}

export const ZERO_COST: Cost = { keystrokes: 0, clicks: 0, drags: 0, wheelNotches: 0, dragPx: 0, homings: 0, mentals: 0, interactions: 0, seconds: 0 };

/** A press and release closer than this (px along the path) is a click, as the editors' CLICK_SLOP. */
export const CLICK_SLOP_PX = 4;

/**
 * The KLM cost of `events` plus `decisions` policy decisions. `lastDevice` is the device the hand
 * was on before the first event (so a segment cut out of a longer log charges its homing right).
 */
export function klmCost(events: readonly InputEvent[], decisions: number, lastDevice: 'keyboard' | 'mouse' | null = null): Cost {
  const c = { ...ZERO_COST, mentals: decisions };
  let device = lastDevice;
  let lastKey: string | null = null;
  let inWheelRun = false;
  const use = (d: 'keyboard' | 'mouse') => {
    if (device && device !== d) c.homings++;
    device = d;
  };
  for (const e of events) {
    if (e.type === 'key') {
      if (e.repeat) continue;
      use('keyboard');
      c.keystrokes++;
      // A new run of correction keys is a new small decision; modifiers belong to the key they modify.
      if (!isModifier(e.key)) {
        if (lastKey !== null && e.key.toLowerCase() !== lastKey) c.mentals++;
        lastKey = e.key.toLowerCase();
      }
      inWheelRun = false;
    } else if (e.type === 'down') {
      use('mouse');
      lastKey = null;
      inWheelRun = false;
    } else if (e.type === 'up') {
      use('mouse');
      if (e.path > CLICK_SLOP_PX) {
        c.drags++;
        c.dragPx += e.path;
      } else c.clicks++;
    } else {
      use('mouse');
      c.wheelNotches++;
      if (!inWheelRun) c.seconds += KLM.pointing;
      inWheelRun = true;
      lastKey = null;
    }
  }
  c.interactions = c.keystrokes + c.clicks + c.drags + c.wheelNotches;
  c.seconds +=
    c.keystrokes * KLM.keystroke +
    c.clicks * (KLM.pointing + 2 * KLM.button) +
    c.drags * (2 * KLM.pointing + 2 * KLM.button) +
    c.wheelNotches * KLM.button +
    c.homings * KLM.homing +
    c.mentals * KLM.mental;
  return c;
}

export function isModifier(key: string): boolean {
  return key === 'Shift' || key === 'Alt' || key === 'Control' || key === 'Meta';
}

/** The device the hand is on after `events` (null when there were none). */
export function lastDeviceOf(events: readonly InputEvent[], before: 'keyboard' | 'mouse' | null = null): 'keyboard' | 'mouse' | null {
  for (let i = events.length - 1; i >= 0; i--) if (!(events[i].type === 'key' && (events[i] as { repeat: boolean }).repeat)) return events[i].type === 'key' ? 'keyboard' : 'mouse';
  return before;
}

export function addCost(a: Cost, b: Cost): Cost {
  const r = { ...a };
  for (const k of Object.keys(r) as (keyof Cost)[]) r[k] = a[k] + b[k];
  return r;
}
