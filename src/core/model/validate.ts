// Model validation (STYLE.md: shape -> normalise -> semantic checks), pure.
//   1. shape + normalise: walk the parsed YAML (plain objects or Maps), report unknown keys, wrong types
//      and missing keys, and build the camelCase Model of types.ts with every default filled in once;
//      a broken part is reported and left out, so the walk goes on and finds every other mistake;
//   2. semantic checks over the normalised parts: each pushes diagnostics and never stops the others.
// User mistakes never throw: they come back as diagnostics in Result.errors / Result.warnings, and
// Result.value is set only when there is no error.
import { describe, entriesOf } from './raw-values.js';
import { closest, didYouMean, foldName, isSnakeCase, quoteList, toSnakeCase } from '../text.js';
import { DIAGNOSTIC_CODES, type DiagnosticCode } from './codes.js';
import { formatPath, type ModelPath, parsePath } from './paths.js';
import { checkRegexSafety } from './regex-safety.js';
import { readPredictive } from './predictive-section.js';
import {
  type AccountsSection,
  ACTIVITY_FEATURE,
  type Band,
  type Condition,
  DEFAULT_NULL_VALUES,
  type Diagnostic,
  type EngagementRule,
  type FitRule,
  type GradeScale,
  type LeafCondition,
  type Model,
  type ModelInput,
  type Operator,
  type OperatorName,
  OPERATORS,
  type PointsOverride,
  type BotFilterConfig,
  type QualityRule,
  type Result,
  type Segment,
  type Signal,
  SIGNAL_FIELDS,
} from './types.js';

export type { ModelPath } from './paths.js';
export { formatPath, parsePath } from './paths.js';

/** Position of a node of the model source; `part: 'key'` asks for the key of a mapping entry. */
export type Locate = (path: ModelPath, part?: 'key' | 'value') => { line: number; col: number } | undefined;

export interface ValidateOptions {
  file?: string;
  locate?: Locate;
}

// ---------------------------------------------------------------------------------------------------
// Diagnostics

export class DiagnosticSink {
  readonly errors: Diagnostic[] = [];
  readonly warnings: Diagnostic[] = [];
  constructor(private readonly opts: ValidateOptions = {}) {}

  add(code: DiagnosticCode, path: ModelPath, message: string, hint?: string, part: 'key' | 'value' = 'value'): void {
    const severity = DIAGNOSTIC_CODES[code].severity;
    const d: Diagnostic = { code, severity, message };
    if (path.length) d.path = formatPath(path);
    if (this.opts.file !== undefined) d.file = this.opts.file;
    const pos = this.opts.locate?.(path, part);
    if (pos) {
      d.line = pos.line;
      d.col = pos.col;
    }
    if (hint) d.hint = hint;
    (severity === 'error' ? this.errors : this.warnings).push(d);
  }
}

// ---------------------------------------------------------------------------------------------------
// Raw YAML helpers: the loader hands Maps (to keep key order, e.g. grade "4", "3", ...); tests may
// hand plain objects.




const at = (path: ModelPath) => formatPath(path) || 'the model';

// ---------------------------------------------------------------------------------------------------
// Shape + normalise

/** The known keys of a mapping; `suggested` holds keys that a misspelt key was taken for. */
type Obj = Map<string, { value: unknown; path: ModelPath }> & { suggested?: Set<string> };

class Reader {
  constructor(readonly d: DiagnosticSink) {}

  /** A mapping with known keys; reports unknown and missing keys. */
  object(raw: unknown, path: ModelPath, required: readonly string[], optional: readonly string[], what: string): Obj | undefined {
    const e = entriesOf(raw);
    if (!e) {
      this.d.add('LS011', path, `${at(path)} should be a mapping (${what}), found ${describe(raw)}`,
        `write it as "key: value" lines or { key: value }; valid keys: ${[...required, ...optional].join(', ')}`);
      return undefined;
    }
    const valid = [...required, ...optional];
    const out: Obj = new Map();
    const suggested = new Set<string>();
    for (const [k, v] of e) {
      const p = [...path, k];
      if (!valid.includes(k)) {
        const guess = didYouMean(k, valid);
        if (guess) suggested.add(guess);
        this.d.add('LS010', p, `unknown key "${k}" in ${at(path)}${guess ? ` (did you mean "${guess}"?)` : ''}`,
          `valid keys of ${what}: ${valid.join(', ')}`, 'key');
        continue;
      }
      out.set(k, { value: v, path: p });
    }
    for (const k of required) {
      // A misspelt required key is reported once, as unknown key with "did you mean".
      if (!out.has(k) && !e.some(([key]) => key === k) && !suggested.has(k)) {
        this.d.add('LS013', [...path, k], `missing required key "${k}" in ${at(path)}`, requiredHint(what, k));
      }
    }
    out.suggested = suggested;
    return out;
  }

  list(raw: unknown, path: ModelPath, what: string): unknown[] | undefined {
    if (Array.isArray(raw)) return raw;
    this.d.add('LS011', path, `${at(path)} should be a list of ${what}, found ${describe(raw)}`,
      `write one item per line, each starting with "- "`);
    return undefined;
  }

  /** A string; numbers are accepted and turned into strings (YAML reads `id: 2024` as a number). */
  string(raw: unknown, path: ModelPath, what: string): string | undefined {
    if (typeof raw === 'string') {
      if (raw.trim() === '') {
        this.d.add('LS011', path, `${at(path)} should be a non-empty string (${what}), found an empty string`, `write the ${what}`);
        return undefined;
      }
      return raw;
    }
    if (typeof raw === 'number' && Number.isFinite(raw)) return String(raw);
    this.d.add('LS011', path, `${at(path)} should be a string (${what}), found ${describe(raw)}`, `write the ${what}, quoted if it has special characters`);
    return undefined;
  }

  number(raw: unknown, path: ModelPath, what: string): number | undefined {
    if (typeof raw === 'number' && Number.isFinite(raw)) return raw;
    const quoted = typeof raw === 'string' && raw.trim() !== '' && Number.isFinite(Number(raw));
    this.d.add('LS011', path, `${at(path)} should be a number (${what}), found ${describe(raw)}`,
      quoted ? `remove the quotes: ${formatPath(path.slice(-1))}: ${raw}` : `write a number, e.g. 10 or -5 or 0.5`);
    return undefined;
  }

  boolean(raw: unknown, path: ModelPath, what: string): boolean | undefined {
    if (typeof raw === 'boolean') return raw;
    this.d.add('LS011', path, `${at(path)} should be true or false (${what}), found ${describe(raw)}`, 'write true or false, without quotes');
    return undefined;
  }

  /** A string or a list of strings -> a non-empty list. */
  stringList(raw: unknown, path: ModelPath, what: string): string[] | undefined {
    if (!Array.isArray(raw)) {
      const s = this.stringOrScalar(raw, path, what);
      return s === undefined ? undefined : [s];
    }
    if (raw.length === 0) {
      this.d.add('LS018', path, `${at(path)} is an empty list`, `give at least one ${what}`);
      return undefined;
    }
    const out: string[] = [];
    let ok = true;
    raw.forEach((x, i) => {
      const s = this.stringOrScalar(x, [...path, i], what);
      if (s === undefined) ok = false;
      else out.push(s);
    });
    return ok ? out : undefined;
  }

  private stringOrScalar(raw: unknown, path: ModelPath, what: string): string | undefined {
    if (typeof raw === 'string') return raw;
    if (typeof raw === 'number' && Number.isFinite(raw)) return String(raw);
    this.d.add('LS011', path, `${at(path)} should be a string or a list of strings (${what}), found ${describe(raw)}`,
      `write "${formatPath(path.slice(-1))}: text" or a list [a, b]`);
    return undefined;
  }
}

function requiredHint(what: string, key: string): string {
  const hints: Record<string, string> = {
    version: 'add "version: 1" at the top of the model',
    name: 'add a name, e.g. "name: b2b-saas"; it is shown in reports',
    input: 'add "input: { leads: { id: lead_id } }" naming the key column of the leads file',
    leads: 'add "leads: { id: lead_id }"',
    id: what === 'input.leads' ? 'name the key column of the leads file, or "$row" for the row number' : 'give the rule a unique snake_case id; it names the rule in reasons and reports',
    points: 'add the points the rule gives, e.g. "points: 10" (negative to subtract)',
    type: 'name the activity type(s) this rule counts, e.g. "type: form_submit" or "type: [demo_request, trial_signup]"',
    if: 'add a condition, e.g. "if: { field: days_since_last_activity, gt: 60 }"',
    field: 'name the column the rule looks at, e.g. "field: email"',
    name_band: 'give the band a name, e.g. "name: MQL"',
    rules: 'add "rules:" with a list of rules',
    fit: 'add "fit: { A: 40, B: 25, C: 10, D: 0 }"',
    activity: 'add "activity: { \\"4\\": 40, \\"3\\": 20, \\"2\\": 5, \\"1\\": 0 }"',
    lead_id: 'name the column of the activities file that holds the lead id',
    timestamp: 'name the column of the activities file that holds the date/time of the activity',
  };
  if (key === 'name' && what === 'a band') return hints['name_band'] as string;
  if (key === 'type' && what === 'input.activities') return 'name the column of the activities file that holds the activity type';
  return hints[key] ?? `add "${key}:"`;
}

