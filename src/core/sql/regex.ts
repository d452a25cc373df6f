// A JavaScript regular expression (as `matches` compiles it: `new RegExp(source, 'i')`, non-unicode
// mode) translated into the regular-expression syntax of a SQL engine, with the same match/no-match
// answer on every string — or refused, naming the feature, when the engine cannot say the same thing.
// Pure. The engines: RE2 (DuckDB, BigQuery), PostgreSQL's ARE, Java (Spark), Snowflake's POSIX ERE.
//
// What differs and how it is bridged:
// - `\d` `\w` `\s` are ASCII digit / ASCII word / the JS whitespace set in JS; engines differ (PostgreSQL's
//   `\w` is locale-aware, RE2's `\s` lacks \v and the Unicode spaces): they are written out as classes.
// - `.` excludes the four JS line terminators; engines differ: written as `[^\n\r\u2028\u2029]`.
// - `\b` (ASCII word boundary): RE2 has it; PostgreSQL and Java get a lookaround form over [A-Za-z0-9_];
//   Snowflake has neither: refused.
// - `$`: Java's `$` also matches before a final line terminator: `\z` there.
// - Groups become plain groups (capturing does not change whether a string matches); lazy quantifiers
//   become greedy ones (same reason). Back-references, lookaround, named groups: refused.

export type RegexFlavor = 're2' | 'pg' | 'java' | 'posix';

type Node =
  | { k: 'char'; c: number }
  | { k: 'class'; neg: boolean; items: ClassItem[] }
  | { k: 'any' }
  | { k: 'start' }
  | { k: 'end' }
  | { k: 'wordb'; neg: boolean }
  | { k: 'group'; alts: Node[][] }
  | { k: 'repeat'; node: Node; min: number; max: number };

type ClassItem = { lo: number; hi: number } | { named: 'd' | 'w' | 's' };

export class RegexRefusal extends Error {
  constructor(readonly feature: string) {
    super(feature);
  }
}

/** Code points JS's `\s` matches (WhiteSpace and LineTerminator of ECMA-262). */
export const JS_SPACE: readonly [number, number][] = [
  [0x09, 0x0d], [0x20, 0x20], [0xa0, 0xa0], [0x1680, 0x1680], [0x2000, 0x200a], [0x2028, 0x2029],
  [0x202f, 0x202f], [0x205f, 0x205f], [0x3000, 0x3000], [0xfeff, 0xfeff],
];

class Parser {
  i = 0;
  constructor(readonly s: string) {}

  parse(): Node[][] {
    const alts = this.disjunction();
    if (this.i < this.s.length) throw new RegexRefusal(`unbalanced ")" at ${this.i}`);
    return alts;
  }

  private peek(): string | undefined {
    return this.s[this.i];
  }

  private disjunction(): Node[][] {
    const alts: Node[][] = [this.alternative()];
    while (this.peek() === '|') {
      this.i++;
      alts.push(this.alternative());
    }
    return alts;
  }

  private alternative(): Node[] {
    const out: Node[] = [];
    for (;;) {
      const c = this.peek();
      if (c === undefined || c === '|' || c === ')') return out;
      const atom = this.atom();
      const q = this.quantifier();
      if (q) {
        if (atom.k === 'start' || atom.k === 'end' || atom.k === 'wordb') throw new RegexRefusal('a quantified assertion');
        out.push({ k: 'repeat', node: atom, min: q.min, max: q.max });
      } else out.push(atom);
    }
  }

