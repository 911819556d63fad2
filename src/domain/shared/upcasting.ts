import { EventData, RecordedEvent } from './events';

/**
 * An upcaster lifts one event type from `fromVersion` to `fromVersion + 1`. Registered upcasters
 * run on every read path, so domain code, projections and sagas only ever see the newest shape.
 */
export interface Upcaster {
  readonly type: string;
  readonly fromVersion: number;
  upcast(data: EventData): EventData;
}

export class UpcasterRegistry {
  private readonly byType = new Map<string, Map<number, Upcaster>>();

  constructor(upcasters: readonly Upcaster[] = []) {
    for (const u of upcasters) this.register(u);
  }

  register(upcaster: Upcaster): void {
    const versions = this.byType.get(upcaster.type) ?? new Map<number, Upcaster>();
    if (versions.has(upcaster.fromVersion)) {
      throw new Error(`duplicate upcaster for ${upcaster.type} v${upcaster.fromVersion}`);
    }
    versions.set(upcaster.fromVersion, upcaster);
    this.byType.set(upcaster.type, versions);
  }

  /** The schema version new events of this type are written with. */
  currentVersion(type: string): number {
    const versions = this.byType.get(type);
    if (!versions) return 1;
    return Math.max(...versions.keys()) + 1;
  }

  upcast<E extends RecordedEvent>(event: E): E {
    const versions = this.byType.get(event.type);
    if (!versions) return event;
    let version = event.metadata.schemaVersion ?? 1;
    let data = event.data;
    for (let step = versions.get(version); step; step = versions.get(version)) {
      data = step.upcast(data);
      version += 1;
    }
    if (data === event.data) return event;
    return { ...event, data, metadata: { ...event.metadata, schemaVersion: version } };
  }
}

/** Injection token of the process's `UpcasterRegistry` (as `CLOCK` is of its clock). */
export const UPCASTER_REGISTRY = Symbol('UPCASTER_REGISTRY');
