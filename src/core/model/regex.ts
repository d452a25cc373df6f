// The regular expressions of a model (`matches:`) run on RE2 (re2js: a pure JavaScript port of RE2),
// which matches in time linear in the length of the cell whatever the pattern: no pattern can make a
// run hang on one cell (issue 16 item 4), so no pattern needs to be refused for its shape. RE2 has no
// backreferences and no lookaround (those cannot be matched in linear time); validate refuses them with
// LS052. Matching is case-insensitive (Unicode case folding), as `matches` always was.
import { RE2JS } from 're2js';

export interface ModelRegex {
  test(s: string): boolean;
}

export type RegexCompiled =
  | { ok: true; re: ModelRegex }
  /** LS050: does not compile in any dialect; LS052: valid JavaScript, but a feature RE2 does not have. */
  | { ok: false; code: 'LS050' | 'LS052'; message: string; hint: string };

/** What a JavaScript-only construct is, for the message (the first one found). */
function unsupportedFeature(source: string): string | undefined {
  if (/\(\?<?[=!]/.test(source)) return 'lookahead or lookbehind ((?=...), (?!...), (?<=...), (?<!...))';
  if (/\\[1-9]|\\k</.test(source)) return 'a backreference (\\1, \\k<name>)';
  if (/\\u[0-9a-fA-F{]/.test(source)) return 'a \\u escape (write \\x{00e9} for é)';
  if (/\\c[A-Za-z]/.test(source)) return 'a \\c control escape';
  return undefined;
}

function jsCompiles(source: string): string | undefined {
  try {
    new RegExp(source, 'i');
    return undefined;
  } catch (e) {
    return (e as Error).message.replace(/^Invalid regular expression: /, '');
  }
}

const cache = new Map<string, RegexCompiled>();

/** Compile a model's regular expression (case-insensitive, linear-time). Never throws. */
export function compileModelRegex(source: string): RegexCompiled {
  const hit = cache.get(source);
  if (hit) return hit;
  let out: RegexCompiled;
  try {
    const re = RE2JS.compile(source, RE2JS.CASE_INSENSITIVE);
    out = { ok: true, re: { test: (s: string) => re.test(s) } };
  } catch (e) {
    const why = (e as Error).message.replace(/^error parsing regexp: /, '');
    const jsError = jsCompiles(source);
    if (jsError === undefined) {
      const feature = unsupportedFeature(source);
      out = {
        ok: false,
        code: 'LS052',
        message: `uses ${feature ?? 'syntax'} that the linear-time regular expression engine (RE2) does not have: ${why}`,
        hint: 'write it without backreferences and lookaround (e.g. list the words: \\b(ceo|cto)\\b, or test the other value with a second condition in all: / not:); see docs/model.md, "Regular expressions"',
      };
    } else {
      out = {
        ok: false,
        code: 'LS050',
        message: `does not compile: ${why}`,
        hint: 'check brackets and escapes; inside double quotes a backslash is written "\\\\" (or use single quotes)',
      };
    }
  }
  if (cache.size < 10_000) cache.set(source, out);
  return out;
}
