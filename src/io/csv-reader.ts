// Streaming CSV reader (RFC 4180, lenient) — the hot path of `score`.
//
// Shape: bytes (file | stdin) → optional gunzip → BOM sniffing → TextDecoder (streaming) → decoded string
// chunks → Tokenizer (a small state machine over strings, no Node imports) → rows in batches.
//
// The tokenizer, delimiter detection and the row checks are pure and live in src/core/csv/; this file
// holds the Node side: byte sources, gunzip, decoding, and openCsv that glues them to the tokenizer.
import { open, stat } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { TextDecoder } from 'node:util';
import { splitRecord, Tokenizer, type TokenizerSink } from '../core/csv/tokenizer.js';
import { detectDelimiter, headerKey } from '../core/csv/dialect.js';
import { endsWithDelimiter, isBlank, isSpaces, RecordReader } from '../core/csv/record-reader.js';
import type { CsvBadRow, KnownHeader } from '../core/csv/types.js';
import type { RecordFile } from '../app/ports.js';

export { splitRecord, Tokenizer, type TokenizerSink } from '../core/csv/tokenizer.js';
export { columnIndex, detectDelimiter, headerKey } from '../core/csv/dialect.js';
export type { CsvBadRow, CsvBadRowReason, CsvRow, KnownHeader } from '../core/csv/types.js';

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
  /**
   * The path the file is shown as (in messages, rejects.csv and the summary) when `path` is a copy
   * that stands for another input (io/input-copies.ts: '-' for a copy of stdin).
   */
  name?: string;
}

export interface ByteRange {
  start: number;
  end: number | Promise<number>;
  nominalEnd: number;
  header?: KnownHeader;
  /**
   * Stop at `end` only when the parse from `start` reaches a record start exactly there (`end` is a
   * candidate boundary picked by the next range's reader); otherwise go on to `size` (the end of the
   * file) and set `tookOver`: the next range's reading is then not used (see activity-tasks.ts).
   */
  verifyEnd?: { size: number; tookOver?: boolean };
}

/** An opened CSV input: the RecordFile port of the use cases (src/app/ports.ts). */
export interface CsvFile extends RecordFile {
  /** The file read: `path`, or the copy that stands for it (io/input-copies.ts); '-' for stdin itself. */
  source: string;
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

let chunkSizeOverride: number | undefined;
/** Tests only: force a tiny read size for every subsequently opened file (undefined = default). */
export function __setChunkSizeForTests(size: number | undefined): void {
  chunkSizeOverride = size;
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
function rangeSource(path: string, chunkSize: number, range: ByteRange): ByteSource & { atBoundary?: () => boolean } {
  let pos = range.start;
  let end: number | undefined = typeof range.end === 'number' ? range.end : undefined;
  let fh: Awaited<ReturnType<typeof open>> | undefined;
  let closed = false;
  const src: ByteSource & { atBoundary?: () => boolean } = {
    chunks: {
      async next() {
        if (closed) return { done: true, value: undefined };
        fh ??= await open(path, 'r');
        let limit = end ?? range.nominalEnd;
        if (end === undefined && pos >= range.nominalEnd) {
          end = await range.end;
          limit = end;
        }
        if (limit - pos <= 0 && range.verifyEnd && !range.verifyEnd.tookOver && src.atBoundary && !src.atBoundary()) {
          // the candidate boundary is inside a record of this parse: read on to the end of the file
          range.verifyEnd.tookOver = true;
          end = range.verifyEnd.size;
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
  return src;
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

/** The encoding a byte order mark at the start of `head` names, and its length (undefined: none). */
export function byteOrderMark(head: Uint8Array): { encoding: string; length: number } | undefined {
  if (head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf-8', length: 3 };
  if (head.length >= 2 && head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf-16le', length: 2 };
  if (head.length >= 2 && head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf-16be', length: 2 };
  return undefined;
}

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
  const shown = opts.name ?? path;
  const display = shown === '-' ? 'stdin' : shown;
  if (opts.delimiter !== undefined && opts.delimiter.length !== 1) {
    throw new CsvOpenError('LS105', `${display}: the delimiter must be one character (got "${opts.delimiter}")`, shown);
  }
  if (opts.delimiter === '"' || opts.delimiter === '\n' || opts.delimiter === '\r') {
    throw new CsvOpenError('LS105', `${display}: unsupported delimiter ${JSON.stringify(opts.delimiter)}`, shown);
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
      throw new CsvOpenError('LS101', `${display}: ${why}`, shown);
    }
    source = fileSource(path, chunkSize, opts.range);
  }
  if (opts.range?.header) return openKnownRange(path, opts, source, decoder, maxFieldChars, maxQuotedLines, opts.range.header);

  const wrapReadError = (e: unknown): never => {
    if (e instanceof CsvOpenError) throw e;
    throw new CsvOpenError('LS101', `${display}: cannot read input (${(e as Error).message})`, shown);
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
  const bom = byteOrderMark(head);
  if (bom) {
    head = head.subarray(bom.length);
    if (decoder.encoding !== bom.encoding) decoder = resolveDecoder(bom.encoding, display);
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
  // "CSV (Macintosh)" exports end lines with a lone CR: no LF in the first 64 KiB but a CR before more
  // text. Such a file is read with every CR as a line end (a CR in a quoted field becomes a LF).
  const crOnly = !text.includes('\n') && /\r[^\r]/.test(text);
  if (crOnly) text = text.replace(/\r/g, '\n');
  const readText: typeof nextText = crOnly
    ? async () => {
        const t = await nextText();
        return t && { text: t.text.replace(/\r/g, '\n'), final: t.final };
      }
    : nextText;
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
    const t = await readText();
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
      shown,
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
        shown,
      );
    }
    seen.set(key, i);
  }
  // header-phase rejects (lines before the header) are reported with the first batch

  // a range that must end on a record boundary asks this parse whether it is at one
  (source as { atBoundary?: () => boolean }).atBoundary = () => tok.atRecordStart();
  const reader = new RecordReader(tok, readText, source, header.length, trailingDelimiter, maxFieldChars, blank, preBad, final);
  return {
    path: shown,
    source: path,
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
    path: opts.name ?? path,
    source: path,
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
}

/**
 * `f` closed, as a file whose header is known and whose rows are not kept: what a command holds for
 * each of many inputs between checking their headers and reading them (reopened then). The reader's
 * buffers (the first 64 KiB read for detection, the tokenizer's state) are dropped with `f`.
 */
export function headerOnly(f: CsvFile): CsvFile {
  f.close();
  const { path, source, delimiter, encoding, header, headerLine, totalBytes } = f;
  const known = f.knownHeader();
  const width = known.trailingDelimiter ? header.length : undefined;
  const released = (): never => {
    throw new Error(`${path}: its rows were released; open it again to read them`);
  };
  return {
    path,
    source,
    delimiter,
    encoding,
    header,
    headerLine,
    ...(totalBytes !== undefined ? { totalBytes } : {}),
    bytesRead: () => 0,
    batches: released,
    blankLines: () => 0,
    split: (raw) => splitRecord(raw, delimiter, width),
    knownHeader: () => known,
    close: () => undefined,
  };
}
