import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSealedFields } from '../../src/commands/privacy/open-sealed-fields';
import { PersonalData } from '../../src/infrastructure/privacy/personal-data';
import { SqliteKeyStore } from '../../src/infrastructure/privacy/sqlite-key-store';

describe('openSealedFields: every answer opened with the tenant keys', () => {
  let dir: string;
  let keys: SqliteKeyStore;
  let personal: PersonalData;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'open-sealed-'));
    keys = new SqliteKeyStore(dir);
    personal = new PersonalData(keys, randomBytes(32));
  });
  afterEach(() => {
    keys.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('opens sealed fields at any depth, in arrays too, and leaves the rest as it was', async () => {
    const a = await personal.subjectOf('acme', 'ABC1D23', randomUUID());
    const b = await personal.subjectOf('acme', 'XYZ9K88', randomUUID());
    const [plate, raw] = await personal.sealMany('acme', a, ['ABC1D23', 'ABC 1D23']);
    const other = await personal.seal('acme', b, 'XYZ9K88');
    const when = new Date('2026-01-02T03:04:05Z');
    const body = { id: 'e1', plate, nested: { raw, n: 3, when }, items: [{ plate: other, ok: true }, 'text', null], empty: [] };
    expect(await openSealedFields(personal, 'acme', body)).toEqual({
      id: 'e1',
      plate: 'ABC1D23',
      nested: { raw: 'ABC 1D23', n: 3, when },
      items: [{ plate: 'XYZ9K88', ok: true }, 'text', null],
      empty: [],
    });
    expect(body.plate).toBe(plate);
  });

  it('marks the object holding an erased field and nulls the field; another tenant reads it as erased', async () => {
    const a = await personal.subjectOf('acme', 'ABC1D23', randomUUID());
    const b = await personal.subjectOf('acme', 'XYZ9K88', randomUUID());
    const body = { entries: [{ plate: await personal.seal('acme', a, 'ABC1D23') }, { plate: await personal.seal('acme', b, 'XYZ9K88') }] };
    await personal.erase('acme', a);
    expect(await openSealedFields(personal, 'acme', body)).toEqual({ entries: [{ plate: null, erased: true }, { plate: 'XYZ9K88' }] });
    expect(await openSealedFields(personal, 'globex', body)).toEqual({ entries: [{ plate: null, erased: true }, { plate: null, erased: true }] });
  });

  it('answers a body without sealed fields as it is', async () => {
    const body = { status: 'success', position: '12', list: [{ a: 1 }] };
    expect(await openSealedFields(personal, 'acme', body)).toBe(body);
    expect(await openSealedFields(personal, 'acme', 'plain')).toBe('plain');
    expect(await openSealedFields(personal, 'acme', undefined)).toBeUndefined();
  });
});
