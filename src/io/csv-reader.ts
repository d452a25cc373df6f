// Streaming CSV reader (RFC 4180, lenient) — the hot path of `score`.
//
// Shape: bytes (file | stdin) → optional gunzip → BOM sniffing → TextDecoder (streaming) → decoded string
// chunks → Tokenizer (a small state machine over strings, no Node imports) → rows in batches.
//
// Tokenizer fast path: a record whose physical line holds no quote character is cut with indexOf('\n')
// and split with indexOf(delimiter); the position of the next quote is cached per chunk so that quote-free
// files scan for quotes once per chunk. Records with a quote go through parseRecord (quoted fields with
// embedded delimiters, doubled quotes and newlines). A record that is not complete at the end of a chunk
// is carried over (the unconsumed tail is prepended to the next chunk).
import { open, stat } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { TextDecoder } from 'node:util';

export interface CsvReaderOptions {
  /** ',', ';', '\t', '|'; undefined = detect from the first 64 KiB. */
  delimiter?: string;
  /** WHATWG encoding label for TextDecoder. Default utf-8; a BOM overrides the label (as WHATWG decode does). */
  encoding?: string;
  /** Default 1 MiB; a longer field rejects its row (reason field_too_large) without unbounded buffering. */
  maxFieldChars?: number;
  /** Extra: raw read size in bytes (default 64 KiB). Tests use tiny values to exercise chunk boundaries. */
  chunkSize?: number;
  /** Extra: a quoted field spanning more physical lines than this is treated as an unbalanced quote (default 10 000). */
  maxQuotedLines?: number;
  /**
   * Extra, for reading one file in parallel: read only bytes [start, end) of a plain (not gzip) file
   * in an ASCII-compatible encoding. `end` may be a promise (known later); bytes below `nominalEnd`
   * are read without waiting for it. With `header`, the file's header is not read: `start` is the
   * first byte of a record on line `header.firstLine`.
   */
  range?: ByteRange;
}

export interface KnownHeader {
  names: string[];
  delimiter: string;
  trailingDelimiter: boolean;
  firstLine: number;
}

export interface ByteRange {
  start: number;
  end: number | Promise<number>;
  nominalEnd: number;
  header?: KnownHeader;
}

export interface CsvRow {
  fields: string[];
  /** 1-based physical line where the record starts (the header is line 1). */
  line: number;
  /** The record's exact text without its line terminator. */
  raw: string;
}

export type CsvBadRowReason = 'wrong_field_count' | 'unbalanced_quote' | 'field_too_large';

export interface CsvBadRow {
  line: number;
  reason: CsvBadRowReason;
  message: string;
  /** The rejected text without its terminator (truncated with "…" for field_too_large lines that were skipped unbuffered). */
  raw: string;
}

export interface CsvFile {
  path: string;
  delimiter: string;
  encoding: string;
  header: string[];
  headerLine: number;
  totalBytes?: number;
  /** Bytes consumed from the file or stdin so far (compressed bytes for gzip). */
  bytesRead(): number;
  batches(onBadRow: (bad: CsvBadRow) => void): AsyncIterable<CsvRow[]>;
  blankLines(): number;
  /** Extra: splitRecord bound to this file's delimiter and header width (drops a trailing-delimiter field). */
  split(raw: string): string[];
  /** Extra: the header as readers of byte ranges of this file need it. */
  knownHeader(): KnownHeader;
  /** Extra: release the file when its rows will not be read. */
  close(): void;
}

export type CsvOpenErrorCode =
  | 'LS101' // file not found / unreadable (also: gzip stream corrupt)
  | 'LS102' // empty file / no header
  | 'LS103' // duplicate header names
  | 'LS105'; // extra: unknown encoding label or unsupported delimiter option

export class CsvOpenError extends Error {
  constructor(
    readonly code: CsvOpenErrorCode,
    message: string,
    readonly path: string,
  ) {
    super(message);
    this.name = 'CsvOpenError';
  }
}

