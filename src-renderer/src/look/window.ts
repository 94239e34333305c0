// What the window does besides its panels: keyboard shortcuts, asking before a
// page with unsaved setup changes is closed or reloaded, and fetching the
// host's example setups once connected.
import { useEffect } from 'react';
import type { AppStore } from '../store/appStore';
import { editorDirty } from '../store/editor';
import { useShortcuts } from './shortcuts';

/** Installs the window's shortcuts and guards; call once, in App. */
export function useWindowBehaviour(store: AppStore, connected: boolean): void {
  useShortcuts(store);
  useEffect(() => {
    const onUnload = (e: BeforeUnloadEvent) => {
      if (!editorDirty(store.getState())) return;
      e.preventDefault();
      e.returnValue = '';
    };
    window.addEventListener('beforeunload', onUnload);
    return () => window.removeEventListener('beforeunload', onUnload);
  }, [store]);
  useEffect(() => {
    if (connected) void store.getState().editorListSetups();
  }, [connected, store]);
}
