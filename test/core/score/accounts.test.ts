// Account scoring (docs/model.md#accounts): hand-computed cases for every score method, free-mail and
// disposable exclusion, column grouping, account fit rules, bands, min_leads, ranking and ties, and
// input-order independence (fast-check).
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AccountBuilder, ExactSum } from '../../../src/core/score/accounts.js';
import { isFreeMailDomain } from '../../../src/core/score/free-mail.js';
import { loadModelFile, loadModelText } from '../../../src/io/model-file.js';
import type { Diagnostic, Model } from '../../../src/core/model/types.js';
import { model, scoreRows, testEnv } from '../../helpers/score-harness.js';
import { readCsv, ROOT } from '../../helpers/cli.js';
import { parseTimestamp } from '../../../src/core/value.js';

const AS_OF_MS = Date.UTC(2026, 10, 1);
const HEADER = ['id', 'email', 'company', 'employees', 'industry'];

function accountsModel(accounts: string, extra = ''): Model {
  return model(`
version: 1
name: acc
input:
  leads: { id: id, null_values: ["", "N/A", "Select"] }
  activities: { lead_id: id, type: type, timestamp: at }
fit:
  rules:
    - { id: it, field: industry, values: { IT: 10 } }
${extra}
bands:
  - { name: SQL, min: 80 }
  - { name: MQL, min: 50 }
  - { name: cold }
accounts:
${accounts}
`);
}

interface Lead {
  id: string;
  email?: string;
  company?: string;
  employees?: string;
  industry?: string;
  score: number;
  fit?: number;
  interests?: number[];
}

const row = (l: Lead) => [l.id, l.email, l.company, l.employees, l.industry];

/** A builder fed with `leads` (slot = index in the list), in `order` (default: list order), finished. */
function build(m: Model, leads: Lead[], order?: number[]): AccountBuilder {
  const b = new AccountBuilder(m, { leadHeader: HEADER, asOfMs: AS_OF_MS, env: testEnv });
  for (const i of order ?? leads.map((_, k) => k)) {
    const l = leads[i]!;
    b.add(i, row(l), l.id, l.score, l.fit ?? 0, l.interests);
  }
  b.finish();
  return b;
}

const brief = (b: AccountBuilder) => b.rows().map((r) => [r.rank, r.account, r.accountScore, r.band, r.leads, r.bestLead, r.bestLeadScore]);

const BY_DOMAIN: Lead[] = [
  { id: '1', email: 'ann@acme.com', score: 40 },
  { id: '2', email: ' Bob@Acme.COM ', score: 70 },
  { id: '3', email: 'cy@acme.com', score: 55 },
  { id: '4', email: 'dee@beta.io', score: 30 },
  { id: '5', email: 'eve@gmail.com', score: 90 },
  { id: '6', email: 'fay@eu.acme.com', score: 20 },
];