export const DEFAULT_MAX_FIELD_CHARS = 1_048_576;
export const DEFAULT_MAX_QUOTED_LINES = 10_000;
export const DEFAULT_CHUNK_SIZE = 64 * 1024; // small batches keep the young generation cheap (1 MiB: 3x slower from GC)
const DETECT_CHARS = 64 * 1024;
const CANDIDATE_DELIMITERS = [',', ';', '\t', '|'] as const;
const RAW_PREVIEW_CHARS = 200;

let chunkSizeOverride: number | undefined;
/** Tests only: force a tiny read size for every subsequently opened file (undefined = default). */
export function __setChunkSizeForTests(size: number | undefined): void {
  chunkSizeOverride = size;
}

// ---------------------------------------------------------------------------------------------------
// Record parsing (shared by the tokenizer slow path and splitRecord)

const QUOTE = 34; // "
const LF = 10;
const CR = 13;

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

type RejectWhy = 'eof' | 'lines' | 'chars' | 'stray';

// ---------------------------------------------------------------------------------------------------
// Delimiter detection

/**
 * Pick the delimiter whose per-line count (outside quotes) is most consistent with the header line. On a
 * tie: the one that leaves no stray quotes (a quote inside an unquoted field, or text right after a
 * closing quote: what a wrong delimiter does to quoted fields), then the one with more fields.
 */
export function detectDelimiter(sample: string): string {
  let best: string = ',';
  let bestScore = 0;
  let bestStray = 0;
  let bestFirst = 0;
  for (const d of CANDIDATE_DELIMITERS) {
    const { counts, stray } = countPerRecord(sample, d);
    const first = counts[0] ?? 0;
    if (first === 0) continue;
    let score = 0;
    for (const c of counts) if (c === first) score++;
    const better =
      score > bestScore || (score === bestScore && (stray < bestStray || (stray === bestStray && first > bestFirst)));
    if (better) {
      best = d;
      bestScore = score;
      bestStray = stray;
      bestFirst = first;
    }
  }
  return best;
}

/** Delimiter count per complete record of the sample, outside quotes (blank lines skipped), and the stray quotes. */
function countPerRecord(sample: string, d: string): { counts: number[]; stray: number } {
  const code = d.charCodeAt(0);
  const counts: number[] = [];
  let inQuotes = false;
  let fieldStart = true;
  let count = 0;
  let nonEmpty = false;
  let stray = 0;
  for (let i = 0; i < sample.length; i++) {
    const c = sample.charCodeAt(i);
    if (inQuotes) {
      if (c === QUOTE) {
        if (sample.charCodeAt(i + 1) === QUOTE) i++;
        else {
          inQuotes = false;
          const next = sample.charCodeAt(i + 1);
          if (i + 1 < sample.length && next !== code && next !== LF && next !== CR) stray++;
        }
      }
      continue;
    }
    if (c === QUOTE) {
      if (fieldStart) {
        inQuotes = true;
        fieldStart = false;
        nonEmpty = true;
        continue;
      }
      stray++;
    }
    if (c === code) {
      count++;
      fieldStart = true;
      nonEmpty = true;
      continue;
    }
    if (c === LF) {
      if (nonEmpty) counts.push(count);
      count = 0;
      nonEmpty = false;
      fieldStart = true;
      continue;
    }
    if (c !== CR) nonEmpty = true;
    fieldStart = false;
  }
  // the last line counts only if the sample is the whole file (caller passes complete text otherwise)
  if (nonEmpty && counts.length === 0) counts.push(count);
  return { counts, stray };
}

// ---------------------------------------------------------------------------------------------------
// Header names

/** Header-name key: trimmed, NFC, lower-cased. */
export function headerKey(name: string): string {
  return name.trim().normalize('NFC').toLowerCase();
}

/** Index of a column matched after trimming and case-folding, or -1. */
export function columnIndex(header: string[], name: string): number {
  const key = headerKey(name);
  for (let i = 0; i < header.length; i++) if (headerKey(header[i]!) === key) return i;
  return -1;
}

// ---------------------------------------------------------------------------------------------------
// Byte sources

interface ByteSource {
  chunks: AsyncIterator<Buffer>;
  bytesRead(): number;
  close(): void;
}

