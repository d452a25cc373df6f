// Conditions become closures once per run (STYLE.md "Rules as data"): a leaf is bound to a column
// index and its operators to pre-normalised operands, so scoring never re-reads the model.
import { compileModelRegex } from './regex.js';
import type { Condition, Operator } from './types.js';
import { ageDays, type Cell, type DateFormat, type Nulls, type NumberFormat, parseNumber, parseTimestamp, present } from '../value.js';
import { JsonCache, jsonReader, resolveJsonField } from './json-field.js';

export interface BindContext {
  /** Column index of a field in the rows this condition will see, or -1 (always missing). */
  index(field: string): number;
  nulls: Nulls;
  asOfMs: number;
  numberFormat?: NumberFormat;
  dateFormat?: DateFormat;
  /** Called when a numeric or date operator meets a present value that does not parse. */
  onUnparsable?: (field: string, value: string) => void;
  /**
   * Parses of JSON columns for fields such as `event_data.revenue` (json-field.ts), shared by the
   * conditions bound with this context so that a row's cell is parsed once. Default: one per condition.
   */
  json?: JsonCache;
}

/** How a field is read from a row: the cell at its column, or a value inside a JSON column. */
export function fieldReader(field: string, ctx: Pick<BindContext, 'index' | 'json'>): { index: number; read?: (row: readonly Cell[]) => Cell } {
  const index = ctx.index(field);
  if (index >= 0) return { index };
  const json = resolveJsonField(field, ctx.index);
  if (!json) return { index: -1 };
  return { index: json.index, read: jsonReader(json, ctx.json ?? new JsonCache()) };
}

export interface CompiledLeaf {
  kind: 'leaf';
  field: string;
  index: number;
  path: string;
  ops: Operator[];
  /** Does this leaf hold for a cell? */
  test(cell: Cell): boolean;
  /** For a field inside a JSON column (`index` is that column): the value the leaf reads from a row. */
  read?: (row: readonly Cell[]) => Cell;
}

export type CompiledNode =
  | CompiledLeaf
  | { kind: 'all' | 'any'; items: CompiledNode[]; path: string }
  | { kind: 'not'; item: CompiledNode; path: string };

export type Predicate = (row: readonly Cell[]) => boolean;

export interface CompiledCondition {
  node: CompiledNode;
  test: Predicate;
}

/**
 * `in` as set lookups (a list may hold 100,000 values): the same answers as equalsTest on each value.
 * A numeric value matches a cell that parses to the same number, or (cell not a number) its text; a
 * text value matches the cell's text.
 */
function inTest(values: readonly (string | number | boolean)[]): (s: string, n: () => number) => boolean {
  const numbers = new Set<number>();
  const numberTexts = new Set<string>();
  const texts = new Set<string>();
  for (const v of values) {
    const text = String(v).trim().toLowerCase();
    const num = typeof v === 'number' ? v : parseNumber(text);
    if (Number.isNaN(num)) texts.add(text);
    else {
      numbers.add(num);
      numberTexts.add(text);
    }
  }
  if (numbers.size === 0) return (s) => texts.has(s.toLowerCase());
  return (s, n) => {
    const l = s.toLowerCase();
    if (texts.has(l)) return true;
    const v = n();
    return Number.isNaN(v) ? numberTexts.has(l) : numbers.has(v);
  };
}

function equalsTest(expected: string | number | boolean): (s: string, n: () => number) => boolean {
  const text = String(expected).trim().toLowerCase();
  const num = typeof expected === 'number' ? expected : parseNumber(text);
  if (Number.isNaN(num)) return (s) => s.length === text.length && s.toLowerCase() === text;
  return (s, n) => {
    const v = n();
    if (!Number.isNaN(v)) return v === num;
    return s.toLowerCase() === text;
  };
}

type OpTest = (s: string, num: () => number, raw: Cell) => boolean;

function compileOp(o: Operator, field: string, ctx: BindContext): OpTest {
  const bad = (s: string): false => {
    ctx.onUnparsable?.(field, s);
    return false;
  };
  switch (o.op) {
    case 'equals': {
      const t = equalsTest(o.value);
      return (s, n) => t(s, n);
    }
    case 'in':
    case 'not_in': {
      const t = inTest(o.value);
      const neg = o.op === 'not_in';
      return (s, n) => (t(s, n) ? !neg : neg);
    }
    case 'contains':
    case 'starts_with':
    case 'ends_with': {
      const needles = o.value.map((v) => v.trim().toLowerCase());
      if (o.op === 'contains') return (s) => { const l = s.toLowerCase(); return needles.some((x) => l.includes(x)); };
      if (o.op === 'starts_with') return (s) => { const l = s.toLowerCase(); return needles.some((x) => l.startsWith(x)); };
      return (s) => { const l = s.toLowerCase(); return needles.some((x) => l.endsWith(x)); };
    }
    case 'matches': {
      // linear-time (RE2): no cell can make matching hang; validate refused what RE2 cannot run
      const c = compileModelRegex(o.value);
      if (!c.ok) return () => false;
      const re = c.re;
      return (s) => re.test(s);
    }
    case 'gt': case 'gte': case 'lt': case 'lte': {
      const x = o.value;
      const cmp =
        o.op === 'gt' ? (v: number) => v > x : o.op === 'gte' ? (v: number) => v >= x : o.op === 'lt' ? (v: number) => v < x : (v: number) => v <= x;
      return (s, n) => {
        const v = n();
        return Number.isNaN(v) ? bad(s) : cmp(v);
      };
    }
    case 'between': {
      const [a, b] = o.value;
      return (s, n) => {
        const v = n();
        return Number.isNaN(v) ? bad(s) : v >= a && v <= b;
      };
    }
    case 'missing':
      return () => !o.value; // reached only for a present value
    case 'present':
      return () => o.value;
    case 'within_days':
    case 'older_than_days': {
      const days = o.value;
      const within = o.op === 'within_days';
      return (s, _n, raw) => {
        const t = typeof raw === 'number' ? raw : parseTimestamp(s, ctx.dateFormat);
        if (Number.isNaN(t)) return bad(s);
        const age = ageDays(ctx.asOfMs, t);
        return within ? age >= 0 && age <= days : age > days;
      };
    }
  }
}

