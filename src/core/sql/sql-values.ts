// A CSV cell's value rules written as SQL expressions in one dialect: trimming (JS's trim set), missing
// cells (empty or a null_values token), numbers by parseNumber's patterns, timestamps by
// parseTimestamp's forms, number literals, and the cents formatting of formatFixed2 / formatPoints.
// Pure: every method returns SQL text.
import { DAY_MS } from '../value.js';
import type { Dialect } from './dialect.js';
import { JS_SPACE, translateRegex } from './regex.js';

/** Decay factors are summed as integers of 1e-9, as the fold sums them (round(f × 1e9) per activity). */
export const SCALE = 1e9;

export type NumberFormat = 'point' | 'comma';

const ISO = '^\\d{4}-\\d{2}-\\d{2}(?:[Tt ]\\d{2}:\\d{2}(?::\\d{2}(?:[.,]\\d+)?)?(?:[Zz]|[+-]\\d{2}(?::?\\d{2})?)?)?$';
const PLAIN_NUMBER = '^[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?$';
const THOUSANDS_COMMA = '^[+-]?\\d{1,3}(,\\d{3})+(\\.\\d+)?$';
const THOUSANDS_DOT_ONLY = '^[+-]?\\d{1,3}(\\.\\d{3})+$';
const THOUSANDS_DOT_DECIMAL_COMMA = '^[+-]?\\d{1,3}(\\.\\d{3})+(,\\d+)?$';
const DECIMAL_COMMA = '^[+-]?\\d+,\\d+$';
const THOUSANDS_SPACE_DECIMAL_COMMA = '^[+-]?\\d{1,3}([ \\u00a0\\u202f]\\d{3})+(,\\d+)?$';

function jsSpaceChars(): string {
  let s = '';
  for (const [a, b] of JS_SPACE) for (let c = a; c <= b; c++) s += String.fromCharCode(c);
  return s;
}

export class SqlValues {
  readonly d: Dialect;
  private readonly ws: string;
  private readonly tokens: string[];

  /** `nullValues`: the leads' null_values (activity cells use the same tokens, as score does). */
  constructor(d: Dialect, nullValues: readonly string[]) {
    this.d = d;
    this.ws = d.str(jsSpaceChars());
    this.tokens = [];
    for (const v of nullValues) {
      const t = v.trim().toLowerCase();
      if (t && !this.tokens.includes(t)) this.tokens.push(t);
    }
  }

  /** A JS regex (that every dialect can express: the compiler's own patterns) matched against `e`. */
  fixedRegex(e: string, source: string, ci = false): string {
    return this.d.regexMatch(e, translateRegex(source, this.d.flavor, this.d.maxRepeat), ci);
  }

  /**
   * JS's String.prototype.trim. Cells that start and end with a visible ASCII character (nearly all)
   * take the fast path: the engines' trim with a set of 25 characters is slow.
   */
  jsTrim(e: string): string {
    return `CASE WHEN ASCII(${e}) BETWEEN 33 AND 126 AND ASCII(SUBSTR(${e}, LENGTH(${e}), 1)) BETWEEN 33 AND 126 THEN ${e} ELSE ${this.d.trimChars(e, this.ws)} END`;
  }

  /** present(): trimmed only when the first or last code unit is <= 32 (as score does), then null tokens. */
  present(raw: string): string {
    const t = `CASE WHEN ASCII(SUBSTR(${raw}, 1, 1)) <= 32 OR ASCII(SUBSTR(${raw}, LENGTH(${raw}), 1)) <= 32 THEN ${this.jsTrim(raw)} ELSE ${raw} END`;
    return this.nullCheck(t);
  }

  /** NULL when the (trimmed) text is empty or a null token. */
  nullCheck(t: string): string {
    const isNull = this.tokens.length ? ` OR LOWER(${t}) IN (${this.tokens.map((x) => this.d.str(x)).join(', ')})` : '';
    return `CASE WHEN ${t} = ''${isNull} THEN NULL ELSE ${t} END`;
  }

  /** parseNumber of present text `v` in a number format, NULL when it is not a number. */
  parseNumber(v: string, nf: NumberFormat): string {
    const d = this.d;
    const m = (p: string) => this.fixedRegex(v, p);
    if (nf === 'point') {
      return `CASE WHEN ${m(PLAIN_NUMBER)} THEN ${d.toDouble(v)} WHEN ${m(THOUSANDS_COMMA)} THEN ${d.toDouble(`REPLACE(${v}, ',', '')`)} END`;
    }
    const spaces = `REPLACE(REPLACE(REPLACE(${v}, ' ', ''), ${d.str('\u00a0')}, ''), ${d.str('\u202f')}, '')`;
    return (
      `CASE WHEN ${m(THOUSANDS_DOT_ONLY)} THEN ${d.toDouble(`REPLACE(${v}, '.', '')`)}` +
      ` WHEN ${m(PLAIN_NUMBER)} THEN ${d.toDouble(v)}` +
      ` WHEN ${m(DECIMAL_COMMA)} THEN ${d.toDouble(`REPLACE(${v}, ',', '.')`)}` +
      ` WHEN ${m(THOUSANDS_DOT_DECIMAL_COMMA)} THEN ${d.toDouble(`REPLACE(REPLACE(${v}, '.', ''), ',', '.')`)}` +
      ` WHEN ${m(THOUSANDS_SPACE_DECIMAL_COMMA)} THEN ${d.toDouble(`REPLACE(${spaces}, ',', '.')`)} END`
    );
  }

