import { randomBytes } from 'node:crypto';
import { DAY_MS, ManualClock } from '../../../src/domain/shared/clock';
import { KeyStore } from '../../../src/infrastructure/privacy/key-store.port';
import { PersonalData } from '../../../src/infrastructure/privacy/personal-data';

/**
 * What retention asks of a key store, the same for SQLite and PostgreSQL: links and sightings are
 * timed by the clock; expiry and erasure touch one tenant only; a photo still linked (by a newer
 * entry or by another tenant) is never named for deletion.
 */
export async function retentionBehaviour(keys: KeyStore, prefix: string): Promise<void> {
  const clock = new ManualClock('2026-03-01T00:00:00.000Z');
  const personal = new PersonalData(keys, randomBytes(32), clock);
  const acme = `${prefix}acme`;
  const globex = `${prefix}globex`;
  const at = (day: number) => clock.set(new Date(Date.parse('2026-03-01T00:00:00.000Z') + day * DAY_MS));

  at(0);
  const seenOften = await personal.subjectOf(acme, 'KXM4721', 'e0');
  await personal.linkEntry(acme, seenOften, 'e0', 'photo-old');
  await personal.linkEntry(acme, seenOften, 'e0b', 'photo-shared-in-tenant');
  const seenOnce = await personal.subjectOf(acme, 'BRT9058', 'e1');
  await personal.linkEntry(acme, seenOnce, 'e1', 'photo-once');
  const theirs = await personal.subjectOf(globex, 'KXM4721', 'g0');
  await personal.linkEntry(globex, theirs, 'g0', 'photo-old-too');
  await personal.linkEntry(globex, theirs, 'g1', 'photo-cross-tenant');
  await personal.linkEntry(acme, seenOften, 'e2', 'photo-cross-tenant');
  at(50);
  await personal.linkEntry(acme, seenOften, 'e3', 'photo-new');
  await personal.linkEntry(acme, seenOften, 'e4', 'photo-shared-in-tenant');
  // A retried link keeps its first time.
  await personal.linkEntry(acme, seenOften, 'e0', 'photo-old');

  expect((await keys.tenants()).filter((t) => t.startsWith(prefix))).toEqual([acme, globex]);
  const cutoff = new Date(Date.parse('2026-03-01T00:00:00.000Z') + 10 * DAY_MS);
  const expired = await keys.expireEntries(acme, cutoff);
  expect({ ...expired, unusedPhotoHashes: [...expired.unusedPhotoHashes].sort() }).toEqual({ entries: 4, unusedPhotoHashes: ['photo-old', 'photo-once'], photosInUse: 2 });
  expect(await keys.expireEntries(acme, cutoff)).toEqual({ entries: 0, unusedPhotoHashes: [], photosInUse: 0 });

  // BRT9058 was last seen on day 0, KXM4721 on day 50: only the first goes; globex's KXM4721 (day 0) stays.
  const erased = await keys.eraseUnseenSince(acme, cutoff);
  expect(erased).toEqual({ subjects: 1, entries: 0, unusedPhotoHashes: [], photosInUse: 0 });
  expect(await keys.keyOf(acme, seenOnce)).toBeNull();
  expect(await keys.keyOf(acme, seenOften)).not.toBeNull();
  expect(await keys.keyOf(globex, theirs)).not.toBeNull();

  const erasedTheirs = await keys.eraseUnseenSince(globex, cutoff);
  expect({ ...erasedTheirs, unusedPhotoHashes: [...erasedTheirs.unusedPhotoHashes].sort() }).toEqual({ subjects: 1, entries: 2, unusedPhotoHashes: ['photo-cross-tenant', 'photo-old-too'], photosInUse: 0 });
}

/**
 * Per-entry photo keys and linked subjects, the same for SQLite and PostgreSQL: a photo key is kept
 * with its entry's first link (a retry keeps the first), a later link to another plate names the
 * sealed photo, retention drops the keys of photos captured before the cut-off (a plate seen often
 * keeps its recent ones), and erasing either plate of an entry erases both subjects and its photo key.
 */
export async function photoKeyBehaviour(keys: KeyStore, prefix: string): Promise<void> {
  const clock = new ManualClock('2026-03-01T00:00:00.000Z');
  const personal = new PersonalData(keys, randomBytes(32), clock);
  const acme = `${prefix}acme`;
  const at = (day: number) => clock.set(new Date(Date.parse('2026-03-01T00:00:00.000Z') + day * DAY_MS));
  const capture = async (plate: string, entryId: string, bytes: Buffer) => {
    const subject = await personal.subjectOf(acme, plate, entryId);
    const { sealed, wrappedKey } = personal.sealPhoto(bytes);
    const blobHash = `sealed-${entryId}`;
    await personal.linkEntry(acme, subject, entryId, blobHash, { blobHash, wrappedKey });
    return { subject, sealed, blobHash };
  };

  at(0);
  const old = await capture('KXM4721', 'p0', Buffer.from('old photo'));
  expect(old.sealed.includes(Buffer.from('old photo'))).toBe(false);
  // A retried capture keeps its first key.
  await personal.linkEntry(acme, old.subject, 'p0', 'sealed-p0-retry', { blobHash: 'sealed-p0-retry', wrappedKey: personal.sealPhoto(Buffer.from('x')).wrappedKey });
  const kept = await personal.entryPhoto(acme, 'p0');
  expect(kept?.blobHash).toBe('sealed-p0');
  expect(kept?.open(old.sealed).toString()).toBe('old photo');
  at(50);
  const recent = await capture('KXM4721', 'p1', Buffer.from('recent photo'));
  // Read as another plate, corrected to KXM4721: the link names the entry's sealed photo.
  const misread = await capture('KXM472I', 'p2', Buffer.from('misread photo'));
  await personal.linkEntry(acme, recent.subject, 'p2', 'plain-hash-of-p2');

  const expired = await keys.expireEntries(acme, new Date(Date.parse('2026-03-01T00:00:00.000Z') + 10 * DAY_MS));
  expect(expired).toEqual({ entries: 1, unusedPhotoHashes: ['sealed-p0'], photosInUse: 0 });
  expect(await personal.entryPhoto(acme, 'p0')).toBeNull();
  expect((await personal.entryPhoto(acme, 'p1'))?.open(recent.sealed).toString()).toBe('recent photo');

  // Erasing KXM4721 erases KXM472I too (entry p2 is in both), with every photo key of their entries.
  const erased = await personal.erase(acme, recent.subject);
  expect({ ...erased, photoHashes: [...erased.photoHashes].sort() }).toEqual({ existed: true, photoHashes: ['sealed-p1', 'sealed-p2'], linkedSubjects: [misread.subject] });
  expect(await personal.entryPhoto(acme, 'p1')).toBeNull();
  expect(await personal.entryPhoto(acme, 'p2')).toBeNull();
  expect(await keys.keyOf(acme, misread.subject)).toBeNull();
}
