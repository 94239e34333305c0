// Keyboard shortcuts of the window: S starts, Space (or P and R) pauses and
// resumes, E ends the run (mimoCoRB's key for end), ? lists the keys — never
// while typing or on a focused control, where the key belongs to it — and
// Ctrl+O opens, Ctrl+S saves, Ctrl+Shift+S saves as (⌘ on macOS). The actions
// are the same ones the buttons and the desktop menus use.
import { useEffect } from 'react';
import { isActive } from '../../../src-shared/bridge/protocol';
import type { AppStore } from '../store/appStore';
import { editedDiffers } from '../store/editor';

/** True when a key press belongs to the element that has focus (typing, a control's own Space). */
export function ownsKeys(target: EventTarget | null): boolean {
  const el = target as (HTMLElement & { isContentEditable?: boolean }) | null;
  if (!el || typeof el.tagName !== 'string') return false;
  const tag = el.tagName.toLowerCase();
  // A focused button takes Space as its own click, unless it is disabled (Start, once pressed).
  if (tag === 'button') return !(el as HTMLButtonElement).disabled;
  return tag === 'input' || tag === 'textarea' || tag === 'select' || tag === 'summary' || el.isContentEditable === true;
}

export type ShortcutAction = 'start' | 'pause-resume' | 'pause' | 'resume' | 'end' | 'help' | 'open' | 'save' | 'save-as';

/** The keys, as the "?" overlay lists them. */
export const SHORTCUTS: { keys: string; what: string }[] = [
  { keys: 'S', what: 'Start a run' },
  { keys: 'Space', what: 'Pause or resume' },
  { keys: 'P / R', what: 'Pause / resume' },
  { keys: 'E', what: 'End the run (Stop: everything buffered is written)' },
  { keys: 'Ctrl+O', what: 'Open a setup' },
  { keys: 'Ctrl+S', what: 'Save the setup' },
  { keys: 'Ctrl+Shift+S', what: 'Save the setup as …' },
  { keys: '?', what: 'Show or hide this list' },
  { keys: 'Esc', what: 'Close this list' },
];

const LETTERS: Record<string, ShortcutAction> = { s: 'start', p: 'pause', r: 'resume', e: 'end' };

/** What a key press does, or null when the window leaves it alone. */
export function shortcutFor(e: Pick<KeyboardEvent, 'key' | 'code' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey' | 'target' | 'repeat'>): ShortcutAction | null {
  const mod = e.ctrlKey || e.metaKey;
  if (mod && !e.altKey) {
    const k = e.key.toLowerCase();
    if (k === 'o' && !e.shiftKey) return 'open';
    if (k === 's') return e.shiftKey ? 'save-as' : 'save';
    return null;
  }
  if (e.ctrlKey || e.metaKey || e.altKey || e.repeat || ownsKeys(e.target)) return null;
  if (e.key === '?') return 'help';
  if (e.shiftKey) return null;
  if (e.key === ' ' || e.code === 'Space') return 'pause-resume';
  return LETTERS[e.key.toLowerCase()] ?? null;
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
      const state = s.status?.state;
      const ready = s.pending === null && s.connection === 'open';
      switch (action) {
        case 'help':
          s.showShortcuts(!s.shortcutsOpen);
          return;
        case 'start':
          // As the Start button: it refuses (with a notice) what the button would not allow.
          if (ready && !isActive(state) && (s.setup?.runnable || editedDiffers(s))) void s.start();
          return;
        case 'end':
          if (ready && (state === 'running' || state === 'paused')) void s.stop();
          return;
        case 'pause':
        case 'resume':
        case 'pause-resume': {
          if (!ready) return;
          if (state === 'running' && action !== 'resume') void s.pause();
          else if (state === 'paused' && action !== 'pause') void s.resume();
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
