/**
 * Cost of crypto-shredding on its own: the sealing added to one vehicle-entry capture, the opening
 * added to one read, the time to erase a subject with 1,000 entries (keys and photos), and one
 * retention run over 10,000 entries of 1,000 plates captured over 100 days.
 * Usage: node -r ts-node/register/transpile-only scripts/privacy-figures.ts
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { FileSystemBlobStore } from '../src/infrastructure/blobs/file-system-blob.store';
import { DAY_MS, ManualClock } from '../src/domain/shared/clock';
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
    const photo = personal.sealPhoto(randomBytes(20_000));
    await personal.linkEntry('acme', subject, entryId, randomBytes(32).toString('hex'), { blobHash: randomBytes(32).toString('hex'), wrappedKey: photo.wrappedKey });
    sealed.push(...(await personal.sealMany('acme', subject, [plate, `${plate} raw`, '0123456789abcdef'])));
    capture.push(performance.now() - t0);
  }
  for (const value of sealed.slice(0, 2000)) {
    const t0 = performance.now();
    await personal.open('acme', value);
    read.push(performance.now() - t0);
  }
  // One subject seen 1,000 times, each with its own photo on disk, sealed under a key of its own entry (as a capture does).
  const subject = await personal.subjectOf('acme', 'ERASE01', randomUUID());
  for (let i = 0; i < 1000; i++) {
    const { sealed, wrappedKey } = personal.sealPhoto(randomBytes(20_000));
    const photo = await blobs.put(sealed);
    await personal.linkEntry('acme', subject, randomUUID(), photo.hash, { blobHash: photo.hash, wrappedKey });
  }
  const t0 = performance.now();
  const erased = await personal.erase('acme', subject);
  for (const hash of erased.photoHashes) await blobs.delete(hash);
  const eraseMs = performance.now() - t0;
  console.log(`sealing per capture (subject lookup, a 20 kB photo under its own key, link with photo key, 3 fields): median ${median(capture).toFixed(3)} ms`);
  console.log(`opening per sealed field on read: median ${median(read).toFixed(3)} ms`);
  console.log(`erasing a subject with 1,000 entries (key, links, 1,000 photo keys and sealed photo files): ${eraseMs.toFixed(0)} ms`);
  await retentionFigures(dir, blobs);
  keys.close();
  rmSync(dir, { recursive: true, force: true });
}

/** 1,000 plates, each seen on 10 days spread over 100 (plate i last seen on day 90 + i % 10 or, for half, on day 40 + i % 10), one photo each. */
async function retentionFigures(dir: string, blobs: FileSystemBlobStore): Promise<void> {
  const clock = new ManualClock('2026-01-01T00:00:00.000Z');
  const keys = new SqliteKeyStore(join(dir, 'retention'));
  const personal = new PersonalData(keys, randomBytes(32), clock);
  const day0 = clock.now().getTime();
  for (let i = 0; i < 1000; i++) {
    const plate = `R${String(i).padStart(4, '0')}TN`;
    const last = i % 2 === 0 ? 90 : 40;
    for (let k = 0; k < 10; k++) {
      clock.set(new Date(day0 + (last - k * 4 + (i % 10)) * DAY_MS));
      const entryId = randomUUID();
      const subject = await personal.subjectOf('acme', plate, entryId);
      const { sealed, wrappedKey } = personal.sealPhoto(randomBytes(20_000));
      const photo = await blobs.put(sealed);
      await personal.linkEntry('acme', subject, entryId, photo.hash, { blobHash: photo.hash, wrappedKey });
    }
  }
  const at = (d: number) => new Date(day0 + d * DAY_MS);
  let t0 = performance.now();
  const expired = await keys.expireEntries('acme', at(60));
  for (const hash of expired.unusedPhotoHashes) await blobs.delete(hash);
  const photosMs = performance.now() - t0;
  t0 = performance.now();
  const erased = await keys.eraseUnseenSince('acme', at(60));
  for (const hash of erased.unusedPhotoHashes) await blobs.delete(hash);
  const platesMs = performance.now() - t0;
  console.log(`retention, photos older than 60 days of 10,000 entries: ${expired.entries} links and ${expired.unusedPhotoHashes.length} photo files removed in ${photosMs.toFixed(0)} ms`);
  console.log(`retention, plates unseen for 60 days of 1,000: ${erased.subjects} subjects (${erased.entries} links, ${erased.unusedPhotoHashes.length} photo files) erased in ${platesMs.toFixed(0)} ms`);
  keys.close();
}

void main();
