// A validated model compiled to one SQL query (CTEs allowed) that returns, per lead, what `score` writes:
// id, rank, score, band, grade, fit, engagement, flags, reasons, interest_<name> (and segment). Pure.
//
// Every value is reproduced with score's own rules (PRODUCT.md §2 and src/core/score/*):
// - every column is read as text and goes through the same steps as a CSV cell: trimmed (JS's trim set),
//   missing when empty or a null_values token (case-insensitive), numbers by parseNumber's patterns,
//   timestamps by parseTimestamp's (ISO forms, epoch seconds/milliseconds), computed field by field;
// - decay factors are summed as integers of 1e-9 exactly as the fold does (round(f × 1e9) per activity),
//   so sums do not depend on the engine's summation order; max_count keeps the N most recent per rule
//   (ROW_NUMBER over the lead's matching activities by time, ties give the same factor);
// - reasons: contributions unpivoted, the 5 largest |points| (then rule order), formatted as
//   formatPoints writes them; score/fit/engagement/interests rounded to cents as formatFixed2 does.
// Anything the dialect cannot express is refused with a diagnostic (LS190-LS196), never compiled wrongly.
import type { Condition, Diagnostic, EngagementRule, FitRule, Model, Operator, Result } from '../model/types.js';
import { ACTIVITY_FEATURE, SIGNAL_FIELDS } from '../model/types.js';
import { applySegment } from '../score/compiled.js';
import { DAY_MS, parseNumber } from '../value.js';
import { normaliseColumn } from '../columns.js';
import { DIALECT, type Dialect, type DialectName } from './dialect.js';
import { JS_SPACE, RegexRefusal, translateRegex } from './regex.js';

export type AsOf = { kind: 'ms'; ms: number } | { kind: 'now' } | { kind: 'dbt-var' };

export interface SqlOptions {
  dialect: DialectName;
  /** Table (or dbt ref) of leads; default `leads`. */
  leads?: string;
  /** Activity tables (unioned); default [`activities`] when the model has engagement rules or signals. */
  activities?: string[];
  asOf: AsOf;
  /** Column that orders lead rows: the first row of a duplicated id wins, and `$row` numbers rows by it. */
  orderBy?: string;
  /** A table with a `domain` column used instead of the inline list of disposable domains. */
  domainsTable?: string;
  /** The maintained list of disposable domains (lower case), written inline when no domainsTable. */
  disposableDomains: readonly string[];
  /** `dbt`: tables as {{ ref('…') }}, as-of from var('leadscore_as_of'), a config header. */
  emit?: 'sql' | 'dbt';
  /** Also return score_unrounded, fit_unrounded, engagement_unrounded (doubles). */
  unrounded?: boolean;
  /** Model path for diagnostics. */
  file?: string;
  /** Comment lines written at the top. */
  banner?: string[];
}

/** Labels a --domains-table entry may have at most (the bundled list has at most 4). */
export const DOMAIN_TABLE_MAX_LABELS = 8;

const SCALE = 1e9;

interface Col {
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
type Cell =
  | { kind: 'text'; col: Col; v: string; n: string; t: string }
  | { kind: 'number'; x: string; field: string; integer: boolean };

type NumberFormat = 'point' | 'comma';

const ISO = '^\\d{4}-\\d{2}-\\d{2}(?:[Tt ]\\d{2}:\\d{2}(?::\\d{2}(?:[.,]\\d+)?)?(?:[Zz]|[+-]\\d{2}(?::?\\d{2})?)?)?$';
const PLAIN_NUMBER = '^[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?$';
const THOUSANDS_COMMA = '^[+-]?\\d{1,3}(,\\d{3})+(\\.\\d+)?$';
const THOUSANDS_DOT_ONLY = '^[+-]?\\d{1,3}(\\.\\d{3})+$';
const THOUSANDS_DOT_DECIMAL_COMMA = '^[+-]?\\d{1,3}(\\.\\d{3})+(,\\d+)?$';
const DECIMAL_COMMA = '^[+-]?\\d+,\\d+$';
const THOUSANDS_SPACE_DECIMAL_COMMA = '^[+-]?\\d{1,3}([ \\u00a0\\u202f]\\d{3})+(,\\d+)?$';
const NUMERIC_ID = '^\\d{1,15}$';
const EMAIL = '^[^\\s@"(),:;<>[\\]\\\\]+@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*\\.[a-z]{2,}$';

function jsSpaceChars(): string {
  let s = '';
  for (const [a, b] of JS_SPACE) for (let c = a; c <= b; c++) s += String.fromCharCode(c);
  return s;
}

export class SqlCompiler {
  readonly d: Dialect;
  private readonly model: Model;
  private readonly o: SqlOptions;
  private readonly errors: Diagnostic[] = [];
  private readonly leadCols = new Map<string, Col>();
  private readonly actCols = new Map<string, Col>();
  private readonly ws: string;
  private readonly nf: NumberFormat;
  private readonly actNf: NumberFormat;

  constructor(model: Model, o: SqlOptions) {
    this.model = model;
    this.o = o;
    this.d = DIALECT[o.dialect];
    this.ws = this.d.str(jsSpaceChars());
    this.nf = model.input.leads.numberFormat ?? 'point';
    this.actNf = model.input.activities.numberFormat ?? this.nf;
  }

  /** Record a refusal and go on (every refusal is reported, not just the first); returns a placeholder. */
  private refuse(code: string, message: string, path: string | undefined, hint: string): string {
    this.note(code, message, path, hint);
    return 'FALSE';
  }

  private note(code: string, message: string, path: string | undefined, hint: string): void {
    this.errors.push({ code, severity: 'error', message, ...(path ? { path } : {}), ...(this.o.file ? { file: this.o.file } : {}), hint });
  }

  /** A JS regex in this dialect, or a refusal (LS191). */
  private regex(e: string, source: string, ci: boolean, path: string | undefined): string {
    try {
      return this.d.regexMatch(e, translateRegex(source, this.d.flavor, this.d.maxRepeat), ci);
    } catch (err) {
      if (err instanceof RegexRefusal) {
        return this.refuse('LS191', `the regular expression ${JSON.stringify(source)} uses ${err.feature}, which ${this.d.name} cannot express the same way`, path, `rewrite the pattern without it, or score this model with \`leadscore score\``);
      }
      throw err;
    }
  }

  private fixedRegex(e: string, source: string): string {
    return this.d.regexMatch(e, translateRegex(source, this.d.flavor, this.d.maxRepeat), false);
  }

  // ---- values --------------------------------------------------------------------------------------

  /**
   * JS's String.prototype.trim. Cells that start and end with a visible ASCII character (nearly all)
   * take the fast path: the engines' trim with a set of 25 characters is slow.
   */
  private jsTrim(e: string): string {
    return `CASE WHEN ASCII(${e}) BETWEEN 33 AND 126 AND ASCII(SUBSTR(${e}, LENGTH(${e}), 1)) BETWEEN 33 AND 126 THEN ${e} ELSE ${this.d.trimChars(e, this.ws)} END`;
  }

  /** present(): trimmed only when the first or last code unit is <= 32 (as score does), then null tokens. */
  private present(raw: string): string {
    const t = `CASE WHEN ASCII(SUBSTR(${raw}, 1, 1)) <= 32 OR ASCII(SUBSTR(${raw}, LENGTH(${raw}), 1)) <= 32 THEN ${this.jsTrim(raw)} ELSE ${raw} END`;
    return this.nullCheck(t);
  }

