import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { ApiError, itemsOf, type ApiClient, type Page } from '../api';
import { ErrorNotice, errorText, fmtNum, useLoad, useSession } from '../common';

interface Task {
  task_id: string;
  example_id: string;
  priority: number;
  claimed_by: string | null;
  lease_expires_at: string | null;
}

interface Example {
  example_id: string;
  source_system: string;
  source_id: string;
  uncertainty_score: number | null;
  raw_text: string | null;
  ground_truth_text: string | null;
  status: string;
  confidence?: number;
}

interface Held {
  task: Task;
  leaseExpiresAt: string | null;
}

const BASE = '/api/v2/ml-training';

/** The examples list has no id filter, so page through it until the example turns up. */
async function findExample(api: ApiClient, id: string): Promise<Example | null> {
  let cursor: string | null = null;
  for (let page = 0; page < 20; page++) {
    const body: Page<Example> = await api.get<Page<Example>>(`${BASE}/examples`, { limit: 500, cursor });
    const hit = itemsOf<Example>(body).find((e) => e.example_id === id);
    if (hit) return hit;
    cursor = body.next_cursor;
    if (!cursor) return null;
  }
  return null;
}

/** The capture record carries the OCR confidence; best effort, the workbench works without it. */
async function sourceConfidence(api: ApiClient, ex: Example): Promise<number | null> {
  const path =
    ex.source_system === 'meter_reading'
      ? `/api/v2/meter-readings/${encodeURIComponent(ex.source_id)}`
      : ex.source_system === 'vehicle_entry'
        ? `/api/v2/vehicle-entries/${encodeURIComponent(ex.source_id)}`
        : null;
  if (!path) return null;
  try {
    const rec = await api.get<{ confidence?: unknown }>(path);
    return typeof rec.confidence === 'number' ? rec.confidence : null;
  } catch {
    return null;
  }
}

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
  const backlog = useLoad(() => api.get<Page<Task>>(`${BASE}/labeling-backlog`, { limit: 500 }), [api]);
  const tasks = backlog.data ? itemsOf<Task>(backlog.data) : [];
  const reloadBacklog = backlog.reload;

  const [held, setHeld] = useState<Held | null>(null);
  const [example, setExample] = useState<Example | null | undefined>(undefined);
  const [confidence, setConfidence] = useState<number | null>(null);
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
    const mine = tasks.find(
      (t) => t.claimed_by === session.sub && (leaseLeft(t.lease_expires_at, Date.now()) ?? 0) > 0,
    );
    if (mine && !held) setHeld({ task: mine, leaseExpiresAt: mine.lease_expires_at });
  }, [backlog.data, tasks, held, session.sub]);

  // Load the example, its photo and its confidence whenever the held task changes.
  const exampleId = held?.task.example_id;
  useEffect(() => {
    setExample(undefined);
    setConfidence(null);
    setImageUrl(null);
    setImageError(null);
    if (!exampleId) return;
    let cancelled = false;
    findExample(api, exampleId).then(
      async (ex) => {
        if (cancelled) return;
        setExample(ex);
        setLabel(ex?.ground_truth_text ?? ex?.raw_text ?? '');
        if (ex) {
          const c = typeof ex.confidence === 'number' ? ex.confidence : await sourceConfidence(api, ex);
          if (!cancelled) setConfidence(c);
        }
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
            const res = await api.post<{ lease_expires_at?: string }>(
              `${BASE}/labeling-tasks/${encodeURIComponent(t.task_id)}/claim`,
            );
            setHeld({ task: t, leaseExpiresAt: res.lease_expires_at ?? t.lease_expires_at });
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
      list.filter(
        (t) =>
          t.task_id !== except &&
          (!t.claimed_by || t.claimed_by === session.sub || (leaseLeft(t.lease_expires_at, Date.now()) ?? 1) === 0),
      ),
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
        await api.post(`${BASE}/labeling-tasks/${encodeURIComponent(id)}/${action}`, body);
        const verb = action === 'submit' ? 'Labeled' : action === 'skip' ? 'Skipped' : 'Released';
        setFlash({ kind: 'ok', text: `${verb} task ${id}.` });
        setHeld(null);
        setLabel('');
        // Read our own write: the backlog GET carries the command's position as min_position.
        const fresh = await api.get<Page<Task>>(`${BASE}/labeling-backlog`, { limit: 500 });
        reloadBacklog();
        if (autoNext && action !== 'release') {
          const next = claimable(itemsOf<Task>(fresh), id);
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
  const open = tasks.filter((t) => !t.claimed_by || (leaseLeft(t.lease_expires_at, now) ?? 1) === 0).length;

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
              <dd data-testid="ocr-confidence">{fmtNum(confidence ?? example?.confidence, 2)}</dd>
              <dt>Uncertainty</dt>
              <dd data-testid="uncertainty">{fmtNum(example?.uncertainty_score, 3)}</dd>
              <dt>Priority</dt>
              <dd>{fmtNum(held.task.priority, 3)}</dd>
              <dt>Source</dt>
              <dd>{example ? `${example.source_system} ${example.source_id}` : example === null ? 'not found' : '…'}</dd>
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
              {backlog.data ? tasks.length : '…'}
            </span>
            {backlog.data?.next_cursor ? '+' : ''}
          </h2>
          <button type="button" onClick={backlog.reload} aria-label="Refresh the backlog">
            Refresh
          </button>
        </header>
        {backlog.error !== undefined ? <ErrorNotice error={backlog.error} /> : null}
        {backlog.data ? (
          <>
            <p className="muted">{open} open, {tasks.length - open} held</p>
            {tasks.length === 0 ? (
              <p className="muted" data-testid="backlog-empty">Nothing to label. Well done.</p>
            ) : (
              <table>
                <thead>
                  <tr>
                    <th scope="col">#</th>
                    <th scope="col">Task</th>
                    <th scope="col">Priority</th>
                    <th scope="col">Held by</th>
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
                        <code title={t.example_id}>{t.task_id}</code>
                      </td>
                      <td>{fmtNum(t.priority, 3)}</td>
                      <td>
                        {t.claimed_by
                          ? `${t.claimed_by === session.sub ? 'you' : t.claimed_by} (${fmtLeft(leaseLeft(t.lease_expires_at, now) ?? 0)})`
                          : '—'}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </>
        ) : null}
      </section>
    </div>
  );
}