// Operators users reach for, mapped to the one leadscore has ("gretaer_than" -> "gt").
const OPERATOR_ALIASES: Record<string, OperatorName> = {
  greater_than: 'gt', more_than: 'gt', above: 'gt', over: 'gt', '>': 'gt',
  greater_than_or_equal: 'gte', greater_or_equal: 'gte', at_least: 'gte', min: 'gte', ge: 'gte', '>=': 'gte',
  less_than: 'lt', below: 'lt', under: 'lt', '<': 'lt',
  less_than_or_equal: 'lte', less_or_equal: 'lte', at_most: 'lte', max: 'lte', le: 'lte', '<=': 'lte',
  eq: 'equals', equal: 'equals', is: 'equals', '=': 'equals', '==': 'equals', value: 'equals',
  one_of: 'in', any_of: 'in', is_in: 'in', none_of: 'not_in', not_one_of: 'not_in', nin: 'not_in',
  regex: 'matches', regexp: 'matches', match: 'matches', pattern: 'matches', like: 'contains',
  includes: 'contains', has: 'contains', startswith: 'starts_with', begins_with: 'starts_with', prefix: 'starts_with',
  endswith: 'ends_with', suffix: 'ends_with', range: 'between',
  exists: 'present', not_empty: 'present', is_present: 'present', empty: 'missing', is_empty: 'missing', blank: 'missing',
  is_missing: 'missing', null: 'missing', newer_than_days: 'within_days', in_last_days: 'within_days',
};

export function suggestOperator(name: string): OperatorName | undefined {
  const f = foldName(name);
  if ((OPERATORS as readonly string[]).includes(f)) return f as OperatorName;
  const alias = OPERATOR_ALIASES[f];
  if (alias) return alias;
  const guess = didYouMean(f, [...OPERATORS, ...Object.keys(OPERATOR_ALIASES)]);
  if (!guess) return undefined;
  return (OPERATORS as readonly string[]).includes(guess) ? (guess as OperatorName) : OPERATOR_ALIASES[guess];
}

const COMBINATORS = ['all', 'any', 'not'] as const;

class ModelReader extends Reader {
  /** Every rule id with the path where it is defined, for the duplicate check. */
  readonly ids: { id: string; path: ModelPath }[] = [];

  condition(raw: unknown, path: ModelPath): Condition | undefined {
    const e = entriesOf(raw);
    if (!e) {
      this.d.add('LS011', path, `${at(path)} should be a condition mapping, found ${describe(raw)}`,
        'write { field: column, <operator>: value }, or { all: [...] }, { any: [...] }, { not: {...} }');
      return undefined;
    }
    const p = formatPath(path);
    const combos = e.filter(([k]) => (COMBINATORS as readonly string[]).includes(k));
    if (combos.length > 0) {
      if (e.length > 1) {
        this.d.add('LS016', path, `${p} mixes ${quoteList(e.map(([k]) => k), 'and')}: all/any/not must be the only key of a condition`,
          'nest the leaf inside the list, e.g. { all: [ { field: a, gt: 1 }, { field: b, equals: x } ] }');
        return undefined;
      }
      const [k, v] = combos[0] as [string, unknown];
      if (k === 'not') {
        const item = this.condition(v, [...path, 'not']);
        return item && { kind: 'not', item, path: p };
      }
      const list = this.list(v, [...path, k], 'conditions');
      if (!list) return undefined;
      if (list.length === 0) {
        this.d.add('LS018', [...path, k], `${at([...path, k])} is an empty list`, `give at least one condition to "${k}"`);
        return undefined;
      }
      const items = list.map((x, i) => this.condition(x, [...path, k, i]));
      if (items.some((x) => x === undefined)) return undefined;
      return { kind: k as 'all' | 'any', items: items as Condition[], path: p };
    }
    let ok = true;
    let field: string | undefined;
    const ops: Operator[] = [];
    let unknownOps = 0;
    let misspeltField = false;
    for (const [k, v] of e) {
      const kp = [...path, k];
      if (k === 'field') {
        field = this.string(v, kp, 'a column name');
        if (field === undefined) ok = false;
        continue;
      }
      if (!(OPERATORS as readonly string[]).includes(k)) {
        unknownOps++;
        ok = false;
        if (!e.some(([key]) => key === 'field') && didYouMean(k, ['field']) && !suggestOperator(k)) {
          misspeltField = true;
          this.d.add('LS010', kp, `unknown key "${k}" in ${p} (did you mean "field"?)`, 'a condition leaf is { field: column, <operator>: value }', 'key');
          continue;
        }
        const guess = suggestOperator(k);
        this.d.add('LS012', kp, `unknown operator "${k}" in ${p}${guess ? ` (did you mean "${guess}"?)` : ''}`,
          `operators: ${OPERATORS.join(', ')}; combine conditions with all, any, not`, 'key');
        continue;
      }
      const op = this.operand(k as OperatorName, v, kp);
      if (op) ops.push(op);
      else ok = false;
    }
    if (!e.some(([k]) => k === 'field') && !misspeltField) {
      this.d.add('LS013', [...path, 'field'], `missing required key "field" in ${p}`,
        'name the column to test, e.g. { field: job_title, contains: director }');
      ok = false;
    }
    if (ops.length === 0 && unknownOps === 0 && ok) {
      this.d.add('LS016', path, `condition ${p} has no operator`, `add one, e.g. equals, in, contains, gt, between, missing (${OPERATORS.length} in all)`);
      ok = false;
    }
    if (!ok || field === undefined) return undefined;
    return { kind: 'leaf', field, ops, path: p };
  }

