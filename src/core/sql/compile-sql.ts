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
import type { Diagnostic, Model, Result } from '../model/types.js';
import { ACTIVITY_FEATURE, SIGNAL_FIELDS } from '../model/types.js';
import { applySegment } from '../score/compiled.js';
import { parseNumber } from '../value.js';
import { DIALECT, type Dialect, type DialectName } from './dialect.js';
import { activityCtes } from './sql-activities.js';
import { ColumnSet, ConditionSql, markNeeds, textCell } from './sql-conditions.js';
import { leadCtes, qualityTests } from './sql-leads.js';
import { pointsCtes } from './sql-points.js';
import type { QueryScope, SqlOptions } from './sql-query.js';
import { scoreCtes } from './sql-score.js';
import { SqlValues } from './sql-values.js';

export type { AsOf, SqlOptions } from './sql-query.js';
export { DOMAIN_TABLE_MAX_LABELS } from './sql-leads.js';

/**
 * One compilation: the refusals of whole features, the columns the model reads, then the query in its
 * parts (leads, activities, points, score and reasons), each written by its own module over a QueryScope.
 */
export class SqlCompiler {
  readonly d: Dialect;
  private readonly model: Model;
  private readonly o: SqlOptions;
  private readonly errors: Diagnostic[] = [];

  constructor(model: Model, o: SqlOptions) {
    this.model = model;
    this.o = o;
    this.d = DIALECT[o.dialect];
  }

  /** Record a refusal and go on (every refusal is reported, not just the first). */
  private note(code: string, message: string, path: string | undefined, hint: string): void {
    this.errors.push({ code, severity: 'error', message, ...(path ? { path } : {}), ...(this.o.file ? { file: this.o.file } : {}), hint });
  }

  /** The query, or every refusal (LS190-LS193) when the dialect cannot express the model exactly. */
  compile(): Result<string> {
    const sql = this.build();
    if (this.errors.length) return { errors: this.errors, warnings: [] };
    return { value: sql, errors: [], warnings: [] };
  }

  /** Features the SQL cannot express at all (LS190), and $row without --order-by (LS193). */
  private refuseWholeFeatures(): void {
    const m = this.model;
    const d = this.d;
    if (m.engagement.botFilter) this.note('LS190', `engagement.bot_filter cannot be compiled to SQL (${d.name}): it depends on the order activities are read in`, 'engagement.bot_filter', 'score this model with `leadscore score`, or remove bot_filter for the warehouse');
    if (m.accounts) this.note('LS190', `accounts cannot be compiled to SQL (${d.name}) yet`, 'accounts', 'score accounts with `leadscore score`; the lead scores are the same without the accounts section');
    // A predictive model of weight 1 writes its reasons as `feature = value +log-odds` (docs/train.md); the
    // compiler writes points, so such a model is refused rather than compiled with other reasons.
    if (m.predictive && m.predictive.weight === 1) this.note('LS190', `the reasons of a predictive model with weight 1 (feature = value +log-odds) cannot be compiled to SQL (${d.name}) yet`, 'predictive.weight', 'score this model with `leadscore score`, or set predictive.weight below 1 for the warehouse');
    const df = [m.input.leads.dateFormat, m.input.activities.dateFormat].find((f) => f && f !== 'iso');
    // (compilation goes on after a refusal, to report every one; the text is then thrown away)
    if (df) this.note('LS190', `date_format: ${df} cannot be compiled to SQL (${d.name}) yet`, m.input.leads.dateFormat && m.input.leads.dateFormat !== 'iso' ? 'input.leads.date_format' : 'input.activities.date_format', 'store timestamps as ISO 8601 text or TIMESTAMP columns (docs/warehouse.md)');
    if (m.input.leads.id === '$row' && !this.o.orderBy) this.note('LS193', 'the model numbers leads by row ($row), and a table has no row order', 'input.leads.id', 'give --order-by COLUMN (the column that says which row comes first), or an id column in the model');
  }

  private scope(): QueryScope {
    const m = this.model;
    const o = this.o;
    const v = new SqlValues(this.d, m.input.leads.nullValues);
    const refuse = this.note.bind(this);
    const leadCols = new ColumnSet('l');
    const withParams = o.asOf.kind !== 'ms';
    // Activity types counted by predictive activity.count_type features, in first-use order.
    const countedTypes: string[] = [];
    for (const f of m.predictive?.features ?? []) {
      const t = ACTIVITY_FEATURE.exec(f.name)?.[2]?.trim().toLowerCase();
      if (t && !countedTypes.includes(t)) countedTypes.push(t);
    }
    return {
      m,
      o,
      d: this.d,
      v,
      c: new ConditionSql(v, refuse),
      ctes: [],
      asOf: o.asOf.kind === 'ms' ? String(o.asOf.ms) : 'prm.as_of_ms',
      withParams,
      prmJoin: withParams ? ' CROSS JOIN prm' : '',
      leadCols,
      actCols: new ColumnSet('a'),
      // Segments change rule points and band mins: every variant, 0..k-1, then the model itself.
      variants: (m.segments ?? []).map((s) => applySegment(m, s)),
      countedTypes,
      refuse,
      table: (name) => (o.emit === 'dbt' ? `{{ ref('${name.replace(/'/g, '')}') }}` : name),
      leadCell: (f) => textCell(leadCols.get(f)),
    };
  }

