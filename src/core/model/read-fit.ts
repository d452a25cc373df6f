// fit.rules[]: if / values / ranges rules.
import { describe, entriesOf } from './raw-values.js';
import { quoteList } from '../text.js';
import { formatPath, type ModelPath } from './paths.js';
import { ModelReader, at, requiredHint } from './reader.js';
import {
  type FitRule,
} from './types.js';

export function readFitRule(r: ModelReader, raw: unknown, path: ModelPath): FitRule | undefined {
  const o = r.object(raw, path, ['id'], ['label', 'if', 'points', 'field', 'values', 'ranges'], 'a fit rule');
  if (!o) return undefined;
  const id = r.id(o, path);
  const label = r.label(o);
  const p = formatPath(path);
  const forms = (['if', 'values', 'ranges'] as const).filter((k) => o.has(k));
  if (forms.length !== 1) {
    const misspelt = forms.length === 0 && ['if', 'values', 'ranges'].some((k) => o.suggested?.has(k));
    if (!misspelt) r.d.add('LS017', path,
      forms.length === 0 ? `fit rule ${p} has no "if", "values" or "ranges"` : `fit rule ${p} has both ${quoteList(forms.map(String), 'and')}`,
      'a fit rule is one of: { if: <condition>, points: N }, { field: F, values: { a: N, ... } }, { field: F, ranges: [ { min, max, points }, ... ] }');
    return undefined;
  }
  const base = { id, ...(label !== undefined ? { label } : {}), path: p };
  if (forms[0] === 'if') {
    if (o.has('field')) {
      r.d.add('LS017', [...path, 'field'], `fit rule ${p} has "field" beside "if"`, 'put the field inside the condition: if: { field: x, equals: y }', 'key');
    }
    const cond = r.condition(o.get('if')?.value, [...path, 'if']);
    const pts = o.get('points');
    if (!pts && !o.suggested?.has('points')) r.d.add('LS013', [...path, 'points'], `missing required key "points" in ${p}`, requiredHint('a fit rule', 'points'));
    const points = pts && r.number(pts.value, pts.path, 'points');
    if (id === undefined || !cond || points === undefined || o.has('field')) return undefined;
    return { ...base, id, kind: 'if', condition: cond, points };
  }
  const fe = o.get('field');
  if (!fe && !o.suggested?.has('field')) r.d.add('LS013', [...path, 'field'], `missing required key "field" in ${p}`, `name the column whose value selects the ${forms[0]}`);
  const field = fe && r.column(fe.value, fe.path, 'a column name');
  if (o.has('points')) {
    r.d.add('LS017', [...path, 'points'], `fit rule ${p} has "points" beside "${forms[0]}"`,
      `the points are given per ${forms[0] === 'values' ? 'value' : 'range'}; remove "points"`, 'key');
  }
  if (forms[0] === 'values') {
    const ve = o.get('values') as { value: unknown; path: ModelPath };
    const entries = entriesOf(ve.value);
    if (!entries) {
      r.d.add('LS011', ve.path, `${at(ve.path)} should be a mapping of value: points, found ${describe(ve.value)}`, 'write e.g. values: { IT: 15, Finance: 10 }');
      return undefined;
    }
    if (entries.length === 0) {
      r.d.add('LS018', ve.path, `${at(ve.path)} is empty`, 'give at least one value: points pair');
      return undefined;
    }
    const values: { key: string; points: number }[] = [];
    let ok = true;
    for (const [k, v] of entries) {
      const n = r.number(v, [...ve.path, k], `the points for "${k}"`);
      if (n === undefined) ok = false;
      else values.push({ key: k, points: n });
    }
    if (!ok || id === undefined || field === undefined || o.has('points')) return undefined;
    return { ...base, id, kind: 'values', field, values };
  }
  const re = o.get('ranges') as { value: unknown; path: ModelPath };
  const list = r.list(re.value, re.path, 'ranges { min, max, points }');
  if (!list) return undefined;
  if (list.length === 0) {
    r.d.add('LS018', re.path, `${at(re.path)} is an empty list`, 'give at least one range { min, max, points }');
    return undefined;
  }
  const ranges: { min?: number; max?: number; points: number }[] = [];
  let ok = true;
  list.forEach((x, i) => {
    const rp = [...re.path, i];
    const ro = r.object(x, rp, ['points'], ['min', 'max'], 'a range');
    if (!ro) return void (ok = false);
    const min = r.optNumber(ro, 'min', 'the lower bound, included');
    const max = r.optNumber(ro, 'max', 'the upper bound, included');
    const points = r.optNumber(ro, 'points', 'points');
    if ((ro.has('min') && min === undefined) || (ro.has('max') && max === undefined) || points === undefined) return void (ok = false);
    ranges.push({ ...(min !== undefined ? { min } : {}), ...(max !== undefined ? { max } : {}), points });
  });
  if (!ok || id === undefined || field === undefined || o.has('points')) return undefined;
  return { ...base, id, kind: 'ranges', field, ranges };
}