  private operand(op: OperatorName, v: unknown, path: ModelPath): Operator | undefined {
    switch (op) {
      case 'equals': {
        if (typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))) return { op, value: v };
        this.d.add('LS011', path, `${at(path)} should be a single value, found ${describe(v)}`,
          v === null || v === undefined ? 'to test for an empty cell use "missing: true"' : 'for several values use "in: [a, b]"');
        return undefined;
      }
      case 'in':
      case 'not_in': {
        if (!Array.isArray(v)) {
          this.d.add('LS011', path, `${at(path)} should be a list of values, found ${describe(v)}`, `write a list, e.g. ${op}: [a, b]; for one value use equals`);
          return undefined;
        }
        if (v.length === 0) {
          this.d.add('LS018', path, `${at(path)} is an empty list`, 'give at least one value');
          return undefined;
        }
        const bad = v.findIndex((x) => !(typeof x === 'string' || typeof x === 'boolean' || (typeof x === 'number' && Number.isFinite(x))));
        if (bad >= 0) {
          this.d.add('LS011', [...path, bad], `${at([...path, bad])} should be a string or number, found ${describe(v[bad])}`, 'quote values such as "null" or "~"');
          return undefined;
        }
        return { op, value: v as (string | number | boolean)[] };
      }
      case 'contains':
      case 'starts_with':
      case 'ends_with': {
        const value = this.stringList(v, path, 'text to look for');
        return value && { op, value };
      }
      case 'matches': {
        if (typeof v === 'string') return { op, value: v };
        this.d.add('LS011', path, `${at(path)} should be a regular expression string, found ${describe(v)}`,
          'quote it, e.g. matches: "^(ceo|cto)$" (double the backslashes inside double quotes)');
        return undefined;
      }
      case 'gt':
      case 'gte':
      case 'lt':
      case 'lte':
      case 'within_days':
      case 'older_than_days': {
        const value = this.number(v, path, op.endsWith('_days') ? 'a number of days' : 'a number to compare with');
        return value === undefined ? undefined : { op, value };
      }
      case 'between': {
        if (!Array.isArray(v) || v.length !== 2 || !v.every((x) => typeof x === 'number' && Number.isFinite(x))) {
          this.d.add('LS011', path, `${at(path)} should be a list of two numbers [low, high], found ${describe(v)}`, 'write e.g. between: [10, 50] (both ends included)');
          return undefined;
        }
        return { op, value: [v[0] as number, v[1] as number] };
      }
      case 'missing':
      case 'present': {
        const value = this.boolean(v, path, op === 'missing' ? 'missing: true matches an empty cell' : 'present: true matches a non-empty cell');
        return value === undefined ? undefined : { op, value };
      }
    }
  }

  id(o: Obj, path: ModelPath): string | undefined {
    const e = o.get('id');
    if (!e) return undefined;
    const id = this.string(e.value, e.path, 'a rule id');
    if (id !== undefined) this.ids.push({ id, path: e.path });
    return id;
  }

  label(o: Obj): string | undefined {
    const e = o.get('label');
    return e && this.string(e.value, e.path, 'a label');
  }

  optNumber(o: Obj, key: string, what: string): number | undefined {
    const e = o.get(key);
    return e && this.number(e.value, e.path, what);
  }

  optString(o: Obj, key: string, what: string): string | undefined {
    const e = o.get(key);
    return e && this.string(e.value, e.path, what);
  }

  fitRule(raw: unknown, path: ModelPath): FitRule | undefined {
    const o = this.object(raw, path, ['id'], ['label', 'if', 'points', 'field', 'values', 'ranges'], 'a fit rule');
    if (!o) return undefined;
    const id = this.id(o, path);
    const label = this.label(o);
    const p = formatPath(path);
    const forms = (['if', 'values', 'ranges'] as const).filter((k) => o.has(k));
    if (forms.length !== 1) {
      const misspelt = forms.length === 0 && ['if', 'values', 'ranges'].some((k) => o.suggested?.has(k));
      if (!misspelt) this.d.add('LS017', path,
        forms.length === 0 ? `fit rule ${p} has no "if", "values" or "ranges"` : `fit rule ${p} has both ${quoteList(forms.map(String), 'and')}`,
        'a fit rule is one of: { if: <condition>, points: N }, { field: F, values: { a: N, ... } }, { field: F, ranges: [ { min, max, points }, ... ] }');
      return undefined;
    }
    const base = { id, ...(label !== undefined ? { label } : {}), path: p };
    if (forms[0] === 'if') {
      if (o.has('field')) {
        this.d.add('LS017', [...path, 'field'], `fit rule ${p} has "field" beside "if"`, 'put the field inside the condition: if: { field: x, equals: y }', 'key');
      }
      const cond = this.condition(o.get('if')?.value, [...path, 'if']);
      const pts = o.get('points');
      if (!pts && !o.suggested?.has('points')) this.d.add('LS013', [...path, 'points'], `missing required key "points" in ${p}`, requiredHint('a fit rule', 'points'));
      const points = pts && this.number(pts.value, pts.path, 'points');
      if (id === undefined || !cond || points === undefined || o.has('field')) return undefined;
      return { ...base, id, kind: 'if', condition: cond, points };
    }
    const fe = o.get('field');
    if (!fe && !o.suggested?.has('field')) this.d.add('LS013', [...path, 'field'], `missing required key "field" in ${p}`, `name the column whose value selects the ${forms[0]}`);
    const field = fe && this.string(fe.value, fe.path, 'a column name');
    if (o.has('points')) {
      this.d.add('LS017', [...path, 'points'], `fit rule ${p} has "points" beside "${forms[0]}"`,
        `the points are given per ${forms[0] === 'values' ? 'value' : 'range'}; remove "points"`, 'key');
    }
    if (forms[0] === 'values') {
      const ve = o.get('values') as { value: unknown; path: ModelPath };
      const entries = entriesOf(ve.value);
      if (!entries) {
        this.d.add('LS011', ve.path, `${at(ve.path)} should be a mapping of value: points, found ${describe(ve.value)}`, 'write e.g. values: { IT: 15, Finance: 10 }');
        return undefined;
      }
      if (entries.length === 0) {
        this.d.add('LS018', ve.path, `${at(ve.path)} is empty`, 'give at least one value: points pair');
        return undefined;
      }
      const values: { key: string; points: number }[] = [];
      let ok = true;
      for (const [k, v] of entries) {
        const n = this.number(v, [...ve.path, k], `the points for "${k}"`);
        if (n === undefined) ok = false;
        else values.push({ key: k, points: n });
      }
      if (!ok || id === undefined || field === undefined || o.has('points')) return undefined;
      return { ...base, id, kind: 'values', field, values };
    }
    const re = o.get('ranges') as { value: unknown; path: ModelPath };
    const list = this.list(re.value, re.path, 'ranges { min, max, points }');
    if (!list) return undefined;
    if (list.length === 0) {
      this.d.add('LS018', re.path, `${at(re.path)} is an empty list`, 'give at least one range { min, max, points }');
      return undefined;
    }
    const ranges: { min?: number; max?: number; points: number }[] = [];
    let ok = true;
    list.forEach((r, i) => {
      const rp = [...re.path, i];
      const ro = this.object(r, rp, ['points'], ['min', 'max'], 'a range');
      if (!ro) return void (ok = false);
      const min = this.optNumber(ro, 'min', 'the lower bound, included');
      const max = this.optNumber(ro, 'max', 'the upper bound, included');
      const points = this.optNumber(ro, 'points', 'points');
      if ((ro.has('min') && min === undefined) || (ro.has('max') && max === undefined) || points === undefined) return void (ok = false);
      ranges.push({ ...(min !== undefined ? { min } : {}), ...(max !== undefined ? { max } : {}), points });
    });
    if (!ok || id === undefined || field === undefined || o.has('points')) return undefined;
    return { ...base, id, kind: 'ranges', field, ranges };
  }

  engagementRule(raw: unknown, path: ModelPath): EngagementRule | undefined {
    const o = this.object(raw, path, ['id', 'type', 'points'],
      ['label', 'if', 'max_count', 'max_points', 'decay', 'interest'], 'an engagement rule');
    if (!o) return undefined;
    const id = this.id(o, path);
    const label = this.label(o);
    const te = o.get('type');
    const types = te && this.stringList(te.value, te.path, 'activity type');
    const ie = o.get('if');
    const condition = ie && this.condition(ie.value, ie.path);
    const points = this.optNumber(o, 'points', 'points per activity');
    const maxCount = this.optNumber(o, 'max_count', 'how many of the most recent activities count');
    const maxPoints = this.optNumber(o, 'max_points', "a cap on the rule's total");
    const de = o.get('decay');
    const decay = de ? this.boolean(de.value, de.path, 'false turns off decay for this rule') : true;
    const interest = this.optString(o, 'interest', 'an interest name');
    const broken =
      id === undefined || types === undefined || points === undefined || decay === undefined ||
      (ie && !condition) || (o.has('max_count') && maxCount === undefined) ||
      (o.has('max_points') && maxPoints === undefined) || (o.has('interest') && interest === undefined);
    if (broken) return undefined;
    return {
      id, ...(label !== undefined ? { label } : {}), path: formatPath(path), types,
      ...(condition ? { condition } : {}), points,
      ...(maxCount !== undefined ? { maxCount } : {}), ...(maxPoints !== undefined ? { maxPoints } : {}),
      decay, ...(interest !== undefined ? { interest } : {}),
    };
  }

  signal(raw: unknown, path: ModelPath): Signal | undefined {
    const o = this.object(raw, path, ['id', 'if'], ['label', 'points', 'flag'], 'a signal');
    if (!o) return undefined;
    const id = this.id(o, path);
    const label = this.label(o);
    const ie = o.get('if');
    const condition = ie && this.condition(ie.value, ie.path);
    const points = o.has('points') ? this.optNumber(o, 'points', 'points') : 0;
    const flag = this.optString(o, 'flag', 'a flag name');
    if (id === undefined || !condition || points === undefined || (o.has('flag') && flag === undefined)) return undefined;
    return { id, ...(label !== undefined ? { label } : {}), path: formatPath(path), condition, points, ...(flag !== undefined ? { flag } : {}) };
  }

  qualityRule(raw: unknown, path: ModelPath): QualityRule | undefined {
    const o = this.object(raw, path, ['id'], ['label', 'check', 'field', 'if', 'action', 'points', 'flag'], 'a quality rule');
    if (!o) return undefined;
    const p = formatPath(path);
    const id = this.id(o, path);
    const label = this.label(o);
    let ok = true;
    let check: QualityRule['check'];
    const ce = o.get('check');
    if (ce) {
      const c = this.string(ce.value, ce.path, 'a built-in check');
      if (c === 'email_syntax' || c === 'disposable_email') check = c;
      else if (c !== undefined) {
        const guess = didYouMean(c, ['email_syntax', 'disposable_email']);
        this.d.add('LS014', ce.path, `unknown check "${c}" in ${p}${guess ? ` (did you mean "${guess}"?)` : ''}`,
          'built-in checks: email_syntax, disposable_email; for anything else write an "if:" condition');
        ok = false;
      } else ok = false;
    }
    const ie = o.get('if');
    const condition = ie && this.condition(ie.value, ie.path);
    if (ie && !condition) ok = false;
    const field = this.optString(o, 'field', 'the column to check');
    if (o.has('field') && field === undefined) ok = false;
    if (ce && ie) {
      this.d.add('LS017', path, `quality rule ${p} has both "check" and "if"`, 'use one per rule: a built-in check with a field, or an if: condition');
      ok = false;
    } else if (!ce && !ie) {
      this.d.add('LS017', path, `quality rule ${p} has neither "check" nor "if"`, 'add "check: email_syntax" (or disposable_email) with "field:", or an "if:" condition');
      ok = false;
    } else if (ce && !o.has('field')) {
      if (!o.suggested?.has('field')) this.d.add('LS013', [...path, 'field'], `missing required key "field" in ${p}`, `name the column that holds the e-mail address, e.g. "field: email"`);
      ok = false;
    } else if (ie && o.has('field')) {
      this.d.add('LS017', [...path, 'field'], `quality rule ${p} has "field" beside "if"`, 'put the field inside the condition: if: { field: x, ... }', 'key');
      ok = false;
    }
    let action: QualityRule['action'] = 'adjust';
    const ae = o.get('action');
    if (ae) {
      const a = this.string(ae.value, ae.path, 'reject or adjust');
      if (a === 'reject' || a === 'adjust') action = a;
      else {
        if (a !== undefined) {
          const guess = didYouMean(a, ['reject', 'adjust']);
          this.d.add('LS014', ae.path, `unknown action "${a}" in ${p}${guess ? ` (did you mean "${guess}"?)` : ''}`,
            'action: reject sends the lead to the rejects file; leave it out (or action: adjust) to add points and a flag');
        }
        ok = false;
      }
    }
    const points = o.has('points') ? this.optNumber(o, 'points', 'points added to the score') : 0;
    const flag = this.optString(o, 'flag', 'a flag name');
    if (points === undefined || (o.has('flag') && flag === undefined)) ok = false;
    if (!ok || id === undefined || points === undefined) return undefined;
    return {
      id, ...(label !== undefined ? { label } : {}), path: p, ...(check ? { check } : {}),
      ...(field !== undefined ? { field } : {}), ...(condition ? { condition } : {}),
      action, points: action === 'reject' ? 0 : points, ...(flag !== undefined ? { flag } : {}),
    };
  }

  botFilter(raw: unknown, path: ModelPath): BotFilterConfig | undefined {
    const o = this.object(raw, path, [], ['burst', 'clicks'], 'engagement.bot_filter');
    if (!o) return undefined;
    const out: BotFilterConfig = {};
    let ok = true;
    const positive = (e: { value: unknown; path: ModelPath } | undefined, what: string, integer: boolean): number | undefined => {
      if (!e) return undefined;
      const n = this.number(e.value, e.path, what);
      if (n === undefined) return void (ok = false);
      if (!(n > 0) || (integer && !Number.isInteger(n))) {
        this.d.add('LS066', e.path, `${at(e.path)} must be a positive ${integer ? 'integer' : 'number'}, found ${n}`, integer ? 'e.g. count: 5' : 'e.g. seconds: 10');
        ok = false;
        return undefined;
      }
      return n;
    };
    const be = o.get('burst');
    if (be) {
      const bo = this.object(be.value, be.path, ['count', 'seconds'], [], 'a burst { count, seconds }');
      const count = bo && positive(bo.get('count'), 'the most activities allowed within the span', true);
      const seconds = bo && positive(bo.get('seconds'), 'the span in seconds', false);
      if (count !== undefined && seconds !== undefined) out.burst = { count, seconds };
      else ok = false;
    }
    const ce = o.get('clicks');
    if (ce) {
      const co = this.object(ce.value, ce.path, ['types', 'after', 'seconds'], ['match_on'], 'clicks { types, after, seconds, match_on }');
      const listOf = (key: string, what: string) => {
        const e = co?.get(key);
        if (!e) return undefined;
        const v = typeof e.value === 'string' ? [e.value] : this.stringList(e.value, e.path, what);
        if (v && v.length === 0) this.d.add('LS018', e.path, `${at(e.path)} is empty`, 'name at least one activity type');
        return v && v.length ? v : undefined;
      };
      const types = listOf('types', 'click activity types');
      const after = listOf('after', 'delivery/open activity types');
      const seconds = co && positive(co.get('seconds'), 'seconds after the delivery/open', false);
      const me = co?.get('match_on');
      const matchOn = me && this.string(me.value, me.path, 'an activities column');
      if (types && after && seconds !== undefined && (!me || matchOn !== undefined)) out.clicks = { types, after, seconds, ...(matchOn ? { matchOn } : {}) };
      else ok = false;
    }
    return ok ? out : undefined;
  }

  segment(raw: unknown, path: ModelPath): Segment | undefined {
    const o = this.object(raw, path, ['id', 'if'], ['label', 'bands', 'points'], 'a segment');
    if (!o) return undefined;
    const id = this.id(o, path);
    const label = this.label(o);
    const condition = o.has('if') ? this.condition(o.get('if')!.value, [...path, 'if']) : undefined;
    let ok = true;
    const bands: Segment['bands'] = [];
    const be = o.get('bands');
    if (be) {
      const entries = entriesOf(be.value);
      if (!entries) {
        this.d.add('LS011', be.path, `${at(be.path)} should be a mapping of band name: min, found ${describe(be.value)}`, 'write e.g. bands: { MQL: 60, SQL: 85 }');
        ok = false;
      } else {
        for (const [name, v] of entries) {
          const min = this.number(v, [...be.path, name], `the min of band "${name}"`);
          if (min === undefined) ok = false;
          else bands.push({ name, min });
        }
      }
    }
    const points: PointsOverride[] = [];
    const pe = o.get('points');
    if (pe) {
      const entries = entriesOf(pe.value);
      if (!entries) {
        this.d.add('LS011', pe.path, `${at(pe.path)} should be a mapping of rule id: points, found ${describe(pe.value)}`, 'write e.g. points: { c_level: 20, department: { IT: 25 } }');
        ok = false;
      } else {
        for (const [ruleId, v] of entries) {
          const vp = [...pe.path, ruleId];
          const where = formatPath(vp);
          if (typeof v === 'number') {
            points.push({ ruleId, points: v, path: where });
            continue;
          }
          if (Array.isArray(v)) {
            const ranges: NonNullable<PointsOverride['ranges']> = [];
            v.forEach((r, i) => {
              const ro = this.object(r, [...vp, i], ['points'], ['min', 'max'], 'a range');
              const min = ro && this.optNumber(ro, 'min', 'the lower bound, included');
              const max = ro && this.optNumber(ro, 'max', 'the upper bound, included');
              const pts = ro && this.optNumber(ro, 'points', 'points');
              if (!ro || pts === undefined || (ro.has('min') && min === undefined) || (ro.has('max') && max === undefined)) ok = false;
              else ranges.push({ ...(min !== undefined ? { min } : {}), ...(max !== undefined ? { max } : {}), points: pts });
            });
            points.push({ ruleId, ranges, path: where });
            continue;
          }
          const ve = entriesOf(v);
          if (ve) {
            const values: NonNullable<PointsOverride['values']> = [];
            for (const [k, x] of ve) {
              const n = this.number(x, [...vp, k], `the points for "${k}"`);
              if (n === undefined) ok = false;
              else values.push({ key: k, points: n });
            }
            points.push({ ruleId, values, path: where });
            continue;
          }
          this.d.add('LS011', vp, `${where} should be points (a number), values ({ value: points }) or ranges ([{ min, max, points }]), found ${describe(v)}`, 'see "Segments" in docs/model.md');
          ok = false;
        }
      }
    }
    if (!ok || id === undefined || !condition) return undefined;
    return { id, ...(label !== undefined ? { label } : {}), path: formatPath(path), condition, bands, points };
  }

  band(raw: unknown, path: ModelPath): Band | undefined {
    const o = this.object(raw, path, ['name'], ['min'], 'a band');
    if (!o) return undefined;
    const name = this.optString(o, 'name', 'a band name');
    const min = this.optNumber(o, 'min', 'the lowest score of the band');
    if (name === undefined || (o.has('min') && min === undefined)) return undefined;
    return { name, ...(min !== undefined ? { min } : {}) };
  }

  gradeScale(raw: unknown, path: ModelPath): GradeScale | undefined {
    const e = entriesOf(raw);
    if (!e) {
      this.d.add('LS011', path, `${at(path)} should be a mapping of label: min, found ${describe(raw)}`, 'write e.g. { A: 40, B: 25, C: 10, D: 0 }, highest first');
      return undefined;
    }
    if (e.length === 0) {
      this.d.add('LS036', path, `grade scale ${at(path)} is empty`, 'give at least two labels, highest first, e.g. { A: 40, B: 25, C: 10, D: 0 }');
      return undefined;
    }
    const entries: { label: string; min: number }[] = [];
    let ok = true;
    for (const [label, v] of e) {
      const min = this.number(v, [...path, label], `the lowest value for grade "${label}"`);
      if (min === undefined) ok = false;
      else entries.push({ label, min });
    }
    return ok ? { entries } : undefined;
  }

  /** A list section; each item read by `item`; broken items are left out (and reported). */
  items<T>(o: Obj | undefined, key: string, what: string, item: (raw: unknown, path: ModelPath) => T | undefined): { list: T[]; ok: boolean; present: boolean } {
    const e = o?.get(key);
    if (!e) return { list: [], ok: true, present: false };
    if (e.value === null || e.value === undefined) return { list: [], ok: true, present: true };
    const raw = this.list(e.value, e.path, what);
    if (!raw) return { list: [], ok: false, present: true };
    const list: T[] = [];
    let ok = true;
    raw.forEach((r, i) => {
      const v = item(r, [...e.path, i]);
      if (v === undefined) ok = false;
      else list.push(v);
    });
    return { list, ok, present: true };
  }
}

