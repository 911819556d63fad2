import { TestApp, startTestApp } from '../support/app';
import { UNREADABLE_BLUR, renderMeterPhoto } from '../support/photos';
import { call, eventsOfType, uploadMeter, waitForExamples } from './training-helpers';

jest.setTimeout(180_000);

interface Run {
  batch_id: string;
  week: string;
  created: boolean;
  top_up: boolean;
  stream: string;
  selected: { example_id: string }[];
}

/** Ops top up the labeling queue after the weekly batch is drained: as often as asked, each batch its own stream. */
describe('active-learning top-up batches', () => {
  let app: TestApp;
  let ops: string;
  let auditor: string;

  beforeAll(async () => {
    app = await startTestApp();
    const guard = app.token({ sub: 'g1', tenant: 'acme', roles: ['guard'] });
    ops = app.token({ sub: 'ops', tenant: 'acme', roles: ['ops'] });
    auditor = app.token({ sub: 'aud', tenant: 'acme', roles: ['auditor'] });
    for (const [i, digits] of ['004512', '873105', '5580'].entries()) {
      await uploadMeter(app, guard, await renderMeterPhoto(digits, { blur: UNREADABLE_BLUR }), `meter-${i}`);
    }
    await waitForExamples(app, app.token({ sub: 'lab', tenant: 'acme', roles: ['labeler'] }), 3);
  });
  afterAll(() => app.close());

  const run = (json: Record<string, unknown>) => call<Run>(app, 'POST', '/api/v2/ml-training/active-learning/run', { token: ops, json });

  it('given the weekly batch exists, when ops ask for top-ups, then each is a new batch on its own stream and the weekly one stays once', async () => {
    const weekly = await run({ batch_size: 1 });
    expect(weekly.status).toBe(201);
    expect(weekly.body).toMatchObject({ created: true, top_up: false, stream: `active_learning_batch-${weekly.body.batch_id}` });
    expect((await run({ batch_size: 1 })).body).toMatchObject({ batch_id: weekly.body.batch_id, created: false });

    const first = await run({ batch_size: 1, top_up: true });
    const second = await run({ batch_size: 1, top_up: true });
    for (const topUp of [first, second]) {
      expect(topUp.status).toBe(201);
      expect(topUp.body).toMatchObject({ created: true, top_up: true, week: weekly.body.week, stream: `active_learning_batch-${topUp.body.batch_id}` });
      expect(topUp.body.selected).toHaveLength(1);
    }
    const batches = new Set([weekly.body.batch_id, first.body.batch_id, second.body.batch_id]);
    expect(batches.size).toBe(3);
    // An example with an open task is not chosen again: three batches, three different examples.
    const chosen = [weekly, first, second].map((r) => r.body.selected[0].example_id);
    expect(new Set(chosen).size).toBe(3);

    const selected = await eventsOfType(app, auditor, 'ActiveLearningBatchSelected');
    expect(selected.map((e) => e.stream).sort()).toEqual([weekly.body.stream, first.body.stream, second.body.stream].sort());
  });

  it('given a top_up that is not a boolean, then 400', async () => {
    expect((await run({ top_up: 'yes' })).status).toBe(400);
  });
});
