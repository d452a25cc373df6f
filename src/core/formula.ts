// The spreadsheet formula guard (PRODUCT.md §4, docs/input.md "Formula guard"): which output cells a
// spreadsheet would run as a formula, and how the guard marks them. One definition, used by the CSV
// writer (core/csv/writer.ts) and by --previous to recognise ids a guarded scored.csv wrote.

/** A plain number such as -5, +3.2, -.5, 1e-3: stays a number under the formula guard. */
const PLAIN_NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** = + - @ TAB CR: the first characters a spreadsheet reads as the start of a formula. */
export function startsLikeFormula(c: number): boolean {
  return c === 61 || c === 43 || c === 45 || c === 64 || c === 9 || c === 13;
}

/** The cell would run as a formula in a spreadsheet (and is not a plain number). */
export function isFormulaLike(v: string): boolean {
  return v.length > 0 && startsLikeFormula(v.charCodeAt(0)) && !PLAIN_NUMBER.test(v);
}

/** The prefix the guard puts before a formula-like cell. */
export const GUARD_PREFIX = "'";

/** A cell as the guard writes it: `'` + the cell when it is formula-like, else the cell. */
export function guardCell(v: string): string {
  return isFormulaLike(v) ? GUARD_PREFIX + v : v;
}

/**
 * The value a guarded cell was written from, when the cell is exactly what the guard makes of a
 * formula-like value (`'` + a formula-like value); undefined otherwise.
 */
export function unguardCell(v: string): string | undefined {
  return v.length > 1 && v.charCodeAt(0) === 39 && isFormulaLike(v.slice(1)) ? v.slice(1) : undefined;
}

/**
 * Yesterday's ids (of a --previous scored.csv) keyed as today's ids: an id the formula guard wrote as
 * `'+5i60kub` (before ids were exempt from the guard, or by another tool) is recognised as `+5i60kub`.
 * Only when that is unambiguous: not when the previous file also has `+5i60kub` itself, and not when
 * today's leads have an id `'+5i60kub` (a real id with a leading quote: then the exact match holds).
 */
export function unguardPreviousIds<T>(previous: ReadonlyMap<string, T>, isCurrentId: (id: string) => boolean): Map<string, T> {
  const out = new Map<string, T>();
  for (const [id, v] of previous) {
    const plain = unguardCell(id);
    if (plain !== undefined && !previous.has(plain) && !isCurrentId(id)) out.set(plain, v);
    else out.set(id, v);
  }
  return out;
}
