// Input paths as people give them (docs/input.md#many-files): files, folders (every *.csv, *.csv.gz,
// *.tsv, *.txt in it, by name) and glob patterns that leadscore expands itself (`-a 'raw/*.csv'`, quoted
// so that the shell leaves it alone, or on systems whose shell does not expand). The same file named
// twice is read once.
import { readdir, stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { InputError } from './errors.js';

/** The names a folder contributes (compared ignoring case). */
export const INPUT_EXTENSIONS = ['.csv', '.csv.gz', '.tsv', '.txt'] as const;

const GLOB_CHARS = /[*?[]/;

/** By code point, so that every machine lists the files in the same order. */
const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function isInputName(name: string): boolean {
  if (name.startsWith('.')) return false;
  const lower = name.toLowerCase();
  return INPUT_EXTENSIONS.some((e) => lower.endsWith(e));
}

async function kind(path: string): Promise<'file' | 'dir' | undefined> {
  try {
    const s = await stat(path);
    return s.isDirectory() ? 'dir' : 'file';
  } catch {
    return undefined;
  }
}

/**
 * One path segment of a glob as a regular expression: `*` any run of characters but `/`, `?` one
 * character, `[abc]` `[a-z]` `[!abc]` `[^abc]` one character of (or not of) a set; everything else
 * literally. A leading `.` is matched only by a pattern that starts with `.` (as in the shell).
 */
export function globSegment(segment: string): RegExp {
  let re = '';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const close = segment.indexOf(']', i + 2);
      if (close < 0) {
        re += '\\[';
        continue;
      }
      let body = segment.slice(i + 1, close);
      let neg = false;
      if (body.startsWith('!') || body.startsWith('^')) {
        neg = true;
        body = body.slice(1);
      }
      re += `[${neg ? '^' : ''}${body.replace(/[\\\]]/g, '\\$&')}]`;
      i = close;
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** Does a glob (with `/` between segments; `**` for any number of folders) match a relative path? */
export function globMatches(pattern: string, path: string): boolean {
  const ps = pattern.split('/');
  const xs = path.split('/');
  const go = (i: number, j: number): boolean => {
    if (i === ps.length) return j === xs.length;
    if (ps[i] === '**') {
      for (let k = j; k <= xs.length; k++) if (go(i + 1, k)) return true;
      return false;
    }
    if (j === xs.length) return false;
    const name = xs[j]!;
    if (name.startsWith('.') && !ps[i]!.startsWith('.')) return false;
    return globSegment(ps[i]!).test(name) && go(i + 1, j + 1);
  };
  return go(0, 0);
}

/** The files a glob matches, sorted by path (the pattern's segments walked from its fixed prefix). */
export async function expandGlob(pattern: string): Promise<string[]> {
  const norm = sep === '\\' ? pattern.replace(/\\/g, '/') : pattern;
  const parts = norm.split('/');
  // the fixed prefix: segments before the first one with a glob character
  let k = 0;
  while (k < parts.length && !GLOB_CHARS.test(parts[k]!)) k++;
  const prefix = parts.slice(0, k).join('/');
  const base = prefix === '' ? (norm.startsWith('/') ? '/' : '.') : prefix;
  const rest = parts.slice(k);
  const out: string[] = [];
  const walk = async (dir: string, rel: string[], depth: number): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const relPath = [...rel, e.name];
      const full = join(dir, e.name);
      const isDir = e.isDirectory() || (e.isSymbolicLink() && (await kind(full)) === 'dir');
      if (isDir) {
        // descend only while the pattern can still match deeper
        const deep = rest.includes('**');
        const seg = rest[depth]!;
        const fits = deep || (depth + 1 < rest.length && !(e.name.startsWith('.') && !seg.startsWith('.')) && globSegment(seg).test(e.name));
        if (fits) await walk(full, relPath, depth + 1);
      } else if (globMatches(rest.join('/'), relPath.join('/'))) {
        out.push(prefix === '' ? relPath.join('/') : `${prefix.replace(/\/$/, '')}/${relPath.join('/')}`);
      }
    }
  };
  if (rest.length) await walk(base, [], 0);
  return out.sort(byName);
}

/** The input files of a folder: every *.csv, *.csv.gz, *.tsv, *.txt (not hidden), by name. */
export async function folderInputs(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names: string[] = [];
  for (const e of entries) {
    if (!isInputName(e.name)) continue;
    if (e.isFile() || (e.isSymbolicLink() && (await kind(join(dir, e.name))) === 'file')) names.push(e.name);
  }
  return names.sort(byName).map((n) => join(dir, n));
}

/**
 * The files behind a list of input arguments: a file as it is, a folder as its input files, a glob as
 * the files it matches (when no file has that very name). `-` (stdin) stays. An argument that is none
 * of these stays too, for the reader to report (LS101). A folder without input files or a glob that
 * matches nothing is an error (LS160), as is stdin named twice.
 */
export async function expandInputs(args: readonly string[], role: string): Promise<string[]> {
  const out: string[] = [];
  const seen = new Set<string>();
  const add = (p: string) => {
    const key = p === '-' ? '-' : resolve(p);
    if (seen.has(key)) {
      if (p === '-') throw new InputError('LS160', `${role}: stdin (-) is given twice`, '-', undefined, 'read stdin once; give the other inputs as files');
      return;
    }
    seen.add(key);
    out.push(p);
  };
  for (const arg of args) {
    if (arg === '-') {
      add(arg);
      continue;
    }
    const k = await kind(arg);
    if (k === 'dir') {
      const files = await folderInputs(arg);
      if (files.length === 0) {
        throw new InputError('LS160', `${role}: the folder ${arg} has no input files`, arg, undefined, `a folder contributes its ${INPUT_EXTENSIONS.map((e) => `*${e}`).join(', ')} files; give files or a pattern such as '${join(arg, '*.csv')}'`);
      }
      files.forEach(add);
    } else if (k === undefined && GLOB_CHARS.test(arg)) {
      const files = await expandGlob(arg);
      if (files.length === 0) {
        throw new InputError('LS160', `${role}: no file matches the pattern ${arg}`, arg, undefined, 'check the folder and the pattern (* any characters, ? one character, [abc] one of a set, ** any folders)');
      }
      files.forEach(add);
    } else add(arg);
  }
  return out;
}
