import { CommandContext } from '../../runtime/decide';
import { ModelCommand, RegistryState, reviewKey } from '../../domain/models/model-registry.decider';
import { AccuracyFigure } from '../../domain/models/model.events';
import { DAY_MS, HOUR_MS } from '../../domain/shared/clock';
import { HEURISTIC_MODEL_VERSION } from '../../ml/conflict-features';

export const ROLLBACK_ACTOR = 'saga:rollback';
/** The first day of a new model is what the rule judges. */
export const FIRST_DAY_MS = DAY_MS;
const PREDECESSOR_WINDOW_MS = 7 * DAY_MS;

export interface RollbackRules {
  readonly rollbackOutcomeWaitHours: number;
  readonly rollbackMaxAccuracyDrop: number;
  readonly rollbackMinSamples: number;
}

export interface FigureWindow {
  readonly version: string;
  readonly fromMs: number;
  readonly toMs: number;
}

export type RollbackPlan =
  | { readonly status: 'no_active_model' }
  | { readonly status: 'already_reviewed' }
  | { readonly status: 'not_due'; readonly version: string; readonly dueAtMs: number }
  | { readonly status: 'due'; readonly version: string; readonly activationAt: string; readonly candidate: FigureWindow; readonly predecessor: FigureWindow };

/**
 * Whether the active model is due for its review at `atMs`: once the outcomes of its first day are
 * in (the first day plus the wait). A restored predecessor is not judged (no ping-pong).
 */
export function planRollbackCheck(state: RegistryState, atMs: number, rules: Pick<RollbackRules, 'rollbackOutcomeWaitHours'>): RollbackPlan {
  const active = state.active;
  if (!active) return { status: 'no_active_model' };
  if (active.cause === 'rollback' || state.reviewed[reviewKey(active.version, active.activatedAt)]) return { status: 'already_reviewed' };
  const activatedMs = Date.parse(active.activatedAt);
  const firstDayEnd = activatedMs + FIRST_DAY_MS;
  const dueAtMs = firstDayEnd + rules.rollbackOutcomeWaitHours * HOUR_MS;
  if (atMs < dueAtMs) return { status: 'not_due', version: active.version, dueAtMs };
  return {
    status: 'due',
    version: active.version,
    activationAt: active.activatedAt,
    candidate: { version: active.version, fromMs: activatedMs, toMs: firstDayEnd - 1 },
    predecessor: { version: active.previousVersion ?? HEURISTIC_MODEL_VERSION, fromMs: activatedMs - PREDECESSOR_WINDOW_MS, toMs: activatedMs - 1 },
  };
}

export interface ReviewCommand {
  readonly modelType: string;
  readonly command: ModelCommand;
  readonly context: CommandContext;
}

/** What the review reads for a due activation: the two accuracy figures of its plan's windows. */
export interface RollbackFigures {
  readonly candidate: AccuracyFigure;
  readonly predecessor: AccuracyFigure;
}

/**
 * The pure step: a due plan and its figures become one ReviewActivation (the registry decider
 * applies the rule), keyed by the activation under review so a replay records nothing.
 */
export function rollbackReviewCommands(modelType: string, plan: RollbackPlan, figures: RollbackFigures | null, rules: RollbackRules, at: Date): ReviewCommand[] {
  if (plan.status !== 'due' || !figures) return [];
  const commandId = `rollback-review:${modelType}:${plan.version}:${plan.activationAt}`;
  return [
    {
      modelType,
      command: {
        kind: 'ReviewActivation',
        modelType,
        at: at.toISOString(),
        version: plan.version,
        activationAt: plan.activationAt,
        candidate: figures.candidate,
        predecessor: figures.predecessor,
        config: { maxAccuracyDrop: rules.rollbackMaxAccuracyDrop, minSamples: rules.rollbackMinSamples },
        actor: ROLLBACK_ACTOR,
      },
      context: { tenantId: null, actorId: ROLLBACK_ACTOR, commandId, correlationId: commandId, causationId: null },
    },
  ];
}
