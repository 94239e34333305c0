// Gives the desktop components the desktop API and state; absent in a browser.
import { createContext, type ReactNode, useContext } from 'react';
import { useStore } from 'zustand';
import type { Desktop, DesktopState } from './state';

const Ctx = createContext<Desktop | null>(null);

export function DesktopProvider({ desktop, children }: { desktop: Desktop | null; children: ReactNode }) {
  return <Ctx.Provider value={desktop}>{children}</Ctx.Provider>;
}

/** The desktop app, or null in a browser. */
export function useDesktop(): Desktop | null {
  return useContext(Ctx);
}

const EMPTY: DesktopState = { engine: null, recent: [], examples: [], theme: null };
const emptyStore = { getState: () => EMPTY, getInitialState: () => EMPTY, subscribe: () => () => undefined, setState: () => undefined };

/** Selects from the desktop state (the empty state in a browser). */
export function useDesktopState<T>(selector: (s: DesktopState) => T): T {
  const d = useContext(Ctx);
  return useStore(d ? d.store : (emptyStore as unknown as Desktop['store']), selector);
}