  /** Registers every column the model reads, with what it needs of each (number, timestamp, trimmed text). */
  private readColumns(q: QueryScope): void {
    const m = this.model;
    const leadCol = (f: string) => q.leadCols.get(f);
    const signalField = (f: string) => (SIGNAL_FIELDS as readonly string[]).includes(f);
    const numericKey = (key: string) => !Number.isNaN(parseNumber(key.trim().toLowerCase()));
    for (const r of m.fit.rules) {
      if (r.kind === 'if') markNeeds(r.condition, leadCol);
      else {
        const c = leadCol(r.field);
        if (r.kind === 'ranges') c.needN = true;
        else if (r.values.some((x) => numericKey(x.key))) c.needN = true;
      }
    }
    for (const vm of q.variants) for (const r of vm.fit.rules) if (r.kind === 'values' && r.values.some((x) => numericKey(x.key))) leadCol(r.field).needN = true;
    for (const s of m.engagement.signals) markNeeds(s.condition, (f) => (signalField(f) ? undefined : leadCol(f)));
    for (const r of m.quality) {
      if (r.condition) markNeeds(r.condition, leadCol);
      else if (r.field) leadCol(r.field).needQ = true;
    }
    for (const s of m.segments ?? []) markNeeds(s.condition, leadCol);
    for (const f of m.predictive?.features ?? []) {
      if (ACTIVITY_FEATURE.test(f.name)) continue;
      const c = leadCol(f.name);
      if (f.type === 'numeric') c.needN = true;
    }
    for (const r of m.engagement.rules) if (r.condition) markNeeds(r.condition, (f) => q.actCols.get(f));

    // A field with a dot reads inside a JSON column when no column has that name (json-field.ts): that
    // depends on the header, which SQL does not know, and JSON functions differ by engine.
    for (const c of [...q.leadCols.all(), ...q.actCols.all()]) {
      if (c.name.includes('.')) this.note('LS194', `field "${c.name}" may be a JSON property (a path inside a column), which ${this.d.name} SQL does not read yet`, undefined, 'extract the property into a column of its own (a view) and name that column in the model');
    }
  }

  /** The whole query text (also when there are refusals: it is then thrown away by compile()). */
  build(): string {
    const m = this.model;
    const d = this.d;
    const o = this.o;
    this.refuseWholeFeatures();
    const q = this.scope();
    this.readColumns(q);
    const needsActivities = m.engagement.rules.length > 0 || m.engagement.signals.length > 0 || !!m.predictive?.features.some((f) => ACTIVITY_FEATURE.test(f.name));

    const leadsCte = leadCtes(q);
    const qualityTest = qualityTests(q, leadsCte);
    const aggCte = needsActivities ? activityCtes(q) : undefined;
    const slotIds = pointsCtes(q, leadsCte, aggCte, qualityTest);
    const { out, hasReasons } = scoreCtes(q, slotIds);

    const params: string[] = [];
    if (o.asOf.kind === 'now') params.push(`prm AS (SELECT ${d.nowMs} AS as_of_ms)`);
    if (o.asOf.kind === 'dbt-var') {
      params.push(`prm_text AS (SELECT ${q.v.jsTrim(`'{{ var("leadscore_as_of", "now") }}'`)} AS as_of_text)`);
      const pts = q.v.timestampCtes('prm', 'prm_text', [{ src: 'as_of_text', out: 'as_of_parsed' }]);
      params.push(...pts.ctes);
      params.push(`prm AS (SELECT CASE WHEN LOWER(as_of_text) = 'now' THEN ${d.nowMs} ELSE as_of_parsed END AS as_of_ms FROM ${pts.last})`);
    }
    const all = [...params, ...q.ctes].map((c) => c.replace(/^(\w+) AS \(/, (_, name: string) => d.cte(name)));
    const body =
      `WITH\n${all.map((c) => '  ' + c).join(',\n')}\n` +
      `SELECT ${out.join(',\n       ')}\nFROM lead_banded b${hasReasons ? ' LEFT JOIN lead_reasons r ON r.lead_id = b.lead_id' : ''}\nORDER BY ${d.ident('rank')}`;
    const banner = (o.banner ?? []).map((l) => `-- ${l}`).join('\n');
    const dbt = o.emit === 'dbt' ? `{{ config(materialized='table') }}\n` : '';
    return `${banner ? banner + '\n' : ''}${dbt}${body}\n`;
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
