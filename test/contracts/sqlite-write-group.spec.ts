import { EVENTS_SCHEMA } from '../../src/infrastructure/event-store/sqlite-appender';
import { WriteGroup } from '../../src/infrastructure/sqlite/write-group';
import { WriterRequest } from '../../src/infrastructure/sqlite/sqlite-writer.protocol';
import { tempSqlite } from '../support/sqlite';
import { newEvent } from './event-store.contract';

const append = (id: number, stream: string): WriterRequest => ({ id, op: { kind: 'append', stream, events: [newEvent('A', { id })], expected: 'no_stream' } });

/** A group is one transaction: what it answers is what is durable, whatever fails inside it. */
describe('SQLite write group', () => {
  it('a write that fails alone (one statement, no savepoint) leaves its neighbours committed', () => {
    const { db, remove } = tempSqlite('wg-alone-');
    try {
      db.exec(EVENTS_SCHEMA);
      const group = new WriteGroup(db);
      group.commit([append(1, 'taken')]);
      const replies = group.commit([append(2, 'a'), append(3, 'taken'), { id: 4, op: { kind: 'run', statements: [{ sql: 'INSERT INTO events (event_id) VALUES (?)', params: ['x'] }] } }, append(5, 'b')]);
      expect(replies.map((r) => r.ok)).toEqual([true, false, false, true]);
      expect(db.prepare('SELECT stream FROM events ORDER BY position').pluck().all()).toEqual(['taken', 'a', 'b']);
    } finally {
      remove();
    }
  });

  it('a write that ends the whole transaction fails the whole group: nothing after it commits on its own', () => {
    const { db, remove } = tempSqlite('wg-ended-');
    try {
      db.exec(EVENTS_SCHEMA);
      const group = new WriteGroup(db);
      const replies = group.commit([append(1, 'before'), { id: 2, op: { kind: 'exec', sql: 'ROLLBACK' } }, append(3, 'after')]);
      expect(replies.map((r) => r.ok)).toEqual([false, false, false]);
      expect(db.prepare('SELECT count(*) FROM events').pluck().get()).toBe(0);
      expect(db.inTransaction).toBe(false);
      // The connection is usable for the next group.
      expect(group.commit([append(4, 'next')]).map((r) => r.ok)).toEqual([true]);
    } finally {
      remove();
    }
  });
});
