// Gives panels the store, the snapshot feed and the analysis state (tests provide their own).
import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { Analysis, AnalysisState } from './analysis/store';
import type { AppState, AppStore } from './store/appStore';
import type { SnapshotFeed } from './store/snapshots';

interface AppContextValue {
  store: AppStore;
  feed: SnapshotFeed;
  /** Histograms and strip charts: state kept beside the app store, on the same bridge. */
  analysis: Analysis;
}

const Ctx = createContext<AppContextValue | null>(null);

export function AppProvider({ store, feed, analysis, children }: AppContextValue & { children: ReactNode }) {
  return <Ctx.Provider value={{ store, feed, analysis }}>{children}</Ctx.Provider>;
}

/** The store, feed and analysis of the surrounding AppProvider. */
export function useAppContext(): AppContextValue {
  const v = useContext(Ctx);
  if (!v) throw new Error('useAppContext outside AppProvider');
  return v;
}

/** Selects from the app store; re-renders only when the selected value changes. */
export function useApp<T>(selector: (s: AppState) => T): T {
  return useStore(useAppContext().store, selector);
}

/** The analysis (histograms, strip charts) of the surrounding AppProvider. */
export function useAnalysis(): Analysis {
  return useAppContext().analysis;
}

/** Selects from the analysis state. */
export function useAnalysisState<T>(selector: (s: AnalysisState) => T): T {
  return useStore(useAnalysis().store, selector);
}
