import { useEffect, useRef, type RefObject } from 'react';
import type { Backlog } from '../types';
import type { Labeling } from './use-labeling';

/** After a reload of the page, pick up a task this labeler still holds. */
export function useResumeHeld(backlog: Backlog | undefined, sub: string, { held, setHeld }: Pick<Labeling, 'held' | 'setHeld'>) {
  const resumed = useRef(false);
  const tasks = backlog?.items;
  useEffect(() => {
    if (resumed.current || !backlog) return;
    resumed.current = true;
    const mine = (tasks ?? []).find((t) => t.status === 'claimed' && t.claimed_by === sub);
    if (mine && !held) setHeld({ task: mine, leaseExpiresAt: mine.lease_expires_at });
  }, [backlog, tasks, held, sub, setHeld]);
}

/** Focus the label input while a task is shown, else the claim button; a command's busy spell drops focus, so give it back. */
export function useWorkbenchFocus(held: unknown, exampleLoaded: boolean, busy: boolean): { inputRef: RefObject<HTMLInputElement | null>; claimRef: RefObject<HTMLButtonElement | null> } {
  const inputRef = useRef<HTMLInputElement>(null);
  const claimRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (held && exampleLoaded && !busy) inputRef.current?.focus();
  }, [held, exampleLoaded, busy]);
  useEffect(() => {
    if (!held && !busy) claimRef.current?.focus();
  }, [held, busy]);
  return { inputRef, claimRef };
}
