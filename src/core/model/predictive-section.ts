// Shape + normalise of a model's `predictive:` section (written by `leadscore train`, hand-editable):
//
//   predictive:
//     intercept: -2.1
//     weight: 1                      # optional, 0..1: share of 100 × p in a model that also has rules
//     features:
//       - { name: age, type: numeric, encoding: { transform: none, mean: 40.9, sd: 10.6 }, coefficient: 0.01, missing: 0.2 }
//       - { name: job, type: categorical, levels: { management: 0.1, student: 0.4 }, other: 0, missing: 0 }
//
// Called by validateModel(); reports through the same DiagnosticSink (codes LS010-LS018, LS080-LS083).
import { describe, entriesOf } from './raw-values.js';
import { didYouMean } from '../text.js';
import { formatPath, type ModelPath } from './paths.js';
import type { PredictiveFeature, PredictiveSection } from './types.js';
import type { DiagnosticSink } from './diagnostic-sink.js';




const FEATURE_KEYS = {
  numeric: ['name', 'type', 'encoding', 'coefficient', 'missing'],
  categorical: ['name', 'type', 'levels', 'other', 'missing'],
} as const;

export function readPredictive(d: DiagnosticSink, raw: unknown, path: ModelPath): PredictiveSection | undefined {
  const at = (p: ModelPath) => formatPath(p);
  const obj = (v: unknown, p: ModelPath, required: readonly string[], optional: readonly string[], what: string): Map<string, unknown> | undefined => {
    const e = entriesOf(v);
    if (!e) {
      d.add('LS011', p, `${at(p)} should be a mapping (${what}), found ${describe(v)}`, `valid keys: ${[...required, ...optional].join(', ')}`);
      return undefined;
    }
    const valid = [...required, ...optional];
    const out = new Map<string, unknown>();
    for (const [k, x] of e) {
      if (!valid.includes(k)) {
        const guess = didYouMean(k, valid);
        d.add('LS010', [...p, k], `unknown key "${k}" in ${at(p)}${guess ? ` (did you mean "${guess}"?)` : ''}`, `valid keys of ${what}: ${valid.join(', ')}`, 'key');
      } else out.set(k, x);
    }
    for (const k of required) if (!out.has(k) && !e.some(([key]) => key === k)) d.add('LS013', [...p, k], `missing required key "${k}" in ${at(p)}`, `add "${k}:" (see docs/train.md)`);
    return out;
  };
  const num = (m: Map<string, unknown>, key: string, p: ModelPath, what: string, dflt?: number): number | undefined => {
    if (!m.has(key)) return dflt;
    const v = m.get(key);
    if (typeof v === 'number' && Number.isFinite(v)) return v;
    d.add('LS011', [...p, key], `${at([...p, key])} should be a number (${what}), found ${describe(v)}`, 'write a number, e.g. 0.25 or -1.3');
    return undefined;
  };
  const str = (m: Map<string, unknown>, key: string, p: ModelPath, what: string): string | undefined => {
    const v = m.get(key);
    if (v === undefined) return undefined;
    if ((typeof v === 'string' && v.trim() !== '') || (typeof v === 'number' && Number.isFinite(v))) return String(v).trim();
    d.add('LS011', [...p, key], `${at([...p, key])} should be a string (${what}), found ${describe(v)}`, `write the ${what}`);
    return undefined;
  };

  const top = obj(raw, path, ['intercept', 'features'], ['weight'], 'predictive');
  if (!top) return undefined;
  const intercept = num(top, 'intercept', path, 'the log-odds of a lead whose feature terms are all 0');
  const weight = num(top, 'weight', path, 'share of 100 x p in the score, 0..1', 1);
  if (weight !== undefined && (weight < 0 || weight > 1)) {
    d.add('LS081', [...path, 'weight'], `predictive.weight is ${weight}; it must be between 0 and 1`, 'use 1 for score = 100 x p, or e.g. 0.5 to blend with the rule points');
  }
  const fl = top.get('features');
  const features: PredictiveFeature[] = [];
  let ok = intercept !== undefined && weight !== undefined && weight >= 0 && weight <= 1;
  if (top.has('features')) {
    if (!Array.isArray(fl)) {
      d.add('LS011', [...path, 'features'], `${at([...path, 'features'])} should be a list of features, found ${describe(fl)}`, 'write one feature per item, each starting with "- name:"');
      ok = false;
    } else {
      if (fl.length === 0) d.add('LS083', [...path, 'features'], 'the predictive section has no features: every lead gets the same score', 'run leadscore train, or add features');
      const names = new Map<string, number>();
      fl.forEach((x, i) => {
        const p = [...path, 'features', i];
        const f = feature(x, p);
        if (!f) return void (ok = false);
        const k = f.name.toLowerCase();
        const first = names.get(k);
        if (first !== undefined) {
          d.add('LS082', [...p, 'name'], `duplicate predictive feature "${f.name}" (features[${first}] has it too)`, 'give each column one feature; merge their coefficients');
          ok = false;
        } else names.set(k, i);
        features.push(f);
      });
    }
  } else ok = false;

  function feature(x: unknown, p: ModelPath): PredictiveFeature | undefined {
    const e = entriesOf(x);
    const typeRaw = e?.find(([k]) => k === 'type')?.[1];
    const type = typeRaw === 'numeric' || typeRaw === 'categorical' ? typeRaw : undefined;
    if (e && typeRaw !== undefined && !type) {
      d.add('LS014', [...p, 'type'], `${at([...p, 'type'])} is ${describe(typeRaw)}; a predictive feature is numeric or categorical`, 'write type: numeric or type: categorical');
      return undefined;
    }
    const keys = FEATURE_KEYS[type ?? 'numeric'];
    const m = obj(x, p, type === 'categorical' ? ['name', 'type', 'levels'] : ['name', 'type', 'encoding', 'coefficient'], keys.filter((k) => !['name', 'type', 'levels', 'encoding', 'coefficient'].includes(k)), `a ${type ?? 'predictive'} feature`);
    if (!m || !type) return undefined;
    const name = str(m, 'name', p, 'a leads column or an activity.* aggregate');
    const missing = num(m, 'missing', p, 'the term when the value is missing', 0);
    if (type === 'numeric') {
      const coefficient = num(m, 'coefficient', p, 'the weight of the standardised value');
      const encRaw = m.get('encoding');
      const ep = [...p, 'encoding'];
      const enc = encRaw === undefined ? undefined : obj(encRaw, ep, ['mean', 'sd'], ['transform'], 'an encoding');
      let transform: 'none' | 'log1p' | undefined = 'none';
      const t = enc?.get('transform');
      if (t !== undefined && t !== 'none' && t !== 'log1p') {
        d.add('LS014', [...ep, 'transform'], `${at([...ep, 'transform'])} is ${describe(t)}; valid: none, log1p`, 'write transform: none or transform: log1p');
        transform = undefined;
      } else if (t === 'log1p') transform = 'log1p';
      const mean = enc && num(enc, 'mean', ep, 'the training mean of the (transformed) value');
      const sd = enc && num(enc, 'sd', ep, 'the training standard deviation');
      if (sd !== undefined && !(sd > 0)) d.add('LS080', [...ep, 'sd'], `${at([...ep, 'sd'])} is ${sd}; the standard deviation must be greater than 0`, 'use the sd written by leadscore train, or 1 to use the value as it is');
      if (name === undefined || coefficient === undefined || missing === undefined || transform === undefined || mean === undefined || sd === undefined || !(sd > 0)) return undefined;
      return { name, type, transform, mean, sd, coefficient, missing };
    }
    const other = num(m, 'other', p, 'the term of a level not listed', 0);
    const lp = [...p, 'levels'];
    const le = entriesOf(m.get('levels'));
    if (m.has('levels') && !le) {
      d.add('LS011', lp, `${at(lp)} should be a mapping of level: coefficient, found ${describe(m.get('levels'))}`, 'write e.g. levels: { it: 0.4, finance: -0.1 }');
      return undefined;
    }
    const levels: { level: string; coefficient: number }[] = [];
    let good = true;
    for (const [k, v] of le ?? []) {
      if (typeof v === 'number' && Number.isFinite(v)) levels.push({ level: k.trim().toLowerCase(), coefficient: v });
      else {
        d.add('LS011', [...lp, k], `${at([...lp, k])} should be a number (the coefficient of "${k}"), found ${describe(v)}`, 'write a number, e.g. 0.25');
        good = false;
      }
    }
    if (name === undefined || other === undefined || missing === undefined || !good || !le) return undefined;
    return { name, type, levels, other, missing };
  }

  if (!ok || intercept === undefined || weight === undefined) return undefined;
  return { intercept, features, weight };
}
