/** One figure with its label; `bad` marks a figure that needs attention. */
export function Stat({ label, value, testId, tone }: { label: string; value: string; testId?: string; tone?: 'bad' }) {
  return (
    <div className={`stat ${tone ?? ''}`}>
      <div className="stat-value" data-testid={testId}>
        {value}
      </div>
      <div className="stat-label">{label}</div>
    </div>
  );
}