describe('account score methods (by email domain)', () => {
  it('max: the best lead score; www/subdomains are separate accounts; free-mail leads have none', () => {
    const b = build(accountsModel('  by: { email_domain: email }\n  score: max'), BY_DOMAIN);
    expect(brief(b)).toEqual([
      [1, 'acme.com', 70, 'MQL', 3, '2', 70],
      [2, 'beta.io', 30, 'cold', 1, '4', 30],
      [3, 'eu.acme.com', 20, 'cold', 1, '6', 20],
    ]);
    expect(b.accountOf(0)).toEqual({ account: 'acme.com', score: 70 });
    expect(b.accountOf(3)).toEqual({ account: 'beta.io', score: 30 });
    expect(b.accountOf(4)).toBeUndefined();
    expect(b.stats()).toEqual({
      accounts: 3, leadsInAccounts: 5, belowMinLeads: { accounts: 0, leads: 0 },
      noAccount: { missing: 0, invalid_email: 0, free_mail: 1, disposable: 0 },
    });
  });

  it('max is the default method', () => {
    const b = build(accountsModel('  by: { email_domain: email }'), BY_DOMAIN);
    expect(b.rows()[0]!.accountScore).toBe(70);
  });

  it('sum: the lead scores added, capped at cap (default 100)', () => {
    // acme.com: 40 + 70 + 55 = 165
    expect(brief(build(accountsModel('  by: { email_domain: email }\n  score: sum'), BY_DOMAIN))[0]).toEqual([1, 'acme.com', 100, 'SQL', 3, '2', 70]);
    expect(brief(build(accountsModel('  by: { email_domain: email }\n  score: sum\n  cap: 75'), BY_DOMAIN))[0]).toEqual([1, 'acme.com', 75, 'MQL', 3, '2', 70]);
    const under = build(accountsModel('  by: { email_domain: email }\n  score: sum'), [
      { id: 'a', email: 'a@x.com', score: 20.25 },
      { id: 'b', email: 'b@x.com', score: 30.5 },
    ]);
    expect(under.rows()[0]!.accountScore).toBe(50.75);
  });

  it('top_mean: the mean of the N best lead scores (of all of them when fewer)', () => {
    const top2 = build(accountsModel('  by: { email_domain: email }\n  score: top_mean\n  top: 2'), BY_DOMAIN);
    expect(brief(top2)).toEqual([
      [1, 'acme.com', 62.5, 'MQL', 3, '2', 70], // (70 + 55) / 2
      [2, 'beta.io', 30, 'cold', 1, '4', 30],
      [3, 'eu.acme.com', 20, 'cold', 1, '6', 20],
    ]);
    const top5 = build(accountsModel('  by: { email_domain: email }\n  score: top_mean\n  top: 5'), BY_DOMAIN);
    expect(top5.rows()[0]!.accountScore).toBe(55); // (40 + 70 + 55) / 3
  });

  it('min_leads: smaller accounts are left out of the rows, and their leads get no account', () => {
    const b = build(accountsModel('  by: { email_domain: email }\n  min_leads: 2'), BY_DOMAIN);
    expect(brief(b)).toEqual([[1, 'acme.com', 70, 'MQL', 3, '2', 70]]);
    expect(b.accountOf(3)).toBeUndefined();
    expect(b.accountOf(5)).toBeUndefined();
    expect(b.accountOf(1)).toEqual({ account: 'acme.com', score: 70 });
    expect(b.stats().belowMinLeads).toEqual({ accounts: 2, leads: 2 });
    expect(b.stats().leadsInAccounts).toBe(3);
  });
});

describe('which emails form no account', () => {
  it('free-mail, disposable (domain or parent), invalid and missing', () => {
    const emails: [string, string | undefined][] = [
      ['x@gmail.com', undefined], ['x@yahoo.co.uk', undefined], ['x@GMX.de', undefined], ['x@hotmail.fr', undefined],
      ['x@outlook.com.br', undefined], ['x@yandex.com.tr', undefined], ['x@proton.me', undefined], ['x@mail.ru', undefined],
      ['x@icloud.com', undefined], ['x@aol.com', undefined],
      ['x@mailinator.com', undefined], ['x@eu.mailinator.com', undefined], // disposable (testEnv) and its subdomain
      ['not-an-email', undefined], ['x@', undefined], ['x@localhost', undefined],
      ['N/A', undefined], ['  ', undefined],
      ['x@gmail.company.com', 'gmail.company.com'], ['x@livingston.com', 'livingston.com'], ['x@www.acme.com', 'www.acme.com'],
    ];
    const leads = emails.map(([email], i) => ({ id: String(i), email, score: 10 }));
    const b = build(accountsModel('  by: { email_domain: email }'), leads);
    emails.forEach(([email, account], i) => expect(b.accountOf(i)?.account, email).toBe(account));
    expect(b.stats().noAccount).toEqual({ missing: 2, invalid_email: 3, free_mail: 10, disposable: 2 });
  });

  it('isFreeMailDomain: exact domains and webmail brands under country suffixes only', () => {
    for (const d of ['gmail.com', 'googlemail.com', 'yahoo.com', 'yahoo.com.tr', 'outlook.com', 'hotmail.co.uk', 'icloud.com', 'gmx.net', 'gmx.at', 'yandex.ru', 'mail.ru', 'proton.me', 'qq.com']) {
      expect(isFreeMailDomain(d), d).toBe(true);
    }
    for (const d of ['acme.com', 'gmail.acme.com', 'mail.acme.com', 'outlook.acme.io', 'yahoo-inc.com', 'live-nation.com', 'protonmail.example.org']) {
      expect(isFreeMailDomain(d), d).toBe(false);
    }
  });
});

