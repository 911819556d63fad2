import { useCallback, useState } from 'react';
import { ApiError, type ApiClient } from '../api';
import { errorText } from '../common';
import type { Backlog, Task, TaskAnswer } from '../types';
import { BASE } from './use-example';
import { useClaiming, type ClaimState } from './use-claiming';

export interface Held {
  task: Task;
  leaseExpiresAt: string | null;
}

export type Flash = { kind: 'ok' | 'error'; text: string } | null;
export type TaskAction = 'submit' | 'skip' | 'release';

/** Whether a finished task claims the next one, remembered in this browser. */
function useAutoNext() {
  const [autoNext, setAutoNextState] = useState(() => localStorage.getItem('console.autoNext') !== 'off');
  const setAutoNext = useCallback((on: boolean) => {
    setAutoNextState(on);
    localStorage.setItem('console.autoNext', on ? 'on' : 'off');
  }, []);
  return { autoNext, setAutoNext };
}

type Claiming = ReturnType<typeof useClaiming>;

/** Submit, skip or release the held task; then, with auto-next, claim the next one. */
function useAct(api: ApiClient, reloadBacklog: () => void, state: ClaimState & { setLabel: (label: string) => void }, autoNext: boolean, { claimable, claim }: Claiming) {
  const { held, busy, setHeld, setBusy, setFlash, setLabel } = state;
  return useCallback(
    async (action: TaskAction, body?: unknown) => {
      if (!held || busy) return;
      setBusy(true);
      setFlash(null);
      const id = held.task.task_id;
      try {
        await api.post<TaskAnswer>(`${BASE}/labeling-tasks/${encodeURIComponent(id)}/${action}`, body);
        const verb = action === 'submit' ? 'Labeled' : action === 'skip' ? 'Skipped' : 'Released';
        setFlash({ kind: 'ok', text: `${verb} task ${id}.` });
        setHeld(null);
        setLabel('');
        // Read our own write: the backlog GET carries the command's position as min_position.
        const fresh = await api.get<Backlog>(`${BASE}/labeling-backlog`, { limit: 500 });
        reloadBacklog();
        if (autoNext && action !== 'release') {
          const next = claimable(fresh.items, id);
          if (next.length > 0) {
            setBusy(false);
            await claim(next, true);
          }
        }
      } catch (err) {
        setFlash({ kind: 'error', text: errorText(err) });
        if (err instanceof ApiError && err.status === 409) {
          setHeld(null);
          reloadBacklog();
        }
      } finally {
        setBusy(false);
      }
    },
    [api, held, busy, reloadBacklog, autoNext, claimable, claim, setBusy, setFlash, setHeld, setLabel],
  );
}

/**
 * The labeler's commands on tasks: claim (trying the next candidate when someone else won the race),
 * submit, skip, release and extend, with the task held, a busy flag and the last message.
 */
export function useLabeling(api: ApiClient, sub: string, tasks: Task[], reloadBacklog: () => void) {
  const [held, setHeld] = useState<Held | null>(null);
  const [label, setLabel] = useState('');
  const [busy, setBusy] = useState(false);
  const [flash, setFlash] = useState<Flash>(null);
  const { autoNext, setAutoNext } = useAutoNext();
  const state = { held, busy, setHeld, setBusy, setFlash };
  const claiming = useClaiming(api, sub, tasks, reloadBacklog, state);
  const act = useAct(api, reloadBacklog, { ...state, setLabel }, autoNext, claiming);
  const { claimNext, extend } = claiming;
  return { held, setHeld, label, setLabel, busy, flash, setFlash, autoNext, setAutoNext, claimNext, act, extend };
}

export type Labeling = ReturnType<typeof useLabeling>;
