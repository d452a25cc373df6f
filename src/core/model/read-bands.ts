// bands[] and the grade scales.
import { describe, entriesOf } from './raw-values.js';
import { type ModelPath } from './paths.js';
import { ModelReader, at } from './reader.js';
import {
  type Band,
  type GradeScale,
} from './types.js';

export function readBand(r: ModelReader, raw: unknown, path: ModelPath): Band | undefined {
  const o = r.object(raw, path, ['name'], ['min'], 'a band');
  if (!o) return undefined;
  const name = r.optString(o, 'name', 'a band name');
  const min = r.optNumber(o, 'min', 'the lowest score of the band');
  if (name === undefined || (o.has('min') && min === undefined)) return undefined;
  return { name, ...(min !== undefined ? { min } : {}) };
}

export function readGradeScale(r: ModelReader, raw: unknown, path: ModelPath): GradeScale | undefined {
  const e = entriesOf(raw);
  if (!e) {
    r.d.add('LS011', path, `${at(path)} should be a mapping of label: min, found ${describe(raw)}`, 'write e.g. { A: 40, B: 25, C: 10, D: 0 }, highest first');
    return undefined;
  }
  if (e.length === 0) {
    r.d.add('LS036', path, `grade scale ${at(path)} is empty`, 'give at least two labels, highest first, e.g. { A: 40, B: 25, C: 10, D: 0 }');
    return undefined;
  }
  const entries: { label: string; min: number }[] = [];
  let ok = true;
  for (const [label, v] of e) {
    const min = r.number(v, [...path, label], `the lowest value for grade "${label}"`);
    if (min === undefined) ok = false;
    else entries.push({ label, min });
  }
  return ok ? { entries } : undefined;
}
