// The fast path of `score` (issue 18: leads read twice as bytes, activities folded from bytes on worker
// threads, ranked outputs written on two threads) must write the same bytes as the reference path
// (LEADSCORE_REFERENCE=1: one thread, the reader, one string per record), and fall back to it on input
// the byte scanner does not handle.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { leadscore, tempDir } from '../helpers/cli.js';
import { BANK_FULL, gunzipText } from '../helpers/data.js';
// @ts-expect-error plain ESM script without types
import { generate } from '../../bench/generate.mjs';

/** Small sizes still split into two ranges and two writers. */
const FAST = { LEADSCORE_PARALLEL_MIN_BYTES: '0', LEADSCORE_PARALLEL_MIN_LEADS: '0', LEADSCORE_PHASES: '1' };
const REFERENCE = { LEADSCORE_REFERENCE: '1', LEADSCORE_PARALLEL_MIN_BYTES: String(1 << 30), LEADSCORE_PHASES: '1' };

function run(leads: string, activities: string[], out: string, env: Record<string, string>, extra: string[] = [], model = 'models/b2b-saas.yaml') {
  const r = leadscore(['score', '-m', model, '-l', leads, ...activities.flatMap((a) => ['-a', a]), '-o', out, '--as-of', '2026-11-01', '-q', ...extra], { env });
  expect(r.code, r.stderr).toBe(0);
  return r;
}

/** Every output file of two runs, byte for byte (the run's own timing and command line aside). */
function expectSameOutputs(a: string, b: string): void {
  // the visible outputs (links into OUTDIR/.leadscore/current, the published run folder)
  const visible = (dir: string) => readdirSync(dir).filter((n) => !n.startsWith('.')).sort();
  const files = visible(a);
  expect(visible(b)).toEqual(files);
  for (const f of files) {
    if (f === 'summary.html') continue; // the same summary, drawn (its run facts hold the timing)
    let x = readFileSync(join(a, f), 'utf8');
    let y = readFileSync(join(b, f), 'utf8');
    if (f === 'summary.json' || f === 'summary.md') {
      const strip = (s: string) => s.replace(/.*(started_at|duration_ms|"command"|\| started|\| duration|\| command).*\n/g, '');
      x = strip(x);
      y = strip(y);
    }
    expect(y, f).toBe(x);
  }
}

