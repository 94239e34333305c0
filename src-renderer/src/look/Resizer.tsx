// A drag handle between two columns: drag with the mouse, or focus it and use
// the arrow keys (Home resets). It reports widths; the layout stores them.
import { useRef } from 'react';

interface ResizerProps {
  label: string;
  /** The width being resized, in px. */
  width: number;
  min: number;
  max: number;
  /** +1: dragging right widens (a column on the left); -1: dragging left widens (a column on the right). */
  direction: 1 | -1;
  onResize(width: number): void;
  onReset(): void;
}

export function Resizer({ label, width, min, max, direction, onResize, onReset }: ResizerProps) {
  const drag = useRef<{ x: number; width: number } | null>(null);
  const clamp = (w: number) => Math.round(Math.min(max, Math.max(min, w)));
  return (
    <div
      className="resizer"
      role="separator"
      aria-orientation="vertical"
      aria-label={label}
      aria-valuenow={width}
      aria-valuemin={min}
      aria-valuemax={max}
      tabIndex={0}
      title={`${label}: drag to resize, double-click to reset`}
      onPointerDown={(e) => {
        drag.current = { x: e.clientX, width };
        e.currentTarget.setPointerCapture(e.pointerId);
        e.preventDefault();
      }}
      onPointerMove={(e) => {
        if (drag.current) onResize(clamp(drag.current.width + direction * (e.clientX - drag.current.x)));
      }}
      onPointerUp={(e) => {
        drag.current = null;
        e.currentTarget.releasePointerCapture(e.pointerId);
      }}
      onDoubleClick={onReset}
      onKeyDown={(e) => {
        const step = e.shiftKey ? 64 : 16;
        if (e.key === 'ArrowLeft') onResize(clamp(width - direction * step));
        else if (e.key === 'ArrowRight') onResize(clamp(width + direction * step));
        else if (e.key === 'Home') onReset();
        else return;
        e.preventDefault();
      }}
    />
  );
}