describe('grouping by a column', () => {
  it('trimmed, case-folded, inner spaces collapsed; null values and blanks get no account', () => {
    const leads: Lead[] = [
      { id: '1', company: ' Acme  Corp', score: 10 },
      { id: '2', company: 'acme corp', score: 35 },
      { id: '3', company: 'ACME CORP', score: 20 },
      { id: '4', company: 'Select', score: 99 },
      { id: '5', company: '', score: 99 },
      { id: '6', company: 'Beta GmbH', score: 60 },
      { id: '7', email: 'x@gmail.com', company: 'Gamma', score: 5 }, // the email does not matter here
    ];
    const b = build(accountsModel('  by: { column: company }\n  score: sum'), leads);
    expect(brief(b)).toEqual([
      [1, 'acme corp', 65, 'MQL', 3, '2', 35],
      [2, 'beta gmbh', 60, 'MQL', 1, '6', 60],
      [3, 'gamma', 5, 'cold', 1, '7', 5],
    ]);
    expect(b.accountOf(3)).toBeUndefined();
    expect(b.stats().noAccount.missing).toBe(2);
  });
});

describe('account fit rules, bands, ranking and ties', () => {
  const M = accountsModel(`  by: { column: company }
  score: max
  fit:
    rules:
      - { id: enterprise, field: employees, ranges: [{ min: 1000, points: 10 }, { min: 200, points: 4 }] }
      - { id: target_industry, if: { field: industry, in: [Software] }, points: 5 }
      - { id: public_sector, if: { field: industry, equals: Public Sector }, points: -20 }
  bands:
    - { name: hot, min: 70 }
    - { name: warm, min: 40 }`);
  const LEADS: Lead[] = [
    // acme: 10 and 11 tie on score; 11 has the better fit, so it is the best lead: 4 + 5 = 9 -> 79
    { id: '10', company: 'Acme', score: 70, fit: 20, employees: '5000', industry: 'Retail' },
    { id: '11', company: 'Acme', score: 70, fit: 30, employees: '300', industry: 'software' },
    { id: '12', company: 'Acme', score: 60, fit: 50, employees: '5000', industry: 'Software' },
    // beta: 95 + 10 + 5 = 110 -> clamped to 100
    { id: '20', company: 'Beta', score: 95, employees: '1,200', industry: 'Software' },
    // gov: 15 - 20 -> clamped to 0, below every account band (no catch-all): no band
    { id: '30', company: 'Gov', score: 15, employees: 'many', industry: 'public sector' },
    // tie: same score and fit: the best lead is the first id in rank order (digits first, numerically)
    { id: 'L2', company: 'Tie', score: 50, fit: 10, employees: '2000' },
    { id: '10x', company: 'Tie', score: 50, fit: 10, employees: '2000' },
    { id: '9', company: 'Tie', score: 50, fit: 10, employees: '10' },
    { id: '100', company: 'Tie', score: 50, fit: 10, employees: '2000' },
  ];

  it('evaluates the rules on the best lead, adds them, clamps to [0, 100], and bands with the account bands', () => {
    const b = build(M, LEADS);
    expect(b.rows().map((r) => [r.rank, r.account, r.accountScore, r.band, r.leads, r.bestLead, r.bestLeadScore, r.accountFit])).toEqual([
      [1, 'beta', 100, 'hot', 1, '20', 95, 15],
      [2, 'acme', 79, 'hot', 3, '11', 70, 9],
      [3, 'tie', 50, 'warm', 4, '9', 50, 0],
      [4, 'gov', 0, '', 1, '30', 15, -20],
    ]);
    expect(b.unparsable.get('employees')).toBe(1); // "many"
  });

  it('without account bands, the model bands apply', () => {
    const m = accountsModel('  by: { column: company }');
    expect(build(m, LEADS).rows().map((r) => r.band)).toEqual(['SQL', 'MQL', 'MQL', 'cold']);
  });

  it('accounts with equal scores are ranked by account key', () => {
    const b = build(accountsModel('  by: { email_domain: email }'), [
      { id: '1', email: 'a@zeta.com', score: 50 },
      { id: '2', email: 'a@alpha.com', score: 50 },
      { id: '3', email: 'a@mid.com', score: 50 },
      { id: '4', email: 'a@low.com', score: 49.99 },
    ]);
    expect(b.rows().map((r) => `${r.rank}:${r.account}`)).toEqual(['1:alpha.com', '2:mid.com', '3:zeta.com', '4:low.com']);
  });

  it('the order of add() does not change the best lead or the account fit', () => {
    const reversed = build(M, LEADS, LEADS.map((_, i) => LEADS.length - 1 - i));
    expect(reversed.rows()).toEqual(build(M, LEADS).rows());
  });
});