  private quantifier(): { min: number; max: number } | undefined {
    const c = this.peek();
    let q: { min: number; max: number } | undefined;
    if (c === '*') q = { min: 0, max: Infinity };
    else if (c === '+') q = { min: 1, max: Infinity };
    else if (c === '?') q = { min: 0, max: 1 };
    else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.s.slice(this.i));
      if (!m) return undefined; // a literal "{" (non-unicode mode)
      const min = Number(m[1]);
      const max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
      this.i += m[0].length - 1;
      q = { min, max };
    }
    if (!q) return undefined;
    this.i++;
    if (this.peek() === '?') this.i++; // lazy: the same strings match
    return q;
  }

  private atom(): Node {
    const c = this.s[this.i++]!;
    switch (c) {
      case '^':
        return { k: 'start' };
      case '$':
        return { k: 'end' };
      case '.':
        return { k: 'any' };
      case '(': {
        if (this.peek() === '?') {
          if (this.s[this.i + 1] !== ':') throw new RegexRefusal(this.s[this.i + 1] === '<' && !'=!'.includes(this.s[this.i + 2] ?? '') ? 'a named group' : 'a lookahead or lookbehind');
          this.i += 2;
        }
        const alts = this.disjunction();
        if (this.peek() !== ')') throw new RegexRefusal('an unclosed group');
        this.i++;
        return { k: 'group', alts };
      }
      case '[':
        return this.charClass();
      case '\\':
        return this.escape();
      case '*':
      case '+':
      case '?':
        throw new RegexRefusal('a quantifier with nothing to repeat');
      default:
        return { k: 'char', c: c.charCodeAt(0) };
    }
  }

  /** After a backslash, outside a class. */
  private escape(): Node {
    const c = this.s[this.i];
    if (c === undefined) throw new RegexRefusal('a trailing backslash');
    if (c === 'b' || c === 'B') {
      this.i++;
      return { k: 'wordb', neg: c === 'B' };
    }
    const named = this.namedClass();
    if (named) return named;
    if (/[1-9]/.test(c)) throw new RegexRefusal('a back-reference');
    return { k: 'char', c: this.charEscape(false) };
  }

  private namedClass(): Node | undefined {
    const c = this.s[this.i]!;
    const lower = c.toLowerCase();
    if ((lower === 'd' || lower === 'w' || lower === 's') && 'dwsDWS'.includes(c)) {
      this.i++;
      return { k: 'class', neg: c !== lower, items: [{ named: lower as 'd' | 'w' | 's' }] };
    }
    return undefined;
  }

  /** A character escape (backslash consumed; `this.i` at the letter); returns the code unit. */
  private charEscape(inClass: boolean): number {
    const c = this.s[this.i++]!;
    switch (c) {
      case 't': return 9;
      case 'n': return 10;
      case 'v': return 11;
      case 'f': return 12;
      case 'r': return 13;
      case '0':
        throw new RegexRefusal('a NUL character (\\0)');
      case 'b':
        if (inClass) return 8;
        break;
      case 'x': {
        const m = /^[0-9a-fA-F]{2}/.exec(this.s.slice(this.i));
        if (!m) return 'x'.charCodeAt(0);
        this.i += 2;
        return parseInt(m[0], 16);
      }
      case 'u': {
        const m = /^[0-9a-fA-F]{4}/.exec(this.s.slice(this.i));
        if (!m) throw new RegexRefusal('a \\u escape without four hex digits');
        this.i += 4;
        const v = parseInt(m[0], 16);
        if (v >= 0xd800 && v <= 0xdfff) throw new RegexRefusal('a surrogate code unit (\\u' + m[0] + ')');
        if (v === 0) throw new RegexRefusal('a NUL character');
        return v;
      }
      case 'c':
        throw new RegexRefusal('a control escape (\\c)');
    }
    if (c === 'k') throw new RegexRefusal('a named back-reference');
    if (/[1-9]/.test(c)) throw new RegexRefusal(inClass ? 'an octal escape in a class' : 'a back-reference');
    return c.charCodeAt(0); // identity escape: the character itself
  }

  private charClass(): Node {
    let neg = false;
    if (this.peek() === '^') {
      neg = true;
      this.i++;
    }
    const items: ClassItem[] = [];
    const one = (): ClassItem | number => {
      const c = this.s[this.i++];
      if (c === undefined) throw new RegexRefusal('an unclosed character class');
      if (c === '\\') {
        const n = this.s[this.i];
        if (n !== undefined && 'dwsDWS'.includes(n)) {
          this.i++;
          if (n !== n.toLowerCase()) throw new RegexRefusal(`\\${n} inside a character class`);
          return { named: n as 'd' | 'w' | 's' };
        }
        return this.charEscape(true);
      }
      return c.charCodeAt(0);
    };
    while (this.peek() !== ']') {
      if (this.peek() === undefined) throw new RegexRefusal('an unclosed character class');
      const a = one();
      if (typeof a !== 'number') {
        items.push(a);
        continue;
      }
      if (this.peek() === '-' && this.s[this.i + 1] !== ']' && this.s[this.i + 1] !== undefined) {
        this.i++;
        const b = one();
        if (typeof b !== 'number') throw new RegexRefusal('a class range ending in a class escape');
        if (b < a) throw new RegexRefusal('a reversed class range');
        items.push({ lo: a, hi: b });
      } else items.push({ lo: a, hi: a });
    }
    this.i++;
    for (const it of items) {
      if ('lo' in it && it.lo <= 0xdfff && it.hi >= 0xd800) throw new RegexRefusal('a class over surrogate code units');
    }
    return { k: 'class', neg, items };
  }
}

const WORD = '[A-Za-z0-9_]';

function hex(n: number): string {
  return n.toString(16).padStart(4, '0');
}

