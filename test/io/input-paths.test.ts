// Input paths: folders, globs leadscore expands itself, and the same file named twice.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandGlob, expandInputs, folderInputs, globMatches } from '../../src/io/input-paths.js';

function tree(): string {
  const dir = mkdtempSync(join(tmpdir(), 'leadscore-paths-'));
  mkdirSync(join(dir, 'raw', 'old'), { recursive: true });
  for (const f of ['events_2025-01-02.csv', 'events_2025-01-01.csv', 'events_2025-01-10.csv.gz', 'notes.md', '.hidden.csv', 'B.tsv', 'a.TXT']) writeFileSync(join(dir, 'raw', f), 'x\n');
  writeFileSync(join(dir, 'raw', 'old', 'events_2024-12-31.csv'), 'x\n');
  return dir;
}

describe('glob matching', () => {
  it('* ? [set] [!set] match within one segment; ** any folders; hidden names only with a leading dot', () => {
    expect(globMatches('events_*.csv', 'events_2025-01-01.csv')).toBe(true);
    expect(globMatches('events_*.csv', 'old/events_2025-01-01.csv')).toBe(false);
    expect(globMatches('**/events_*.csv', 'old/events_2025-01-01.csv')).toBe(true);
    expect(globMatches('**/events_*.csv', 'events_2025-01-01.csv')).toBe(true);
    expect(globMatches('events_2025-01-0?.csv', 'events_2025-01-02.csv')).toBe(true);
    expect(globMatches('events_2025-01-0?.csv', 'events_2025-01-10.csv')).toBe(false);
    expect(globMatches('events_2025-01-0[12].csv', 'events_2025-01-02.csv')).toBe(true);
    expect(globMatches('events_2025-01-0[!12].csv', 'events_2025-01-02.csv')).toBe(false);
    expect(globMatches('*.csv', '.hidden.csv')).toBe(false);
    expect(globMatches('.*.csv', '.hidden.csv')).toBe(true);
    expect(globMatches('a+b(1).csv', 'a+b(1).csv')).toBe(true);
  });
});

describe('expanding input arguments', () => {
  it('a folder gives its *.csv, *.csv.gz, *.tsv, *.txt files (not hidden, not sub-folders), by name', async () => {
    const dir = tree();
    const names = (await folderInputs(join(dir, 'raw'))).map((p) => p.slice(dir.length + 5));
    expect(names).toEqual(['B.tsv', 'a.TXT', 'events_2025-01-01.csv', 'events_2025-01-02.csv', 'events_2025-01-10.csv.gz']);
  });
  it('a glob expands to the files it matches, sorted; relative patterns stay relative', async () => {
    const dir = tree();
    expect(await expandGlob(join(dir, 'raw/events_2025-*.csv'))).toEqual([join(dir, 'raw/events_2025-01-01.csv'), join(dir, 'raw/events_2025-01-02.csv')]);
    expect(await expandGlob(join(dir, 'r?w/**/events_*.csv'))).toEqual([
      join(dir, 'raw/events_2025-01-01.csv'), join(dir, 'raw/events_2025-01-02.csv'), join(dir, 'raw/old/events_2024-12-31.csv'),
    ]);
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      expect(await expandGlob('raw/*.tsv')).toEqual(['raw/B.tsv']);
    } finally {
      process.chdir(cwd);
    }
  });
  it('files, folders and globs mix; a file named twice is read once; a name that exists is not a pattern', async () => {
    const dir = tree();
    const odd = join(dir, 'raw', 'odd[1].csv');
    writeFileSync(odd, 'x\n');
    const got = await expandInputs([join(dir, 'raw/events_2025-01-02.csv'), join(dir, 'raw/events_*.csv'), odd], 'activities');
    expect(got).toEqual([join(dir, 'raw/events_2025-01-02.csv'), join(dir, 'raw/events_2025-01-01.csv'), odd]);
    expect(await expandInputs(['-', 'missing.csv'], 'leads')).toEqual(['-', 'missing.csv']); // the reader reports LS101
  });
  it('a folder without input files, a pattern without matches and stdin twice are LS160', async () => {
    const dir = tree();
    mkdirSync(join(dir, 'empty'));
    await expect(expandInputs([join(dir, 'empty')], 'activities')).rejects.toMatchObject({ code: 'LS160' });
    await expect(expandInputs([join(dir, 'raw/*.parquet')], 'activities')).rejects.toMatchObject({ code: 'LS160' });
    await expect(expandInputs(['-', '-'], 'leads')).rejects.toMatchObject({ code: 'LS160' });
  });
});
