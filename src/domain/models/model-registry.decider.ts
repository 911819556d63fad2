import { Decider } from '../shared/decider';
import { ConflictError, NotFoundError, assertNever } from '../shared/errors';
import { ActivationPolicyConfig, decideActivation } from './activation-policy';
import { FeatureDefinition, LEGACY_FEATURE_DEFINITION, isFeatureDefinition } from './feature-definition';
import {
  AccuracyFigure,
  ActivationCause,
  ModelActivated,
  ModelDeactivated,
  ModelEvaluated,
  ModelEvent,
  ModelRegistered,
  ModelTrained,
} from './model.events';
import { nextVersionName } from './model-version';
import { RollbackConfig, decideRollback } from './rollback-policy';

export interface VersionInfo {
  readonly version: string;
  readonly kind: 'trained' | 'registered';
  readonly modelBlobHash: string;
  readonly trainingRowsBlobHash: string | null;
  /** The feature definition serving must feed it. */
  readonly featureDefinition: FeatureDefinition;
  readonly at: string;
}

function definitionOf(recorded: number | undefined): FeatureDefinition {
  return isFeatureDefinition(recorded) ? recorded : LEGACY_FEATURE_DEFINITION;
}

export interface ActivePointer {
  readonly version: string;
  readonly activatedAt: string;
  readonly activatedBy: string;
  readonly cause: ActivationCause;
  readonly reason: string;
  readonly previousVersion: string | null;
}

/** The registry of one model type. `active` is the one active version, or null (heuristic_v1 serves). */
export interface RegistryState {
  readonly versions: Readonly<Record<string, VersionInfo>>;
  readonly active: ActivePointer | null;
  /** Training runs, evaluations and activation reviews already recorded: their commands are duplicates. */
  readonly runs: Readonly<Record<string, string>>;
  readonly evaluations: Readonly<Record<string, string>>;
  readonly reviewed: Readonly<Record<string, true>>;
}

type TrainedData = Omit<ModelTrained['data'], 'version' | 'at' | 'runId' | 'modelType'>;
type RegisteredData = Omit<ModelRegistered['data'], 'version' | 'at' | 'modelType'>;

export type ModelCommand =
  | { readonly kind: 'RecordTrainedModel'; readonly modelType: string; readonly at: string; readonly runId: string; readonly model: TrainedData }
  | { readonly kind: 'RegisterModel'; readonly modelType: string; readonly at: string; readonly model: RegisteredData }
  | {
      readonly kind: 'RecordEvaluation';
      readonly modelType: string;
      readonly at: string;
      readonly evaluationId: string;
      readonly evaluation: Omit<ModelEvaluated['data'], 'modelType' | 'at' | 'evaluationId'>;
      /** When given, the activation policy decides at once, against the state the evaluation saw. */
      readonly autoActivate?: { readonly policy: ActivationPolicyConfig; readonly actor: string };
    }
  | { readonly kind: 'ActivateModel'; readonly modelType: string; readonly at: string; readonly version: string; readonly actor: string; readonly reason: string }
  | { readonly kind: 'DeactivateModel'; readonly modelType: string; readonly at: string; readonly version: string; readonly actor: string; readonly reason: string }
  | {
      readonly kind: 'ReviewActivation';
      readonly modelType: string;
      readonly at: string;
      readonly version: string;
      readonly activationAt: string;
      readonly candidate: AccuracyFigure;
      readonly predecessor: AccuracyFigure;
      readonly config: RollbackConfig;
      readonly actor: string;
    };

export const initialRegistryState: RegistryState = { versions: {}, active: null, runs: {}, evaluations: {}, reviewed: {} };

export function reviewKey(version: string, activationAt: string): string {
  return `${version}@${activationAt}`;
}

