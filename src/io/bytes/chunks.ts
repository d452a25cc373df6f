// A file read in chunks for the byte scanners of the fast path (fast-leads.ts, fold-range.ts): the
// unconsumed tail of a chunk (a record cut at its end) is kept and more is read behind it; a chunk
// that a single record fills is doubled.
import type { FileHandle } from 'node:fs/promises';

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
    if (this.pos > 0) {
      this.buf.copy(this.buf, 0, this.pos, this.len);
      this.base += this.pos;
      this.len -= this.pos;
      this.pos = 0;
    }
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
