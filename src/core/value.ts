// Cell values: missing values, numbers and timestamps, parsed the same way everywhere (PRODUCT.md §2
// edge rules). Pure and allocation-light: these run once per cell on the hot path.

/** A cell as conditions see it: a CSV string, a computed number (signal fields), or absent. */
export type Cell = string | number | undefined;

export const DAY_MS = 86_400_000;

/**
 * The age in fractional days of an event at `t` (epoch ms) as of `asOfMs`: negative after as-of. The one
 * definition behind decay, windows, within_days / older_than_days and the activity features.
 */
export function ageDays(asOfMs: number, t: number): number {
  return (asOfMs - t) / DAY_MS;
}

/** The cells treated as missing: '' always, plus the model's `null_values` (case-insensitive). */
export interface Nulls {
  readonly tokens: Set<string>;
  readonly maxLength: number;
}

export function makeNulls(nullValues: readonly string[]): Nulls {
  const tokens = new Set<string>();
  for (const v of nullValues) {
    const t = v.trim().toLowerCase();
    if (t) tokens.add(t);
  }
  let maxLength = 0;
  for (const t of tokens) maxLength = Math.max(maxLength, t.length);
  return { tokens, maxLength };
}

/** The trimmed cell, or undefined when it is missing (empty, whitespace, or a null token). */
export function present(cell: string | undefined, nulls: Nulls): string | undefined {
  if (cell === undefined) return undefined;
  const n = cell.length;
  const t = n > 0 && (cell.charCodeAt(0) <= 32 || cell.charCodeAt(n - 1) <= 32) ? cell.trim() : cell;
  if (t.length === 0) return undefined;
  if (t.length <= nulls.maxLength && nulls.tokens.has(t.toLowerCase())) return undefined;
  return t;
}

const PLAIN_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const THOUSANDS_COMMA = /^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$/;
const THOUSANDS_DOT_DECIMAL_COMMA = /^[+-]?\d{1,3}(\.\d{3})+(,\d+)?$/;
const DECIMAL_COMMA = /^[+-]?\d+,\d+$/;
/** Decimal-comma exports (French, Romanian, ...) also group thousands with a space, NBSP or narrow NBSP. */
const THOUSANDS_SPACE_DECIMAL_COMMA = /^[+-]?\d{1,3}([ \u00a0\u202f]\d{3})+(,\d+)?$/;

export type NumberFormat = 'point' | 'comma';

/**
 * A trimmed string as a number, or NaN. `point` (default): `1234.5`, `1,234.5`. `comma` (decimal
 * comma, e.g. Turkish and Romanian exports): `1234,5`, `1.234,5`, `1 234,5` (space or no-break space).
 */
export function parseNumber(s: string, format: NumberFormat = 'point'): number {
  if (PLAIN_NUMBER.test(s)) {
    if (format === 'comma' && /^[+-]?\d{1,3}(\.\d{3})+$/.test(s)) return Number(s.replace(/\./g, ''));
    return Number(s);
  }
  if (format === 'point') {
    if (THOUSANDS_COMMA.test(s)) return Number(s.replace(/,/g, ''));
    return NaN;
  }
  if (DECIMAL_COMMA.test(s)) return Number(s.replace(',', '.'));
  if (THOUSANDS_DOT_DECIMAL_COMMA.test(s)) return Number(s.replace(/\./g, '').replace(',', '.'));
  if (THOUSANDS_SPACE_DECIMAL_COMMA.test(s)) return Number(s.replace(/[ \u00a0\u202f]/g, '').replace(',', '.'));
  return NaN;
}

export type DateFormat = 'iso' | 'dmy' | 'mdy';

function d2(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  if (a < 0 || a > 9 || b < 0 || b > 9) return NaN;
  return a * 10 + b;
}

const DAYS_IN_MONTH = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Date.UTC for any 4-digit year (Date.UTC maps years 0-99 to 1900-1999). */
function utc(y: number, mo: number, d: number, h = 0, mi = 0, sec = 0): number {
  if (y >= 100) return Date.UTC(y, mo - 1, d, h, mi, sec);
  return Date.UTC(y + 400, mo - 1, d, h, mi, sec) - 146_097 * DAY_MS; // 400 Gregorian years
}

function validDate(y: number, mo: number, d: number): boolean {
  if (!(mo >= 1 && mo <= 12 && d >= 1)) return false;
  if (d <= 28) return true;
  const leap = mo === 2 && (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0));
  return d <= DAYS_IN_MONTH[mo]! + (leap ? 1 : 0);
}

