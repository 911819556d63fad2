import { RecordedEvent } from '../../src/domain/shared/events';
import { JsonLogger } from '../../src/infrastructure/observability/json-logger';
import { OpsLog } from '../../src/runtime/ops-log';
import { SagaRunner } from '../../src/runtime/saga-runner';
import { startTestApp } from '../support/app';

jest.setTimeout(60_000);

/** Captures the JSON lines written to stdout while `fn` runs. */
async function linesDuring(fn: () => Promise<void>): Promise<Record<string, unknown>[]> {
  const chunks: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array, ...rest: unknown[]) => {
    chunks.push(String(chunk));
    return write(chunk, ...(rest as [])) as boolean;
  });
  try {
    await fn();
  } finally {
    spy.mockRestore();
  }
  return chunks
    .join('')
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

function recorded(type: string, data: Record<string, unknown>): RecordedEvent {
  return {
    eventId: 'e1',
    stream: 'model-conflict_predictor',
    revision: 3,
    position: 42,
    type,
    data,
    metadata: { tenantId: null, actorId: 'ops1', correlationId: 'corr-7', causationId: null, occurredAt: '2026-01-06T08:00:00.000Z', schemaVersion: 1, hash: 'h' },
    recordedAt: '2026-01-06T08:00:00.000Z',
  } as RecordedEvent;
}

describe('structured ops log lines', () => {
  const opsLog = new OpsLog(new JsonLogger('info'));

  it.each([
    ['ModelActivated', { modelType: 'conflict_predictor', version: 'v2', previousVersion: 'v1', cause: 'manual', activatedBy: 'ops1' }, 'model activated', { version: 'v2', previous_version: 'v1', cause: 'manual' }],
    ['ModelTrained', { modelType: 'conflict_predictor', version: 'v3', trigger: 'retraining', runId: 'r1' }, 'model retrained', { version: 'v3', run_id: 'r1' }],
    ['ModelRolledBack', { modelType: 'conflict_predictor', fromVersion: 'v3', toVersion: 'v2', reason: 'worse' }, 'model rolled back', { from_version: 'v3', to_version: 'v2', level: 'warn' }],
    ['AccuracyAlertRaised', { modelType: 'conflict_predictor', accuracy: 0.6, sampleSize: 40, threshold: 0.75 }, 'accuracy alert raised', { accuracy: 0.6, level: 'warn' }],
  ])('given %s, then one JSON line with its correlation id', async (type, data, msg, fields) => {
    const lines = await linesDuring(() => opsLog.handle(recorded(type, data)));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ msg, context: 'ops', event: type, correlation_id: 'corr-7', model_type: 'conflict_predictor', position: '42', ...fields });
  });

  it('given a server, then the ops log runs as a saga and shutdown writes one line with a correlation id', async () => {
    const app = await startTestApp({ env: { LOG_LEVEL: 'info' } });
    expect((await app.app.get(SagaRunner).status()).map((s) => s.name)).toContain('ops-log');
    const lines = await linesDuring(() => app.close());
    const shutdown = lines.filter((l) => l.msg === 'shutdown');
    expect(shutdown).toHaveLength(1);
    expect(shutdown[0]).toMatchObject({ level: 'info', event: 'Shutdown', correlation_id: expect.stringMatching(/^shutdown:/) });
  });
});
