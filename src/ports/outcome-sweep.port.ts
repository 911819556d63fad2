/** The outcome sweep on demand (the predictions feature binds it to the outcome saga's sweep). */
export const OUTCOME_SWEEP = Symbol('OUTCOME_SWEEP');

export interface SweepResult {
  readonly closed: number;
  readonly conflicts: number;
  readonly position: number;
}

export interface OutcomeSweep {
  /** Closes every tenant's due predictions; `actor` names who asked (recorded in the commands). */
  sweep(actor?: string): Promise<SweepResult>;
}
