import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trainingExampleDecider } from '../../src/domain/training/training-example.decider';
import { PersonalData } from '../../src/infrastructure/privacy/personal-data';
import { SqliteKeyStore } from '../../src/infrastructure/privacy/sqlite-key-store';
import Database from 'better-sqlite3';
import { photoKeyBehaviour, retentionBehaviour } from './support/retention-behaviour';

describe('personal data: sealing under subject keys in keys.sqlite', () => {
  let dir: string;
  let keys: SqliteKeyStore;
  let personal: PersonalData;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'personal-data-'));
    keys = new SqliteKeyStore(dir);
    personal = new PersonalData(keys, randomBytes(32));
  });
  afterEach(() => {
    keys.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('given one plate written two ways, when sealed, then one subject; another tenant neither finds nor opens it', async () => {
    const subject = await personal.subjectOf('acme', 'ab-12 cd', randomUUID());
    expect(await personal.subjectOf('acme', 'AB12CD', randomUUID())).toBe(subject);
    expect(await personal.findSubject('globex', 'AB12CD')).toBeNull();
    const sealed = await personal.seal('acme', subject, 'AB12CD');
    expect(sealed).not.toContain('AB12CD');
    expect(await personal.open('acme', sealed)).toEqual({ text: 'AB12CD' });
    expect(await personal.open('globex', sealed)).toEqual({ erased: true });
  });

  it('given one text twice among the fields of one event, when sealed together, then it is sealed once (one value to open), and other texts and calls still get fresh nonces', async () => {
    const subject = await personal.subjectOf('acme', 'KXM4721', randomUUID());
    const [plate, raw, redacted, again] = await personal.sealMany('acme', subject, ['KXM4721', 'KXM4721', 'KXM-4721', 'KXM4721']);
    expect(raw).toBe(plate);
    expect(again).toBe(plate);
    expect(redacted).not.toBe(plate);
    expect(await personal.sealMany('acme', subject, ['KXM4721'])).not.toEqual([plate]);
    expect(await Promise.all([plate, redacted].map((s) => personal.open('acme', s)))).toEqual([{ text: 'KXM4721' }, { text: 'KXM-4721' }]);
  });

  it('given blank reads, when sealed, then each entry is a subject of its own', async () => {
    expect(await personal.subjectOf('acme', '', 'e1')).not.toBe(await personal.subjectOf('acme', ' ', 'e2'));
  });

  it('given an erased subject, when its fields are opened, then erased, and no byte of its key is left in keys.sqlite or its WAL', async () => {
    const subject = await personal.subjectOf('acme', 'KXM4721', 'e1');
    const wrapped = await keys.keyOf('acme', subject);
    const sealed = await personal.seal('acme', subject, 'KXM4721');
    const other = await personal.seal('acme', await personal.subjectOf('acme', 'BRT9058', 'e2'), 'BRT9058');
    const files = () => readdirSync(dir).map((f) => readFileSync(join(dir, f)));
    expect(files().some((bytes) => wrapped !== null && bytes.includes(wrapped))).toBe(true);
    expect(await personal.erase('acme', subject)).toMatchObject({ existed: true });
    expect(await personal.open('acme', sealed)).toEqual({ erased: true });
    expect(await personal.open('acme', other)).toEqual({ text: 'BRT9058' });
    expect(files().some((bytes) => wrapped !== null && bytes.includes(wrapped))).toBe(false);
  });

  it('given a field opened once, when another instance on the same keys erases its subject, then this instance reads it as erased at once', async () => {
    const master = randomBytes(32);
    const here = new PersonalData(keys, master);
    const otherKeys = new SqliteKeyStore(dir);
    const there = new PersonalData(otherKeys, master);
    try {
      const subject = await here.subjectOf('acme', 'QRS4T56', randomUUID());
      const sealed = await here.seal('acme', subject, 'QRS4T56');
      // Opened twice here: the second answer comes from what the first opened, under the same key.
      expect(await here.open('acme', sealed)).toEqual({ text: 'QRS4T56' });
      expect(await here.opener('acme')(sealed)).toEqual({ text: 'QRS4T56' });
      expect(await there.open('acme', sealed)).toEqual({ text: 'QRS4T56' });
      await there.erase('acme', subject);
      expect(await here.open('acme', sealed)).toEqual({ erased: true });
      expect(await here.opener('acme')(sealed)).toEqual({ erased: true });
    } finally {
      otherKeys.close();
    }
  });

  it('given sealed OCR text, when a training example is captured, then redaction leaves it openable', async () => {
    // Subject ids are random uuids, some with digit runs that look like phone numbers: many subjects.
    for (let i = 0; i < 200; i++) {
      const subject = await personal.subjectOf('acme', `KXM${i}`, 'e1');
      const sealed = await personal.seal('acme', subject, 'KXM4721');
      const [event] = trainingExampleDecider.decide(
        { type: 'CaptureTrainingExample', exampleId: `x${i}`, sourceSystem: 'vehicle_entry', sourceId: 'e1', imageHash: 'a'.repeat(64), rawText: sealed, confidence: 0.2, features: [], phash: '0' },
        trainingExampleDecider.initialState,
      );
      expect(event.data).toMatchObject({ redactedText: sealed });
    }
  });

  it('given entries linked over time, then retention expires old links, erases unseen subjects, and names only photos nothing else uses', async () => {
    await retentionBehaviour(keys, '');
  });

  it('given photos sealed under keys of their own entries, then retention drops old photo keys, and erasing either plate of an entry erases both', async () => {
    await photoKeyBehaviour(keys, 'photos-');
  });

  it('given a keys.sqlite written before retention, when opened, then the time columns are added and its rows count as seen and linked at the upgrade', async () => {
    keys.close();
    rmSync(join(dir, 'keys.sqlite'));
    const old = new Database(join(dir, 'keys.sqlite'));
    old.exec(`CREATE TABLE subject_keys (tenant TEXT NOT NULL, subject_id TEXT NOT NULL, lookup TEXT NOT NULL, wrapped_key BLOB NOT NULL, PRIMARY KEY (tenant, subject_id), UNIQUE (tenant, lookup));
      CREATE TABLE subject_entries (tenant TEXT NOT NULL, subject_id TEXT NOT NULL, entry_id TEXT NOT NULL, photo_hash TEXT NOT NULL, PRIMARY KEY (tenant, subject_id, entry_id));
      INSERT INTO subject_keys VALUES ('acme', 's1', 'l1', x'00');
      INSERT INTO subject_entries VALUES ('acme', 's1', 'e1', 'photo-1');`);
    old.close();
    const before = Date.now();
    keys = new SqliteKeyStore(dir);
    const db = new Database(join(dir, 'keys.sqlite'), { readonly: true });
    const seen = db.prepare('SELECT last_seen_at FROM subject_keys').get() as { last_seen_at: number };
    const linked = db.prepare('SELECT linked_at FROM subject_entries').get() as { linked_at: number };
    db.close();
    expect(seen.last_seen_at).toBeGreaterThanOrEqual(before);
    expect(linked.linked_at).toBe(seen.last_seen_at);
    // Nothing older than the upgrade: a cut-off before it removes nothing, one after it removes the rows.
    expect(await keys.expireEntries('acme', new Date(before - 1))).toMatchObject({ entries: 0 });
    expect(await keys.eraseUnseenSince('acme', new Date(Date.now() + 1))).toMatchObject({ subjects: 1, entries: 1, unusedPhotoHashes: ['photo-1'] });
    // Opening again does not stamp the rows again.
    keys.close();
    keys = new SqliteKeyStore(dir);
  });
});
