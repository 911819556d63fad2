import { fmtLeft } from './lease';
import type { Flash, Held } from './use-labeling';

/** The task panel's title and, while a task is held, the time left on its lease. */
export function TaskPanelHead({ held, left }: { held: Held | null; left: number | null }) {
  return (
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
  );
}

/** The last command's message. */
export function FlashNotice({ flash }: { flash: Flash }) {
  return flash ? (
    <p className={`notice ${flash.kind}`} role="status" data-testid="flash">
      {flash.text}
    </p>
  ) : null;
}
