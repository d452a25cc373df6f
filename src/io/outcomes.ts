// --outcomes FILE --outcomes-id COL for evaluate and train: the outcomes file read into memory as
// id -> outcome cell, and the converted rule for it (core/learn/converted.ts). The file is LEFT-joined
// on the lead id by the caller: a lead not in the file did not convert. Without an outcome column,
// being in the file is the conversion (a closed-deals export); with one, its value by the rule.
import { columnMatcher } from '../core/columns.js';
import {
  type ConvertedRule, classifyOutcome, convertedRule, countOutcome, newOutcomeCounts, outcomeKind,
} from '../core/learn/converted.js';
import { type Nulls, detach, present } from '../core/value.js';
import { missingColumn, openInput, type InputOptions } from './inputs.js';

export const LS_OUTCOME_COLUMN = 'LS140';
export const LS_OUTCOMES_ID = 'LS141';

export interface OutcomesTable {
  path: string;
  idColumn: string;
  /** The outcome column of the file, or undefined: being in the file is the outcome. */
  column: string | undefined;
  /** id -> the outcome cell, trimmed, or undefined when empty / a null value (the first row of an id wins). */
  byId: Map<string, string | undefined>;
  rule: ConvertedRule;
  /** Data rows of the file, and rows left out (no id, or an id seen before). */
  rows: number;
  duplicates: number;
}

/** The join's counts, for the terminal and the report. */
export interface OutcomesJoin {
  /** Evaluated (scored) leads found in the outcomes file. */
  matched: number;
  /** Leads not in the outcomes file: negatives. */
  unmatched: number;
  /** Distinct ids of the outcomes file that are not among the leads (a wrong --outcomes-id shows here). */
  idsNotFound: number;
}

export interface ReadOutcomesOptions extends InputOptions {
  file: string;
  idColumn: string;
  outcome?: string;
  positive?: readonly string[];
  nulls: Nulls;
}

export async function readOutcomesTable(o: ReadOutcomesOptions): Promise<OutcomesTable> {
  const f = await openInput(o.file, 'outcomes', o);
  const m = columnMatcher(f.header);
  const ii = m(o.idColumn);
  if (ii < 0) {
    f.close();
    throw missingColumn(o.idColumn, f.header, f.path, 'lead id (--outcomes-id)', LS_OUTCOMES_ID, f.headerLine);
  }
  let oi = -1;
  if (o.outcome !== undefined) {
    oi = m(o.outcome);
    if (oi < 0) {
      f.close();
      throw missingColumn(o.outcome, f.header, f.path, 'outcome (--outcome)', LS_OUTCOME_COLUMN, f.headerLine);
    }
  }
  const positive = o.positive && o.positive.length ? o.positive : undefined;
  const counts = newOutcomeCounts();
  const byId = new Map<string, string | undefined>();
  let rows = 0;
  let duplicates = 0;
  for await (const batch of f.batches(() => undefined)) {
    for (const r of batch) {
      rows++;
      const id = (r.fields[ii] ?? '').trim();
      if (!id || byId.has(id)) {
        duplicates++;
        continue;
      }
      const cell = oi >= 0 ? present(r.fields[oi], o.nulls) : undefined;
      byId.set(detach(id), cell === undefined ? undefined : detach(cell));
      if (cell !== undefined) countOutcome(counts, classifyOutcome(cell));
    }
  }
  const kind = oi < 0 ? 'presence' : outcomeKind(counts, positive);
  return { path: f.path, idColumn: o.idColumn, column: o.outcome, byId, rule: convertedRule(kind, positive), rows, duplicates };
}

/**
 * The LEFT join of the leads `ids` (in order) with the outcomes file: 1 converted, 0 did not (a lead not
 * in the file, or a value the rule does not read as converted; an empty cell of a date column), and
 * undefined for a lead in the file whose outcome cell is empty in a word column (no outcome: left out).
 * init uses it on its sample; evaluate and train label the same way on their own arrays.
 */
export function joinOutcomes(t: OutcomesTable, ids: readonly string[]): { y: (0 | 1 | undefined)[]; join: OutcomesJoin } {
  let inFile = 0;
  const found = new Set<string>();
  const y = ids.map((id): 0 | 1 | undefined => {
    if (!t.byId.has(id)) return 0;
    inFile++;
    found.add(id);
    if (t.rule.kind === 'presence') return 1;
    const v = t.byId.get(id);
    if (v === undefined) return t.rule.missingIsNegative ? 0 : undefined;
    return t.rule.converted(v) ? 1 : 0;
  });
  return { y, join: { matched: inFile, unmatched: ids.length - inFile, idsNotFound: t.byId.size - found.size } };
}
