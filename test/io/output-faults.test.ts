// Issue 16 items 1, 2, 13, 16: every failure while writing or publishing the outputs is LS108 (exit 3)
// and leaves OUTDIR exactly as it was; the set is published by one rename, so a run stopped at any step
// shows yesterday's set or today's, never a mix. Faults are put on each filesystem call in turn
// (fs-port.ts faultyFs): ENOSPC, EIO, EISDIR, EMFILE at every open, write, fsync, close, rename, link,
// symlink and mkdir.
import { describe, expect, it } from 'vitest';
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OutputSet, writeReplacing } from '../../src/io/output.js';
import { faultyFs, nodeFs } from '../../src/io/fs-port.js';
import { InputError } from '../../src/io/errors.js';

const freshDir = (): string => mkdtempSync(join(tmpdir(), 'leadscore-faults-'));

/** Everything under `dir`: each entry's kind, and a file's bytes or a link's target. */
export function tree(dir: string, rel = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(join(dir, rel)).sort()) {
    const r = rel ? `${rel}/${name}` : name;
    const st = lstatSync(join(dir, r));
    if (st.isSymbolicLink()) out[r] = `-> ${readlinkSync(join(dir, r))}`;
    else if (st.isDirectory()) Object.assign(out, { [r + '/']: 'dir' }, tree(dir, r));
    else out[r] = readFileSync(join(dir, r)).toString('base64');
  }
  return out;
}

/** What a reader sees at each visible name of OUTDIR (links followed). */
export function seen(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir).filter((n) => !n.startsWith('.')).sort()) {
    try {
      out[name] = readFileSync(join(dir, name), 'utf8');
    } catch (e) {
      out[name] = (e as NodeJS.ErrnoException).code ?? 'error';
    }
  }
  return out;
}

/** A set shaped like a score run: a scored.csv of several flushes, band files, rejects and summaries. */
async function writeRun(dir: string, tag: string, fs = nodeFs, bands = 3): Promise<void> {
  const set = await OutputSet.create(dir, { fs });
  try {
    const scored = set.file('scored.csv');
    await scored.write(`id,score,${tag}\n`);
    for (let i = 0; i < 30_000; i++) {
      const p = scored.write(`${i},${i % 100},${'x'.repeat(60)}\n`); // ~2 MB: two flushes
      if (p) await p;
    }
    for (let b = 0; b < bands; b++) await set.file(`band-${b}.csv`).write(`id,score\n${tag}-${b}\n`);
    await set.file('rejects.csv').write(`source,line\n`);
    await set.file('summary.md').write(`# ${tag}\n`);
    await set.file('summary.json').write(JSON.stringify({ tag }));
    await set.commit();
  } catch (e) {
    await set.abort();
    throw e;
  }
}

/** Yesterday's OUTDIR: a published set, plus another command's output that today's run does not write. */
async function yesterday(): Promise<string> {
  const dir = freshDir();
  await writeRun(dir, 'yesterday');
  const ev = await OutputSet.create(dir);
  await ev.file('evaluation.md').write('# evaluation\n');
  await ev.commit();
  return dir;
}

const COMMIT = (c: { step: string; path: string }) => c.step === 'rename' && c.path.endsWith('/.leadscore/current');

