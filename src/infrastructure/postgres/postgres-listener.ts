import { Client } from 'pg';

export const EVENTS_CHANNEL = 'flywheel_events';

/**
 * One LISTEN connection per store: NOTIFY, sent by each append transaction and delivered at its
 * commit, wakes the subscriptions of every process at once. Reconnects lazily after a failure;
 * the subscriptions' slow fallback poll covers the gap.
 */
export class PostgresListener {
  private client: Client | null = null;
  private connecting: Promise<void> | null = null;
  private closed = false;

  constructor(
    private readonly url: string,
    private readonly onNotify: () => void,
  ) {}

  ensure(): Promise<void> {
    if (this.closed || this.client) return Promise.resolve();
    this.connecting ??= this.connect().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  private async connect(): Promise<void> {
    const client = new Client({ connectionString: this.url, application_name: 'ml-flywheel-listen' });
    const drop = () => {
      if (this.client === client) this.client = null;
      client.end().catch(() => undefined);
      this.onNotify();
    };
    client.on('error', drop);
    client.on('end', drop);
    client.on('notification', () => this.onNotify());
    try {
      await client.connect();
      await client.query(`LISTEN ${EVENTS_CHANNEL}`);
    } catch {
      client.removeAllListeners();
      await client.end().catch(() => undefined);
      return;
    }
    if (this.closed) {
      client.removeAllListeners();
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.connecting;
    const client = this.client;
    this.client = null;
    if (client) {
      client.removeAllListeners();
      await client.end().catch(() => undefined);
    }
  }
}
