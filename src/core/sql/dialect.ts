// What differs between the SQL engines `leadscore sql` writes for: one small object per dialect. The
// compiler (compile-sql.ts) writes everything else once. Pure.
import { type RegexFlavor, translateRegex } from './regex.js';

export const DIALECTS = ['duckdb', 'postgres', 'bigquery', 'snowflake', 'spark'] as const;
export type DialectName = (typeof DIALECTS)[number];

export interface Dialect {
  name: DialectName;
  /** Regular-expression syntax of the engine, and its largest {n,m} count. */
  flavor: RegexFlavor;
  maxRepeat: number;
  /** A column name. */
  ident(name: string): string;
  /** A string literal holding exactly `s`. */
  str(s: string): string;
  /** Any column as text (typed warehouse columns are read through their text form). */
  text(e: string): string;
  /** Text already checked to be a plain decimal number, as a double. */
  toDouble(textExpr: string): string;
  /** An integer-valued double (or bigint) as text without a decimal point. */
  intText(e: string): string;
  /** A non-integer constant as a double (exact: parsed from its shortest decimal form). */
  doubleLit(x: number): string;
  /** A double rounded to cents already, as a DECIMAL(18,2). */
  decimal2(e: string): string;
  /** Does text `e` contain a match of `pattern` (flavor syntax); case-insensitive when `ci`. */
  regexMatch(e: string, pattern: string, ci: boolean): string;
  /** The leftmost match of `pattern` (no capturing groups) in `e`, or NULL / '' when none. */
  regexExtract(e: string, pattern: string): string;
  /** 1-based position of `needle` in `hay`, 0 when absent. */
  strpos(hay: string, needle: string): string;
  /** `e` without the characters of `chars` (a string literal) at both ends. */
  trimChars(e: string, chars: string): string;
  /** A FROM item of constant rows: alias(cols...). */
  values(alias: string, cols: readonly string[], rows: readonly (readonly string[])[]): string;
  /** An expression ordered by code point (binary) in ORDER BY. */
  binary(e: string): string;
  /** The type names of text and of doubles in CAST. */
  textType: string;
  doubleType: string;
  intType: string;
  /** Integer remainder of two integer-valued expressions. */
  mod(a: string, b: string): string;
  /** Epoch milliseconds of the current time, as a double. */
  nowMs: string;
  /**
   * `name AS MATERIALIZED (` where the engine would otherwise inline a CTE into every reference and
   * evaluate its expressions again for each (PostgreSQL, DuckDB); `name AS (` elsewhere.
   */
  cte(name: string): string;
}

function quoteDouble(name: string): string {
  return '"' + name.replace(/"/g, '""') + '"';
}

function quoteBacktick(name: string): string {
  return '`' + name.replace(/`/g, '``') + '`';
}

/** Standard SQL literal ('' for a quote); characters below 0x20 and odd spaces as chr(n) pieces. */
function standardString(s: string): string {
  const parts: string[] = [];
  let run = '';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c < 0x20 || c === 0x7f || c === 0xa0 || c === 0x2028 || c === 0x2029 || c === 0xfeff || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x202f || c === 0x205f || c === 0x3000) {
      if (run) parts.push(`'${run.replace(/'/g, "''")}'`);
      run = '';
      parts.push(`chr(${c})`);
    } else run += ch;
  }
  if (run || parts.length === 0) parts.push(`'${run.replace(/'/g, "''")}'`);
  return parts.length === 1 ? parts[0]! : '(' + parts.join(' || ') + ')';
}

/** A literal of engines that read backslash escapes in strings (BigQuery, Snowflake, Spark). */
function escapedString(s: string): string {
  let out = "'";
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === "'") out += "\\'";
    else if (c < 0x20 || c === 0x7f || (c >= 0x80 && c < 0xa0) || c === 0xa0 || c === 0x2028 || c === 0x2029 || c === 0xfeff || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x202f || c === 0x205f || c === 0x3000) {
      out += '\\u' + c.toString(16).padStart(4, '0');
    } else out += ch;
  }
  return out + "'";
}

/** JS's shortest round-trip decimal form of a double, for CAST('…' AS DOUBLE). */
function shortest(x: number): string {
  return String(x);
}

function valuesStandard(alias: string, cols: readonly string[], rows: readonly (readonly string[])[]): string {
  return `(VALUES ${rows.map((r) => `(${r.join(', ')})`).join(', ')}) AS ${alias}(${cols.join(', ')})`;
}

