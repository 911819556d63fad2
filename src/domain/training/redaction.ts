import { isSealed } from '../privacy/sealed';
/**
 * Masks personal data in free text (labeler notes, OCR raw text) before it becomes training
 * data. Rules are deliberately shaped so that the readings the product exists for survive:
 * a meter value ("004512.7") has at most one separator and no "+", and a plate ("ABC1234")
 * mixes letters into its digits, so neither looks like a phone number, card or id.
 */
export type RedactionKind = 'email' | 'iban' | 'national_id' | 'card' | 'phone';

export interface RedactionResult {
  readonly text: string;
  /** One kind per masked occurrence, in the order the rules ran. */
  readonly redactions: RedactionKind[];
}

interface Rule {
  readonly kind: RedactionKind;
  readonly pattern: RegExp;
  /** Extra check on the match (checksums, digit counts); the match is kept when it fails. */
  readonly accept?: (match: string) => boolean;
}

const digitsOf = (s: string): string => s.replace(/\D/g, '');

/** Luhn checksum: every real card number passes; nine in ten random digit runs do not. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i += 1) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return digits.length > 0 && sum % 10 === 0;
}

/** ISO 13616 mod-97 check; letters count as 10..35. */
export function ibanValid(candidate: string): boolean {
  const compact = candidate.replace(/\s/g, '').toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(compact)) return false;
  const rearranged = compact.slice(4) + compact.slice(0, 4);
  let remainder = 0;
  for (const ch of rearranged) {
    const value = ch >= 'A' ? String(ch.charCodeAt(0) - 55) : ch;
    for (const digit of value) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder === 1;
}

/** No letter or digit directly before or after: a match never splits a word or a number. */
const START = '(?<![\\p{L}\\p{N}])';
const END = '(?![\\p{L}\\p{N}])';
const rx = (body: string): RegExp => new RegExp(`${START}(?:${body})${END}`, 'gu');

/**
 * Order matters: specific and checksummed shapes first, and "+"-prefixed phones before cards,
 * because a 13-digit phone passes Luhn one time in ten.
 */
const RULES: readonly Rule[] = [
  { kind: 'email', pattern: rx('[\\p{L}\\p{N}._%+-]+@[\\p{L}\\p{N}-]+(?:\\.[\\p{L}\\p{N}-]+)*\\.\\p{L}{2,}') },
  { kind: 'iban', pattern: rx('[A-Z]{2}\\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?'), accept: ibanValid },
  {
    kind: 'national_id',
    // Brazilian CPF 123.456.789-09, CNPJ 12.345.678/0001-95, US SSN 123-45-6789: always punctuated.
    pattern: rx('\\d{3}\\.\\d{3}\\.\\d{3}-\\d{2}|\\d{2}\\.\\d{3}\\.\\d{3}/\\d{4}-\\d{2}|\\d{3}-\\d{2}-\\d{4}'),
  },
  {
    kind: 'phone',
    // International: "+" then 8-15 digits in groups, optionally a bracketed area code.
    pattern: /(?<![\p{L}\p{N}+])\+\d{1,3}(?:[ .-]?\(?\d{1,5}\)?){1,5}(?![\p{L}\p{N}])/gu,
    accept: (m) => digitsOf(m).length >= 8 && digitsOf(m).length <= 15,
  },
  {
    kind: 'card',
    pattern: rx('\\d(?:[ -]?\\d){12,18}'),
    accept: (m) => {
      const d = digitsOf(m);
      return d.length >= 13 && d.length <= 19 && luhnValid(d);
    },
  },
  {
    kind: 'phone',
    // Local: "(11) 98765-4321", "0171 555 1234", "555-123-4567", "98765-4321". Separators are
    // spaces, dashes or brackets (not dots), so a decimal meter value never matches.
    pattern: rx('\\(\\d{2,4}\\) ?\\d{3,5}[ -]?\\d{4}|\\d{2,5}[ -]\\d{3,4}[ -]\\d{4}|\\d{4,5}-\\d{4}'),
    accept: (m) => digitsOf(m).length >= 8 && digitsOf(m).length <= 12,
  },
];

const MASKS: Readonly<Record<RedactionKind, string>> = {
  email: '[EMAIL]',
  iban: '[IBAN]',
  national_id: '[NATIONAL_ID]',
  card: '[CARD]',
  phone: '[PHONE]',
};

export function redactPii(text: string): RedactionResult {
  const redactions: RedactionKind[] = [];
  let out = text;
  for (const rule of RULES) {
    out = out.replace(rule.pattern, (match) => {
      if (rule.accept !== undefined && !rule.accept(match)) return match;
      redactions.push(rule.kind);
      return MASKS[rule.kind];
    });
  }
  return { text: out, redactions };
}

/** Redacts free text; a sealed personal field is opaque and passes unchanged (redacting inside it would make it unopenable). */
export function redactUnlessSealed(text: string): string {
  return isSealed(text) ? text : redactPii(text).text;
}
