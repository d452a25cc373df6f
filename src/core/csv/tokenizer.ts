// CSV tokenizer (RFC 4180, lenient): a pure state machine over decoded string chunks, no Node imports.
//
// Fast path: a record whose physical line holds no quote character is cut with indexOf('\n') and split
// with indexOf(delimiter); the position of the next quote is cached per chunk so that quote-free files
// scan for quotes once per chunk. Records with a quote go through parseRecord (quoted fields with
// embedded delimiters, doubled quotes and newlines). A record that is not complete at the end of a chunk
// is carried over (the unconsumed tail is prepended to the next chunk). The byte side (files, stdin,
// gzip, decoding) is src/io/csv-reader.ts.
import type { CsvBadRow } from './types.js';

export const RAW_PREVIEW_CHARS = 200;

// ---------------------------------------------------------------------------------------------------
// Record parsing (shared by the tokenizer slow path and splitRecord)

export const QUOTE = 34; // "
export const LF = 10;
export const CR = 13;

interface ParsedRecord {
  fields: string[];
  /** Index just past the record's content (before its terminator). */
  end: number;
  /** Index where the next record starts (after the terminator), or buf.length at EOF. */
  next: number;
  /** Length of the longest field, for the field_too_large check. */
  longest: number;
  /** A closing quote was followed by text other than a delimiter or a line end (kept literally). */
  strayQuote: boolean;
}

/** Result codes of parseRecord when no record could be produced. */
const INCOMPLETE = 0; // need more data
const UNCLOSED = 1; // a quoted field is still open at the end of the (final) buffer

/**
 * Parse one record starting at `start`. Quotes are significant only at the start of a field; a quote
 * inside an unquoted field is literal (relax_quotes); text after a closing quote up to the next delimiter
 * is appended literally. Returns INCOMPLETE when the record's end is not in `buf` and `final` is false.
 */
function parseRecord(buf: string, start: number, delim: string, final: boolean): ParsedRecord | typeof INCOMPLETE | typeof UNCLOSED {
  const fields: string[] = [];
  const len = buf.length;
  let longest = 0;
  let strayQuote = false;
  let i = start;
  for (;;) {
    let value: string;
    if (buf.charCodeAt(i) === QUOTE) {
      // quoted field
      let j = i + 1;
      value = '';
      for (;;) {
        const k = buf.indexOf('"', j);
        if (k === -1) return final ? UNCLOSED : INCOMPLETE;
        if (k + 1 === len && !final) return INCOMPLETE; // cannot tell "" from a closing quote yet
        if (buf.charCodeAt(k + 1) === QUOTE) {
          value += buf.slice(j, k + 1);
          j = k + 2;
          continue;
        }
        value += buf.slice(j, k);
        i = k + 1;
        break;
      }
      // after the closing quote: delimiter, terminator, EOF or (lenient) literal text up to the next delimiter
      if (i < len && !buf.startsWith(delim, i) && buf.charCodeAt(i) !== LF && buf.charCodeAt(i) !== CR) {
        const r = scanUnquoted(buf, i, delim, final);
        if (r === INCOMPLETE) return INCOMPLETE;
        value += buf.slice(i, r.stop);
        i = r.stop;
        strayQuote = true;
      } else if (buf.charCodeAt(i) === CR && i + 1 < len && buf.charCodeAt(i + 1) !== LF) {
        // a lone CR after a closing quote: keep literally up to the next delimiter/terminator
        const r = scanUnquoted(buf, i, delim, final);
        if (r === INCOMPLETE) return INCOMPLETE;
        value += buf.slice(i, r.stop);
        i = r.stop;
      }
    } else {
      const r = scanUnquoted(buf, i, delim, final);
      if (r === INCOMPLETE) return INCOMPLETE;
      value = buf.slice(i, r.stop);
      i = r.stop;
    }
    if (value.length > longest) longest = value.length;
    fields.push(value);
    // i is at a delimiter, a terminator (\n or \r\n) or the end of the buffer
    if (i >= len) {
      if (!final) return INCOMPLETE;
      return { fields, end: len, next: len, longest, strayQuote };
    }
    if (buf.startsWith(delim, i)) {
      i += delim.length;
      continue;
    }
    const c = buf.charCodeAt(i);
    if (c === LF) return { fields, end: i, next: i + 1, longest, strayQuote };
    // CR
    if (i + 1 >= len) {
      if (!final) return INCOMPLETE;
      return { fields, end: i, next: len, longest, strayQuote };
    }
    // CR LF (a lone CR was consumed as field content above)
    return { fields, end: i, next: i + 2, longest, strayQuote };
  }
}

