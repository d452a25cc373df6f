// Column profiles of a CSV sample (pure): what `leadscore init` knows about each column before it
// recognises roles — how many cells are present, how many parse as numbers, dates or e-mail addresses,
// and the most frequent values (grouped as conditions compare them: trimmed, case-insensitive).
import { quantile as quantileOf } from '../stats.js';
import { PLACEHOLDER_TOKENS } from '../detect.js';
import { makeNulls, parseNumber, parseTimestamp, present } from '../value.js';

export interface ValueCount {
  /** The most frequent spelling of the value in the sample. */
  value: string;
  count: number;
}

export interface ColumnProfile {
  name: string;
  index: number;
  /** Normalised name: lower case, runs of non-alphanumerics as one `_` (e.g. "Job Title" -> job_title). */
  key: string;
  rows: number;
  present: number;
  numbers: number[];
  dates: number;
  emails: number;
  /** Distinct values, most frequent first (ties: first seen). */
  values: ValueCount[];
  /** Null-like placeholders seen in the column ("Select", "--None--", ...), as first spelt. */
  placeholders: string[];
}


const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function columnKey(name: string): string {
  return name.trim().toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
}

export function profileColumns(header: readonly string[], rows: readonly (readonly string[])[]): ColumnProfile[] {
  const nulls = makeNulls(['', ...PLACEHOLDER_TOKENS]);
  return header.map((name, index) => {
    const groups = new Map<string, { spellings: Map<string, number>; count: number; first: number }>();
    const placeholders = new Set<string>();
    const numbers: number[] = [];
    let pres = 0;
    let dates = 0;
    let emails = 0;
    rows.forEach((row, r) => {
      const raw = row[index];
      const v = present(raw, nulls);
      if (v === undefined) {
        const t = raw?.trim();
        if (t && ![...placeholders].some((x) => x.toLowerCase() === t.toLowerCase())) placeholders.add(t);
        return;
      }
      pres++;
      const n = parseNumber(v);
      if (!Number.isNaN(n)) numbers.push(n);
      else if (!Number.isNaN(parseTimestamp(v))) dates++;
      if (EMAIL.test(v)) emails++;
      const k = v.toLowerCase();
      let g = groups.get(k);
      if (!g) groups.set(k, (g = { spellings: new Map(), count: 0, first: r }));
      g.count++;
      g.spellings.set(v, (g.spellings.get(v) ?? 0) + 1);
    });
    const values = [...groups.values()]
      .sort((a, b) => b.count - a.count || a.first - b.first)
      .map((g) => ({ value: mostFrequent(g.spellings), count: g.count }));
    return { name, index, key: columnKey(name), rows: rows.length, present: pres, numbers, dates, emails, values, placeholders: [...placeholders].sort() };
  });
}

function mostFrequent(m: Map<string, number>): string {
  let best = '';
  let n = -1;
  for (const [k, c] of m) if (c > n) [best, n] = [k, c];
  return best;
}

/** Share of present cells that parse as numbers. */
export const numericShare = (p: ColumnProfile): number => (p.present ? p.numbers.length / p.present : 0);
/** Share of present cells that are dates (not plain numbers). */
export const dateShare = (p: ColumnProfile): number => (p.present ? p.dates / p.present : 0);
/** Share of present cells shaped like an e-mail address. */
export const emailShare = (p: ColumnProfile): number => (p.present ? p.emails / p.present : 0);
/** Share of present cells that are distinct. */
export const distinctShare = (p: ColumnProfile): number => (p.present ? p.values.length / p.present : 0);

/** A dropdown-like column: few distinct values that repeat. */
export function isCategorical(p: ColumnProfile): boolean {
  if (p.present === 0) return false;
  return p.values.length <= 40 && (p.values.length <= 12 || distinctShare(p) <= 0.2);
}

/** The q-quantile (0..1) of sorted numbers, nearest rank (src/core/stats.ts). */
export function quantile(sorted: readonly number[], q: number): number {
  return quantileOf(sorted, q, 'nearest-rank');
}