export const duckdb: Dialect = {
  name: 'duckdb',
  flavor: 're2',
  maxRepeat: 1000,
  ident: quoteDouble,
  str: standardString,
  text: (e) => `CAST(${e} AS VARCHAR)`,
  toDouble: (e) => `TRY_CAST(${e} AS DOUBLE)`,
  intText: (e) => `CAST(CAST(${e} AS BIGINT) AS VARCHAR)`,
  doubleLit: (x) => `CAST('${shortest(x)}' AS DOUBLE)`,
  decimal2: (e) => `CAST(${e} AS DECIMAL(18,2))`,
  regexMatch: (e, p, ci) => `regexp_matches(${e}, ${standardString((ci ? '(?i)' : '') + p)})`,
  regexExtract: (e, p) => `NULLIF(regexp_extract(${e}, ${standardString(p)}), '')`,
  strpos: (h, n) => `strpos(${h}, ${n})`,
  trimChars: (e, chars) => `trim(${e}, ${chars})`,
  values: valuesStandard,
  binary: (e) => e,
  textType: 'VARCHAR',
  doubleType: 'DOUBLE',
  intType: 'BIGINT',
  mod: (a, b) => `(${a} % ${b})`,
  nowMs: 'CAST(epoch_ms(current_timestamp) AS DOUBLE)',
  // DuckDB inlines CTEs and shares common subexpressions: materialising them was slower (24.8 s vs 16.5 s, 30k/300k)
  cte: (name) => `${name} AS (`,
};

export const postgres: Dialect = {
  name: 'postgres',
  flavor: 'pg',
  maxRepeat: 255,
  ident: quoteDouble,
  str: standardString,
  text: (e) => `CAST(${e} AS TEXT)`,
  // no TRY_CAST in PostgreSQL: the compiler only casts text its pattern has checked (inside a CASE)
  toDouble: (e) => `CAST(${e} AS DOUBLE PRECISION)`,
  intText: (e) => `CAST(CAST(${e} AS BIGINT) AS TEXT)`,
  doubleLit: (x) => `CAST('${shortest(x)}' AS DOUBLE PRECISION)`,
  decimal2: (e) => `CAST(${e} AS NUMERIC(18,2))`,
  regexMatch: (e, p, ci) => `(${e} ~ ${standardString((ci ? '(?i)' : '') + p)})`,
  regexExtract: (e, p) => `substring(${e} from ${standardString(p)})`,
  strpos: (h, n) => `strpos(${h}, ${n})`,
  trimChars: (e, chars) => `btrim(${e}, ${chars})`,
  values: valuesStandard,
  binary: (e) => `${e} COLLATE "C"`,
  textType: 'TEXT',
  doubleType: 'DOUBLE PRECISION',
  intType: 'BIGINT',
  mod: (a, b) => `MOD(${a}, ${b})`,
  nowMs: 'FLOOR(EXTRACT(EPOCH FROM now()) * 1000)',
  cte: (name) => `${name} AS MATERIALIZED (`,
};

export const bigquery: Dialect = {
  name: 'bigquery',
  flavor: 're2',
  maxRepeat: 1000,
  ident: quoteBacktick,
  str: escapedString,
  text: (e) => `CAST(${e} AS STRING)`,
  toDouble: (e) => `SAFE_CAST(${e} AS FLOAT64)`,
  intText: (e) => `CAST(CAST(${e} AS INT64) AS STRING)`,
  doubleLit: (x) => `CAST('${shortest(x)}' AS FLOAT64)`,
  decimal2: (e) => `CAST(${e} AS NUMERIC)`,
  regexMatch: (e, p, ci) => `REGEXP_CONTAINS(${e}, ${escapedString((ci ? '(?i)' : '') + p)})`,
  regexExtract: (e, p) => `REGEXP_EXTRACT(${e}, ${escapedString(p)})`,
  strpos: (h, n) => `STRPOS(${h}, ${n})`,
  trimChars: (e, chars) => `TRIM(${e}, ${chars})`,
  values: (alias, cols, rows) =>
    `UNNEST([${rows.map((r) => `STRUCT(${r.map((v, i) => `${v} AS ${cols[i]}`).join(', ')})`).join(', ')}]) AS ${alias}`,
  binary: (e) => e,
  textType: 'STRING',
  doubleType: 'FLOAT64',
  intType: 'INT64',
  mod: (a, b) => `MOD(${a}, ${b})`,
  nowMs: 'CAST(UNIX_MILLIS(CURRENT_TIMESTAMP()) AS FLOAT64)',
  cte: (name) => `${name} AS (`,
};

