// Account scoring (docs/model.md#accounts): scored leads grouped into accounts by a column or by their
// email's domain; an account score from its lead scores (max, sum capped, or the mean of the top N),
// plus account-level fit rules evaluated on the account's best lead, clamped to [0, 100]; a band.
//
// Pure. Fed every scored lead once, in any order (add), then finish(); the result does not depend on
// the order of add() calls: the best lead is chosen by the rank order, top_mean keeps the N best scores,
// sums are exact (Shewchuk partials, correctly rounded at the end), accounts are ranked by score then key.
// Memory: per account O(1) (a bounded list of N scores for top_mean), plus one Int32 per lead slot.
import type { AccountsSection, Band, Model } from '../model/types.js';
import { columnMatcher } from '../columns.js';
import { detach, formatFixed2, makeNulls, type Nulls, present } from '../value.js';
import { type CompiledModel, compileModel, emailDomain, isDisposable, type ScoringEnv } from './compiled.js';
import { isFreeMailDomain } from './free-mail.js';
import { bandOf, compareLeadIds, fitPoints } from './score-lead.js';

/** Why a scored lead has no account. */
export type NoAccountReason = 'missing' | 'invalid_email' | 'free_mail' | 'disposable';

export interface AccountOptions {
  /** The leads header (column names), to find the grouping column and the account fit rules' columns. */
  leadHeader: string[];
  /** As-of, for date operators in account fit rules. */
  asOfMs: number;
  /** The disposable-domain list (the same as the quality check's). */
  env: ScoringEnv;
}

/** One line of accounts.csv. Numbers unrounded (cells() rounds them to 2 decimals). */
export interface AccountRow {
  rank: number;
  account: string;
  accountScore: number;
  /** Band name, or '' when no band takes the score. */
  band: string;
  /** Scored leads in the account. */
  leads: number;
  bestLead: string;
  bestLeadScore: number;
  /** Points of the account fit rules on the best lead (0 without rules). */
  accountFit: number;
  /** Per interest (AccountBuilder.interestNames): the sum over the account's leads. */
  interests: number[];
}

export interface AccountStats {
  /** Accounts listed in accounts.csv (at least min_leads scored leads). */
  accounts: number;
  /** Scored leads that belong to a listed account. */
  leadsInAccounts: number;
  /** Accounts left out for having fewer than min_leads scored leads, and their leads. */
  belowMinLeads: { accounts: number; leads: number };
  /** Scored leads without an account, by reason. */
  noAccount: Record<NoAccountReason, number>;
}

/** The sum of a stream of numbers, exact until the final rounding: the same result in any order. */
export class ExactSum {
  private readonly partials: number[] = [];

  add(value: number): void {
    let x = value;
    const p = this.partials;
    let i = 0;
    for (let j = 0; j < p.length; j++) {
      let y = p[j]!;
      if (Math.abs(x) < Math.abs(y)) [x, y] = [y, x];
      const hi = x + y;
      const lo = y - (hi - x);
      if (lo !== 0) p[i++] = lo;
      x = hi;
    }
    p.length = i;
    p.push(x);
  }

  /** The correctly rounded sum (Python's math.fsum). */
  value(): number {
    const p = this.partials;
    let n = p.length;
    if (n === 0) return 0;
    let hi = p[--n]!;
    let lo = 0;
    while (n > 0) {
      const x = hi;
      const y = p[--n]!;
      hi = x + y;
      lo = y - (hi - x);
      if (lo !== 0) break;
    }
    if (n > 0 && ((lo < 0 && p[n - 1]! < 0) || (lo > 0 && p[n - 1]! > 0))) {
      const y = lo * 2;
      const x = hi + y;
      if (y === x - hi) hi = x;
    }
    return hi;
  }
}

class Account {
  leads = 0;
  bestId = '';
  bestScore = -Infinity;
  bestFit = -Infinity;
  accountFit = 0;
  max = -Infinity;
  /** score: sum — the exact sum of the lead scores. */
  sum: ExactSum | undefined;
  /** score: top_mean — the N best lead scores, highest first. */
  top: number[] | undefined;
  interests: ExactSum[] | undefined;
  score = NaN;
  band = -1;
  listed = false;
  constructor(
    readonly key: string,
    readonly index: number,
  ) {}
}