  private nullTokens(): string[] {
    const out: string[] = [];
    for (const v of this.model.input.leads.nullValues) {
      const t = v.trim().toLowerCase();
      if (t && !out.includes(t)) out.push(t);
    }
    return out;
  }

  /** NULL when the (trimmed) text is empty or a null token. */
  private nullCheck(t: string): string {
    const tokens = this.nullTokens();
    const isNull = tokens.length ? ` OR LOWER(${t}) IN (${tokens.map((x) => this.d.str(x)).join(', ')})` : '';
    return `CASE WHEN ${t} = ''${isNull} THEN NULL ELSE ${t} END`;
  }

  private parseNumberSql(v: string, nf: NumberFormat): string {
    const d = this.d;
    const m = (p: string) => this.fixedRegex(v, p);
    if (nf === 'point') {
      return `CASE WHEN ${m(PLAIN_NUMBER)} THEN ${d.toDouble(v)} WHEN ${m(THOUSANDS_COMMA)} THEN ${d.toDouble(`REPLACE(${v}, ',', '')`)} END`;
    }
    const spaces = `REPLACE(REPLACE(REPLACE(${v}, ' ', ''), ${d.str('\u00a0')}, ''), ${d.str('\u202f')}, '')`;
    return (
      `CASE WHEN ${m(THOUSANDS_DOT_ONLY)} THEN ${d.toDouble(`REPLACE(${v}, '.', '')`)}` +
      ` WHEN ${m(PLAIN_NUMBER)} THEN ${d.toDouble(v)}` +
      ` WHEN ${m(DECIMAL_COMMA)} THEN ${d.toDouble(`REPLACE(${v}, ',', '.')`)}` +
      ` WHEN ${m(THOUSANDS_DOT_DECIMAL_COMMA)} THEN ${d.toDouble(`REPLACE(REPLACE(${v}, '.', ''), ',', '.')`)}` +
      ` WHEN ${m(THOUSANDS_SPACE_DECIMAL_COMMA)} THEN ${d.toDouble(`REPLACE(${spaces}, ',', '.')`)} END`
    );
  }

  /**
   * parseTimestamp in three CTE steps over `from`: the form of each text (1 ISO, 2 epoch seconds,
   * 3 epoch ms), its parts, then epoch milliseconds (NULL when it is not a valid date-time).
   */
  private timestampCtes(name: string, from: string, cols: { src: string; out: string }[]): { ctes: string[]; last: string } {
    if (cols.length === 0) return { ctes: [], last: from };
    const d = this.d;
    const kind = cols.map(({ src, out }) => `CASE WHEN ${src} IS NULL THEN 0 WHEN ${this.fixedRegex(src, ISO)} THEN 1 WHEN ${this.fixedRegex(src, '^\\d{10}$')} THEN 2 WHEN ${this.fixedRegex(src, '^\\d{13}$')} THEN 3 ELSE 0 END AS ${out}_k`);
    const a = `${name}_tk AS (SELECT ${from}.*, ${kind.join(', ')} FROM ${from})`;
    const parts = cols.map(({ src, out }) => {
      const s = src;
      const len = `LENGTH(${s})`;
      const sub = (i: string | number, n: number) => `SUBSTR(${s}, ${i}, ${n})`;
      const dig = (i: string | number, n: number) => d.toDouble(sub(i, n));
      const iso = `${out}_k = 1`;
      const hasSec = `${len} >= 19 AND ${sub(17, 1)} = ':'`;
      const frac = `${hasSec} AND ${sub(20, 1)} IN ('.', ',')`;
      const isDigit = (i: number) => `${sub(i, 1)} BETWEEN '0' AND '9'`;
      const ms = `CASE WHEN ${frac} THEN ${dig(21, 1)} * 100 + CASE WHEN ${isDigit(22)} THEN ${dig(22, 1)} * 10 + CASE WHEN ${isDigit(23)} THEN ${dig(23, 1)} ELSE 0 END ELSE 0 END ELSE 0 END`;
      const sign = (i: string) => `CASE WHEN ${sub(i, 1)} = '+' THEN 1 ELSE -1 END`;
      const off =
        `CASE WHEN ${len} <= 10 THEN 0` +
        ` WHEN ${sub(`${len} - 5`, 1)} IN ('+', '-') AND ${sub(`${len} - 2`, 1)} = ':' THEN ${sign(`${len} - 5`)} * (${dig(`${len} - 4`, 2)} * 60 + ${dig(`${len} - 1`, 2)})` +
        ` WHEN ${sub(`${len} - 4`, 1)} IN ('+', '-') THEN ${sign(`${len} - 4`)} * (${dig(`${len} - 3`, 2)} * 60 + ${dig(`${len} - 1`, 2)})` +
        ` WHEN ${sub(`${len} - 2`, 1)} IN ('+', '-') THEN ${sign(`${len} - 2`)} * (${dig(`${len} - 1`, 2)} * 60) ELSE 0 END`;
      const offOk =
        `CASE WHEN ${len} <= 10 THEN TRUE` +
        ` WHEN ${sub(`${len} - 5`, 1)} IN ('+', '-') AND ${sub(`${len} - 2`, 1)} = ':' THEN ${dig(`${len} - 4`, 2)} <= 23 AND ${dig(`${len} - 1`, 2)} <= 59` +
        ` WHEN ${sub(`${len} - 4`, 1)} IN ('+', '-') THEN ${dig(`${len} - 3`, 2)} <= 23 AND ${dig(`${len} - 1`, 2)} <= 59` +
        ` WHEN ${sub(`${len} - 2`, 1)} IN ('+', '-') THEN ${dig(`${len} - 1`, 2)} <= 23 ELSE TRUE END`;
      return [
        `CASE WHEN ${iso} THEN ${dig(1, 4)} END AS ${out}_y`,
        `CASE WHEN ${iso} THEN ${dig(6, 2)} END AS ${out}_mo`,
        `CASE WHEN ${iso} THEN ${dig(9, 2)} END AS ${out}_d`,
        `CASE WHEN ${iso} AND ${len} > 10 THEN ${dig(12, 2)} ELSE 0 END AS ${out}_h`,
        `CASE WHEN ${iso} AND ${len} > 10 THEN ${dig(15, 2)} ELSE 0 END AS ${out}_mi`,
        `CASE WHEN ${iso} AND ${hasSec} THEN ${dig(18, 2)} ELSE 0 END AS ${out}_s`,
        `CASE WHEN ${iso} THEN ${ms} ELSE 0 END AS ${out}_ms`,
        `CASE WHEN ${iso} THEN ${off} ELSE 0 END AS ${out}_off`,
        `CASE WHEN ${iso} THEN ${offOk} ELSE FALSE END AS ${out}_offok`,
        `CASE WHEN ${out}_k IN (2, 3) THEN ${d.toDouble(s)} END AS ${out}_epoch`,
      ].join(', ');
    });
    const b = `${name}_tp AS (SELECT ${name}_tk.*, ${parts.join(', ')} FROM ${name}_tk)`;
    const epoch = cols.map(({ out }) => {
      const y = `${out}_y`;
      const mo = `${out}_mo`;
      const dd = `${out}_d`;
      const yi = `CAST(${y} AS ${d.intType})`;
      const leap = `(${d.mod(yi, '4')} = 0 AND (${d.mod(yi, '100')} <> 0 OR ${d.mod(yi, '400')} = 0))`;
      const dim = `CASE WHEN ${mo} IN (4, 6, 9, 11) THEN 30 WHEN ${mo} = 2 THEN CASE WHEN ${leap} THEN 29 ELSE 28 END ELSE 31 END`;
      const valid = `${mo} >= 1 AND ${mo} <= 12 AND ${dd} >= 1 AND ${dd} <= ${dim} AND ${out}_h <= 23 AND ${out}_mi <= 59 AND ${out}_s <= 60 AND ${out}_offok`;
      const yy = `(${y} - CASE WHEN ${mo} <= 2 THEN 1 ELSE 0 END)`;
      const era = `FLOOR(${yy} / 400)`;
      const yoe = `(${yy} - ${era} * 400)`;
      const mp = `(CASE WHEN ${mo} > 2 THEN ${mo} - 3 ELSE ${mo} + 9 END)`;
      const doy = `(FLOOR((153 * ${mp} + 2) / 5) + ${dd} - 1)`;
      const doe = `(${yoe} * 365 + FLOOR(${yoe} / 4) - FLOOR(${yoe} / 100) + ${doy})`;
      const days = `(${era} * 146097 + ${doe} - 719468)`;
      const ms = `${days} * 86400000 + ${out}_h * 3600000 + ${out}_mi * 60000 + ${out}_s * 1000 + ${out}_ms - ${out}_off * 60000`;
      return `CASE WHEN ${out}_k = 1 AND ${valid} THEN ${ms} WHEN ${out}_k = 2 THEN ${out}_epoch * 1000 WHEN ${out}_k = 3 THEN ${out}_epoch END AS ${out}`;
    });
    const c = `${name}_ts AS (SELECT ${name}_tp.*, ${epoch.join(', ')} FROM ${name}_tp)`;
    return { ctes: [a, b, c], last: `${name}_ts` };
  }

