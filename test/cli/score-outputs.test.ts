// score's optional outputs: accounts.csv with the account columns, and --format.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { leadscore, readCsv, tempDir } from '../helpers/cli.js';
import { BANK_FULL } from '../helpers/data.js';

const SAMPLE = ['-l', 'samples/leads.csv', '-a', 'samples/activities.csv', '--as-of', '2026-11-01', '-q'];

describe('accounts', () => {
  const out = tempDir();
  const r = leadscore(['score', '-m', 'models/b2b-accounts.yaml', ...SAMPLE, '-o', out]);

  it('writes accounts.csv, ranked, with lead count, best lead and band', () => {
    expect(r.code, r.stderr).toBe(0);
    const rows = readCsv(join(out, 'accounts.csv'));
    expect(Object.keys(rows[0]!)).toEqual(['rank', 'account', 'account_score', 'band', 'leads', 'best_lead', 'best_lead_score', 'account_fit', 'interest_events', 'interest_buying']);
    // (85 + 75 + 15.98) / 3 + 10 account fit, as computed by hand in docs/model.md
    expect(rows[0]).toMatchObject({ rank: '1', account: 'mapleworks.nl', account_score: '68.66', band: 'hot', leads: '3', best_lead: 'L00374' });
    rows.forEach((x, i) => {
      expect(Number(x.rank)).toBe(i + 1);
      if (i > 0) expect(Number(rows[i - 1]!.account_score)).toBeGreaterThanOrEqual(Number(x.account_score));
      expect(Number(x.leads)).toBeGreaterThanOrEqual(2); // min_leads: 2
    });
  });

  it('scored.csv gains account and account_score; free-mail leads have none', () => {
    const scored = readCsv(join(out, 'scored.csv'));
    const accounts = new Map(readCsv(join(out, 'accounts.csv')).map((a) => [a.account, a]));
    for (const l of scored) {
      if (/@(gmail|yahoo)\.com$/i.test(l.email!.trim())) expect(l.account).toBe('');
      if (l.account) expect(l.account_score).toBe(accounts.get(l.account!)!.account_score);
    }
    const counted = new Map<string, number>();
    for (const l of scored) if (l.account) counted.set(l.account, (counted.get(l.account) ?? 0) + 1);
    for (const [a, n] of counted) expect(String(n)).toBe(accounts.get(a)!.leads);
    const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(s.accounts.accounts).toBe(accounts.size);
    expect(s.accounts.leadsInAccounts).toBe([...counted.values()].reduce((x, y) => x + y, 0));
  });
});

describe('--format', () => {
  it('writes summary.md, summary.json and a self-contained summary.html by default', () => {
    const out = tempDir();
    expect(leadscore(['score', '-m', 'models/b2b-saas.yaml', ...SAMPLE, '-o', out]).code).toBe(0);
    for (const f of ['summary.md', 'summary.json', 'summary.html']) expect(existsSync(join(out, f)), f).toBe(true);
    const html = readFileSync(join(out, 'summary.html'), 'utf8');
    expect(html).toContain('<svg');
    expect(html).not.toMatch(/<script|https?:\/\//);
  });

  it('--format md writes only the Markdown report; an unknown format is a usage error', () => {
    const out = tempDir();
    expect(leadscore(['score', '-m', 'models/b2b-saas.yaml', ...SAMPLE, '-o', out, '--format', 'md']).code).toBe(0);
    expect(existsSync(join(out, 'summary.md'))).toBe(true);
    expect(existsSync(join(out, 'summary.json'))).toBe(false);
    expect(existsSync(join(out, 'summary.html'))).toBe(false);
    expect(leadscore(['score', '-m', 'models/b2b-saas.yaml', ...SAMPLE, '-o', tempDir(), '--format', 'pdf']).code).toBe(2);
  });

  it('evaluate writes evaluation.html beside evaluation.md and .json', () => {
    const out = tempDir();
    const r = leadscore(['evaluate', '-m', 'models/bank-marketing.yaml', '-l', BANK_FULL, '--outcome', 'y', '-o', out, '-q', '--bootstrap', '20']);
    expect(r.code, r.stderr).toBe(0);
    for (const f of ['evaluation.md', 'evaluation.json', 'evaluation.html']) expect(existsSync(join(out, f)), f).toBe(true);
  });
});

describe('bot filter', () => {
  it('drops scanner bursts and clicks, reports them, and keeps every activity accounted for', () => {
    const out = tempDir();
    const r = leadscore(['score', '-m', 'models/email-engagement.yaml', '-l', 'samples/email/leads.csv', '-a', 'samples/email/activities.csv', '--as-of', '2026-11-01', '-q', '-o', out]);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    const bf = s.data_quality.bot_filter;
    expect(bf.burst).toBeGreaterThan(0);
    expect(bf.scanner_click).toBeGreaterThan(0);
    expect(bf.unsorted).toBe(0);
    const c = s.counts;
    const ignored = c.activities_ignored;
    expect(ignored.bot_filter).toBe(bf.burst + bf.scanner_click);
    expect(c.activities_read).toBe(c.activities_used + ignored.after_as_of + ignored.outside_window + ignored.orphan + ignored.bot_filter + c.activities_rejected);
    // without the filter, the scanned companies' leads would collect click points
    const scored = readCsv(join(out, 'scored.csv'));
    const adatum = scored.filter((x) => x.email!.endsWith('@adatum.net'));
    expect(adatum.length).toBeGreaterThan(0);
    for (const x of adatum) expect(x.reasons).not.toMatch(/email_click \+(2[0-9]|30)/);
    expect(readFileSync(join(out, 'summary.md'), 'utf8')).toContain('dropped by bot_filter');
  });
});
