// Large activity files are folded by two worker threads over byte ranges. The result must be the same,
// byte for byte, as a one-thread read: same scores, same rejects in the same order, same summary.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { leadscore, tempDir } from '../helpers/cli.js';

function activities(): string {
  // Quoted details with commas, doubled quotes and line breaks all through the file, so that the
  // middle of the file (where the second range starts) falls among them; a few bad rows too.
  const types = ['email_open', 'page_view', 'form_submit', 'webinar_attended', 'demo_request', 'unsubscribe', 'chat_started'];
  const lines = ['lead_id,activity_type,occurred_at,detail,channel'];
  for (let i = 0; i < 6000; i++) {
    const lead = `L${String((i * 7919) % 420).padStart(5, '0')}`;
    const type = types[i % types.length]!;
    const day = 1 + ((i * 31) % 28);
    const at = `2026-${String(1 + (i % 10)).padStart(2, '0')}-${String(day).padStart(2, '0')}T${String(i % 24).padStart(2, '0')}:00:00Z`;
    let detail = i % 3 === 0 ? '/pricing' : '/blog/post';
    if (i % 5 === 0) detail = `"note, with ""quotes""\nand a second line ${i}"`;
    if (i % 997 === 0) lines.push(`${lead},${type},not-a-date,${detail},web`);
    else if (i % 1499 === 0) lines.push(`${lead},${type},${at}`);
    else lines.push(`${lead},${type},${at},${detail},web`);
  }
  return lines.join('\n') + '\n';
}

describe('parallel activity folding', () => {
  it('gives byte-identical outputs to a one-thread read', () => {
    const dir = tempDir();
    const acts = join(dir, 'activities.csv');
    writeFileSync(acts, activities());
    const args = (out: string) => ['score', '-m', 'models/b2b-saas.yaml', '-l', 'samples/leads.csv', '-a', acts, '-a', 'samples/activities.csv', '-o', out, '--as-of', '2026-11-01', '-q'];
    const one = join(dir, 'one');
    const two = join(dir, 'two');
    const r1 = leadscore(args(one), { env: { LEADSCORE_PARALLEL_MIN_BYTES: String(1 << 30) } });
    const r2 = leadscore(args(two), { env: { LEADSCORE_PARALLEL_MIN_BYTES: '0' } });
    expect(r1.code, r1.stderr).toBe(0);
    expect(r2.code, r2.stderr).toBe(0);
    for (const f of ['scored.csv', 'rejects.csv', 'band-SQL.csv', 'band-cold.csv']) {
      expect(readFileSync(join(two, f), 'utf8'), f).toBe(readFileSync(join(one, f), 'utf8'));
    }
    const strip = (p: string) => {
      const s = JSON.parse(readFileSync(p, 'utf8'));
      delete s.started_at;
      delete s.duration_ms;
      delete s.command; // names the output folder
      return s;
    };
    const s = strip(join(two, 'summary.json'));
    expect(s).toEqual(strip(join(one, 'summary.json')));
    expect(s.counts.activities_rejected).toBeGreaterThan(0);
    // the rejected rows carry their real line numbers, also in the second range
    const rejects = readFileSync(join(two, 'rejects.csv'), 'utf8');
    expect(rejects).toMatch(new RegExp(`${acts.replace(/[/.]/g, '\\$&')},\\d{4,},bad_timestamp`));
  });
});
