/**
 * Standardisation with the same conventions as scikit-learn's StandardScaler, so coefficients
 * fitted here are comparable with (and exportable like) sklearn's.
 */
export interface StandardScaler {
  readonly mean: number[];
  readonly scale: number[];
}

/** Population standard deviation (ddof = 0, as sklearn); a constant column gets scale 1 so it maps to 0, not NaN. */
export function fitStandardScaler(X: readonly (readonly number[])[]): StandardScaler {
  if (X.length === 0) throw new Error('cannot fit a scaler on zero rows');
  const d = X[0].length;
  const mean = new Array<number>(d).fill(0);
  const m2 = new Array<number>(d).fill(0);
  // Welford's update: one pass, and numerically stable for the large, offset columns we see (hours, counts).
  for (let i = 0; i < X.length; i++) {
    const row = X[i];
    if (row.length !== d) throw new Error(`row ${i} has ${row.length} features, expected ${d}`);
    const n = i + 1;
    for (let j = 0; j < d; j++) {
      const delta = row[j] - mean[j];
      mean[j] += delta / n;
      m2[j] += delta * (row[j] - mean[j]);
    }
  }
  const scale = m2.map((s) => {
    const std = Math.sqrt(s / X.length);
    // Same cut-off as sklearn's _handle_zeros_in_scale: a std that is zero up to rounding is zero.
    return std < 10 * Number.EPSILON ? 1 : std;
  });
  return { mean, scale };
}

export function transformRow(scaler: StandardScaler, row: readonly number[]): number[] {
  const out = new Array<number>(row.length);
  for (let j = 0; j < row.length; j++) out[j] = (row[j] - scaler.mean[j]) / scaler.scale[j];
  return out;
}

export function transform(scaler: StandardScaler, X: readonly (readonly number[])[]): number[][] {
  return X.map((row) => transformRow(scaler, row));
}