  /**
   * parseTimestamp in three CTE steps over `from`: the form of each text (1 ISO, 2 epoch seconds,
   * 3 epoch ms), its parts, then epoch milliseconds (NULL when it is not a valid date-time).
   */
  timestampCtes(name: string, from: string, cols: { src: string; out: string }[]): { ctes: string[]; last: string } {
    if (cols.length === 0) return { ctes: [], last: from };
    const d = this.d;
    const kind = cols.map(({ src, out }) => `CASE WHEN ${src} IS NULL THEN 0 WHEN ${this.fixedRegex(src, ISO)} THEN 1 WHEN ${this.fixedRegex(src, '^\\d{10}$')} THEN 2 WHEN ${this.fixedRegex(src, '^\\d{13}$')} THEN 3 ELSE 0 END AS ${out}_k`);
    const a = `${name}_tk AS (SELECT ${from}.*, ${kind.join(', ')} FROM ${from})`;
    const parts = cols.map(({ src, out }) => {
      const s = src;
      const len = `LENGTH(${s})`;
      const sub = (i: string | number, n: number) => `SUBSTR(${s}, ${i}, ${n})`;
      const dig = (i: string | number, n: number) => d.toDouble(sub(i, n));
      const iso = `${out}_k = 1`;
      const hasSec = `${len} >= 19 AND ${sub(17, 1)} = ':'`;
      const frac = `${hasSec} AND ${sub(20, 1)} IN ('.', ',')`;
      const isDigit = (i: number) => `${sub(i, 1)} BETWEEN '0' AND '9'`;
      const ms = `CASE WHEN ${frac} THEN ${dig(21, 1)} * 100 + CASE WHEN ${isDigit(22)} THEN ${dig(22, 1)} * 10 + CASE WHEN ${isDigit(23)} THEN ${dig(23, 1)} ELSE 0 END ELSE 0 END ELSE 0 END`;
      const sign = (i: string) => `CASE WHEN ${sub(i, 1)} = '+' THEN 1 ELSE -1 END`;
      const off =
        `CASE WHEN ${len} <= 10 THEN 0` +
        ` WHEN ${sub(`${len} - 5`, 1)} IN ('+', '-') AND ${sub(`${len} - 2`, 1)} = ':' THEN ${sign(`${len} - 5`)} * (${dig(`${len} - 4`, 2)} * 60 + ${dig(`${len} - 1`, 2)})` +
        ` WHEN ${sub(`${len} - 4`, 1)} IN ('+', '-') THEN ${sign(`${len} - 4`)} * (${dig(`${len} - 3`, 2)} * 60 + ${dig(`${len} - 1`, 2)})` +
        ` WHEN ${sub(`${len} - 2`, 1)} IN ('+', '-') THEN ${sign(`${len} - 2`)} * (${dig(`${len} - 1`, 2)} * 60) ELSE 0 END`;
      const offOk =
        `CASE WHEN ${len} <= 10 THEN TRUE` +
        ` WHEN ${sub(`${len} - 5`, 1)} IN ('+', '-') AND ${sub(`${len} - 2`, 1)} = ':' THEN ${dig(`${len} - 4`, 2)} <= 23 AND ${dig(`${len} - 1`, 2)} <= 59` +
        ` WHEN ${sub(`${len} - 4`, 1)} IN ('+', '-') THEN ${dig(`${len} - 3`, 2)} <= 23 AND ${dig(`${len} - 1`, 2)} <= 59` +
        ` WHEN ${sub(`${len} - 2`, 1)} IN ('+', '-') THEN ${dig(`${len} - 1`, 2)} <= 23 ELSE TRUE END`;
      return [
        `CASE WHEN ${iso} THEN ${dig(1, 4)} END AS ${out}_y`,
        `CASE WHEN ${iso} THEN ${dig(6, 2)} END AS ${out}_mo`,
        `CASE WHEN ${iso} THEN ${dig(9, 2)} END AS ${out}_d`,
        `CASE WHEN ${iso} AND ${len} > 10 THEN ${dig(12, 2)} ELSE 0 END AS ${out}_h`,
        `CASE WHEN ${iso} AND ${len} > 10 THEN ${dig(15, 2)} ELSE 0 END AS ${out}_mi`,
        `CASE WHEN ${iso} AND ${hasSec} THEN ${dig(18, 2)} ELSE 0 END AS ${out}_s`,
        `CASE WHEN ${iso} THEN ${ms} ELSE 0 END AS ${out}_ms`,
        `CASE WHEN ${iso} THEN ${off} ELSE 0 END AS ${out}_off`,
        `CASE WHEN ${iso} THEN ${offOk} ELSE FALSE END AS ${out}_offok`,
        `CASE WHEN ${out}_k IN (2, 3) THEN ${d.toDouble(s)} END AS ${out}_epoch`,
      ].join(', ');
    });
    const b = `${name}_tp AS (SELECT ${name}_tk.*, ${parts.join(', ')} FROM ${name}_tk)`;
    const epoch = cols.map(({ out }) => {
      const y = `${out}_y`;
      const mo = `${out}_mo`;
      const dd = `${out}_d`;
      const yi = `CAST(${y} AS ${d.intType})`;
      const leap = `(${d.mod(yi, '4')} = 0 AND (${d.mod(yi, '100')} <> 0 OR ${d.mod(yi, '400')} = 0))`;
      const dim = `CASE WHEN ${mo} IN (4, 6, 9, 11) THEN 30 WHEN ${mo} = 2 THEN CASE WHEN ${leap} THEN 29 ELSE 28 END ELSE 31 END`;
      const valid = `${mo} >= 1 AND ${mo} <= 12 AND ${dd} >= 1 AND ${dd} <= ${dim} AND ${out}_h <= 23 AND ${out}_mi <= 59 AND ${out}_s <= 60 AND ${out}_offok`;
      const yy = `(${y} - CASE WHEN ${mo} <= 2 THEN 1 ELSE 0 END)`;
      const era = `FLOOR(${yy} / 400)`;
      const yoe = `(${yy} - ${era} * 400)`;
      const mp = `(CASE WHEN ${mo} > 2 THEN ${mo} - 3 ELSE ${mo} + 9 END)`;
      const doy = `(FLOOR((153 * ${mp} + 2) / 5) + ${dd} - 1)`;
      const doe = `(${yoe} * 365 + FLOOR(${yoe} / 4) - FLOOR(${yoe} / 100) + ${doy})`;
      const days = `(${era} * 146097 + ${doe} - 719468)`;
      const ms = `${days} * 86400000 + ${out}_h * 3600000 + ${out}_mi * 60000 + ${out}_s * 1000 + ${out}_ms - ${out}_off * 60000`;
      return `CASE WHEN ${out}_k = 1 AND ${valid} THEN ${ms} WHEN ${out}_k = 2 THEN ${out}_epoch * 1000 WHEN ${out}_k = 3 THEN ${out}_epoch END AS ${out}`;
    });
    const c = `${name}_ts AS (SELECT ${name}_tp.*, ${epoch.join(', ')} FROM ${name}_tp)`;
    return { ctes: [a, b, c], last: `${name}_ts` };
  }

