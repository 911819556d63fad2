import { ManualClock } from '../../domain/shared/clock';
import { Decider } from '../../domain/shared/decider';
import { ConflictError } from '../../domain/shared/errors';
import { verifyChain } from '../../domain/shared/hash-chain';
import { UpcasterRegistry } from '../../domain/shared/upcasting';
import { SqliteEventStore } from '../../infrastructure/event-store/sqlite-event-store';
import { tempSqlite } from '../../../test/support/sqlite';
import { CommandContext } from '../../runtime/decide';
import { CommandProcessor } from './command-processor';

type Command = { type: 'note'; id: string } | { type: 'claim'; by: string };
type Event = { type: 'Noted'; data: { id: string } } | { type: 'Claimed'; data: { by: string } };
interface State {
  readonly notes: readonly string[];
  readonly claimedBy: string | null;
}

/** Notes commute (a repeated one changes nothing); a claim is refused once another holds it. */
const ledger: Decider<State, Command, Event> = {
  initialState: { notes: [], claimedBy: null },
  evolve: (state, event) => (event.type === 'Noted' ? { ...state, notes: [...state.notes, event.data.id] } : { ...state, claimedBy: event.data.by }),
  decide: (command, state) => {
    if (command.type === 'note') return state.notes.includes(command.id) ? [] : [{ type: 'Noted', data: { id: command.id } }];
    if (state.claimedBy !== null) throw new ConflictError(`already claimed by ${state.claimedBy}`);
    return [{ type: 'Claimed', data: { by: command.by } }];
  },
};

function context(commandId: string): CommandContext {
  return { tenantId: 'acme', actorId: 'tester', commandId, correlationId: commandId, causationId: null };
}

