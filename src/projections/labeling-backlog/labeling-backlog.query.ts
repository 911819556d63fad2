import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, Clock } from '../../domain/shared/clock';
import { SourceSystem } from '../../domain/training/training-example.events';
import type { LabelingBacklogReader } from '../../ports/labeling-backlog.query';
import { Filter, Page, READ_STORE, ReadStore, allDocs } from '../../ports/read-store.port';
import { ProjectionRunner } from '../../runtime/projection-runner';
import { BacklogTaskDoc, LABELING_BACKLOG_COLLECTION, OPEN_STATUSES } from './labeling-backlog.projection';

export interface BacklogCounts {
  readonly tenant_id: string;
  /** Open and claimed tasks: the backlog. */
  readonly total: number;
  readonly open: number;
  readonly claimed: number;
  readonly by_source_system: Record<SourceSystem, number>;
}

/** Reads of the backlog; a lease past its end shows as open (it expired by itself). */
@Injectable()
export class LabelingBacklogQuery implements LabelingBacklogReader {
  constructor(
    private readonly runner: ProjectionRunner,
    @Inject(READ_STORE) private readonly reads: ReadStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  private collection(): Promise<string> {
    return this.runner.catalog.collection(LABELING_BACKLOG_COLLECTION);
  }

  async open(tenantId: string, options: { limit?: number; cursor?: string | null; sourceSystem?: SourceSystem }): Promise<Page<BacklogTaskDoc>> {
    const filter: Filter = { tenant_id: tenantId, status: { $in: OPEN_STATUSES }, ...(options.sourceSystem ? { source_system: options.sourceSystem } : {}) };
    const page = await this.reads.find<BacklogTaskDoc>(await this.collection(), {
      filter,
      sort: [
        ['priority', -1],
        ['rank', 1],
        ['created_at', 1],
      ],
      limit: options.limit ?? 50,
      cursor: options.cursor ?? null,
    });
    const now = this.clock.now().toISOString();
    return { ...page, items: page.items.map((t) => (t.status === 'claimed' && (t.lease_expires_at ?? '') <= now ? { ...t, status: 'open', claimed_by: null, lease_expires_at: null } : t)) };
  }

  /** The examples of the tenant's open and claimed tasks (a claim past its lease included). */
  async openTaskExampleIds(tenantId: string): Promise<Set<string>> {
    const ids = new Set<string>();
    for await (const t of allDocs<BacklogTaskDoc>(this.reads, await this.collection(), { filter: { tenant_id: tenantId, status: { $in: OPEN_STATUSES } } }, 5000)) ids.add(t.example_id);
    return ids;
  }

  async counts(tenantId: string): Promise<BacklogCounts> {
    const c = await this.collection();
    const open: Filter = { tenant_id: tenantId, status: { $in: OPEN_STATUSES } };
    const [total, claimed, meter, vehicle] = await Promise.all([
      this.reads.count(c, open),
      this.reads.count(c, { tenant_id: tenantId, status: 'claimed', lease_expires_at: { $gt: this.clock.now().toISOString() } }),
      this.reads.count(c, { ...open, source_system: 'meter_reading' }),
      this.reads.count(c, { ...open, source_system: 'vehicle_entry' }),
    ]);
    return { tenant_id: tenantId, total, open: total - claimed, claimed, by_source_system: { meter_reading: meter, vehicle_entry: vehicle } };
  }

  async oldestOpen(tenantId: string): Promise<BacklogTaskDoc | null> {
    const page = await this.reads.find<BacklogTaskDoc>(await this.collection(), { filter: { tenant_id: tenantId, status: { $in: OPEN_STATUSES } }, sort: [['created_at', 1]], limit: 1 });
    return page.items[0] ?? null;
  }

  /** Every tenant's backlog by source system, for /metrics (ops sees sizes, never task content). */
  async allCounts(): Promise<Map<string, Record<SourceSystem, number>>> {
    const out = new Map<string, Record<SourceSystem, number>>();
    for await (const t of allDocs<BacklogTaskDoc>(this.reads, await this.collection(), { filter: { status: { $in: OPEN_STATUSES } } }, 5000)) {
      const counts = out.get(t.tenant_id) ?? { meter_reading: 0, vehicle_entry: 0 };
      counts[t.source_system] += 1;
      out.set(t.tenant_id, counts);
    }
    return out;
  }
}
