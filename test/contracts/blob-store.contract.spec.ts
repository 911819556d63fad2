import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { blobStoreContract } from './blob-store.contract';
import { FileSystemBlobStore } from '../../src/infrastructure/blobs/file-system-blob.store';

describe('FileSystemBlobStore', () => {
  const roots: string[] = [];
  const makeRoot = async (): Promise<string> => {
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'blobs-'));
    roots.push(root);
    return root;
  };
  afterAll(async () => {
    await Promise.all(roots.map((r) => fs.rm(r, { recursive: true, force: true })));
  });

  describe('contract', () => {
    blobStoreContract(async () => new FileSystemBlobStore(await makeRoot()));
  });

  it('given a put, then the file sits at <root>/<hash[0..2]>/<hash> and no temp file remains', async () => {
    const root = await makeRoot();
    const bytes = Buffer.from('meter photo bytes');
    const { hash } = await new FileSystemBlobStore(root).put(bytes);
    expect(hash).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(await fs.readFile(path.join(root, hash.slice(0, 2), hash))).toEqual(bytes);
    expect(await fs.readdir(path.join(root, hash.slice(0, 2)))).toEqual([hash]);
  });

  it('given a blob written by one instance, when another instance on the same root reads it, then it is found', async () => {
    const root = await makeRoot();
    const { hash } = await new FileSystemBlobStore(root).put(Buffer.from('shared'));
    expect((await new FileSystemBlobStore(root).get(hash))?.toString()).toBe('shared');
  });
});
