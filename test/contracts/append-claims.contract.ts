import { ClaimTakenError, EventStore } from '../../src/ports/event-store.port';
import { ReadStore } from '../../src/ports/read-store.port';
import { newEvent } from './event-store.contract';

export interface ClaimStores {
  readonly events: EventStore;
  readonly reads: ReadStore;
  readonly cleanup: () => Promise<void>;
}

/**
 * An append's claims (an Idempotency-Key's record): read-store documents written in the append's
 * own transaction, unless one is stored under the id already; another document there fails the
 * append and writes nothing of it, and only it: its neighbours in a group commit go on.
 */
export function appendClaimsContract(name: string, make: () => Promise<ClaimStores>): void {
  describe(`EventStore claims contract: ${name}`, () => {
    let events: EventStore;
    let reads: ReadStore;
    let cleanup: () => Promise<void>;
    const unique = () => `claims-${Math.random().toString(36).slice(2)}`;
    const claim = (id: string, fingerprint: string) => ({ collection: 'claims_contract', id, doc: { fingerprint } });

    beforeEach(async () => {
      ({ events, reads, cleanup } = await make());
    });
    afterEach(async () => cleanup());

    it('writes the claim with the events: both are there once the append answered', async () => {
      expect(events.writesClaims()).toBe(true);
      const s = unique();
      await events.append(s, [newEvent('A', { n: 1 })], 'no_stream', { claims: [claim('k1', 'f1')] });
      expect(await reads.get('claims_contract', 'k1')).toEqual({ fingerprint: 'f1' });
      expect((await events.readStream(s)).map((e) => e.data.n)).toEqual([1]);
    });

    it('leaves a claim stored with the same document as it is and appends', async () => {
      const s = unique();
      await events.append(s, [newEvent('A', { n: 1 })], 'no_stream', { claims: [claim('k2', 'f2')] });
      const again = await events.append(s, [newEvent('A', { n: 2 })], 0, { claims: [claim('k2', 'f2')] });
      expect(again.nextRevision).toBe(1);
      expect(await reads.get('claims_contract', 'k2')).toEqual({ fingerprint: 'f2' });
    });

    it('refuses an append whose claim finds another document, and writes nothing of it', async () => {
      const s = unique();
      await reads.insertIfAbsent('claims_contract', 'k3', { fingerprint: 'first' });
      const taken = events.append(s, [newEvent('A', { n: 1 })], 'no_stream', { claims: [claim('k4', 'f4'), claim('k3', 'second')] });
      await expect(taken).rejects.toBeInstanceOf(ClaimTakenError);
      await expect(taken).rejects.toMatchObject({ collection: 'claims_contract', id: 'k3' });
      expect(await events.readStream(s)).toEqual([]);
      expect(await reads.get('claims_contract', 'k3')).toEqual({ fingerprint: 'first' });
      // Its other claim was not written either.
      expect(await reads.get('claims_contract', 'k4')).toBeNull();
    });

    it('fails only the append whose claim is taken when several commit together', async () => {
      await reads.insertIfAbsent('claims_contract', 'k5', { fingerprint: 'first' });
      const streams = Array.from({ length: 20 }, unique);
      const results = await Promise.allSettled(
        streams.map((s, i) => events.append(s, [newEvent('A', { i })], 'no_stream', { claims: [i === 7 ? claim('k5', 'other') : claim(`k5-${i}`, `f${i}`)] })),
      );
      expect(results.map((r) => r.status)).toEqual(streams.map((_, i) => (i === 7 ? 'rejected' : 'fulfilled')));
      expect((results[7] as PromiseRejectedResult).reason).toBeInstanceOf(ClaimTakenError);
      for (const [i, s] of streams.entries()) {
        expect((await events.readStream(s)).length).toBe(i === 7 ? 0 : 1);
        expect(await reads.get('claims_contract', `k5-${i}`)).toEqual(i === 7 ? null : { fingerprint: `f${i}` });
      }
    });

    it('refuses the second of two appends that claim one id with different documents in one group', async () => {
      const [a, b] = [unique(), unique()];
      const results = await Promise.allSettled([
        events.append(a, [newEvent('A', {})], 'no_stream', { claims: [claim('k6', 'a')] }),
        events.append(b, [newEvent('A', {})], 'no_stream', { claims: [claim('k6', 'b')] }),
      ]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected']);
      expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(ClaimTakenError);
      expect(await reads.get('claims_contract', 'k6')).toEqual({ fingerprint: 'a' });
      expect(await events.readStream(b)).toEqual([]);
    });
  });
}
