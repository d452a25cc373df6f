// String helpers shared by diagnostics ("did you mean"), column matching and reports. Pure.

/** Levenshtein edit distance (insert, delete, substitute; each costs 1). */
export function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  let prev = new Array<number>(b.length + 1);
  let cur = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j++) {
      const cost = ca === b.charCodeAt(j - 1) ? 0 : 1;
      cur[j] = Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[b.length] as number;
}

/** Key used to compare names loosely: trimmed, case-folded, with `-`, spaces and `_` treated alike. */
export function foldName(name: string): string {
  return name.trim().toLowerCase().replace(/[\s\-_]+/g, '_');
}

/**
 * Up to `max` candidates that look like `name` (a typo, other case, other separators, or one name
 * containing the other), closest first. Candidates farther than `maxDistance` edits are left out
 * (default: a third of the length, at least 2).
 */
export function closest(name: string, candidates: readonly string[], max = 3, maxDistance?: number): string[] {
  const target = foldName(name);
  const limit = maxDistance ?? Math.max(2, Math.floor(target.length / 3));
  const scored: { c: string; d: number; i: number }[] = [];
  const seen = new Set<string>();
  candidates.forEach((c, i) => {
    if (seen.has(c)) return;
    seen.add(c);
    const f = foldName(c);
    let d = levenshtein(target, f);
    if (d > limit && target.length >= 3 && f.length >= 3) {
      // one name inside the other (email / email_address), or a long shared start (employees / employee_count)
      const prefix = commonPrefix(target, f);
      if (f.includes(target) || target.includes(f) || (prefix >= 4 && prefix * 2 >= Math.min(target.length, f.length))) d = limit;
    }
    if (d <= limit) scored.push({ c, d, i });
  });
  scored.sort((x, y) => x.d - y.d || x.i - y.i);
  return scored.slice(0, max).map((s) => s.c);
}

function commonPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

/** The single closest candidate, if any is close enough. */
export function didYouMean(name: string, candidates: readonly string[]): string | undefined {
  return closest(name, candidates, 1)[0];
}

/** snake_case: lower-case letters, digits and single underscores, starting with a letter. */
export function isSnakeCase(name: string): boolean {
  return /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/.test(name);
}

/** A suggested snake_case spelling of a name (`Fast Track` -> `fast_track`). */
export function toSnakeCase(name: string): string {
  return name
    .trim()
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/** `"a", "b" or "c"` for messages. */
export function quoteList(items: readonly string[], joiner = 'or'): string {
  const q = items.map((s) => JSON.stringify(s));
  if (q.length <= 1) return q.join('');
  return `${q.slice(0, -1).join(', ')} ${joiner} ${q[q.length - 1]}`;
}

/** The last segment of a /-separated path, as node:path's posix basename gives it ("a/b.csv/" -> "b.csv"). */
export function baseName(path: string): string {
  const t = path.replace(/\/+$/, '');
  return t.slice(t.lastIndexOf('/') + 1);
}
