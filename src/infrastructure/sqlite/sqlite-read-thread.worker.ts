import path from 'node:path';
import { parentPort, threadId, workerData } from 'node:worker_threads';
import type { ThreadQuery } from '../../ports/read-thread.port';
import { SqliteReadStore } from '../read-store/sqlite-read-store';
import { openSqlite } from './sqlite-database';
import type { ReadThreadReply, ReadThreadRequest } from './sqlite-read-thread';

/**
 * The read thread: its own connection to the file, query-only (every write of the process goes
 * through the writer thread), and the query modules the main thread names, loaded once.
 */
/** The application's own source (or compiled) tree: the only place a query module may come from. */
const ROOT = path.resolve(__dirname, '..', '..');

function main(): void {
  const port = parentPort;
  if (!port) throw new Error('the SQLite read thread runs in a worker thread');
  const db = openSqlite({ file: (workerData as { file: string }).file });
  const store = new SqliteReadStore(db);
  db.pragma('query_only = ON');
  const queries = new Map<string, ThreadQuery<unknown, unknown>>();
  const queryOf = (module: string, name: string): ThreadQuery<unknown, unknown> => {
    const key = `${module}#${name}`;
    let query = queries.get(key);
    if (!query) {
      if (!path.isAbsolute(module) || !path.resolve(module).startsWith(ROOT + path.sep)) throw new Error(`query module ${module} is outside the application`);
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const fn = (require(module) as Record<string, unknown>)[name];
      if (typeof fn !== 'function') throw new Error(`${module} exports no query ${name}`);
      query = fn as ThreadQuery<unknown, unknown>;
      queries.set(key, query);
    }
    return query;
  };
  const answer = async (request: ReadThreadRequest): Promise<ReadThreadReply> => {
    try {
      return { id: request.id, threadId, ok: true, value: await queryOf(request.module, request.name)(store, request.args) };
    } catch (error) {
      const e = error instanceof Error ? error : new Error(String(error));
      return { id: request.id, threadId, ok: false, error: { name: e.name, message: e.message } };
    }
  };
  // The queries of one message are answered in one message.
  port.on('message', (requests: readonly ReadThreadRequest[]) => {
    void Promise.all(requests.map(answer)).then((replies) => port.postMessage(replies));
  });
}

main();