function evolve(state: RegistryState, event: ModelEvent): RegistryState {
  switch (event.type) {
    case 'ModelTrained': {
      const d = event.data;
      const info: VersionInfo = { version: d.version, kind: 'trained', modelBlobHash: d.modelBlobHash, trainingRowsBlobHash: d.trainingRowsBlobHash, featureDefinition: definitionOf(d.featureDefinition), at: d.at };
      return { ...state, versions: { ...state.versions, [d.version]: info }, runs: { ...state.runs, [d.runId]: d.version } };
    }
    case 'ModelRegistered': {
      const d = event.data;
      const info: VersionInfo = { version: d.version, kind: 'registered', modelBlobHash: d.modelBlobHash, trainingRowsBlobHash: null, featureDefinition: definitionOf(d.featureDefinition), at: d.at };
      return { ...state, versions: { ...state.versions, [d.version]: info } };
    }
    case 'ModelEvaluated':
      return { ...state, evaluations: { ...state.evaluations, [event.data.evaluationId]: event.data.version } };
    case 'ModelActivationRejected':
      return { ...state, evaluations: { ...state.evaluations, [event.data.evaluationId]: event.data.version } };
    case 'ModelActivated': {
      const d = event.data;
      return {
        ...state,
        active: { version: d.version, activatedAt: d.at, activatedBy: d.activatedBy, cause: d.cause, reason: d.reason, previousVersion: d.previousVersion },
      };
    }
    case 'ModelDeactivated':
      return state.active?.version === event.data.version ? { ...state, active: null } : state;
    case 'ModelRolledBack':
      return { ...state, reviewed: { ...state.reviewed, [reviewKey(event.data.fromVersion, event.data.activationAt)]: true } };
    case 'ModelActivationReviewed':
      return { ...state, reviewed: { ...state.reviewed, [reviewKey(event.data.version, event.data.activationAt)]: true } };
    default:
      return assertNever(event, 'model event');
  }
}

function requireVersion(state: RegistryState, modelType: string, version: string): VersionInfo {
  const info = state.versions[version];
  if (!info) throw new NotFoundError(`model ${modelType} has no version ${version}`, { model_type: modelType, version });
  return info;
}

/** Activating deactivates the previous active model in the same append: never two active. */
function activation(
  state: RegistryState,
  modelType: string,
  version: string,
  at: string,
  actor: string,
  cause: ActivationCause,
  reason: string,
): (ModelDeactivated | ModelActivated)[] {
  const previous = state.active?.version ?? null;
  const events: (ModelDeactivated | ModelActivated)[] = [];
  if (previous !== null) {
    events.push({
      type: 'ModelDeactivated',
      data: { modelType, version: previous, deactivatedBy: actor, replacedBy: version, reason: `replaced by ${version}: ${reason}`, at },
    });
  }
  events.push({ type: 'ModelActivated', data: { modelType, version, previousVersion: previous, activatedBy: actor, cause, reason, at } });
  return events;
}

type Of<K extends ModelCommand['kind']> = Extract<ModelCommand, { kind: K }>;

/** An evaluation is recorded once (by its id), against the active model it was measured beside. */
function recordEvaluation(command: Of<'RecordEvaluation'>, state: RegistryState): readonly ModelEvent[] {
  const { modelType, at } = command;
  if (state.evaluations[command.evaluationId] !== undefined) return [];
  const ev = command.evaluation;
  requireVersion(state, modelType, ev.version);
  const activeVersion = state.active?.version ?? null;
  if (ev.baseline.activeVersion !== activeVersion) {
    throw new ConflictError(`the active ${modelType} model changed from ${ev.baseline.activeVersion ?? 'none'} to ${activeVersion ?? 'none'} since the evaluation; evaluate again`, {
      evaluated_against: ev.baseline.activeVersion,
      active: activeVersion,
    });
  }
  const evaluated: ModelEvent = { type: 'ModelEvaluated', data: { ...ev, modelType, evaluationId: command.evaluationId, at } };
  if (!command.autoActivate) return [evaluated];
  const { policy, actor } = command.autoActivate;
  const verdict = decideActivation({ ...ev.candidate, delong: ev.delong ?? null }, ev.baseline, policy);
  if (!verdict.allowed) {
    return [
      evaluated,
      {
        type: 'ModelActivationRejected',
        data: { modelType, version: ev.version, evaluationId: command.evaluationId, activeVersion, failures: verdict.failures, reason: verdict.reason, rejectedBy: actor, at },
      },
    ];
  }
  return [evaluated, ...activation(state, modelType, ev.version, at, actor, 'auto', verdict.reason)];
}

