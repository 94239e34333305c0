// Keyboard shortcuts of the window: Space pauses and resumes a run (never
// while typing or on a focused control, where Space belongs to it), Ctrl+O
// opens, Ctrl+S saves, Ctrl+Shift+S saves as (⌘ on macOS). The editor's
// actions are the same ones the buttons and the desktop menus use.
import { useEffect } from 'react';
import type { AppStore } from '../store/appStore';

/** True when a key press belongs to the element that has focus (typing, a control's own Space). */
export function ownsKeys(target: EventTarget | null): boolean {
  const el = target as (HTMLElement & { isContentEditable?: boolean }) | null;
  if (!el || typeof el.tagName !== 'string') return false;
  const tag = el.tagName.toLowerCase();
  // A focused button takes Space as its own click, unless it is disabled (Start, once pressed).
  if (tag === 'button') return !(el as HTMLButtonElement).disabled;
  return tag === 'input' || tag === 'textarea' || tag === 'select' || tag === 'summary' || el.isContentEditable === true;
}

/** What a key press does, or null when the window leaves it alone. */
export function shortcutFor(e: Pick<KeyboardEvent, 'key' | 'code' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey' | 'target' | 'repeat'>): 'pause-resume' | 'open' | 'save' | 'save-as' | null {
  const mod = e.ctrlKey || e.metaKey;
  if (mod && !e.altKey) {
    const k = e.key.toLowerCase();
    if (k === 'o' && !e.shiftKey) return 'open';
    if (k === 's') return e.shiftKey ? 'save-as' : 'save';
    return null;
  }
  if ((e.key === ' ' || e.code === 'Space') && !e.ctrlKey && !e.metaKey && !e.altKey && !e.shiftKey && !e.repeat && !ownsKeys(e.target)) return 'pause-resume';
  return null;
}

/** Installs the shortcuts on the window while mounted. */
export function useShortcuts(store: AppStore): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const action = shortcutFor(e);
      if (!action) return;
      const s = store.getState();
      // A dialog of the page is open: it has the keyboard.
      if (s.editorDialog) return;
      e.preventDefault();
      switch (action) {
        case 'pause-resume': {
          const state = s.status?.state;
          if (s.pending !== null || s.connection !== 'open') return;
          if (state === 'running') void s.pause();
          else if (state === 'paused') void s.resume();
          return;
        }
        case 'open':
          void s.editorChooseOpen();
          return;
        case 'save':
          void s.editorSave();
          return;
        case 'save-as':
          void s.editorSaveAs();
          return;
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [store]);
}