describe('interest totals and the accounts.csv cells', () => {
  it('sums the interests of the account leads; header and 2-decimal cells', () => {
    const m = accountsModel('  by: { email_domain: email }', `engagement:
  rules:
    - { id: webinar, type: webinar, points: 10, interest: events }
    - { id: demo, type: demo, points: 20, interest: buying }`);
    const b = build(m, [
      { id: '1', email: 'a@acme.com', score: 61.006, interests: [1.5, 2] },
      { id: '2', email: 'b@acme.com', score: 20, interests: [0.25, 0] },
    ]);
    expect(b.header()).toEqual(['rank', 'account', 'account_score', 'band', 'leads', 'best_lead', 'best_lead_score', 'account_fit', 'interest_events', 'interest_buying']);
    const [r] = b.rows();
    expect(r!.interests).toEqual([1.75, 2]);
    expect(b.cells(r!)).toEqual(['1', 'acme.com', '61.01', 'MQL', '2', '1', '61.01', '0.00', '1.75', '2.00']);
  });
});

describe('input-order independence (property)', () => {
  const DOMAINS = ['a.com', 'B.com', 'b.com', 'c.io', 'gmail.com', 'x.mailinator.com', 'N/A'];
  const leadArb = fc.record({
    domain: fc.constantFrom(...DOMAINS),
    score: fc.oneof(fc.double({ min: 0, max: 100, noNaN: true }), fc.constantFrom(0, 50, 100)),
    fit: fc.integer({ min: -5, max: 5 }),
    employees: fc.constantFrom('10', '500', '5000', ''),
  });
  const caseArb = fc
    .record({
      leads: fc.array(leadArb, { maxLength: 40 }),
      method: fc.constantFrom('score: max', 'score: sum\n  cap: 150', 'score: top_mean\n  top: 3'),
    })
    .chain(({ leads, method }) =>
      fc.record({ leads: fc.constant(leads), method: fc.constant(method), order: fc.shuffledSubarray(leads.map((_, i) => i), { minLength: leads.length, maxLength: leads.length }) }),
    );

  it('any order of add() gives the same rows(), accountOf() and stats()', () => {
    fc.assert(
      fc.property(caseArb, ({ leads, method, order }) => {
        const m = accountsModel(`  by: { email_domain: email }\n  ${method}\n  fit:\n    rules:\n      - { id: big, field: employees, ranges: [{ min: 1000, points: 7 }] }`);
        const list: Lead[] = leads.map((l, i) => ({ id: i % 3 === 0 ? String(i) : `L${i}`, email: l.domain === 'N/A' ? 'N/A' : `u${i}@${l.domain}`, score: l.score, fit: l.fit, employees: l.employees }));
        const a = build(m, list);
        const b = build(m, list, order);
        expect(b.rows()).toEqual(a.rows());
        expect(b.stats()).toEqual(a.stats());
        list.forEach((_, i) => expect(b.accountOf(i)).toEqual(a.accountOf(i)));
        for (const r of a.rows()) {
          expect(r.accountScore).toBeGreaterThanOrEqual(0);
          expect(r.accountScore).toBeLessThanOrEqual(100);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('ExactSum is exact and order-independent', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true })), (xs) => {
        const s1 = new ExactSum();
        const s2 = new ExactSum();
        for (const x of xs) s1.add(x);
        for (const x of [...xs].reverse()) s2.add(x);
        expect(s2.value()).toBe(s1.value());
      }),
    );
    const s = new ExactSum();
    for (const x of [0.1, 0.2, 0.3, 1e16, -1e16]) s.add(x);
    expect(0.1 + 0.2 + 0.3 + 1e16 - 1e16).toBe(0); // naive left-to-right loses everything
    expect(s.value()).toBe(0.6); // the double nearest the exact sum of the five doubles
  });
});