describe('output writer under injected faults', () => {
  it('a clean run: every output published, yesterday\'s other outputs carried over, no run folder left', async () => {
    const dir = await yesterday();
    const fs = faultyFs(nodeFs);
    await writeRun(dir, 'today', fs);
    const s = seen(dir);
    expect(Object.keys(s)).toEqual(['band-0.csv', 'band-1.csv', 'band-2.csv', 'evaluation.md', 'rejects.csv', 'scored.csv', 'summary.json', 'summary.md']);
    expect(s['scored.csv']!.startsWith('id,score,today\n')).toBe(true);
    expect(s['scored.csv']!.split('\n')).toHaveLength(30_002);
    expect(s['evaluation.md']).toBe('# evaluation\n');
    expect(readdirSync(join(dir, '.leadscore', 'runs'))).toHaveLength(1);
    expect(fs.calls.filter(COMMIT)).toHaveLength(1);
  });

  it('ENOSPC, EIO, EISDIR, EMFILE at every step before the commit: LS108, OUTDIR exactly as it was', async () => {
    const probe = faultyFs(nodeFs);
    await writeRun(await yesterday(), 'today', probe);
    const calls = probe.calls;
    const commitAt = calls.findIndex(COMMIT);
    expect(commitAt).toBeGreaterThan(20);
    const steps = new Set(calls.slice(0, commitAt + 1).map((c) => c.step));
    expect([...steps].sort()).toEqual(['close', 'fsync', 'link', 'mkdir', 'open', 'rename', 'symlink', 'write']);
    const dir = await yesterday();
    const before = tree(dir);
    let failures = 0;
    for (const code of ['ENOSPC', 'EIO', 'EISDIR', 'EMFILE']) {
      for (let k = 0; k <= commitAt; k++) {
        const fs = faultyFs(nodeFs, k, code);
        const err = await writeRun(dir, 'today', fs).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err, `${code} at call ${k} (${calls[k]!.step} ${calls[k]!.path})`).toBeInstanceOf(InputError);
        expect((err as InputError).code).toBe('LS108');
        expect((err as InputError).message).toContain(code);
        expect(tree(dir), `${code} at call ${k} (${calls[k]!.step} ${calls[k]!.path})`).toEqual(before);
        failures++;
      }
    }
    expect(failures).toBe(4 * (commitAt + 1));
  }, 120_000);

  it('a fault after the commit point (syncing folders) does not undo a published run', async () => {
    const probe = faultyFs(nodeFs);
    await writeRun(await yesterday(), 'today', probe);
    const commitAt = probe.calls.findIndex(COMMIT);
    for (let k = commitAt + 1; k < probe.calls.length; k++) {
      const dir = await yesterday();
      await writeRun(dir, 'today', faultyFs(nodeFs, k, 'EIO'));
      expect(seen(dir)['summary.md']).toBe('# today\n');
    }
  });

  it('outputs of an older version (regular files) read the same after every failed step', async () => {
    const probe = faultyFs(nodeFs);
    const legacy = (): string => {
      const dir = freshDir();
      writeFileSync(join(dir, 'scored.csv'), 'old scored\n');
      writeFileSync(join(dir, 'summary.md'), '# old\n');
      writeFileSync(join(dir, 'crossed.csv'), 'old crossed\n');
      return dir;
    };
    await writeRun(legacy(), 'today', probe);
    const commitAt = probe.calls.findIndex(COMMIT);
    for (let k = 0; k <= commitAt; k++) {
      const dir = legacy();
      const before = seen(dir);
      await expect(writeRun(dir, 'today', faultyFs(nodeFs, k, 'ENOSPC'))).rejects.toMatchObject({ code: 'LS108' });
      expect(seen(dir), `ENOSPC at ${probe.calls[k]!.step} ${probe.calls[k]!.path}`).toEqual(before);
      const runs = join(dir, '.leadscore', 'runs');
      expect(existsSync(runs) ? readdirSync(runs).length : 0).toBeLessThanOrEqual(1); // at most the kept set
    }
    const dir = legacy();
    await writeRun(dir, 'today');
    const after = seen(dir);
    expect(after['summary.md']).toBe('# today\n');
    expect(after['crossed.csv']).toBe('old crossed\n'); // not written by this run: as it was
  });

  it('a folder where an output goes (summary.md): LS108 before anything is replaced', async () => {
    const dir = await yesterday();
    mkdirSync(join(dir, 'summary.md.new'));
    // put a folder at the name of one output
    const before = seen(dir);
    const { renameSync, rmSync } = await import('node:fs');
    rmSync(join(dir, 'summary.md'));
    renameSync(join(dir, 'summary.md.new'), join(dir, 'summary.md'));
    delete before['summary.md.new'];
    const tr = tree(dir);
    await expect(writeRun(dir, 'today')).rejects.toMatchObject({ code: 'LS108', message: expect.stringContaining('summary.md is a folder') });
    expect(tree(dir)).toEqual(tr);
    expect(seen(dir)['scored.csv']).toBe(before['scored.csv']);
  });

  it('3,000 band files with at most 32 descriptors open at once', async () => {
    const dir = freshDir();
    const fs = faultyFs(nodeFs);
    let open = 0;
    let most = 0;
    const counting = {
      ...fs,
      open: async (p: string, f: string, m?: number) => {
        const fd = await fs.open(p, f, m);
        most = Math.max(most, ++open);
        return fd;
      },
      close: async (fd: number) => {
        open--;
        await fs.close(fd);
      },
    };
    const set = await OutputSet.create(dir, { fs: counting });
    const files = Array.from({ length: 3000 }, (_, b) => set.file(`band-${b}.csv`));
    for (let r = 0; r < 3; r++) {
      for (let b = 0; b < files.length; b++) {
        const p = files[b]!.write(`${b},${r},${'y'.repeat(25_000)}\n`); // each write goes out: 9,000 opens
        if (p) await p;
      }
    }
    await set.commit();
    expect(most).toBeLessThanOrEqual(32);
    expect(open).toBe(0);
    const text = readFileSync(join(dir, 'band-2999.csv'), 'utf8').split('\n');
    expect(text).toHaveLength(4);
    expect(text[2]!.startsWith('2999,2,')).toBe(true);
  }, 120_000);

  it('writeReplacing (init, train): a fault at any step keeps the old file and leaves no temporary', async () => {
    const probe = faultyFs(nodeFs);
    const dir = freshDir();
    await writeReplacing(join(dir, 'model.yaml'), 'version: 1\n', { fs: probe });
    expect(probe.calls.map((c) => c.step)).toEqual(['open', 'write', 'fsync', 'close', 'rename', 'open', 'fsync', 'close']);
    for (let k = 0; k < 5; k++) {
      for (const code of ['ENOSPC', 'EIO', 'EISDIR', 'EMFILE']) {
        const d = freshDir();
        writeFileSync(join(d, 'model.yaml'), 'old\n');
        await expect(writeReplacing(join(d, 'model.yaml'), 'new\n', { fs: faultyFs(nodeFs, k, code) })).rejects.toMatchObject({ code: 'LS108' });
        expect(readdirSync(d)).toEqual(['model.yaml']);
        expect(readFileSync(join(d, 'model.yaml'), 'utf8')).toBe('old\n');
      }
    }
  });
});
