import { createContext, useContext } from 'react';

/** The screens; detail screens carry the id of their record. */
export type Route =
  | { name: 'enterprises' }
  | { name: 'enterprise'; id: string }
  | { name: 'backtrace'; id: string }
  | { name: 'agencies' }
  | { name: 'agency'; id: string }
  | { name: 'people' }
  | { name: 'visits' }
  | { name: 'visit'; id: string }
  | { name: 'verify' }
  | { name: 'sync' }
  | { name: 'letters' }
  | { name: 'coverage' }
  | { name: 'grades' }
  | { name: 'audit' }
  | { name: 'backups' }
  | { name: 'imports' };

export type Section = 'enterprises' | 'agencies' | 'people' | 'visits' | 'verify' | 'sync' | 'letters' | 'coverage' | 'grades' | 'audit' | 'backups' | 'imports';

/** The menu entry a screen belongs to. */
export function sectionOf(route: Route): Section {
  switch (route.name) {
    case 'enterprises':
    case 'enterprise':
    case 'backtrace':
      return 'enterprises';
    case 'agencies':
    case 'agency':
      return 'agencies';
    case 'people':
      return 'people';
    case 'visits':
    case 'visit':
      return 'visits';
    case 'verify':
      return 'verify';
    case 'sync':
      return 'sync';
    case 'letters':
      return 'letters';
    case 'coverage':
      return 'coverage';
    case 'grades':
      return 'grades';
    case 'audit':
      return 'audit';
    case 'backups':
      return 'backups';
    case 'imports':
      return 'imports';
  }
}

export interface Nav {
  /** Opens a screen on top of the current one; `back` returns to it. */
  go: (route: Route) => void;
  back: () => void;
  canGoBack: boolean;
}

export const NavContext = createContext<Nav>({ go: () => {}, back: () => {}, canGoBack: false });

export function useNav(): Nav {
  return useContext(NavContext);
}