export const snowflake: Dialect = {
  name: 'snowflake',
  flavor: 'posix',
  maxRepeat: 1000,
  ident: (name) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : quoteDouble(name)),
  str: escapedString,
  text: (e) => `CAST(${e} AS VARCHAR)`,
  toDouble: (e) => `TRY_CAST(${e} AS DOUBLE)`,
  intText: (e) => `CAST(CAST(${e} AS BIGINT) AS VARCHAR)`,
  doubleLit: (x) => `CAST('${shortest(x)}' AS DOUBLE)`,
  decimal2: (e) => `CAST(${e} AS NUMBER(18,2))`,
  regexMatch: (e, p, ci) => `(REGEXP_INSTR(${e}, ${escapedString(p)}, 1, 1, 0, '${ci ? 'i' : 'c'}') > 0)`,
  regexExtract: (e, p) => `REGEXP_SUBSTR(${e}, ${escapedString(p)})`,
  strpos: (h, n) => `POSITION(${n}, ${h})`,
  trimChars: (e, chars) => `TRIM(${e}, ${chars})`,
  values: (alias, cols, rows) => `(SELECT * FROM (VALUES ${rows.map((r) => `(${r.join(', ')})`).join(', ')}) AS v(${cols.join(', ')})) AS ${alias}`,
  binary: (e) => e,
  textType: 'VARCHAR',
  doubleType: 'DOUBLE',
  intType: 'BIGINT',
  mod: (a, b) => `MOD(${a}, ${b})`,
  nowMs: 'CAST(DATE_PART(EPOCH_MILLISECOND, CURRENT_TIMESTAMP()) AS DOUBLE)',
  cte: (name) => `${name} AS (`,
};

export const spark: Dialect = {
  name: 'spark',
  flavor: 'java',
  maxRepeat: 100000,
  ident: quoteBacktick,
  str: escapedString,
  text: (e) => `CAST(${e} AS STRING)`,
  // CAST inside the compiler's CASE guard (checked text only): also safe under spark.sql.ansi.enabled
  toDouble: (e) => `CAST(${e} AS DOUBLE)`,
  intText: (e) => `CAST(CAST(${e} AS BIGINT) AS STRING)`,
  doubleLit: (x) => `CAST('${shortest(x)}' AS DOUBLE)`,
  decimal2: (e) => `CAST(${e} AS DECIMAL(18,2))`,
  regexMatch: (e, p, ci) => `(${e} RLIKE ${escapedString((ci ? '(?iu)' : '') + p)})`,
  regexExtract: (e, p) => `NULLIF(regexp_extract(${e}, ${escapedString(p)}, 0), '')`,
  strpos: (h, n) => `instr(${h}, ${n})`,
  trimChars: (e, chars) => `btrim(${e}, ${chars})`,
  // Spark has VALUES, but a one-column list reads as explode(array(...)) and the rest as UNION ALL, which
  // every Spark/Hive parser takes
  values: (alias, cols, rows) =>
    cols.length === 1
      ? `(SELECT explode(array(${rows.map((r) => r[0]).join(', ')})) AS ${cols[0]}) ${alias}`
      : `(${rows.map((r, k) => `SELECT ${r.map((v, i) => (k === 0 ? `${v} AS ${cols[i]}` : v)).join(', ')}`).join(' UNION ALL ')}) ${alias}`,
  binary: (e) => e,
  textType: 'STRING',
  doubleType: 'DOUBLE',
  intType: 'BIGINT',
  mod: (a, b) => `MOD(${a}, ${b})`,
  nowMs: 'CAST(unix_millis(current_timestamp()) AS DOUBLE)',
  cte: (name) => `${name} AS (`,
};

export const DIALECT: Record<DialectName, Dialect> = { duckdb, postgres, bigquery, snowflake, spark };

/** A JS pattern matched by this dialect (throws RegexRefusal when the engine cannot express it). */
export function regexMatchSql(d: Dialect, e: string, jsPattern: string, ci: boolean): string {
  return d.regexMatch(e, translateRegex(jsPattern, d.flavor, d.maxRepeat), ci);
}
