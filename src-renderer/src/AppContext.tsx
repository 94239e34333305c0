// Gives panels the store and the snapshot feed (tests provide their own).
import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { AppState, AppStore } from './store/appStore';
import type { SnapshotFeed } from './store/snapshots';

interface AppContextValue {
  store: AppStore;
  feed: SnapshotFeed;
}

const Ctx = createContext<AppContextValue | null>(null);

export function AppProvider({ store, feed, children }: AppContextValue & { children: ReactNode }) {
  return <Ctx.Provider value={{ store, feed }}>{children}</Ctx.Provider>;
}

/** The store and feed of the surrounding AppProvider. */
export function useAppContext(): AppContextValue {
  const v = useContext(Ctx);
  if (!v) throw new Error('useAppContext outside AppProvider');
  return v;
}

/** Selects from the app store; re-renders only when the selected value changes. */
export function useApp<T>(selector: (s: AppState) => T): T {
  return useStore(useAppContext().store, selector);
}
