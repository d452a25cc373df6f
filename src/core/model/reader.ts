// Shape + normalise, the generic part: a Reader of mappings, lists and scalars that reports unknown keys,
// wrong types and missing keys, and the ModelReader that adds conditions, rule ids and list sections.
// The readers of each model section (read-*.ts) build on it.
import { describe, entriesOf } from './raw-values.js';
import { didYouMean, foldName, quoteList } from '../text.js';
import { formatPath, type ModelPath } from './paths.js';
import { DiagnosticSink } from './diagnostic-sink.js';
import {
  type Condition,
  type Operator,
  type OperatorName,
  OPERATORS,
} from './types.js';

// ---------------------------------------------------------------------------------------------------
// Raw YAML helpers: the loader hands Maps (to keep key order, e.g. grade "4", "3", ...); tests may
// hand plain objects.




export const at = (path: ModelPath) => formatPath(path) || 'the model';

// ---------------------------------------------------------------------------------------------------
// Shape + normalise

/** The known keys of a mapping; `suggested` holds keys that a misspelt key was taken for. */
export type Obj = Map<string, { value: unknown; path: ModelPath }> & { suggested?: Set<string> };

export class Reader {
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

export function requiredHint(what: string, key: string): string {
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

export class ModelReader extends Reader {
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
        field = this.column(v, kp, 'a column name');
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

  /**
   * Column alternatives met so far (docs/model.md#column-alternatives): the first name of each list
   * (trimmed, lower case) -> every name of the list, in order, and where the list was first written.
   */
  readonly alternatives = new Map<string, { names: string[]; path: ModelPath }>();

  /**
   * A column name, or a list of alternative names (a file uses the first one its header has). Returns
   * the first name: the model names the column by it everywhere, and `alternatives` holds the list.
   */
  column(raw: unknown, path: ModelPath, what: string): string | undefined {
    if (!Array.isArray(raw)) return this.string(raw, path, what);
    const names: string[] = [];
    let ok = true;
    raw.forEach((x, i) => {
      const s = this.string(x, [...path, i], what);
      if (s === undefined) ok = false;
      else names.push(s);
    });
    if (!ok) return undefined;
    const keys = names.map((n) => n.trim().toLowerCase());
    if (names.length === 0 || new Set(keys).size !== keys.length) {
      this.d.add('LS093', path, names.length === 0 ? `${at(path)} is an empty list of column names` : `${at(path)} names a column twice`,
        'give the column name, or a list of alternative names, each once: [client_id, clientId]');
      return undefined;
    }
    if (names.length === 1) return names[0];
    const seen = this.alternatives.get(keys[0]!);
    if (seen) {
      if (seen.names.map((n) => n.trim().toLowerCase()).join('\u0000') !== keys.join('\u0000')) {
        this.d.add('LS094', path, `${at(path)} lists other alternatives for "${names[0]}" than ${formatPath(seen.path)} ([${seen.names.join(', ')}])`,
          `a list makes its names one column throughout the model: write the same list everywhere, e.g. [${seen.names.join(', ')}]`);
        return undefined;
      }
    } else this.alternatives.set(keys[0]!, { names, path });
    return names[0];
  }

  optColumn(o: Obj, key: string, what: string): string | undefined {
    const e = o.get(key);
    return e && this.column(e.value, e.path, what);
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
