import { ReadStore } from '../../src/infrastructure/read-store/read-store.port';

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

    it('writes a batch with its checkpoint, and keeps the last checkpoint', async () => {
      expect(await store.getCheckpoint('p1')).toBeNull();
      await store.batch([{ kind: 'upsert', collection: c, id: 'a', doc: { v: 1 } }], { name: 'p1', position: 10 });
      await store.batch([{ kind: 'delete', collection: c, id: 'a' }], { name: 'p1', position: 12 });
      expect(await store.getCheckpoint('p1')).toBe(12);
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
  });
}
