// Golden outputs: every output of score, explain, evaluate, train and init on the bundled samples and on
// a generated job is byte-identical to the committed snapshot (sha256 per file). Only what changes from
// run to run is masked: the run record's start time, duration and command line, and the temporary
// folder's path. A refactor must keep this green; a change of output that an issue asks for updates the
// snapshot on purpose (`npx vitest run test/e2e/golden.test.ts -u`) and says why in its commit.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { leadscore, ROOT, tempDir } from '../helpers/cli.js';
import { BANK_FULL, gunzipText } from '../helpers/data.js';

const AS_OF = '2026-11-01';

/** The volatile parts of an output, masked: start time, duration, command line, the day of training, temporary paths. */
function normalise(text: string, dir: string): string {
  let t = text.split(dir).join('<dir>');
  if (t.startsWith('{') || t.startsWith('[')) {
    try {
      const strip = (v: unknown): unknown => {
        if (Array.isArray(v)) return v.map(strip);
        if (v && typeof v === 'object') {
          const o: Record<string, unknown> = {};
          for (const [k, x] of Object.entries(v)) if (!['started_at', 'duration_ms', 'command', 'seconds'].includes(k)) o[k] = strip(x);
          return o;
        }
        return v;
      };
      return JSON.stringify(strip(JSON.parse(t)), null, 2);
    } catch {
      // not JSON after all: masked as text below
    }
  }
  t = t.replace(/"(started_at|duration_ms|command)":\s*("(?:[^"\\]|\\.)*"|[\d.]+)/g, '"$1":"<masked>"');
  t = t.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, (m) => (m.startsWith(AS_OF) ? m : '<time>'));
  t = t.replace(/\b\d+(\.\d+)? ?(ms|s)\b/g, '<duration>');
  t = t.replace(/(Trained by leadscore \S+ on )\d{4}-\d\d-\d\d/g, '$1<date>');
  t = t.replace(/^.*(leadscore (score|evaluate|train|init|explain) |[Cc]ommand).*$/gm, '<command>');
  return t;
}

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

