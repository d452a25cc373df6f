// Lead ids by their UTF-8 bytes: slot numbers in order of first appearance, found by hashing the bytes
// in the buffer they were read into (no string per lookup). A million ids cost about 20 MB: the key
// bytes, two ints per id and an open-addressing table, instead of a string and a Map entry each.
import { asciiOrUtf8, type ByteRecords } from './records.js';

const encoder = new TextEncoder();

export interface IdKeys {
  /** Key bytes of every slot, back to back. */
  bytes: Uint8Array;
  /** Slot j's key is bytes[offsets[j], offsets[j + 1]). */
  offsets: Int32Array;
  size: number;
}

/** An IdIndex in shared memory, for worker threads to look ids up in (read only there). */
export interface SharedIdIndex {
  bytes: Uint8Array;
  offsets: Int32Array;
  hashes: Int32Array;
  table: Int32Array;
  used: number;
  size: number;
}

function sharedCopy<T extends Uint8Array | Int32Array>(a: T, n: number): T {
  const C = a.constructor as new (b: SharedArrayBuffer) => T;
  const out = new C(new SharedArrayBuffer(Math.max(n, 1) * a.BYTES_PER_ELEMENT));
  out.set(a.subarray(0, n) as never);
  return out;
}

export class IdIndex {
  private bytes: Uint8Array = new Uint8Array(1 << 16);
  private used = 0;
  private offsets: Int32Array = new Int32Array(1 << 12);
  private hashes: Int32Array = new Int32Array(1 << 12);
  private table: Int32Array = new Int32Array(1 << 13);
  private mask = (1 << 13) - 1;
  size = 0;

  /** An index over shared arrays (another thread's share()): for find(), not add(). */
  static fromShared(x: SharedIdIndex): IdIndex {
    const ix = new IdIndex();
    ix.bytes = x.bytes;
    ix.offsets = x.offsets;
    ix.hashes = x.hashes;
    ix.table = x.table;
    ix.mask = x.table.length - 1;
    ix.used = x.used;
    ix.size = x.size;
    return ix;
  }

  /** Forget every key and drop the arrays (find() finds nothing afterwards). */
  clear(): void {
    this.bytes = new Uint8Array(0);
    this.offsets = new Int32Array(0);
    this.hashes = new Int32Array(0);
    this.table = new Int32Array(2);
    this.mask = 1;
    this.used = 0;
    this.size = 0;
  }

  /**
   * Drop the hash table (about 20 MB at 1M ids) once no id is looked up any more: text() and
   * digitValues() still work; find(), add() and map() must not be called afterwards.
   */
  dropLookup(): void {
    this.hashes = new Int32Array(0);
    this.table = new Int32Array(0);
    this.mask = -1;
  }

