import { createHash } from 'node:crypto';
import { ValidationError } from '../../src/domain/shared/errors';
import type { BlobStore } from '../../src/ports/blob-store.port';

/** The contract every BlobStore adapter passes; call inside a describe block. */
export function blobStoreContract(makeStore: () => Promise<BlobStore>): void {
  let store: BlobStore;
  beforeEach(async () => {
    store = await makeStore();
  });

  it('given bytes, when put, then returns their sha256 and size and get returns the same bytes', async () => {
    const bytes = Buffer.from('hello photo');
    const stored = await store.put(bytes, 'image/png');
    expect(stored.size).toBe(bytes.length);
    expect(stored.hash).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(await store.get(stored.hash)).toEqual(bytes);
    expect(await store.has(stored.hash)).toBe(true);
  });

  it('given the same bytes twice, when put, then the address is the same (idempotent)', async () => {
    const a = await store.put(Buffer.from([1, 2, 3]));
    const b = await store.put(Buffer.from([1, 2, 3]));
    expect(b).toEqual(a);
  });

  it('given concurrent puts of the same bytes, when all finish, then one readable blob exists', async () => {
    const bytes = Buffer.alloc(256 * 1024, 7);
    const results = await Promise.all(Array.from({ length: 8 }, () => store.put(bytes)));
    expect(new Set(results.map((r) => r.hash)).size).toBe(1);
    expect(await store.get(results[0].hash)).toEqual(bytes);
  });

  it('given an unknown hash, when get, then null and has is false', async () => {
    const unknown = 'f'.repeat(64);
    expect(await store.get(unknown)).toBeNull();
    expect(await store.has(unknown)).toBe(false);
  });

  it.each(['../../etc/passwd', 'ABC', 'F'.repeat(64), `${'a'.repeat(63)}/`, `..${'a'.repeat(62)}`, ''])(
    'given a malformed hash %j, when get or has, then ValidationError',
    async (hash) => {
      await expect(store.get(hash)).rejects.toBeInstanceOf(ValidationError);
      await expect(store.has(hash)).rejects.toBeInstanceOf(ValidationError);
    },
  );
}
