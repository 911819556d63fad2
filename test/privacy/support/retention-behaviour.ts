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
