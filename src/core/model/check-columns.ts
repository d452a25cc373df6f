// Columns (validate -l / -a): every field the model reads must be a column of the file it reads it from.
import { closest, quoteList } from '../text.js';
import { formatPath, type ModelPath, parsePath } from './paths.js';
import { DiagnosticSink, type ValidateOptions } from './diagnostic-sink.js';
import { eachCondition } from './semantic-checks.js';
import { columnMatcher, columnNames } from '../columns.js';
import { resolveJsonField } from './json-field.js';
import {
  ACTIVITY_FEATURE,
  type Condition,
  type Diagnostic,
  type Model,
  SIGNAL_FIELDS,
} from './types.js';

// ---------------------------------------------------------------------------------------------------
// Columns (validate -l / -a)

export interface ColumnCheckOptions extends ValidateOptions {
  /** Names of the header files, for messages. */
  leadsFile?: string;
  activitiesFile?: string;
  /**
   * Several activity files: is this field (read by an engagement rule) a column of another of them?
   * Then its absence here is a warning (LS095: union by name), not an error.
   */
  inOtherActivityFile?: (field: string) => boolean;
}

/** Is `field` a column of `header`: by name (or alternatives), or a path inside a JSON column (event_data.revenue)? */
export function hasColumn(model: Model, header: readonly string[], field: string): boolean {
  const index = columnMatcher(header, model.alternatives);
  return index(field) >= 0 || resolveJsonField(field, index) !== undefined;
}

/** For each column with alternatives that the model reads from this header: which of its names the header has. */
export function alternativesUsed(model: Model, header: readonly string[]): { column: string; names: string[]; uses: string | undefined }[] {
  const out: { column: string; names: string[]; uses: string | undefined }[] = [];
  const index = columnMatcher(header);
  for (const names of Object.values(model.alternatives ?? {})) {
    const hit = names.find((n) => index(n) >= 0);
    out.push({ column: names[0]!, names, uses: hit === undefined ? undefined : header[index(hit)]!.trim() });
  }
  return out;
}

/**
 * Every field the model reads must be a column of the file it reads it from (after trimming and
 * case-folding): fit and quality fields, input.leads.id (unless $row) and signal fields other than
 * SIGNAL_FIELDS from the leads header; engagement rule fields and input.activities.* from the
 * activities header. A header that is not given is not checked.
 */
export function checkColumns(model: Model, headers: { leads?: string[]; activities?: string[] }, opts: ColumnCheckOptions = {}): Diagnostic[] {
  const d = new DiagnosticSink(opts);
  const check = (code: 'LS090' | 'LS091' | 'LS095', header: string[], fileName: string, field: string, path: ModelPath) => {
    if (hasColumn(model, header, field)) return;
    const names = columnNames(field, model.alternatives);
    const near = [...new Set(names.flatMap((n) => closest(n, header.map((h) => h.trim()), 3)))].slice(0, 3);
    const what = names.length > 1 ? `none of the columns ${quoteList(names)}` : `field "${field}"`;
    if (code === 'LS095') {
      d.add(code, path, `${what} in ${formatPath(path.slice(0, -1))} is not a column of ${fileName}, though other activity files have it: its rows there see a missing value`,
        'expected when a later export dropped the column; if the file names it differently, give alternatives: field: [name, other_name]');
      return;
    }
    d.add(code, path, `${what} in ${formatPath(path.slice(0, -1))} is ${names.length > 1 ? 'in' : 'not a column of'} ${fileName}${near.length ? ` (closest: ${quoteList(near)})` : ''}`,
      near.length ? `rename the field to the column it means, e.g. "${near[0]}", or list the names this export uses: [${[...names, near[0]].join(', ')}]` : `columns of ${fileName}: ${header.slice(0, 12).map((h) => h.trim()).join(', ')}${header.length > 12 ? ', ...' : ''}`);
  };
  const fieldsOf = (c: Condition, fn: (field: string, path: ModelPath) => void) =>
    eachCondition(c, (leaf) => fn(leaf.field, [...parsePath(leaf.path), 'field']));

  if (headers.leads) {
    const h = headers.leads;
    const file = opts.leadsFile ?? 'the leads file';
    const lead = (field: string, path: ModelPath) => check('LS090', h, file, field, path);
    if (model.input.leads.id !== '$row') lead(model.input.leads.id, ['input', 'leads', 'id']);
    for (const r of model.fit.rules) {
      if (r.kind === 'if') fieldsOf(r.condition, lead);
      else lead(r.field, [...parsePath(r.path), 'field']);
    }
    for (const q of model.quality) {
      if (q.field !== undefined) lead(q.field, [...parsePath(q.path), 'field']);
      if (q.condition) fieldsOf(q.condition, lead);
    }
    for (const g of model.segments ?? []) fieldsOf(g.condition, lead);
    for (const s of model.engagement.signals) {
      fieldsOf(s.condition, (field, path) => {
        if (!(SIGNAL_FIELDS as readonly string[]).includes(field.trim().toLowerCase())) lead(field, path);
      });
    }
    // predictive features read a leads column, unless they name an activity aggregate (activity.*)
    model.predictive?.features.forEach((f, i) => {
      if (!ACTIVITY_FEATURE.test(f.name) || columnMatcherOf(h, f.name)) lead(f.name, ['predictive', 'features', i, 'name']);
    });
    // accounts: the grouping column and the account fit rules read leads columns
    if (model.accounts) {
      lead(model.accounts.by.field, ['accounts', 'by', model.accounts.by.kind]);
      for (const r of model.accounts.fit.rules) {
        if (r.kind === 'if') fieldsOf(r.condition, lead);
        else lead(r.field, [...parsePath(r.path), 'field']);
      }
    }
  }
  if (headers.activities) {
    const h = headers.activities;
    const file = opts.activitiesFile ?? 'the activities file';
    const act = (field: string, path: ModelPath) => check('LS091', h, file, field, path);
    const a = model.input.activities;
    act(a.leadId, ['input', 'activities', 'lead_id']);
    act(a.type, ['input', 'activities', 'type']);
    act(a.timestamp, ['input', 'activities', 'timestamp']);
    const ruleField = (field: string, path: ModelPath) =>
      check(opts.inOtherActivityFile?.(field) ? 'LS095' : 'LS091', h, file, field, path);
    for (const r of model.engagement.rules) if (r.condition) fieldsOf(r.condition, ruleField);
    const matchOn = model.engagement.botFilter?.clicks?.matchOn;
    if (matchOn) act(matchOn, ['engagement', 'bot_filter', 'clicks', 'match_on']);
  }
  return [...d.errors, ...d.warnings];
}

function columnMatcherOf(header: readonly string[], name: string): boolean {
  const k = name.trim().toLowerCase();
  return header.some((h) => h.trim().toLowerCase() === k);
}

/** Number of rules of a model (fit, engagement, signals, quality), for summaries. */
export function countRules(model: Model): number {
  return model.fit.rules.length + model.engagement.rules.length + model.engagement.signals.length + model.quality.length;
}