describe('the sample: models/b2b-accounts.yaml on samples/leads.csv', () => {
  it('groups by domain, leaves out free-mail and single-lead domains, and scores top_mean + account fit', async () => {
    const { result } = await loadModelFile(join(ROOT, 'models', 'b2b-accounts.yaml'));
    expect(result.errors).toEqual([]);
    const m = result.value as Model;
    const leads = readCsv(join(ROOT, 'samples', 'leads.csv'));
    // as the score pipeline does: activity rows without a lead id, type or a valid timestamp are rejected
    const activities = readCsv(join(ROOT, 'samples', 'activities.csv')).filter(
      (a) => a['lead_id']?.trim() && a['activity_type']?.trim() && !Number.isNaN(parseTimestamp((a['occurred_at'] ?? '').trim())),
    );
    const { byId } = scoreRows(m, leads, activities, '2026-11-01T00:00:00Z');
    const header = [...new Set(leads.flatMap((r) => Object.keys(r)))];
    const b = new AccountBuilder(m, { leadHeader: header, asOfMs: AS_OF_MS, env: testEnv });
    const seen = new Set<string>();
    leads.forEach((r, i) => {
      const s = byId.get(r['lead_id']!);
      if (!s || seen.has(r['lead_id']!)) return;
      seen.add(r['lead_id']!);
      b.add(i, header.map((h) => r[h]), r['lead_id']!, s.score, s.fit);
    });
    b.finish();
    const rows = b.rows();
    expect(rows.length).toBeGreaterThan(20);

    // an independent computation of every listed account
    const groups = new Map<string, { id: string; score: number; fit: number; row: Record<string, string> }[]>();
    for (const r of leads) {
      const s = byId.get(r['lead_id']!);
      const email = (r['email'] ?? '').trim().toLowerCase();
      if (!s || !email.includes('@')) continue;
      const domain = email.slice(email.lastIndexOf('@') + 1);
      if (['gmail.com', 'outlook.com', 'yahoo.com', 'hotmail.com', 'icloud.com'].includes(domain)) continue;
      const g = groups.get(domain) ?? [];
      if (!g.some((x) => x.id === r['lead_id'])) g.push({ id: r['lead_id']!, score: s.score, fit: s.fit, row: r });
      groups.set(domain, g);
    }
    for (const r of rows) {
      const g = groups.get(r.account);
      expect(g, r.account).toBeDefined();
      expect(r.leads).toBe(g!.length);
      expect(r.leads).toBeGreaterThanOrEqual(2);
      const sorted = [...g!].sort((x, y) => y.score - x.score || y.fit - x.fit || (x.id < y.id ? -1 : 1));
      const best = sorted[0]!;
      expect(r.bestLead).toBe(best.id);
      const top = sorted.slice(0, 3).map((x) => x.score);
      const employees = Number((best.row['employees'] ?? '').replace(/,/g, ''));
      const industry = (best.row['industry'] ?? '').trim().toLowerCase();
      const fit = (employees >= 1000 ? 10 : employees >= 200 ? 5 : 0) + (['software', 'financial services', 'logistics'].includes(industry) ? 5 : 0);
      expect(r.accountFit).toBe(fit);
      expect(r.accountScore).toBeCloseTo(Math.min(100, Math.max(0, top.reduce((a, x) => a + x, 0) / top.length + fit)), 9);
    }
    const listed = [...groups.entries()].filter(([, g]) => g.length >= 2).map(([d]) => d).sort();
    expect(rows.map((r) => r.account).sort()).toEqual(listed);
    expect(rows.every((r, i) => i === 0 || rows[i - 1]!.accountScore >= r.accountScore)).toBe(true);
  });
});