/** Scan an unquoted field from i: stop at the delimiter, at '\n' or at '\r\n'. */
function scanUnquoted(buf: string, i: number, delim: string, final: boolean): { stop: number } | typeof INCOMPLETE {
  const d = buf.indexOf(delim, i);
  let n = buf.indexOf('\n', i);
  if (d !== -1 && (n === -1 || d < n)) return { stop: d };
  if (n === -1) {
    if (!final) return INCOMPLETE;
    n = buf.length;
    if (n > i && buf.charCodeAt(n - 1) === CR) n--;
    return { stop: n };
  }
  if (n > i && buf.charCodeAt(n - 1) === CR) n--;
  return { stop: n };
}

function countNewlines(s: string, from: number, to: number): number {
  let n = 0;
  let i = s.indexOf('\n', from);
  while (i !== -1 && i < to) {
    n++;
    i = s.indexOf('\n', i + 1);
  }
  return n;
}

/** Split a record's raw text (CsvRow.raw) back into fields. `fieldCount` (extra): drop one surplus empty last field. */
export function splitRecord(raw: string, delimiter: string, fieldCount?: number): string[] {
  let fields: string[];
  if (raw.indexOf('"') === -1) {
    fields = splitPlain(raw, 0, raw.length, delimiter);
  } else {
    const r = parseRecord(raw, 0, delimiter, true);
    if (r === INCOMPLETE || r === UNCLOSED) {
      // not a record the reader produced; best effort: plain split
      fields = splitPlain(raw, 0, raw.length, delimiter);
    } else {
      fields = r.fields;
      // a raw with a trailing terminator-like CR/LF outside quotes cannot come from the reader; ignore
    }
  }
  if (fieldCount !== undefined && fields.length === fieldCount + 1 && fields[fieldCount] === '') fields.pop();
  return fields;
}

function splitPlain(buf: string, start: number, end: number, delim: string): string[] {
  const fields: string[] = [];
  let s = start;
  const dl = delim.length;
  for (;;) {
    const d = buf.indexOf(delim, s);
    if (d === -1 || d >= end) {
      fields.push(buf.slice(s, end));
      return fields;
    }
    fields.push(buf.slice(s, d));
    s = d + dl;
  }
}

// ---------------------------------------------------------------------------------------------------
// Tokenizer: a pure state machine over decoded string chunks.

export interface TokenizerSink {
  /** A complete record. `lines` = physical lines it spans (1 unless a quoted field holds newlines). */
  record(fields: string[], raw: string, line: number, lines: number, longest: number): void;
  bad(bad: CsvBadRow): void;
}

export class Tokenizer {
  private buf = '';
  private pos = 0;
  /** Cached index of the next '"' at or after pos; -1 = unknown; MAX = none in buf. */
  private q = -1;
  /** 1-based line number of the next record. */
  line: number;
  /**
   * Skipping an oversized line until its '\n' (nothing buffered). `reported`: the reject was already
   * sent (an oversized quoted field whose line end was not yet read).
   */
  private skipping: { line: number; preview: string; reported?: boolean } | null = null;

  constructor(
    readonly delimiter: string,
    readonly maxFieldChars: number,
    readonly maxQuotedLines: number,
    firstLine = 1,
  ) {
    this.line = firstLine;
  }

  /** Feed a decoded chunk and emit every complete record. `final` = no more input follows. */
  push(chunk: string, final: boolean, sink: TokenizerSink): void {
    this.buf = this.pos < this.buf.length ? this.buf.slice(this.pos) + chunk : chunk;
    this.pos = 0;
    this.q = -1;
    if (this.skipping && !this.skipTail(final, sink)) return;
    this.run(final, sink);
  }

  /** Unconsumed text (for handing the tokenizer's tail to another consumer). */
  rest(): string {
    return this.buf.slice(this.pos);
  }

  /** True when everything pushed so far is consumed and the next character starts a record. */
  atRecordStart(): boolean {
    return this.pos >= this.buf.length && this.skipping === null;
  }

  private skipTail(final: boolean, sink: TokenizerSink): boolean {
    const s = this.skipping!;
    const nl = this.buf.indexOf('\n', this.pos);
    if (nl === -1 && !final) {
      this.buf = '';
      this.pos = 0;
      return false;
    }
    if (!s.reported) {
      sink.bad({
        line: s.line,
        reason: 'field_too_large',
        message: `field longer than ${this.maxFieldChars} characters (row skipped)`,
        raw: s.preview + '…',
      });
    }
    this.skipping = null;
    this.line = s.line + 1;
    this.pos = nl === -1 ? this.buf.length : nl + 1;
    return true;
  }

