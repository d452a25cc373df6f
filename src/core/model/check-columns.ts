// Columns (validate -l / -a): every field the model reads must be a column of the file it reads it from.
import { closest, quoteList } from '../text.js';
import { formatPath, type ModelPath, parsePath } from './paths.js';
import { DiagnosticSink, type ValidateOptions } from './diagnostic-sink.js';
import { eachCondition } from './semantic-checks.js';
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
}

/**
 * Every field the model reads must be a column of the file it reads it from (after trimming and
 * case-folding): fit and quality fields, input.leads.id (unless $row) and signal fields other than
 * SIGNAL_FIELDS from the leads header; engagement rule fields and input.activities.* from the
 * activities header. A header that is not given is not checked.
 */
export function checkColumns(model: Model, headers: { leads?: string[]; activities?: string[] }, opts: ColumnCheckOptions = {}): Diagnostic[] {
  const d = new DiagnosticSink(opts);
  const norm = (s: string) => s.trim().toLowerCase();
  const check = (code: 'LS090' | 'LS091', header: string[], fileName: string, field: string, path: ModelPath) => {
    const cols = new Set(header.map(norm));
    if (cols.has(norm(field))) return;
    const near = closest(field, header.map((h) => h.trim()), 3);
    d.add(code, path, `field "${field}" in ${formatPath(path.slice(0, -1))} is not a column of ${fileName}${near.length ? ` (closest: ${quoteList(near)})` : ''}`,
      near.length ? `rename the field to the column it means, e.g. "${near[0]}"` : `columns of ${fileName}: ${header.slice(0, 12).map((h) => h.trim()).join(', ')}${header.length > 12 ? ', ...' : ''}`);
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
    for (const r of model.engagement.rules) if (r.condition) fieldsOf(r.condition, act);
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
