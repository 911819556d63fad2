import { useCallback, useEffect, useRef, type FormEvent } from 'react';
import { useLoad, useSession } from '../common';
import type { Backlog, Example } from '../types';
import { BacklogPanel } from '../workbench/BacklogPanel';
import { ClaimPrompt } from '../workbench/ClaimPrompt';
import { TaskForm } from '../workbench/TaskForm';
import { fmtLeft, leaseLeft, useNow } from '../workbench/lease';
import { BASE, useExample } from '../workbench/use-example';
import { useLabeling } from '../workbench/use-labeling';
import { useShortcuts } from '../workbench/use-shortcuts';

/** The labeling workbench: claim a task, label what the photo shows, move on; the backlog beside it. */
export function Workbench() {
  const { api, session } = useSession();
  const backlog = useLoad(() => api.get<Backlog>(`${BASE}/labeling-backlog`, { limit: 500 }), [api]);
  const tasks = backlog.data?.items ?? [];
  const labeling = useLabeling(api, session.sub, tasks, backlog.reload);
  const { held, setHeld, label, setLabel, busy, flash, setFlash, autoNext, setAutoNext, claimNext, act, extend } = labeling;
  const now = useNow();
  const inputRef = useRef<HTMLInputElement>(null);
  const claimRef = useRef<HTMLButtonElement>(null);
  const resumed = useRef(false);

  // After a reload of the page, pick up a task this labeler still holds.
  useEffect(() => {
    if (resumed.current || !backlog.data) return;
    resumed.current = true;
    const mine = tasks.find((t) => t.status === 'claimed' && t.claimed_by === session.sub);
    if (mine && !held) setHeld({ task: mine, leaseExpiresAt: mine.lease_expires_at });
  }, [backlog.data, tasks, held, session.sub, setHeld]);

  // Start from a user's correction when there is one, else from what the OCR read.
  const startLabel = useCallback((ex: Example) => setLabel(ex.ground_truth_text ?? ex.raw_text ?? ''), [setLabel]);
  const loaded = useExample(api, held?.task.example_id, startLabel);

  // Disabling the input while a command runs drops its focus; give it back afterwards.
  useEffect(() => {
    if (held && loaded.example !== undefined && !busy) inputRef.current?.focus();
  }, [held, loaded.example, busy]);
  useEffect(() => {
    if (!held && !busy) claimRef.current?.focus();
  }, [held, busy]);

  useShortcuts(labeling);

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    if (!label.trim()) {
      setFlash({ kind: 'error', text: 'The label is empty: type the text you see, or press Esc to skip.' });
      return;
    }
    void act('submit', { label: label.trim() });
  }

  const left = held ? leaseLeft(held.leaseExpiresAt, now) : null;

  return (
    <div className="workbench">
      <section className="panel task-panel" aria-labelledby="task-title" data-testid="task-panel">
        <header className="panel-head">
          <h2 id="task-title">{held ? `Task ${held.task.task_id}` : 'Labeling'}</h2>
          {held && left !== null ? (
            <span
              className={`lease ${left === 0 ? 'expired' : left < 300 ? 'warn' : ''}`}
              data-testid="lease-countdown"
              aria-live="off"
              title="Time left on your lease"
            >
              {left === 0 ? 'lease expired — Alt+L to re-claim' : `lease ${fmtLeft(left)}`}
            </span>
          ) : null}
        </header>

        {flash ? (
          <p className={`notice ${flash.kind}`} role="status" data-testid="flash">
            {flash.text}
          </p>
        ) : null}

        {!held ? (
          <ClaimPrompt claimRef={claimRef} busy={busy} autoNext={autoNext} onClaim={claimNext} onAutoNext={setAutoNext} />
        ) : (
          <TaskForm
            held={held}
            loaded={loaded}
            label={label}
            busy={busy}
            inputRef={inputRef}
            onLabel={setLabel}
            onSubmit={onSubmit}
            onAct={(action) => void act(action)}
            onExtend={extend}
          />
        )}
      </section>

      <BacklogPanel backlog={backlog} heldTaskId={held?.task.task_id} sub={session.sub} now={now} />
    </div>
  );
}
