// A model bound to a run: conditions compiled against the leads header, as-of fixed, rules indexed.
import { compileCondition, fieldReader, type BindContext, type CompiledCondition, type CompiledNode } from '../model/compile.js';
import { JsonCache } from '../model/json-field.js';
import type { EngagementRule, FitRule, Model, QualityRule, Segment, Signal } from '../model/types.js';
import { ACTIVITY_FEATURE, SIGNAL_FIELDS } from '../model/types.js';
import { compilePredictive, type PredictiveScorer } from './predictive.js';
import { type DateFormat, makeNulls, type Nulls, type NumberFormat, parseNumber } from '../value.js';
import { columnMatcher } from '../columns.js';

/** Where the scorer looks up things it does not own (kept out of core: data files, clocks). */
export interface ScoringEnv {
  isDisposableDomain(domain: string): boolean;
}

export type RuleSection = 'fit' | 'engagement' | 'signal' | 'quality' | 'predictive';

export interface RuleRef {
  id: string;
  label?: string;
  section: RuleSection;
  path: string;
}

export type CompiledFitRule =
  | { rule: FitRule; slot: number; kind: 'if'; test: CompiledCondition; points: number }
  | { rule: FitRule; slot: number; kind: 'values'; index: number; read?: CellReader; byText: Map<string, number>; byNumber: Map<number, number> }
  | { rule: FitRule; slot: number; kind: 'ranges'; index: number; read?: CellReader; ranges: { min: number; max: number; points: number }[] };

/** Reads a field inside a JSON column from a row (compile.ts fieldReader). */
export type CellReader = (row: readonly (string | number | undefined)[]) => string | number | undefined;

/** The cell a `values` / `ranges` fit rule reads from a lead row. */
export function fitCell(f: Extract<CompiledFitRule, { kind: 'values' | 'ranges' }>, row: readonly (string | number | undefined)[]): string | undefined {
  const c = f.read ? f.read(row) : f.index < 0 ? undefined : row[f.index];
  return c === undefined ? undefined : String(c);
}

export interface CompiledQuality {
  rule: QualityRule;
  slot: number;
  /** Does the check fire for this lead row? */
  fires(row: readonly (string | undefined)[]): boolean;
  /** The compiled condition of an `if` check (for explain). */
  node?: CompiledNode;
}

export interface CompiledSignal {
  rule: Signal;
  slot: number;
  test: CompiledCondition;
}

export interface CompiledModel {
  model: Model;
  asOfMs: number;
  nulls: Nulls;
  numberFormat: NumberFormat;
  dateFormat: DateFormat;
  leadHeader: string[];
  /** Column index of the lead id, or -1 for `$row`. */
  idIndex: number;
  /** Every rule in one list; `slot` indexes it (contributions, rule statistics). */
  rules: RuleRef[];
  fit: CompiledFitRule[];
  engagement: { rule: EngagementRule; slot: number }[];
  signals: CompiledSignal[];
  quality: CompiledQuality[];
  interests: string[];
  /** For each engagement rule, the index of its interest in `interests`, or -1. */
  interestOf: Int32Array;
  /** Unparsable values met by numeric/date operators, per field. */
  unparsable: Map<string, number>;
  /** The model's segments, each with its condition and the model as the segment changes it. */
  segments: CompiledSegment[];
  /** A predictive section: the scorer, its weight, and the rule slot of each feature (for reasons). */
  predictive?: { scorer: PredictiveScorer; weight: number; slotOf: Map<string, number> };
  /** Activity types (lower case) whose per-lead counts predictive features read; undefined: none kept. */
  countedTypes?: string[];
}

/** The activity counters a predictive section needs (from feature names only, so every thread agrees). */
function countedTypesOf(model: Model): string[] | undefined {
  const features = model.predictive?.features ?? [];
  if (!features.some((f) => ACTIVITY_FEATURE.test(f.name))) return undefined;
  const types: string[] = [];
  for (const f of features) {
    const m = ACTIVITY_FEATURE.exec(f.name);
    const t = m?.[2]?.trim().toLowerCase();
    if (t && !types.includes(t)) types.push(t);
  }
  return types;
}

export interface CompiledSegment {
  segment: Segment;
  test: CompiledCondition;
  cm: CompiledModel;
}

