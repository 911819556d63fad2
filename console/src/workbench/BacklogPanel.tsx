import { ErrorNotice, fmtNum, type Loaded } from '../common';
import type { Backlog, Task } from '../types';
import { fmtLeft, leaseLeft } from './lease';

/** The tenant's backlog: counts, then the tasks in priority order with who holds each. */
export function BacklogPanel({ backlog, heldTaskId, sub, now }: { backlog: Loaded<Backlog>; heldTaskId: string | undefined; sub: string; now: number }) {
  const tasks = backlog.data?.items ?? [];
  const counts = backlog.data?.counts;
  return (
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
            <BacklogTable tasks={tasks} heldTaskId={heldTaskId} sub={sub} now={now} />
          )}
        </>
      ) : null}
    </section>
  );
}

/** The tasks in priority order, with who holds each and for how long. */
function BacklogTable({ tasks, heldTaskId, sub, now }: { tasks: Task[]; heldTaskId: string | undefined; sub: string; now: number }) {
  return (
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
            <tr key={t.task_id} data-testid="backlog-row" className={heldTaskId === t.task_id ? 'current' : undefined}>
              <td>{i + 1}</td>
              <td>
                <code className="id" title={`${t.task_id} (example ${t.example_id})`}>
                  {t.task_id}
                </code>
              </td>
              <td>{fmtNum(t.priority, 3)}</td>
              <td className="nowrap">
                {t.status === 'claimed' && t.claimed_by
                  ? `${t.claimed_by === sub ? 'you' : t.claimed_by} (${fmtLeft(leaseLeft(t.lease_expires_at, now) ?? 0)})`
                  : '—'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
