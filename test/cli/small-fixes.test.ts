// Issue 16, "also seen, smaller": usage errors that were accepted or misreported, and terminal output
// that carried control characters from a CSV header.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { leadscore, ROOT, tempDir } from '../helpers/cli.js';

const M = 'models/b2b-saas.yaml';

describe('smaller adversarial findings', () => {
  it('--handoff-band without --previous is a usage error (exit 2, LS114)', () => {
    const r = leadscore(['score', '-m', M, '-l', 'samples/leads.csv', '-o', join(tempDir(), 'out'), '--handoff-band', 'nope']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--handoff-band');
  });

  it('-l - -a - is a usage error (exit 2), not "stdin: empty" (exit 3)', () => {
    const r = leadscore(['score', '-m', M, '-l', '-', '-a', '-', '-o', join(tempDir(), 'out')], { input: 'lead_id\nL1\n' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('stdin');
  });

  it('a run warning naming a file whose name has an escape sequence reaches the terminal escaped (score, LS161)', () => {
    const dir = tempDir();
    const day = join(dir, 'day\u001b[31m.csv'); // a day file of the event log without the referrer column
    writeFileSync(day, readFileSync(join(ROOT, 'samples/events/raw/events_2026-10-31.csv')));
    const r = leadscore(['score', '-m', 'models/web-events.yaml', '-a', day, '-o', join(dir, 'out'), '--as-of', '2026-11-01', '-q']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('LS161');
    expect(r.stderr).not.toContain('\u001b');
    expect(r.stderr).toContain('day\\x1b[31m.csv');
  });

  it('a header with an escape sequence reaches the terminal escaped (the LS110 hint)', () => {
    const p = join(tempDir(), 'leads.csv');
    writeFileSync(p, 'lead\u001b[31mid,name\nL1,Ana\n');
    const r = leadscore(['score', '-m', M, '-l', p, '-o', join(tempDir(), 'out')]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('LS110');
    expect(r.stderr).not.toContain('\u001b');
    expect(r.stderr).toContain('\\x1b[31m');
  });

  it('UTF-16 without a BOM prints no NUL byte to stderr', () => {
    const p = join(tempDir(), 'leads.csv');
    writeFileSync(p, Buffer.from('lead_id,name\nL1,Ana\n', 'utf16le'));
    const r = leadscore(['score', '-m', M, '-l', p, '-o', join(tempDir(), 'out')]);
    expect(r.code).toBe(3);
    expect(r.stderr).not.toContain('\u0000');
    expect(r.stderr).toContain('\\x00');
  });

  it('the first evaluate --help example (the one to copy and run) names files a fresh clone has', () => {
    const r = leadscore(['evaluate', '--help']);
    // later examples show the shape of a command with placeholder names (model.yaml, mqls.csv)
    const first = /\$ leadscore evaluate -m (\S+) -l (\S+)/.exec(r.stdout);
    const paths = first ? [first[1]!, first[2]!] : [];
    expect(paths).toHaveLength(2);
    for (const p of paths) expect(existsSync(join(ROOT, p)), p).toBe(true);
  });
});
