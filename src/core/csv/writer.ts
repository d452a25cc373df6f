// CSV output cells: RFC 4180 quoting plus the spreadsheet formula guard (PRODUCT.md §4).
// One pass over the char codes per cell; no regular expression unless the cell starts like a formula.
import { isFormulaLike } from '../formula.js';

const COMMA = 44;
const QUOTE = 34;
const CR = 13;
const LF = 10;
const SPACE = 32;

/**
 * One output cell. Quoted when it contains `,` `"` CR or LF or has a leading/trailing space; quotes are
 * doubled. With `formulaGuard`, a cell starting with = + - @ TAB or CR gets a leading `'` unless it is a
 * plain number.
 */
export function csvCell(value: string, formulaGuard: boolean): string {
  const n = value.length;
  if (n === 0) return value;
  let v = value;
  if (formulaGuard && isFormulaLike(v)) v = "'" + v;
  let needsQuotes = v.charCodeAt(0) === SPACE || v.charCodeAt(v.length - 1) === SPACE;
  let hasQuote = false;
  if (!needsQuotes) {
    for (let i = 0; i < v.length; i++) {
      const c = v.charCodeAt(i);
      if (c === COMMA || c === CR || c === LF) needsQuotes = true;
      else if (c === QUOTE) {
        needsQuotes = true;
        hasQuote = true;
        break;
      }
    }
  } else {
    hasQuote = v.indexOf('"') !== -1;
  }
  if (!needsQuotes) return v;
  return '"' + (hasQuote ? v.replaceAll('"', '""') : v) + '"';
}

/**
 * A comma-delimited line ending with "\n". `keys` marks the columns the formula guard never changes: the
 * lead id and the other join keys (docs/input.md "Formula guard"), so that they join back unchanged.
 */
export function csvLine(cells: readonly string[], formulaGuard: boolean, keys?: readonly boolean[]): string {
  let out = '';
  for (let i = 0; i < cells.length; i++) {
    if (i > 0) out += ',';
    out += csvCell(cells[i]!, formulaGuard && !keys?.[i]);
  }
  return out + '\n';
}
