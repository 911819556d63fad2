import { EventStore } from '../ports/event-store.port';
import { ReadStore } from '../ports/read-store.port';
import { ProjectionRunner, RUNNER_LEASE } from '../runtime/projection-runner';
import { fail, progress } from './output';

/**
 * Commands that read models (training, active learning) need current read models. With a server
 * running, wait for its projections to reach the head; without one, catch them up in this
 * process under the runner lease, and release it afterwards.
 */
export async function withCurrentReadModels<T>(runner: ProjectionRunner, events: EventStore, reads: ReadStore, work: () => Promise<T>): Promise<T> {
  const holder = await reads.leaseHolder(RUNNER_LEASE);
  if (holder) {
    const head = await events.headPosition();
    if (!(await runner.waitForPosition(head, 30_000))) fail(`the running service (${holder.owner}) has not caught up to position ${head} within 30 s`);
    return work();
  }
  progress('no running service: catching up read models in this process');
  await runner.start();
  try {
    const result = await work();
    // Lost during the work: what it read may have been behind the new holder's writes.
    if (runner.leaseLost) fail(`read models not kept current: ${runner.leaseLost}`);
    return result;
  } finally {
    await runner.stop();
  }
}
