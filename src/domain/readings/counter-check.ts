/**
 * What an asset's counter history says about a new reading. A cut photo ("73" of "00731.0") or a
 * blurred one ("333" of a six-digit counter) reads well-formed digits with confident characters;
 * only the counter's width and its past readings expose it. Pure, so the rules are tested alone.
 */
export interface TrustedReading {
  readonly text: string;
  readonly value: number;
  /** When the reading was recorded (ISO 8601), to order it against a counter replacement. */
  readonly at: string;
}

export interface CounterFacts {
  readonly declared: { readonly digits: number; readonly decimals: number } | null;
  /** The asset's confident or labeled readings, oldest first. */
  readonly history: readonly TrustedReading[];
  /** When the counter was last replaced (ISO 8601), null if never. */
  readonly replacedAt: string | null;
}

export interface CounterVerdict {
  readonly confidence: number;
  /** Why the confidence was lowered, null when it was not. */
  readonly reason: 'fewer_digits' | 'went_backwards' | null;
  /** The width the reading was held to, declared or learned; null when unknown. */
  readonly width: number | null;
}

/** A doubted counter reading stays below the capture threshold, so a person checks it. */
export const COUNTER_DOUBT_CAP = 0.6;
/** A previous reading above this share of the counter's maximum may roll over to a small one. */
export const ROLLOVER_SHARE = 0.9;

export function digitCount(text: string): number {
  return text.replace(/[^0-9]/g, '').length;
}

/** The width learned from history: the most digits a trusted reading of this counter showed. */
export function counterWidth(facts: CounterFacts): { digits: number; decimals: number } | null {
  if (facts.declared !== null) return facts.declared;
  const since = facts.history.filter((r) => facts.replacedAt === null || r.at > facts.replacedAt);
  if (since.length === 0) return null;
  const widest = since.reduce((a, b) => (digitCount(b.text) > digitCount(a.text) ? b : a));
  const dot = widest.text.indexOf('.');
  return { digits: digitCount(widest.text), decimals: dot < 0 ? 0 : widest.text.length - dot - 1 };
}

export function checkCounterReading(text: string, value: number | null, confidence: number, facts: CounterFacts): CounterVerdict {
  const width = counterWidth(facts);
  if (width !== null && digitCount(text) < width.digits) return { confidence: Math.min(confidence, COUNTER_DOUBT_CAP), reason: 'fewer_digits', width: width.digits };
  const latest = facts.history.at(-1);
  const replacedSince = latest !== undefined && facts.replacedAt !== null && facts.replacedAt > latest.at;
  if (latest !== undefined && value !== null && value < latest.value && !replacedSince) {
    const integerDigits = width === null ? digitCount(latest.text.split('.')[0]) : width.digits - width.decimals;
    const maximum = 10 ** Math.max(1, integerDigits);
    const rollover = latest.value >= ROLLOVER_SHARE * maximum;
    if (!rollover) return { confidence: Math.min(confidence, COUNTER_DOUBT_CAP), reason: 'went_backwards', width: width?.digits ?? null };
  }
  return { confidence, reason: null, width: width?.digits ?? null };
}
