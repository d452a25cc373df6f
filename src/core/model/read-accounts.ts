// accounts: leads grouped into accounts, an account score from their lead scores (docs/model.md#accounts).
import { didYouMean } from '../text.js';
import { type ModelPath } from './paths.js';
import { ModelReader } from './reader.js';
import { type Parts, checkConditions, checkRanges, checkBands } from './semantic-checks.js';
import { readFitRule } from './read-fit.js';
import { readBand } from './read-bands.js';
import {
  type AccountsSection,
} from './types.js';

// accounts: leads grouped into accounts, an account score from their lead scores (docs/model.md#accounts)

const ACCOUNT_METHODS = ['max', 'sum', 'top_mean'] as const;
const ACCOUNT_METHOD_ALIASES: Record<string, (typeof ACCOUNT_METHODS)[number]> = {
  mean: 'top_mean', avg: 'top_mean', average: 'top_mean', top: 'top_mean', top_n: 'top_mean', total: 'sum', best: 'max', highest: 'max',
};
const ACCOUNT_METHOD_HINT = 'score: max (the best lead score), sum (the lead scores added, capped at cap, default 100) or top_mean (with top: N, the mean of the N best lead scores)';

export function readAccounts(r: ModelReader, raw: unknown, path: ModelPath): AccountsSection | undefined {
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
  const rules = r.items(fo, 'rules', 'account fit rules', (x, p) => readFitRule(r, x, p));
  const bands = r.items(o, 'bands', 'bands { name, min }', (x, p) => readBand(r, x, p));
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
