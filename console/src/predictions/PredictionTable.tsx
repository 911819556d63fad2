import { fmtNum, fmtTime } from '../common';
import type { Prediction } from '../types';

/** One row per prediction: when, for what, how likely a conflict, and how it turned out. */
export function PredictionTable({ rows }: { rows: Prediction[] }) {
  return (
    <div className="table-wrap"><table>
      <thead>
        <tr>
          <th scope="col">Predicted</th>
          <th scope="col">Entity</th>
          <th scope="col">Probability</th>
          <th scope="col">Risk</th>
          <th scope="col">Recommendation</th>
          <th scope="col">Model</th>
          <th scope="col">Outcome</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((p) => (
          <tr key={p.prediction_id} data-testid="prediction-row">
            <td title={p.prediction_id}>{fmtTime(p.predicted_at)}</td>
            <td>
              {p.entity_type} <code>{p.entity_id}</code>
              <div className="muted small">
                {p.user_id} · {p.device_id}
              </div>
            </td>
            <td>{fmtNum(p.probability)}</td>
            <td>
              <span className={`badge risk-${p.risk_level}`}>{p.risk_level}</span>
            </td>
            <td>{p.recommendation.replace(/_/g, ' ')}</td>
            <td data-testid="prediction-model">
              <code>{p.model_version}</code>
            </td>
            <td data-testid="prediction-outcome">
              <span className={`badge ${p.outcome}`}>{p.outcome}</span>
              {p.conflict_occurred !== null ? (
                <div className="muted small">{p.conflict_occurred ? 'conflicted' : 'no conflict'}</div>
              ) : null}
            </td>
          </tr>
        ))}
      </tbody>
    </table></div>
  );
}