/** One character as it stands in a pattern of the flavor (outside or inside a bracket expression). */
function emitChar(c: number, flavor: RegexFlavor, inClass: boolean): string {
  const ch = String.fromCharCode(c);
  if (c < 0x20 || c === 0x7f || (c >= 0x80 && c < 0xa0) || c === 0x2028 || c === 0x2029 || c === 0xfeff || c === 0xa0 || (c >= 0x2000 && c <= 0x200a)) {
    // invisible characters: an escape each flavor reads
    if (flavor === 're2') return `\\x{${c.toString(16)}}`;
    if (flavor === 'java') return `\\x{${c.toString(16)}}`;
    if (flavor === 'pg') return `\\u${hex(c)}`;
    return ch; // posix: the character itself
  }
  if (inClass) return /[\]\\[^\-&]/.test(ch) ? (flavor === 'posix' && ch === '&' ? ch : '\\' + ch) : ch;
  return /[\\^$.|?*+()[\]{}]/.test(ch) ? '\\' + ch : ch;
}

function emitRanges(ranges: readonly [number, number][], flavor: RegexFlavor): string {
  return ranges.map(([lo, hi]) => (lo === hi ? emitChar(lo, flavor, true) : `${emitChar(lo, flavor, true)}-${emitChar(hi, flavor, true)}`)).join('');
}

function namedRanges(n: 'd' | 'w' | 's'): [number, number][] {
  if (n === 'd') return [[48, 57]];
  if (n === 'w') return [[65, 90], [97, 122], [48, 57], [95, 95]];
  return JS_SPACE.map(([a, b]) => [a, b]);
}

function emitNode(n: Node, flavor: RegexFlavor, maxRepeat: number): string {
  switch (n.k) {
    case 'char':
      return emitChar(n.c, flavor, false);
    case 'any':
      return `[^${emitRanges([[10, 10], [13, 13], [0x2028, 0x2029]], flavor)}]`;
    case 'start':
      return '^';
    case 'end':
      return flavor === 'java' ? '\\z' : '$';
    case 'wordb': {
      if (flavor === 're2') return n.neg ? '\\B' : '\\b';
      if (flavor === 'posix') throw new RegexRefusal(n.neg ? '\\B (not a word boundary)' : '\\b (a word boundary)');
      const at = `(?<=${WORD})(?!${WORD})|(?<!${WORD})(?=${WORD})`;
      const notAt = `(?<=${WORD})(?=${WORD})|(?<!${WORD})(?!${WORD})`;
      return `(?:${n.neg ? notAt : at})`;
    }
    case 'class': {
      const ranges: [number, number][] = [];
      for (const it of n.items) {
        if ('named' in it) ranges.push(...namedRanges(it.named));
        else ranges.push([it.lo, it.hi]);
      }
      if (ranges.length === 0) throw new RegexRefusal(n.neg ? 'an empty negated class ([^])' : 'an empty class ([])');
      return `[${n.neg ? '^' : ''}${emitRanges(ranges, flavor)}]`;
    }
    case 'group':
      return `(${n.alts.map((a) => a.map((x) => emitNode(x, flavor, maxRepeat)).join('')).join('|')})`;
    case 'repeat': {
      if (n.max !== Infinity && n.max > maxRepeat) throw new RegexRefusal(`a repeat count above ${maxRepeat} ({${n.min},${n.max}})`);
      if (n.min > maxRepeat) throw new RegexRefusal(`a repeat count above ${maxRepeat} ({${n.min},})`);
      const inner = emitNode(n.node, flavor, maxRepeat);
      const q = n.min === 0 && n.max === Infinity ? '*' : n.min === 1 && n.max === Infinity ? '+' : n.min === 0 && n.max === 1 ? '?' : n.max === Infinity ? `{${n.min},}` : n.min === n.max ? `{${n.min}}` : `{${n.min},${n.max}}`;
      return inner + q;
    }
  }
}

/**
 * The pattern in the flavor's syntax (without case flags: the dialect adds them). Throws RegexRefusal
 * naming the feature the flavor lacks.
 */
export function translateRegex(source: string, flavor: RegexFlavor, maxRepeat = 1000): string {
  const alts = new Parser(source).parse();
  const body = alts.map((a) => a.map((x) => emitNode(x, flavor, maxRepeat)).join('')).join('|');
  return alts.length > 1 ? `(${body})` : body;
}

/** The reason a flavor cannot take this pattern, or undefined when it can. */
export function regexRefusal(source: string, flavor: RegexFlavor, maxRepeat = 1000): string | undefined {
  try {
    translateRegex(source, flavor, maxRepeat);
    return undefined;
  } catch (e) {
    if (e instanceof RegexRefusal) return e.feature;
    throw e;
  }
}
