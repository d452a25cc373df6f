// A real run of bin/leadscore on a generated input large enough to take a while, killed half-way:
// OUTDIR already holds yesterday's outputs, and after the kill they are byte-identical. With SIGTERM the
// run removes its run folder (OUTDIR/.leadscore/runs/<pid>-<random>) and exits 143; SIGKILL cannot be
// caught, so its run folder stays behind until a later run removes it; that run succeeds and replaces
// the outputs as usual.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, leadscore, ROOT, tempDir } from '../helpers/cli.js';

const MODEL = join(ROOT, 'test/fixtures/messy/model.yaml');
const SMALL = join(ROOT, 'test/fixtures/messy/leads-l123.csv');
const N_LEADS = 40_000;
const N_ACTIVITIES = 200_000;

let dir: string;
let leads: string;
let activities: string;

beforeAll(() => {
  dir = tempDir('leadscore-kill-');
  leads = join(dir, 'leads.csv');
  activities = join(dir, 'activities.csv');
  const l = ['lead_id,name,department,employees\n'];
  for (let i = 0; i < N_LEADS; i++) l.push(`L${i},Name ${i},${i % 3 ? 'IT' : 'Finance'},${(i * 37) % 5000}\n`);
  writeFileSync(leads, l.join(''));
  const a = ['lead_id,activity_type,occurred_at\n'];
  for (let i = 0; i < N_ACTIVITIES; i++) {
    a.push(`L${(i * 7919) % N_LEADS},${i % 5 ? 'email_open' : 'demo_request'},2026-10-${String(1 + (i % 28)).padStart(2, '0')}T10:00:00Z\n`);
  }
  writeFileSync(activities, a.join(''));
});

/** Yesterday's outputs: a small successful run into a fresh OUTDIR. */
function yesterday(): string {
  const out = join(tempDir('leadscore-kill-out-'), 'out');
  const r = leadscore(['score', '-m', MODEL, '-l', SMALL, '-o', out, '--as-of', '2026-11-01', '-q']);
  expect(r.code).toBe(0);
  return out;
}

/** Every output a reader sees in OUTDIR (the hidden .leadscore folder left out), with its bytes. */
function finals(out: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(out)
      .filter((f) => !f.startsWith('.'))
      .sort()
      .map((f) => [f, readFileSync(join(out, f)).toString('base64')]),
  );
}
/** Run folders other than the published one (`<run>/`), and the files in them (`<run>/<file>`). */
function temporaries(out: string): string[] {
  const runs = join(out, '.leadscore', 'runs');
  if (!existsSync(runs)) return [];
  const current = basename(readlinkSync(join(out, '.leadscore', 'current')));
  return readdirSync(runs)
    .filter((r) => r !== current)
    .flatMap((r) => {
      try {
        return [`${r}/`, ...readdirSync(join(runs, r)).map((f) => `${r}/${f}`)];
      } catch {
        return []; // removed meanwhile
      }
    });
}

/** Start the big run into `out`; send `signal` as soon as `ready(temporaries)` holds. */
async function killWhen(out: string, signal: NodeJS.Signals, ready: (tmps: string[]) => boolean) {
  const child = spawn(process.execPath, [BIN, 'score', '-m', MODEL, '-l', leads, '-a', activities, '-o', out, '--as-of', '2026-11-01', '-q'], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => child.on('exit', (code, sig) => res({ code, signal: sig })));
  let exited = false;
  void exit.then(() => (exited = true));
  let seen: string[] = [];
  while (!exited) {
    seen = temporaries(out);
    if (ready(seen)) {
      child.kill(signal);
      break;
    }
    await sleep(2);
  }
  const result = await exit;
  return { ...result, stderr, seenAtKill: seen };
}

describe('a run killed half-way leaves the previous OUTDIR byte-identical', () => {
  it('SIGTERM while reading: previous outputs untouched, temporaries removed, exit 143', async () => {
    const out = yesterday();
    const before = finals(out);
    const r = await killWhen(out, 'SIGTERM', (t) => t.length > 0);
    expect(r.seenAtKill.length).toBeGreaterThan(0); // killed while the run was going
    expect(r.code).toBe(143);
    expect(r.stderr).toBe('');
    expect(finals(out)).toEqual(before);
    expect(temporaries(out)).toEqual([]);
  }, 120_000);

  it('SIGKILL while reading: previous outputs untouched', async () => {
    const out = yesterday();
    const before = finals(out);
    const r = await killWhen(out, 'SIGKILL', (t) => t.length > 0);
    expect(r.signal).toBe('SIGKILL');
    expect(finals(out)).toEqual(before);
  }, 120_000);

  it('SIGKILL while writing scored.csv: previous outputs untouched; a later run ignores the stale temporaries', async () => {
    const out = yesterday();
    const before = finals(out);
    const r = await killWhen(out, 'SIGKILL', (t) => t.some((f) => f.endsWith('/scored.csv')));
    expect(r.signal).toBe('SIGKILL');
    expect(r.seenAtKill.some((f) => f.endsWith('/scored.csv'))).toBe(true);
    expect(finals(out)).toEqual(before);
    // SIGKILL cannot be handled: what the run had written stays in its temporaries, never in the outputs
    const stale = temporaries(out);
    expect(stale.length).toBeGreaterThan(0);

    // the next night's run succeeds and replaces the outputs; stale temporaries are not mistaken for outputs
    const again = leadscore(['score', '-m', MODEL, '-l', leads, '-o', out, '--as-of', '2026-11-01', '-q']);
    expect(again.code).toBe(0);
    const after = finals(out);
    expect(Object.keys(after)).toEqual(Object.keys(before));
    expect(readFileSync(join(out, 'scored.csv'), 'utf8').split('\n').length).toBe(N_LEADS + 2); // header + rows + final newline
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).counts.leads_read).toBe(N_LEADS);
    expect(temporaries(out)).toEqual([]); // the killed run's folder is removed by the next run
  }, 120_000);
});
