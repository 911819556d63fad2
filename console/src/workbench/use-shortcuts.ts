import { useEffect } from 'react';
import type { Labeling } from './use-labeling';

/** Shortcuts that work wherever the focus is: Esc skip, Alt+R release, Alt+L extend, Alt+N claim. */
export function useShortcuts({ held, act, extend, claimNext }: Pick<Labeling, 'held' | 'act' | 'extend' | 'claimNext'>): void {
  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      if (e.key === 'Escape' && held) {
        e.preventDefault();
        void act('skip');
      } else if (e.altKey && e.code === 'KeyR' && held) {
        e.preventDefault();
        void act('release');
      } else if (e.altKey && e.code === 'KeyL' && held) {
        e.preventDefault();
        extend();
      } else if (e.altKey && e.code === 'KeyN' && !held) {
        e.preventDefault();
        claimNext();
      }
    }
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [held, act, extend, claimNext]);
}
