import { InvalidCursorError, ValidationError } from '../../src/domain/shared/errors';
import { FencedError, LAST_POSITION_FIELD, ReadStore, WriteOp, allDocs, allPages, collect, encodeCursor } from '../../src/ports/read-store.port';

/** The behaviour every ReadStore adapter must show. `make` gives a fresh, empty store. */
export function readStoreContract(name: string, make: () => Promise<{ store: ReadStore; cleanup: () => Promise<void> }>): void {
  describe(`ReadStore contract: ${name}`, () => {
    let store: ReadStore;
    let cleanup: () => Promise<void>;
    let c: string;

    beforeEach(async () => {
      ({ store, cleanup } = await make());
      c = `c_${Math.random().toString(36).slice(2, 10)}`;
    });
    afterEach(async () => cleanup());

    const seed = async () => {
      await store.batch(
        Array.from({ length: 25 }, (_, i) => ({
          kind: 'upsert' as const,
          collection: c,
          id: `d${String(i).padStart(2, '0')}`,
          doc: { tenant: i % 2 ? 'a' : 'b', n: i, score: (i * 7) % 10, flag: i % 3 === 0, nested: { k: `k${i % 4}` } },
        })),
      );
    };

    it('gets, upserts, replaces and deletes documents', async () => {
      expect(await store.get(c, 'x')).toBeNull();
      await store.upsert(c, 'x', { a: 1 });
      await store.upsert(c, 'x', { a: 2, b: 'two' });
      expect(await store.get(c, 'x')).toEqual({ a: 2, b: 'two' });
      await store.delete(c, 'x');
      expect(await store.get(c, 'x')).toBeNull();
    });

    it('inserts a document only when its id is absent, else answers the stored one unchanged (one winner under a race)', async () => {
      expect(await store.insertIfAbsent(c, 'k', { fingerprint: 'one' })).toBeNull();
      expect(await store.insertIfAbsent(c, 'k', { fingerprint: 'two' })).toEqual({ fingerprint: 'one' });
      expect(await store.get(c, 'k')).toEqual({ fingerprint: 'one' });
      const raced = await Promise.all(Array.from({ length: 8 }, (_, i) => store.insertIfAbsent(c, 'r', { fingerprint: `f${i}` })));
      const winners = raced.filter((r) => r === null);
      expect(winners).toHaveLength(1);
      const stored = await store.get<{ fingerprint: string }>(c, 'r');
      expect(raced.filter((r) => r !== null)).toEqual(Array.from({ length: 7 }, () => stored));
    });

    it('filters by equality, range, $in, $ne, booleans and dotted fields, and counts', async () => {
      await seed();
      await store.ensureIndex(c, ['tenant', 'n']);
      expect(await store.count(c)).toBe(25);
      expect(await store.count(c, { tenant: 'a' })).toBe(12);
      expect(await store.count(c, { n: { $gte: 10, $lt: 15 } })).toBe(5);
      expect(await store.count(c, { score: { $in: [0, 7] } })).toBe(6);
      expect(await store.count(c, { tenant: { $ne: 'a' } })).toBe(13);
      expect(await store.count(c, { flag: true })).toBe(9);
      expect(await store.count(c, { 'nested.k': 'k1' })).toBe(6);
      const ids = await store.getMany(c, ['d01', 'd03', 'nope']);
      expect([...ids.keys()].sort()).toEqual(['d01', 'd03']);
    });

    it('sorts and pages with stable cursors that visit each document once', async () => {
      await seed();
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page: Awaited<ReturnType<ReadStore['find']>> = await store.find(c, { filter: { tenant: 'b' }, sort: [['score', -1]], limit: 4, cursor });
        seen.push(...page.items.map((d) => String(d.n)));
        cursor = page.nextCursor;
        pages += 1;
      } while (cursor && pages < 10);
      expect(pages).toBe(4);
      expect(seen).toHaveLength(13);
      expect(new Set(seen).size).toBe(13);
      const all = await store.find<{ n: number; score: number }>(c, { filter: { tenant: 'b' }, sort: [['score', -1]], limit: 100 });
      const scores = all.items.map((d) => d.score);
      expect([...scores].sort((x, y) => y - x)).toEqual(scores);
      expect(all.nextCursor).toBeNull();
    });

    it('refuses a cursor it did not hand out with a typed InvalidCursorError (a ValidationError)', async () => {
      await seed();
      const page = await store.find(c, { sort: [['score', -1]], limit: 4 });
      const otherList = encodeCursor(['x']);
      for (const cursor of ['not base64 json', encodeCursor([{ nested: 1 }]), otherList]) {
        const refused = store.find(c, { sort: [['score', -1]], limit: 4, cursor });
        await expect(refused).rejects.toBeInstanceOf(InvalidCursorError);
        await expect(store.find(c, { sort: [['score', -1]], limit: 4, cursor })).rejects.toBeInstanceOf(ValidationError);
      }
      // A cursor of a list sorted otherwise has the wrong number of keys: not this list's.
      await expect(store.find(c, { limit: 4, cursor: page.nextCursor })).rejects.toBeInstanceOf(InvalidCursorError);
    });

    it('iterates over a whole collection a bounded page at a time, in the query\'s order', async () => {
      await seed();
      const query = { filter: { tenant: 'a' }, sort: [['score', -1]] as const };
      const pages = await collect(allPages<{ n: number; score: number }>(store, c, query, 5));
      expect(pages.map((p) => p.length)).toEqual([5, 5, 2]);
      const docs = await collect(allDocs<{ n: number; score: number }>(store, c, query, 5));
      expect(docs).toEqual(pages.flat());
      expect(docs.map((d) => d.n).sort((x, y) => x - y)).toEqual(Array.from({ length: 12 }, (_, i) => 2 * i + 1));
      expect(docs.map((d) => d.score)).toEqual([...docs.map((d) => d.score)].sort((x, y) => y - x));
      expect(await collect(allDocs(store, c, {}, 7))).toHaveLength(25);
      expect(await collect(allDocs(store, `${c}_empty`))).toEqual([]);
    });

    it('pages through documents that lack the sort field, visiting each document once, both directions', async () => {
      await store.batch(
        Array.from({ length: 9 }, (_, i) => ({
          kind: 'upsert' as const,
          collection: c,
          id: `m${i}`,
          doc: i % 3 === 0 ? { n: i } : i % 3 === 1 ? { n: i, at: `2026-01-0${i}` } : { n: i, at: null },
        })),
      );
      for (const direction of [1, -1] as const) {
        const seen: number[] = [];
        let cursor: string | null = null;
        let pages = 0;
        do {
          const page: Awaited<ReturnType<ReadStore['find']>> = await store.find(c, { sort: [['at', direction]], limit: 2, cursor });
          seen.push(...page.items.map((d) => Number(d.n)));
          cursor = page.nextCursor;
          pages += 1;
        } while (cursor && pages < 20);
        expect([...seen].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
        // Without a value sorts lowest: first ascending, last descending.
        const dated = seen.filter((n) => n % 3 === 1);
        expect(direction === 1 ? seen.slice(-3) : seen.slice(0, 3)).toEqual(direction === 1 ? [1, 4, 7] : [7, 4, 1]);
        expect(dated).toHaveLength(3);
      }
    });

    it('never lets an older write replace a newer one, and still writes the fresh documents of a batch with a stale one', async () => {
      const at = (position: number, v: string) => ({ v, [LAST_POSITION_FIELD]: position });
      await store.batch([
        { kind: 'upsert', collection: c, id: 'a', doc: at(10, 'a10') },
        { kind: 'upsert', collection: c, id: 'b', doc: at(10, 'b10') },
      ]);
      await store.batch([
        { kind: 'upsert', collection: c, id: 'a', doc: at(11, 'a11') },
        { kind: 'upsert', collection: c, id: 'b', doc: at(5, 'b5-stale') },
        { kind: 'upsert', collection: c, id: 'c', doc: at(6, 'c6') },
        { kind: 'upsert', collection: c, id: 'a', doc: at(9, 'a9-stale') },
      ]);
      await store.upsert(c, 'c', at(3, 'c3-stale'));
      expect(await store.get(c, 'a')).toEqual(at(11, 'a11'));
      expect(await store.get(c, 'b')).toEqual(at(10, 'b10'));
      expect(await store.get(c, 'c')).toEqual(at(6, 'c6'));
      await store.upsert(c, 'c', at(7, 'c7'));
      expect(await store.get(c, 'c')).toEqual(at(7, 'c7'));
    });

    it('writes a batch larger than one statement or bulk write, all of it', async () => {
      await store.batch(Array.from({ length: 1203 }, (_, i) => ({ kind: 'upsert' as const, collection: c, id: `big${i}`, doc: { i, [LAST_POSITION_FIELD]: i } })), { name: `big_${c}`, position: 1203 });
      expect(await store.count(c)).toBe(1203);
      expect(await store.getCheckpoint(`big_${c}`)).toBe(1203);
    });

    it('writes a batch with its checkpoint, and keeps the last checkpoint', async () => {
      const p1 = `p1_${c}`;
      expect(await store.getCheckpoint(p1)).toBeNull();
      await store.batch([{ kind: 'upsert', collection: c, id: 'a', doc: { v: 1 } }], { name: p1, position: 10 });
      await store.batch([{ kind: 'delete', collection: c, id: 'a' }], { name: p1, position: 12 });
      expect(await store.getCheckpoint(p1)).toBe(12);
      expect(await store.get(c, 'a')).toBeNull();
    });

    it('drops and lists collections', async () => {
      await store.upsert(c, 'a', { v: 1 });
      expect(await store.listCollections()).toContain(c);
      await store.dropCollection(c);
      expect(await store.listCollections()).not.toContain(c);
      expect(await store.count(c)).toBe(0);
    });

    it('grants a lease to one owner at a time until it expires or is released', async () => {
      const lease = `lease_${c}`;
      expect(await store.acquireLease(lease, 'one', 200)).toBe(true);
      expect(await store.acquireLease(lease, 'two', 200)).toBe(false);
      expect(await store.acquireLease(lease, 'one', 200)).toBe(true);
      expect((await store.leaseHolder(lease))?.owner).toBe('one');
      await new Promise((r) => setTimeout(r, 250));
      expect(await store.acquireLease(lease, 'two', 200)).toBe(true);
      await store.releaseLease(lease, 'two');
      expect(await store.leaseHolder(lease)).toBeNull();
    });

    it('fences: a checkpointed batch is written only while its writer holds the unexpired lease', async () => {
      const lease = `fence_${c}`;
      const cp = `fcp_${c}`;
      expect(await store.acquireLease(lease, 'leader', 200)).toBe(true);
      await store.batch([{ kind: 'upsert', collection: c, id: 'a', doc: { v: 1 } }], { name: cp, position: 1, fence: { lease, owner: 'leader' } });
      await expect(store.batch([{ kind: 'upsert', collection: c, id: 'a', doc: { v: 2 } }], { name: cp, position: 2, fence: { lease, owner: 'other' } })).rejects.toBeInstanceOf(FencedError);
      await new Promise((r) => setTimeout(r, 250));
      // The leader paused past its lease: it writes nothing, whoever holds the lease now.
      await expect(store.batch([{ kind: 'upsert', collection: c, id: 'a', doc: { v: 3 } }], { name: cp, position: 3, fence: { lease, owner: 'leader' } })).rejects.toBeInstanceOf(FencedError);
      expect(await store.acquireLease(lease, 'standby', 200)).toBe(true);
      await expect(store.batch([{ kind: 'upsert', collection: c, id: 'a', doc: { v: 4 } }], { name: cp, position: 4, fence: { lease, owner: 'leader' } })).rejects.toBeInstanceOf(FencedError);
      expect(await store.get(c, 'a')).toEqual(expect.objectContaining({ v: 1 }));
      expect(await store.getCheckpoint(cp)).toBe(1);
    });

    it('fences a batch over several collections, deletes among them: written whole while the lease holds, else not at all', async () => {
      const lease = `fence2_${c}`;
      const cp = `fcp2_${c}`;
      const [one, two, three] = [`${c}_one`, `${c}_two`, `${c}_three`];
      await store.batch([{ kind: 'upsert', collection: three, id: 'gone', doc: { v: 0 } }]);
      expect(await store.acquireLease(lease, 'leader', 60_000)).toBe(true);
      const ops = (v: number): WriteOp[] => [
        { kind: 'upsert', collection: one, id: 'a', doc: { v } },
        { kind: 'upsert', collection: one, id: 'b', doc: { v } },
        { kind: 'upsert', collection: two, id: 'a', doc: { v } },
        { kind: 'delete', collection: three, id: 'gone' },
      ];
      await expect(store.batch(ops(1), { name: cp, position: 1, fence: { lease, owner: 'other' } })).rejects.toBeInstanceOf(FencedError);
      expect([await store.get(one, 'a'), await store.get(one, 'b'), await store.get(two, 'a')]).toEqual([null, null, null]);
      expect(await store.get(three, 'gone')).toEqual({ v: 0 });
      expect(await store.getCheckpoint(cp)).toBeNull();
      await store.batch(ops(2), { name: cp, position: 2, fence: { lease, owner: 'leader' } });
      expect([await store.get(one, 'a'), await store.get(one, 'b'), await store.get(two, 'a')]).toEqual([{ v: 2 }, { v: 2 }, { v: 2 }]);
      expect(await store.get(three, 'gone')).toBeNull();
      expect(await store.getCheckpoint(cp)).toBe(2);
      // One collection written, deleted and written again in one batch: applied in order.
      await store.batch(
        [
          { kind: 'upsert', collection: one, id: 'c', doc: { v: 3 } },
          { kind: 'delete', collection: one, id: 'c' },
          { kind: 'upsert', collection: one, id: 'c', doc: { v: 4 } },
          { kind: 'delete', collection: one, id: 'a' },
        ],
        { name: cp, position: 3, fence: { lease, owner: 'leader' } },
      );
      expect([await store.get(one, 'a'), await store.get(one, 'c')]).toEqual([null, { v: 4 }]);
      await store.releaseLease(lease, 'leader');
    });
  });
}
