// quality[]: built-in checks (email_syntax, disposable_email) or if: conditions; reject or adjust.
import { didYouMean } from '../text.js';
import { formatPath, type ModelPath } from './paths.js';
import { ModelReader } from './reader.js';
import {
  type QualityRule,
} from './types.js';

export function readQualityRule(r: ModelReader, raw: unknown, path: ModelPath): QualityRule | undefined {
  const o = r.object(raw, path, ['id'], ['label', 'check', 'field', 'if', 'action', 'points', 'flag'], 'a quality rule');
  if (!o) return undefined;
  const p = formatPath(path);
  const id = r.id(o, path);
  const label = r.label(o);
  let ok = true;
  let check: QualityRule['check'];
  const ce = o.get('check');
  if (ce) {
    const c = r.string(ce.value, ce.path, 'a built-in check');
    if (c === 'email_syntax' || c === 'disposable_email') check = c;
    else if (c !== undefined) {
      const guess = didYouMean(c, ['email_syntax', 'disposable_email']);
      r.d.add('LS014', ce.path, `unknown check "${c}" in ${p}${guess ? ` (did you mean "${guess}"?)` : ''}`,
        'built-in checks: email_syntax, disposable_email; for anything else write an "if:" condition');
      ok = false;
    } else ok = false;
  }
  const ie = o.get('if');
  const condition = ie && r.condition(ie.value, ie.path);
  if (ie && !condition) ok = false;
  const field = r.optColumn(o, 'field', 'the column to check');
  if (o.has('field') && field === undefined) ok = false;
  if (ce && ie) {
    r.d.add('LS017', path, `quality rule ${p} has both "check" and "if"`, 'use one per rule: a built-in check with a field, or an if: condition');
    ok = false;
  } else if (!ce && !ie) {
    r.d.add('LS017', path, `quality rule ${p} has neither "check" nor "if"`, 'add "check: email_syntax" (or disposable_email) with "field:", or an "if:" condition');
    ok = false;
  } else if (ce && !o.has('field')) {
    if (!o.suggested?.has('field')) r.d.add('LS013', [...path, 'field'], `missing required key "field" in ${p}`, `name the column that holds the e-mail address, e.g. "field: email"`);
    ok = false;
  } else if (ie && o.has('field')) {
    r.d.add('LS017', [...path, 'field'], `quality rule ${p} has "field" beside "if"`, 'put the field inside the condition: if: { field: x, ... }', 'key');
    ok = false;
  }
  let action: QualityRule['action'] = 'adjust';
  const ae = o.get('action');
  if (ae) {
    const a = r.string(ae.value, ae.path, 'reject or adjust');
    if (a === 'reject' || a === 'adjust') action = a;
    else {
      if (a !== undefined) {
        const guess = didYouMean(a, ['reject', 'adjust']);
        r.d.add('LS014', ae.path, `unknown action "${a}" in ${p}${guess ? ` (did you mean "${guess}"?)` : ''}`,
          'action: reject sends the lead to the rejects file; leave it out (or action: adjust) to add points and a flag');
      }
      ok = false;
    }
  }
  const points = o.has('points') ? r.optNumber(o, 'points', 'points added to the score') : 0;
  const flag = r.optString(o, 'flag', 'a flag name');
  if (points === undefined || (o.has('flag') && flag === undefined)) ok = false;
  if (!ok || id === undefined || points === undefined) return undefined;
  return {
    id, ...(label !== undefined ? { label } : {}), path: p, ...(check ? { check } : {}),
    ...(field !== undefined ? { field } : {}), ...(condition ? { condition } : {}),
    action, points: action === 'reject' ? 0 : points, ...(flag !== undefined ? { flag } : {}),
  };
}
