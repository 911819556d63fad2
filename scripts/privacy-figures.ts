/**
 * Cost of crypto-shredding on its own: the sealing added to one vehicle-entry capture, the opening
 * added to one read, and the time to erase a subject with 1,000 entries (keys and photos).
 * Usage: node -r ts-node/register/transpile-only scripts/privacy-figures.ts
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { FileSystemBlobStore } from '../src/infrastructure/blobs/file-system-blob.store';
import { PersonalData } from '../src/infrastructure/privacy/personal-data';
import { SqliteKeyStore } from '../src/infrastructure/privacy/sqlite-key-store';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'privacy-figures-'));
  const keys = new SqliteKeyStore(dir);
  const personal = new PersonalData(keys, randomBytes(32));
  const blobs = new FileSystemBlobStore(join(dir, 'blobs'));
  const capture: number[] = [];
  const read: number[] = [];
  const sealed: string[] = [];
  for (let i = 0; i < 2000; i++) {
    const plate = `K${String(i % 200).padStart(3, '0')}XM`;
    const entryId = randomUUID();
    const t0 = performance.now();
    const subject = await personal.subjectOf('acme', plate, entryId);
    await personal.linkEntry('acme', subject, entryId, randomBytes(32).toString('hex'));
    sealed.push(await personal.seal('acme', subject, plate), await personal.seal('acme', subject, `${plate} raw`));
    capture.push(performance.now() - t0);
  }
  for (const value of sealed.slice(0, 2000)) {
    const t0 = performance.now();
    await personal.open('acme', value);
    read.push(performance.now() - t0);
  }
  // One subject seen 1,000 times, each with its own photo on disk.
  const subject = await personal.subjectOf('acme', 'ERASE01', randomUUID());
  for (let i = 0; i < 1000; i++) {
    const photo = await blobs.put(randomBytes(20_000));
    await personal.linkEntry('acme', subject, randomUUID(), photo.hash);
  }
  const t0 = performance.now();
  const erased = await personal.erase('acme', subject);
  for (const hash of erased.photoHashes) await blobs.delete(hash);
  const eraseMs = performance.now() - t0;
  console.log(`sealing per capture (subject lookup, link, 2 fields): median ${median(capture).toFixed(3)} ms`);
  console.log(`opening per sealed field on read: median ${median(read).toFixed(3)} ms`);
  console.log(`erasing a subject with 1,000 entries (key, links, 1,000 photos): ${eraseMs.toFixed(0)} ms`);
  keys.close();
  rmSync(dir, { recursive: true, force: true });
}

void main();