function fileSource(path: string, chunkSize: number, range?: ByteRange): ByteSource {
  if (range) return rangeSource(path, chunkSize, range);
  const stream = createReadStream(path, { highWaterMark: chunkSize });
  return {
    chunks: (stream as AsyncIterable<Buffer>)[Symbol.asyncIterator](),
    bytesRead: () => stream.bytesRead,
    close: () => stream.destroy(),
  };
}

/** Bytes [start, end) of a file, read at positions; waits for a promised end only past nominalEnd. */
function rangeSource(path: string, chunkSize: number, range: ByteRange): ByteSource {
  let pos = range.start;
  let end: number | undefined = typeof range.end === 'number' ? range.end : undefined;
  let fh: Awaited<ReturnType<typeof open>> | undefined;
  let closed = false;
  return {
    chunks: {
      async next() {
        if (closed) return { done: true, value: undefined };
        fh ??= await open(path, 'r');
        let limit = end ?? range.nominalEnd;
        if (end === undefined && pos >= range.nominalEnd) {
          end = await range.end;
          limit = end;
        }
        const n = Math.min(chunkSize, limit - pos);
        if (n <= 0) {
          closed = true;
          await fh.close();
          return { done: true, value: undefined };
        }
        const buf = Buffer.allocUnsafe(n);
        const { bytesRead } = await fh.read(buf, 0, n, pos);
        if (bytesRead === 0) {
          closed = true;
          await fh.close();
          return { done: true, value: undefined };
        }
        pos += bytesRead;
        return { done: false, value: bytesRead === n ? buf : buf.subarray(0, bytesRead) };
      },
    },
    bytesRead: () => pos - range.start,
    close: () => {
      closed = true;
      void fh?.close().catch(() => undefined);
    },
  };
}

function stdinSource(): ByteSource {
  let n = 0;
  const stdin = process.stdin;
  const it = (stdin as AsyncIterable<Buffer | string>)[Symbol.asyncIterator]();
  return {
    chunks: {
      async next() {
        const r = await it.next();
        if (r.done) return r;
        const b = typeof r.value === 'string' ? Buffer.from(r.value) : r.value;
        n += b.length;
        return { done: false, value: b };
      },
    },
    bytesRead: () => n,
    close: () => {
      /* stdin stays open; nothing to release */
    },
  };
}

