// scripts/nightly.sh (docs/operations.md): dated output folders, the previous night as --previous,
// retention of KEEP days after a success only, and leadscore's exit code as its own.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, ROOT, tempDir } from '../helpers/cli.js';

const SCRIPT = join(ROOT, 'scripts/nightly.sh');

function nightly(date: string, root: string, extra: string[] = [], env: Record<string, string> = {}) {
  const r = spawnSync('bash', [SCRIPT, '-m', 'models/b2b-saas.yaml', '-l', 'samples/leads.csv', '-a', 'samples/activities.csv', '-o', root, '--keep', '3', ...extra], {
    cwd: ROOT, encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', LEADSCORE: `${process.execPath} ${BIN}`, NIGHTLY_DATE: date, ...env },
  });
  const events = r.stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, events };
}

const dated = (root: string) => readdirSync(root).filter((n) => /^\d{4}-\d{2}-\d{2}$/.test(n)).sort();

describe('scripts/nightly.sh', () => {
  it('writes a dated folder per night, feeds the previous night as --previous, and keeps KEEP days', () => {
    const root = join(tempDir(), 'out');
    const n1 = nightly('2026-11-01', root);
    expect(n1.code, n1.stderr).toBe(0);
    expect(dated(root)).toEqual(['2026-11-01']);
    const s1 = JSON.parse(readFileSync(join(root, '2026-11-01/summary.json'), 'utf8'));
    expect(s1.as_of).toBe('2026-11-01T00:00:00.000Z'); // NIGHTLY_DATE is the default --as-of
    expect(n1.events.map((e) => e.event)).toContain('done'); // leadscore's JSON log events pass through
    expect(n1.events.some((e) => e.event === 'nightly_previous')).toBe(false); // nothing before the first night

    const n2 = nightly('2026-11-02', root);
    expect(n2.code, n2.stderr).toBe(0);
    expect(dated(root)).toEqual(['2026-11-01', '2026-11-02']);
    const prev = n2.events.find((e) => e.event === 'nightly_previous');
    expect(String(prev?.message)).toContain('2026-11-01/scored.csv');
    const start = n2.events.find((e) => e.event === 'start');
    expect(start?.out).toBe(join(root, '2026-11-02'));
    // with a leadscore that has --previous, night 2's scored.csv compares with night 1
    const help = spawnSync(process.execPath, [BIN, 'score', '--help'], { encoding: 'utf8' }).stdout;
    if (help.includes('--previous')) {
      expect(readFileSync(join(root, '2026-11-02/scored.csv'), 'utf8').split('\n')[0]).toContain('previous_score');
    }
    expect(readdirSync(root)).toContain('latest');

    // a night 4 days later: nights more than KEEP (3) days old are removed
    const n3 = nightly('2026-11-05', root);
    expect(n3.code, n3.stderr).toBe(0);
    expect(dated(root)).toEqual(['2026-11-05']);
    expect(n3.events.filter((e) => e.event === 'nightly_prune')).toHaveLength(2);
  }, 60_000);

  it('exits with leadscore\'s exit code on failure, keeps earlier nights and leaves no empty folder', () => {
    const root = join(tempDir(), 'out');
    const ok = nightly('2026-11-10', root);
    expect(ok.code, ok.stderr).toBe(0);
    const r = spawnSync('bash', [SCRIPT, '-m', 'models/b2b-saas.yaml', '-l', 'samples/missing.csv', '-o', root, '--keep', '1'], {
      cwd: ROOT, encoding: 'utf8', env: { ...process.env, LEADSCORE: `${process.execPath} ${BIN}`, NIGHTLY_DATE: '2026-11-11' },
    });
    expect(r.status).toBe(3);
    expect(existsSync(join(root, '2026-11-11'))).toBe(false);
    expect(existsSync(join(root, '2026-11-10/scored.csv'))).toBe(true); // no pruning after a failure
    const failed = r.stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l)).find((e) => e.event === 'nightly_failed');
    expect(failed?.level).toBe('error');

    const usage = spawnSync('bash', [SCRIPT, '-l', 'samples/leads.csv'], { cwd: ROOT, encoding: 'utf8' });
    expect(usage.status).toBe(2);
  }, 60_000);
});