// ---------------------------------------------------------------------------------------------------
// Semantic checks

function eachCondition(c: Condition, fn: (leaf: LeafCondition) => void): void {
  if (c.kind === 'leaf') fn(c);
  else if (c.kind === 'not') eachCondition(c.item, fn);
  else for (const x of c.items) eachCondition(x, fn);
}

interface Parts {
  segments?: Segment[];
  fit: { max?: number; rules: FitRule[] };
  engagement: { halfLifeDays?: number; windowDays?: number; max?: number; rules: EngagementRule[]; signals: Signal[]; botFilter?: BotFilterConfig };
  quality: QualityRule[];
  bands: Band[];
  bandsPresent: boolean;
  grade?: { fit?: GradeScale; activity?: GradeScale };
  ids: { id: string; path: ModelPath }[];
}

function allConditions(parts: Parts): Condition[] {
  const out: Condition[] = [];
  for (const r of parts.fit.rules) if (r.kind === 'if') out.push(r.condition);
  for (const r of parts.engagement.rules) if (r.condition) out.push(r.condition);
  for (const s of parts.engagement.signals) out.push(s.condition);
  for (const q of parts.quality) if (q.condition) out.push(q.condition);
  for (const g of parts.segments ?? []) out.push(g.condition);
  return out;
}

