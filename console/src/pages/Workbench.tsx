import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { ApiError, type Page } from '../api';
import { ErrorNotice, errorText, fmtNum, useLoad, useSession } from '../common';

/** One item of GET /labeling-backlog (expired leases already come back as open, unclaimed). */
interface Task {
  task_id: string;
  example_id: string;
  batch_id: string;
  source_system: 'meter_reading' | 'vehicle_entry';
  priority: number;
  rank: number;
  status: 'open' | 'claimed';
  claimed_by: string | null;
  lease_expires_at: string | null;
  created_at: string;
}

/** GET /labeling-backlog: the page of tasks plus the tenant's counts over the whole backlog. */
interface Backlog extends Page<Task> {
  counts: { total: number; open: number; claimed: number; by_source_system: Record<string, number> };
}

/** The answer of claim / submit / skip / release. */
interface TaskAnswer {
  task_id: string;
  example_id: string | null;
  status: string;
  claimed_by: string | null;
  lease_expires_at: string | null;
  position: string;
}

/** GET /examples/:id (the fields the workbench shows). */
interface Example {
  example_id: string;
  source_system: 'meter_reading' | 'vehicle_entry';
  source_id: string;
  status: string;
  uncertainty_score: number;
  /** OCR confidence at capture; null for an example created by a correction. */
  confidence: number | null;
  raw_text: string | null;
  /** A user's correction, when there was one. */
  ground_truth_text: string | null;
}

interface Held {
  task: Task;
  leaseExpiresAt: string | null;
}

const BASE = '/api/v2/ml-training';

/**
 * The photo needs the Authorization header, so it is fetched and inlined. A data: URL rather than a
 * blob: URL, because the service's default Content-Security-Policy (helmet) allows `img-src 'self' data:`.
 */
function blobToDataUrl(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error('could not read the photo'));
    reader.readAsDataURL(blob);
  });
}

function leaseLeft(expiresAt: string | null, now: number): number | null {
  if (!expiresAt) return null;
  const t = Date.parse(expiresAt);
  return Number.isNaN(t) ? null : Math.max(0, Math.floor((t - now) / 1000));
}

function fmtLeft(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  return `${m}:${String(s).padStart(2, '0')}`;
}

