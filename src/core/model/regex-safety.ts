// A small, pure analyser that flags regular expressions that can backtrack catastrophically
// (PRODUCT.md §4: "regular expressions checked for catastrophic backtracking"). It parses the source
// into a tiny tree and looks for the two shapes behind exponential backtracking:
//   1. nested repetition: a repeated group whose body repeats too, e.g. (a+)+, (.*)*, (\w+\s?)*,
//      unless each iteration has a delimiter the inner repetition cannot eat: (\w+,)*, ([a-z]+\.)+
//   2. ambiguous alternation under repetition: (a|a)*, (a|aa)+, (\w|\d)+, (x|)*
// Character sets are compared on a sample alphabet (ASCII plus the characters of the pattern), which is
// exact enough for the patterns scoring models use. Run only on a pattern that compiles.

export interface RegexSafety {
  safe: boolean;
  /** Why it is unsafe, e.g. "nested quantifier". */
  reason?: string;
  /** The offending part of the pattern, e.g. "(a+)+". */
  fragment?: string;
}

type Node =
  | { t: 'char'; src: string; start: number; end: number }
  | { t: 'seq'; items: Node[]; start: number; end: number }
  | { t: 'alt'; alts: Node[]; start: number; end: number }
  | { t: 'group'; body: Node; look: boolean; start: number; end: number }
  | { t: 'quant'; body: Node; min: number; max: number; start: number; end: number }
  | { t: 'zero'; start: number; end: number }
  | { t: 'backref'; start: number; end: number };

class Parser {
  i = 0;
  constructor(readonly s: string) {}
  peek(): string | undefined {
    return this.s[this.i];
  }
  alt(): Node {
    const start = this.i;
    const alts = [this.seq()];
    while (this.peek() === '|') {
      this.i++;
      alts.push(this.seq());
    }
    return alts.length === 1 ? (alts[0] as Node) : { t: 'alt', alts, start, end: this.i };
  }
  seq(): Node {
    const start = this.i;
    const items: Node[] = [];
    for (let c = this.peek(); c !== undefined && c !== '|' && c !== ')'; c = this.peek()) {
      items.push(this.quantified(this.atom()));
    }
    return items.length === 1 ? (items[0] as Node) : { t: 'seq', items, start, end: this.i };
  }
  quantified(atom: Node): Node {
    const c = this.peek();
    let min: number;
    let max: number;
    if (c === '*') [min, max] = [0, Infinity];
    else if (c === '+') [min, max] = [1, Infinity];
    else if (c === '?') [min, max] = [0, 1];
    else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.s.slice(this.i));
      if (!m) return atom;
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] === '' || m[3] === undefined ? Infinity : Number(m[3]);
      this.i += m[0].length - 1;
    } else return atom;
    this.i++;
    if (this.peek() === '?') this.i++; // lazy: same backtracking space
    const node: Node = { t: 'quant', body: atom, min, max, start: atom.start, end: this.i };
    return this.quantified(node);
  }
  atom(): Node {
    const s = this.s;
    const start = this.i;
    const c = s[this.i] as string;
    if (c === '(') {
      let look = false;
      this.i++;
      if (s.startsWith('?:', this.i)) this.i += 2;
      else if (s.startsWith('?=', this.i) || s.startsWith('?!', this.i)) [this.i, look] = [this.i + 2, true];
      else if (s.startsWith('?<=', this.i) || s.startsWith('?<!', this.i)) [this.i, look] = [this.i + 3, true];
      else if (s.startsWith('?<', this.i) && s.indexOf('>', this.i) > 0) this.i = s.indexOf('>', this.i) + 1;
      const body = this.alt();
      if (this.peek() === ')') this.i++;
      return { t: 'group', body, look, start, end: this.i };
    }
    if (c === '[') {
      this.i++;
      if (s[this.i] === '^') this.i++;
      while (this.i < s.length && s[this.i] !== ']') this.i += s[this.i] === '\\' ? 2 : 1;
      this.i++;
      return { t: 'char', src: s.slice(start, this.i), start, end: this.i };
    }
    if (c === '^' || c === '$') {
      this.i++;
      return { t: 'zero', start, end: this.i };
    }
    if (c === '\\') {
      const n = s[this.i + 1] ?? '';
      if (/[1-9]/.test(n)) {
        this.i += 1 + (/^\d+/.exec(s.slice(this.i + 1)) as RegExpExecArray)[0].length;
        return { t: 'backref', start, end: this.i };
      }
      if (n === 'k' && s[this.i + 2] === '<' && s.indexOf('>', this.i) > 0) {
        this.i = s.indexOf('>', this.i) + 1;
        return { t: 'backref', start, end: this.i };
      }
      if (n === 'b' || n === 'B') {
        this.i += 2;
        return { t: 'zero', start, end: this.i };
      }
      const m = /^\\(u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|c[A-Za-z]|0\d{0,2}|[\s\S])/.exec(s.slice(this.i));
      this.i += m ? m[0].length : 2;
      return { t: 'char', src: s.slice(start, this.i), start, end: this.i };
    }
    // A code point (keeps surrogate pairs together); ')' at top level, '{' or ']' are literals here.
    const cp = s.codePointAt(this.i) as number;
    this.i += cp > 0xffff ? 2 : 1;
    return { t: 'char', src: s.slice(start, this.i), start, end: this.i };
  }
}