const DOMAIN = /^[^\s@.]+(?:\.[^\s@.]+)+$/;
const SPACES = /\s+/g;

/**
 * Builds accounts from scored leads. Call add() for every scored lead (any order), finish() once, then
 * accountOf() per lead (for the `account` and `account_score` columns of scored.csv) and rows() for
 * accounts.csv.
 */
export class AccountBuilder {
  readonly section: AccountsSection;
  /** Interest names, in the order of `interest_<name>` columns of scored.csv (first use in engagement rules). */
  readonly interestNames: string[];
  private readonly bands: readonly Band[];
  private readonly byIndex: number;
  private readonly nulls: Nulls;
  /** The account fit rules compiled as the fit rules of a model of their own (same semantics). */
  private readonly fitModel: CompiledModel;
  private readonly accounts = new Map<string, Account>();
  private readonly list: Account[] = [];
  private slotAccount = new Int32Array(1024).fill(-1);
  private readonly noAccount: Record<NoAccountReason, number> = { missing: 0, invalid_email: 0, free_mail: 0, disposable: 0 };
  private reason: NoAccountReason = 'missing';
  private ranked: Account[] | undefined;

  constructor(model: Model, private readonly opts: AccountOptions) {
    if (!model.accounts) throw new Error('AccountBuilder: the model has no accounts section');
    this.section = model.accounts;
    this.bands = model.accounts.bands ?? model.bands;
    this.byIndex = columnMatcher(opts.leadHeader)(model.accounts.by.field);
    this.nulls = makeNulls(model.input.leads.nullValues);
    this.interestNames = [];
    for (const r of model.engagement.rules) if (r.interest && !this.interestNames.includes(r.interest)) this.interestNames.push(r.interest);
    const fitOnly: Model = {
      version: 1,
      name: model.name,
      input: model.input,
      fit: { rules: model.accounts.fit.rules },
      engagement: { rules: [], signals: [] },
      quality: [],
      bands: [],
    };
    this.fitModel = compileModel(fitOnly, { leadHeader: opts.leadHeader, asOfMs: opts.asOfMs, env: opts.env });
  }

  /** Values that failed to parse in the account fit rules' numeric operators and ranges, per field. */
  get unparsable(): ReadonlyMap<string, number> {
    return this.fitModel.unparsable;
  }

  /** The account key of a lead row, or undefined (this.reason says why). */
  keyOf(row: readonly (string | undefined)[]): string | undefined {
    const v = this.byIndex < 0 ? undefined : present(row[this.byIndex], this.nulls);
    if (v === undefined) {
      this.reason = 'missing';
      return undefined;
    }
    if (this.section.by.kind === 'column') return v.toLowerCase().replace(SPACES, ' ');
    const domain = emailDomain(v);
    if (domain === undefined || !DOMAIN.test(domain)) {
      this.reason = 'invalid_email';
      return undefined;
    }
    if (isFreeMailDomain(domain)) {
      this.reason = 'free_mail';
      return undefined;
    }
    if (isDisposable(v, this.opts.env)) {
      this.reason = 'disposable';
      return undefined;
    }
    return domain;
  }

  /**
   * One scored lead: its slot (the index used later with accountOf), its row, id, score and fit (both
   * unrounded), and optionally its interest scores (in interestNames order).
   */
  add(leadSlot: number, row: readonly (string | undefined)[], leadId: string, score: number, fit: number, interests?: readonly number[]): void {
    if (this.ranked) throw new Error('AccountBuilder.add after finish');
    const key = this.keyOf(row);
    if (key === undefined) {
      this.noAccount[this.reason]++;
      this.setSlot(leadSlot, -1);
      return;
    }
    let a = this.accounts.get(key);
    if (!a) {
      a = new Account(detach(key), this.list.length);
      if (this.section.score === 'sum') a.sum = new ExactSum();
      if (this.section.score === 'top_mean') a.top = [];
      if (interests && this.interestNames.length) a.interests = this.interestNames.map(() => new ExactSum());
      this.accounts.set(a.key, a);
      this.list.push(a);
    }
    this.setSlot(leadSlot, a.index);
    a.leads++;
    if (score > a.max) a.max = score;
    a.sum?.add(score);
    if (a.top) insertTop(a.top, score, this.section.top ?? 1);
    if (a.interests && interests) for (let i = 0; i < a.interests.length; i++) a.interests[i]!.add(interests[i] ?? 0);
    // the best lead, by the rank order: score desc, fit desc, id asc
    if (score > a.bestScore || (score === a.bestScore && (fit > a.bestFit || (fit === a.bestFit && compareLeadIds(leadId, a.bestId) < 0)))) {
      a.bestScore = score;
      a.bestFit = fit;
      a.bestId = detach(leadId);
      let points = 0;
      for (let k = 0; k < this.fitModel.fit.length; k++) points += fitPoints(this.fitModel, k, row);
      a.accountFit = points;
    }
  }