describe('CommandProcessor: commands of one stream decided together', () => {
  let store: SqliteEventStore;
  let processor: CommandProcessor;
  let remove: () => void;

  beforeEach(() => {
    const temp = tempSqlite('processor-');
    remove = temp.remove;
    store = new SqliteEventStore(temp.db, new UpcasterRegistry());
    processor = new CommandProcessor(store, new ManualClock(new Date('2026-12-05T00:00:00Z')), new UpcasterRegistry());
  });

  afterEach(async () => {
    await store.close();
    remove();
  });

  it('appends 50 concurrent commuting commands of one stream in a few appends, each with its own revision', async () => {
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => processor.handle('ledger-1', ledger, { type: 'note', id: `n${i}` }, context(`c${i}`))));
    const stream = await store.readStream('ledger-1');
    expect(stream).toHaveLength(50);
    // Each answer names the revision of its own event, and the state its predecessors left.
    results.forEach((result, i) => {
      const own = stream.find((e) => e.data.id === `n${i}`);
      expect(result.revision).toBe(own?.revision);
      expect(result.state.notes).toContain(`n${i}`);
      expect(result.position).toBeGreaterThanOrEqual(own?.position ?? Infinity);
    });
    expect(verifyChain(stream).valid).toBe(true);
    // One read and one append per batch, not per command: the first goes alone, the rest wait together.
    expect(store.writerStats()?.operations).toBeLessThanOrEqual(5);
    expect(processor.batchStats().largest).toBeGreaterThan(1);
  });

  it('a refused command gets its own error while its neighbours in the batch are appended', async () => {
    const sends = Array.from({ length: 20 }, (_, i) =>
      processor.handle('ledger-2', ledger, i % 2 === 0 ? { type: 'claim', by: `u${i}` } : { type: 'note', id: `n${i}` }, context(`k${i}`)),
    );
    const settled = await Promise.allSettled(sends);
    const claims = settled.filter((_, i) => i % 2 === 0);
    const notes = settled.filter((_, i) => i % 2 === 1);
    expect(claims.filter((s) => s.status === 'fulfilled')).toHaveLength(1);
    for (const refused of claims.filter((s) => s.status === 'rejected')) expect((refused as PromiseRejectedResult).reason).toBeInstanceOf(ConflictError);
    expect(notes.every((s) => s.status === 'fulfilled')).toBe(true);
    const stream = await store.readStream('ledger-2');
    expect(stream.map((e) => e.type).sort()).toEqual(['Claimed', ...Array(10).fill('Noted')]);
    expect(stream[0]).toMatchObject({ type: 'Claimed', data: { by: 'u0' } });
  });

  it('a command sent again with the same id, together or later, is appended once and answered alike', async () => {
    const first = await Promise.all([
      processor.handle('ledger-3', ledger, { type: 'claim', by: 'a' }, context('same')),
      processor.handle('ledger-3', ledger, { type: 'note', id: 'x' }, context('other')),
      processor.handle('ledger-3', ledger, { type: 'claim', by: 'a' }, context('same')).catch((error: unknown) => error),
    ]);
    const again = await processor.handle('ledger-3', ledger, { type: 'note', id: 'x' }, context('other'));
    const stream = await store.readStream('ledger-3');
    expect(stream.map((e) => e.type)).toEqual(['Claimed', 'Noted']);
    expect(first[0].revision).toBe(0);
    expect(first[1].revision).toBe(1);
    expect(again.events).toHaveLength(0);
    expect(again.revision).toBe(1);
  });

  it('answers each command with its own recorded events, and a retry with those its first answer recorded', async () => {
    const together = await Promise.all(Array.from({ length: 6 }, (_, i) => processor.handle('ledger-4', ledger, { type: 'note', id: `n${i}` }, context(`r${i}`))));
    const duplicates = await Promise.all([0, 1].map(() => processor.handle('ledger-5', ledger, { type: 'note', id: 'd' }, context('dup'))));
    const later = await processor.handle('ledger-4', ledger, { type: 'note', id: 'n2' }, context('r2'));
    // A decider that decides the same events again: the store answers the retry from the first append.
    const ticks: Decider<number, 'tick', { type: 'Ticked'; data: Record<string, never> }> = { initialState: 0, evolve: (n) => n + 1, decide: () => [{ type: 'Ticked', data: {} }, { type: 'Ticked', data: {} }] };
    const ticked = await processor.handle('ticks', ticks, 'tick', context('tick'));
    const tickedAgain = await processor.handle('ticks', ticks, 'tick', context('tick'));
    const stream = await store.readStream('ledger-4');
    together.forEach((result, i) => {
      const own = stream.find((e) => e.data.id === `n${i}`);
      expect(result.recorded).toEqual([{ eventId: own?.eventId, position: own?.position }]);
    });
    expect(later.events).toHaveLength(0);
    expect(later.recorded).toEqual(together[2].recorded);
    expect(duplicates[1].recorded).toEqual(duplicates[0].recorded);
    expect(duplicates[0].recorded).toHaveLength(1);
    expect(ticked.recorded).toHaveLength(2);
    expect(tickedAgain.recorded).toEqual(ticked.recorded);
    expect(await processor.handle('ledger-4', ledger, { type: 'note', id: 'n3' }, context('not-r3'))).toMatchObject({ events: [], recorded: [] });
  });

  it('a stream named from a fresh random id is not read before its first append; one that is taken after all is read and decided again', async () => {
    const reads = jest.spyOn(store, 'readStream');
    const fresh = (commandId: string): CommandContext => ({ ...context(commandId), freshStream: true });
    const created = await processor.handle('ledger-f1', ledger, { type: 'claim', by: 'a' }, fresh('f1'));
    expect(created).toMatchObject({ revision: 0, events: [{ type: 'Claimed' }] });
    expect(reads).not.toHaveBeenCalled();
    // Taken (a name that was not fresh after all): the append's no-stream check fails, the stream is
    // read and the command decided on what it holds: refused, as a second claim is.
    await processor.handle('ledger-f2', ledger, { type: 'note', id: 'x' }, context('f2'));
    await processor.handle('ledger-f4', ledger, { type: 'claim', by: 'a' }, context('f4'));
    processor['folded'].clear();
    reads.mockClear();
    await expect(processor.handle('ledger-f2', ledger, { type: 'claim', by: 'b' }, fresh('f3'))).resolves.toMatchObject({ revision: 1 });
    await expect(processor.handle('ledger-f4', ledger, { type: 'claim', by: 'b' }, fresh('f5'))).rejects.toBeInstanceOf(ConflictError);
    expect(reads.mock.calls.map(([stream]) => stream)).toEqual(['ledger-f2', 'ledger-f4']);
    const chain = await store.readStream('ledger-f2');
    expect(chain.map((e) => e.type)).toEqual(['Noted', 'Claimed']);
    expect(verifyChain(chain).valid).toBe(true);
  });

  it('streams are independent: commands of different streams are not held behind each other', async () => {
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => processor.handle(`ledger-s${i % 3}`, ledger, { type: 'note', id: `n${i}` }, context(`s${i}`))));
    expect(results.every((r) => r.events.length === 1)).toBe(true);
    for (let s = 0; s < 3; s++) expect(await store.readStream(`ledger-s${s}`)).toHaveLength(10);
  });
});
