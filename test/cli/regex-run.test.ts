// Issue 16 item 4, end to end: cells that made `score` run for minutes (catastrophic backtracking in the
// old engine; the signal handler could not even run) are scored at once, with the right points.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { leadscore, readCsv, tempDir } from '../helpers/cli.js';

describe('score with hostile regular expressions', () => {
  it('scores 200k-space and ab…ab! cells against \\s+$, ^(ab|a|b)+$ and (.*a){30} without hanging', () => {
    const dir = tempDir('ls-regex-');
    const model = join(dir, 'm.yaml');
    writeFileSync(
      model,
      `version: 1
name: hostile
input:
  leads: { id: lead_id }
fit:
  rules:
    - { id: trailing_space, if: { field: note, matches: '\\s+$' }, points: 10 }
    - { id: ab, if: { field: note, matches: '^(ab|a|b)+$' }, points: 20 }
    - { id: thirty_a, if: { field: note, matches: '(.*a){30}' }, points: 40 }
bands:
  - { name: all }
`,
    );
    const leads = join(dir, 'leads.csv');
    writeFileSync(leads, `lead_id,note\n1,"${' '.repeat(200_000)}x"\n2,${'ab'.repeat(30)}!\n3,${'ab'.repeat(30)}\n4,${'a'.repeat(30)}\n5,${'x'.repeat(3000)}\n`);
    const v = leadscore(['validate', model]);
    expect(v.code, v.stderr).toBe(0);
    const out = join(dir, 'out');
    const r = leadscore(['score', '-m', model, '-l', leads, '-o', out, '--as-of', '2026-11-01', '-q']);
    expect(r.code, r.stderr).toBe(0);
    const score = Object.fromEntries(readCsv(join(out, 'scored.csv')).map((row) => [row.lead_id, row.score]));
    expect(score).toEqual({ '1': '0.00', '2': '40.00', '3': '60.00', '4': '60.00', '5': '0.00' }); // cells are trimmed: lead 1 has no trailing space
  }, 60_000);
});