const ASCII: string[] = ['\t', '\n', '\r', '\u00a0'];
for (let c = 32; c < 127; c++) ASCII.push(String.fromCharCode(c));

class Analyser {
  readonly sample: string[];
  readonly sets = new Map<string, Set<string>>();
  constructor(source: string) {
    const extra = [...source].filter((ch) => ch.charCodeAt(0) > 127);
    this.sample = [...new Set([...ASCII, ...extra])];
  }
  charSet(src: string): Set<string> {
    let set = this.sets.get(src);
    if (set) return set;
    let re: RegExp | undefined;
    try {
      re = new RegExp(`^(?:${src})$`, 'i');
    } catch {
      re = undefined;
    }
    set = new Set(re ? this.sample.filter((ch) => re.test(ch)) : this.sample);
    this.sets.set(src, set);
    return set;
  }
  nullable(n: Node): boolean {
    switch (n.t) {
      case 'char':
        return false;
      case 'seq':
        return n.items.every((x) => this.nullable(x));
      case 'alt':
        return n.alts.some((x) => this.nullable(x));
      case 'group':
        return n.look || this.nullable(n.body);
      case 'quant':
        return n.min === 0 || this.nullable(n.body);
      default:
        return true;
    }
  }
  /** Characters that can start a non-empty match of n. */
  first(n: Node): Set<string> {
    switch (n.t) {
      case 'char':
        return this.charSet(n.src);
      case 'seq': {
        const out = new Set<string>();
        for (const x of n.items) {
          for (const ch of this.first(x)) out.add(ch);
          if (!this.nullable(x)) break;
        }
        return out;
      }
      case 'alt':
        return union(n.alts.map((x) => this.first(x)));
      case 'group':
        return n.look ? new Set() : this.first(n.body);
      case 'quant':
        return n.max === 0 ? new Set() : this.first(n.body);
      default:
        return new Set();
    }
  }
  /** Every character n can consume. */
  chars(n: Node): Set<string> {
    switch (n.t) {
      case 'char':
        return this.charSet(n.src);
      case 'seq':
        return union(n.items.map((x) => this.chars(x)));
      case 'alt':
        return union(n.alts.map((x) => this.chars(x)));
      case 'group':
        return n.look ? new Set() : this.chars(n.body);
      case 'quant':
        return this.chars(n.body);
      case 'backref':
        return new Set(this.sample);
      default:
        return new Set();
    }
  }
  /** The literal string n matches, when it is a plain sequence of literal characters. */
  literal(n: Node): string | undefined {
    if (n.t === 'char') return /^(?:[^\\[.]|\\[^\w])$/u.test(n.src) ? n.src.replace(/^\\/, '').toLowerCase() : undefined;
    if (n.t === 'group' && !n.look) return this.literal(n.body);
    if (n.t === 'seq') {
      let out = '';
      for (const x of n.items) {
        const l = this.literal(x);
        if (l === undefined) return undefined;
        out += l;
      }
      return out;
    }
    return undefined;
  }
}

function union(sets: Set<string>[]): Set<string> {
  const out = new Set<string>();
  for (const s of sets) for (const ch of s) out.add(ch);
  return out;
}
function intersects(a: Set<string>, b: Set<string>): boolean {
  for (const ch of a) if (b.has(ch)) return true;
  return false;
}

/** Strip non-capturing/capturing groups: (x) -> x. */
function unwrap(n: Node): Node {
  return n.t === 'group' && !n.look ? unwrap(n.body) : n;
}
function varies(q: Node): q is Extract<Node, { t: 'quant' }> {
  return q.t === 'quant' && q.max > 1 && q.max !== q.min;
}
function children(n: Node): Node[] {
  switch (n.t) {
    case 'seq':
      return n.items;
    case 'alt':
      return n.alts;
    case 'group':
    case 'quant':
      return [n.body];
    default:
      return [];
  }
}

export function checkRegexSafety(source: string): RegexSafety {
  let root: Node;
  try {
    const p = new Parser(source);
    root = p.alt();
  } catch {
    return { safe: true };
  }
  const a = new Analyser(source);
  const frag = (n: Node) => source.slice(n.start, n.end);

  function innerRepeats(n: Node, out: Extract<Node, { t: 'quant' }>[]): void {
    for (const c of children(n)) {
      if (varies(c)) out.push(c);
      innerRepeats(c, out);
    }
  }

  /** Each iteration of outer contains a delimiter that inner cannot consume. */
  function delimited(outer: Node, inner: Node & { t: 'quant' }): boolean {
    const body = unwrap(outer);
    const branches = body.t === 'alt' ? body.alts.map(unwrap) : [body];
    for (const br of branches) {
      const items = br.t === 'seq' ? br.items : [br];
      if (!items.includes(inner)) continue;
      const innerChars = a.chars(inner.body);
      return items.some((x) => {
        if (x === inner) return false;
        const single = x.t === 'quant' && x.min >= 1 ? unwrap(x.body) : unwrap(x);
        return single.t === 'char' && !intersects(a.charSet(single.src), innerChars);
      });
    }
    return false;
  }

  let found: RegexSafety | undefined;
  function visit(n: Node): void {
    if (found) return;
    if (varies(n)) {
      const inner: Extract<Node, { t: 'quant' }>[] = [];
      innerRepeats(n.body, inner);
      for (const q of inner) {
        if (n.max !== Infinity && q.max !== Infinity) continue;
        if (a.first(q.body).size === 0) continue;
        if (delimited(n.body, q)) continue;
        found = { safe: false, reason: 'nested quantifier', fragment: frag(n) };
        return;
      }
      if (n.max === Infinity) {
        const body = unwrap(n.body);
        if (body.t === 'alt') {
          const alts = body.alts;
          for (let i = 0; i < alts.length && !found; i++) {
            const x = alts[i] as Node;
            if (a.nullable(x)) {
              found = { safe: false, reason: 'alternative that can match empty under a repetition', fragment: frag(n) };
              break;
            }
            for (let j = i + 1; j < alts.length; j++) {
              const y = alts[j] as Node;
              const lx = a.literal(x);
              const ly = a.literal(y);
              const ambiguous =
                lx !== undefined && ly !== undefined ? lx + ly === ly + lx : intersects(a.first(x), a.first(y));
              if (ambiguous) {
                found = { safe: false, reason: 'overlapping alternatives under a repetition', fragment: frag(n) };
                break;
              }
            }
          }
          if (found) return;
        }
      }
    }
    for (const c of children(n)) visit(c);
  }
  visit(root);
  return found ?? { safe: true };
}
