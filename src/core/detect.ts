// What an export's columns are, before any model: which cells are placeholders for "nothing" and which
// columns are ids. ONE definition, used by `train` (left out of the features, treated as missing) and
// `init` (null_values, no rules on ids). Pure.
//
// Placeholders are found by frequency: a cell that spells a known "no value" token (`Select`, `-`,
// `N/A`, `unknown`, `none`, ...) counts when it fills at least PLACEHOLDER_MIN_SHARE of some column's
// rows (or PLACEHOLDER_MIN_CELLS cells) — a token seen once is noise, not the export's convention.
//
// An id-like column identifies a row instead of describing it: a text column whose present values are
// (almost) all distinct, or an integer column whose values are all distinct and either move with the row
// number (sequential: each value above, or each below, the one in the row before) or whose name says
// it is a number/id (`Lead Number`, `customer_no`).

/** Cells that exports use for "no value" (compared trimmed, case-insensitively). */
export const PLACEHOLDER_TOKENS: readonly string[] = [
  'select', '--select--', '- select -', 'please select', 'choose one', '-', '--', '---', 'n/a', 'na', '#n/a', 'n.a.',
  'none', '--none--', '(none)', 'unknown', '(unknown)', 'not specified', 'not provided', 'not available',
  'null', '(null)', 'nil', 'nan', 'undefined', '(blank)', '?', '(not set)', 'tbd',
];
const TOKENS = new Set(PLACEHOLDER_TOKENS);

export const PLACEHOLDER_MIN_SHARE = 0.01;
export const PLACEHOLDER_MIN_CELLS = 20;

export function isPlaceholderToken(cell: string): boolean {
  return TOKENS.has(cell.trim().toLowerCase());
}

export interface Placeholder {
  /** As first spelt in the file (e.g. `Select`). */
  token: string;
  /** Cells holding it, over all columns. */
  cells: number;
  /** Columns where it is frequent enough to count, with its cell count there. */
  columns: { name: string; count: number }[];
}

/**
 * Placeholders of a sample (row-major cells, `header` names), most frequent first. `skip`: column
 * indexes not to look at (e.g. the outcome).
 */
export function detectPlaceholders(header: readonly string[], rows: readonly (readonly (string | undefined)[])[], skip: ReadonlySet<number> = new Set()): Placeholder[] {
  const perColumn = header.map(() => new Map<string, number>());
  const spelling = new Map<string, string>();
  for (const row of rows) {
    for (let c = 0; c < header.length; c++) {
      if (skip.has(c)) continue;
      const raw = row[c];
      if (raw === undefined) continue;
      const t = raw.trim();
      if (!t) continue;
      const k = t.toLowerCase();
      if (!TOKENS.has(k)) continue;
      if (!spelling.has(k)) spelling.set(k, t);
      const m = perColumn[c]!;
      m.set(k, (m.get(k) ?? 0) + 1);
    }
  }
  const min = Math.min(PLACEHOLDER_MIN_CELLS, Math.max(2, Math.ceil(PLACEHOLDER_MIN_SHARE * rows.length)));
  const found = new Map<string, Placeholder>();
  perColumn.forEach((m, c) => {
    for (const [k, count] of m) {
      let p = found.get(k);
      if (!p) found.set(k, (p = { token: spelling.get(k)!, cells: 0, columns: [] }));
      p.cells += count;
      if (count >= min) p.columns.push({ name: header[c]!, count });
    }
  });
  return [...found.values()].filter((p) => p.columns.length > 0).sort((a, b) => b.cells - a.cells || (a.token < b.token ? -1 : 1));
}

const ID_NAME = /(^|[^a-z])(id|ids|uuid|guid|key|number|no|num|nr)$/i;

export const ID_DISTINCT_SHARE = 0.95;
export const SEQUENTIAL_SHARE = 0.95;

/**
 * Why a column is id-like (a reason in plain words), or undefined. `cells`: the column's trimmed present
 * values in file order (undefined = missing); `name`: its header.
 */
export function idLikeReason(name: string, cells: readonly (string | undefined)[]): string | undefined {
  const values: string[] = [];
  for (const c of cells) if (c !== undefined && c !== '') values.push(c);
  if (values.length < 10 || values.length < 0.9 * cells.length) return undefined;
  const distinct = new Set(values.map((v) => v.toLowerCase())).size;
  const integers = values.every((v) => /^[+-]?\d+$/.test(v));
  if (!integers) {
    // text (or decimals): unique per row is an id, an e-mail or free text; none is a feature
    if (distinct >= ID_DISTINCT_SHARE * values.length && !values.every((v) => /^[+-]?(\d+\.?\d*|\.\d+)$/.test(v))) {
      return `unique per row (${distinct} distinct values in ${values.length} rows): an id, not a feature`;
    }
    return undefined;
  }
  if (distinct < values.length) return undefined;
  let up = 0;
  let down = 0;
  for (let i = 1; i < values.length; i++) {
    const d = Number(values[i]) - Number(values[i - 1]);
    if (d > 0) up++;
    else if (d < 0) down++;
  }
  if (Math.max(up, down) >= SEQUENTIAL_SHARE * (values.length - 1)) {
    return `sequential with the row number (${up >= down ? 'increasing' : 'decreasing'}, every value distinct): an id, not a feature`;
  }
  if (ID_NAME.test(name.trim())) return `a whole number unique per row named like an id: an id, not a feature`;
  return undefined;
}