const DAY_FIRST = /^(\d{1,2})[./-](\d{1,2})[./-](\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;

/**
 * A trimmed timestamp as epoch milliseconds (UTC), or NaN. Accepts ISO 8601 dates and date-times with
 * or without an offset (no offset = UTC), `YYYY-MM-DD HH:mm[:ss[.fff]]`, epoch seconds (10 digits) or
 * milliseconds (13 digits), and with `dmy`/`mdy` the day-first / month-first `DD.MM.YYYY`, `DD/MM/YYYY`.
 */
export function parseTimestamp(s: string, format: DateFormat = 'iso'): number {
  const n = s.length;
  if (n >= 10 && s.charCodeAt(4) === 45 /* - */ && s.charCodeAt(7) === 45) {
    const y = d2(s, 0) * 100 + d2(s, 2);
    const mo = d2(s, 5);
    const d = d2(s, 8);
    if (Number.isNaN(y + mo + d) || !validDate(y, mo, d)) return NaN;
    let ms = utc(y, mo, d);
    if (n === 10) return ms;
    const sep = s.charCodeAt(10);
    if ((sep !== 84 && sep !== 116 && sep !== 32) || n < 16 || s.charCodeAt(13) !== 58) return NaN;
    const h = d2(s, 11);
    const mi = d2(s, 14);
    if (!(h <= 23 && mi <= 59)) return NaN;
    ms += h * 3_600_000 + mi * 60_000;
    let i = 16;
    if (i < n && s.charCodeAt(i) === 58) {
      const sec = d2(s, 17);
      if (!(sec <= 60)) return NaN;
      ms += sec * 1000;
      i = 19;
      if (i < n && (s.charCodeAt(i) === 46 || s.charCodeAt(i) === 44)) {
        let j = i + 1;
        let frac = 0;
        let scale = 100;
        while (j < n) {
          const c = s.charCodeAt(j) - 48;
          if (c < 0 || c > 9) break;
          frac += c * scale;
          scale /= 10;
          j++;
        }
        if (j === i + 1) return NaN;
        ms += Math.floor(frac);
        i = j;
      }
    }
    if (i === n) return ms;
    const z = s.charCodeAt(i);
    if ((z === 90 || z === 122) && i === n - 1) return ms;
    if (z === 43 || z === 45) {
      const oh = d2(s, i + 1);
      let om = 0;
      if (i + 3 === n) om = 0;
      else if (s.charCodeAt(i + 3) === 58 && i + 6 === n) om = d2(s, i + 4);
      else if (i + 5 === n) om = d2(s, i + 3);
      else return NaN;
      if (!(oh <= 23 && om <= 59)) return NaN;
      const off = (oh * 60 + om) * 60_000;
      return z === 43 ? ms - off : ms + off;
    }
    return NaN;
  }
  if (n === 10 || n === 13) {
    let allDigits = true;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c < 48 || c > 57) {
        allDigits = false;
        break;
      }
    }
    if (allDigits) return n === 10 ? Number(s) * 1000 : Number(s);
  }
  if (format !== 'iso') {
    const m = DAY_FIRST.exec(s);
    if (m) {
      const a = Number(m[1]);
      const b = Number(m[2]);
      const y = Number(m[3]);
      const d = format === 'dmy' ? a : b;
      const mo = format === 'dmy' ? b : a;
      if (!validDate(y, mo, d)) return NaN;
      const h = m[4] ? Number(m[4]) : 0;
      const mi = m[5] ? Number(m[5]) : 0;
      const sec = m[6] ? Number(m[6]) : 0;
      if (h > 23 || mi > 59 || sec > 60) return NaN;
      return utc(y, mo, d, h, mi, sec);
    }
  }
  return NaN;
}

/** Round half away from zero to 2 decimals, without -0. */
export function round2(x: number): number {
  const r = Math.sign(x) * Math.round(Math.abs(x) * 100 + 1e-9) / 100;
  return r === 0 ? 0 : r;
}

/** A score-like number as written in CSVs: fixed 2 decimals (the cents of round2, written as integers). */
export function formatFixed2(x: number): string {
  const cents = Math.round(Math.abs(x) * 100 + 1e-9);
  if (!(cents < 9e15)) return round2(x).toFixed(2);
  if (cents === 0) return '0.00';
  const whole = Math.floor(cents / 100);
  const frac = cents - whole * 100;
  return (x < 0 ? '-' : '') + whole + (frac < 10 ? '.0' : '.') + frac;
}

/** A number as written in reasons: at most 2 decimals, trailing zeros dropped, with a sign. */
export function formatPoints(x: number): string {
  const r = round2(x);
  const s = String(r);
  return r > 0 ? '+' + s : s;
}

/**
 * A copy of `s` that does not keep a larger string alive. V8 represents substrings of 13 or more
 * characters as views into their parent (a whole decoded chunk of a CSV file); a value kept for the
 * whole run (a lead id) must not pin its chunk.
 */
export function detach(s: string): string {
  return s.length < 13 ? s : (' ' + s).slice(1);
}
