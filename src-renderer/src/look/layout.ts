// The window's column layout: run control and buffers on the left, plots in
// the middle, the setup editor on the right (shown or hidden with the header's
// button; until the user chooses, shown only in windows at least AUTO_EDITOR
// wide, so that at 1280 × 800 the plots keep the room). Column widths are
// dragged with the handles between them and kept in localStorage; the middle
// column takes the rest and keeps at least MIN_MAIN (the side columns give way).
import { useEffect, useState, type CSSProperties } from 'react';
import { useStore } from 'zustand';
import { createStore } from 'zustand/vanilla';

export interface Layout {
  side: number;
  editor: number;
  /** null: automatic (open in windows at least AUTO_EDITOR px wide). */
  editorOpen: boolean | null;
  /** True: the run column is folded to a narrow strip (the plots take the room). */
  sideCollapsed?: boolean;
}

export const DEFAULT_LAYOUT: Layout = { side: 400, editor: 380, editorOpen: null, sideCollapsed: false };
/** Width of the folded run column. */
export const COLLAPSED_SIDE = 44;
/** Below this window width the run column takes at most NARROW_SHARE of it (1024 px: 307 px, not 400). */
export const NARROW = 1200;
export const NARROW_SHARE = 0.3;
/** Windows at least this wide show the editor until the user chooses. */
export const AUTO_EDITOR = 1500;
export const WIDTH_LIMITS = { side: [260, 560], editor: [300, 900] } as const;
/** The plots keep at least this much width. */
export const MIN_MAIN = 420;
/** Width of a drag handle. */
export const HANDLE = 8;

const KEY = 'ringscope.layout';

function read(): Layout {
  try {
    const v = JSON.parse(globalThis.localStorage?.getItem(KEY) ?? 'null') as Partial<Layout> | null;
    if (!v) return DEFAULT_LAYOUT;
    return {
      side: typeof v.side === 'number' ? v.side : DEFAULT_LAYOUT.side,
      editor: typeof v.editor === 'number' ? v.editor : DEFAULT_LAYOUT.editor,
      editorOpen: typeof v.editorOpen === 'boolean' ? v.editorOpen : null,
      sideCollapsed: v.sideCollapsed === true,
    };
  } catch {
    return DEFAULT_LAYOUT;
  }
}

/** The layout (persisted); change it with setLayout. */
export const layoutStore = createStore<Layout>()(() => read());

/** Changes the layout and remembers it. */
export function setLayout(patch: Partial<Layout>): void {
  layoutStore.setState(patch);
  try {
    globalThis.localStorage?.setItem(KEY, JSON.stringify(layoutStore.getState()));
  } catch {
    // kept for this page only
  }
}

/** Widths that fit a window `total` px wide: the side columns give way so the plots keep MIN_MAIN. */
export function fitLayout(l: Layout, total: number): Layout & { editorOpen: boolean } {
  const clamp = (v: number, [lo, hi]: readonly [number, number]) => Math.min(Math.max(v, lo), hi);
  const wanted = total < NARROW ? Math.min(l.side, Math.round(total * NARROW_SHARE)) : l.side;
  const side = l.sideCollapsed ? COLLAPSED_SIDE : clamp(wanted, WIDTH_LIMITS.side);
  let editor = clamp(l.editor, WIDTH_LIMITS.editor);
  const open = l.editorOpen ?? total >= AUTO_EDITOR;
  const room = total - MIN_MAIN - side - 2 * HANDLE - 24;
  if (open && editor > room) editor = Math.max(WIDTH_LIMITS.editor[0], room);
  return { ...l, side, editor, editorOpen: open };
}

function useWindowWidth(): number {
  const [w, setW] = useState(() => (typeof window !== 'undefined' ? window.innerWidth : 1280));
  useEffect(() => {
    const on = () => setW(window.innerWidth);
    window.addEventListener('resize', on);
    return () => window.removeEventListener('resize', on);
  }, []);
  return w;
}

/** The layout as it fits the window now. */
export function useFittedLayout(): Layout & { editorOpen: boolean } {
  const layout = useStore(layoutStore);
  return fitLayout(layout, useWindowWidth());
}

/** The grid columns of .app-main: side | handle | plots | handle | editor. */
export function useColumns(): CSSProperties {
  const l = useFittedLayout();
  return { gridTemplateColumns: l.editorOpen ? `${l.side}px ${HANDLE}px minmax(0, 1fr) ${HANDLE}px ${l.editor}px` : `${l.side}px ${HANDLE}px minmax(0, 1fr)` };
}
