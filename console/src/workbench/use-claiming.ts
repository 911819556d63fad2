import { useCallback, type Dispatch, type SetStateAction } from 'react';
import { ApiError, type ApiClient } from '../api';
import { errorText } from '../common';
import type { Task, TaskAnswer } from '../types';
import { BASE } from './use-example';
import type { Flash, Held } from './use-labeling';

/** The task state a claim changes (useLabeling's). */
export interface ClaimState {
  held: Held | null;
  busy: boolean;
  setHeld: Dispatch<SetStateAction<Held | null>>;
  setBusy: Dispatch<SetStateAction<boolean>>;
  setFlash: Dispatch<SetStateAction<Flash>>;
}

/** Claims the first of (at most ten) candidates nobody else won the race for; null when none could be. */
async function claimFirst(api: ApiClient, candidates: Task[]): Promise<Held | null> {
  for (const t of candidates.slice(0, 10)) {
    try {
      const res = await api.post<TaskAnswer>(`${BASE}/labeling-tasks/${encodeURIComponent(t.task_id)}/claim`);
      return { task: t, leaseExpiresAt: res.lease_expires_at };
    } catch (err) {
      // Someone else got it first: try the next one.
      if (err instanceof ApiError && err.status === 409) continue;
      throw err;
    }
  }
  return null;
}

/** Claiming: the next candidate of the backlog, a given list (auto-next), or the held task again (extend). */
export function useClaiming(api: ApiClient, sub: string, tasks: Task[], reloadBacklog: () => void, state: ClaimState) {
  const { held, busy, setHeld, setBusy, setFlash } = state;
  const claim = useCallback(
    async (candidates: Task[], keepFlash = false) => {
      setBusy(true);
      if (!keepFlash) setFlash(null);
      try {
        const claimed = await claimFirst(api, candidates);
        if (claimed) setHeld(claimed);
        else setFlash({ kind: 'error', text: 'No task could be claimed: every open task is held by someone else.' });
      } catch (err) {
        setFlash({ kind: 'error', text: errorText(err) });
      } finally {
        setBusy(false);
        reloadBacklog();
      }
    },
    [api, reloadBacklog, setBusy, setFlash, setHeld],
  );

  const claimable = useCallback(
    (list: Task[], except?: string) => list.filter((t) => t.task_id !== except && (t.status === 'open' || t.claimed_by === sub)),
    [sub],
  );

  const claimNext = useCallback(() => {
    if (busy || held) return;
    const list = claimable(tasks);
    if (list.length === 0) {
      setFlash({ kind: 'error', text: 'The backlog is empty.' });
      return;
    }
    void claim(list);
  }, [busy, held, claimable, tasks, claim, setFlash]);

  const extend = useCallback(() => {
    if (held) void claim([held.task]);
  }, [held, claim]);

  return { claim, claimable, claimNext, extend };
}
