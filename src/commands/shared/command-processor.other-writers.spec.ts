import { tempSqlite } from '../../../test/support/sqlite';
import { SystemClock } from '../../domain/shared/clock';
import { Decider } from '../../domain/shared/decider';
import { ConflictError } from '../../domain/shared/errors';
import { DomainEvent } from '../../domain/shared/events';
import { UpcasterRegistry } from '../../domain/shared/upcasting';
import { SqliteEventStore } from '../../infrastructure/event-store/sqlite-event-store';
import { CommandContext } from '../../runtime/decide';
import { CommandProcessor } from './command-processor';

type Claimed = DomainEvent<'Claimed', { by: string }>;
type Released = DomainEvent<'Released', Record<string, never>>;
type Noted = DomainEvent<'Noted', { n: number }>;
type TaskEvent = Claimed | Released | Noted;
type TaskCommand = { type: 'Claim'; by: string } | { type: 'Release' } | { type: 'Note'; n: number };
interface TaskState {
  readonly holder: string | null;
  readonly notes: number;
}

/** A task one holder at a time may claim; notes always go in (they commute). */
const task: Decider<TaskState, TaskCommand, TaskEvent> = {
  initialState: { holder: null, notes: 0 },
  evolve: (s, e) => (e.type === 'Claimed' ? { ...s, holder: e.data.by } : e.type === 'Released' ? { ...s, holder: null } : { ...s, notes: s.notes + 1 }),
  decide: (c, s) => {
    if (c.type === 'Note') return [{ type: 'Noted', data: { n: c.n } }];
    if (c.type === 'Release') return s.holder ? [{ type: 'Released', data: {} }] : [];
    if (s.holder) throw new ConflictError(`held by ${s.holder}`);
    return [{ type: 'Claimed', data: { by: c.by } }];
  },
};

let n = 0;
const ctx = (): CommandContext => ({ tenantId: 't1', actorId: 'u1', commandId: `cmd-${process.pid}-${++n}`, correlationId: 'c', causationId: null });

/**
 * Two processors on one file stand for two processes: whatever one of them decided from, the
 * other one's appends must still be seen by every command (accepts through the expected-revision
 * check, refusals and no-ops by reading the log again).
 */
describe('CommandProcessor: another process appending to the same stream', () => {
  const sqlite = tempSqlite('processor-');
  const store = new SqliteEventStore(sqlite.db, new UpcasterRegistry());
  const a = new CommandProcessor(store, new SystemClock(), new UpcasterRegistry());
  const b = new CommandProcessor(store, new SystemClock(), new UpcasterRegistry());
  afterAll(() => sqlite.remove());

  it('accepts a command after another process appended (the append conflicts, the retry reads)', async () => {
    await a.handle('task-1', task, { type: 'Note', n: 1 }, ctx());
    await b.handle('task-1', task, { type: 'Note', n: 2 }, ctx());
    const third = await a.handle('task-1', task, { type: 'Note', n: 3 }, ctx());
    expect(third.state.notes).toBe(3);
    expect(third.revision).toBe(2);
    expect((await store.readStream('task-1')).map((e) => e.data.n)).toEqual([1, 2, 3]);
  });

  it('does not refuse from a remembered state another process has moved on', async () => {
    await a.handle('task-2', task, { type: 'Claim', by: 'x' }, ctx());
    await b.handle('task-2', task, { type: 'Release' }, ctx());
    // a remembers "held by x"; the log says released: the claim must win.
    const claim = await a.handle('task-2', task, { type: 'Claim', by: 'y' }, ctx());
    expect(claim.state.holder).toBe('y');
    await expect(b.handle('task-2', task, { type: 'Claim', by: 'z' }, ctx())).rejects.toBeInstanceOf(ConflictError);
  });

  it('does not answer "nothing to do" from a remembered state another process has moved on', async () => {
    await a.handle('task-3', task, { type: 'Note', n: 1 }, ctx());
    await b.handle('task-3', task, { type: 'Claim', by: 'x' }, ctx());
    // a remembers "nobody holds it": a release would be a no-op there, but the log has a holder.
    const release = await a.handle('task-3', task, { type: 'Release' }, ctx());
    expect(release.events.map((e) => e.type)).toEqual(['Released']);
    expect((await store.readStream('task-3')).map((e) => e.type)).toEqual(['Noted', 'Claimed', 'Released']);
  });

  it('a retried command (same id) appends nothing twice and its state stays the fold of the log', async () => {
    const context = ctx();
    await a.handle('task-4', task, { type: 'Note', n: 1 }, context);
    await a.handle('task-4', task, { type: 'Note', n: 1 }, context);
    const next = await a.handle('task-4', task, { type: 'Note', n: 2 }, ctx());
    const log = await store.readStream('task-4');
    expect(log.map((e) => e.data.n)).toEqual([1, 2]);
    expect(next.state.notes).toBe(2);
  });
});
