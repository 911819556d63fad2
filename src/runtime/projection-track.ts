import { DocumentCache } from './document-cache';
import { Projection } from './projection';
import { ParkedEvent } from './parking-lot';
import { Generation, checkpointName, physicalName } from './projection-catalog';

/** One generation of one projection, reading from its own checkpoint. */
export class Track {
  checkpoint = 0;
  storedCheckpoint = 0;
  /** The event this track is stopped at, waiting for ops. */
  parked: ParkedEvent | null = null;
  readonly abort = new AbortController();
  readonly physical: Map<string, string>;
  readonly types: Set<string>;
  readonly typeList: readonly string[];
  loop: Promise<void> | null = null;
  eventsApplied = 0;
  /** The documents of this track's tables as its committed batches left them (it alone writes them). */
  readonly documents = new DocumentCache();

  constructor(
    readonly projection: Projection,
    readonly generation: Generation,
  ) {
    this.physical = new Map(projection.collections.map((c) => [c, physicalName(c, generation)]));
    this.types = new Set(projection.eventTypes);
    this.typeList = [...this.types];
  }

  get checkpointKey(): string {
    return checkpointName(this.projection.name, this.generation);
  }
}
