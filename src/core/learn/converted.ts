// The ONE rule for "converted": which outcome values count as a conversion, used by evaluate, train and
// init (docs/evaluate.md "Outcomes", docs/train.md). Two kinds of outcome column:
// - a word column (won/lost, yes/no, 1/0, Closed Won/Closed Lost, ...): a value converts when it is one
//   of CONVERTED_WORDS (case-insensitive; spaces, `-` and `_` between words are the same), or one of the
//   values given with --positive, which then replace the words. An empty cell is no outcome.
// - with an outcomes file (--outcomes, a left join on the lead id): a lead not in the file did not
//   convert; without an outcome column, being in the file is the conversion (kind `presence`).
// - a date column (won_date, closed_at, converted_on: most present values are dates or timestamps): a
//   cell converts when it holds a date or timestamp (or a converted word); an empty cell, or other text
//   such as `never` or `-`, did not convert.
import { parseTimestamp } from '../value.js';

/** Outcome values that mean converted, in normalised form (see normaliseOutcome). */
export const CONVERTED_WORDS: readonly string[] = [
  'true', 't', '1', '1.0', 'yes', 'y', 'won', 'win', 'closed won', 'converted', 'convert', 'success', 'successful', 'positive',
];

const WORDS = new Set(CONVERTED_WORDS);

/** Trimmed, lower-case, with runs of spaces, `-` and `_` as one space: `Closed-Won` -> `closed won`. */
export function normaliseOutcome(v: string): string {
  return v.trim().toLowerCase().replace(/[\s_-]+/g, ' ');
}

/** The value is one of the converted words. */
export function isConvertedWord(v: string): boolean {
  return WORDS.has(normaliseOutcome(v));
}

/**
 * The value is a date or a timestamp: ISO 8601 (`2026-03-14`, `2026-03-14T10:00:00Z`, `2026-03-14 10:00`)
 * or day/month-first with a 4-digit year (`14.03.2026`, `03/14/2026`). Numbers alone (epoch seconds
 * included) are not dates here, so that a 0/1 column stays a word column.
 */
export function isDateLike(v: string): boolean {
  const s = v.trim();
  if (s.length < 8 || /^\d+$/.test(s)) return false;
  return !Number.isNaN(parseTimestamp(s)) || !Number.isNaN(parseTimestamp(s, 'dmy')) || !Number.isNaN(parseTimestamp(s, 'mdy'));
}

/** What one present outcome value is, before the column's kind is known. */
export const OutcomeClass = {
  /** a converted word */
  Word: 0,
  /** a date or timestamp */
  Date: 1,
  /** any other present value */
  Other: 2,
} as const;
export type OutcomeClass = (typeof OutcomeClass)[keyof typeof OutcomeClass];

export function classifyOutcome(v: string): OutcomeClass {
  if (isConvertedWord(v)) return OutcomeClass.Word;
  if (isDateLike(v)) return OutcomeClass.Date;
  return OutcomeClass.Other;
}

/** Counts of present outcome values per class (fill with countOutcome, then decide with outcomeKind). */
export interface OutcomeCounts {
  word: number;
  date: number;
  other: number;
}

export function newOutcomeCounts(): OutcomeCounts {
  return { word: 0, date: 0, other: 0 };
}

export function countOutcome(c: OutcomeCounts, cls: OutcomeClass): void {
  if (cls === OutcomeClass.Word) c.word++;
  else if (cls === OutcomeClass.Date) c.date++;
  else c.other++;
}

/** `presence`: an outcomes file without an outcome column, where being in the file is the conversion. */
export type OutcomeKind = 'words' | 'dates' | 'positive' | 'presence';

/** A column is a date column when more than half of its present values are dates or timestamps. */
export function outcomeKind(c: OutcomeCounts, positive?: readonly string[]): OutcomeKind {
  if (positive && positive.length) return 'positive';
  const present = c.word + c.date + c.other;
  return present > 0 && c.date * 2 > present ? 'dates' : 'words';
}

export interface ConvertedRule {
  kind: OutcomeKind;
  /** Whether a present (non-null) value converts. */
  converted(value: string): boolean;
  /** Dates: an empty cell did not convert (a negative). Words and --positive: an empty cell is no outcome. */
  missingIsNegative: boolean;
  /** For reports: what counts as converted. */
  describe: string;
}

/** The rule for one outcome column, from its kind (and the --positive values, which replace the words). */
export function convertedRule(kind: OutcomeKind, positive?: readonly string[]): ConvertedRule {
  if (kind === 'presence') {
    return { kind, converted: () => true, missingIsNegative: true, describe: 'in the outcomes file' };
  }
  if (kind === 'positive') {
    const set = new Set((positive ?? []).map(normaliseOutcome));
    return { kind, converted: (v) => set.has(normaliseOutcome(v)), missingIsNegative: false, describe: [...(positive ?? [])].join(', ') };
  }
  if (kind === 'dates') {
    return { kind, converted: (v) => isDateLike(v) || isConvertedWord(v), missingIsNegative: true, describe: 'a date or timestamp (an empty cell: not converted)' };
  }
  return { kind, converted: isConvertedWord, missingIsNegative: false, describe: CONVERTED_WORDS.join(', ') };
}

/** The rule for a column whose present values are all at hand (train, init, an outcomes file). */
export function convertedRuleFor(values: Iterable<string>, positive?: readonly string[]): ConvertedRule {
  const c = newOutcomeCounts();
  for (const v of values) countOutcome(c, classifyOutcome(v));
  return convertedRule(outcomeKind(c, positive), positive);
}
