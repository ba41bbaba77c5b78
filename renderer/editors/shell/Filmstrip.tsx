/**
 * A strip of thumbnails: the frames of a sequence, or the items around the open one. Only the
 * thumbnails that fit the strip's width are in the DOM (filmstripWindow), centred on the current
 * one, so a 10,000-frame sequence costs a dozen small images.
 */
import { useLayoutEffect, useRef, useState } from 'react';
import { filmstripWindow } from './navigation';
import './shell.css';

const SLOT = 84; // px: thumbnail width + gap

export function Filmstrip(props: {
  count: number;
  current: number;
  onPick(index: number): void;
  /** Thumbnail URL of an entry (null: none, a placeholder is shown). */
  thumb(index: number): string | null;
  /** Tooltip and accessible name of an entry. */
  label(index: number): string;
  /** Index shown for an entry (frame number). */
  caption?(index: number): string;
  testId?: string;
  ariaLabel: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(800);
  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    setWidth(el.clientWidth);
    const ro = new ResizeObserver(() => setWidth(el.clientWidth));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  const { start, end } = filmstripWindow(props.current, props.count, Math.max(1, Math.floor((width - 8) / SLOT)));
  const entries = [];
  for (let i = start; i < end; i++) {
    const src = props.thumb(i);
    entries.push(
      <button
        key={i}
        className={`filmstrip-thumb${i === props.current ? ' current' : ''}`}
        onClick={() => props.onPick(i)}
        title={props.label(i)}
        aria-label={props.label(i)}
        aria-current={i === props.current ? 'true' : undefined}
        data-testid="filmstrip-thumb"
        data-index={i}
      >
        {src ? <img src={src} alt="" loading="lazy" decoding="async" draggable={false} /> : <span className="filmstrip-empty" />}
        <span className="filmstrip-caption mono">{props.caption ? props.caption(i) : i + 1}</span>
      </button>,
    );
  }
  return (
    <div className="filmstrip" ref={box} role="group" aria-label={props.ariaLabel} data-testid={props.testId ?? 'filmstrip'}>
      {entries}
    </div>
  );
}