describe('validation of accounts:', () => {
  const HEAD = `version: 1
name: t
input:
  leads: { id: lead_id }
fit:
  rules:
    - { id: it_dept, field: department, values: { IT: 10 } }
bands:
  - { name: hot, min: 50 }
  - { name: cold }
accounts:
`;
  const codes = (yaml: string) => {
    const { result } = loadModelText(HEAD + yaml, 'test.yaml');
    return { codes: [...new Set([...result.errors, ...result.warnings].map((d: Diagnostic) => d.code))].sort(), value: result.value, all: [...result.errors, ...result.warnings] };
  };

  it.each([
    ['no by', '  score: max', ['LS013']],
    ['by with both', '  by: { email_domain: email, column: company }', ['LS017']],
    ['by with neither', '  by: {}', ['LS017']],
    ['by misspelt', '  by: { email_domian: email }', ['LS010']],
    ['unknown key', '  by: { column: company }\n  scores: max', ['LS010']],
    ['unknown method', '  by: { column: company }\n  score: average', ['LS014']],
    ['top without top_mean', '  by: { column: company }\n  score: max\n  top: 3', ['LS086']],
    ['cap without sum', '  by: { column: company }\n  cap: 50', ['LS086']],
    ['top_mean without top', '  by: { column: company }\n  score: top_mean', ['LS013']],
    ['top 0', '  by: { column: company }\n  score: top_mean\n  top: 0', ['LS087']],
    ['min_leads 1.5', '  by: { column: company }\n  min_leads: 1.5', ['LS087']],
    ['cap negative', '  by: { column: company }\n  score: sum\n  cap: -1', ['LS087']],
    ['top quoted', '  by: { column: company }\n  score: top_mean\n  top: "3"', ['LS011']],
    ['not a mapping', '  - by', ['LS011']],
    ['empty bands', '  by: { column: company }\n  bands: []', ['LS018']],
    ['bands out of order', '  by: { column: company }\n  bands: [{ name: a, min: 10 }, { name: b, min: 20 }, { name: c }]', ['LS030']],
    ['duplicate rule id', '  by: { column: company }\n  fit:\n    rules:\n      - { id: it_dept, field: employees, ranges: [{ min: 1, points: 1 }] }', ['LS020']],
    ['regex RE2 cannot run', '  by: { column: company }\n  fit:\n    rules:\n      - { id: x, if: { field: industry, matches: "(?=a)" }, points: 1 }', ['LS052']],
    ['fit rule without form', '  by: { column: company }\n  fit:\n    rules:\n      - { id: x, field: industry }', ['LS017']],
  ])('%s', (_name, yaml, expected) => {
    const r = codes(yaml);
    expect(r.codes).toEqual(expected);
    expect(r.value).toBeUndefined();
    for (const d of r.all) expect(d.line, `${d.code} ${d.message}`).toBeGreaterThan(0);
  });

  it('normalises defaults', () => {
    const r = codes('  by: { email_domain: " email " }');
    expect(r.codes).toEqual([]);
    expect(r.value?.accounts).toEqual({ by: { kind: 'email_domain', field: 'email' }, score: 'max', cap: 100, minLeads: 1, fit: { rules: [] } });
    const t = codes('  by: { column: company }\n  score: top_mean\n  top: 3\n  min_leads: 2\n  bands: [{ name: hot, min: 70 }, { name: cold }]');
    expect(t.value?.accounts).toMatchObject({ score: 'top_mean', top: 3, minLeads: 2, bands: [{ name: 'hot', min: 70 }, { name: 'cold' }] });
  });
});
