import { RecordedEvent } from '../domain/shared/events';

/**
 * Turns a recorded `ActiveLearningBatchSelected` into its labeling tasks (queue each chosen
 * example, then create its task). The saga that backs every batch implements it, so the commands
 * and their ids are defined in one place; the active-learning run calls it too, for
 * read-your-writes, and whichever runs first takes effect (the other appends nothing).
 */
export interface LabelingTaskFanout {
  /** The highest log position written (0 when every task already existed). */
  createTasks(batch: RecordedEvent): Promise<number>;
}

export const LABELING_TASK_FANOUT = Symbol('LABELING_TASK_FANOUT');
