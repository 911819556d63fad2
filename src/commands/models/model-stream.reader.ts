import { Inject, Injectable } from '@nestjs/common';
import { ModelEvent, ModelTrained, modelStream } from '../../domain/models/model.events';
import { RegistryState, foldRegistry } from '../../domain/models/model-registry.decider';
import { RecordedEvent } from '../../domain/shared/events';
import { EVENT_STORE, EventStore } from '../../ports/event-store.port';

export type RecordedModelEvent = RecordedEvent & ModelEvent;

/** Reads a registry stream straight from the log (the write side's own view; no read model lag). */
@Injectable()
export class ModelStreamReader {
  constructor(@Inject(EVENT_STORE) private readonly events: EventStore) {}

  async read(modelType: string): Promise<RecordedModelEvent[]> {
    return (await this.events.readStream(modelStream(modelType))) as RecordedModelEvent[];
  }

  async state(modelType: string): Promise<RegistryState> {
    return foldRegistry(await this.read(modelType));
  }

  async trained(modelType: string, version: string): Promise<ModelTrained['data'] | null> {
    const found = (await this.read(modelType)).find((e) => e.type === 'ModelTrained' && e.data.version === version);
    return found?.type === 'ModelTrained' ? found.data : null;
  }
}
