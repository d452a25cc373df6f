// Issue 16 (smaller findings): memory and open files grew with the number of -a files — every file was
// opened (a read stream, its first 64 KiB) before the first one was read, the fast path folded all small
// files at once, and every input was hashed at once. 300 files under `ulimit -n 128` stopped with
// EMFILE (LS101). Now a file is held as its header until its rows are read, small files are folded one
// at a time, and at most two inputs are hashed at once: the run succeeds on both paths and scores as
// one file holding the same rows does.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, ROOT, tempDir } from '../helpers/cli.js';

const FILES = 300;

describe('many activity files', () => {
  it(`${FILES} -a files under ulimit -n 128: exit 0 on both paths, scored as one file of the same rows`, () => {
    const dir = tempDir('ls-many-a-');
    const [header, ...rows] = readFileSync(join(ROOT, 'samples/activities.csv'), 'utf8').trimEnd().split('\n');
    const per = Math.floor(rows.length / FILES);
    mkdirSync(join(dir, 'acts'));
    for (let k = 0; k < FILES; k++) {
      const text = [header, ...rows.slice(k * per, (k + 1) * per)].join('\n') + '\n';
      // every third file in UTF-16: score reads it from a UTF-8 copy (io/input-copies.ts), made one at a time
      writeFileSync(join(dir, 'acts', `a${String(k).padStart(3, '0')}.csv`), k % 3 === 0 ? Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]) : text);
    }
    writeFileSync(join(dir, 'one.csv'), [header, ...rows.slice(0, FILES * per)].join('\n') + '\n');
    const score = (acts: string, out: string, env: Record<string, string>) =>
      spawnSync('sh', ['-c', `ulimit -n 128 && exec "${process.execPath}" "${BIN}" score -m models/b2b-saas.yaml -l samples/leads.csv -a "${acts}" -o "${out}" --as-of 2026-11-01 -q --format json`], {
        encoding: 'utf8',
        cwd: ROOT,
        env: { ...process.env, ...env },
      });
    const one = score(join(dir, 'one.csv'), join(dir, 'one'), {});
    expect(one.status, one.stderr).toBe(0);
    const expected = readFileSync(join(dir, 'one', 'scored.csv'), 'utf8');
    for (const [name, env] of [['fast', {}], ['reference', { LEADSCORE_REFERENCE: '1' }]] as const) {
      const r = score(join(dir, 'acts'), join(dir, name), env);
      expect(r.status, `${name}: ${r.stderr}`).toBe(0);
      expect(r.stderr).not.toContain('EMFILE');
      expect(readFileSync(join(dir, name, 'scored.csv'), 'utf8') === expected, name).toBe(true);
      const s = JSON.parse(readFileSync(join(dir, name, 'summary.json'), 'utf8'));
      expect(s.inputs.filter((i: { role: string }) => i.role === 'activities')).toHaveLength(FILES);
      expect(s.inputs.every((i: { sha256?: string }) => /^[0-9a-f]{64}$/.test(i.sha256 ?? ''))).toBe(true);
    }
  }, 240_000);
});