function checkIds(d: DiagnosticSink, parts: Parts): void {
  const seen = new Map<string, ModelPath>();
  for (const { id, path } of parts.ids) {
    const first = seen.get(id);
    if (first) {
      d.add('LS020', path, `duplicate rule id "${id}" in ${formatPath(path.slice(0, -1))} (first defined in ${formatPath(first.slice(0, -1))})`,
        'rule ids name rules in reasons and reports: make each one unique across fit, engagement, signals and quality');
    } else seen.set(id, path);
    if (!isSnakeCase(id)) {
      d.add('LS021', path, `rule id "${id}" in ${formatPath(path.slice(0, -1))} is not snake_case`, `ids appear in reasons and reports; write e.g. "${toSnakeCase(id) || 'rule_id'}"`);
    }
  }
}

function checkConditions(d: DiagnosticSink, parts: Parts): void {
  for (const c of allConditions(parts)) {
    eachCondition(c, (leaf) => {
      const base = parsePath(leaf.path);
      for (const op of leaf.ops) {
        const p = [...base, op.op];
        if (op.op === 'between' && op.value[0] > op.value[1]) {
          d.add('LS043', p, `between: [${op.value[0]}, ${op.value[1]}] in ${leaf.path} has its low end above its high end: it matches nothing`,
            `write between: [${op.value[1]}, ${op.value[0]}]`);
        }
        if ((op.op === 'within_days' || op.op === 'older_than_days') && op.value < 0) {
          d.add('LS064', p, `${op.op}: ${op.value} in ${leaf.path} is negative`, 'give a number of days of 0 or more, counted back from --as-of');
        }
        if (op.op === 'matches') {
          let compiled = true;
          try {
            new RegExp(op.value, 'i');
          } catch (err) {
            compiled = false;
            const msg = (err as Error).message.replace(/^Invalid regular expression: /, '');
            d.add('LS050', p, `regular expression in ${leaf.path} does not compile: ${msg}`,
              'check brackets and escapes; inside double quotes a backslash is written "\\\\" (or use single quotes)');
          }
          if (compiled) {
            const s = checkRegexSafety(op.value);
            if (!s.safe) {
              d.add('LS051', p, `regular expression in ${leaf.path} can backtrack catastrophically (${s.reason}: ${s.fragment})`,
                'avoid a repeated group that itself repeats ((a+)+, (.*)*) or whose alternatives overlap ((a|a)*); e.g. write (a+) instead of (a+)+, or list the words: \\b(ceo|cto)\\b');
            }
          }
        }
      }
    });
  }
}

function checkNumbers(d: DiagnosticSink, parts: Parts): void {
  const e = parts.engagement;
  if (e.halfLifeDays !== undefined && e.halfLifeDays <= 0) {
    d.add('LS060', ['engagement', 'half_life_days'], `engagement.half_life_days is ${e.halfLifeDays}; it must be greater than 0`,
      'give the number of days after which an activity counts half, e.g. 30; leave it out for no decay');
  }
  if (e.windowDays !== undefined && e.windowDays <= 0) {
    d.add('LS061', ['engagement', 'window_days'], `engagement.window_days is ${e.windowDays}; it must be greater than 0`,
      'give how many days back activities count, e.g. 365; leave it out to count all');
  }
  for (const [key, max] of [['fit', parts.fit.max], ['engagement', e.max]] as const) {
    if (max !== undefined && max <= 0) {
      d.add('LS065', [key, 'max'], `${key}.max is ${max}: the ${key} component can never be positive`, `max caps the ${key} points from above; remove it or give a positive cap`);
    }
  }
  for (const r of e.rules) {
    const p = parsePath(r.path);
    if (r.maxCount !== undefined && !(Number.isInteger(r.maxCount) && r.maxCount > 0)) {
      d.add('LS062', [...p, 'max_count'], `max_count is ${r.maxCount} in ${r.path}; it must be a positive integer`, 'give how many of the most recent matching activities count, e.g. max_count: 3');
    }
    if (r.maxPoints !== undefined && r.maxPoints <= 0) {
      d.add('LS063', [...p, 'max_points'], `max_points is ${r.maxPoints} in ${r.path}; it must be greater than 0`,
        "max_points caps the rule's total in absolute value (a negative rule is floored at -max_points); give a positive number");
    }
  }
}

function checkNames(d: DiagnosticSink, parts: Parts): void {
  const check = (name: string | undefined, kind: string, path: string) => {
    if (name === undefined || isSnakeCase(name)) return;
    d.add('LS022', [...parsePath(path), kind], `${kind} "${name}" in ${path} is not snake_case`,
      `${kind} names become ${kind === 'interest' ? 'column names (interest_<name>)' : 'values of the flags column'}; write e.g. "${toSnakeCase(name) || 'name'}"`);
  };
  for (const r of parts.engagement.rules) check(r.interest, 'interest', r.path);
  for (const s of parts.engagement.signals) check(s.flag, 'flag', s.path);
  for (const q of parts.quality) check(q.flag, 'flag', q.path);
}

function checkEffects(d: DiagnosticSink, parts: Parts, rawQuality: Map<string, { points: boolean; flag: boolean }>, hasPredictive = false): void {
  const noEffect = (path: string, id: string) =>
    d.add('LS070', parsePath(path), `rule "${id}" in ${path} has 0 points and no flag: it changes nothing`, 'give it points (negative to subtract), or a flag, or remove it');
  for (const r of parts.fit.rules) if (r.kind === 'if' && r.points === 0) noEffect(r.path, r.id);
  for (const r of parts.engagement.rules) if (r.points === 0) noEffect(r.path, r.id);
  for (const s of parts.engagement.signals) if (s.points === 0 && !s.flag) noEffect(s.path, s.id);
  for (const q of parts.quality) {
    if (q.action === 'adjust' && q.points === 0 && !q.flag) noEffect(q.path, q.id);
    const raw = rawQuality.get(q.path);
    if (q.action === 'reject' && raw && (raw.points || raw.flag)) {
      d.add('LS072', parsePath(q.path), `rule "${q.id}" in ${q.path} rejects the lead, so its ${raw.points ? 'points' : 'flag'} are ignored`,
        'remove points/flag, or remove "action: reject" to keep the lead and adjust its score');
    }
  }
  const count = parts.fit.rules.length + parts.engagement.rules.length + parts.engagement.signals.length + parts.quality.length;
  if (count === 0 && !hasPredictive) d.add('LS071', [], 'the model has no rules: every lead scores 0', 'add fit rules (who the lead is) and engagement rules (what the lead did)');
}

