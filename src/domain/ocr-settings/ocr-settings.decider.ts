import { Decider } from '../shared/decider';
import { ValidationError } from '../shared/errors';
import { CounterDeclared, CounterEvent, CounterReplaced, OcrSettingsEvent, PlateFormatsConfigured } from './ocr-settings.events';

export interface OcrSettingsState {
  readonly formats: readonly string[] | null;
}

export interface ConfigurePlateFormats {
  readonly type: 'ConfigurePlateFormats';
  readonly tenantId: string;
  readonly formats: readonly string[];
  readonly actorId: string;
}

/** Setting the list already in force is a no-op, so a retried PUT appends nothing. */
export const ocrSettingsDecider: Decider<OcrSettingsState, ConfigurePlateFormats, OcrSettingsEvent> = {
  initialState: { formats: null },
  evolve: (_state, event) => ({ formats: event.data.formats }),
  decide(command, state) {
    const formats = [...new Set(command.formats)];
    if (state.formats !== null && state.formats.join(',') === formats.join(',')) return [];
    const event: PlateFormatsConfigured = { type: 'PlateFormatsConfigured', data: { tenantId: command.tenantId, formats, configuredBy: command.actorId } };
    return [event];
  },
};

export interface CounterState {
  readonly declared: { readonly digits: number; readonly decimals: number } | null;
  /** When the counter was last replaced (command time); null if never. */
  readonly replacedAt: string | null;
}

export type CounterCommand =
  | { readonly type: 'DeclareCounter'; readonly tenantId: string; readonly assetId: string; readonly digits: number; readonly decimals: number; readonly actorId: string }
  | { readonly type: 'ReplaceCounter'; readonly tenantId: string; readonly assetId: string; readonly actorId: string; readonly at: string };

export const MAX_COUNTER_DIGITS = 10;

export const counterDecider: Decider<CounterState, CounterCommand, CounterEvent> = {
  initialState: { declared: null, replacedAt: null },
  evolve(state, event) {
    if (event.type === 'CounterDeclared') return { ...state, declared: { digits: event.data.digits, decimals: event.data.decimals } };
    return { ...state, replacedAt: event.data.replacedAt };
  },
  decide(command, state) {
    if (command.type === 'ReplaceCounter') {
      const event: CounterReplaced = { type: 'CounterReplaced', data: { tenantId: command.tenantId, assetId: command.assetId, replacedBy: command.actorId, replacedAt: command.at } };
      return [event];
    }
    const { digits, decimals } = command;
    if (!Number.isInteger(digits) || digits < 1 || digits > MAX_COUNTER_DIGITS || !Number.isInteger(decimals) || decimals < 0 || decimals >= digits || decimals > 4) {
      throw new ValidationError(`counter: digits must be an integer 1-${MAX_COUNTER_DIGITS} and decimals an integer 0-4 below digits`, { fields: { digits: ['1..10'], decimals: ['0..4, < digits'] } });
    }
    if (state.declared?.digits === digits && state.declared.decimals === decimals) return [];
    const event: CounterDeclared = { type: 'CounterDeclared', data: { tenantId: command.tenantId, assetId: command.assetId, digits, decimals, declaredBy: command.actorId } };
    return [event];
  },
};