/** Wrap byte chunks (the first ones already read into `head`) into a gunzip stream. */
function gunzipChunks(head: Buffer, rest: AsyncIterator<Buffer>): AsyncIterator<Buffer> {
  async function* all(): AsyncGenerator<Buffer> {
    if (head.length) yield head;
    for (;;) {
      const r = await rest.next();
      if (r.done) return;
      yield r.value;
    }
  }
  const gunzip = createGunzip();
  Readable.from(all(), { objectMode: false }).pipe(gunzip);
  return (gunzip as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
}

/** Read until at least n bytes (or EOF). */
async function readAtLeast(it: AsyncIterator<Buffer>, n: number, head: Buffer): Promise<{ head: Buffer; eof: boolean }> {
  const parts: Buffer[] = head.length ? [head] : [];
  let total = head.length;
  while (total < n) {
    const r = await it.next();
    if (r.done) return { head: Buffer.concat(parts, total), eof: true };
    parts.push(r.value);
    total += r.value.length;
  }
  return { head: parts.length === 1 ? parts[0]! : Buffer.concat(parts, total), eof: false };
}

// ---------------------------------------------------------------------------------------------------
// openCsv

function resolveDecoder(label: string, path: string): TextDecoder {
  try {
    return new TextDecoder(label, { fatal: false, ignoreBOM: true });
  } catch {
    throw new CsvOpenError('LS105', `${path}: unknown encoding "${label}"`, path);
  }
}

export async function openCsv(path: string, opts: CsvReaderOptions = {}): Promise<CsvFile> {
  const chunkSize = chunkSizeOverride ?? opts.chunkSize ?? DEFAULT_CHUNK_SIZE;
  const maxFieldChars = opts.maxFieldChars ?? DEFAULT_MAX_FIELD_CHARS;
  const maxQuotedLines = opts.maxQuotedLines ?? DEFAULT_MAX_QUOTED_LINES;
  const display = path === '-' ? 'stdin' : path;
  if (opts.delimiter !== undefined && opts.delimiter.length !== 1) {
    throw new CsvOpenError('LS105', `${display}: the delimiter must be one character (got "${opts.delimiter}")`, path);
  }
  if (opts.delimiter === '"' || opts.delimiter === '\n' || opts.delimiter === '\r') {
    throw new CsvOpenError('LS105', `${display}: unsupported delimiter ${JSON.stringify(opts.delimiter)}`, path);
  }
  let decoder = resolveDecoder(opts.encoding ?? 'utf-8', display);

  // --- bytes
  let source: ByteSource;
  let totalBytes: number | undefined;
  if (path === '-') {
    source = stdinSource();
  } else {
    try {
      const st = await stat(path);
      if (!st.isFile()) throw new Error('not a regular file');
      totalBytes = st.size;
      const fh = await open(path, 'r'); // permission check up front
      await fh.close();
    } catch (e) {
      const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : `cannot read file (${(e as Error).message})`;
      throw new CsvOpenError('LS101', `${display}: ${why}`, path);
    }
    source = fileSource(path, chunkSize, opts.range);
  }
  if (opts.range?.header) return openKnownRange(path, opts, source, decoder, maxFieldChars, maxQuotedLines, opts.range.header);

  const wrapReadError = (e: unknown): never => {
    if (e instanceof CsvOpenError) throw e;
    throw new CsvOpenError('LS101', `${display}: cannot read input (${(e as Error).message})`, path);
  };

  let bytes: AsyncIterator<Buffer> = source.chunks;
  let head: Buffer;
  let eof: boolean;
  try {
    ({ head, eof } = await readAtLeast(bytes, 2, Buffer.alloc(0)));
    if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) {
      bytes = gunzipChunks(head, bytes);
      ({ head, eof } = await readAtLeast(bytes, 3, Buffer.alloc(0)));
    } else if (!eof) {
      ({ head, eof } = await readAtLeast(bytes, 3, head));
    }
  } catch (e) {
    source.close();
    return wrapReadError(e);
  }

  // --- BOM sniffing (a BOM overrides the label)
  if (head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) {
    head = head.subarray(3);
    if (decoder.encoding !== 'utf-8') decoder = resolveDecoder('utf-8', display);
  } else if (head.length >= 2 && head[0] === 0xff && head[1] === 0xfe) {
    head = head.subarray(2);
    if (decoder.encoding !== 'utf-16le') decoder = resolveDecoder('utf-16le', display);
  } else if (head.length >= 2 && head[0] === 0xfe && head[1] === 0xff) {
    head = head.subarray(2);
    if (decoder.encoding !== 'utf-16be') decoder = resolveDecoder('utf-16be', display);
  }
  const dec = decoder;

  // --- decoded text chunks
  let pendingHead: Buffer | null = head;
  let done = eof;
  async function nextText(): Promise<{ text: string; final: boolean } | null> {
    if (pendingHead) {
      const b = pendingHead;
      pendingHead = null;
      if (done) return { text: dec.decode(b), final: true };
      return { text: dec.decode(b, { stream: true }), final: false };
    }
    if (done) return null;
    let r: IteratorResult<Buffer>;
    try {
      r = await bytes.next();
    } catch (e) {
      source.close();
      return wrapReadError(e);
    }
    if (r.done) {
      done = true;
      return { text: dec.decode(), final: true };
    }
    return { text: dec.decode(r.value, { stream: true }), final: false };
  }

  // --- read the first 64 KiB (or all) for delimiter detection and the header
  let text = '';
  let final = false;
  while (!final && text.length < DETECT_CHARS) {
    const t = await nextText();
    if (!t) break;
    text += t.text;
    final = t.final;
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let delimiter = opts.delimiter;
  if (delimiter === undefined) {
    // detect on complete lines only (unless the sample is the whole file)
    const cut = final ? text.length : text.lastIndexOf('\n') + 1;
    delimiter = detectDelimiter(cut > 0 ? text.slice(0, cut) : text);
  }

  // header: the first non-blank record; the tokenizer pauses right after it
  let headerFields: string[] | null = null;
  let headerRaw = '';
  let headerLine = 1;
  let blank = 0;
  const tok = new Tokenizer(delimiter, maxFieldChars, maxQuotedLines);
  const preBad: CsvBadRow[] = [];
  const headerSink: TokenizerSink = {
    record(fields, raw, line) {
      if (isBlank(fields) || (fields.length === 1 && isSpaces(raw))) {
        blank++;
        return;
      }
      headerFields = fields;
      headerRaw = raw;
      headerLine = line;
      tok.pauseRequested = true;
    },
    bad(b) {
      preBad.push(b);
    },
  };
  for (;;) {
    tok.push(text, final, headerSink);
    if (headerFields || final) break;
    const t = await nextText();
    if (!t) break;
    text = t.text;
    final = t.final;
  }
  if (!headerFields) {
    source.close();
    const bad = preBad[0];
    throw new CsvOpenError(
      'LS102',
      bad ? `${display}:${bad.line}: no header line could be read (${bad.reason}: ${bad.message})` : `${display}: empty file (no header line)`,
      path,
    );
  }
  let header = (headerFields as string[]).map((h) => h.trim());
  if (header[0] !== undefined && header[0].charCodeAt(0) === 0xfeff) header[0] = header[0].slice(1).trim();
  let trailingDelimiter = false;
  // a trailing delimiter leaves an unquoted empty last name (a quoted "" is a column without a name)
  if (header.length > 1 && header[header.length - 1] === '' && endsWithDelimiter(headerRaw, delimiter)) {
    header = header.slice(0, -1);
    trailingDelimiter = true;
  }
  const seen = new Map<string, number>();
  for (let i = 0; i < header.length; i++) {
    const key = headerKey(header[i]!);
    if (key === '') continue;
    const prev = seen.get(key);
    if (prev !== undefined) {
      source.close();
      throw new CsvOpenError(
        'LS103',
        `${display}:${headerLine}: duplicate column name "${header[i]}" at positions ${prev + 1} and ${i + 1}`,
        path,
      );
    }
    seen.set(key, i);
  }
  // header-phase rejects (lines before the header) are reported with the first batch

  const reader = new RecordReader(tok, nextText, source, header.length, trailingDelimiter, maxFieldChars, blank, preBad, final);
  return {
    path,
    delimiter,
    encoding: dec.encoding,
    header,
    headerLine,
    ...(totalBytes !== undefined ? { totalBytes } : {}),
    bytesRead: () => source.bytesRead(),
    batches: (onBadRow) => reader.batches(onBadRow),
    blankLines: () => reader.blank,
    split: (raw) => splitRecord(raw, delimiter, trailingDelimiter ? header.length : undefined),
    knownHeader: () => ({ names: header, delimiter, trailingDelimiter, firstLine: headerLine + 1 }),
    close: () => source.close(),
  };
}

/** A byte range of a file whose header another reader has read (see CsvReaderOptions.range). */
function openKnownRange(
  path: string,
  opts: CsvReaderOptions,
  source: ByteSource,
  decoder: TextDecoder,
  maxFieldChars: number,
  maxQuotedLines: number,
  known: KnownHeader,
): CsvFile {
  const tok = new Tokenizer(known.delimiter, maxFieldChars, maxQuotedLines, known.firstLine);
  let done = false;
  const nextText = async (): Promise<{ text: string; final: boolean } | null> => {
    if (done) return null;
    const r = await source.chunks.next();
    if (r.done) {
      done = true;
      return { text: decoder.decode(), final: true };
    }
    return { text: decoder.decode(r.value, { stream: true }), final: false };
  };
  const width = known.names.length;
  const reader = new RecordReader(tok, nextText, source, width, known.trailingDelimiter, maxFieldChars, 0, [], false);
  return {
    path,
    delimiter: known.delimiter,
    encoding: decoder.encoding,
    header: known.names,
    headerLine: known.firstLine - 1,
    bytesRead: () => source.bytesRead(),
    batches: (onBadRow) => reader.batches(onBadRow),
    blankLines: () => reader.blank,
    split: (raw) => splitRecord(raw, known.delimiter, known.trailingDelimiter ? width : undefined),
    knownHeader: () => known,
    close: () => source.close(),
  };
  void opts;
}

/** Turns the tokenizer's records into checked rows, in batches (one per decoded chunk). */
class RecordReader {
  private started = false;

  constructor(
    private readonly tok: Tokenizer,
    private readonly nextText: () => Promise<{ text: string; final: boolean } | null>,
    private readonly source: ByteSource,
    private readonly width: number,
    private readonly trailingDelimiter: boolean,
    private readonly maxFieldChars: number,
    public blank: number,
    private readonly preBad: CsvBadRow[],
    private readonly final: boolean,
  ) {}

  async *batches(onBadRow: (bad: CsvBadRow) => void): AsyncGenerator<CsvRow[]> {
    if (this.started) throw new Error('CsvFile.batches() can be iterated only once');
    this.started = true;
    const { tok, width, trailingDelimiter, maxFieldChars } = this;
    let rows: CsvRow[] = [];
    const sink: TokenizerSink = {
      record: (fields, raw, line, lines, longest) => {
        const n = fields.length;
        if (fields[0] === '' ? isBlank(fields) : n === 1 && width > 1 && isSpaces(raw)) {
          this.blank++;
          return;
        }
        if (n !== width && !(trailingDelimiter && n === width + 1 && fields[width] === '')) {
          if (lines > 1) {
            // a quoted field swallowed line ends and the count came out wrong: most likely an
            // unbalanced quote. Reject the first line only and re-read from the next one.
            tok.resyncRequested = true;
            onBadRow({
              line,
              reason: 'unbalanced_quote',
              message: `quoted field starting on line ${line} spans ${lines} lines and gives ${n} fields, header has ${width} (probably an unbalanced quote); reading resumes at line ${line + 1}`,
              raw: raw.slice(0, rawLineEnd(raw)),
            });
            return;
          }
          onBadRow({
            line,
            reason: 'wrong_field_count',
            message:
              trailingDelimiter && n === width + 1
                ? `row has a value in the unnamed last column (header ends with a delimiter)`
                : `row has ${n} fields, header has ${width}`,
            raw,
          });
          return;
        }
        if (longest > maxFieldChars) {
          onBadRow({ line, reason: 'field_too_large', message: `field longer than ${maxFieldChars} characters`, raw });
          return;
        }
        if (n > width) fields.pop();
        rows.push({ fields, line, raw });
      },
      bad: onBadRow,
    };
    try {
      for (const b of this.preBad) onBadRow(b);
      // the tokenizer paused after the header: process the rest of what it holds, then read on
      let last = this.final;
      tok.push('', last, sink);
      for (;;) {
        if (rows.length) {
          yield rows;
          rows = [];
        }
        if (last) break;
        const t = await this.nextText();
        if (!t) break;
        last = t.final;
        tok.push(t.text, last, sink);
      }
    } finally {
      this.source.close();
    }
  }
}

function endsWithDelimiter(raw: string, delimiter: string): boolean {
  let e = raw.length;
  while (e > 0 && raw[e - 1] !== delimiter && raw[e - 1]!.trim() === '') e--;
  return e > 0 && raw[e - 1] === delimiter;
}

/** A line of spaces or tabs only (no delimiter, no quote) is blank too, unless the file has one column. */
function isSpaces(raw: string): boolean {
  return raw.trim() === '';
}

function isBlank(fields: string[]): boolean {
  for (let i = 0; i < fields.length; i++) if (fields[i] !== '') return false;
  return true;
}

function rawLineEnd(raw: string): number {
  const nl = raw.indexOf('\n');
  if (nl === -1) return raw.length;
  return nl > 0 && raw.charCodeAt(nl - 1) === CR ? nl - 1 : nl;
}