function checkRanges(d: DiagnosticSink, parts: Parts): void {
  for (const r of parts.fit.rules) {
    if (r.kind !== 'ranges') continue;
    const base = parsePath(r.path);
    const seen: [number, number][] = [];
    r.ranges.forEach((range, i) => {
      const p = [...base, 'ranges', i];
      const lo = range.min ?? -Infinity;
      const hi = range.max ?? Infinity;
      const show = `{ ${range.min !== undefined ? `min: ${range.min}` : ''}${range.min !== undefined && range.max !== undefined ? ', ' : ''}${range.max !== undefined ? `max: ${range.max}` : ''} }`;
      if (lo > hi) {
        d.add('LS040', p, `range ${formatPath(p)} ${show} has min above max: it matches nothing`, `swap them: min: ${range.max}, max: ${range.min}`);
        return;
      }
      if (covered(seen, lo, hi)) {
        d.add('LS042', p, `range ${formatPath(p)} ${show} can never match: the ranges before it cover all of its values`,
          'a value gets the first range that holds it; remove this range or narrow the ranges before it');
      } else {
        // Tiers written highest first with open ends ({ min: 1000 }, { min: 500 }, ...) overlap on
        // purpose: the first range wins, as with bands. Any other overlap is an off-by-one mistake.
        const j = seen.findIndex(([a, b]) => lo <= b && a <= hi && !((b === Infinity && hi === Infinity) || (a === -Infinity && lo === -Infinity)));
        if (j >= 0) {
          const [a, b] = seen[j] as [number, number];
          const from = Math.max(a, lo);
          const to = Math.min(b, hi);
          d.add('LS041', p, `range ${formatPath(p)} ${show} overlaps ${formatPath([...base, 'ranges', j])} (${from === to ? `at ${from}` : `from ${from} to ${to}`}); the first one wins`,
            'make the ranges disjoint, e.g. { min: 100, max: 499 } then { min: 500, max: 999 } (both bounds are included)');
        }
      }
      seen.push([lo, hi]);
    });
  }
}

/** Whether [lo, hi] lies inside the union of intervals. */
function covered(intervals: [number, number][], lo: number, hi: number): boolean {
  const sorted = [...intervals].sort((x, y) => x[0] - y[0]);
  let reach = -Infinity; // everything in [start, reach] covered
  let start: number | undefined;
  for (const [a, b] of sorted) {
    if (start === undefined || a > reach) {
      if (start !== undefined && start <= lo && hi <= reach) return true;
      start = a;
      reach = b;
    } else reach = Math.max(reach, b);
  }
  return start !== undefined && start <= lo && hi <= reach;
}

function checkBands(d: DiagnosticSink, parts: Parts, base: ModelPath = ['bands']): void {
  const bands = parts.bands;
  if (bands.length === 0) {
    if (!parts.bandsPresent) d.add('LS034', [], 'the model has no bands: leads get a score but no band', 'add e.g. bands: [ { name: hot, min: 70 }, { name: warm, min: 40 }, { name: cold } ]');
    return;
  }
  const names = new Map<string, number>();
  let catchAll: number | undefined;
  let prevMin: { min: number; i: number } | undefined;
  let floorAt: number | undefined; // first band with min <= 0: every score reaches it
  bands.forEach((b, i) => {
    const p: ModelPath = [...base, i];
    const firstIdx = names.get(foldName(b.name));
    if (firstIdx !== undefined) {
      d.add('LS023', [...p, 'name'], `duplicate band name "${b.name}" (bands[${firstIdx}] has it too)`, 'give every band its own name: each gets its own band-<name>.csv');
    } else names.set(foldName(b.name), i);
    if (b.min === undefined) {
      if (catchAll !== undefined) {
        d.add('LS031', p, `bands[${i}] "${b.name}" is a second catch-all band (no min); bands[${catchAll}] already takes every score`,
          'only the last band may leave out min; give this band a min');
      } else if (i !== bands.length - 1) {
        d.add('LS031', p, `catch-all band "${b.name}" (no min) is not last: the bands after it can never be reached`,
          'move the band without min to the end of the list');
      }
      catchAll ??= i;
      return;
    }
    if (prevMin && b.min >= prevMin.min) {
      d.add('LS030', [...p, 'min'], `bands are not in descending min order: "${b.name}" (min ${b.min}) comes after "${bands[prevMin.i]?.name}" (min ${prevMin.min})`,
        'list bands highest first: a lead gets the first band whose min <= score');
    } else if (b.min > 100) {
      d.add('LS032', [...p, 'min'], `band "${b.name}" has min ${b.min} but scores are clamped to [0, 100]: no lead can reach it`, 'lower its min to 100 or less');
    } else if (floorAt !== undefined || catchAll !== undefined) {
      const by = bands[(floorAt ?? catchAll) as number];
      d.add('LS032', p, `band "${b.name}" can never be reached: "${by?.name}" before it already takes every score`,
        'list bands highest first and put the catch-all band last');
    }
    if (b.min <= 0 && floorAt === undefined) floorAt = i;
    if (!prevMin || b.min < prevMin.min) prevMin = { min: b.min, i };
  });
  if (catchAll === undefined && floorAt === undefined) {
    const lowest = Math.min(...bands.map((b) => b.min ?? 0));
    d.add('LS033', base, `no catch-all band: leads scoring below ${lowest} get no band`, 'add a last band without min, e.g. { name: cold }');
  }
}

/**
 * Segments may only change what exists: band names of the model (keeping the bands in descending min
 * order), and the points of rules of the model, in the rule's own form (a number for if-rules,
 * engagement rules, signals and quality rules; values or ranges for those fit rules).
 */
function checkSegments(d: DiagnosticSink, parts: Parts, segments: Segment[]): void {
  const rules = new Map<string, string>();
  for (const r of parts.fit.rules) rules.set(r.id, r.kind === 'if' ? 'points' : r.kind);
  for (const r of parts.engagement.rules) rules.set(r.id, 'points');
  for (const r of parts.engagement.signals) rules.set(r.id, 'points');
  for (const r of parts.quality) rules.set(r.id, 'points');
  const names = parts.bands.map((b) => b.name);
  for (const seg of segments) {
    const path = parsePath(seg.path);
    const mins = new Map(seg.bands.map((b) => [b.name.toLowerCase(), b.min]));
    for (const b of seg.bands) {
      const band = parts.bands.find((x) => x.name.toLowerCase() === b.name.toLowerCase());
      if (!band) {
        const near = closest(b.name, names, 1)[0];
        d.add('LS024', [...path, 'bands', b.name], `segment "${seg.id}" sets band "${b.name}", which is not a band of the model${near ? ` (did you mean "${near}"?)` : ''}`, `bands are: ${names.join(', ')}`, 'key');
      } else if (band.min === undefined) {
        d.add('LS024', [...path, 'bands', b.name], `segment "${seg.id}" sets a min for the catch-all band "${band.name}"`, 'the catch-all band takes every score left; give mins to the other bands', 'key');
      }
    }
    let prev = Infinity;
    for (const b of parts.bands) {
      if (b.min === undefined) continue;
      const min = mins.get(b.name.toLowerCase()) ?? b.min;
      if (min >= prev) {
        d.add('LS030', [...path, 'bands'], `in segment "${seg.id}", band "${b.name}" (min ${min}) is not below the band before it (min ${prev})`, 'keep the bands in descending min order in every segment');
        break;
      }
      prev = min;
    }
    for (const o of seg.points) {
      const form = rules.get(o.ruleId);
      const opath = parsePath(o.path);
      if (form === undefined) {
        const near = closest(o.ruleId, [...rules.keys()], 1)[0];
        d.add('LS025', opath, `segment "${seg.id}" sets points of "${o.ruleId}", which is not a rule of the model${near ? ` (did you mean "${near}"?)` : ''}`, 'name a rule id of fit, engagement, signals or quality', 'key');
        continue;
      }
      const given = o.points !== undefined ? 'points' : o.values ? 'values' : 'ranges';
      if (given !== form) {
        d.add('LS026', opath, `segment "${seg.id}" gives ${given === 'points' ? 'a number' : given} for "${o.ruleId}", a rule with ${form === 'points' ? 'points' : form}`,
          form === 'points' ? `write ${o.ruleId}: <points>` : form === 'values' ? `write ${o.ruleId}: { <value>: <points>, ... }` : `write ${o.ruleId}: [ { min, max, points }, ... ]`);
      }
    }
  }
}

