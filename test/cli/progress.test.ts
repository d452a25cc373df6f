// Terminal behaviour of long runs (issue 8, item 3): the progress bar (TTY only, throttled, cleared),
// colour off for NO_COLOR and non-TTY, --log-format json (one parseable event per line), --quiet, and
// a closed stdout (| head) ending quietly.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createReporter, styleFor } from '../../src/cli/log.js';
import { ProgressBar, ProgressTracker, renderProgressLine } from '../../src/cli/progress.js';
import { BIN, ROOT, leadscore, tempDir } from '../helpers/cli.js';

const SGR = /\x1b\[[0-9;]*m/; // a colour / bold escape
const ANY_ESC = /\x1b/;

class FakeStream {
  out: string[] = [];
  constructor(
    readonly isTTY: boolean,
    readonly columns = 100,
  ) {}
  write(s: string) {
    this.out.push(s);
    return true;
  }
  get text() {
    return this.out.join('');
  }
}

function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('ProgressTracker', () => {
  it('sums interleaved files and counts files not opened yet in the share', () => {
    const tr = new ProgressTracker(0, { 'leads.csv': 1000, 'a.csv': 3000 });
    tr.update({ file: 'leads.csv', bytesRead: 1000, totalBytes: 1000, rows: 10 });
    let s = tr.snapshot(2000);
    expect(s.share).toBeCloseTo(0.25);
    expect(s.rows).toBe(10);
    expect(s.rowsPerSecond).toBeCloseTo(5);
    expect(s.etaSeconds).toBeCloseTo(6); // 2 s for a quarter: 6 s for the rest
    tr.update({ file: 'a.csv', bytesRead: 1500, totalBytes: 3000, rows: 40 });
    s = tr.snapshot(4000);
    expect(s.share).toBeCloseTo(2500 / 4000);
    expect(s.rows).toBe(50);
    expect(s.file).toBe('a.csv');
  });
  it('has no share or ETA for stdin (size unknown)', () => {
    const tr = new ProgressTracker(0);
    tr.update({ file: '-', bytesRead: 500, rows: 7 });
    const s = tr.snapshot(1000);
    expect(s.share).toBeUndefined();
    expect(s.etaSeconds).toBeUndefined();
    expect(renderProgressLine(s, 80, false)).toContain('7 rows');
  });
});

describe('ProgressBar', () => {
  it('draws rows, rows/s, share and ETA on a TTY, at most once per 100 ms, and clears the line at the end', () => {
    const c = clock();
    const tty = new FakeStream(true);
    const bar = new ProgressBar(tty, { now: c.now, color: false, totals: { 'leads.csv': 10_000 } }, {});
    bar.update({ file: 'leads.csv', bytesRead: 100, rows: 1 });
    expect(tty.out).toHaveLength(0); // short runs never flash a bar
    c.advance(150);
    for (let i = 1; i <= 50; i++) {
      bar.update({ file: 'leads.csv', bytesRead: 100 * i, rows: 1000 * i });
      c.advance(1); // 50 updates within 50 ms
    }
    expect(tty.out).toHaveLength(1);
    c.advance(100);
    bar.update({ file: 'leads.csv', bytesRead: 5000, rows: 60_000 });
    expect(tty.out).toHaveLength(2);
    const frame = tty.out[1] as string;
    expect(frame.startsWith('\r\x1b[2K')).toBe(true);
    expect(frame).toContain('leads.csv');
    expect(frame).toContain('50%');
    expect(frame).toContain('60,000 rows');
    expect(frame).toMatch(/[\d,]+ rows\/s/);
    expect(frame).toMatch(/ETA \d+s/);
    expect(frame).not.toMatch(SGR);
    bar.clear();
    expect(tty.out.at(-1)).toBe('\r\x1b[2K');
  });
  it('draws nothing when the stream is not a TTY, or TERM is dumb', () => {
    for (const [stream, env] of [[new FakeStream(false), {}], [new FakeStream(true), { TERM: 'dumb' }]] as const) {
      const c = clock();
      const bar = new ProgressBar(stream, { now: c.now, color: true }, env);
      for (let i = 0; i < 20; i++) {
        c.advance(500);
        bar.update({ file: 'x.csv', bytesRead: i, totalBytes: 100, rows: i });
      }
      bar.clear();
      expect(stream.out).toEqual([]);
    }
  });
  it('colours the bar only when asked', () => {
    const s = { file: 'a.csv', rows: 10, bytesRead: 50, totalBytes: 100, share: 0.5, elapsedMs: 1000, rowsPerSecond: 10, etaSeconds: 1 };
    expect(renderProgressLine(s, 100, true)).toMatch(SGR);
    expect(renderProgressLine(s, 100, false)).not.toMatch(ANY_ESC);
    expect(renderProgressLine(s, 30, false).length).toBeLessThanOrEqual(30);
  });
});

describe('colour', () => {
  it('is off for NO_COLOR and for a stream that is not a TTY', () => {
    expect(styleFor(new FakeStream(true), true, {}).color).toBe(true);
    expect(styleFor(new FakeStream(true), true, { NO_COLOR: '1' }).color).toBe(false);
    expect(styleFor(new FakeStream(false), true, {}).color).toBe(false);
    expect(styleFor(new FakeStream(true), false, {}).bold('x')).toBe('x');
  });
});

describe('JSON log events', () => {
  it('writes one parseable object per line; progress at most every 5 s; no escapes', () => {
    const c = clock();
    const err = new FakeStream(true);
    const log = createReporter({ format: 'json', stream: err, now: c.now, env: {} });
    log.start({ command: 'score', model: 'm.yaml' });
    for (let i = 1; i <= 100; i++) {
      c.advance(200); // 20 s in all
      log.progress({ file: 'leads.csv', bytesRead: i * 10, totalBytes: 1000, rows: i * 100 });
    }
    log.done({ scored: 10_000 });
    log.rejectSummary({ rows: 3, by_reason: { bad_email: 3 } });
    log.error({ code: 'LS101', message: 'file not found', file: 'x.csv', exit_code: 3 });
    expect(err.text).not.toMatch(ANY_ESC);
    const events = err.text.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const names = events.map((e) => e.event);
    expect(names[0]).toBe('start');
    expect(names.slice(-3)).toEqual(['done', 'reject_summary', 'error']);
    const progress = events.filter((e) => e.event === 'progress');
    expect(progress.length).toBe(4); // every 5 s over 20 s
    expect(progress[0]).toMatchObject({ level: 'info', file: 'leads.csv', total_bytes: 1000 });
    expect(typeof progress[0]!.rows_per_s).toBe('number');
    for (const e of events) expect(Number.isNaN(Date.parse(String(e.ts)))).toBe(false);
    expect(events.at(-1)).toMatchObject({ level: 'error', code: 'LS101', exit_code: 3 });
  });
  it('--quiet keeps only errors', () => {
    const err = new FakeStream(false);
    const log = createReporter({ format: 'json', quiet: true, stream: err });
    log.start({});
    log.done({});
    log.error({ message: 'boom', exit_code: 1 });
    expect(err.text.trimEnd().split('\n').map((l) => JSON.parse(l).event)).toEqual(['error']);
  });
});

describe('leadscore score on stderr (end to end)', () => {
  const args = (out: string) => ['score', '-m', 'models/b2b-saas.yaml', '-l', 'samples/leads.csv', '-a', 'samples/activities.csv', '-o', out, '--as-of', '2026-11-01'];

  it('draws nothing and prints no escapes when stderr and stdout are not TTYs, even without NO_COLOR', () => {
    const r = leadscore(args(join(tempDir(), 'out')), { env: { NO_COLOR: '', FORCE_COLOR: '' } });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).not.toMatch(ANY_ESC);
  });

  it('--log-format json: every stderr line is a JSON event; start, done and reject_summary are there', () => {
    const out = join(tempDir(), 'out');
    const r = leadscore([...args(out), '--log-format', 'json']);
    expect(r.code).toBe(0);
    const events = r.stderr.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events.map((e) => e.event)).toEqual(['start', 'done', 'reject_summary']);
    expect(events[1]).toMatchObject({ level: 'info', scored: 397, leads_read: 402 });
    expect(events[2]).toMatchObject({ level: 'warn', rows: 8, file: `${out}/rejects.csv` });
    expect(r.stderr).not.toMatch(ANY_ESC);
  });

  it('--log-format json reports an invalid model, a bad --as-of and a missing input as error events with the exit code', () => {
    const bad = join(tempDir(), 'bad.yaml');
    writeFileSync(bad, 'version: 1\nname: t\ninput: { leads: { id: lead_id } }\nfit: { rules: [ { id: x, if: { field: a, gretaer_than: 1 }, points: 1 } ] }\nbands: [ { name: cold } ]\n');
    const cases: [string[], number, string][] = [
      [['score', '-m', bad, '-l', 'samples/leads.csv', '-o', join(tempDir(), 'o')], 2, 'LS012'],
      [['score', '-m', 'models/b2b-saas.yaml', '-l', 'samples/leads.csv', '-o', join(tempDir(), 'o'), '--as-of', 'yesterday'], 2, 'LS130'],
      [['score', '-m', 'models/b2b-saas.yaml', '-l', 'samples/missing.csv', '-o', join(tempDir(), 'o')], 3, 'LS101'],
    ];
    for (const [argv, code, lsCode] of cases) {
      const r = leadscore([...argv, '--log-format', 'json']);
      expect(r.code).toBe(code);
      const events = r.stderr.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      const errors = events.filter((e) => e.event === 'error');
      expect(errors.map((e) => e.code)).toContain(lsCode);
      for (const e of errors) expect(e).toMatchObject({ level: 'error', exit_code: code });
    }
  });

  it('--quiet prints nothing on success, also in json mode', () => {
    for (const extra of [[], ['--log-format', 'json']]) {
      const r = leadscore([...args(join(tempDir(), 'out')), '-q', ...extra]);
      expect(r.code).toBe(0);
      expect(r.stdout + r.stderr).toBe('');
    }
  });

  it('ends quietly with exit 0 when stdout is closed early (| head -c 10)', () => {
    const q = (a: string[]) => a.map((x) => `'${x}'`).join(' ');
    for (const argv of [[...args(join(tempDir(), 'out')), '--json'], ['validate', 'models/b2b-saas.yaml', '--json'], ['init', '-l', 'samples/leads.csv', '-a', 'samples/activities.csv']]) {
      const r = spawnSync('bash', ['-c', `set -o pipefail; '${process.execPath}' '${BIN}' ${q(argv)} | head -c 10`], { cwd: ROOT, encoding: 'utf8' });
      expect(r.status).toBe(0);
      expect(r.stdout.length).toBe(10);
      expect(r.stderr).not.toMatch(/EPIPE|Error|internal/);
    }
  });
});

