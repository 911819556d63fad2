import { ManualClock } from '../../src/domain/shared/clock';
import { ExamplePoolService } from '../../src/commands/training/example-pool.service';
import { selectActiveLearningBatch } from '../../src/ml/active-learning';
import { TrainingSchedule } from '../../src/commands/training/training.schedule';
import { TestApp, startTestApp } from '../support/app';
import { renderMeterPhoto } from '../support/photos';
import { ScriptedOcrEngine, backlog, call, eventsOfType, eventually, runActiveLearning, uploadMeter, waitForExamples } from './training-helpers';

jest.setTimeout(120_000);

/**
 * Three meters, six near-identical photos each (same counter, different sensor noise). Meter A is
 * the hardest for OCR, C the easiest. Pure uncertainty sampling would spend a batch of three on A.
 */
const CLUSTERS = [
  { name: 'A', text: '004512', confidence: 0.1, inverted: false },
  { name: 'B', text: '98', confidence: 0.3, inverted: true },
  { name: 'C', text: '7310.55', confidence: 0.5, inverted: false },
] as const;

describe('active learning through the API', () => {
  const clock = new ManualClock('2026-01-05T09:00:00.000Z'); // Monday of ISO week 2026-W02
  const ocr = new ScriptedOcrEngine();
  let app: TestApp;
  let guard: string;
  let engineer: string;
  let labeler: string;
  let auditor: string;
  const clusterOfReading = new Map<string, string>();
  let correctedReading = '';

  beforeAll(async () => {
    app = await startTestApp({ clock, ocrEngine: ocr });
    guard = app.token({ sub: 'g1', tenant: 'acme', roles: ['guard'] });
    engineer = app.token({ sub: 'eng', tenant: 'acme', roles: ['ml_engineer'] });
    labeler = app.token({ sub: 'lab', tenant: 'acme', roles: ['labeler'] });
    auditor = app.token({ sub: 'aud', tenant: 'acme', roles: ['auditor'] });
    for (const c of CLUSTERS) {
      for (let i = 0; i < 6; i++) {
        const photo = await renderMeterPhoto(c.text, { inverted: c.inverted, noise: 4, seed: 100 + i, blur: 0.6 });
        ocr.script(photo, c.text, c.confidence + i * 0.01);
        const readingId = await uploadMeter(app, guard, photo, `meter-${c.name}`);
        clusterOfReading.set(readingId, c.name);
        // The easiest photo of C gets a correction: corrections are the most valuable examples.
        if (c.name === 'C' && i === 5) correctedReading = readingId;
      }
    }
    await waitForExamples(app, labeler, 18);
    const correction = await call(app, 'POST', '/api/v2/ml-training/corrections/', {
      token: labeler,
      json: { source_type: 'meter_reading', source_id: correctedReading, corrected_text: '7310.55', correction_type: 'OCR_ERROR' },
    });
    expect(correction.status).toBe(201);
    await waitForExamples(app, labeler, 1, '&status=corrected');
  });
  afterAll(() => app.close());

  const clusterOf = async (exampleId: string): Promise<string> => {
    const items = await waitForExamples(app, labeler, 18);
    const example = items.find((e) => e.example_id === exampleId);
    return clusterOfReading.get(example?.source_id ?? '') ?? '?';
  };

  let week2: Awaited<ReturnType<typeof runActiveLearning>>;

  it('chooses the same batch an auditor computes from the pool and the recorded seed', async () => {
    const pool = await app.app.get(ExamplePoolService).load('acme');
    const expected = selectActiveLearningBatch(pool.examples, { batchSize: 3, seed: 'acme.2026-W02' });

    week2 = await runActiveLearning(app, engineer, 3);
    expect(week2).toMatchObject({ batch_id: 'acme.2026-W02', week: '2026-W02', created: true, pool_size: 18 });
    expect(week2.selected.map((s) => s.example_id)).toEqual(expected.selected.map((s) => s.exampleId));

    const [recorded] = await eventsOfType(app, auditor, 'ActiveLearningBatchSelected');
    expect(recorded.stream).toBe('active_learning_batch-acme.2026-W02');
    expect(recorded.data).toMatchObject({ strategy: 'uncertainty_kcenter_v1', seed: 'acme.2026-W02', poolSize: 18, parameters: expect.objectContaining({ batchSize: 3 }) });
    expect((recorded.data.chosen as unknown[]).length).toBe(3);
    // The fan-out has one definition, the batch's saga: the run's tasks carry its provenance.
    const tasks = await eventsOfType(app, auditor, 'LabelingTaskCreated');
    expect(tasks).toHaveLength(3);
    for (const task of tasks) expect(task.metadata).toMatchObject({ actorId: 'saga:active-learning-batch-tasks', causationId: (recorded as { event_id?: string }).event_id });
  });

  it('puts the correction first, then spreads the batch across the three meters', async () => {
    const [first] = week2.selected;
    expect(first).toMatchObject({ rank: 1, is_correction: true, uncertainty_score: 1 });
    expect(await clusterOf(first.example_id)).toBe('C');
    const clusters = await Promise.all(week2.selected.map((s) => clusterOf(s.example_id)));
    expect(new Set(clusters)).toEqual(new Set(['A', 'B', 'C']));
    // Every chosen example has a labeling task, queued on the example, in priority order.
    const open = await backlog(app, labeler, week2.position);
    expect(open.items.map((t) => t.task_id).sort()).toEqual(week2.selected.map((s) => s.task_id).sort());
    expect(open.items[0].example_id).toBe(first.example_id);
    expect(open.counts).toMatchObject({ tenant_id: 'acme', total: 3, open: 3, claimed: 0, by_source_system: { meter_reading: 3, vehicle_entry: 0 } });
    expect((await waitForExamples(app, labeler, 3, '&status=queued')).length).toBe(3);
  });

  it('a second run in the same week answers the same batch and creates no task', async () => {
    clock.advance(3 * 3_600_000);
    const again = await runActiveLearning(app, engineer, 10);
    expect(again).toMatchObject({ batch_id: 'acme.2026-W02', created: false });
    expect(again.selected.map((s) => s.task_id)).toEqual(week2.selected.map((s) => s.task_id));
    expect(await eventsOfType(app, auditor, 'ActiveLearningBatchSelected')).toHaveLength(1);
    expect(await eventsOfType(app, auditor, 'LabelingTaskCreated')).toHaveLength(3);
  });

  it('the weekly trigger fired twice creates one batch, without the examples that already have open tasks', async () => {
    clock.set('2026-01-18T02:00:00.000Z'); // Sunday 02:00 of ISO week 2026-W03
    const schedule = app.app.get(TrainingSchedule);
    const [first] = await schedule.runWeekly(undefined, 4);
    const [second] = await schedule.runWeekly(undefined, 4);
    expect(first).toMatchObject({ batchId: 'acme.2026-W03', created: true });
    expect(second).toMatchObject({ batchId: 'acme.2026-W03', created: false });
    expect(second.selected).toEqual(first.selected);
    expect(await eventsOfType(app, auditor, 'ActiveLearningBatchSelected')).toHaveLength(2);
    expect(await eventsOfType(app, auditor, 'LabelingTaskCreated')).toHaveLength(3 + 4);
    const earlier = new Set(week2.selected.map((s) => s.example_id));
    expect(first.selected.filter((s) => earlier.has(s.exampleId))).toEqual([]);
    const open = await eventually(async () => {
      const b = await backlog(app, labeler);
      return b.counts.total === 7 ? b : null;
    });
    expect(open.items).toHaveLength(7);
  });

  it('a tenant without examples gets an empty answer and nothing is recorded', async () => {
    const other = app.token({ sub: 'eng2', tenant: 'globex', roles: ['ops'] });
    const run = await runActiveLearning(app, other);
    expect(run).toMatchObject({ batch_id: 'globex.2026-W03', created: false, pool_size: 0, selected: [] });
    expect((await eventsOfType(app, auditor, 'ActiveLearningBatchSelected')).filter((e) => e.metadata.tenantId === 'globex')).toEqual([]);
  });

  it('only ml_engineer and ops may run it, and batch_size is checked', async () => {
    expect((await call(app, 'POST', '/api/v2/ml-training/active-learning/run', { token: labeler, json: {} })).status).toBe(403);
    expect((await call(app, 'POST', '/api/v2/ml-training/active-learning/run', { json: {} })).status).toBe(401);
    const bad = await call<{ message: string }>(app, 'POST', '/api/v2/ml-training/active-learning/run', { token: engineer, json: { batch_size: 0 } });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/batch_size/);
    expect((await call(app, 'POST', '/api/v2/ml-training/active-learning/run', { token: engineer, json: { batch_size: 'ten' } })).status).toBe(400);
  });
});
