import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import { ApiClient, ApiError } from './api';
import type { Session } from './auth';

export const SessionContext = createContext<{ session: Session; api: ApiClient } | null>(null);

export function useSession(): { session: Session; api: ApiClient } {
  const ctx = useContext(SessionContext);
  if (!ctx) throw new Error('useSession outside of a logged-in console');
  return ctx;
}

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

/** Runs `load` on mount and whenever `deps` change; `reload()` runs it again. Stale answers are dropped. */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  const seq = useRef(0);
  useEffect(() => {
    const mine = ++seq.current;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => mine === seq.current && setState({ data, loading: false }),
      (error: unknown) => mine === seq.current && setState({ error, loading: false }),
    );
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

export function isForbidden(error: unknown): boolean {
  return error instanceof ApiError && error.status === 403;
}

export function errorText(error: unknown): string {
  if (error instanceof ApiError) return `${error.status}: ${error.message}`;
  if (error instanceof Error) return error.message;
  return String(error);
}

export function Forbidden({ what }: { what?: string }) {
  return (
    <div className="notice forbidden" role="alert" data-testid="forbidden">
      <strong>Your role cannot see this.</strong>
      {what ? ` ${what} needs another role; ask an admin for a token that carries it.` : null}
    </div>
  );
}

export function ErrorNotice({ error }: { error: unknown }) {
  if (isForbidden(error)) return <Forbidden />;
  return (
    <div className="notice error" role="alert" data-testid="error">
      {errorText(error)}
    </div>
  );
}

/** A titled card that shows a spinner, a forbidden notice or an error instead of its body when needed. */
export function Panel<T>({
  title,
  loaded,
  testId,
  actions,
  children,
}: {
  title: string;
  loaded: Loaded<T>;
  testId?: string;
  actions?: ReactNode;
  children: (data: T) => ReactNode;
}) {
  const { data, error, loading } = loaded;
  return (
    <section className="panel" data-testid={testId} aria-busy={loading} aria-labelledby={testId ? `${testId}-title` : undefined}>
      <header className="panel-head">
        <h2 id={testId ? `${testId}-title` : undefined}>{title}</h2>
        {actions}
      </header>
      {error !== undefined ? (
        <ErrorNotice error={error} />
      ) : data === undefined ? (
        <p className="muted">Loading…</p>
      ) : (
        children(data)
      )}
    </section>
  );
}

export function fmtTime(iso: unknown): string {
  if (typeof iso !== 'string' && typeof iso !== 'number') return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : d.toLocaleString();
}

export function fmtNum(n: unknown, digits = 3): string {
  return typeof n === 'number' && Number.isFinite(n) ? n.toFixed(digits) : '—';
}

export function fmtPct(n: unknown): string {
  return typeof n === 'number' && Number.isFinite(n) ? `${(n * 100).toFixed(1)} %` : '—';
}
