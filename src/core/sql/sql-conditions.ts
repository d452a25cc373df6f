// The columns a model reads and its conditions ({all|any|not} trees of operator leaves) written as SQL
// boolean expressions, with the operators' rules of src/core/score/compiled.ts (missing cells, numbers
// read from text, case-insensitive text, ages in days). Pure.
import type { Condition, Operator } from '../model/types.js';
import { parseNumber } from '../value.js';
import { normaliseColumn } from '../columns.js';
import { RegexRefusal, translateRegex } from './regex.js';
import type { SqlValues } from './sql-values.js';

/** One source column and the names of its derived columns in the query. */
export interface Col {
  name: string;
  /** Raw text column (CAST of the table column). */
  raw: string;
  /** Present text (trimmed as present() trims; NULL when missing). */
  v: string;
  n: string;
  t: string;
  needN: boolean;
  needT: boolean;
  /** Fully trimmed text (quality checks). */
  q: string;
  needQ: boolean;
}

/** How a condition leaf reads its field in the current scope. */
export type Cell =
  | { kind: 'text'; col: Col; v: string; n: string; t: string }
  | { kind: 'number'; x: string; field: string; integer: boolean };

/** Records a refusal (a diagnostic: the model cannot be compiled exactly) and lets compilation go on. */
export type Refuse = (code: string, message: string, path: string | undefined, hint: string) => void;

/** The columns of one table the model reads, in first-use order, named `<prefix>r<i>`, `<prefix>v<i>`… */
export class ColumnSet {
  private readonly map = new Map<string, Col>();
  constructor(private readonly prefix: string) {}

  get(field: string): Col {
    const key = normaliseColumn(field);
    let c = this.map.get(key);
    if (!c) {
      const i = this.map.size;
      const p = this.prefix;
      c = { name: field.trim(), raw: `${p}r${i}`, v: `${p}v${i}`, n: `${p}n${i}`, t: `${p}t${i}`, needN: false, needT: false, q: `${p}q${i}`, needQ: false };
      this.map.set(key, c);
    }
    return c;
  }

  all(): Col[] {
    return [...this.map.values()];
  }
}

/** The cell of a column read as text. */
export function textCell(c: Col): Cell {
  return { kind: 'text', col: c, v: c.v, n: c.n, t: c.t };
}

/** Mark what a condition needs of its columns (numbers, timestamps). */
export function markNeeds(c: Condition, resolve: (field: string) => Col | undefined): void {
  if (c.kind === 'all' || c.kind === 'any') return c.items.forEach((i) => markNeeds(i, resolve));
  if (c.kind === 'not') return markNeeds(c.item, resolve);
  const col = resolve(c.field);
  if (!col) return;
  for (const o of c.ops) {
    if (o.op === 'gt' || o.op === 'gte' || o.op === 'lt' || o.op === 'lte' || o.op === 'between') col.needN = true;
    if (o.op === 'equals' || o.op === 'in' || o.op === 'not_in') {
      const vals = o.op === 'equals' ? [o.value] : o.value;
      if (vals.some((x) => !Number.isNaN(typeof x === 'number' ? x : parseNumber(String(x).trim().toLowerCase())))) col.needN = true;
    }
    if (o.op === 'within_days' || o.op === 'older_than_days') col.needT = true;
  }
}

export class ConditionSql {
  constructor(
    private readonly v: SqlValues,
    private readonly refuse: Refuse,
  ) {}

  /** A condition as a SQL boolean; `cell` resolves a field in scope, `asOf` is the as-of in epoch ms. */
  cond(c: Condition, cell: (field: string, path: string) => Cell, asOf: string): string {
    switch (c.kind) {
      case 'all':
        return c.items.length ? '(' + c.items.map((i) => this.cond(i, cell, asOf)).join(' AND ') + ')' : 'TRUE';
      case 'any':
        return c.items.length ? '(' + c.items.map((i) => this.cond(i, cell, asOf)).join(' OR ') + ')' : 'FALSE';
      case 'not':
        return `(NOT ${this.cond(c.item, cell, asOf)})`;
      case 'leaf': {
        const x = cell(c.field, c.path);
        const onMissing = c.ops.every((o) => (o.op === 'missing' && o.value) || (o.op === 'present' && !o.value));
        const tests = c.ops.map((o) => this.op(o, x, c.path, asOf));
        const isNull = x.kind === 'text' ? `${x.v} IS NULL` : `${x.x} IS NULL`;
        return `(CASE WHEN ${isNull} THEN ${onMissing ? 'TRUE' : 'FALSE'} ELSE ${tests.length ? tests.join(' AND ') : 'TRUE'} END)`;
      }
    }
  }