/** The model as a segment changes it: band thresholds and rule points replaced, nothing else. */
export function applySegment(model: Model, seg: Segment): Model {
  const over = new Map(seg.points.map((p) => [p.ruleId, p]));
  const mins = new Map(seg.bands.map((b) => [b.name.toLowerCase(), b.min]));
  const fit = model.fit.rules.map((r): FitRule => {
    const o = over.get(r.id);
    if (!o) return r;
    if (r.kind === 'if' && o.points !== undefined) return { ...r, points: o.points };
    if (r.kind === 'values' && o.values) {
      const keys = new Set(o.values.map((v) => v.key.trim().toLowerCase()));
      return { ...r, values: [...o.values, ...r.values.filter((v) => !keys.has(v.key.trim().toLowerCase()))] };
    }
    if (r.kind === 'ranges' && o.ranges) return { ...r, ranges: o.ranges };
    return r;
  });
  const pts = <T extends { id: string; points: number }>(r: T): T => {
    const o = over.get(r.id);
    return o?.points !== undefined ? { ...r, points: o.points } : r;
  };
  return {
    ...model,
    fit: { ...model.fit, rules: fit },
    engagement: { ...model.engagement, rules: model.engagement.rules.map(pts), signals: model.engagement.signals.map(pts) },
    quality: model.quality.map(pts),
    bands: model.bands.map((b) => (b.min !== undefined && mins.has(b.name.toLowerCase()) ? { ...b, min: mins.get(b.name.toLowerCase())! } : b)),
    segments: [],
  };
}