  /** A number literal: integers as written, others as an exact double. */
  lit(x: number): string {
    if (Number.isInteger(x) && Math.abs(x) < 2 ** 53) return x < 0 ? `(${x})` : String(x);
    if (!Number.isFinite(x)) throw new Error(`non-finite literal ${x}`);
    return this.d.doubleLit(x);
  }

  /** Milliseconds in a day, as a double (ages in days are fractional, as the fold computes them). */
  dayMs(): string {
    return this.d.doubleLit(DAY_MS);
  }

  /** SCALE as a double: integer units of 1e-9 back to points. */
  scale(): string {
    return this.d.doubleLit(SCALE);
  }

  /** formatFixed2's cents: round half away from zero of |x| × 100 (+1e-9), signed. */
  cents(x: string): string {
    return `SIGN(${x}) * FLOOR(ABS(${x}) * 100 + ${this.d.doubleLit(1e-9)} + 0.5)`;
  }

  /** formatPoints from integer cents: sign, whole part, and up to 2 decimals without trailing zeros. */
  formatCents(c: string): string {
    const d = this.d;
    const a = `ABS(${c})`;
    const whole = d.intText(`FLOOR(${a} / 100)`);
    const frac = `(${a} - FLOOR(${a} / 100) * 100)`;
    const fracText = `CASE WHEN ${frac} = 0 THEN '' WHEN ${d.mod(`CAST(${frac} AS ${d.intType})`, '10')} = 0 THEN '.' || ${d.intText(`${frac} / 10`)} ELSE '.' || LPAD(${d.intText(frac)}, 2, '0') END`;
    return `CASE WHEN ${c} > 0 THEN '+' ELSE '-' END || ${whole} || ${fracText}`;
  }
}