  /**
   * Room for about n keys of `keyBytes` bytes in all before any is added (no growing or rehashing on
   * the way), in shared memory: share() then hands these arrays over as they are, instead of copies
   * that would be held along with the originals until the next collection (about 30 MB at 1M ids).
   */
  reserve(n: number, keyBytes: number): void {
    if (this.size > 0 || n <= this.offsets.length) return;
    const shared = <T extends Uint8Array | Int32Array>(C: { new (b: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number }, k: number): T => new C(new SharedArrayBuffer(k * C.BYTES_PER_ELEMENT));
    this.offsets = shared(Int32Array, n);
    this.hashes = shared(Int32Array, n);
    this.bytes = shared(Uint8Array, Math.max(this.bytes.length, keyBytes));
    let t = this.table.length;
    while (t < n * 2 + 2) t *= 2;
    this.table = shared(Int32Array, t);
    this.mask = t - 1;
  }

  /** The index in shared memory (arrays that grew past reserve() copied there, trimmed), for worker threads. */
  share(): SharedIdIndex {
    const own = <T extends Uint8Array | Int32Array>(a: T, n: number): T => (a.buffer instanceof SharedArrayBuffer ? a : sharedCopy(a, n));
    this.bytes = own(this.bytes, this.used);
    this.offsets = own(this.offsets, this.size);
    this.hashes = own(this.hashes, this.size);
    this.table = own(this.table, this.table.length);
    return { bytes: this.bytes, offsets: this.offsets, hashes: this.hashes, table: this.table, used: this.used, size: this.size };
  }

  /** The slot of key buf[s, e), or -1. */
  find(buf: Uint8Array, s: number, e: number): number {
    const h = hash(buf, s, e);
    const table = this.table;
    const mask = this.mask;
    for (let p = h & mask; ; p = (p + 1) & mask) {
      const v = table[p]!;
      if (v === 0) return -1;
      const slot = v - 1;
      if (this.hashes[slot] === h && this.equals(slot, buf, s, e)) return slot;
    }
  }

  /** The slot of key buf[s, e): a new one (>= 0) when the key was not there, else ~slot (< 0). */
  add(buf: Uint8Array, s: number, e: number): number {
    const h = hash(buf, s, e);
    const mask = this.mask;
    for (let p = h & mask; ; p = (p + 1) & mask) {
      const v = this.table[p]!;
      if (v === 0) {
        const slot = this.size++;
        this.store(slot, h, buf, s, e);
        this.table[p] = slot + 1;
        if (this.size * 2 > mask) this.rehash();
        return slot;
      }
      const slot = v - 1;
      if (this.hashes[slot] === h && this.equals(slot, buf, s, e)) return ~slot;
    }
  }

  /** Slot j's key as a string. */
  text(j: number): string {
    return asciiOrUtf8(this.bytes, this.offsets[j]!, j + 1 < this.size ? this.offsets[j + 1]! : this.used);
  }

  /** Per slot: the key's value when it is 1 to 15 ASCII digits, else NaN (as leadIdNumbers). */
  digitValues(): Float64Array {
    const out = new Float64Array(this.size);
    const bytes = this.bytes;
    for (let j = 0; j < this.size; j++) {
      const a = this.offsets[j]!;
      const b = j + 1 < this.size ? this.offsets[j + 1]! : this.used;
      let v = b - a >= 1 && b - a <= 15 ? 0 : NaN;
      for (let i = a; i < b && v === v; i++) {
        const c = bytes[i]! - 48;
        v = c >= 0 && c <= 9 ? v * 10 + c : NaN;
      }
      out[j] = v;
    }
    return out;
  }

  /** The keys, to hand to another thread (copies: the index stays usable). */
  keys(): IdKeys {
    const offsets = new Int32Array(this.size + 1);
    offsets.set(this.offsets.subarray(0, this.size));
    offsets[this.size] = this.used;
    return { bytes: this.bytes.slice(0, this.used), offsets, size: this.size };
  }

  /** For every key of `other`, its slot here (-1: absent). */
  map(other: IdKeys): Int32Array {
    const out = new Int32Array(other.size);
    for (let j = 0; j < other.size; j++) out[j] = this.find(other.bytes, other.offsets[j]!, other.offsets[j + 1]!);
    return out;
  }

  private equals(slot: number, buf: Uint8Array, s: number, e: number): boolean {
    const a = this.offsets[slot]!;
    const b = slot + 1 < this.size ? this.offsets[slot + 1]! : this.used;
    if (b - a !== e - s) return false;
    const bytes = this.bytes;
    for (let k = 0; k < e - s; k++) if (bytes[a + k] !== buf[s + k]) return false;
    return true;
  }

  private store(slot: number, h: number, buf: Uint8Array, s: number, e: number): void {
    if (slot === this.offsets.length) {
      const o = new Int32Array(slot * 2);
      o.set(this.offsets);
      this.offsets = o;
      const hs = new Int32Array(slot * 2);
      hs.set(this.hashes);
      this.hashes = hs;
    }
    const n = e - s;
    if (this.used + n > this.bytes.length) {
      const b = new Uint8Array(Math.max(this.bytes.length * 2, this.used + n));
      b.set(this.bytes.subarray(0, this.used));
      this.bytes = b;
    }
    this.bytes.set(buf.subarray(s, e), this.used);
    this.offsets[slot] = this.used;
    this.hashes[slot] = h;
    this.used += n;
  }

  private rehash(): void {
    const size = this.table.length * 2;
    const table = new Int32Array(size);
    const mask = size - 1;
    for (let slot = 0; slot < this.size; slot++) {
      let p = this.hashes[slot]! & mask;
      while (table[p] !== 0) p = (p + 1) & mask;
      table[p] = slot + 1;
    }
    this.table = table;
    this.mask = mask;
  }
}

export function hash(buf: Uint8Array, s: number, e: number): number {
  let h = 0x811c9dc5 | 0;
  for (let i = s; i < e; i++) h = Math.imul(h ^ buf[i]!, 0x01000193);
  return (h ^ (h >>> 15)) | 0;
}

/**
 * Where the key of field k lies: the field's own bytes when they need no work, else `scratch` holding
 * the UTF-8 of the trimmed text (what the reference path compares: `cell.trim()`). Returns [buf, s, e].
 */
export class KeyBytes {
  buf: Uint8Array = new Uint8Array(0);
  s = 0;
  e = 0;
  /** The key as text when it had to be made (else undefined). */
  text: string | undefined;
  private scratch = new Uint8Array(256);

  of(r: ByteRecords, buf: Uint8Array, k: number, cell: () => string): void {
    const s = r.start[k]!;
    const e = r.end[k]!;
    this.text = undefined;
    let plain = true;
    if (r.quoted[k]) for (let i = s; i < e; i++) if (buf[i] === 34) { plain = false; break; }
    if (plain && e > s) {
      const a = buf[s]!;
      const b = buf[e - 1]!;
      if (a <= 32 || a >= 0x80 || b <= 32 || b >= 0x80) plain = false;
      else for (let i = s + 1; i < e - 1; i++) if (buf[i]! >= 0x80) { plain = false; break; }
    }
    if (plain) {
      this.buf = buf;
      this.s = s;
      this.e = e;
      return;
    }
    const t = cell().trim();
    this.text = t;
    if (t.length * 3 > this.scratch.length) this.scratch = new Uint8Array(t.length * 3);
    const { written } = encoder.encodeInto(t, this.scratch);
    this.buf = this.scratch;
    this.s = 0;
    this.e = written;
  }
}
