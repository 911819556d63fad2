import { ConcurrencyError } from '../../src/domain/shared/errors';
import { NewEvent } from '../../src/domain/shared/events';
import { verifyChain } from '../../src/domain/shared/hash-chain';
import { deterministicUuid } from '../../src/domain/shared/ids';
import { EventStore } from '../../src/ports/event-store.port';

let counter = 0;

export function newEvent(type: string, data: Record<string, unknown>, id?: string): NewEvent {
  counter += 1;
  return {
    eventId: id ?? deterministicUuid(`contract:${process.pid}:${Date.now()}:${counter}:${Math.random()}`),
    type,
    data,
    metadata: { tenantId: 't1', actorId: 'u1', correlationId: 'c1', causationId: null, occurredAt: '2026-01-01T00:00:00.000Z', schemaVersion: 1 },
  };
}

/** The behaviour every EventStore adapter must show. `make` gives a fresh, empty store. */
export function eventStoreContract(name: string, make: () => Promise<{ store: EventStore; cleanup: () => Promise<void> }>): void {
  describe(`EventStore contract: ${name}`, () => {
    let store: EventStore;
    let cleanup: () => Promise<void>;
    const unique = () => `contract-${Math.random().toString(36).slice(2)}`;

    beforeEach(async () => {
      ({ store, cleanup } = await make());
    });
    afterEach(async () => cleanup());

    it('appends to a new stream with no_stream and reads it back forwards and backwards', async () => {
      const s = unique();
      const r = await store.append(s, [newEvent('ThingHappened', { n: 1 }), newEvent('ThingHappened', { n: 2 }), newEvent('ThingHappened', { n: 3 })], 'no_stream');
      expect(r.nextRevision).toBe(2);
      const forwards = await store.readStream(s);
      expect(forwards.map((e) => e.data.n)).toEqual([1, 2, 3]);
      expect(forwards.map((e) => e.revision)).toEqual([0, 1, 2]);
      expect(forwards[2].position).toBe(r.position);
      const backwards = await store.readStream(s, { direction: 'backwards', limit: 2 });
      expect(backwards.map((e) => e.data.n)).toEqual([3, 2]);
      const from1 = await store.readStream(s, { fromRevision: 1 });
      expect(from1.map((e) => e.data.n)).toEqual([2, 3]);
      // Limits of every size, each read answering its own (a store may prepare one statement per limit).
      for (const limit of [1, 2, 3, 4]) expect((await store.readStream(s, { limit })).map((e) => e.data.n)).toEqual([1, 2, 3].slice(0, limit));
      expect((await store.readStream(s, { direction: 'backwards', fromRevision: 1, limit: 1 })).map((e) => e.data.n)).toEqual([2]);
      expect(await store.streamRevision(s)).toBe(2);
      expect(await store.streamRevision(unique())).toBeNull();
    });

    it('enforces expected revisions with a ConcurrencyError', async () => {
      const s = unique();
      await store.append(s, [newEvent('A', {})], 'no_stream');
      await expect(store.append(s, [newEvent('A', {})], 'no_stream')).rejects.toBeInstanceOf(ConcurrencyError);
      await expect(store.append(s, [newEvent('A', {})], 5)).rejects.toBeInstanceOf(ConcurrencyError);
      await expect(store.append(unique(), [newEvent('A', {})], 0)).rejects.toBeInstanceOf(ConcurrencyError);
      const ok = await store.append(s, [newEvent('A', {})], 0);
      expect(ok.nextRevision).toBe(1);
      const any = await store.append(s, [newEvent('A', {})], 'any');
      expect(any.nextRevision).toBe(2);
    });

    it('lets exactly one of two racing appends at the same revision win', async () => {
      const s = unique();
      await store.append(s, [newEvent('A', {})], 'no_stream');
      const results = await Promise.allSettled([store.append(s, [newEvent('B', { w: 1 })], 0), store.append(s, [newEvent('B', { w: 2 })], 0)]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(results.filter((r) => r.status === 'rejected' && r.reason instanceof ConcurrencyError)).toHaveLength(1);
      expect(await store.readStream(s)).toHaveLength(2);
    });

    it('treats appending the same event ids again as idempotent', async () => {
      const s = unique();
      const events = [newEvent('A', { x: 1 }), newEvent('A', { x: 2 })];
      const first = await store.append(s, events, 'no_stream');
      const again = await store.append(s, events, 'no_stream');
      expect(again).toEqual(first);
      // A retry that expects any revision is answered the same way, a single event's too.
      expect(await store.append(s, events, 'any')).toEqual(first);
      const single = [newEvent('A', { x: 3 })];
      const third = await store.append(s, single, 1);
      expect(await store.append(s, single, 'any')).toEqual(third);
      expect(await store.append(s, single, 1)).toEqual(third);
      const recorded = await store.readStream(s);
      expect(recorded).toHaveLength(3);
      // Each event's log position, in order: the retry is answered with the first append's.
      expect([...first.positions, ...third.positions]).toEqual(recorded.map((e) => e.position));
    });

    it('chains hashes from the first event and verifies them', async () => {
      const s = unique();
      await store.append(s, [newEvent('A', { a: 1 })], 'no_stream');
      await store.append(s, [newEvent('B', { b: [1, 2] }), newEvent('C', { c: { z: 1, a: 2 } })], 'any');
      const events = await store.readStream(s, { raw: true });
      expect(events.every((e) => /^[0-9a-f]{64}$/.test(e.metadata.hash ?? ''))).toBe(true);
      expect(verifyChain(events)).toEqual({ valid: true, eventsChecked: 3, firstBrokenRevision: null, reason: null });
      const tampered = events.map((e, i) => (i === 1 ? { ...e, data: { b: [1, 3] } } : e));
      expect(verifyChain(tampered).firstBrokenRevision).toBe(1);
    });

    it('reads all events in commit order after a position, and the head position', async () => {
      const start = await store.headPosition();
      const a = unique();
      const b = unique();
      await store.append(a, [newEvent('A', { i: 1 })], 'no_stream');
      await store.append(b, [newEvent('A', { i: 2 })], 'no_stream');
      await store.append(a, [newEvent('A', { i: 3 })], 0);
      const all = (await store.readAll({ after: start, limit: 100 })).filter((e) => e.stream === a || e.stream === b);
      expect(all.map((e) => e.data.i)).toEqual([1, 2, 3]);
      const positions = all.map((e) => e.position);
      expect([...positions].sort((x, y) => x - y)).toEqual(positions);
      expect(await store.headPosition()).toBe(positions[2]);
      const afterFirst = (await store.readAll({ after: positions[0], limit: 100 })).filter((e) => e.stream === a || e.stream === b);
      expect(afterFirst.map((e) => e.data.i)).toEqual([2, 3]);
    });

    it('reads by event type: the first events of those types in position order, up to `until`', async () => {
      const start = await store.headPosition();
      const s = unique();
      const kinds = ['A', 'B', 'C', 'A', 'B', 'C', 'A', 'B', 'C', 'A'];
      const positions: number[] = [];
      for (const [i, type] of kinds.entries()) positions.push((await store.append(s, [newEvent(type, { i })], 'any')).position);
      const read = async (options: { limit: number; until?: number }) => {
        const page = await store.readAll({ after: start, types: ['C', 'A', 'C'], ...options });
        // Stores with a type index return nothing else; any other may return more (consumers check types).
        if (store.kind === 'sqlite' || store.kind === 'postgres') expect(page.filter((e) => e.type === 'B')).toEqual([]);
        expect(page.map((e) => e.position)).toEqual([...page.map((e) => e.position)].sort((x, y) => x - y));
        return page.filter((e) => e.stream === s && e.type !== 'B').map((e) => e.data.i);
      };
      if (store.kind === 'sqlite' || store.kind === 'postgres') {
        expect(await read({ limit: 4 })).toEqual([0, 2, 3, 5]);
        expect(await read({ limit: 100, until: positions[6] })).toEqual([0, 2, 3, 5, 6]);
      }
      expect(await read({ limit: 100 })).toEqual([0, 2, 3, 5, 6, 8, 9]);
    });

    it('concurrent appends to many streams: each succeeds or fails exactly as its expected revision says', async () => {
      const streams = Array.from({ length: 40 }, () => unique());
      const created = await Promise.all(streams.map((s, i) => store.append(s, [newEvent('A', { i })], 'no_stream')));
      expect(created.every((r) => r.nextRevision === 0)).toBe(true);
      // Half right (0), half stale (no_stream again), all at once.
      const second = await Promise.allSettled(streams.map((s, i) => store.append(s, [newEvent('B', { i })], i % 2 ? 'no_stream' : 0)));
      second.forEach((r, i) => {
        if (i % 2) expect(r.status === 'rejected' && r.reason instanceof ConcurrencyError).toBe(true);
        else expect(r.status === 'fulfilled' && r.value.nextRevision === 1).toBe(true);
      });
      for (const [i, s] of streams.entries()) {
        const events = await store.readStream(s, { raw: true });
        expect(events.map((e) => e.type)).toEqual(i % 2 ? ['A'] : ['A', 'B']);
        expect(verifyChain(events).valid).toBe(true);
      }
    });

    it('concurrent appends to one stream: one winner per expected revision, any always lands, the chain stays valid', async () => {
      const s = unique();
      await store.append(s, [newEvent('A', {})], 'no_stream');
      const racing = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => store.append(s, [newEvent('B', { i })], 0)));
      expect(racing.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(racing.filter((r) => r.status === 'rejected' && r.reason instanceof ConcurrencyError)).toHaveLength(19);
      const anys = await Promise.all(Array.from({ length: 20 }, (_, i) => store.append(s, [newEvent('C', { i }), newEvent('C', { i, second: true })], 'any')));
      expect(new Set(anys.map((r) => r.nextRevision)).size).toBe(20);
      const events = await store.readStream(s, { raw: true });
      expect(events).toHaveLength(2 + 40);
      expect(events.map((e) => e.revision)).toEqual(events.map((_, i) => i));
      expect(verifyChain(events)).toMatchObject({ valid: true, eventsChecked: 42 });
      // Both events of one append are adjacent: appends never interleave inside a stream.
      for (let i = 2; i < events.length; i += 2) expect(events[i + 1].data).toEqual({ ...events[i].data, second: true });
    });

    it('a failing append among concurrent ones fails alone; its neighbours commit', async () => {
      const [a, b, c, d, lone] = [unique(), unique(), unique(), unique(), unique()];
      await store.append(b, [newEvent('A', {})], 'no_stream');
      const taken = newEvent('A', { taken: true });
      await store.append(d, [taken], 'no_stream');
      const results = await Promise.allSettled([
        store.append(a, [newEvent('A', { n: 1 })], 'no_stream'),
        store.append(b, [newEvent('B', {})], 7),
        store.append(c, [newEvent('A', { n: 2 }), newEvent('A', { n: 3 })], 'no_stream'),
        // An event id already used in another stream: refused, and the event before it is not kept.
        store.append(a, [newEvent('X', {}), taken], 'any'),
        store.append(d, [newEvent('B', { n: 4 })], 0),
        // Alone in its append, too.
        store.append(lone, [taken], 'any'),
      ]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled', 'rejected']);
      expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(ConcurrencyError);
      expect((await store.readStream(a)).map((e) => e.type)).toEqual(['A']);
      expect(await store.readStream(b)).toHaveLength(1);
      expect((await store.readStream(c)).map((e) => e.data.n)).toEqual([2, 3]);
      expect((await store.readStream(d)).map((e) => e.type)).toEqual(['A', 'B']);
      expect(await store.readStream(lone)).toEqual([]);
    });

    it('positions follow commit order: each append answers its last position, readAll is ascending and gapless per stream', async () => {
      const start = await store.headPosition();
      const streams = Array.from({ length: 10 }, () => unique());
      const results = await Promise.all(streams.flatMap((s) => [store.append(s, [newEvent('A', {}), newEvent('A', {})], 'any'), store.append(s, [newEvent('A', {})], 'any')]));
      const all = (await store.readAll({ after: start, limit: 1000 })).filter((e) => streams.includes(e.stream));
      expect(all).toHaveLength(30);
      const positions = all.map((e) => e.position);
      expect([...positions].sort((x, y) => x - y)).toEqual(positions);
      for (const r of results) expect(all.some((e) => e.position === r.position)).toBe(true);
      for (const s of streams) {
        const mine = all.filter((e) => e.stream === s);
        expect(mine.map((e) => e.revision)).toEqual([0, 1, 2]);
      }
      expect(await store.headPosition()).toBe(Math.max(...positions));
    });

    it('subscribes from a position, catches up, then sees new appends, at the consumer pace', async () => {
      const start = await store.headPosition();
      const s = unique();
      await store.append(s, [newEvent('A', { i: 1 }), newEvent('A', { i: 2 })], 'no_stream');
      const abort = new AbortController();
      const seen: number[] = [];
      const consumer = (async () => {
        for await (const e of store.subscribeAll({ after: start, signal: abort.signal, batchSize: 1 })) {
          if (e.stream !== s) continue;
          await new Promise((r) => setTimeout(r, 5));
          seen.push(e.data.i as number);
          if (seen.length === 4) abort.abort();
        }
      })();
      await new Promise((r) => setTimeout(r, 30));
      await store.append(s, [newEvent('A', { i: 3 })], 1);
      await store.append(s, [newEvent('A', { i: 4 })], 2);
      await consumer;
      expect(seen).toEqual([1, 2, 3, 4]);
    });
  });
}