function checkGrade(d: DiagnosticSink, parts: Parts): void {
  for (const key of ['fit', 'activity'] as const) {
    const scale = parts.grade?.[key];
    if (!scale) continue;
    for (let i = 1; i < scale.entries.length; i++) {
      const prev = scale.entries[i - 1] as { label: string; min: number };
      const cur = scale.entries[i] as { label: string; min: number };
      if (cur.min >= prev.min) {
        d.add('LS035', ['grade', key, cur.label], `grade.${key} is not in descending order: "${cur.label}" (${cur.min}) comes after "${prev.label}" (${prev.min})`,
          `list grades highest first, e.g. ${key === 'fit' ? '{ A: 40, B: 25, C: 10, D: 0 }' : '{ "4": 40, "3": 20, "2": 5, "1": 0 }'}`);
        break;
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// accounts: leads grouped into accounts, an account score from their lead scores (docs/model.md#accounts)

const ACCOUNT_METHODS = ['max', 'sum', 'top_mean'] as const;
const ACCOUNT_METHOD_ALIASES: Record<string, (typeof ACCOUNT_METHODS)[number]> = {
  mean: 'top_mean', avg: 'top_mean', average: 'top_mean', top: 'top_mean', top_n: 'top_mean', total: 'sum', best: 'max', highest: 'max',
};
const ACCOUNT_METHOD_HINT = 'score: max (the best lead score), sum (the lead scores added, capped at cap, default 100) or top_mean (with top: N, the mean of the N best lead scores)';

function readAccounts(r: ModelReader, raw: unknown, path: ModelPath): AccountsSection | undefined {
  const d = r.d;
  const o = r.object(raw, path, ['by'], ['score', 'top', 'cap', 'min_leads', 'fit', 'bands'], 'accounts');
  if (!o) return undefined;
  let ok = true;
  const keyPath = (k: string): ModelPath => [...path, k];

  let by: AccountsSection['by'] | undefined;
  const be = o.get('by');
  const bo = be && r.object(be.value, be.path, [], ['email_domain', 'column'], 'accounts.by');
  if (be && bo) {
    const kinds = (['email_domain', 'column'] as const).filter((k) => bo.has(k));
    if (kinds.length === 1) {
      const kind = kinds[0] as 'email_domain' | 'column';
      const field = r.optString(bo, kind, kind === 'email_domain' ? 'the email column' : 'the column that names the account');
      if (field !== undefined) by = { kind, field: field.trim() };
    } else if (kinds.length === 2 || !bo.suggested?.size) {
      d.add('LS017', be.path, kinds.length === 2 ? 'accounts.by has both "email_domain" and "column"' : 'accounts.by names no grouping',
        'write by: { email_domain: email } (the domain of an email column) or by: { column: company } (one of the two)');
    }
  }
  if (!by) ok = false;

  let score: AccountsSection['score'] | undefined = 'max';
  const se = o.get('score');
  if (se) {
    score = undefined;
    const s = r.string(se.value, se.path, 'max, sum or top_mean');
    const t = s?.trim().toLowerCase();
    if (t !== undefined && (ACCOUNT_METHODS as readonly string[]).includes(t)) score = t as AccountsSection['score'];
    else if (s !== undefined && t !== undefined) {
      const guess = ACCOUNT_METHOD_ALIASES[t] ?? didYouMean(t, ACCOUNT_METHODS);
      d.add('LS014', se.path, `unknown account score method "${s}" in accounts${guess ? ` (did you mean "${guess}"?)` : ''}`, ACCOUNT_METHOD_HINT);
    }
  }
  if (!score) ok = false;

  const top = r.optNumber(o, 'top', 'how many of the best lead scores top_mean averages');
  const cap = r.optNumber(o, 'cap', 'the cap of the summed lead scores');
  const minLeads = r.optNumber(o, 'min_leads', 'the fewest scored leads an account needs');
  if ((o.has('top') && top === undefined) || (o.has('cap') && cap === undefined) || (o.has('min_leads') && minLeads === undefined)) ok = false;
  if (score === 'top_mean' && !o.has('top') && !o.suggested?.has('top')) {
    d.add('LS013', keyPath('top'), 'missing required key "top" in accounts: score: top_mean averages the N best lead scores', 'add e.g. "top: 3"');
    ok = false;
  }
  if (score && score !== 'top_mean' && o.has('top')) {
    d.add('LS086', keyPath('top'), `accounts.top applies to score: top_mean only (score is ${score})`, 'remove top, or write score: top_mean', 'key');
    ok = false;
  }
  if (score && score !== 'sum' && o.has('cap')) {
    d.add('LS086', keyPath('cap'), `accounts.cap applies to score: sum only (score is ${score}; max and top_mean never exceed 100)`, 'remove cap, or write score: sum', 'key');
    ok = false;
  }
  if (top !== undefined && !(Number.isInteger(top) && top >= 1)) {
    d.add('LS087', keyPath('top'), `accounts.top is ${top}; it must be a positive integer`, 'give how many of the best lead scores to average, e.g. top: 3');
    ok = false;
  }
  if (minLeads !== undefined && !(Number.isInteger(minLeads) && minLeads >= 1)) {
    d.add('LS087', keyPath('min_leads'), `accounts.min_leads is ${minLeads}; it must be a positive integer`, 'give the fewest scored leads an account needs to be listed, e.g. min_leads: 2 (default 1)');
    ok = false;
  }
  if (cap !== undefined && !(cap > 0)) {
    d.add('LS087', keyPath('cap'), `accounts.cap is ${cap}; it must be greater than 0`, 'give the most an account can score from its summed leads, e.g. cap: 100 (the default)');
    ok = false;
  }

  const fe = o.get('fit');
  const fo = fe && fe.value !== null ? r.object(fe.value, fe.path, ['rules'], [], 'accounts.fit') : undefined;
  if (fe && fe.value !== null && !fo) ok = false;
  const rules = r.items(fo, 'rules', 'account fit rules', (x, p) => r.fitRule(x, p));
  const bands = r.items(o, 'bands', 'bands { name, min }', (x, p) => r.band(x, p));
  if (!rules.ok || !bands.ok) ok = false;
  if (bands.present && bands.ok && bands.list.length === 0) {
    d.add('LS018', keyPath('bands'), 'accounts.bands is empty', "leave bands out to use the model's bands, or list at least one band");
    ok = false;
  }
  // the semantic checks of fit rules and bands, on the account's own
  const parts: Parts = { fit: { rules: rules.list }, engagement: { rules: [], signals: [] }, quality: [], bands: bands.list, bandsPresent: true, ids: [] };
  checkConditions(d, parts);
  checkRanges(d, parts);
  if (bands.list.length > 0) checkBands(d, parts, keyPath('bands'));

  if (!ok || !by || !score) return undefined;
  return {
    by,
    score,
    ...(score === 'top_mean' && top !== undefined ? { top } : {}),
    cap: cap ?? 100,
    minLeads: minLeads ?? 1,
    fit: { rules: rules.list },
    ...(bands.present ? { bands: bands.list } : {}),
  };
}

// ---------------------------------------------------------------------------------------------------

// input.*.number_format / date_format: how the cells of a file write numbers and dates.
const FORMAT_KEYS = ['number_format', 'date_format'] as const;
const NUMBER_FORMATS = ['point', 'comma'] as const;
const DATE_FORMATS = ['iso', 'dmy', 'mdy'] as const;
const FORMAT_HINTS = {
  number_format: 'number_format: point (1,234.56, the default) or comma (decimal comma: 1.234,56)',
  date_format: 'date_format: iso (2026-03-01, the default), dmy (01.03.2026, 01/03/2026) or mdy (03/01/2026); ISO dates and epoch times are read with every format',
} as const;

/** The number_format and date_format keys of input.leads or input.activities; ok is false after a mistake. */
function valueFormats(r: ModelReader, o: Obj, what: string): { ok: boolean; formats: Pick<ModelInput['leads'], 'numberFormat' | 'dateFormat'> } {
  const formats: Pick<ModelInput['leads'], 'numberFormat' | 'dateFormat'> = {};
  let ok = true;
  const one = <T extends string>(key: (typeof FORMAT_KEYS)[number], allowed: readonly T[]): T | undefined => {
    const e = o.get(key);
    if (!e) return undefined;
    const v = r.string(e.value, e.path, FORMAT_HINTS[key]);
    if (v === undefined) {
      ok = false;
      return undefined;
    }
    const t = v.trim().toLowerCase();
    if ((allowed as readonly string[]).includes(t)) return t as T;
    const guess = didYouMean(t, allowed) ?? formatGuess(key, t);
    r.d.add('LS014', e.path, `unknown ${key} "${v}" in ${what}${guess ? ` (did you mean "${guess}"?)` : ''}`, FORMAT_HINTS[key]);
    ok = false;
    return undefined;
  };
  const nf = one('number_format', NUMBER_FORMATS);
  const df = one('date_format', DATE_FORMATS);
  if (nf) formats.numberFormat = nf;
  if (df) formats.dateFormat = df;
  return { ok, formats };
}

/** A pattern written instead of a format name, e.g. "DD.MM.YYYY" -> dmy, "1.234,56" -> comma. */
function formatGuess(key: (typeof FORMAT_KEYS)[number], v: string): string | undefined {
  if (key === 'date_format') {
    if (/^d{1,2}\W?m{1,2}\W?y/.test(v)) return 'dmy';
    if (/^m{1,2}\W?d{1,2}\W?y/.test(v)) return 'mdy';
    if (/^y{2,4}\W?m{1,2}\W?d/.test(v)) return 'iso';
    return undefined;
  }
  if (/^\d*\.\d+,\d+$|^\d+,\d+$|decimal.?comma/.test(v)) return 'comma';
  if (/^\d*,\d+\.\d+$|^\d+\.\d+$|decimal.?point|dot/.test(v)) return 'point';
  return undefined;
}

const TOP_KEYS = ['description', 'fit', 'engagement', 'quality', 'bands', 'grade', 'predictive', 'segments', 'accounts'] as const;

export function validateModel(raw: unknown, opts: ValidateOptions = {}): Result<Model> {
  const d = new DiagnosticSink(opts);
  const r = new ModelReader(d);
  const done = (value?: Model): Result<Model> =>
    value && d.errors.length === 0 ? { value, errors: d.errors, warnings: d.warnings } : { errors: d.errors, warnings: d.warnings };

  if (raw === null || raw === undefined || !entriesOf(raw)) {
    d.add('LS004', [], raw === null || raw === undefined ? 'the model is empty' : `the model should be a mapping of keys, found ${describe(raw)}`,
      'start with "version: 1", "name: ...", "input: ..." (see docs/model.md)');
    return done();
  }
  const top = r.object(raw, [], ['version', 'name', 'input'], TOP_KEYS, 'the model') as Obj;

  // version
  const ve = top.get('version');
  if (ve && ve.value !== 1) {
    d.add('LS015', ve.path, `unsupported model version ${JSON.stringify(ve.value)}; this leadscore reads version 1`,
      typeof ve.value === 'string' && ve.value.trim() === '1' ? 'write version: 1 without quotes' : 'write "version: 1" and the keys of docs/model.md');
  }
  const name = r.optString(top, 'name', 'the model name');
  const de = top.get('description');
  const description = de && r.string(de.value, de.path, 'a description');

  // input
  let input: ModelInput | undefined;
  let activitiesGiven = false;
  const ine = top.get('input');
  const io = ine && r.object(ine.value, ine.path, ['leads'], ['activities'], 'input');
  if (io) {
    const le = io.get('leads');
    const lo = le && r.object(le.value, le.path, ['id'], ['null_values', ...FORMAT_KEYS], 'input.leads');
    const leadFormats = lo && valueFormats(r, lo, 'input.leads');
    const id = lo && r.optString(lo, 'id', 'the key column, or $row');
    let nullValues: string[] | undefined = [...DEFAULT_NULL_VALUES];
    const ne = lo?.get('null_values');
    if (ne) {
      const list = r.list(ne.value, ne.path, 'cell values treated as missing');
      nullValues = undefined;
      if (list) {
        const out: string[] = [];
        list.forEach((x, i) => {
          if (typeof x === 'string') out.push(x);
          else if ((typeof x === 'number' && Number.isFinite(x)) || typeof x === 'boolean') out.push(String(x));
          else d.add('LS011', [...ne.path, i], `${at([...ne.path, i])} should be a string, found ${describe(x)}`, 'quote tokens such as "null", "~" or "" so YAML keeps them as text');
        });
        if (out.length === list.length) nullValues = out;
      }
    }
    const ae = io.get('activities');
    activitiesGiven = ae !== undefined;
    const ao = ae && r.object(ae.value, ae.path, ['lead_id', 'type', 'timestamp'], [...FORMAT_KEYS], 'input.activities');
    const activityFormats = ao && valueFormats(r, ao, 'input.activities');
    const leadId = ao && r.optString(ao, 'lead_id', 'the lead id column of the activities file');
    const type = ao && r.optString(ao, 'type', 'the activity type column');
    const timestamp = ao && r.optString(ao, 'timestamp', 'the activity date/time column');
    const activities = ae
      ? leadId !== undefined && type !== undefined && timestamp !== undefined && activityFormats?.ok
        ? { leadId, type, timestamp, ...activityFormats.formats }
        : undefined
      : { leadId: 'lead_id', type: 'type', timestamp: 'timestamp' };
    if (id !== undefined && nullValues && activities && leadFormats?.ok) input = { leads: { id, nullValues, ...leadFormats.formats }, activities };
  }

  // fit
  const fe = top.get('fit');
  const fo = fe && fe.value !== null ? r.object(fe.value, fe.path, ['rules'], ['max'], 'fit') : undefined;
  const fitMax = fo && r.optNumber(fo, 'max', 'a cap on the fit points');
  const fitRules = r.items(fo, 'rules', 'fit rules', (x, p) => r.fitRule(x, p));

  // engagement
  const ee = top.get('engagement');
  const eo = ee && ee.value !== null ? r.object(ee.value, ee.path, [], ['half_life_days', 'window_days', 'max', 'rules', 'signals', 'bot_filter'], 'engagement') : undefined;
  const bfe = eo?.get('bot_filter');
  const botFilter = bfe ? r.botFilter(bfe.value, bfe.path) : undefined;
  const halfLifeDays = eo && r.optNumber(eo, 'half_life_days', 'days after which an activity counts half');
  const windowDays = eo && r.optNumber(eo, 'window_days', 'days back that activities count');
  const engMax = eo && r.optNumber(eo, 'max', 'a cap on the engagement points');
  const engRules = r.items(eo, 'rules', 'engagement rules', (x, p) => r.engagementRule(x, p));
  const signals = r.items(eo, 'signals', 'signals', (x, p) => r.signal(x, p));
  if (engRules.present && !activitiesGiven && io) {
    d.add('LS013', ['input', 'activities'], 'missing required key "activities" in input: the engagement rules need the activities file',
      'add input.activities: { lead_id: lead_id, type: activity_type, timestamp: occurred_at } naming its columns');
  }

  // quality
  const rawQuality = new Map<string, { points: boolean; flag: boolean }>();
  const quality = r.items(top, 'quality', 'quality rules', (x, p) => {
    const e = entriesOf(x);
    if (e) rawQuality.set(formatPath(p), { points: e.some(([k]) => k === 'points'), flag: e.some(([k]) => k === 'flag') });
    return r.qualityRule(x, p);
  });

  // bands
  const bands = r.items(top, 'bands', 'bands { name, min }', (x, p) => r.band(x, p));

  // grade
  const ge = top.get('grade');
  let grade: Parts['grade'];
  let gradeOk = true;
  if (ge) {
    const go = r.object(ge.value, ge.path, ['fit', 'activity'], [], 'grade');
    const gf = go?.get('fit');
    const ga = go?.get('activity');
    grade = {};
    const fit = gf && r.gradeScale(gf.value, gf.path);
    const activity = ga && r.gradeScale(ga.value, ga.path);
    if (fit) grade.fit = fit;
    if (activity) grade.activity = activity;
    gradeOk = fit !== undefined && activity !== undefined;
  }

  const pe = top.get('predictive');
  const predictive = pe ? readPredictive(d, pe.value, pe.path) : undefined;
  const ace = top.get('accounts');
  const accounts = ace ? readAccounts(r, ace.value, ace.path) : undefined;

  // segments
  const segments = r.items(top, 'segments', 'segments { id, if, bands, points }', (x, p) => r.segment(x, p));

  // semantic checks, over whatever could be normalised
  const parts: Parts = {
    fit: { ...(fitMax !== undefined ? { max: fitMax } : {}), rules: fitRules.list },
    engagement: {
      ...(halfLifeDays !== undefined ? { halfLifeDays } : {}),
      ...(windowDays !== undefined ? { windowDays } : {}),
      ...(engMax !== undefined ? { max: engMax } : {}),
      rules: engRules.list,
      signals: signals.list,
      ...(botFilter ? { botFilter } : {}),
    },
    quality: quality.list,
    bands: bands.list,
    bandsPresent: bands.present,
    ...(grade ? { grade } : {}),
    ids: r.ids,
    segments: segments.list,
  };
  checkIds(d, parts);
  checkConditions(d, parts);
  checkNumbers(d, parts);
  checkNames(d, parts);
  checkRanges(d, parts);
  checkBands(d, parts);
  checkGrade(d, parts);
  checkEffects(d, parts, rawQuality, pe !== undefined);
  checkSegments(d, parts, segments.list);

  if (d.errors.length > 0 || !input || name === undefined || !gradeOk || (pe && !predictive) || (ace && !accounts)) return done();
  const model: Model = {
    version: 1,
    name,
    ...(description !== undefined ? { description } : {}),
    input,
    fit: parts.fit,
    engagement: parts.engagement,
    quality: parts.quality,
    bands: parts.bands,
    ...(grade?.fit && grade.activity ? { grade: { fit: grade.fit, activity: grade.activity } } : {}),
    ...(predictive ? { predictive } : {}),
    ...(accounts ? { accounts } : {}),
    ...(segments.list.length ? { segments: segments.list } : {}),
  };
  return done(model);
}

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
