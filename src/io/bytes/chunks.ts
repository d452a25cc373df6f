// A file read in chunks for the byte scanners of the fast path (fast-leads.ts, fold-range.ts): the
// unconsumed tail of a chunk (a record cut at its end) is kept and more is read behind it; a chunk
// that a single record fills is doubled. A gzip file is read the same way from its decompressed
// stream (GzipChunks).
import { createReadStream } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';

/** Move the unconsumed tail buf[pos, len) to the start of buf. */
function keepTail(c: { buf: Buffer; len: number; base: number; pos: number }): void {
  if (c.pos === 0) return;
  c.buf.copy(c.buf, 0, c.pos, c.len);
  c.base += c.pos;
  c.len -= c.pos;
  c.pos = 0;
}

export class Chunks {
  buf: Buffer;
  /** Bytes in buf. */
  len = 0;
  /** File offset of buf[0]. */
  base: number;
  /** The first byte not consumed yet (the caller moves it on). */
  pos = 0;
  private filePos: number;

  constructor(
    private readonly fh: FileHandle,
    from: number,
    /** Read up to this file offset. */
    private readonly size: number,
    /** Bytes a chunk holds (at most what is to read, at least 1 KB). */
    chunk: number,
  ) {
    this.buf = Buffer.allocUnsafe(Math.max(1024, Math.min(chunk, size - from + 1)));
    this.base = from;
    this.filePos = from;
  }

  /** Keep buf[pos, len), read more behind it; resolves true when the file's end is in buf. */
  async more(): Promise<boolean> {
    keepTail(this);
    if (this.len === this.buf.length) {
      const b = Buffer.allocUnsafe(this.buf.length * 2);
      this.buf.copy(b, 0, 0, this.len);
      this.buf = b;
    }
    const want = Math.min(this.buf.length - this.len, Math.max(0, this.size - this.filePos));
    const { bytesRead } = want > 0 ? await this.fh.read(this.buf, this.len, want, this.filePos) : { bytesRead: 0 };
    this.filePos += bytesRead;
    this.len += bytesRead;
    return this.filePos >= this.size || bytesRead === 0;
  }
}

/**
 * The decompressed bytes of a gzip file in the same shape as Chunks (buf, len, base, pos; more()).
 * zlib decompresses on libuv's thread pool while the caller scans. `compressed`: the file's bytes read
 * so far, for progress.
 */
export class GzipChunks {
  buf: Buffer = Buffer.allocUnsafe(1 << 20);
  len = 0;
  base = 0;
  pos = 0;
  compressed = 0;
  private readonly chunks: AsyncIterator<Buffer>;

  constructor(path: string) {
    const file = createReadStream(path, { highWaterMark: 1 << 20 });
    file.on('data', (c) => (this.compressed += c.length));
    const gunzip = createGunzip({ chunkSize: 1 << 20 });
    file.on('error', (e) => gunzip.destroy(e));
    this.chunks = (file.pipe(gunzip) as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  }

  /** Keep buf[pos, len), append the next decompressed chunk; resolves true at the stream's end. */
  async more(): Promise<boolean> {
    keepTail(this);
    const next = await this.chunks.next();
    if (next.done) return true;
    const c = next.value;
    if (this.len + c.length > this.buf.length) {
      const b = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + c.length));
      this.buf.copy(b, 0, 0, this.len);
      this.buf = b;
    }
    c.copy(this.buf, this.len);
    this.len += c.length;
    return false;
  }

  /** Stop reading (the caller is done or failed). */
  close(): void {
    void this.chunks.return?.();
  }
}

