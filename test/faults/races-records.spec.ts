import { N, expectOnly2xxOr409, foldTask, expectReadModelsEqualRebuild, useRacingApp } from './support/races';
import { TestApp } from '../support/app';
import { waitQuiet } from '../support/read-models';
import { call } from '../readings/readings-helpers';
import { backlog, runActiveLearning } from '../training/training-helpers';
import { streamEvents, tally } from './support/log';

jest.setTimeout(300_000);

/**
 * Races on one record at a time: 100 corrections of one reading, 100 labelers claiming one task,
 * submit/skip/release/claim mixes on a held task. Each request ends in 2xx or 409, and the final
 * state (GET answers, read models) is what the log says, folded here from the audit endpoints and
 * again by a blue/green rebuild of every projection.
 */
describe('races on the same records', () => {
  const race = useRacingApp(8);
  let app: TestApp;
  let guard: string;
  let engineer: string;
  let auditor: string;
  let ops: string;
  beforeAll(() => {
    ({ app, guard, engineer, auditor, ops } = race);
  });
  const { readings, figures, labeler, correct } = race;

  it('100 concurrent corrections of one reading: all 201 (corrections commute), and reading and example are exactly what their streams say', async () => {
    const source = readings[0];
    const before = race.conflicts;
    const answers = await Promise.all(Array.from({ length: N }, (_, i) => correct(i % 2 ? guard : labeler(i), source, `${2000 + i}`)));
    const statuses = answers.map((a) => a.status);
    expectOnly2xxOr409(statuses);
    // Commands on one stream queue in the process: no correction is refused for arriving at the same time as another.
    expect(statuses.filter((s) => s !== 201)).toEqual([]);
    figures.corrections = { ...tally(statuses), appendConflictsRetried: race.conflicts - before };
    const acknowledged = answers.filter((a) => a.status === 201).map((a) => a.body.correction_id);
    expect(new Set(acknowledged).size).toBe(acknowledged.length);
    await waitQuiet(app.baseUrl, ops);

    // Reading stream: exactly one CorrectionSubmitted per 201, none for a 409.
    const readingLog = await streamEvents(app, auditor, `reading-${source}`);
    const submitted = readingLog.filter((e) => e.type === 'CorrectionSubmitted');
    expect(submitted.map((e) => e.data.correctionId).sort()).toEqual([...acknowledged].sort());
    const reading = await call<{ corrections: { correction_id: string; corrected_text: string }[]; corrected_text: string | null }>(app, 'GET', `/api/v2/meter-readings/${source}`, { token: guard });
    expect(reading.body.corrections.map((c) => [c.correction_id, c.corrected_text])).toEqual(submitted.map((e) => [e.data.correctionId, e.data.correctedText]));
    expect(reading.body.corrected_text).toBe(submitted[submitted.length - 1].data.correctedText);

    // Example stream: each correction applied once (inline or by the saga), in some order; the GET is its fold.
    const exampleLog = await streamEvents(app, auditor, `example-mr_${source}`);
    const corrected = exampleLog.filter((e) => e.type === 'TrainingExampleCorrected');
    expect(corrected.map((e) => e.data.correctionId).sort()).toEqual([...acknowledged].sort());
    // The example follows the submissions in log order: all counted, the latest 20 listed, the last one its ground truth.
    const example = await call<{ status: string; correction_ids: string[]; correction_count: number; ground_truth_text: string; corrected: boolean }>(app, 'GET', `/api/v2/ml-training/examples/mr_${source}`, { token: labeler(0) });
    expect(example.body).toMatchObject({
      status: 'corrected',
      corrected: true,
      correction_count: acknowledged.length,
      correction_ids: submitted.slice(-20).map((e) => e.data.correctionId),
      ground_truth_text: submitted[submitted.length - 1].data.correctedText,
    });
  });

  it('50 concurrent retries with one Idempotency-Key: one correction in the log, every 201 names it', async () => {
    const source = readings[1];
    const token = labeler(1);
    const answers = await Promise.all(Array.from({ length: 50 }, () => correct(token, source, '4242', 'retry-key-1')));
    expectOnly2xxOr409(answers.map((a) => a.status));
    figures.idempotentRetries = tally(answers.map((a) => a.status));
    const ids = new Set(answers.filter((a) => a.status === 201).map((a) => a.body.correction_id));
    expect(ids.size).toBe(1);
    await waitQuiet(app.baseUrl, ops);
    const submitted = (await streamEvents(app, auditor, `reading-${source}`)).filter((e) => e.type === 'CorrectionSubmitted');
    expect(submitted.map((e) => e.data.correctionId)).toEqual([...ids]);
    expect((await streamEvents(app, auditor, `example-mr_${source}`)).filter((e) => e.type === 'TrainingExampleCorrected')).toHaveLength(1);
  });

  describe('labeling tasks', () => {
    let tasks: { task_id: string; example_id: string }[];

    beforeAll(async () => {
      for (const r of readings.slice(2)) expect((await correct(guard, r, '7777')).status).toBe(201);
      // The run selects from the training-examples read model: let it catch up with the corrections.
      await waitQuiet(app.baseUrl, ops);
      const run = await runActiveLearning(app, engineer, readings.length);
      expect(run.selected).toHaveLength(readings.length);
      tasks = (await backlog(app, labeler(0), run.position)).items;
      expect(tasks).toHaveLength(readings.length);
    });

    it('100 labelers claim one task at once: exactly one wins, 99 get 409, one claim in the log', async () => {
      const task = tasks[0].task_id;
      const before = race.conflicts;
      const answers = await Promise.all(Array.from({ length: N }, (_, i) => call<{ claimed_by: string }>(app, 'POST', `/api/v2/ml-training/labeling-tasks/${task}/claim`, { token: labeler(i) })));
      const statuses = answers.map((a) => a.status);
      expectOnly2xxOr409(statuses);
      figures.claims = { ...tally(statuses), appendConflictsRetried: race.conflicts - before };
      const winners = answers.map((a, i) => (a.status === 200 ? i : -1)).filter((i) => i >= 0);
      expect(winners).toHaveLength(1);
      expect(statuses.filter((s) => s === 409)).toHaveLength(N - 1);
      const log = await streamEvents(app, auditor, `labeling_task-${task}`);
      expect(log.filter((e) => e.type === 'LabelingTaskClaimed').map((e) => e.data.labelerId)).toEqual([`lab-${winners[0]}`]);
      expect(foldTask(log)).toMatchObject({ status: 'claimed', holder: `lab-${winners[0]}` });
      const open = await backlog(app, labeler(0));
      expect(open.items.find((t) => t.task_id === task)).toMatchObject({ status: 'claimed', claimed_by: `lab-${winners[0]}` });
    });

    it('concurrent submit/skip/release/claim mixes on held tasks: 200 or 409, every 200 agrees with the log, GETs are its fold', async () => {
      const mixed = tasks.slice(1);
      const holder = (t: number) => 10 + t;
      for (const [t, task] of mixed.entries()) expect((await call(app, 'POST', `/api/v2/ml-training/labeling-tasks/${task.task_id}/claim`, { token: labeler(holder(t)) })).status).toBe(200);
      type Sent = { task: number; labeler: number; action: string; label?: string };
      const plan: Sent[] = [];
      for (let t = 0; t < mixed.length; t++) {
        for (let k = 0; k < 24; k++) {
          const own = k % 3 !== 2;
          const action = ['submit', 'skip', 'release', 'claim'][(k + t) % 4];
          plan.push({ task: t, labeler: own ? holder(t) : 50 + k, action, label: action === 'submit' ? `L${t}-${k % 2}` : undefined });
        }
      }
      const answers = await Promise.all(
        plan.map((p) =>
          call<{ status: string; claimed_by: string | null; label?: string; lease_expires_at: string | null }>(app, 'POST', `/api/v2/ml-training/labeling-tasks/${mixed[p.task].task_id}/${p.action}`, {
            token: labeler(p.labeler),
            json: p.action === 'submit' ? { label: p.label } : {},
          }),
        ),
      );
      const statuses = answers.map((a) => a.status);
      expectOnly2xxOr409(statuses);
      figures.mixes = { requests: plan.length, ...tally(statuses) };
      await waitQuiet(app.baseUrl, ops);

      const open = await backlog(app, labeler(0));
      for (const [t, task] of mixed.entries()) {
        const log = await streamEvents(app, auditor, `labeling_task-${task.task_id}`);
        const final = foldTask(log);
        const byActor = (type: string, who: number) => log.filter((e) => e.type === type && e.data.labelerId === `lab-${who}`);
        for (const [i, p] of plan.entries()) {
          if (p.task !== t || answers[i].status !== 200) continue;
          const a = answers[i].body;
          // A 200 is backed by an event of that labeler (or was a no-op repeat of one).
          if (p.action === 'submit') expect(final).toMatchObject({ status: 'completed', closedBy: `lab-${p.labeler}`, label: p.label });
          if (p.action === 'skip') expect(final).toMatchObject({ status: 'skipped', closedBy: `lab-${p.labeler}` });
          if (p.action === 'release') expect(byActor('LabelingTaskReleased', p.labeler).length).toBeGreaterThan(0);
          if (p.action === 'claim') expect([...byActor('LabelingTaskClaimed', p.labeler), ...byActor('LabelingTaskLeaseExtended', p.labeler)].map((e) => e.data.leaseExpiresAt)).toContain(a.lease_expires_at);
        }
        // Events appended never outnumber the 200s that could have caused them.
        const oks = plan.filter((p, i) => p.task === t && answers[i].status === 200).length;
        expect(log.length - 2).toBeLessThanOrEqual(oks);
        const inBacklog = open.items.find((x) => x.task_id === task.task_id);
        if (final.status === 'completed' || final.status === 'skipped') expect(inBacklog).toBeUndefined();
        else expect(inBacklog).toMatchObject({ status: final.status, claimed_by: final.holder, lease_expires_at: final.lease });
        const example = await call<{ status: string; label: string | null; labeler_id: string | null }>(app, 'GET', `/api/v2/ml-training/examples/${task.example_id}`, { token: labeler(0) });
        const exampleLog = await streamEvents(app, auditor, `example-${task.example_id}`);
        const labeled = exampleLog.filter((e) => e.type === 'TrainingExampleLabeled');
        if (final.status === 'completed') {
          expect(labeled.map((e) => [e.data.label, e.data.labelerId])).toEqual([[final.label, final.closedBy]]);
          expect(example.body).toMatchObject({ status: 'labeled', label: final.label, labeler_id: final.closedBy });
        } else if (final.status === 'skipped') {
          // A skipped task hands its example back to the pool, once, whoever skipped it.
          expect(labeled).toEqual([]);
          expect(exampleLog.filter((e) => e.type === 'TrainingExampleReturned').map((e) => e.data.taskId)).toEqual([task.task_id]);
          expect(example.body).toMatchObject({ status: expect.stringMatching(/^(captured|corrected)$/), label: null, skips: 1 });
        } else {
          expect(labeled).toEqual([]);
          expect(example.body).toMatchObject({ status: 'queued', label: null });
        }
      }
    });
  });

  it('after all races, every read model equals a blue/green rebuild from the log', async () => {
    await expectReadModelsEqualRebuild(race);
  });
});
