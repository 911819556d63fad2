import { useCallback, useState } from 'react';
import { ApiError, type ApiClient } from '../api';
import { errorText } from '../common';
import type { Backlog, Task, TaskAnswer } from '../types';
import { BASE } from './use-example';

export interface Held {
  task: Task;
  leaseExpiresAt: string | null;
}

export type Flash = { kind: 'ok' | 'error'; text: string } | null;
export type TaskAction = 'submit' | 'skip' | 'release';

/**
 * The labeler's commands on tasks: claim (trying the next candidate when someone else won the race),
 * submit, skip, release and extend, with the task held, a busy flag and the last message.
 */
export function useLabeling(api: ApiClient, sub: string, tasks: Task[], reloadBacklog: () => void) {
  const [held, setHeld] = useState<Held | null>(null);
  const [label, setLabel] = useState('');
  const [busy, setBusy] = useState(false);
  const [flash, setFlash] = useState<Flash>(null);
  const [autoNext, setAutoNextState] = useState(() => localStorage.getItem('console.autoNext') !== 'off');

  const setAutoNext = useCallback((on: boolean) => {
    setAutoNextState(on);
    localStorage.setItem('console.autoNext', on ? 'on' : 'off');
  }, []);

  const claim = useCallback(
    async (candidates: Task[], keepFlash = false) => {
      setBusy(true);
      if (!keepFlash) setFlash(null);
      try {
        for (const t of candidates.slice(0, 10)) {
          try {
            const res = await api.post<TaskAnswer>(`${BASE}/labeling-tasks/${encodeURIComponent(t.task_id)}/claim`);
            setHeld({ task: t, leaseExpiresAt: res.lease_expires_at });
            return;
          } catch (err) {
            // Someone else got it first: try the next one.
            if (err instanceof ApiError && err.status === 409) continue;
            throw err;
          }
        }
        setFlash({ kind: 'error', text: 'No task could be claimed: every open task is held by someone else.' });
      } catch (err) {
        setFlash({ kind: 'error', text: errorText(err) });
      } finally {
        setBusy(false);
        reloadBacklog();
      }
    },
    [api, reloadBacklog],
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
  }, [busy, held, claimable, tasks, claim]);

  const act = useCallback(
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
    [api, held, busy, reloadBacklog, autoNext, claimable, claim],
  );

  const extend = useCallback(() => {
    if (held) void claim([held.task]);
  }, [held, claim]);

  return { held, setHeld, label, setLabel, busy, flash, setFlash, autoNext, setAutoNext, claimNext, act, extend };
}

export type Labeling = ReturnType<typeof useLabeling>;