/** sha256 of every file of a folder (and its subfolders), normalised. */
function hashes(out: string, dir: string, prefix: string, into: Record<string, string>): void {
  for (const name of readdirSync(out, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (name.name.startsWith('.')) continue; // OUTDIR/.leadscore: the run folders behind the output links
    const p = join(out, name.name);
    if (name.isDirectory()) hashes(p, dir, `${prefix}${name.name}/`, into);
    else into[`${prefix}${name.name}`] = sha(normalise(readFileSync(p, 'utf8'), dir));
  }
}

function run(args: string[], cwd?: string): string {
  const r = leadscore(args, cwd ? { cwd } : {});
  expect(r.code, `${args.join(' ')}\n${r.stderr}`).toBe(0);
  return r.stdout;
}

const SAMPLES: [string, string, string, string[]][] = [
  ['b2b-saas', 'models/b2b-saas.yaml', 'samples/leads.csv', ['samples/activities.csv']],
  ['b2b-segments', 'models/b2b-segments.yaml', 'samples/leads.csv', ['samples/activities.csv']],
  ['b2b-accounts', 'models/b2b-accounts.yaml', 'samples/leads.csv', ['samples/activities.csv']],
  ['product-led-trial', 'models/product-led-trial.yaml', 'samples/product-led-trial/leads.csv', ['samples/product-led-trial/activities.csv']],
  ['bant-services', 'models/bant-services.yaml', 'samples/bant-services/leads.csv', ['samples/bant-services/activities.csv']],
  ['email-engagement', 'models/email-engagement.yaml', 'samples/email/leads.csv', ['samples/email/activities.csv']],
];

// each case runs several commands: generous time on a loaded machine (timings are never asserted)
describe('golden outputs (byte-identical to the snapshot)', { timeout: 600_000 }, () => {
  for (const [name, model, leads, acts] of SAMPLES) {
    it(`${name}: score, explain`, () => {
      const dir = tempDir('leadscore-golden-');
      const got: Record<string, string> = {};
      const common = ['-m', model, '-l', leads, ...acts.flatMap((a) => ['-a', a])];
      const out = join(dir, 'out');
      got['score --json (stdout)'] = sha(normalise(run(['score', ...common, '-o', out, '--as-of', AS_OF, '--format', 'md,json', '--json']), dir));
      hashes(out, dir, 'score/', got);
      const ids = readFileSync(join(out, 'scored.csv'), 'utf8').split('\n').slice(1, 41).filter(Boolean).map((l) => l.split(',')[0]!);
      const lead = ids.flatMap((id) => ['--lead', id]);
      got['explain --json'] = sha(normalise(run(['explain', ...common, '--as-of', AS_OF, '--json', ...lead]), dir));
      got['explain (text)'] = sha(normalise(run(['explain', ...common, '--as-of', AS_OF, ...lead.slice(0, 10)]), dir));
      expect(got).toMatchSnapshot();
    });
  }

  it('b2b-saas: --previous and summary.html', () => {
    const dir = tempDir('leadscore-golden-');
    const got: Record<string, string> = {};
    const common = ['-m', 'models/b2b-saas.yaml', '-l', 'samples/leads.csv', '-a', 'samples/activities.csv', '-q'];
    run(['score', ...common, '-o', join(dir, 'before'), '--as-of', '2026-09-15', '--format', 'md,json,html']);
    hashes(join(dir, 'before'), dir, 'before/', got);
    run(['score', ...common, '-o', join(dir, 'after'), '--as-of', AS_OF, '--previous', join(dir, 'before', 'scored.csv'), '--format', 'md,json']);
    hashes(join(dir, 'after'), dir, 'after/', got);
    expect(got).toMatchSnapshot();
  });

  it('a generated job (bench/generate.mjs): score, explain', () => {
    const dir = tempDir('leadscore-golden-');
    const g = spawnSync(process.execPath, [join(ROOT, 'bench/generate.mjs'), '--leads', '3000', '--activities', '30000', '--seed', '14', '--out', join(dir, 'job')], { encoding: 'utf8' });
    expect(g.status, g.stderr).toBe(0);
    const got: Record<string, string> = {};
    const common = ['-m', 'models/b2b-saas.yaml', '-l', join(dir, 'job/leads.csv'), '-a', join(dir, 'job/activities.csv'), '--as-of', AS_OF];
    run(['score', ...common, '-o', join(dir, 'out'), '--format', 'md,json', '-q']);
    hashes(join(dir, 'out'), dir, 'score/', got);
    const ids = readFileSync(join(dir, 'out', 'scored.csv'), 'utf8').split('\n').slice(1, 31).filter(Boolean).map((l) => l.split(',')[0]!);
    got['explain --json'] = sha(normalise(run(['explain', ...common, '--json', ...ids.flatMap((id) => ['--lead', id])]), dir));
    expect(got).toMatchSnapshot();
  });

  it('bank marketing: train, evaluate (with --compare), score of the trained model', () => {
    const dir = tempDir('leadscore-golden-');
    const slice = join(dir, 'bank.csv');
    writeFileSync(slice, gunzipText(BANK_FULL).split('\n').slice(0, 2501).join('\n') + '\n');
    const got: Record<string, string> = {};
    const model = join(dir, 'trained.yaml');
    got['train --json (stdout)'] = sha(normalise(run(['train', '-l', slice, '--outcome', 'y', '--exclude', 'duration', '--null-values', ',NA,N/A,null,unknown', '-o', model, '--write-split', join(dir, 'split.csv'), '--json']), dir));
    got['trained.yaml'] = sha(normalise(readFileSync(model, 'utf8'), dir));
    // the model's header names the temporary folder and the day: a fixed copy keeps the model's sha256 stable
    const fixed = join(dir, 'fixed.yaml');
    writeFileSync(fixed, readFileSync(model, 'utf8').split(dir).join('<dir>').replace(/(Trained by leadscore \S+ on )\d{4}-\d\d-\d\d/, '$1<date>'));
    got['split.csv'] = sha(readFileSync(join(dir, 'split.csv'), 'utf8'));
    got['train --as-points'] = sha(normalise(run(['train', '-l', slice, '--outcome', 'y', '--exclude', 'duration', '--as-points', '-o', '-', '-q']), dir));
    run(['evaluate', '-m', 'models/bank-marketing.yaml', '--compare', fixed, '-l', slice, '--outcome', 'y', '-o', join(dir, 'eval'), '--bootstrap', '20', '--as-of', AS_OF, '-q']);
    hashes(join(dir, 'eval'), dir, 'evaluate/', got);
    got['evaluate --json'] = sha(normalise(run(['evaluate', '-m', fixed, '-l', slice, '--outcome', 'y', '--bootstrap', '20', '--as-of', AS_OF, '--json']), dir));
    run(['score', '-m', fixed, '-l', slice, '-o', join(dir, 'scored'), '--format', 'md,json', '--as-of', AS_OF, '-q']);
    hashes(join(dir, 'scored'), dir, 'score/', got);
    expect(got).toMatchSnapshot();
  });

  it('samples: train with activity features, init', () => {
    const dir = tempDir('leadscore-golden-');
    // an outcome column derived from the lead's own cells, so the activity features are candidates only
    const lines = readFileSync(join(ROOT, 'samples/leads.csv'), 'utf8').split('\n').filter(Boolean);
    const out = [lines[0] + ',converted', ...lines.slice(1).map((l, i) => `${l},${/IT|Finance/i.test(l) || i % 7 === 0 ? 'yes' : 'no'}`)];
    const leads = join(dir, 'leads.csv');
    writeFileSync(leads, out.join('\n') + '\n');
    const got: Record<string, string> = {};
    got['train -a'] = sha(normalise(run(['train', '-l', leads, '-a', 'samples/activities.csv', '--as-of', AS_OF, '--outcome', 'converted', '--holdout', '0.3', '-o', '-', '-q']), dir));
    got['train -a --json'] = sha(normalise(run(['train', '-l', leads, '-a', 'samples/activities.csv', '--as-of', AS_OF, '--outcome', 'converted', '--features', 'activity.count,activity.count_30d,activity.days_since_last,department', '-o', join(dir, 'm.yaml'), '--json']), dir));
    got['m.yaml'] = sha(normalise(readFileSync(join(dir, 'm.yaml'), 'utf8'), dir));
    got['init'] = sha(normalise(run(['init', '-l', 'samples/leads.csv', '-a', 'samples/activities.csv', '-q']), dir));
    got['init plg'] = sha(normalise(run(['init', '-l', 'samples/product-led-trial/leads.csv', '-a', 'samples/product-led-trial/activities.csv', '-q']), dir));
    expect(got).toMatchSnapshot();
  });
});