/** A review judges the current activation once; a rollback returns to the version it replaced. */
function reviewActivation(command: Of<'ReviewActivation'>, state: RegistryState): readonly ModelEvent[] {
  const { modelType, at } = command;
  const active = state.active;
  // The activation under review is no longer current (replaced, deactivated) or was judged already.
  if (!active || active.version !== command.version || active.activatedAt !== command.activationAt) return [];
  if (state.reviewed[reviewKey(command.version, command.activationAt)]) return [];
  const decision = decideRollback(command.candidate, command.predecessor, command.config);
  const figures = { candidate: command.candidate, predecessor: command.predecessor, activationAt: command.activationAt };
  if (decision.outcome !== 'rollback') {
    return [{ type: 'ModelActivationReviewed', data: { modelType, version: command.version, outcome: decision.outcome, reason: decision.reason, ...figures, at } }];
  }
  const toVersion = active.previousVersion;
  const rolledBack: ModelEvent = {
    type: 'ModelRolledBack',
    data: { modelType, fromVersion: command.version, toVersion, reason: decision.reason, rolledBackBy: command.actor, ...figures, at },
  };
  const reason = `rollback of ${command.version}: ${decision.reason}`;
  if (toVersion === null) {
    return [rolledBack, { type: 'ModelDeactivated', data: { modelType, version: command.version, deactivatedBy: command.actor, replacedBy: null, reason, at } }];
  }
  const moves = activation({ ...state, active }, modelType, toVersion, at, command.actor, 'rollback', reason);
  return [rolledBack, ...moves];
}

function decide(command: ModelCommand, state: RegistryState): readonly ModelEvent[] {
  const { modelType, at } = command;
  switch (command.kind) {
    case 'RecordTrainedModel': {
      if (state.runs[command.runId] !== undefined) return [];
      const version = nextVersionName(at, (v) => state.versions[v] !== undefined);
      return [{ type: 'ModelTrained', data: { ...command.model, modelType, version, runId: command.runId, at } }];
    }
    case 'RegisterModel': {
      const version = nextVersionName(at, (v) => state.versions[v] !== undefined);
      return [{ type: 'ModelRegistered', data: { ...command.model, modelType, version, at } }];
    }
    case 'RecordEvaluation':
      return recordEvaluation(command, state);
    case 'ActivateModel': {
      requireVersion(state, modelType, command.version);
      if (state.active?.version === command.version) return [];
      return activation(state, modelType, command.version, at, command.actor, 'manual', command.reason);
    }
    case 'DeactivateModel': {
      requireVersion(state, modelType, command.version);
      if (state.active?.version !== command.version) return [];
      return [{ type: 'ModelDeactivated', data: { modelType, version: command.version, deactivatedBy: command.actor, replacedBy: null, reason: command.reason, at } }];
    }
    case 'ReviewActivation':
      return reviewActivation(command, state);
    default:
      return assertNever(command, 'model command');
  }
}

export const modelRegistryDecider: Decider<RegistryState, ModelCommand, ModelEvent> = { initialState: initialRegistryState, evolve, decide };

/** Fold a stream (or a prefix of it, for as-of questions) into the registry state. */
export function foldRegistry(events: readonly ModelEvent[]): RegistryState {
  return events.reduce(evolve, initialRegistryState);
}