// With a pseudo-terminal (script(1) from util-linux): the bar is drawn on a real TTY.
const hasScript = spawnSync('script', ['-qec', 'true', '/dev/null']).status === 0;

describe.runIf(hasScript)('on a pseudo-terminal (script -qec)', () => {
  const dir = tempDir();
  const leads = join(dir, 'leads.csv');
  const model = join(dir, 'model.yaml');
  // Enough rows for the run to last longer than one redraw interval.
  writeFileSync(leads, 'lead_id,job_title,employees\n' + Array.from({ length: 120_000 }, (_, i) => `L${i},Manager ${i % 7},${i % 900}`).join('\n') + '\n');
  writeFileSync(model, 'version: 1\nname: t\ninput: { leads: { id: lead_id } }\nfit: { rules: [ { id: manager, if: { field: job_title, contains: manager }, points: 30 } ] }\nbands: [ { name: hot, min: 20 }, { name: cold } ]\n');
  const onTty = (cmd: string, env: Record<string, string> = {}) =>
    spawnSync('script', ['-qec', `stty cols 120; ${cmd}`, '/dev/null'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, TERM: 'xterm', ...env } });
  const score = (extra = '') => `'${process.execPath}' '${BIN}' score -m '${model}' -l '${leads}' -o '${join(dir, 'out')}' --as-of 2026-11-01 ${extra}`;

  it('draws a progress bar, clears it, and uses colour', () => {
    const env = { ...process.env, TERM: 'xterm' } as Record<string, string>;
    delete env.NO_COLOR;
    const r = spawnSync('script', ['-qec', `stty cols 120; ${score()}`, '/dev/null'], { cwd: ROOT, encoding: 'utf8', env });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('\r\x1b[2K');
    expect(r.stdout).toMatch(/leads\.csv .*\d+%.*rows\/s/);
    expect(r.stdout).toMatch(SGR);
    expect(r.stdout).toContain('scored 120000 leads');
  });

  it('NO_COLOR: no colour escapes on a TTY', () => {
    const r = onTty(score(), { NO_COLOR: '1' });
    expect(r.status).toBe(0);
    expect(r.stdout).not.toMatch(SGR);
  });

  it('--log-format json on a TTY: no bar, no colour, every line parses', () => {
    const r = onTty(`${score('--log-format json')} > /dev/null`);
    expect(r.status).toBe(0);
    expect(r.stdout).not.toMatch(ANY_ESC);
    const lines = r.stdout.split(/\r?\n/).filter((l) => l.trim());
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const l of lines) expect(() => JSON.parse(l)).not.toThrow();
  });
});