function compileLeaf(c: Extract<Condition, { kind: 'leaf' }>, ctx: BindContext): CompiledLeaf {
  const { index, read } = fieldReader(c.field, ctx);
  const tests = c.ops.map((o) => compileOp(o, c.field, ctx));
  const onMissing = c.ops.every((o) => (o.op === 'missing' && o.value) || (o.op === 'present' && !o.value));
  const nf = ctx.numberFormat;
  const nulls = ctx.nulls;
  const test = (cell: Cell): boolean => {
    let s: string | undefined;
    let num = NaN;
    let numDone = false;
    if (typeof cell === 'number') {
      if (Number.isNaN(cell)) return onMissing;
      s = String(cell);
      num = cell;
      numDone = true;
    } else {
      s = present(cell, nulls);
      if (s === undefined) return onMissing;
    }
    const str = s;
    const n = () => {
      if (!numDone) {
        num = parseNumber(str, nf);
        numDone = true;
      }
      return num;
    };
    for (let i = 0; i < tests.length; i++) if (!tests[i]!(str, n, cell)) return false;
    return true;
  };
  return { kind: 'leaf', field: c.field, index, path: c.path, ops: c.ops, test, ...(read ? { read } : {}) };
}

function compileNode(c: Condition, ctx: BindContext): CompiledNode {
  switch (c.kind) {
    case 'leaf':
      return compileLeaf(c, ctx);
    case 'all':
    case 'any':
      return { kind: c.kind, items: c.items.map((i) => compileNode(i, ctx)), path: c.path };
    case 'not':
      return { kind: 'not', item: compileNode(c.item, ctx), path: c.path };
  }
}

function toPredicate(n: CompiledNode): Predicate {
  switch (n.kind) {
    case 'leaf': {
      const { index, test, read } = n;
      if (read) return (row) => test(read(row));
      return index < 0 ? () => test(undefined) : (row) => test(row[index]);
    }
    case 'all': {
      const ps = n.items.map(toPredicate);
      if (ps.length === 2) { const [a, b] = ps as [Predicate, Predicate]; return (r) => a(r) && b(r); }
      return (r) => { for (const p of ps) if (!p(r)) return false; return true; };
    }
    case 'any': {
      const ps = n.items.map(toPredicate);
      if (ps.length === 2) { const [a, b] = ps as [Predicate, Predicate]; return (r) => a(r) || b(r); }
      return (r) => { for (const p of ps) if (p(r)) return true; return false; };
    }
    case 'not': {
      const p = toPredicate(n.item);
      return (r) => !p(r);
    }
  }
}

export function compileCondition(c: Condition, ctx: BindContext): CompiledCondition {
  const node = compileNode(c, ctx.json ? ctx : { ...ctx, json: new JsonCache() });
  return { node, test: toPredicate(node) };
}

/** A leaf's outcome, as explain prints it. */
export interface LeafOutcome {
  path: string;
  field: string;
  value: Cell;
  ops: Operator[];
  result: boolean;
}

/** Evaluate a compiled condition and record every leaf it evaluated (all leaves, no short-circuit). */
export function traceCondition(node: CompiledNode, row: readonly Cell[], out: LeafOutcome[]): boolean {
  switch (node.kind) {
    case 'leaf': {
      const value = node.read ? node.read(row) : node.index < 0 ? undefined : row[node.index];
      const result = node.test(value);
      out.push({ path: node.path, field: node.field, value, ops: node.ops, result });
      return result;
    }
    case 'all': {
      let ok = true;
      for (const i of node.items) ok = traceCondition(i, row, out) && ok;
      return ok;
    }
    case 'any': {
      let ok = false;
      for (const i of node.items) ok = traceCondition(i, row, out) || ok;
      return ok;
    }
    case 'not':
      return !traceCondition(node.item, row, out);
  }
}

/** Every field a condition reads. */
export function conditionFields(c: Condition, out: Set<string> = new Set()): Set<string> {
  if (c.kind === 'leaf') out.add(c.field);
  else if (c.kind === 'not') conditionFields(c.item, out);
  else for (const i of c.items) conditionFields(i, out);
  return out;
}