  /** A JS regex in this dialect, or a refusal (LS191). */
  private regex(e: string, source: string, ci: boolean, path: string | undefined): string {
    const d = this.v.d;
    try {
      return d.regexMatch(e, translateRegex(source, d.flavor, d.maxRepeat), ci);
    } catch (err) {
      if (err instanceof RegexRefusal) {
        this.refuse('LS191', `the regular expression ${JSON.stringify(source)} uses ${err.feature}, which ${d.name} cannot express the same way`, path, `rewrite the pattern without it, or score this model with \`leadscore score\``);
        return 'FALSE';
      }
      throw err;
    }
  }

  private textOf(x: Cell, path: string, what: string): string {
    if (x.kind === 'text') return x.v;
    if (x.integer) return this.v.d.intText(x.x);
    this.refuse('LS192', `${what} on the computed field "${x.field}" (a fractional number) cannot be compiled to SQL the same way`, path, 'compare it with gt/gte/lt/lte/between/equals instead');
    return 'FALSE';
  }

  private equals(expected: string | number | boolean, x: Cell): string {
    const text = String(expected).trim().toLowerCase();
    const num = typeof expected === 'number' ? expected : parseNumber(text);
    const d = this.v.d;
    const lit = (n: number) => this.v.lit(n);
    if (x.kind === 'number') {
      if (Number.isNaN(num)) return x.integer ? `${d.intText(x.x)} = ${d.str(text)}` : 'FALSE';
      return `${x.x} = ${lit(num)}`;
    }
    if (Number.isNaN(num)) return `LOWER(${x.v}) = ${d.str(text)}`;
    return `(CASE WHEN ${x.n} IS NOT NULL THEN ${x.n} = ${lit(num)} ELSE LOWER(${x.v}) = ${d.str(text)} END)`;
  }

  private op(o: Operator, x: Cell, path: string, asOf: string): string {
    const d = this.v.d;
    const lit = (n: number) => this.v.lit(n);
    const n = x.kind === 'text' ? x.n : x.x;
    switch (o.op) {
      case 'equals':
        return this.equals(o.value, x);
      case 'in':
      case 'not_in': {
        const any = o.value.length ? '(' + o.value.map((v) => this.equals(v, x)).join(' OR ') + ')' : 'FALSE';
        return o.op === 'in' ? any : `(NOT ${any})`;
      }
      case 'contains':
      case 'starts_with':
      case 'ends_with': {
        const s = `LOWER(${this.textOf(x, path, o.op)})`;
        const parts = o.value.map((v) => {
          const needle = v.trim().toLowerCase();
          const l = d.str(needle);
          if (o.op === 'contains') return `${d.strpos(s, l)} > 0`;
          const len = [...needle].length;
          if (len === 0) return 'TRUE';
          return o.op === 'starts_with' ? `SUBSTR(${s}, 1, ${len}) = ${l}` : `(LENGTH(${s}) >= ${len} AND SUBSTR(${s}, LENGTH(${s}) - ${len - 1}, ${len}) = ${l})`;
        });
        return parts.length ? '(' + parts.join(' OR ') + ')' : 'FALSE';
      }
      case 'matches':
        return this.regex(this.textOf(x, path, 'matches'), o.value, true, path);
      case 'gt':
        return `COALESCE(${n} > ${lit(o.value)}, FALSE)`;
      case 'gte':
        return `COALESCE(${n} >= ${lit(o.value)}, FALSE)`;
      case 'lt':
        return `COALESCE(${n} < ${lit(o.value)}, FALSE)`;
      case 'lte':
        return `COALESCE(${n} <= ${lit(o.value)}, FALSE)`;
      case 'between':
        return `COALESCE(${n} >= ${lit(o.value[0])} AND ${n} <= ${lit(o.value[1])}, FALSE)`;
      case 'missing':
        return o.value ? 'FALSE' : 'TRUE';
      case 'present':
        return o.value ? 'TRUE' : 'FALSE';
      case 'within_days':
      case 'older_than_days': {
        const t = x.kind === 'text' ? x.t : x.x;
        const age = `((${asOf} - ${t}) / ${this.v.dayMs()})`;
        return o.op === 'within_days'
          ? `COALESCE(${age} >= 0 AND ${age} <= ${lit(o.value)}, FALSE)`
          : `COALESCE(${age} > ${lit(o.value)}, FALSE)`;
      }
    }
  }
}