  /** Computes every account's score and band, and the ranking. */
  finish(): void {
    if (this.ranked) return;
    const s = this.section;
    for (const a of this.list) {
      let base: number;
      if (s.score === 'max') base = a.max;
      else if (s.score === 'sum') base = Math.min(a.sum!.value(), s.cap);
      else {
        const top = a.top!;
        let t = 0;
        for (const x of top) t += x; // highest first: the same order whatever the order of add()
        base = t / top.length;
      }
      a.score = Math.min(100, Math.max(0, base + a.accountFit));
      a.band = bandOf(this.bands, a.score);
      a.listed = a.leads >= s.minLeads;
    }
    this.ranked = this.list
      .filter((a) => a.listed)
      .sort((x, y) => y.score - x.score || (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
  }

  /** The account of a scored lead and the account's score; undefined when it has none or its account is not listed (min_leads). */
  accountOf(leadSlot: number): { account: string; score: number } | undefined {
    this.mustBeFinished();
    const i = leadSlot < this.slotAccount.length ? this.slotAccount[leadSlot]! : -1;
    const a = i < 0 ? undefined : this.list[i];
    return a && a.listed ? { account: a.key, score: a.score } : undefined;
  }

  /** accounts.csv rows: by account score descending, then account key ascending; rank 1..N. */
  rows(): AccountRow[] {
    this.mustBeFinished();
    return this.ranked!.map((a, i) => ({
      rank: i + 1,
      account: a.key,
      accountScore: a.score,
      band: a.band < 0 ? '' : this.bands[a.band]!.name,
      leads: a.leads,
      bestLead: a.bestId,
      bestLeadScore: a.bestScore,
      accountFit: a.accountFit,
      interests: a.interests ? a.interests.map((x) => x.value()) : this.interestNames.map(() => 0),
    }));
  }

  /** The header of accounts.csv. */
  header(): string[] {
    return ['rank', 'account', 'account_score', 'band', 'leads', 'best_lead', 'best_lead_score', 'account_fit', ...this.interestNames.map((n) => `interest_${n}`)];
  }

  /** The cells of one accounts.csv row, numbers with 2 decimals (as in scored.csv). */
  cells(r: AccountRow): string[] {
    return [String(r.rank), r.account, formatFixed2(r.accountScore), r.band, String(r.leads), r.bestLead, formatFixed2(r.bestLeadScore), formatFixed2(r.accountFit), ...r.interests.map(formatFixed2)];
  }

  /** Counts for the summary. */
  stats(): AccountStats {
    this.mustBeFinished();
    let leadsInAccounts = 0;
    let below = 0;
    let belowLeads = 0;
    for (const a of this.list) {
      if (a.listed) leadsInAccounts += a.leads;
      else {
        below++;
        belowLeads += a.leads;
      }
    }
    return { accounts: this.ranked!.length, leadsInAccounts, belowMinLeads: { accounts: below, leads: belowLeads }, noAccount: { ...this.noAccount } };
  }

  private setSlot(slot: number, account: number): void {
    if (slot >= this.slotAccount.length) {
      let n = this.slotAccount.length;
      while (n <= slot) n *= 2;
      const next = new Int32Array(n).fill(-1);
      next.set(this.slotAccount);
      this.slotAccount = next;
    }
    this.slotAccount[slot] = account;
  }

  private mustBeFinished(): void {
    if (!this.ranked) throw new Error('AccountBuilder: call finish() first');
  }
}

/** Keeps the n highest values of `top` (highest first) after adding x. */
function insertTop(top: number[], x: number, n: number): void {
  if (top.length === n && x <= top[n - 1]!) return;
  let i = top.length;
  while (i > 0 && top[i - 1]! < x) i--;
  top.splice(i, 0, x);
  if (top.length > n) top.length = n;
}