  private run(final: boolean, sink: TokenizerSink): void {
    const delim = this.delimiter;
    const maxField = this.maxFieldChars;
    let buf = this.buf;
    let pos = this.pos;
    let q = this.q;
    const len = buf.length;
    while (pos < len) {
      let nl = buf.indexOf('\n', pos);
      if (q < pos) {
        q = buf.indexOf('"', pos);
        if (q === -1) q = 0x7fffffff;
      }
      if (nl !== -1 ? q > nl : q >= len) {
        // fast path: no quote on this physical line
        if (nl === -1) {
          if (!final) {
            // incomplete line: guard against an unbounded unquoted field
            const lastDelim = buf.lastIndexOf(delim);
            if (len - Math.max(pos, lastDelim + 1) > maxField) {
              this.skipping = { line: this.line, preview: buf.slice(pos, pos + RAW_PREVIEW_CHARS) };
              this.buf = '';
              this.pos = 0;
              return;
            }
            break;
          }
          nl = len; // last line without terminator
        }
        let end = nl;
        if (end > pos && buf.charCodeAt(end - 1) === CR) end--;
        const fields = splitPlain(buf, pos, end, delim);
        let longest = 0;
        if (end - pos > maxField) for (const f of fields) if (f.length > longest) longest = f.length;
        sink.record(fields, buf.slice(pos, end), this.line, 1, longest);
        this.line++;
        pos = nl + 1;
        if (this.pauseRequested) break;
        continue;
      }
      // slow path: the record has a quote
      const r = parseRecord(buf, pos, delim, final);
      if (r === INCOMPLETE || r === UNCLOSED) {
        // is the open quoted field beyond the limits? then reject the start line and resync after it
        const pending = len - pos;
        let why: RejectWhy | null = null;
        if (r === UNCLOSED) why = 'eof';
        else if (pending > maxField + 2) why = 'chars';
        else if (countNewlines(buf, pos, len) > this.maxQuotedLines) why = 'lines';
        if (why === null) break; // wait for more data
        pos = this.rejectStartLine(buf, pos, why, sink, final);
        continue;
      }
      const lines = r.end > pos ? countNewlines(buf, pos, r.end) + 1 : 1;
      if (lines > 1 && r.strayQuote) {
        // a quoted field ran over line ends and then closed in the middle of a field: the classic
        // unbalanced quote that pairs with a later one. Reject the first line, re-read from the next.
        pos = this.rejectStartLine(buf, pos, 'stray', sink);
        continue;
      }
      sink.record(r.fields, buf.slice(pos, r.end), this.line, lines, r.longest);
      if (lines > 1 && this.resyncRequested) {
        // the sink judged the multi-line record bogus (wrong field count): re-read from its second line
        this.resyncRequested = false;
        pos = this.rejectStartLine(buf, pos, null, sink);
        continue;
      }
      this.line += lines;
      pos = r.next;
      if (this.pauseRequested) break;
    }
    this.pos = pos;
    this.q = q;
    if (this.pauseRequested) {
      this.pauseRequested = false;
      return;
    }
    if (final) {
      this.buf = '';
      this.pos = 0;
    }
  }

  /** Set by the sink during record() to ask for a resync at the record's second physical line. */
  resyncRequested = false;
  /** Set by the sink during record() to stop after this record; the next push() continues from there. */
  pauseRequested = false;

  /**
   * Reject the physical line at pos (unless why is null) and return the index of the next line. When the
   * line's end is not read yet (an oversized quoted field), the rest of the line is skipped as it comes.
   */
  private rejectStartLine(buf: string, pos: number, why: RejectWhy | null, sink: TokenizerSink, final = true): number {
    let nl = buf.indexOf('\n', pos);
    const open = nl === -1 && !final;
    if (nl === -1) nl = buf.length;
    let end = nl;
    if (end > pos && buf.charCodeAt(end - 1) === CR) end--;
    if (why !== null) {
      const what =
        why === 'chars'
          ? `a quoted field longer than ${this.maxFieldChars} characters`
          : why === 'lines'
            ? `a quote not closed within ${this.maxQuotedLines} lines`
            : why === 'eof'
              ? 'a quote never closed before the end of the file'
              : 'a quoted field that runs over line ends and closes mid-field';
      sink.bad({
        line: this.line,
        reason: why === 'chars' ? 'field_too_large' : 'unbalanced_quote',
        message: `${what} starts on this line (row rejected; reading resumes at line ${this.line + 1})`,
        raw: open ? buf.slice(pos, pos + RAW_PREVIEW_CHARS) + '…' : buf.slice(pos, end),
      });
    }
    if (open) {
      this.skipping = { line: this.line, preview: '', reported: true };
      return buf.length;
    }
    this.line++;
    return nl < buf.length ? nl + 1 : buf.length;
  }
}

export type RejectWhy = 'eof' | 'lines' | 'chars' | 'stray';
