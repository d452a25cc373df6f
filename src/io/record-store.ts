// The leads' raw records, kept for scoring and for writing scored.csv, as UTF-8 bytes in large
// off-heap blocks instead of one string per lead: a million leads cost about the file's size, and
// the garbage collector has nothing per lead to trace.

const BLOCK = 16 << 20;

export class RecordStore {
  private readonly blocks: Buffer[] = [];
  private block: Buffer = Buffer.allocUnsafe(BLOCK);
  private used = 0;
  private where = new Uint32Array(1024 * 3); // block, offset, length per record
  private count = 0;

  get size(): number {
    return this.count;
  }

  push(text: string): number {
    const max = text.length * 3;
    if (this.used + max > this.block.length) {
      if (this.used > 0) this.blocks.push(this.block.subarray(0, this.used));
      this.block = Buffer.allocUnsafe(Math.max(BLOCK, max));
      this.used = 0;
    }
    const n = this.block.write(text, this.used, 'utf8');
    if (this.count * 3 + 3 > this.where.length) {
      const w = new Uint32Array(this.where.length * 2);
      w.set(this.where);
      this.where = w;
    }
    const k = this.count * 3;
    this.where[k] = this.blocks.length;
    this.where[k + 1] = this.used;
    this.where[k + 2] = n;
    this.used += n;
    return this.count++;
  }

  /** Record i's UTF-8 bytes (a view, not a copy). */
  bytes(i: number): Buffer {
    const k = i * 3;
    const b = this.where[k]!;
    const buf = b === this.blocks.length ? this.block : this.blocks[b]!;
    const off = this.where[k + 1]!;
    return buf.subarray(off, off + this.where[k + 2]!);
  }

  get(i: number): string {
    const k = i * 3;
    const b = this.where[k]!;
    const buf = b === this.blocks.length ? this.block : this.blocks[b]!;
    const off = this.where[k + 1]!;
    return buf.toString('utf8', off, off + this.where[k + 2]!);
  }
}
