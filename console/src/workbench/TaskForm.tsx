import type { FormEvent, RefObject } from 'react';
import { fmtNum } from '../common';
import type { Example } from '../types';
import type { LoadedExample } from './use-example';
import type { Held, TaskAction } from './use-labeling';

interface LabelFormProps {
  label: string;
  busy: boolean;
  inputRef: RefObject<HTMLInputElement | null>;
  onLabel: (label: string) => void;
  onSubmit: (e: FormEvent) => void;
  onAct: (action: TaskAction) => void;
  onExtend: () => void;
}

/** The held task: its photo, what the OCR read, and the label form with its four actions. */
export function TaskForm({ held, loaded, ...form }: { held: Held; loaded: LoadedExample } & LabelFormProps) {
  return (
    <div className="task">
      <TaskPhoto held={held} loaded={loaded} />
      <TaskFacts held={held} example={loaded.example} />
      <LabelForm {...form} />
    </div>
  );
}

function TaskPhoto({ held, loaded: { imageUrl, imageError } }: { held: Held; loaded: LoadedExample }) {
  return (
  <figure className="photo">
    {imageUrl ? (
      <img src={imageUrl} alt={`Photo of example ${held.task.example_id}`} data-testid="task-image" />
    ) : imageError ? (
      <div className="notice error">The photo could not be loaded ({imageError}).</div>
    ) : (
      <div className="muted">Loading photo…</div>
    )}
  </figure>
  );
}

/** What the OCR read and how sure it was, the task's priority and the example's source. */
function TaskFacts({ held, example }: { held: Held; example: Example | null | undefined }) {
  return (
  <dl className="facts">
    <dt>OCR text</dt>
    <dd data-testid="ocr-text">
      <code>{example?.raw_text || '(none)'}</code>
    </dd>
    <dt>Confidence</dt>
    <dd data-testid="ocr-confidence">{fmtNum(example?.confidence, 2)}</dd>
    <dt>Uncertainty</dt>
    <dd data-testid="uncertainty">{fmtNum(example?.uncertainty_score, 3)}</dd>
    <dt>Priority</dt>
    <dd>{fmtNum(held.task.priority, 3)}</dd>
    <dt>Source</dt>
    <dd data-testid="task-source" data-source-id={example?.source_id}>
      {example ? `${example.source_system} ${example.source_id}` : example === null ? 'not found' : '…'}
    </dd>
  </dl>
  );
}

function LabelForm({ label, busy, inputRef, onLabel, onSubmit, onAct, onExtend }: LabelFormProps) {
  return (
  <form onSubmit={onSubmit} className="label-form">
    <label htmlFor="label-input">Label — the exact text in the photo</label>
    <input
      id="label-input"
      ref={inputRef}
      data-testid="label-input"
      value={label}
      onChange={(e) => onLabel(e.target.value)}
      autoComplete="off"
      spellCheck={false}
      disabled={busy}
    />
    <div className="buttons">
      <button type="submit" className="primary" disabled={busy} data-testid="submit-label">
        Submit <kbd>Enter</kbd>
      </button>
      <button type="button" onClick={() => onAct('skip')} disabled={busy} data-testid="skip-task">
        Skip <kbd>Esc</kbd>
      </button>
      <button type="button" onClick={() => onAct('release')} disabled={busy} data-testid="release-task">
        Release <kbd>Alt+R</kbd>
      </button>
      <button type="button" onClick={onExtend} disabled={busy} data-testid="extend-lease">
        Extend lease <kbd>Alt+L</kbd>
      </button>
    </div>
  </form>
  );
}