  // ---- conditions ----------------------------------------------------------------------------------

  private col(map: Map<string, Col>, prefix: string, field: string): Col {
    const key = normaliseColumn(field);
    let c = map.get(key);
    if (!c) {
      const i = map.size;
      c = { name: field.trim(), raw: `${prefix}r${i}`, v: `${prefix}v${i}`, n: `${prefix}n${i}`, t: `${prefix}t${i}`, needN: false, needT: false, q: `${prefix}q${i}`, needQ: false };
      map.set(key, c);
    }
    return c;
  }

  /** Mark what a condition needs of its columns (numbers, timestamps). */
  private need(c: Condition, resolve: (field: string) => Col | undefined): void {
    if (c.kind === 'all' || c.kind === 'any') return c.items.forEach((i) => this.need(i, resolve));
    if (c.kind === 'not') return this.need(c.item, resolve);
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

  private cond(c: Condition, cell: (field: string, path: string) => Cell, asOf: string): string {
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

  private textOf(x: Cell, path: string, what: string): string {
    if (x.kind === 'text') return x.v;
    if (x.integer) return this.d.intText(x.x);
    return this.refuse('LS192', `${what} on the computed field "${x.field}" (a fractional number) cannot be compiled to SQL the same way`, path, 'compare it with gt/gte/lt/lte/between/equals instead');
  }

  private equals(expected: string | number | boolean, x: Cell, path: string): string {
    const text = String(expected).trim().toLowerCase();
    const num = typeof expected === 'number' ? expected : parseNumber(text);
    const d = this.d;
    if (x.kind === 'number') {
      if (Number.isNaN(num)) return x.integer ? `${d.intText(x.x)} = ${d.str(text)}` : 'FALSE';
      return `${x.x} = ${this.lit(num)}`;
    }
    if (Number.isNaN(num)) return `LOWER(${x.v}) = ${d.str(text)}`;
    return `(CASE WHEN ${x.n} IS NOT NULL THEN ${x.n} = ${this.lit(num)} ELSE LOWER(${x.v}) = ${d.str(text)} END)`;
  }

  private op(o: Operator, x: Cell, path: string, asOf: string): string {
    const d = this.d;
    const n = x.kind === 'text' ? x.n : x.x;
    switch (o.op) {
      case 'equals':
        return this.equals(o.value, x, path);
      case 'in':
      case 'not_in': {
        const any = o.value.length ? '(' + o.value.map((v) => this.equals(v, x, path)).join(' OR ') + ')' : 'FALSE';
        return o.op === 'in' ? any : `(NOT ${any})`;
      }
      case 'contains':
      case 'starts_with':
      case 'ends_with': {
        const s = `LOWER(${this.textOf(x, path, o.op)})`;
        const parts = o.value.map((v) => {
          const needle = v.trim().toLowerCase();
          const lit = d.str(needle);
          if (o.op === 'contains') return `${d.strpos(s, lit)} > 0`;
          const len = [...needle].length;
          if (len === 0) return 'TRUE';
          return o.op === 'starts_with' ? `SUBSTR(${s}, 1, ${len}) = ${lit}` : `(LENGTH(${s}) >= ${len} AND SUBSTR(${s}, LENGTH(${s}) - ${len - 1}, ${len}) = ${lit})`;
        });
        return parts.length ? '(' + parts.join(' OR ') + ')' : 'FALSE';
      }
      case 'matches':
        return this.regex(this.textOf(x, path, 'matches'), o.value, true, path);
      case 'gt':
        return `COALESCE(${n} > ${this.lit(o.value)}, FALSE)`;
      case 'gte':
        return `COALESCE(${n} >= ${this.lit(o.value)}, FALSE)`;
      case 'lt':
        return `COALESCE(${n} < ${this.lit(o.value)}, FALSE)`;
      case 'lte':
        return `COALESCE(${n} <= ${this.lit(o.value)}, FALSE)`;
      case 'between':
        return `COALESCE(${n} >= ${this.lit(o.value[0])} AND ${n} <= ${this.lit(o.value[1])}, FALSE)`;
      case 'missing':
        return o.value ? 'FALSE' : 'TRUE';
      case 'present':
        return o.value ? 'TRUE' : 'FALSE';
      case 'within_days':
      case 'older_than_days': {
        const t = x.kind === 'text' ? x.t : x.x;
        const age = `((${asOf} - ${t}) / ${this.dayMs()})`;
        return o.op === 'within_days'
          ? `COALESCE(${age} >= 0 AND ${age} <= ${this.lit(o.value)}, FALSE)`
          : `COALESCE(${age} > ${this.lit(o.value)}, FALSE)`;
      }
    }
  }

  /** A number literal: integers as written, others as an exact double. */
  lit(x: number): string {
    if (Number.isInteger(x) && Math.abs(x) < 2 ** 53) return x < 0 ? `(${x})` : String(x);
    if (!Number.isFinite(x)) throw new Error(`non-finite literal ${x}`);
    return this.d.doubleLit(x);
  }

  private dayMs(): string {
    return this.d.doubleLit(DAY_MS);
  }

  private scale(): string {
    return this.d.doubleLit(SCALE);
  }

  // ---- the query -----------------------------------------------------------------------------------

  /** The query, or every refusal (LS190-LS193) when the dialect cannot express the model exactly. */
  compile(): Result<string> {
    const sql = this.build();
    if (this.errors.length) return { errors: this.errors, warnings: [] };
    return { value: sql, errors: [], warnings: [] };
  }

  private table(name: string): string {
    if (this.o.emit === 'dbt') return `{{ ref('${name.replace(/'/g, '')}') }}`;
    return name;
  }

  private build(): string {
    const m = this.model;
    const d = this.d;
    const o = this.o;
    // Refusals of whole features first.
    if (m.engagement.botFilter) this.note('LS190', `engagement.bot_filter cannot be compiled to SQL (${d.name}): it depends on the order activities are read in`, 'engagement.bot_filter', 'score this model with `leadscore score`, or remove bot_filter for the warehouse');
    if (m.accounts) this.note('LS190', `accounts cannot be compiled to SQL (${d.name}) yet`, 'accounts', 'score accounts with `leadscore score`; the lead scores are the same without the accounts section');
    // A predictive model of weight 1 writes its reasons as `feature = value +log-odds` (docs/train.md); the
    // compiler writes points, so such a model is refused rather than compiled with other reasons.
    if (m.predictive && m.predictive.weight === 1) this.note('LS190', `the reasons of a predictive model with weight 1 (feature = value +log-odds) cannot be compiled to SQL (${d.name}) yet`, 'predictive.weight', 'score this model with `leadscore score`, or set predictive.weight below 1 for the warehouse');
    const df = [m.input.leads.dateFormat, m.input.activities.dateFormat].find((f) => f && f !== 'iso');
    // (compilation goes on after a refusal, to report every one; the text is then thrown away)
    if (df) this.note('LS190', `date_format: ${df} cannot be compiled to SQL (${d.name}) yet`, m.input.leads.dateFormat && m.input.leads.dateFormat !== 'iso' ? 'input.leads.date_format' : 'input.activities.date_format', 'store timestamps as ISO 8601 text or TIMESTAMP columns (docs/warehouse.md)');
    const idCol = m.input.leads.id;
    if (idCol === '$row' && !o.orderBy) this.note('LS193', 'the model numbers leads by row ($row), and a table has no row order', 'input.leads.id', 'give --order-by COLUMN (the column that says which row comes first), or an id column in the model');

    const asOfExpr = o.asOf.kind === 'ms' ? String(o.asOf.ms) : 'prm.as_of_ms';
    const withParams = o.asOf.kind !== 'ms';
    const prmJoin = withParams ? ' CROSS JOIN prm' : '';
    const ctes: string[] = [];

    // Segments change rule points and band mins: every variant, 0..k-1, then the model itself.
    const segs = m.segments ?? [];
    const variants = segs.map((s) => applySegment(m, s));

    // ---- columns the model reads ----
    const leadCol = (f: string) => this.col(this.leadCols, 'l', f);
    const signalField = (f: string) => (SIGNAL_FIELDS as readonly string[]).includes(f);
    const leadResolve = (f: string) => leadCol(f);
    for (const r of m.fit.rules) {
      if (r.kind === 'if') this.need(r.condition, leadResolve);
      else {
        const c = leadCol(r.field);
        if (r.kind === 'ranges') c.needN = true;
        else if (r.values.some((v) => !Number.isNaN(parseNumber(v.key.trim().toLowerCase())))) c.needN = true;
      }
    }
    for (const v of variants) for (const r of v.fit.rules) if (r.kind === 'values' && r.values.some((x) => !Number.isNaN(parseNumber(x.key.trim().toLowerCase())))) leadCol(r.field).needN = true;
    for (const s of m.engagement.signals) this.need(s.condition, (f) => (signalField(f) ? undefined : leadCol(f)));
    for (const q of m.quality) {
      if (q.condition) this.need(q.condition, leadResolve);
      else if (q.field) leadCol(q.field).needQ = true;
    }
    for (const s of segs) this.need(s.condition, leadResolve);
    const pred = m.predictive;
    const isActivityFeature = (name: string) => ACTIVITY_FEATURE.test(name);
    if (pred) {
      for (const f of pred.features) {
        if (isActivityFeature(f.name)) continue;
        const c = leadCol(f.name);
        if (f.type === 'numeric') c.needN = true;
      }
    }

    const rules = m.engagement.rules;
    const countedTypes: string[] = [];
    if (pred) {
      for (const f of pred.features) {
        const mm = ACTIVITY_FEATURE.exec(f.name);
        const t = mm?.[2]?.trim().toLowerCase();
        if (t && !countedTypes.includes(t)) countedTypes.push(t);
      }
    }
    const needsActivities = rules.length > 0 || m.engagement.signals.length > 0 || !!pred?.features.some((f) => isActivityFeature(f.name));
    const actCol = (f: string) => this.col(this.actCols, 'a', f);
    for (const r of rules) if (r.condition) this.need(r.condition, actCol);

    // A field with a dot reads inside a JSON column when no column has that name (json-field.ts): that
    // depends on the header, which SQL does not know, and JSON functions differ by engine.
    for (const c of [...this.leadCols.values(), ...this.actCols.values()]) {
      if (c.name.includes('.')) this.note('LS194', `field "${c.name}" may be a JSON property (a path inside a column), which ${d.name} SQL does not read yet`, undefined, 'extract the property into a column of its own (a view) and name that column in the model');
    }

    // ---- leads ----
    const ord = o.orderBy ? d.ident(o.orderBy) : idCol === '$row' ? 'NULL' : undefined;
    const idExpr = idCol === '$row' ? d.intText(`ROW_NUMBER() OVER (ORDER BY ${ord})`) : this.jsTrim(d.text(d.ident(idCol)));
    const rawCols = [...this.leadCols.values()].map((c) => `${d.text(d.ident(c.name))} AS ${c.raw}`);
    ctes.push(`lead_rows AS (SELECT ${idExpr} AS lead_id${ord ? `, ${ord} AS lead_ord` : ''}${rawCols.map((c) => ', ' + c).join('')} FROM ${this.table(o.leads ?? 'leads')})`);
    ctes.push(`lead_first AS (SELECT * FROM (SELECT lead_rows.*, ROW_NUMBER() OVER (PARTITION BY lead_id ORDER BY ${ord ? 'lead_ord' : 'lead_id'}) AS dup_n FROM lead_rows WHERE lead_id <> '') f WHERE dup_n = 1)`);
    const lcols = [...this.leadCols.values()];
    const vcols = lcols.map((c) => `${this.present(c.raw)} AS ${c.v}`);
    const qcols = lcols.filter((c) => c.needQ).map((c) => `${this.nullCheck(this.jsTrim(c.raw))} AS ${c.q}`);
    ctes.push(`lead_values AS (SELECT lead_id${lcols.length || qcols.length ? ', ' : ''}${[...vcols, ...qcols].join(', ')} FROM lead_first)`);
    const ncols = lcols.filter((c) => c.needN).map((c) => `${this.parseNumberSql(c.v, this.nf)} AS ${c.n}`);
    ctes.push(`lead_numbers AS (SELECT lead_values.*${ncols.map((c) => ', ' + c).join('')} FROM lead_values)`);
    const lts = this.timestampCtes('lead', 'lead_numbers', lcols.filter((c) => c.needT).map((c) => ({ src: c.v, out: c.t })));
    ctes.push(...lts.ctes);
    const leadsCte = lts.last;

    const leadCell = (f: string): Cell => {
      const c = leadCol(f);
      return { kind: 'text', col: c, v: c.v, n: c.n, t: c.t };
    };

    // ---- disposable domains ----
    const dispRules = m.quality.filter((q) => q.check === 'disposable_email' && q.field);
    const dispCte = new Map<string, string>();
    if (dispRules.length) {
      const list = o.domainsTable
        ? `SELECT LOWER(${this.jsTrim(d.text('domain'))}) AS domain FROM ${this.table(o.domainsTable)}`
        : `SELECT domain FROM ${d.values('dl', ['domain'], [...new Set(o.disposableDomains.map((x) => x.toLowerCase()))].sort().map((x) => [d.str(x)]))}`;
      ctes.push(`disposable_domains AS (${list})`);
      const maxLabels = o.domainsTable ? DOMAIN_TABLE_MAX_LABELS : Math.max(2, ...o.disposableDomains.map((x) => x.split('.').length));
      for (const q of dispRules) {
        const c = leadCol(q.field!);
        if (dispCte.has(c.q)) continue;
        const name = `disposable_${dispCte.size}`;
        // emailDomain(): after the last @, trimmed, lower case; then the domain and each parent with a dot
        const rev = `REVERSE(${c.q})`;
        const dom = `LOWER(${this.jsTrim(`REVERSE(SUBSTR(${rev}, 1, ${d.strpos(rev, "'@'")} - 1))`)})`;
        ctes.push(`${name}_domain AS (SELECT lead_id, ${dom} AS domain FROM ${leadsCte} WHERE ${c.q} IS NOT NULL AND ${d.strpos(c.q, "'@'")} > 0)`);
        const cands: string[] = [];
        for (let j = 2; j <= maxLabels; j++) {
          const pat = '[^.]*' + '\\.[^.]*'.repeat(j - 1) + '$';
          cands.push(`SELECT lead_id, ${d.regexExtract('domain', pat)} AS candidate FROM ${name}_domain`);
        }
        ctes.push(`${name} AS (SELECT DISTINCT lead_id FROM (${cands.join(' UNION ALL ')}) c WHERE candidate IN (SELECT domain FROM disposable_domains))`);
        dispCte.set(c.q, name);
      }
    }

    const qualityTest = (q: (typeof m.quality)[number]): string => {
      if (q.condition) return this.cond(q.condition, (f) => leadCell(f), asOfExpr);
      if (!q.field) return 'FALSE';
      const c = leadCol(q.field);
      if (q.check === 'email_syntax') {
        const local = `SUBSTR(${c.q}, 1, ${d.strpos(c.q, "'@'")} - 1)`;
        const ok = `(${this.fixedRegexCi(c.q, EMAIL)} AND LENGTH(${local}) <= 64 AND SUBSTR(${local}, 1, 1) <> '.' AND SUBSTR(${local}, LENGTH(${local}), 1) <> '.' AND ${d.strpos(local, "'..'")} = 0)`;
        return `(${c.q} IS NOT NULL AND NOT ${ok})`;
      }
      if (q.check === 'disposable_email') return `(${c.q} IS NOT NULL AND lead_id IN (SELECT lead_id FROM ${dispCte.get(c.q)}))`;
      return 'FALSE';
    };

    // ---- activities ----
    let aggCte: string | undefined;
    const actTables = o.activities?.length ? o.activities : ['activities'];
    const ai = m.input.activities;
    if (needsActivities) {
      const acols = [...this.actCols.values()];
      const selects = actTables.map(
        (t) =>
          `SELECT ${this.jsTrim(d.text(d.ident(ai.leadId)))} AS lead_id, ${d.text(d.ident(ai.type))} AS type_raw, ${this.jsTrim(d.text(d.ident(ai.timestamp)))} AS ts_raw${acols.map((c) => `, ${d.text(d.ident(c.name))} AS ${c.raw}`).join('')} FROM ${this.table(t)}`,
      );
      ctes.push(`activity_rows AS (${selects.join(' UNION ALL ')})`);
      // rows score rejects: empty lead id, type (or a null token) or timestamp
      ctes.push(
        `activity_checked AS (SELECT lead_id, LOWER(${this.jsTrim('type_raw')}) AS atype, ts_raw${acols.map((c) => `, ${this.present(c.raw)} AS ${c.v}`).join('')} FROM activity_rows WHERE lead_id <> '' AND ts_raw <> '' AND ${this.present('type_raw')} IS NOT NULL)`,
      );
      const ats = this.timestampCtes('activity', 'activity_checked', [{ src: 'ts_raw', out: 'at_ms' }]);
      ctes.push(...ats.ctes);
      const win = m.engagement.windowDays;
      const age = `((${asOfExpr} - at_ms) / ${this.dayMs()})`;
      const anum = acols.filter((c) => c.needN).map((c) => `, ${this.parseNumberSql(c.v, this.actNf)} AS ${c.n}`);
      ctes.push(
        `activity_used AS (SELECT ${ats.last}.lead_id, atype, at_ms, ${age} AS age${acols.map((c) => `, ${c.v}`).join('')}${anum.join('')} FROM ${ats.last}${prmJoin} WHERE at_ms IS NOT NULL AND at_ms <= ${asOfExpr}${win !== undefined ? ` AND ${age} <= ${this.lit(win)}` : ''})`,
      );
      let actSrc = 'activity_used';
      const atsCols = this.timestampCtes('activity_dates', 'activity_used', acols.filter((c) => c.needT).map((c) => ({ src: c.v, out: c.t })));
      ctes.push(...atsCols.ctes);
      actSrc = atsCols.last;
      const actCell = (f: string): Cell => {
        const c = actCol(f);
        return { kind: 'text', col: c, v: c.v, n: c.n, t: c.t };
      };
      const match = rules.map((r, k) => {
        const types = [...new Set(r.types.map((t) => t.trim().toLowerCase()))];
        const typeTest = `atype IN (${types.map((t) => d.str(t)).join(', ')})`;
        const cond = r.condition ? ` AND ${this.cond(r.condition, actCell, asOfExpr)}` : '';
        return `(${typeTest}${cond}) AS m${k}`;
      });
      ctes.push(`activity_matched AS (SELECT ${actSrc}.*${match.map((x) => ', ' + x).join('')} FROM ${actSrc}${prmJoin})`);
      const ranked = rules.map((r, k) => (r.maxCount ? `, CASE WHEN m${k} THEN ROW_NUMBER() OVER (PARTITION BY lead_id, m${k} ORDER BY at_ms DESC) END AS rn${k}` : '')).join('');
      ctes.push(`activity_ranked AS (SELECT activity_matched.*${ranked} FROM activity_matched)`);
      const lnHalf = m.engagement.halfLifeDays ? Math.LN2 / m.engagement.halfLifeDays : 0;
      const sums: string[] = ['COUNT(*) AS activity_count', 'MAX(at_ms) AS last_ms'];
      const q7 = rules.map((r, k) => `CASE WHEN m${k} THEN ${Math.round(r.points * SCALE)} ELSE 0 END`);
      sums.push(`SUM(CASE WHEN age <= 7 THEN ${q7.length ? q7.join(' + ') : '0'} ELSE 0 END) AS e7_units`);
      sums.push(`SUM(CASE WHEN age <= 30 THEN ${q7.length ? q7.join(' + ') : '0'} ELSE 0 END) AS e30_units`);
      rules.forEach((r, k) => {
        const decays = r.decay && lnHalf > 0;
        const unit = decays ? `FLOOR(EXP(${this.lit(-lnHalf)} * age) * ${SCALE} + 0.5)` : String(SCALE);
        const keep = r.maxCount ? ` AND rn${k} <= ${r.maxCount}` : '';
        sums.push(`SUM(CASE WHEN m${k}${keep} THEN ${unit} ELSE 0 END) AS u${k}`);
      });
      sums.push('SUM(CASE WHEN age <= 7 THEN 1 ELSE 0 END) AS count_7d', 'SUM(CASE WHEN age <= 30 THEN 1 ELSE 0 END) AS count_30d');
      countedTypes.forEach((t, i) => sums.push(`SUM(CASE WHEN atype = ${d.str(t)} THEN 1 ELSE 0 END) AS count_type${i}`));
      ctes.push(`activity_totals AS (SELECT lead_id, ${sums.join(', ')} FROM activity_ranked GROUP BY lead_id)`);
      aggCte = 'activity_totals';
    }

    // ---- per lead: segment, rejects, fit, engagement, quality, score ----
    const segExpr = segs.length ? `CASE ${segs.map((s, i) => `WHEN ${this.cond(s.condition, leadCell, asOfExpr)} THEN ${i}`).join(' ')} ELSE -1 END` : '-1';
    const rejects = m.quality.map((q, i) => ({ q, i })).filter(({ q }) => q.action === 'reject');
    const rejectWhere = rejects.length ? ` WHERE NOT (${rejects.map(({ q }) => `COALESCE(${qualityTest(q)}, FALSE)`).join(' OR ')})` : '';
    ctes.push(`lead_kept AS (SELECT ${leadsCte}.* FROM ${leadsCte}${prmJoin}${rejectWhere})`);
    const aggCols = aggCte
      ? [
          'COALESCE(t.activity_count, 0) AS activity_count',
          `(${asOfExpr} - t.last_ms) / ${this.dayMs()} AS days_since_last_activity`,
          `COALESCE(t.e7_units, 0) / ${this.scale()} AS engagement_7d`,
          `COALESCE(t.e30_units, 0) / ${this.scale()} AS engagement_30d`,
          'COALESCE(t.count_7d, 0) AS count_7d',
          'COALESCE(t.count_30d, 0) AS count_30d',
          ...rules.map((_, k) => `COALESCE(t.u${k}, 0) AS u${k}`),
          ...countedTypes.map((_, i) => `COALESCE(t.count_type${i}, 0) AS count_type${i}`),
        ]
      : ['0 AS activity_count', `CAST(NULL AS ${d.doubleType}) AS days_since_last_activity`, '0 AS engagement_7d', '0 AS engagement_30d', '0 AS count_7d', '0 AS count_30d'];
    ctes.push(
      `lead_scope AS (SELECT l.*, ${segExpr} AS seg, ${aggCols.join(', ')} FROM lead_kept l${aggCte ? ` LEFT JOIN ${aggCte} t ON t.lead_id = l.lead_id` : ''}${prmJoin})`,
    );

    // a value that differs per segment: CASE seg WHEN i THEN ... ELSE <model> END
    const perSeg = (f: (mm: Model) => string): string => {
      const base = f(m);
      const alts = variants.map((v, i) => ({ i, e: f(v) })).filter((x) => x.e !== base);
      if (!alts.length) return base;
      return `CASE seg ${alts.map((x) => `WHEN ${x.i} THEN ${x.e}`).join(' ')} ELSE ${base} END`;
    };

    const slotIds: string[] = [];
    const cols: string[] = [];
    // fit
    const fitExpr = (r: FitRule): string => {
      if (r.kind === 'if') return `CASE WHEN ${this.cond(r.condition, leadCell, asOfExpr)} THEN ${this.lit(r.points)} ELSE 0 END`;
      const c = leadCol(r.field);
      if (r.kind === 'values') {
        const byText = new Map<string, number>();
        const byNumber = new Map<number, number>();
        for (const { key, points } of r.values) {
          const k = key.trim().toLowerCase();
          if (!byText.has(k)) byText.set(k, points);
          const n = parseNumber(k);
          if (!Number.isNaN(n) && !byNumber.has(n)) byNumber.set(n, points);
        }
        const whens = [...byText].map(([k, p]) => `WHEN LOWER(${c.v}) = ${d.str(k)} THEN ${this.lit(p)}`);
        const nums = [...byNumber].map(([n, p]) => `WHEN ${c.n} = ${this.lit(n)} THEN ${this.lit(p)}`);
        return `CASE ${[...whens, ...nums].join(' ')} ELSE 0 END`;
      }
      const whens = r.ranges.map((x) => {
        const conds = [x.min !== undefined ? `${c.n} >= ${this.lit(x.min)}` : '', x.max !== undefined ? `${c.n} <= ${this.lit(x.max)}` : ''].filter(Boolean);
        return `WHEN ${conds.length ? conds.join(' AND ') : `${c.n} IS NOT NULL`} THEN ${this.lit(x.points)}`;
      });
      return whens.length ? `CASE ${whens.join(' ')} ELSE 0 END` : '0';
    };
    m.fit.rules.forEach((r, j) => {
      cols.push(`${perSeg((mm) => fitExpr(mm.fit.rules[j]!))} AS f${j}`);
      slotIds.push(r.id);
    });
    const fitSum = m.fit.rules.length ? m.fit.rules.map((_, j) => `f${j}`).join(' + ') : '0';
    // engagement rules
    const ruleTotal = (k: number, r: EngagementRule) => {
      const pts = perSeg((mm) => this.lit(mm.engagement.rules[k]!.points));
      const total = `(${pts}) * u${k} / ${this.scale()}`;
      return r.maxPoints !== undefined ? `GREATEST(${this.lit(-r.maxPoints)}, LEAST(${this.lit(r.maxPoints)}, ${total}))` : total;
    };
    rules.forEach((r, k) => {
      cols.push(`${aggCte ? ruleTotal(k, r) : '0'} AS e${k}`);
      slotIds.push(r.id);
    });
    // signals
    const signalCell = (f: string, path: string): Cell => {
      if (f === 'activity_count') return { kind: 'number', x: 'activity_count', field: f, integer: true };
      if (signalField(f)) return { kind: 'number', x: f, field: f, integer: false };
      void path;
      return leadCell(f);
    };
    m.engagement.signals.forEach((s, i) => {
      cols.push(`${this.cond(s.condition, signalCell, asOfExpr)} AS s${i}`);
    });
    // quality
    m.quality.forEach((q, i) => {
      cols.push(q.action === 'reject' ? `FALSE AS q${i}` : `COALESCE(${qualityTest(q)}, FALSE) AS q${i}`);
    });
    ctes.push(`lead_rules AS (SELECT lead_scope.*${cols.map((c) => ', ' + c).join('')} FROM lead_scope${withParams ? ' CROSS JOIN prm' : ''})`);

    // components
    const signalPts = m.engagement.signals.map((_, i) => `CASE WHEN s${i} THEN ${perSeg((mm) => this.lit(mm.engagement.signals[i]!.points))} ELSE 0 END`);
    const engSum = [...rules.map((_, k) => `e${k}`), ...signalPts];
    const qualityPts = m.quality.map((q, i) => (q.action === 'reject' ? '' : `CASE WHEN q${i} THEN ${perSeg((mm) => this.lit(mm.quality[i]!.points))} ELSE 0 END`)).filter(Boolean);
    const fitCapped = m.fit.max !== undefined ? `LEAST(${fitSum}, ${this.lit(m.fit.max)})` : `(${fitSum})`;
    const engUncapped = engSum.length ? engSum.join(' + ') : '0';
    const engCapped = m.engagement.max !== undefined ? `LEAST(${engUncapped}, ${this.lit(m.engagement.max)})` : `(${engUncapped})`;
    const comp = [
      `${fitCapped} AS fit_value`,
      `${engCapped} AS engagement_value`,
      `${qualityPts.length ? qualityPts.join(' + ') : '0'} AS adjustments`,
      ...m.engagement.signals.map((_, i) => `CASE WHEN s${i} THEN ${perSeg((mm) => this.lit(mm.engagement.signals[i]!.points))} ELSE 0 END AS sp${i}`),
      ...m.quality.map((q, i) => (q.action === 'reject' ? `0 AS qp${i}` : `CASE WHEN q${i} THEN ${perSeg((mm) => this.lit(mm.quality[i]!.points))} ELSE 0 END AS qp${i}`)),
    ];
    // predictive terms
    const termCols: string[] = [];
    if (pred) {
      pred.features.forEach((f, j) => {
        let term: string;
        const act = isActivityFeature(f.name) ? ACTIVITY_FEATURE.exec(f.name)! : undefined;
        let value: string | undefined; // numeric value, NULL = missing
        let integer = true;
        if (act) {
          if (act[1] === 'count') value = 'activity_count';
          else if (act[1] === 'count_7d') value = 'count_7d';
          else if (act[1] === 'count_30d') value = 'count_30d';
          else if (act[1] === 'days_since_last') {
            value = 'days_since_last_activity';
            integer = false;
          } else value = `count_type${countedTypes.indexOf((act[2] ?? '').trim().toLowerCase())}`;
        }
        if (f.type === 'numeric') {
          const x = act ? `CAST(${value!} AS ${d.doubleType})` : leadCol(f.name).n;
          const t = f.transform === 'log1p' ? `LN(1 + ${x})` : x;
          const ok = f.transform === 'log1p' ? `${x} IS NOT NULL AND ${x} > -1` : `${x} IS NOT NULL`;
          term = `CASE WHEN ${ok} THEN ${this.lit(f.coefficient)} * (${t} - ${this.lit(f.mean)}) / ${this.lit(f.sd)} ELSE ${this.lit(f.missing)} END`;
        } else {
          const levels = new Map(f.levels.map((l) => [l.level.trim().toLowerCase(), l.coefficient]));
          let key: string;
          let isNull: string;
          if (act) {
            if (!integer) void this.refuse('LS192', `the categorical predictive feature "${f.name}" reads a fractional number as text, which SQL cannot write the same way`, `predictive.features[${j}]`, 'make it a numeric feature');
            key = d.intText(value!);
            isNull = 'FALSE';
          } else {
            const c = leadCol(f.name);
            key = `LOWER(${c.v})`;
            isNull = `${c.v} IS NULL`;
          }
          const whens = [...levels].map(([l, c]) => `WHEN ${key} = ${d.str(l)} THEN ${this.lit(c)}`);
          term = `CASE WHEN ${isNull} THEN ${this.lit(f.missing)} ${whens.join(' ')} ELSE ${this.lit(f.other)} END`;
        }
        termCols.push(`${term} AS pt${j}`);
      });
    }
    ctes.push(`lead_components AS (SELECT lead_rules.*, ${[...comp, ...termCols].join(', ')} FROM lead_rules)`);

    // score (and the predictive probability)
    // sigmoid as score computes it: 1 / (1 + e^-z) for z >= 0, e^z / (1 + e^z) below
    const sig = (z: string) => `CASE WHEN ${z} >= 0 THEN 1 / (1 + EXP(-(${z}))) ELSE EXP(${z}) / (1 + EXP(${z})) END`;
    const scoreCols: string[] = [];
    let unclamped = 'fit_value + engagement_value + adjustments';
    if (pred) {
      const z = [this.lit(pred.intercept), ...pred.features.map((_, j) => `pt${j}`)].join(' + ');
      scoreCols.push(`${z} AS z`);
    }
    ctes.push(`lead_z AS (SELECT lead_components.*${scoreCols.map((c) => ', ' + c).join('')} FROM lead_components)`);
    const pCols: string[] = [];
    if (pred) pCols.push(`${sig('z')} AS p`);
    ctes.push(`lead_p AS (SELECT lead_z.*${pCols.map((c) => ', ' + c).join('')} FROM lead_z)`);
    const w = pred?.weight ?? 1;
    if (pred) unclamped = `${this.lit(w)} * 100 * p + ${this.lit(1 - w)} * (fit_value + engagement_value + adjustments)`;
    // contributions by slot
    const slotExprs: string[] = [];
    const scaleRule = (e: string) => (!pred ? e : w === 1 ? '0' : `(${e}) * ${this.lit(1 - w)}`);
    m.fit.rules.forEach((_, j) => slotExprs.push(scaleRule(`f${j}`)));
    rules.forEach((_, k) => slotExprs.push(scaleRule(`e${k}`)));
    m.engagement.signals.forEach((s, i) => {
      slotExprs.push(scaleRule(`sp${i}`));
      slotIds.push(s.id);
    });
    m.quality.forEach((q, i) => {
      slotExprs.push(scaleRule(`qp${i}`));
      slotIds.push(q.id);
    });
    if (pred) {
      pred.features.forEach((f, j) => {
        slotExprs.push(`${this.lit(w)} * (100 * (p - ${sig(`z - pt${j}`)}))`);
        slotIds.push(f.name);
      });
    }

    const bandExpr = (mm: Model) => {
      const whens = mm.bands.map((b) => (b.min === undefined ? `WHEN TRUE THEN ${d.str(b.name)}` : `WHEN score_value >= ${this.lit(b.min)} THEN ${d.str(b.name)}`));
      return whens.length ? `CASE ${whens.join(' ')} END` : 'CAST(NULL AS ' + d.textType + ')';
    };
    const letter = (scale: { label: string; min: number }[], v: string) =>
      scale.length ? `CASE ${scale.map((e) => `WHEN ${v} >= ${this.lit(e.min)} THEN ${d.str(e.label)}`).join(' ')} ELSE ${d.str(scale[scale.length - 1]!.label)} END` : "''";
    const grade = m.grade ? `${letter(m.grade.fit.entries, 'fit_value')} || ${letter(m.grade.activity.entries, 'engagement_value')}` : `CAST(NULL AS ${d.textType})`;
    // flags: in rule order (signals, then quality checks that adjust), each name once
    const flagRules = [
      ...m.engagement.signals.map((s, i) => ({ flag: s.flag, test: `s${i}` })),
      ...m.quality.map((q, i) => ({ flag: q.action === 'reject' ? undefined : q.flag, test: `q${i}` })),
    ].filter((x) => x.flag);
    const flagParts = flagRules.map((x, i) => {
      const earlier = flagRules.slice(0, i).filter((y) => y.flag === x.flag).map((y) => y.test);
      const cond = earlier.length ? `${x.test} AND NOT (${earlier.join(' OR ')})` : x.test;
      return `CASE WHEN ${cond} THEN ${d.str(';' + x.flag)} ELSE '' END`;
    });
    const flags = flagParts.length ? `SUBSTR(${flagParts.join(' || ')}, 2)` : "''";
    const interests: string[] = [];
    rules.forEach((r) => {
      if (r.interest && !interests.includes(r.interest)) interests.push(r.interest);
    });
    const interestCols = interests.map((name) => {
      const ks = rules.map((r, k) => (r.interest === name ? `e${k}` : '')).filter(Boolean);
      return `${ks.join(' + ')} AS interest_value_${interests.indexOf(name)}`;
    });
    ctes.push(
      `lead_scored AS (SELECT lead_id, seg, fit_value, engagement_value, ${unclamped} AS unclamped, ${flags} AS flags${interestCols.map((c) => ', ' + c).join('')}${slotExprs.map((e, i) => `, ${e} AS c${i}`).join('')} FROM lead_p)`,
    );
    ctes.push(`lead_final AS (SELECT lead_scored.*, LEAST(100, GREATEST(0, unclamped)) AS score_value FROM lead_scored)`);
    ctes.push(
      `lead_banded AS (SELECT lead_final.*, ${perSeg(bandExpr)} AS band, ${grade} AS grade FROM lead_final)`,
    );

    // reasons: contributions as rows, the 5 largest |points| (then rule order), formatted like formatPoints
    const nSlots = slotExprs.length;
    if (nSlots) {
      const slots = d.values('rs', ['slot', 'rule_id'], slotIds.map((id, i) => [String(i), d.str(id)]));
      const pick = `CASE rs.slot ${slotExprs.map((_, i) => `WHEN ${i} THEN c${i}`).join(' ')} END`;
      ctes.push(`contribution AS (SELECT lead_id, rs.slot AS slot, rs.rule_id AS rule_id, ${pick} AS points FROM lead_banded CROSS JOIN ${slots})`);
      ctes.push(`contribution_cents AS (SELECT lead_id, slot, rule_id, points, ${this.cents('points')} AS cents FROM contribution)`);
      ctes.push(
        `contribution_ranked AS (SELECT lead_id, rule_id || ' ' || ${this.formatCents('cents')} AS reason, ROW_NUMBER() OVER (PARTITION BY lead_id ORDER BY ABS(points) DESC, slot) AS rn FROM contribution_cents WHERE cents <> 0)`,
      );
      const pivots = [1, 2, 3, 4, 5].map((k) => `MAX(CASE WHEN rn = ${k} THEN reason END) AS r${k}`);
      ctes.push(`lead_reasons AS (SELECT lead_id, ${pivots.join(', ')} FROM contribution_ranked WHERE rn <= 5 GROUP BY lead_id)`);
    }
    const reasons = nSlots ? `COALESCE(r.r1, '') || COALESCE('; ' || r.r2, '') || COALESCE('; ' || r.r3, '') || COALESCE('; ' || r.r4, '') || COALESCE('; ' || r.r5, '')` : "''";
    const money = (e: string) => d.decimal2(`${this.cents(e)} / ${d.doubleLit(100)}`);
    const idOut = idCol === '$row' ? 'row_number' : idCol.trim();
    const numericId = this.fixedRegex('b.lead_id', NUMERIC_ID);
    const out = [
      `b.lead_id AS ${d.ident(idOut)}`,
      `ROW_NUMBER() OVER (ORDER BY b.score_value DESC, b.fit_value DESC, CASE WHEN ${numericId} THEN 0 ELSE 1 END, CASE WHEN ${numericId} THEN ${d.toDouble('b.lead_id')} END, ${d.binary('b.lead_id')}) AS ${d.ident('rank')}`,
      `${money('b.score_value')} AS score`,
      'b.band AS band',
      'b.grade AS grade',
      `${money('b.fit_value')} AS fit`,
      `${money('b.engagement_value')} AS engagement`,
      'b.flags AS flags',
      `${reasons} AS reasons`,
      ...interests.map((name, i) => `${money(`b.interest_value_${i}`)} AS ${d.ident('interest_' + name)}`),
      ...(segs.length ? [`CASE b.seg ${segs.map((s, i) => `WHEN ${i} THEN ${d.str(s.id)}`).join(' ')} END AS ${d.ident('segment')}`] : []),
      ...(o.unrounded ? ['b.score_value AS score_unrounded', 'b.fit_value AS fit_unrounded', 'b.engagement_value AS engagement_unrounded'] : []),
    ];
    const params: string[] = [];
    if (o.asOf.kind === 'now') params.push(`prm AS (SELECT ${d.nowMs} AS as_of_ms)`);
    if (o.asOf.kind === 'dbt-var') {
      params.push(`prm_text AS (SELECT ${this.jsTrim(`'{{ var("leadscore_as_of", "now") }}'`)} AS as_of_text)`);
      const pts = this.timestampCtes('prm', 'prm_text', [{ src: 'as_of_text', out: 'as_of_parsed' }]);
      params.push(...pts.ctes);
      params.push(`prm AS (SELECT CASE WHEN LOWER(as_of_text) = 'now' THEN ${d.nowMs} ELSE as_of_parsed END AS as_of_ms FROM ${pts.last})`);
    }
    const all = [...params, ...ctes].map((c) => c.replace(/^(\w+) AS \(/, (_, name: string) => d.cte(name)));
    const body =
      `WITH\n${all.map((c) => '  ' + c).join(',\n')}\n` +
      `SELECT ${out.join(',\n       ')}\nFROM lead_banded b${nSlots ? ' LEFT JOIN lead_reasons r ON r.lead_id = b.lead_id' : ''}\nORDER BY ${d.ident('rank')}`;
    const banner = (o.banner ?? []).map((l) => `-- ${l}`).join('\n');
    const dbt = o.emit === 'dbt' ? `{{ config(materialized='table') }}\n` : '';
    return `${banner ? banner + '\n' : ''}${dbt}${body}\n`;
  }

  private fixedRegexCi(e: string, source: string): string {
    return this.d.regexMatch(e, translateRegex(source, this.d.flavor, this.d.maxRepeat), true);
  }

  /** formatFixed2's cents: round half away from zero of |x| × 100 (+1e-9), signed. */
  private cents(x: string): string {
    return `SIGN(${x}) * FLOOR(ABS(${x}) * 100 + ${this.d.doubleLit(1e-9)} + 0.5)`;
  }

  /** formatPoints from integer cents: sign, whole part, and up to 2 decimals without trailing zeros. */
  private formatCents(c: string): string {
    const d = this.d;
    const a = `ABS(${c})`;
    const whole = d.intText(`FLOOR(${a} / 100)`);
    const frac = `(${a} - FLOOR(${a} / 100) * 100)`;
    const fracText = `CASE WHEN ${frac} = 0 THEN '' WHEN ${d.mod(`CAST(${frac} AS ${d.intType})`, '10')} = 0 THEN '.' || ${d.intText(`${frac} / 10`)} ELSE '.' || LPAD(${d.intText(frac)}, 2, '0') END`;
    return `CASE WHEN ${c} > 0 THEN '+' ELSE '-' END || ${whole} || ${fracText}`;
  }
}

export function compileSql(model: Model, o: SqlOptions): Result<string> {
  return new SqlCompiler(model, o).compile();
}

/**
 * What `validate --dialect` reports: the refusals `leadscore sql` would give. LS193 ($row without
 * --order-by) is a warning here, since `sql --order-by` resolves it.
 */
export function sqlRefusals(model: Model, dialect: DialectName, file?: string): Diagnostic[] {
  const r = compileSql(model, { dialect, asOf: { kind: 'now' }, disposableDomains: [], ...(file ? { file } : {}) });
  return r.errors.map((e) => (e.code === 'LS193' ? { ...e, severity: 'warning' as const } : e));
}
