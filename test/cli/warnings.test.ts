// Run warnings (LS171–LS176): a run that succeeded but is quietly useless says so on stderr (even with
// -q), in summary.json (`warnings`), summary.md and summary.html; exit 0 unless --strict (exit 3, the
// previous outputs untouched). And --as-of latest: as-of is the newest activity timestamp of the inputs.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { leadscore, tempDir } from '../helpers/cli.js';
// @ts-expect-error: a plain ESM generator without type declarations
import { generate } from '../fixtures/crm-export/generate.mjs';

interface Warning { code: string; message: string; hint: string; [k: string]: unknown }
interface Summary { as_of: string; warnings?: Warning[]; counts: { activities_used: number; activities_read: number; scored: number } }
const summary = (dir: string) => JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as Summary;
const codes = (s: Summary) => (s.warnings ?? []).map((w) => w.code);
const warning = (s: Summary, code: string) => (s.warnings ?? []).find((x) => x.code === code)!;

describe('an export from last March, scored without --as-of', () => {
  const dir = tempDir();
  // activities in the 120 days before 2026-03-15; the model's window is 90 days: as of now, none counts
  const facts = generate({ out: dir, leads: 300, seed: 5, exportDate: '2026-03-15' }) as { newestActivity: string };
  const args = ['-m', join(dir, 'model.yaml'), '-l', join(dir, 'mqls.csv'), '-a', join(dir, 'activities.csv')];
  const out = join(dir, 'now');
  const r = leadscore(['score', ...args, '-o', out, '-q', '--as-of', '2026-12-01']);

  it('LS171 names the newest activity and suggests --as-of; exit 0; on stderr even with -q', () => {
    expect(r.code).toBe(0);
    const s = summary(out);
    expect(s.counts.activities_used).toBe(0);
    const w = warning(s, 'LS171');
    expect(w).toBeDefined();
    expect(w.newest_activity).toBe(facts.newestActivity);
    expect(w.message).toContain(facts.newestActivity);
    expect(w.hint).toContain('--as-of');
    expect(r.stderr).toMatch(/warning LS171 none of the \d+ activities is counted/);
    expect(r.stderr).toContain(`--as-of ${facts.newestActivity}`);
    // and the run's other symptoms: the engagement rules fire for nobody, the top band is empty
    expect(codes(s)).toEqual(expect.arrayContaining(['LS172', 'LS173']));
    expect(readFileSync(join(out, 'summary.md'), 'utf8')).toMatch(/## Warnings[\s\S]*- LS171: none of/);
    expect(readFileSync(join(out, 'summary.html'), 'utf8')).toMatch(/id="warnings"[\s\S]*LS171/);
  });

  it('--strict makes a run warning exit 3, and the previous outputs stay', () => {
    const before = readFileSync(join(out, 'scored.csv'), 'utf8');
    const s = leadscore(['score', ...args, '-o', out, '-q', '--as-of', '2026-12-02', '--strict']);
    expect(s.code).toBe(3);
    expect(s.stderr).toMatch(/error LS171/);
    expect(readFileSync(join(out, 'scored.csv'), 'utf8')).toBe(before);
    expect(summary(out).as_of).toBe('2026-12-01T00:00:00.000Z');
    const fresh = join(dir, 'strict-fresh');
    expect(leadscore(['score', ...args, '-o', fresh, '-q', '--as-of', '2026-12-02', '--strict']).code).toBe(3);
    expect(existsSync(join(fresh, 'scored.csv'))).toBe(false);
  });

  it('--as-of latest: as-of is the newest activity, the activities count, no LS171; the same as giving that time', () => {
    const a = join(dir, 'latest');
    const l = leadscore(['score', ...args, '-o', a, '-q', '--as-of', 'latest']);
    expect(l.code, l.stderr).toBe(0);
    const s = summary(a);
    expect(s.as_of).toBe(new Date(facts.newestActivity).toISOString());
    expect(s.counts.activities_used).toBeGreaterThan(0);
    expect(codes(s)).not.toContain('LS171');
    const b = join(dir, 'explicit');
    expect(leadscore(['score', ...args, '-o', b, '-q', '--as-of', facts.newestActivity]).code).toBe(0);
    expect(readFileSync(join(a, 'scored.csv'), 'utf8')).toBe(readFileSync(join(b, 'scored.csv'), 'utf8'));
    // explain and evaluate take it too
    const e = leadscore(['explain', ...args, '--as-of', 'latest', '--lead', readFileSync(join(dir, 'mqls.csv'), 'utf8').split('\n')[1]!.split(',')[0]!, '--json']);
    expect(e.code, e.stderr).toBe(0);
    expect(JSON.parse(e.stdout)[0].as_of).toBe(s.as_of);
  });

  it('train --as-of latest: as-of is the newest activity (in --json and the model header); the same model as giving that time', () => {
    const train = (asOf: string, out: string) => leadscore(['train', '-l', join(dir, 'mqls.csv'), '--outcomes', join(dir, 'closed-deals.csv'), '--outcomes-id', 'mql_id',
      '-a', join(dir, 'activities.csv'), '--as-of', asOf, '--features', 'job_title,activity.count,activity.count_30d', '-o', out, '--json']);
    const latest = train('latest', join(dir, 'latest.yaml'));
    expect(latest.code, latest.stderr).toBe(0);
    const trained = JSON.parse(latest.stdout) as { as_of: string; features: string[]; holdout_auc: number };
    expect(trained.as_of).toBe(new Date(facts.newestActivity).toISOString());
    expect(trained.features).toContain('activity.count_30d');
    const yaml = readFileSync(join(dir, 'latest.yaml'), 'utf8');
    expect(yaml).toMatch(new RegExp(`^# activities as of ${facts.newestActivity} \\(--as-of latest: the newest activity\\)$`, 'm'));
    const explicit = train(facts.newestActivity, join(dir, 'explicit.yaml'));
    expect(explicit.code, explicit.stderr).toBe(0);
    const body = (f: string) => readFileSync(join(dir, f), 'utf8').split('\n').filter((l) => !l.startsWith('#')).join('\n');
    expect(body('latest.yaml')).toBe(body('explicit.yaml'));
    expect(JSON.parse(explicit.stdout).holdout_auc).toBe(trained.holdout_auc);
    // as of now (no --as-of) the 30-day counts see nothing: a different model
    const now = train('2026-12-01', join(dir, 'now.yaml'));
    expect(now.code, now.stderr).toBe(0);
    expect(body('now.yaml')).not.toBe(body('latest.yaml'));
  });

  it('--as-of latest without activity files is a usage error (LS177); without readable timestamps exit 3 (LS178)', () => {
    const t = leadscore(['train', '-l', join(dir, 'mqls.csv'), '--outcomes', join(dir, 'closed-deals.csv'), '--outcomes-id', 'mql_id', '--as-of', 'latest', '-o', join(dir, 'x.yaml')]);
    expect(t.code).toBe(2);
    expect(t.stderr).toContain('LS177');
    const n = leadscore(['score', '-m', join(dir, 'model.yaml'), '-l', join(dir, 'mqls.csv'), '-o', join(dir, 'x'), '--as-of', 'latest']);
    expect(n.code).toBe(2);
    expect(n.stderr).toContain('LS177');
    const stdin = leadscore(['score', ...args.slice(0, 4), '-a', '-', '-o', join(dir, 'x'), '--as-of', 'latest'], { input: 'mql_id,activity_type,occurred_at\n' });
    expect(stdin.code).toBe(2);
    expect(stdin.stderr).toContain('LS177');
    const bad = join(dir, 'bad-acts.csv');
    writeFileSync(bad, 'mql_id,activity_type,occurred_at,detail\na,email_open,yesterday,\n');
    const none = leadscore(['score', ...args.slice(0, 4), '-a', bad, '-o', join(dir, 'x'), '--as-of', 'latest']);
    expect(none.code).toBe(3);
    expect(none.stderr).toContain('LS178');
    const trainNone = leadscore(['train', '-l', join(dir, 'mqls.csv'), '--outcomes', join(dir, 'closed-deals.csv'), '--outcomes-id', 'mql_id', '-a', bad, '--as-of', 'latest', '-o', join(dir, 'x.yaml')]);
    expect(trainNone.code).toBe(3);
    expect(trainNone.stderr).toContain('LS178');
    expect(existsSync(join(dir, 'x.yaml'))).toBe(false);
  });
});

describe('models and data that cannot spread the leads', () => {
  const dir = tempDir();
  generate({ out: dir, leads: 200, seed: 9, exportDate: '2026-03-15' });
  const leads = ['-l', join(dir, 'mqls.csv')];
  const acts = ['-a', join(dir, 'activities.csv'), '--as-of', '2026-03-15T18:00:00Z'];
  const run = (model: string, extra: string[] = acts) => {
    const m = join(dir, `m${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(m, model);
    const out = join(dir, `o${Math.random().toString(36).slice(2)}`);
    const r = leadscore(['score', '-m', m, ...leads, ...extra, '-o', out, '-q']);
    expect(r.code, r.stderr).toBe(0);
    return { r, s: summary(out) };
  };
  const head = `version: 1\nname: t\ninput:\n  leads: { id: mql_id }\n  activities: { lead_id: mql_id, type: activity_type, timestamp: occurred_at }\n`;

  it('a healthy model on this data has no warning', () => {
    const { r, s } = run(readFileSync(join(dir, 'model.yaml'), 'utf8'));
    expect(s.warnings).toBeUndefined(); // summary.json has `warnings` only when there is one
    expect(r.stderr).toBe('');
  });

  it('LS172: a rule that adds points and fires for no lead', () => {
    const { s } = run(`${head}fit:\n  rules:\n    - { id: astronaut, if: { field: job_title, contains: astronaut }, points: 30 }\n    - { id: big, field: employees, ranges: [ { min: 100, points: 30 }, { min: 0, points: 0 } ] }\n` +
      `engagement:\n  rules:\n    - { id: demo, type: demo_request, points: 30 }\n    - { id: typo, type: webinar_atended, points: 10 }\n    - { id: unsub, type: unsubscribe, points: -20 }\n` +
      `bands: [ { name: hot, min: 40 }, { name: warm, min: 20 }, { name: cold } ]\n`);
    const w = warning(s, 'LS172');
    // negative rules (unsub) are allowed to fire for nobody
    expect(w.rules).toEqual(['astronaut', 'typo']);
  });

  it('LS173 and LS174: a band no lead reaches, 99 % of the leads in one band', () => {
    const { s, r } = run(`${head}fit:\n  rules:\n    - { id: big, field: employees, ranges: [ { min: 100, points: 30 }, { min: 0, points: 0 } ] }\n` +
      `bands: [ { name: SQL, min: 95 }, { name: cold } ]\n`, []);
    expect(codes(s)).toEqual(expect.arrayContaining(['LS173', 'LS174']));
    expect(warning(s, 'LS173').bands).toEqual(['SQL']);
    expect(warning(s, 'LS174').band).toBe('cold');
    expect(r.stderr).toMatch(/warning LS174 100\.0% of the 200 leads are in one band \(cold\)/);
  });

  it('LS175: a fit-only model whose top band is out of reach', () => {
    const { s } = run(`${head}fit:\n  max: 40\n  rules:\n    - { id: c_level, if: { field: job_title, matches: "ceo|cto" }, points: 25 }\n    - { id: big, field: employees, ranges: [ { min: 100, points: 30 }, { min: 0, points: 0 } ] }\n` +
      `bands: [ { name: SQL, min: 80 }, { name: MQL, min: 30 }, { name: cold } ]\n`, []);
    const w = warning(s, 'LS175');
    expect(w).toMatchObject({ band: 'SQL', reachable: 40 });
  });

  it('LS176: no activity belongs to a lead (the ids do not join)', () => {
    const other = join(dir, 'acts-other-ids.csv');
    writeFileSync(other, 'mql_id,activity_type,occurred_at,detail\nzzz1,demo_request,2026-03-01T00:00:00Z,\nzzz2,email_open,2026-03-02T00:00:00Z,\n');
    const { s } = run(readFileSync(join(dir, 'model.yaml'), 'utf8'), ['-a', other, '--as-of', '2026-03-15T18:00:00Z']);
    expect(codes(s)).toContain('LS176');
  });
});

describe('evaluate and explain give the run warnings that apply to them', () => {
  const dir = tempDir();
  const facts = generate({ out: dir, leads: 300, seed: 5, exportDate: '2026-03-15' }) as { newestActivity: string; ids: string[] };
  const args = ['-m', join(dir, 'model.yaml'), '-l', join(dir, 'mqls.csv'), '-a', join(dir, 'activities.csv')];
  const outcomes = ['--outcomes', join(dir, 'closed-deals.csv'), '--outcomes-id', 'mql_id'];
  interface Evaluation { as_of: string; warnings?: Warning[]; outcome: { evaluated: number } }
  const evaluation = (out: string) => JSON.parse(readFileSync(join(out, 'evaluation.json'), 'utf8')) as Evaluation;

  it('evaluate as of now on a March export: LS171 with the newest activity on stderr (even with -q) and in evaluation.json/md/html; exit 0', () => {
    const out = join(dir, 'eval-now');
    const r = leadscore(['evaluate', ...args, ...outcomes, '--as-of', '2026-12-01', '--bootstrap', '0', '-o', out, '-q']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/warning LS171 none of the \d+ activities is counted/);
    expect(r.stderr).toContain(`--as-of ${facts.newestActivity}`);
    const e = evaluation(out);
    const w = e.warnings!.find((x) => x.code === 'LS171')!;
    expect(w.newest_activity).toBe(facts.newestActivity);
    expect(w.hint).toContain('--as-of latest');
    // the engagement rules fire for nobody, and the top band is empty, as in score's summary
    expect(e.warnings!.map((x) => x.code)).toEqual(expect.arrayContaining(['LS171', 'LS172', 'LS173']));
    expect(readFileSync(join(out, 'evaluation.md'), 'utf8')).toMatch(/## Warnings[\s\S]*- LS171: none of/);
    expect(readFileSync(join(out, 'evaluation.html'), 'utf8')).toMatch(/id="warnings"[\s\S]*LS171/);
    // --json prints the same warnings in the evaluation, and on stderr
    const j = leadscore(['evaluate', ...args, ...outcomes, '--as-of', '2026-12-01', '--bootstrap', '0', '--json']);
    expect(j.code).toBe(0);
    expect((JSON.parse(j.stdout) as Evaluation).warnings!.map((x) => x.code)).toContain('LS171');
    expect(j.stderr).toContain('warning LS171');
  });

  it('evaluate --as-of latest counts the activities: no LS171; --strict turns a warning into exit 3 and leaves the previous report', () => {
    const out = join(dir, 'eval-latest');
    const r = leadscore(['evaluate', ...args, ...outcomes, '--as-of', 'latest', '--bootstrap', '0', '-o', out, '-q']);
    expect(r.code, r.stderr).toBe(0);
    expect((evaluation(out).warnings ?? []).map((x) => x.code)).not.toContain('LS171');
    expect(r.stderr).not.toContain('LS171');
    const before = readFileSync(join(out, 'evaluation.json'), 'utf8');
    const s = leadscore(['evaluate', ...args, ...outcomes, '--as-of', '2026-12-01', '--bootstrap', '0', '-o', out, '-q', '--strict']);
    expect(s.code).toBe(3);
    expect(s.stderr).toMatch(/error LS171/);
    expect(readFileSync(join(out, 'evaluation.json'), 'utf8')).toBe(before);
  });

  it('evaluate --compare marks the compared model\'s warnings with its file', () => {
    const fitOnly = join(dir, 'fit-only.yaml');
    writeFileSync(fitOnly, `version: 1\nname: fit-only\ninput:\n  leads: { id: mql_id }\n  activities: { lead_id: mql_id, type: activity_type, timestamp: occurred_at }\n` +
      `fit:\n  rules:\n    - { id: c_level, if: { field: job_title, matches: "ceo|cto|chief" }, points: 25 }\nbands: [ { name: SQL, min: 80 }, { name: cold } ]\n`);
    const r = leadscore(['evaluate', ...args, ...outcomes, '--as-of', 'latest', '--bootstrap', '0', '--compare', fitOnly, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const w = (JSON.parse(r.stdout) as Evaluation).warnings!.find((x) => x.code === 'LS175')!;
    expect(w).toMatchObject({ model: fitOnly, band: 'SQL', reachable: 25 });
    expect(r.stderr).toContain(`${fitOnly}: warning LS175`);
  });

  it('explain as of now: LS171 for the explained lead\'s activities, with its newest one; --as-of latest: none; --strict: exit 3, nothing printed', () => {
    // a lead with an activity in the week before the export (inside the model's 90-day window as of the newest activity)
    const acts = readFileSync(join(dir, 'activities.csv'), 'utf8').split('\n').slice(1).filter(Boolean).map((l) => l.split(','));
    const lead = acts.find((a) => Date.parse(facts.newestActivity) - Date.parse(a[2]!) < 7 * 86_400_000)![0]!;
    const newest = acts.filter((a) => a[0] === lead).map((a) => a[2]!).sort().at(-1)!;
    const r = leadscore(['explain', ...args, '--as-of', '2026-12-01', '--lead', lead]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`warning LS171 none of the \\d+ activities of lead ${lead.replace(/[+=@-]/g, '\\$&')} is counted`));
    expect(r.stderr).toContain(`the newest of them is ${newest}`);
    expect(r.stderr).toContain('hint: explain as of the run you are explaining (the as_of of its summary.json), or give --as-of latest');
    expect(r.stdout).toContain(`lead ${lead}`);
    const l = leadscore(['explain', ...args, '--as-of', 'latest', '--lead', lead]);
    expect(l.code, l.stderr).toBe(0);
    expect(l.stderr).toBe('');
    const s = leadscore(['explain', ...args, '--as-of', '2026-12-01', '--lead', lead, '--strict']);
    expect(s.code).toBe(3);
    expect(s.stderr).toMatch(/error LS171/);
    expect(s.stdout).toBe('');
  });

  it('explain with a fit-only model whose top band is out of reach: LS175', () => {
    const m = join(dir, 'unreachable.yaml');
    writeFileSync(m, `version: 1\nname: t\ninput:\n  leads: { id: mql_id }\nfit:\n  rules:\n    - { id: big, field: employees, ranges: [ { min: 100, points: 30 }, { min: 0, points: 0 } ] }\nbands: [ { name: SQL, min: 80 }, { name: cold } ]\n`);
    const r = leadscore(['explain', '-m', m, '-l', join(dir, 'mqls.csv'), '--lead', facts.ids[0]!, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/warning LS175 the top band SQL \(min 80\) is out of reach: a fit-only model scores at most 30/);
    expect(JSON.parse(r.stdout)[0].lead).toBe(facts.ids[0]);
  });
});
