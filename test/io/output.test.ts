import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { OutputSet, stdoutFile } from '../../src/io/output.js';

const freshDir = (): string => mkdtempSync(join(tmpdir(), 'leadscore-out-test-'));
/** The names a user sees in OUTDIR (`ls`): the hidden .leadscore folder left out. */
const visible = (dir: string): string[] => readdirSync(dir).filter((n) => !n.startsWith('.')).sort();

describe('OutputSet', () => {
  it('creates the directory and only shows files after commit', async () => {
    const dir = join(freshDir(), 'nested', 'out');
    const set = await OutputSet.create(dir);
    const f = set.file('scored.csv');
    expect(set.file('scored.csv')).toBe(f);
    await f.write('a,b\n');
    for (let i = 0; i < 50_000; i++) await f.write(`${i},${'x'.repeat(40)}\n`); // several 1 MiB flushes
    set.file('summary.md').write('# ok\n');
    // until commit only the hidden run folder exists
    expect(readdirSync(dir)).toEqual(['.leadscore']);
    await set.commit();
    expect(visible(dir)).toEqual(['scored.csv', 'summary.md']);
    const text = readFileSync(join(dir, 'scored.csv'), 'utf8');
    expect(text.startsWith('a,b\n0,')).toBe(true);
    expect(text.split('\n')).toHaveLength(50_002);
  });

  it('commit replaces the previous outputs', async () => {
    const dir = freshDir();
    writeFileSync(join(dir, 'scored.csv'), 'old\n');
    const set = await OutputSet.create(dir);
    set.file('scored.csv').write('new\n');
    await set.commit();
    expect(readFileSync(join(dir, 'scored.csv'), 'utf8')).toBe('new\n');
  });

  it('abort leaves previous files byte-identical and no temporaries', async () => {
    const dir = freshDir();
    const before = Buffer.from('id,score\r\n1,99\n\xff', 'latin1');
    writeFileSync(join(dir, 'scored.csv'), before);
    const set = await OutputSet.create(dir);
    set.file('scored.csv').write('partial\n');
    set.file('rejects.csv').write('x\n');
    await set.abort();
    await set.abort(); // idempotent
    expect(readdirSync(dir)).toEqual(['scored.csv']); // the hidden run folders are gone too
    expect(readFileSync(join(dir, 'scored.csv')).equals(before)).toBe(true);
  });

  it('removes temporaries a killed run left behind, but not those of a run still going', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ls-stale-'));
    // a finished child's pid is a process that no longer exists
    const child = spawn(process.execPath, ['-e', '0']);
    await new Promise((r) => child.on('exit', r));
    const dead = `.leadscore-${child.pid}-0a1b2c3d-scored.csv.tmp`;
    const mine = `.leadscore-${process.pid}-0a1b2c3d-scored.csv.tmp`;
    writeFileSync(join(dir, dead), 'half a file');
    writeFileSync(join(dir, mine), 'in progress');
    writeFileSync(join(dir, 'scored.csv'), 'yesterday');
    mkdirSync(join(dir, '.leadscore', 'runs', `${child.pid}-0a1b2c3d`), { recursive: true });
    writeFileSync(join(dir, '.leadscore', 'runs', `${child.pid}-0a1b2c3d`, 'scored.csv'), 'half a file');
    mkdirSync(join(dir, '.leadscore', 'runs', `${process.pid}-0a1b2c3d`), { recursive: true });
    const set = await OutputSet.create(dir);
    const left = readdirSync(dir);
    expect(left).not.toContain(dead);
    expect(left).toContain(mine);
    const runs = readdirSync(join(dir, '.leadscore', 'runs'));
    expect(runs).not.toContain(`${child.pid}-0a1b2c3d`);
    expect(runs).toContain(`${process.pid}-0a1b2c3d`);
    expect(readFileSync(join(dir, 'scored.csv'), 'utf8')).toBe('yesterday');
    await set.abort();
  });

  it('rejects names with path separators', async () => {
    const set = await OutputSet.create(freshDir());
    expect(() => set.file('../x.csv')).toThrow();
    await set.abort();
  });

  // the child process runs the built module (vitest's TS transform does not reach it): needs `npm run build`
  const built = new URL('../../dist/io/output.js', import.meta.url);
  // io never ends the process: the CLI turns SIGTERM into exit 143 (src/cli/main.ts), as this child does,
  // and the output set removes its temporaries on the way out
  it.skipIf(!existsSync(built))('SIGTERM (exit 143, as the CLI makes it) removes the temporaries, keeps the previous outputs', async () => {
    const dir = freshDir();
    writeFileSync(join(dir, 'scored.csv'), 'yesterday\n');
    const script = `
      process.on('SIGTERM', () => process.exit(143));
      const { OutputSet } = await import(${JSON.stringify(built.href)});
      const set = await OutputSet.create(${JSON.stringify(dir)});
      const f = set.file('scored.csv');
      await f.write('half-written\\n'.repeat(200000));
      console.log('ready');
      setInterval(() => {}, 1000);
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d));
    const ready = await new Promise<boolean>((res) => {
      child.stdout.on('data', (d: Buffer) => d.toString().includes('ready') && res(true));
      child.on('exit', () => res(false));
    });
    expect(ready, err).toBe(true);
    // the run folder holds the half-written file
    const runs = join(dir, '.leadscore', 'runs');
    for (let i = 0; i < 100 && !readdirSync(runs).some((r) => readdirSync(join(runs, r)).length > 0); i++) await new Promise((r) => setTimeout(r, 20));
    expect(readdirSync(runs).some((r) => readdirSync(join(runs, r)).includes('scored.csv'))).toBe(true);
    const code = await new Promise<number | null>((res) => {
      child.on('exit', (c) => res(c));
      child.kill('SIGTERM');
    });
    expect(code).toBe(143);
    expect(readdirSync(dir)).toEqual(['scored.csv']);
    expect(readFileSync(join(dir, 'scored.csv'), 'utf8')).toBe('yesterday\n');
  });
});

describe('stdoutFile', () => {
  it('buffers and flushes on end', async () => {
    let got = '';
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        got += chunk.toString();
        cb();
      },
    });
    const out = stdoutFile('-', sink);
    out.write('a\n');
    out.write('b\n');
    expect(got).toBe('');
    await out.end();
    expect(got).toBe('a\nb\n');
  });

  it('ends quietly on EPIPE', async () => {
    const sink = new Writable({
      write(_chunk, _enc, cb) {
        const e = new Error('write EPIPE') as NodeJS.ErrnoException;
        e.code = 'EPIPE';
        cb(e);
      },
    });
    const out = stdoutFile('-', sink);
    out.write('x'.repeat(2 << 20));
    await out.end();
    await new Promise((r) => setImmediate(r));
    expect(out.closed).toBe(true);
    expect(out.write('more')).toBeUndefined();
  });
});
