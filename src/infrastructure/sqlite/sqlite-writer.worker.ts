import { parentPort, threadId, workerData } from 'node:worker_threads';
import { openSqlite } from './sqlite-database';
import { WRITER_CHECKPOINT_BACKSTOP, WriterGroupMessage, WriterInit, WriterRequest } from './sqlite-writer.protocol';
import { WriteGroup } from './write-group';

/**
 * The writer thread: owns the one write connection. Requests that arrive while a group commits
 * (its fsync included) queue on the port and form the next group.
 */
function main(): void {
  const port = parentPort;
  if (!port) throw new Error('the SQLite writer runs in a worker thread');
  const init = workerData as WriterInit;
  const db = openSqlite({ file: init.file, synchronous: init.synchronous });
  // A checkpoint in a commit held up every write queued behind it (milliseconds, the database
  // file's fsync included): the checkpointer thread runs them, this connection only past the backstop.
  if ((init.checkpointMs ?? 0) > 0) db.pragma(`wal_autocheckpoint = ${WRITER_CHECKPOINT_BACKSTOP}`);
  const group = new WriteGroup(db);
  let pending: WriterRequest[] = [];
  let scheduled = false;

  const flush = (): void => {
    scheduled = false;
    while (pending.length > 0) {
      const batch = pending.slice(0, init.maxGroup);
      pending = pending.slice(batch.length);
      const message: WriterGroupMessage = { kind: 'group', replies: group.commit(batch), threadId };
      port.postMessage(message);
    }
  };

  port.on('message', (message: readonly WriterRequest[] | { kind: 'close' }) => {
    if (!Array.isArray(message)) {
      flush();
      db.close();
      port.close();
      return;
    }
    pending.push(...(message as readonly WriterRequest[]));
    // setImmediate runs after every message already queued on the port was delivered: a group
    // holds everything that arrived during the previous commit.
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  });
}

main();
