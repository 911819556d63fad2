/** The automatic rollback check, for the saga that triggers it (the model-lifecycle feature binds it to the check). */
export const ROLLBACK_CHECK = Symbol('ROLLBACK_CHECK');

export type RollbackCheck =
  | { readonly status: 'no_active_model' | 'already_reviewed' }
  | { readonly status: 'not_due'; readonly version: string; readonly dueAt: string }
  | { readonly status: 'reviewed'; readonly version: string; readonly events: readonly string[]; readonly position: number };

export interface RollbackChecker {
  /** Reviews the type's active model when its first day's outcomes are in (once per activation). */
  check(modelType: string, at?: Date): Promise<RollbackCheck>;
  /** An activation was seen: whatever was cached about the old one no longer holds. */
  forget(modelType: string): void;
}
