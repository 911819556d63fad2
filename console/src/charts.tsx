/** Small hand-drawn SVG charts: enough to see a trend, no chart library. */

export interface Point {
  label: string;
  value: number;
}

const W = 640;
const H = 200;
const PAD = { top: 12, right: 12, bottom: 28, left: 40 };

function ticks(labels: string[]): number[] {
  // At most ~8 x labels, evenly spaced back from the newest (always labelled), so they never overlap.
  const step = Math.max(1, Math.ceil(labels.length / 8));
  const last = labels.length - 1;
  return labels.map((_, i) => i).filter((i) => (last - i) % step === 0);
}

/** Whole-number count scale: at most 5 grid lines, evenly spaced, topped at a multiple of the step. */
function countScale(max: number): { top: number; steps: number[] } {
  const step = Math.max(1, Math.ceil(max / 4));
  const top = Math.max(step, step * Math.ceil(max / step));
  const steps: number[] = [];
  for (let v = 0; v <= top; v += step) steps.push(v);
  return { top, steps };
}

function shortDay(label: string): string {
  return /^\d{4}-\d{2}-\d{2}/.test(label) ? label.slice(5, 10) : label;
}

export function BarChart({ points, title, testId, unit = '' }: { points: Point[]; title: string; testId?: string; unit?: string }) {
  if (points.length === 0) return <p className="muted">No data yet.</p>;
  const { top: max, steps } = countScale(Math.max(1, ...points.map((p) => p.value)));
  const iw = W - PAD.left - PAD.right;
  const ih = H - PAD.top - PAD.bottom;
  const slot = iw / points.length;
  const bw = Math.max(2, slot * 0.7);
  return (
    <svg className="chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={title} data-testid={testId}>
      <title>{title}</title>
      <Axis max={max} steps={steps} unit={unit} />
      {points.map((p, i) => {
        const h = (p.value / max) * ih;
        return (
          <rect
            key={p.label}
            className="bar"
            x={PAD.left + i * slot + (slot - bw) / 2}
            y={PAD.top + ih - h}
            width={bw}
            height={h}
          >
            <title>{`${p.label}: ${p.value}${unit}`}</title>
          </rect>
        );
      })}
      {ticks(points.map((p) => p.label)).map((i) => (
        <text key={i} className="tick" x={PAD.left + i * slot + slot / 2} y={H - 8} textAnchor="middle">
          {shortDay(points[i].label)}
        </text>
      ))}
    </svg>
  );
}

/**
 * Accuracy per day: bars for the number of resolved predictions (right scale, faint),
 * a line for correct / total (left scale, 0–100 %).
 */
export function AccuracyChart({
  days,
  title,
  testId,
}: {
  days: { day: string; correct: number; total: number }[];
  title: string;
  testId?: string;
}) {
  if (days.length === 0) return <p className="muted">No resolved predictions yet.</p>;
  const iw = W - PAD.left - PAD.right;
  const ih = H - PAD.top - PAD.bottom;
  const slot = iw / days.length;
  const maxTotal = Math.max(1, ...days.map((d) => d.total));
  const xs = (i: number) => PAD.left + i * slot + slot / 2;
  const ys = (acc: number) => PAD.top + ih - acc * ih;
  const pts = days.map((d, i) => ({ x: xs(i), y: ys(d.total ? d.correct / d.total : 0), d }));
  return (
    <svg className="chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={title} data-testid={testId}>
      <title>{title}</title>
      <Axis max={1} steps={[0, 0.25, 0.5, 0.75, 1]} unit="%" percent />
      {days.map((d, i) => {
        const h = (d.total / maxTotal) * ih;
        const bw = Math.max(2, slot * 0.6);
        return <rect key={d.day} className="bar faint" x={xs(i) - bw / 2} y={PAD.top + ih - h} width={bw} height={h} />;
      })}
      <polyline className="line" points={pts.map((p) => `${p.x},${p.y}`).join(' ')} />
      {pts.map((p) => (
        <circle key={p.d.day} className="dot" cx={p.x} cy={p.y} r={3.5}>
          <title>{`${p.d.day}: ${p.d.correct}/${p.d.total} correct`}</title>
        </circle>
      ))}
      {ticks(days.map((d) => d.day)).map((i) => (
        <text key={i} className="tick" x={xs(i)} y={H - 8} textAnchor="middle">
          {shortDay(days[i].day)}
        </text>
      ))}
    </svg>
  );
}

/** Horizontal grid lines and their labels at `steps` (values on a 0..max scale). */
function Axis({ max, steps, unit, percent = false }: { max: number; steps: number[]; unit: string; percent?: boolean }) {
  const ih = H - PAD.top - PAD.bottom;
  return (
    <g>
      {steps.map((value) => {
        const s = value / max;
        const y = PAD.top + ih - s * ih;
        const v = percent ? `${Math.round(value * 100)}` : String(value);
        return (
          <g key={value}>
            <line className="grid" x1={PAD.left} x2={W - PAD.right} y1={y} y2={y} />
            <text className="tick" x={PAD.left - 6} y={y + 4} textAnchor="end">
              {v}
              {s === 1 ? unit : ''}
            </text>
          </g>
        );
      })}
    </g>
  );
}
