// CSV records found in a byte buffer without decoding it: the fast path of `score` (issue 18). The
// scanner gives each field's byte span; strings are made only for the cells someone reads.
//
// It accepts a strict subset of what the reader (csv-reader.ts) accepts, and gives the same fields on
// it: records end at '\n' or '\r\n'; a field that starts with '"' is quoted ('""' inside is one quote,
// delimiters and line ends inside are data) and ends with a quote followed by the delimiter or the
// record's end; elsewhere a quote is an ordinary byte. Anything outside the subset — a quoted field
// followed by other text, a lone '\r', a quote left open, a field longer than the reader's limit, a
// line of only delimiters or spaces — is reported as UNUSUAL, and the caller goes back to the reader
// (the reference path), which knows how to reject or repair it. Empty lines are counted as blank.

export const LF = 10;
export const CR = 13;
export const QUOTE = 34;

/** The record's end is not in the buffer yet (read more, or it is the last record: pass final). */
export const INCOMPLETE = -1;
/** Something only the reference reader handles: fall back to it. */
export const UNUSUAL = -2;

/** The reader's default field limit (characters; bytes are at least as many). */
const MAX_FIELD_BYTES = 1_048_576;
/** The reader's limit on the lines one quoted field may span. */
const MAX_QUOTED_LINES = 10_000;

export class ByteRecords {
  /** Per field of the last record: start and end byte (end exclusive, after unquoting: see `quoted`). */
  start = new Int32Array(64);
  end = new Int32Array(64);
  /** Field k was quoted: its bytes [start, end) still hold the doubled quotes (unquote with cellText). */
  quoted = new Uint8Array(64);
  /** Fields in the last record. */
  count = 0;
  /** The last record's text: [recordStart, recordEnd) (without its terminator). */
  recordStart = 0;
  recordEnd = 0;
  /** Physical lines the last record spans (more than 1 when a quoted field holds line ends). */
  lines = 1;
  /** The last record was an empty line. */
  blank = false;

  constructor(readonly delimiter: number) {}

  /**
   * Scan the record at `pos` of buf[0..len): returns the position after its terminator, INCOMPLETE
   * or UNUSUAL. With `final`, the end of the buffer ends the last record.
   */
  next(buf: Uint8Array, pos: number, len: number, final: boolean): number {
    const d = this.delimiter;
    let n = 0;
    let i = pos;
    let lines = 1;
    this.recordStart = pos;
    this.blank = false;
    if (i < len && (buf[i] === LF || (buf[i] === CR && i + 1 < len && buf[i + 1] === LF))) {
      this.blank = true;
      this.count = 0;
      this.recordEnd = i;
      this.lines = 1;
      return buf[i] === LF ? i + 1 : i + 2;
    }
    for (;;) {
      if (n === this.start.length) this.grow();
      if (i < len && buf[i] === QUOTE) {
        // quoted field
        const s = i + 1;
        let j = s;
        for (;;) {
          while (j < len && buf[j] !== QUOTE) {
            if (buf[j] === LF) lines++;
            j++;
          }
          if (j >= len) return final ? UNUSUAL : INCOMPLETE;
          if (j + 1 >= len && !final) return INCOMPLETE;
          if (buf[j + 1] === QUOTE) {
            j += 2;
            continue;
          }
          break;
        }
        if (j - s > MAX_FIELD_BYTES || lines > MAX_QUOTED_LINES) return UNUSUAL;
        this.start[n] = s;
        this.end[n] = j;
        this.quoted[n] = 1;
        n++;
        i = j + 1;
        if (i >= len) {
          if (!final) return INCOMPLETE;
          return this.done(n, i, i, lines);
        }
        const c = buf[i]!;
        if (c === d) {
          i++;
          continue;
        }
        if (c === LF) return this.done(n, i, i + 1, lines);
        if (c === CR && i + 1 < len && buf[i + 1] === LF) return this.done(n, i, i + 2, lines);
        if (c === CR && i + 1 >= len && !final) return INCOMPLETE;
        return UNUSUAL; // text after a closing quote, or a lone CR
      }
      // unquoted field
      const s = i;
      while (i < len) {
        const c = buf[i]!;
        if (c === d || c === LF || c === CR) break;
        i++;
      }
      if (i - s > MAX_FIELD_BYTES) return UNUSUAL;
      this.start[n] = s;
      this.end[n] = i;
      this.quoted[n] = 0;
      n++;
      if (i >= len) {
        if (!final) return INCOMPLETE;
        return this.done(n, i, i, lines);
      }
      const c = buf[i]!;
      if (c === d) {
        i++;
        continue;
      }
      if (c === LF) return this.done(n, i, i + 1, lines);
      if (i + 1 >= len) return final ? UNUSUAL : INCOMPLETE;
      if (buf[i + 1] === LF) return this.done(n, i, i + 2, lines);
      return UNUSUAL; // a lone CR
    }
  }

  private done(n: number, end: number, next: number, lines: number): number {
    this.count = n;
    this.recordEnd = end;
    this.lines = lines;
    return next;
  }

  private grow(): void {
    const k = this.start.length * 2;
    const s = new Int32Array(k);
    s.set(this.start);
    this.start = s;
    const e = new Int32Array(k);
    e.set(this.end);
    this.end = e;
    const q = new Uint8Array(k);
    q.set(this.quoted);
    this.quoted = q;
  }

  /**
   * Whether the last record is one the reader would count as blank or reject for its shape (all fields
   * empty, only spaces, a wrong field count): such records send the caller back to the reader.
   */
  unusualShape(buf: Uint8Array, width: number, trailingDelimiter: boolean): boolean {
    const n = this.count;
    if (n !== width && !(trailingDelimiter && n === width + 1 && this.end[width] === this.start[width] && !this.quoted[width])) return true;
    // a record whose first field is empty and all others too is blank to the reader
    if (this.end[0] === this.start[0] && !this.quoted[0]) {
      let all = true;
      for (let k = 1; k < n; k++) if (this.end[k]! > this.start[k]! || this.quoted[k]) all = false;
      if (all) return true;
    }
    if (n === 1 && width > 1) return true;
    void buf;
    return false;
  }
}

const utf8 = new TextDecoder('utf-8');

/** Field k's text: decoded from UTF-8, doubled quotes undone for a quoted field. */
export function cellText(r: ByteRecords, buf: Uint8Array, k: number): string {
  const s = r.start[k]!;
  const e = r.end[k]!;
  const text = asciiOrUtf8(buf, s, e);
  return r.quoted[k] ? text.replace(/""/g, '"') : text;
}

/** The bytes [s, e) as a string: a one-byte string when they are ASCII, else decoded as UTF-8. */
export function asciiOrUtf8(buf: Uint8Array, s: number, e: number): string {
  if (e - s < 16) {
    let out = '';
    for (let i = s; i < e; i++) {
      const c = buf[i]!;
      if (c >= 0x80) return utf8.decode(buf.subarray(s, e));
      out += String.fromCharCode(c);
    }
    return out;
  }
  return utf8.decode(buf.subarray(s, e));
}