export function Workbench() {
  const { api, session } = useSession();
  const backlog = useLoad(() => api.get<Backlog>(`${BASE}/labeling-backlog`, { limit: 500 }), [api]);
  const tasks = backlog.data?.items ?? [];
  const reloadBacklog = backlog.reload;

  const [held, setHeld] = useState<Held | null>(null);
  const [example, setExample] = useState<Example | null | undefined>(undefined);
  const [imageUrl, setImageUrl] = useState<string | null>(null);
  const [imageError, setImageError] = useState<string | null>(null);
  const [label, setLabel] = useState('');
  const [busy, setBusy] = useState(false);
  const [flash, setFlash] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const [autoNext, setAutoNext] = useState(() => localStorage.getItem('console.autoNext') !== 'off');
  const [now, setNow] = useState(() => Date.now());
  const inputRef = useRef<HTMLInputElement>(null);
  const claimRef = useRef<HTMLButtonElement>(null);
  const resumed = useRef(false);

  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);

  // After a reload of the page, pick up a task this labeler still holds.
  useEffect(() => {
    if (resumed.current || !backlog.data) return;
    resumed.current = true;
    const mine = tasks.find((t) => t.status === 'claimed' && t.claimed_by === session.sub);
    if (mine && !held) setHeld({ task: mine, leaseExpiresAt: mine.lease_expires_at });
  }, [backlog.data, tasks, held, session.sub]);

  // Load the example (OCR text, confidence) and its photo whenever the held task changes.
  const exampleId = held?.task.example_id;
  useEffect(() => {
    setExample(undefined);
    setImageUrl(null);
    setImageError(null);
    if (!exampleId) return;
    let cancelled = false;
    api.get<Example>(`${BASE}/examples/${encodeURIComponent(exampleId)}`).then(
      (ex) => {
        if (cancelled) return;
        setExample(ex);
        // Start from a user's correction when there is one, else from what the OCR read.
        setLabel(ex.ground_truth_text ?? ex.raw_text ?? '');
      },
      () => !cancelled && setExample(null),
    );
    api
      .getRaw(`${BASE}/examples/${encodeURIComponent(exampleId)}/image`)
      .then((res) => res.blob())
      .then(blobToDataUrl)
      .then(
        (url) => !cancelled && setImageUrl(url),
        (err: unknown) => !cancelled && setImageError(errorText(err)),
      );
    return () => {
      cancelled = true;
    };
  }, [api, exampleId]);

  // Disabling the input while a command runs drops its focus; give it back afterwards.
  useEffect(() => {
    if (held && example !== undefined && !busy) inputRef.current?.focus();
  }, [held, example, busy]);
  useEffect(() => {
    if (!held && !busy) claimRef.current?.focus();
  }, [held, busy]);

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
    (list: Task[], except?: string) =>
      list.filter((t) => t.task_id !== except && (t.status === 'open' || t.claimed_by === session.sub)),
    [session.sub],
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
    async (action: 'submit' | 'skip' | 'release', body?: unknown) => {
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

  // Shortcuts that work wherever the focus is: Esc skip, Alt+R release, Alt+L extend, Alt+N claim.
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

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    if (!label.trim()) {
      setFlash({ kind: 'error', text: 'The label is empty: type the text you see, or press Esc to skip.' });
      return;
    }
    void act('submit', { label: label.trim() });
  }

  const left = held ? leaseLeft(held.leaseExpiresAt, now) : null;
  const counts = backlog.data?.counts;

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
          <div className="claim">
            <button ref={claimRef} type="button" className="primary" onClick={claimNext} disabled={busy} data-testid="claim-next">
              Claim next task
            </button>
            <p className="muted">
              Enter or Alt+N claims the highest-priority open task. Then: <kbd>Enter</kbd> submit, <kbd>Esc</kbd> skip,{' '}
              <kbd>Alt</kbd>+<kbd>R</kbd> release, <kbd>Alt</kbd>+<kbd>L</kbd> extend the lease.
            </p>
            <label className="check">
              <input
                type="checkbox"
                checked={autoNext}
                onChange={(e) => {
                  setAutoNext(e.target.checked);
                  localStorage.setItem('console.autoNext', e.target.checked ? 'on' : 'off');
                }}
              />
              Claim the next task after each submit or skip
            </label>
          </div>
        ) : (
          <div className="task">
            <figure className="photo">
              {imageUrl ? (
                <img src={imageUrl} alt={`Photo of example ${held.task.example_id}`} data-testid="task-image" />
              ) : imageError ? (
                <div className="notice error">The photo could not be loaded ({imageError}).</div>
              ) : (
                <div className="muted">Loading photo…</div>
              )}
            </figure>
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
            <form onSubmit={onSubmit} className="label-form">
              <label htmlFor="label-input">Label — the exact text in the photo</label>
              <input
                id="label-input"
                ref={inputRef}
                data-testid="label-input"
                value={label}
                onChange={(e) => setLabel(e.target.value)}
                autoComplete="off"
                spellCheck={false}
                disabled={busy}
              />
              <div className="buttons">
                <button type="submit" className="primary" disabled={busy} data-testid="submit-label">
                  Submit <kbd>Enter</kbd>
                </button>
                <button type="button" onClick={() => void act('skip')} disabled={busy} data-testid="skip-task">
                  Skip <kbd>Esc</kbd>
                </button>
                <button type="button" onClick={() => void act('release')} disabled={busy} data-testid="release-task">
                  Release <kbd>Alt+R</kbd>
                </button>
                <button type="button" onClick={extend} disabled={busy} data-testid="extend-lease">
                  Extend lease <kbd>Alt+L</kbd>
                </button>
              </div>
            </form>
          </div>
        )}
      </section>

      <section className="panel backlog" aria-labelledby="backlog-title" data-testid="backlog">
        <header className="panel-head">
          <h2 id="backlog-title">
            Backlog{' '}
            <span className="count" data-testid="backlog-count">
              {counts ? counts.total : '…'}
            </span>
          </h2>
          <button type="button" onClick={backlog.reload} aria-label="Refresh the backlog">
            Refresh
          </button>
        </header>
        {backlog.error !== undefined ? <ErrorNotice error={backlog.error} /> : null}
        {backlog.data ? (
          <>
            {counts ? (
              <p className="muted" data-testid="backlog-counts">
                {counts.open} open, {counts.claimed} held
                {backlog.data.next_cursor ? ` · showing the first ${tasks.length}` : ''}
              </p>
            ) : null}
            {tasks.length === 0 ? (
              <p className="muted" data-testid="backlog-empty">Nothing to label. Well done.</p>
            ) : (
              <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">#</th>
                    <th scope="col">Task</th>
                    <th scope="col">Priority</th>
                    <th scope="col" className="nowrap">Held by</th>
                  </tr>
                </thead>
                <tbody>
                  {tasks.map((t, i) => (
                    <tr
                      key={t.task_id}
                      data-testid="backlog-row"
                      className={held?.task.task_id === t.task_id ? 'current' : undefined}
                    >
                      <td>{i + 1}</td>
                      <td>
                        <code className="id" title={`${t.task_id} (example ${t.example_id})`}>
                          {t.task_id}
                        </code>
                      </td>
                      <td>{fmtNum(t.priority, 3)}</td>
                      <td className="nowrap">
                        {t.status === 'claimed' && t.claimed_by
                          ? `${t.claimed_by === session.sub ? 'you' : t.claimed_by} (${fmtLeft(leaseLeft(t.lease_expires_at, now) ?? 0)})`
                          : '—'}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              </div>
            )}
          </>
        ) : null}
      </section>
    </div>
  );
}