describe('score: fast path', () => {
  let data: string;
  beforeAll(async () => {
    data = tempDir();
    await generate({ leads: 4000, activities: 60_000, out: data, seed: 7, threads: 1 });
  }, 60_000);

  it('writes the same bytes as the reference path on a generated job', () => {
    const dir = tempDir();
    const fast = run(join(data, 'leads.csv'), [join(data, 'activities.csv')], join(dir, 'fast'), FAST);
    expect(fast.stderr).not.toMatch(/fast path not taken/);
    expect(fast.stderr).toMatch(/phase path fast/);
    const ref = run(join(data, 'leads.csv'), [join(data, 'activities.csv')], join(dir, 'ref'), REFERENCE);
    expect(ref.stderr).toMatch(/phase path reference/);
    expectSameOutputs(join(dir, 'ref'), join(dir, 'fast'));
    const summary = JSON.parse(readFileSync(join(dir, 'fast', 'summary.json'), 'utf8'));
    expect(summary.counts.scored).toBeGreaterThan(3900);
    expect(summary.counts.rejected).toBeGreaterThan(0); // duplicate ids, bad e-mails
  });

  it('handles BOM, CRLF, quoted cells, padded ids and bad activity rows like the reader', () => {
    const dir = tempDir();
    const leads = join(dir, 'leads.csv');
    const acts = join(dir, 'acts.csv');
    writeFileSync(
      leads,
      '\ufefflead_id,first_name,last_name,email,job_title,department,employees\r\n' +
        ' 1 ,Ayşe,Şahin,ayse@acme.io,"Director, Finance",Finance,"1,200"\r\n' +
        '2,Test,O\'Brien,test@mailinator.com,CEO,IT,800\r\n' +
        '"3","Jo ""JJ""",Lee,jo@gmail.com,Manager,Select,12\r\n' +
        '2,Dup,Row,dup@x.com,CTO,IT,5\r\n' +
        ',No,Id,noid@x.com,CTO,IT,5\r\n' +
        '\r\n' +
        'x-4,Ana,Ruiz,n/a,=cmd(),IT,50\r\n' +
        // ties (same score and fit) are ranked by id: 9 < 10 among numbers, then text
        ['k95', 'k9', '95', '9', 'k10', '10'].map((id) => `${id},Kim,Ode,kim@ode.io,Analyst,HR,3\r\n`).join(''),
    );
    writeFileSync(
      acts,
      'lead_id,activity_type,occurred_at,detail\r\n' +
        '1,page_view,2026-10-30T10:00:00Z,"/pricing, enterprise"\r\n' +
        '1, page_view ,2026-10-29,/pricing\r\n' +
        '"3","demo_request",2026-10-01T08:00Z,"said ""hi"""\r\n' +
        '3,webinar_attended, 2026-09-01T08:00:00Z ,x\r\n' +
        '2,form_submit,2026-10-31T23:59:59+02:00,\r\n' +
        '2,form_submit,31.10.2026,\r\n' +
        ',form_submit,2026-10-31,\r\n' +
        '2,,2026-10-31,\r\n' +
        '2,email_open,,\r\n' +
        '99,email_open,2026-10-31,\r\n' +
        'x-4,product_login,2026-11-02,\r\n' +
        'x-4,unsubscribe,2025-01-01,\r\n',
    );
    const fast = run(leads, [acts], join(dir, 'fast'), FAST);
    expect(fast.stderr).not.toMatch(/fast path not taken/);
    run(leads, [acts], join(dir, 'ref'), REFERENCE);
    expectSameOutputs(join(dir, 'ref'), join(dir, 'fast'));
    const rejects = readFileSync(join(dir, 'fast', 'rejects.csv'), 'utf8');
    for (const reason of ['duplicate_id', 'missing_id', 'bad_timestamp', 'missing_lead_id', 'missing_type', 'missing_timestamp']) expect(rejects).toContain(reason);
  });

  it('ranks ties of numeric ids written differently (7, 07) like the reference path', () => {
    const dir = tempDir();
    const leads = join(dir, 'leads.csv');
    writeFileSync(leads, 'lead_id,first_name,email\n' + ['07', '7', '10', '007', '9', '010'].map((id) => `${id},Al,al@x.io\n`).join(''));
    const acts = join(dir, 'acts.csv');
    writeFileSync(acts, 'lead_id,activity_type,occurred_at\n7,form_submit,2026-10-01\n');
    const fast = run(leads, [acts], join(dir, 'fast'), FAST);
    expect(fast.stderr).toMatch(/phase path fast/);
    run(leads, [acts], join(dir, 'ref'), REFERENCE);
    expectSameOutputs(join(dir, 'ref'), join(dir, 'fast'));
  });

  it('goes back to the reference path on rows only the reader handles, with the same outputs', () => {
    const dir = tempDir();
    const acts = join(dir, 'acts.csv');
    // a row with a missing field and a quoted field followed by text: the reader rejects or repairs them
    writeFileSync(acts, 'lead_id,activity_type,occurred_at,detail\n1,page_view,2026-10-30,/pricing\n2,email_open,2026-10-30\n3,page_view,2026-10-30,"/pri"cing\n');
    const leads = join(data, 'leads.csv');
    const fast = run(leads, [acts], join(dir, 'fast'), FAST);
    expect(fast.stderr).toMatch(/fast path not taken/);
    run(leads, [acts], join(dir, 'ref'), REFERENCE);
    expectSameOutputs(join(dir, 'ref'), join(dir, 'fast'));
  });

  it('folds a gzip activity file from its decompressed bytes, and gives it to the reader on a row only the reader handles', () => {
    const dir = tempDir();
    // (rows the fold rejects: reported once, in the file's order, though two threads read every row)
    const text = withBadRows(readFileSync(join(data, 'activities.csv'), 'utf8'));
    const gz = join(dir, 'acts.csv.gz');
    writeFileSync(gz, gzipSync(text));
    const fast = run(join(data, 'leads.csv'), [gz], join(dir, 'fast'), FAST);
    expect(fast.stderr).not.toMatch(/fast path not taken/);
    run(join(data, 'leads.csv'), [gz], join(dir, 'ref'), REFERENCE);
    expectSameOutputs(join(dir, 'ref'), join(dir, 'fast'));
    // the byte scanner reads it: a quoted field followed by text, near the end, sends the run back
    const bad = join(dir, 'bad.csv.gz');
    writeFileSync(bad, gzipSync(text.trimEnd() + '\n3,page_view,2026-10-30,"/pri"cing\n1,email_open,2026-10-29T08:00:00Z,\n'));
    const back = run(join(data, 'leads.csv'), [bad], join(dir, 'back'), FAST);
    expect(back.stderr).toMatch(/fast path not taken: .*bad\.csv\.gz/);
    run(join(data, 'leads.csv'), [bad], join(dir, 'back-ref'), REFERENCE);
    expectSameOutputs(join(dir, 'back-ref'), join(dir, 'back'));
  });

  it('reads stdin from a copy: a run that falls back after stdin was read reads it again, with the outputs of the file', () => {
    const dir = tempDir();
    const actsFile = join(data, 'activities.csv');
    const acts = readFileSync(actsFile);
    // a lead row only the reader handles: the fast path gives up once stdin has been read
    const leads = join(dir, 'leads.csv');
    writeFileSync(leads, readFileSync(join(data, 'leads.csv'), 'utf8') + '99999,"Kim" Ode,Lee,kim@ode.io,CTO,IT,5,Software,US,2025-01-01\n');
    const args = (a: string, out: string) => ['score', '-m', 'models/b2b-saas.yaml', '-l', leads, '-a', a, '-o', join(dir, out), '--as-of', '2026-11-01', '-q'];
    const fromStdin = leadscore(args('-', 'stdin'), { input: acts, env: FAST });
    expect(fromStdin.code, fromStdin.stderr).toBe(0);
    expect(fromStdin.stderr).toMatch(/fast path not taken/);
    expect(fromStdin.stderr).toMatch(/phase path reference/);
    run(leads, [actsFile], join(dir, 'file'), FAST);
    const outputs = readdirSync(join(dir, 'file')).filter((f) => f.endsWith('.csv') && f !== 'rejects.csv');
    expect(outputs.length).toBeGreaterThan(4); // scored.csv and a file per band
    for (const f of outputs) expect(readFileSync(join(dir, 'stdin', f), 'utf8'), f).toBe(readFileSync(join(dir, 'file', f), 'utf8'));
    // the same rejects, with stdin named '-' (guarded against formulas: '-)
    expect(readFileSync(join(dir, 'stdin', 'rejects.csv'), 'utf8')).toBe(readFileSync(join(dir, 'file', 'rejects.csv'), 'utf8').split(actsFile).join("'-"));
    // stdin's sha256 is of the bytes piped in; its copy is gone with the run
    const input = JSON.parse(readFileSync(join(dir, 'stdin', 'summary.json'), 'utf8')).inputs[1];
    expect(input).toMatchObject({ path: '-', sha256: createHash('sha256').update(acts).digest('hex') });
    expect(readdirSync(join(dir, 'stdin', '.leadscore', 'runs'))).toHaveLength(1); // the published run only

    // and the leads on stdin, with an activity file that sends the run back
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, acts.toString('utf8') + '3,page_view,2026-10-30,"/pri"cing,web\n');
    const leadsIn = leadscore(['score', '-m', 'models/b2b-saas.yaml', '-l', '-', '-a', bad, '-o', join(dir, 'leads-stdin'), '--as-of', '2026-11-01', '-q'], { input: readFileSync(join(data, 'leads.csv')), env: FAST });
    expect(leadsIn.code, leadsIn.stderr).toBe(0);
    expect(leadsIn.stderr).toMatch(/fast path not taken/);
    run(join(data, 'leads.csv'), [bad], join(dir, 'leads-file'), REFERENCE);
    expect(readFileSync(join(dir, 'leads-stdin', 'scored.csv'), 'utf8')).toBe(readFileSync(join(dir, 'leads-file', 'scored.csv'), 'utf8'));
  });

  it('reads UTF-16 and windows-1254 inputs on the fast path from a UTF-8 copy: the reference path\'s bytes, the UTF-8 run\'s scores', () => {
    const dir = tempDir();
    const utf16 = (from: string, to: string) => writeFileSync(to, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(readFileSync(from, 'utf8'), 'utf16le')]));
    const leads = join(dir, 'leads16.csv');
    const acts = join(dir, 'acts16.csv');
    utf16(join(data, 'leads.csv'), leads);
    utf16(join(data, 'activities.csv'), acts);
    const fast = run(leads, [acts], join(dir, 'fast'), FAST);
    expect(fast.stderr).toMatch(/phase path fast/);
    expect(fast.stderr).not.toMatch(/fast path not taken/);
    run(leads, [acts], join(dir, 'ref'), REFERENCE);
    expectSameOutputs(join(dir, 'ref'), join(dir, 'fast'));
    run(join(data, 'leads.csv'), [join(data, 'activities.csv')], join(dir, 'utf8'), FAST);
    expect(readFileSync(join(dir, 'fast', 'scored.csv'), 'utf8')).toBe(readFileSync(join(dir, 'utf8', 'scored.csv'), 'utf8'));
    expect(readdirSync(join(dir, 'fast', '.leadscore', 'runs'))).toHaveLength(1); // the copies are gone
    // the input's own size and sha256 in the summary, not the copy's
    const inputs = JSON.parse(readFileSync(join(dir, 'fast', 'summary.json'), 'utf8')).inputs;
    expect(inputs[1]).toMatchObject({ path: acts, bytes: readFileSync(acts).length, sha256: createHash('sha256').update(readFileSync(acts)).digest('hex') });

    // a legacy export: ';' and windows-1254 (Turkish letters), given with --encoding; gzip UTF-16 on stdin
    const legacy = join(dir, 'leads-1254.csv');
    const text = readFileSync(join(data, 'leads.csv'), 'utf8').replace(/,/g, ';').replace(/\n(\d+);[^;]*;/, (_m, id: string) => `\n${id};Ağça Şükrü;`);
    writeFileSync(legacy, encode1254(text));
    run(legacy, [acts], join(dir, 'legacy'), FAST, ['--encoding', 'windows-1254']);
    run(legacy, [acts], join(dir, 'legacy-ref'), REFERENCE, ['--encoding', 'windows-1254']);
    expectSameOutputs(join(dir, 'legacy-ref'), join(dir, 'legacy'));
    expect(readFileSync(join(dir, 'legacy', 'scored.csv'), 'utf8')).toContain('Ağça Şükrü');
    const piped = leadscore(['score', '-m', 'models/b2b-saas.yaml', '-l', leads, '-a', '-', '-o', join(dir, 'piped'), '--as-of', '2026-11-01', '-q'], { input: gzipSync(readFileSync(acts)), env: FAST });
    expect(piped.code, piped.stderr).toBe(0);
    expect(readFileSync(join(dir, 'piped', 'scored.csv'), 'utf8')).toBe(readFileSync(join(dir, 'ref', 'scored.csv'), 'utf8'));
    // a copy that cannot be made (gzip UTF-16 cut short): the reader's LS101, exit 3, no copy left behind
    const cut = join(dir, 'cut16.csv.gz');
    writeFileSync(cut, gzipSync(readFileSync(acts)).subarray(0, 20_000));
    const stopped = leadscore(['score', '-m', 'models/b2b-saas.yaml', '-l', leads, '-a', cut, '-o', join(dir, 'cut'), '--as-of', '2026-11-01', '-q'], { env: FAST });
    expect(stopped.code).toBe(3);
    expect(stopped.stderr).toMatch(/LS101 .*cut16\.csv\.gz: cannot read input/);
    expect(readdirSync(join(dir, 'cut', '.leadscore', 'runs'))).toEqual([]);
  });

  it('applies the bot filter on the fast path as the reference path does (bursts, scanner clicks, orphans): a large file read by two threads with half the leads each', () => {
    const dir = tempDir();
    const model = join(dir, 'bots.yaml');
    writeFileSync(model, readFileSync('models/b2b-saas.yaml', 'utf8').replace('engagement:\n', 'engagement:\n  bot_filter: { burst: { count: 4, seconds: 10 }, clicks: { types: [email_click], after: [email_open], seconds: 5, match_on: detail } }\n'));
    const [header, ...rows] = readFileSync(join(data, 'activities.csv'), 'utf8').trim().split('\n');
    const at = (base: number, s: number) => new Date(Date.UTC(2026, 9, 1) + base * 3_600_000 + s * 1000).toISOString().replace('.000', '');
    const added: string[] = [];
    for (let k = 1; k <= 60; k++) {
      // leads 1-40 and twenty orphans: bursts of six page views in five seconds
      const id = k <= 40 ? String(k) : `orphan-${k}`;
      for (let j = 0; j < 6; j++) added.push(`${id},page_view,${at(k, j)},/pricing,web`);
      // leads 1-60: a click two seconds after an open of the same campaign (a scanner), and one of another campaign
      added.push(`${k},email_open,${at(k + 100, 0)},camp-${k},email`, `${k},email_click,${at(k + 100, 2)},camp-${k},email`, `${k},email_click,${at(k + 100, 3)},other-${k},email`);
    }
    // in time order, as exports are (the timestamp is the third cell); two files
    const all = [...rows, ...added].sort((a, b) => (a.split(',')[2]! < b.split(',')[2]! ? -1 : 1));
    const big = join(dir, 'big.csv');
    const small = join(dir, 'small.csv');
    writeFileSync(big, withBadRows([header, ...all.slice(0, -3000), ''].join('\n')));
    writeFileSync(small, [header, ...all.slice(-3000), ''].join('\n'));
    const env = { ...FAST, LEADSCORE_PARALLEL_MIN_BYTES: '100000' }; // big.csv on its thread, small.csv on this one
    const fast = run(join(data, 'leads.csv'), [big, small], join(dir, 'fast'), env, [], model);
    expect(fast.stderr).toMatch(/phase path fast/);
    expect(fast.stderr).not.toMatch(/fast path not taken/);
    run(join(data, 'leads.csv'), [big, small], join(dir, 'ref'), REFERENCE, [], model);
    expectSameOutputs(join(dir, 'ref'), join(dir, 'fast'));
    const bots = JSON.parse(readFileSync(join(dir, 'fast', 'summary.json'), 'utf8')).data_quality.bot_filter;
    expect(bots.burst).toBeGreaterThanOrEqual(60 * 6);
    expect(bots.scanner_click).toBeGreaterThanOrEqual(60);
    // the same file gzipped: each of the two threads decompresses it all
    const gz = join(dir, 'big.csv.gz');
    writeFileSync(gz, gzipSync(readFileSync(big)));
    run(join(data, 'leads.csv'), [gz, small], join(dir, 'gzip'), env, [], model);
    expect(readFileSync(join(dir, 'gzip', 'scored.csv'), 'utf8')).toBe(readFileSync(join(dir, 'ref', 'scored.csv'), 'utf8'));
    expect(JSON.parse(readFileSync(join(dir, 'gzip', 'summary.json'), 'utf8')).data_quality.bot_filter).toEqual(bots);
    // the byte scanner reads such a file (before, a bot filter sent every activity file to the reader):
    // a row only the reader handles now sends the run back
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, readFileSync(big, 'utf8') + '3,page_view,2026-10-30,"/pri"cing,web\n');
    const back = run(join(data, 'leads.csv'), [bad, small], join(dir, 'back'), env, [], model);
    expect(back.stderr).toMatch(/fast path not taken: .*bad\.csv/);
  });

  it('goes back to the reference path when a large file fails while a small one folds on this thread into the shared fold', () => {
    const dir = tempDir();
    const [header, ...rows] = readFileSync(join(data, 'activities.csv'), 'utf8').trim().split('\n');
    const small = join(dir, 'small.csv');
    const large = join(dir, 'large.csv');
    writeFileSync(small, [header, ...rows.slice(0, 200), ''].join('\n'));
    // the large file's second range meets a quoted field followed by text (only the reader repairs it)
    const bad = rows.slice(200);
    bad.splice(bad.length - 50, 0, '3,page_view,2026-10-30,"/pri"cing');
    writeFileSync(large, [header, ...bad, ''].join('\n'));
    const env = { ...FAST, LEADSCORE_PARALLEL_MIN_BYTES: '100000' }; // small.csv on this thread, large.csv in two ranges
    const fast = run(join(data, 'leads.csv'), [small, large], join(dir, 'fast'), env);
    expect(fast.stderr).toMatch(/fast path not taken: .*large\.csv/);
    run(join(data, 'leads.csv'), [small, large], join(dir, 'ref'), REFERENCE);
    expectSameOutputs(join(dir, 'ref'), join(dir, 'fast'));
  });

  it('never guards the lead ids in the parallel writer: ids like +5, -7, =x, @y as the reference path writes them', () => {
    // issue 13: the formula guard leaves the join keys alone; the two writer threads (forced here on a
    // small file) must too, or the next night's --previous no longer finds the leads
    const dir = tempDir();
    const leads = join(dir, 'leads.csv');
    const ids = ['+5i60kub', '-7', '=x1', '@y2', '+31 6 1234', '42', '-0a'];
    writeFileSync(leads, 'lead_id,first_name,email,job_title\n' + ids.map((id, k) => `${id},Al${k},al${k}@acme.io,${k % 2 ? '=cmd()' : 'CTO'}\n`).join(''));
    const acts = join(dir, 'acts.csv');
    writeFileSync(acts, 'lead_id,activity_type,occurred_at\n' + ids.map((id) => `${id},form_submit,2026-10-01\n`).join(''));
    const fast = run(leads, [acts], join(dir, 'fast'), FAST);
    expect(fast.stderr).toMatch(/phase path fast/);
    run(leads, [acts], join(dir, 'ref'), REFERENCE);
    expectSameOutputs(join(dir, 'ref'), join(dir, 'fast'));
    const scored = readFileSync(join(dir, 'fast', 'scored.csv'), 'utf8').trim().split('\n').slice(1);
    expect(scored.map((l) => l.split(',')[0]).sort()).toEqual([...ids].sort());
    expect(scored.join('\n')).toContain("'=cmd()"); // other cells are still guarded
    // the second night on the same data: every lead the same, nothing crossed
    run(leads, [acts], join(dir, 'night2'), FAST, ['--previous', join(dir, 'fast', 'scored.csv')]);
    const night2 = readFileSync(join(dir, 'night2', 'scored.csv'), 'utf8').trim().split('\n');
    const change = night2[0]!.split(',').indexOf('change');
    expect(change).toBeGreaterThan(0);
    expect(night2.slice(1).map((l) => l.split(',')[change])).toEqual(ids.map(() => 'same'));
    expect(readFileSync(join(dir, 'night2', 'crossed.csv'), 'utf8').trim().split('\n')).toHaveLength(1);
  });

  it('folds several activity files into the one shared fold: plain files in two ranges each, a gzip file, orphans counted once', () => {
    const dir = tempDir();
    const [header, ...rows] = readFileSync(join(data, 'activities.csv'), 'utf8').trim().split('\n');
    // activities of ids that are not leads, in every file
    const orphan = (k: number) => `ghost-${k},page_view,2026-10-${String(1 + (k % 28)).padStart(2, '0')}T10:00:00Z,/pricing`;
    const third = Math.floor(rows.length / 3);
    const parts = [rows.slice(0, third), rows.slice(third, 2 * third), rows.slice(2 * third)].map((p, k) => [header, ...p, orphan(k), orphan(k + 10), ''].join('\n'));
    const a = join(dir, 'a.csv');
    const b = join(dir, 'b.csv');
    const c = join(dir, 'c.csv.gz');
    writeFileSync(a, parts[0]!);
    writeFileSync(b, parts[1]!);
    writeFileSync(c, gzipSync(parts[2]!));
    const fast = run(join(data, 'leads.csv'), [a, c, b], join(dir, 'fast'), FAST);
    expect(fast.stderr).toMatch(/phase path fast/);
    run(join(data, 'leads.csv'), [a, c, b], join(dir, 'ref'), REFERENCE);
    expectSameOutputs(join(dir, 'ref'), join(dir, 'fast'));
    const counts = JSON.parse(readFileSync(join(dir, 'fast', 'summary.json'), 'utf8')).counts;
    expect(counts.activities_ignored.orphan).toBeGreaterThanOrEqual(6);
    // and the same scores as the one file they came from
    run(join(data, 'leads.csv'), [join(data, 'activities.csv')], join(dir, 'one'), FAST);
    const scores = (d: string) => readFileSync(join(dir, d, 'scored.csv'), 'utf8').split('\n').map((l) => l.split(',').slice(0, 1).join()).join();
    expect(scores('fast')).toBe(scores('one'));
  });

  it('writes a predictive model\'s reasons with their values on the scoring threads, as the reference path does', () => {
    const dir = tempDir();
    // a slice of the bank data with an id column, and a model trained on it that reads the id
    const [head, ...rows] = gunzipText(BANK_FULL).trim().split('\n').slice(0, 3001);
    const leads = join(dir, 'bank.csv');
    writeFileSync(leads, ['"id";' + head, ...rows.map((r, k) => `${k + 1};${r}`)].join('\n') + '\n');
    const trained = join(dir, 'trained.yaml');
    const t = leadscore(['train', '-l', leads, '--outcome', 'y', '--exclude', 'id,duration', '-o', trained, '-q']);
    expect(t.code, t.stderr).toBe(0);
    const model = join(dir, 'model.yaml');
    writeFileSync(model, readFileSync(trained, 'utf8').replace(/^(\s+id:) \$row\b.*$/m, '$1 id'));
    expect(readFileSync(model, 'utf8')).toMatch(/^\s+id: id$/m);
    const fast = run(leads, [], join(dir, 'fast'), FAST, [], model);
    expect(fast.stderr).toMatch(/phase path fast/);
    run(leads, [], join(dir, 'ref'), REFERENCE, [], model);
    expectSameOutputs(join(dir, 'ref'), join(dir, 'fast'));
    const reasons = readFileSync(join(dir, 'fast', 'scored.csv'), 'utf8').split('\n')[1]!;
    expect(reasons).toMatch(/ = \S+ [+-]\d+\.\d\d/); // `poutcome = success +1.46`, not `poutcome +1.46`
  });
});

/** Text in windows-1254 (Turkish letters; the rest ASCII, as the generated leads are). */
function encode1254(text: string): Buffer {
  const turkish: Record<string, number> = { 'ğ': 0xf0, 'Ğ': 0xd0, 'ş': 0xfe, 'Ş': 0xde, 'ı': 0xfd, 'İ': 0xdd, 'ç': 0xe7, 'Ç': 0xc7, 'ü': 0xfc, 'Ü': 0xdc, 'ö': 0xf6, 'Ö': 0xd6 };
  return Buffer.from([...text].map((c) => turkish[c] ?? (c.charCodeAt(0) < 0x80 ? c.charCodeAt(0) : 0x3f)));
}

/** `text` (a CSV file of the generated activities) with rows the fold rejects at a quarter, half and three quarters. */
function withBadRows(text: string): string {
  const lines = text.trimEnd().split('\n');
  const bad = [',page_view,2026-10-30T10:00:00Z,/pricing,web', '17,page_view,,/pricing,web', '18,page_view,yesterday,/pricing,web'];
  for (let k = 3; k >= 1; k--) lines.splice(Math.floor((lines.length * k) / 4), 0, bad[k - 1]!);
  return lines.join('\n') + '\n';
}
