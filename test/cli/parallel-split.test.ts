// Issue 16 item 3: activity files of 32 MiB or more are read as two byte ranges. The second range used
// to start where quote parity counted from byte 0 said a record starts — wrong after a literal quote in
// an unquoted field (5'11", kept as a character, docs/input.md), so it could start inside a quoted
// multi-line field: one activity lost, a phantom row rejected. Now the first range's reader confirms the
// boundary the second one started at, or reads on to the end itself. Either way the outputs are those of
// a one-thread read, byte for byte, on the reference path (LEADSCORE_REFERENCE=1) and on the fast path
// (whose first range confirms the split or sends the run back to the reference path).
import { createWriteStream, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { leadscore, tempDir } from '../helpers/cli.js';

const TYPES = ['email_open', 'page_view', 'form_submit', 'webinar_attended', 'demo_request'];

/** A ≥ 32 MiB activities file; `bigFieldInMiddle`: one quoted field of 3,000 lines across the middle. */
async function write(path: string, bigFieldInMiddle: boolean): Promise<void> {
  const out = createWriteStream(path);
  const put = (s: string) => (out.write(s) ? undefined : new Promise<void>((r) => out.once('drain', () => r())));
  await put('lead_id,activity_type,occurred_at,detail,channel\n');
  // early: a literal quote inside an unquoted field (one quote: parity from byte 0 is off from here on)
  await put(`L00001,page_view,2026-10-01T10:00:00Z,height 5'11" tall,web\n`);
  const rows = 620_000;
  for (let i = 0; i < rows; i++) {
    if (bigFieldInMiddle && i === rows / 2) {
      const body = Array.from({ length: 3000 }, (_, k) => `line ${k} of a long note`).join('\n');
      await put(`L00002,form_submit,2026-10-02T10:00:00Z,"${body}",web\n`);
    }
    const lead = `L${String(1 + ((i * 7919) % 402)).padStart(5, '0')}`;
    const at = `2026-${String(1 + (i % 10)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}T${String(i % 24).padStart(2, '0')}:00:00Z`;
    let detail = i % 3 === 0 ? '/pricing' : '/blog/post';
    if (i % 50 === 0) detail = `"a note, ""quoted""\nover two lines ${i}"`;
    if (i % 7001 === 0) detail = `size 6'2" ${i}`;
    await put(`${lead},${TYPES[i % TYPES.length]},${i % 9973 === 0 ? 'not-a-date' : at},${detail},web\n`);
  }
  await new Promise<void>((r) => out.end(() => r()));
  expect(statSync(path).size).toBeGreaterThanOrEqual(32 << 20);
}

const FILES = ['scored.csv', 'rejects.csv', 'band-SQL.csv', 'band-cold.csv'];
const strip = (p: string) => {
  const s = JSON.parse(readFileSync(p, 'utf8'));
  delete s.started_at;
  delete s.duration_ms;
  delete s.command;
  return s;
};

/**
 * The one-thread read of the reference path, then the two-range split on both paths: the fast path
 * (fold-range.ts: a record across the split sends the run back to the reference path) and the
 * reference path (activity-tasks.ts, LEADSCORE_REFERENCE=1). Every split run writes the same outputs.
 */
function compare(acts: string): { summary: Record<string, any>; rejects: string; fastStderr: string } {
  const dir = tempDir('ls-split-');
  const args = (out: string) => ['score', '-m', 'models/b2b-saas.yaml', '-l', 'samples/leads.csv', '-a', acts, '-o', out, '--as-of', '2026-11-01', '-q', '--format', 'json'];
  const SPLIT = String(32 << 20);
  const runs = {
    one: { LEADSCORE_REFERENCE: '1', LEADSCORE_PARALLEL_MIN_BYTES: String(1 << 40) },
    fast: { LEADSCORE_PARALLEL_MIN_BYTES: SPLIT, LEADSCORE_PHASES: '1' },
    reference: { LEADSCORE_REFERENCE: '1', LEADSCORE_PARALLEL_MIN_BYTES: SPLIT, LEADSCORE_PHASES: '1' },
  };
  const stderr: Record<string, string> = {};
  for (const [name, env] of Object.entries(runs)) {
    const r = leadscore(args(join(dir, name)), { env });
    expect(r.code, r.stderr).toBe(0);
    stderr[name] = r.stderr;
  }
  expect(stderr.reference).toMatch(/phase path reference/);
  const one = join(dir, 'one');
  for (const split of ['fast', 'reference']) {
    for (const f of FILES) expect(readFileSync(join(dir, split, f), 'utf8') === readFileSync(join(one, f), 'utf8'), `${split}: ${f}`).toBe(true);
    expect(strip(join(dir, split, 'summary.json')), split).toEqual(strip(join(one, 'summary.json')));
  }
  return { summary: strip(join(one, 'summary.json')), rejects: readFileSync(join(one, 'rejects.csv'), 'utf8'), fastStderr: stderr.fast! };
}

describe('the parallel split of a large activity file', () => {
  it('5\'11" literal quotes and quoted multi-line fields: the same outputs as a one-thread read', async () => {
    const acts = join(tempDir('ls-split-in-'), 'activities.csv');
    await write(acts, false);
    const { summary, rejects, fastStderr } = compare(acts);
    expect(fastStderr).toMatch(/phase path fast/); // the split is at a record boundary: the fast path kept it
    expect(fastStderr).not.toMatch(/fast path not taken/);
    expect(summary.counts.activities_read).toBe(620_001);
    expect(summary.counts.activities_rejected).toBe(Math.ceil(620_000 / 9973)); // the not-a-date rows, nothing else
    expect(rejects).not.toContain('unbalanced_quote');
  }, 300_000);

  it('a quoted field of 3,000 lines across the middle: the first reader reads on, the same outputs', async () => {
    const acts = join(tempDir('ls-split-in-'), 'activities.csv');
    await write(acts, true);
    const { summary, fastStderr } = compare(acts);
    // the second range starts inside the field (its rows have the wrong shape) and the first one would end
    // past the split: either way the run goes back to the reference path, which reads the file right
    expect(fastStderr).toMatch(/fast path not taken: .*(range 0 ends at|record shape)/);
    expect(summary.counts.activities_read).toBe(620_002);
  }, 300_000);
});
