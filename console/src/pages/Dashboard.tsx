import type { Page } from '../api';
import { hasAnyRole } from '../auth';
import { useLoad, useSession } from '../common';
import { AccuracyPanel } from '../dashboard/AccuracyPanel';
import { ProjectionsPanel } from '../dashboard/ProjectionsPanel';
import { TrainingDataPanel } from '../dashboard/TrainingDataPanel';
import type { Accuracy, DailyAccuracy, Metrics, Projection } from '../types';

const MODEL_TYPE = 'conflict_predictor';

/** The flywheel at a glance: training data, the predictor's accuracy, and the projections' health. */
export function Dashboard() {
  const { api, session } = useSession();
  // Projections (lag, parked events, rebuilds) are for ops only, as the service's roles say.
  const isOps = hasAnyRole(session, ['ops']);
  const metrics = useLoad(() => api.get<Metrics>('/api/v2/ml-training/metrics'), [api]);
  const accuracy = useLoad(() => api.get<Accuracy>('/api/v2/ml/accuracy', { model_type: MODEL_TYPE, window_days: 7 }), [api]);
  const daily = useLoad(
    // A bare array, as API.md gives it: one row per (day, model version).
    () => api.get<DailyAccuracy[]>('/api/v2/ml/accuracy/daily', { model_type: MODEL_TYPE, days: 30 }),
    [api],
  );
  const projections = useLoad(
    () => (isOps ? api.get<Page<Projection>>('/api/v2/ops/projections').then((p) => p.items) : Promise.resolve([])),
    [api, isOps],
  );

  return (
    <div className="grid">
      <TrainingDataPanel metrics={metrics} />
      <AccuracyPanel accuracy={accuracy} daily={daily} />
      {isOps ? <ProjectionsPanel api={api} projections={projections} canRebuild={isOps} /> : null}
    </div>
  );
}