const EMAIL = /^[^\s@"(),:;<>[\]\\]+@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*\.[a-z]{2,}$/i;

export function isEmailSyntaxValid(s: string): boolean {
  if (!EMAIL.test(s)) return false;
  const local = s.slice(0, s.lastIndexOf('@'));
  return local.length <= 64 && !local.startsWith('.') && !local.endsWith('.') && !local.includes('..');
}

export function emailDomain(s: string): string | undefined {
  const at = s.lastIndexOf('@');
  if (at < 0 || at === s.length - 1) return undefined;
  return s.slice(at + 1).trim().toLowerCase();
}

/** The domain or any parent domain is in the list. */
export function isDisposable(email: string, env: ScoringEnv): boolean {
  let d = emailDomain(email);
  while (d && d.includes('.')) {
    if (env.isDisposableDomain(d)) return true;
    d = d.slice(d.indexOf('.') + 1);
  }
  return false;
}

export interface CompileOptions {
  leadHeader: string[];
  asOfMs: number;
  env: ScoringEnv;
  /** Shared by a model and its segments' variants. */
  unparsable?: Map<string, number>;
}

/**
 * A `values` fit rule's lookup tables: by trimmed lower-case text, and by number for keys that read as
 * one (so "10" matches a cell "10.0"); the first entry of a key wins. Also what the SQL compiler writes.
 */
export function valueLookup(values: readonly { key: string; points: number }[]): { byText: Map<string, number>; byNumber: Map<number, number> } {
  const byText = new Map<string, number>();
  const byNumber = new Map<number, number>();
  for (const { key, points } of values) {
    const k = key.trim().toLowerCase();
    if (!byText.has(k)) byText.set(k, points);
    const n = parseNumber(k);
    if (!Number.isNaN(n) && !byNumber.has(n)) byNumber.set(n, points);
  }
  return { byText, byNumber };
}

export function compileModel(model: Model, opts: CompileOptions): CompiledModel {
  const nulls = makeNulls(model.input.leads.nullValues);
  const numberFormat: NumberFormat = model.input.leads.numberFormat ?? 'point';
  const dateFormat: DateFormat = model.input.leads.dateFormat ?? 'iso';
  const unparsable = opts.unparsable ?? new Map<string, number>();
  const onUnparsable = (field: string): void => {
    unparsable.set(field, (unparsable.get(field) ?? 0) + 1);
  };
  const leadIndex = columnMatcher(opts.leadHeader, model.alternatives);
  const leadCtx: BindContext = { index: leadIndex, nulls, asOfMs: opts.asOfMs, numberFormat, dateFormat, onUnparsable, json: new JsonCache() };
  const rules: RuleRef[] = [];
  const slot = (r: { id: string; label?: string; path: string }, section: RuleSection): number => {
    rules.push({ id: r.id, ...(r.label ? { label: r.label } : {}), section, path: r.path });
    return rules.length - 1;
  };

  const fit: CompiledFitRule[] = model.fit.rules.map((rule) => {
    const s = slot(rule, 'fit');
    switch (rule.kind) {
      case 'if':
        return { rule, slot: s, kind: 'if', test: compileCondition(rule.condition, leadCtx), points: rule.points };
      case 'values':
        return { rule, slot: s, kind: 'values', ...fieldReader(rule.field, leadCtx), ...valueLookup(rule.values) };
      case 'ranges':
        return {
          rule,
          slot: s,
          kind: 'ranges',
          ...fieldReader(rule.field, leadCtx),
          ranges: rule.ranges.map((r) => ({ min: r.min ?? -Infinity, max: r.max ?? Infinity, points: r.points })),
        };
    }
  });

  const engagement = model.engagement.rules.map((rule) => ({ rule, slot: slot(rule, 'engagement') }));

  const signalIndex = (field: string): number => {
    const k = (SIGNAL_FIELDS as readonly string[]).indexOf(field);
    if (k >= 0) return k;
    const j = leadIndex(field);
    return j < 0 ? -1 : SIGNAL_FIELDS.length + j;
  };
  const signals = model.engagement.signals.map((rule) => ({
    rule,
    slot: slot(rule, 'signal'),
    test: compileCondition(rule.condition, { ...leadCtx, index: signalIndex }),
  }));

  const quality: CompiledQuality[] = model.quality.map((rule) => {
    const s = slot(rule, 'quality');
    if (rule.condition) {
      const c = compileCondition(rule.condition, leadCtx);
      return { rule, slot: s, fires: c.test, node: c.node };
    }
    const { index: idx, read } = rule.field ? fieldReader(rule.field, leadCtx) : { index: -1, read: undefined };
    const check = rule.check;
    return {
      rule,
      slot: s,
      fires: (row) => {
        const cell = read ? read(row) : idx < 0 ? undefined : row[idx];
        const raw = cell === undefined ? undefined : String(cell);
        const v = raw === undefined ? undefined : raw.trim();
        if (v === undefined || v === '' || (v.length <= nulls.maxLength && nulls.tokens.has(v.toLowerCase()))) return false;
        if (check === 'email_syntax') return !isEmailSyntaxValid(v);
        if (check === 'disposable_email') return isDisposable(v, opts.env);
        return false;
      },
    };
  });

  const interests: string[] = [];
  const interestOf = new Int32Array(engagement.length).fill(-1);
  engagement.forEach(({ rule }, i) => {
    if (!rule.interest) return;
    let k = interests.indexOf(rule.interest);
    if (k < 0) k = interests.push(rule.interest) - 1;
    interestOf[i] = k;
  });

  let predictive: CompiledModel['predictive'];
  if (model.predictive) {
    const slotOf = new Map<string, number>();
    for (const f of model.predictive.features) {
      if (!slotOf.has(f.name)) slotOf.set(f.name, slot({ id: f.name, path: `predictive.features[${model.predictive.features.indexOf(f)}]` }, 'predictive'));
    }
    predictive = { scorer: compilePredictive(model.predictive, opts.leadHeader, nulls, numberFormat), weight: model.predictive.weight, slotOf };
  }
  const countedTypes = countedTypesOf(model);

  const idCol = model.input.leads.id;
  return {
    model,
    asOfMs: opts.asOfMs,
    nulls,
    numberFormat,
    dateFormat,
    leadHeader: opts.leadHeader,
    idIndex: idCol === '$row' ? -1 : leadIndex(idCol),
    rules,
    fit,
    engagement,
    signals,
    quality,
    interests,
    interestOf,
    unparsable,
    ...(predictive ? { predictive } : {}),
    ...(countedTypes ? { countedTypes } : {}),
    segments: (model.segments ?? []).map((segment) => ({
      segment,
      test: compileCondition(segment.condition, leadCtx),
      cm: compileModel(applySegment(model, segment), { ...opts, unparsable }),
    })),
  };
}
