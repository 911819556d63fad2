import { useCallback, type FormEvent } from 'react';
import { useLoad, useSession } from '../common';
import type { Backlog, Example } from '../types';
import { BacklogPanel } from '../workbench/BacklogPanel';
import { ClaimPrompt } from '../workbench/ClaimPrompt';
import { TaskForm } from '../workbench/TaskForm';
import { FlashNotice, TaskPanelHead } from '../workbench/TaskPanelHead';
import { leaseLeft, useNow } from '../workbench/lease';
import { BASE, useExample } from '../workbench/use-example';
import { useLabeling } from '../workbench/use-labeling';
import { useShortcuts } from '../workbench/use-shortcuts';
import { useResumeHeld, useWorkbenchFocus } from '../workbench/use-workbench-focus';

/** The labeling workbench: claim a task, label what the photo shows, move on; the backlog beside it. */
export function Workbench() {
  const { api, session } = useSession();
  const backlog = useLoad(() => api.get<Backlog>(`${BASE}/labeling-backlog`, { limit: 500 }), [api]);
  const tasks = backlog.data?.items ?? [];
  const labeling = useLabeling(api, session.sub, tasks, backlog.reload);
  const { held, setHeld, label, setLabel, busy, flash, setFlash, autoNext, setAutoNext, claimNext, act, extend } = labeling;
  const now = useNow();
  useResumeHeld(backlog.data, session.sub, { held, setHeld });

  // Start from a user's correction when there is one, else from what the OCR read.
  const startLabel = useCallback((ex: Example) => setLabel(ex.ground_truth_text ?? ex.raw_text ?? ''), [setLabel]);
  const loaded = useExample(api, held?.task.example_id, startLabel);
  const { inputRef, claimRef } = useWorkbenchFocus(held, loaded.example !== undefined, busy);

  useShortcuts(labeling);

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    if (!label.trim()) {
      setFlash({ kind: 'error', text: 'The label is empty: type the text you see, or press Esc to skip.' });
      return;
    }
    void act('submit', { label: label.trim() });
  }

  return (
    <div className="workbench">
      <section className="panel task-panel" aria-labelledby="task-title" data-testid="task-panel">
        <TaskPanelHead held={held} left={held ? leaseLeft(held.leaseExpiresAt, now) : null} />
        <FlashNotice flash={flash} />
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
