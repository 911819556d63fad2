import { expectOnly2xxOr409, expectReadModelsEqualRebuild, useRacingApp } from './support/races';
import { ConflictModelParameters } from '../../src/ml/train-conflict-model';
import { exportConflictModelToOnnx } from '../../src/ml/onnx-export';
import { TestApp } from '../support/app';
import { waitQuiet } from '../support/read-models';
import { call } from '../readings/readings-helpers';
import { streamEvents, tally } from './support/log';

jest.setTimeout(300_000);

/**
 * Races on the model registry: concurrent activations and deactivations. Each request ends in 2xx
 * or 409; the pointer is the fold of the registry's stream, and the read models equal a rebuild.
 */
describe('races on the same records', () => {
  const race = useRacingApp(0);
  let app: TestApp;
  let engineer: string;
  let auditor: string;
  let ops: string;
  beforeAll(() => {
    ({ app, engineer, auditor, ops } = race);
  });
  const { figures } = race;

  it('concurrent activations and deactivations of model versions: 200 or 409, one active model at any revision, the pointer is the fold', async () => {
    const versions: string[] = [];
    for (let v = 0; v < 3; v++) {
      const model: ConflictModelParameters = { scaler: { mean: [0, 0, 0, 0, 0], scale: [1, 1, 1, 1, 1] }, coefficients: [0.1 * (v + 1), 0.2, 0.3, 0.4, 0.5], intercept: -v };
      const form = new FormData();
      form.append('model_type', 'conflict_predictor');
      form.append('model', new Blob([exportConflictModelToOnnx(model)]), `m${v}.onnx`);
      const res = await call<{ version: string }>(app, 'POST', '/api/v2/ml/models', { token: engineer, form });
      expect(res.status).toBe(201);
      versions.push(res.body.version);
    }
    const answers = await Promise.all(
      Array.from({ length: 60 }, (_, i) => call(app, 'POST', `/api/v2/ml/models/${versions[i % 3]}/${i % 5 === 4 ? 'deactivate' : 'activate'}`, { token: engineer, json: { model_type: 'conflict_predictor', reason: `race ${i}` } })),
    );
    const statuses = answers.map((a) => a.status);
    expectOnly2xxOr409(statuses);
    figures.activations = tally(statuses);
    await waitQuiet(app.baseUrl, ops);
    const log = await streamEvents(app, auditor, 'model-conflict_predictor');
    let active: string | null = null;
    for (const e of log) {
      if (e.type === 'ModelDeactivated') {
        expect(e.data.version).toBe(active);
        active = null;
      } else if (e.type === 'ModelActivated') {
        expect(active).toBeNull();
        // A switch deactivates the previous model in the same append (same command); a
        // deactivation by its own command leaves no previous version.
        const before = log[log.indexOf(e) - 1];
        const sameAppend = before?.type === 'ModelDeactivated' && before.metadata.correlationId === e.metadata.correlationId;
        expect(e.data.previousVersion ?? null).toBe(sameAppend ? before.data.version : null);
        active = e.data.version as string;
      }
    }
    const pointer = await call<{ version: string | null }>(app, 'GET', '/api/v2/ml/models/active?model_type=conflict_predictor', { token: engineer });
    expect(pointer.body.version).toBe(active);
    const changes = log.filter((e) => e.type === 'ModelActivated' || e.type === 'ModelDeactivated').length;
    expect(changes).toBeLessThanOrEqual(answers.filter((a) => a.status === 200).length * 2);
  });

  it('after all races, every read model equals a blue/green rebuild from the log', async () => {
    await expectReadModelsEqualRebuild(race);
  });
});
