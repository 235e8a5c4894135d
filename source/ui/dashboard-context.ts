import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { DashboardStore } from '../store/dashboard-store.js';
import type { Dashboard, KeyBinding } from './keymap.js';
import { DEFAULT_THEME, type Theme } from './theme.js';

export interface DashboardEnvironment {
  store: DashboardStore;
  bindings: readonly KeyBinding[];
  theme: Theme;
  /** Injected so frames are stable in tests. */
  now: () => Date;
}

export const DashboardContext = createContext<DashboardEnvironment | null>(null);

function useEnvironment(): DashboardEnvironment {
  const environment = useContext(DashboardContext);
  if (!environment) throw new Error('dashboard components need a DashboardContext provider');
  return environment;
}

/** A slice of the store; the component re-renders only when that slice changes. */
export function useDashboard<T>(selector: (state: Dashboard) => T): T {
  return useStore(useEnvironment().store, selector);
}

export const useTheme = (): Theme => useEnvironment().theme ?? DEFAULT_THEME;
export const useBindings = (): readonly KeyBinding[] => useEnvironment().bindings;
export const useStoreApi = (): DashboardStore => useEnvironment().store;
export const useNow = (): (() => Date) => useEnvironment().now;
