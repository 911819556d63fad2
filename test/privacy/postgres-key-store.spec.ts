import { randomBytes, randomUUID } from 'node:crypto';
import { Client, type Pool } from 'pg';
import { PersonalData } from '../../src/infrastructure/privacy/personal-data';
import { PostgresKeyStore } from '../../src/infrastructure/privacy/postgres-key-store';
import { MIGRATIONS, migrate } from '../../src/infrastructure/postgres/postgres-migrations';
import { openPostgres } from '../../src/infrastructure/postgres/postgres-pool';
import { TEST_DATABASE_URL, freshDatabase } from '../support/postgres';
import { skipWithoutServer } from '../support/sqlite';
import { photoKeyBehaviour, retentionBehaviour } from './support/retention-behaviour';

/** Two instances (two pools, one master key) on one database: what one seals the other opens, and one erasure reaches both. */
if (TEST_DATABASE_URL) {
  describe('personal data: subject keys in PostgreSQL', () => {
    const master = randomBytes(32);
    let db: { url: string; drop: () => Promise<void> };
    let pools: Pool[];
    let a: PersonalData;
    let b: PersonalData;

    beforeAll(async () => {
      db = await freshDatabase('flywheel_keys');
      pools = [await openPostgres(db.url), await openPostgres(db.url)];
      await migrate(pools[0]);
      [a, b] = pools.map((pool) => new PersonalData(new PostgresKeyStore(pool), master));
    });
    afterAll(async () => {
      for (const pool of pools) await pool.end();
      await db.drop();
    });

    it('given a plate sealed on one instance, then the other finds its subject and opens it; another tenant does neither', async () => {
      const subject = await a.subjectOf('acme', 'kxm-4721', randomUUID());
      expect(await b.subjectOf('acme', 'KXM4721', randomUUID())).toBe(subject);
      const sealed = await a.seal('acme', subject, 'KXM4721');
      expect(sealed).not.toContain('KXM4721');
      expect(await b.open('acme', sealed)).toEqual({ text: 'KXM4721' });
      expect(await b.findSubject('globex', 'KXM4721')).toBeNull();
      expect(await b.open('globex', sealed)).toEqual({ erased: true });
    });

    it('given an erased subject, then both instances read its fields as erased, its photos are named once, and no row of it is left', async () => {
      const subject = await a.subjectOf('acme', 'BRT9058', 'e1');
      const sealed = await a.seal('acme', subject, 'BRT9058');
      await a.linkEntry('acme', subject, 'e1', 'photo-1');
      await b.linkEntry('acme', subject, 'e2', 'photo-1');
      const erased = await b.erase('acme', subject);
      expect(erased).toEqual({ existed: true, photoHashes: ['photo-1'], linkedSubjects: [] });
      expect(await a.open('acme', sealed)).toEqual({ erased: true });
      expect(await b.open('acme', sealed)).toEqual({ erased: true });
      expect(await a.findSubject('acme', 'BRT9058')).toBeNull();
      const left = await pools[0].query("SELECT (SELECT count(*) FROM subject_keys WHERE subject_id = $1) + (SELECT count(*) FROM subject_entries WHERE subject_id = $1) AS n", [subject]);
      expect(Number(left.rows[0].n)).toBe(0);
      expect((await a.erase('acme', subject)).existed).toBe(false);
    });

    it('given entries linked over time, then retention expires old links, erases unseen subjects, and names only photos nothing else uses (migration step 3)', async () => {
      await retentionBehaviour(new PostgresKeyStore(pools[1]), `r${randomUUID().slice(0, 8)}-`);
    });

    it('given photos sealed under keys of their own entries, then retention drops old photo keys, and erasing either plate of an entry erases both (migration step 4)', async () => {
      await photoKeyBehaviour(new PostgresKeyStore(pools[1]), `p${randomUUID().slice(0, 8)}-`);
    });

    it('given a database at step 2 with keys and links, when migrated, then step 3 adds the times and counts every row as seen and linked at the upgrade', async () => {
      const old = await freshDatabase('flywheel_keys_old');
      // Steps 1-2 by hand, as a database released before retention holds them.
      const client = new Client({ connectionString: old.url });
      await client.connect();
      try {
        await client.query('CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())');
        for (const step of MIGRATIONS.filter((m) => m.version <= 2)) {
          await client.query(step.sql);
          await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [step.version, step.name]);
        }
        await client.query("INSERT INTO subject_keys VALUES ('acme', 's1', 'l1', '\\x00'); INSERT INTO subject_entries VALUES ('acme', 's1', 'e1', 'photo-1')");
        const before = Date.now() - 1000;
        const migrated = await openPostgres(old.url);
        try {
          const { rows } = await migrated.query<{ seen: string; linked: string }>('SELECT k.last_seen_at AS seen, e.linked_at AS linked FROM subject_keys k JOIN subject_entries e USING (tenant, subject_id)');
          expect(Number(rows[0].seen)).toBeGreaterThanOrEqual(before);
          expect(Number(rows[0].linked)).toBe(Number(rows[0].seen));
          const keys = new PostgresKeyStore(migrated);
          expect(await keys.expireEntries('acme', new Date(before))).toMatchObject({ entries: 0 });
          expect(await keys.eraseUnseenSince('acme', new Date(Date.now() + 60_000))).toMatchObject({ subjects: 1, entries: 1, unusedPhotoHashes: ['photo-1'] });
        } finally {
          await migrated.end();
        }
      } finally {
        await client.end();
        await old.drop();
      }
    });
  });
} else {
  skipWithoutServer('personal data: subject keys in PostgreSQL', 'TEST_DATABASE_URL');
}
