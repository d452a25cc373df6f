// What the parts of the SQL compiler share while they write one query: the options, the model, the
// dialect's value rules, the columns read, the list of CTEs written so far. Pure.
import type { Model } from '../model/types.js';
import type { Dialect, DialectName } from './dialect.js';
import type { Cell, ColumnSet, ConditionSql, Refuse } from './sql-conditions.js';
import type { SqlValues } from './sql-values.js';

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

export interface QueryScope {
  readonly m: Model;
  readonly o: SqlOptions;
  readonly d: Dialect;
  readonly v: SqlValues;
  readonly c: ConditionSql;
  /** The CTEs written so far, in order (`name AS (…)`). */
  readonly ctes: string[];
  /** The as-of in epoch ms: a literal, or `prm.as_of_ms` (then every reader joins `prm`: prmJoin). */
  readonly asOf: string;
  readonly withParams: boolean;
  readonly prmJoin: string;
  readonly leadCols: ColumnSet;
  readonly actCols: ColumnSet;
  /** The model with each segment applied, in segment order. */
  readonly variants: Model[];
  /** Activity types that predictive `activity.count_type` features count, lower case, in first-use order. */
  readonly countedTypes: string[];
  readonly refuse: Refuse;
  /** A table name as written in the query (a dbt ref with --emit dbt). */
  table(name: string): string;
  /** A lead column's cell. */
  leadCell(field: string): Cell;
}
