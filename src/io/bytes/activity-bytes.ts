// Activities folded from bytes (issue 18): per record, the lead id, type and timestamp are found in the
// byte buffer; the id is looked up by hashing its bytes, the type through a small byte-keyed table of
// its engagement rules, the timestamp parsed from its bytes. Strings are made only for the cells a
// rule's `if` reads, and for rejected rows. The fold itself (EngagementFold: admit, addMatched) is the
// one every path uses, so the aggregates are those of the reference path (tested byte for byte).
import type { CompiledModel } from '../../core/score/compiled.js';
import { EngagementFold, type ActivityBinding, type FoldState } from '../../core/score/engagement.js';
import { columnMatcher } from '../../core/columns.js';
import type { Condition } from '../../core/model/types.js';
import { type DateFormat, parseTimestamp, present } from '../../core/value.js';
import { ByteRecords, cellText, asciiOrUtf8 } from './records.js';
import { IdIndex, KeyBytes, hash } from './id-index.js';
import type { FoldCounts, ActivityReject } from '../../core/score/activity-fold.js';
import { BotFilter, type BotKind, type BotVerdict } from '../../core/score/bot-filter.js';

interface TypeEntry {
  /** The cell as read (untrimmed), as the fold counts unknown types. */
  text: string;
  missing: boolean;
  /** Rules whose type matches, all without `if`: the matched list as is (undefined: no rule names it). */
  matched: number[] | undefined;
  /** Rules whose type matches, some with `if`: tested per activity. */
  tested: boolean;
  /** Its part in the bot filter (0 without one). */
  kind: BotKind;
}

/** What waits in the bot filter for its decision: the type as read and the rules it matched. */
interface Held {
  text: string;
  matched: number[] | undefined;
}

function fieldsOf(c: Condition, out: Set<string>): void {
  if (c.kind === 'leaf') out.add(c.field);
  else if (c.kind === 'not') fieldsOf(c.item, out);
  else for (const x of c.items) fieldsOf(x, out);
}

const DAY = 86_400_000;

/** Days since 1970-01-01 of a proleptic Gregorian date (exact integer arithmetic). */
function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

const MONTH_DAYS = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function dig(buf: Uint8Array, i: number): number {
  const c = buf[i]! - 48;
  return c >= 0 && c <= 9 ? c : -1000;
}

/**
 * `YYYY-MM-DD`, `YYYY-MM-DD[T ]HH:MM`, `...:SS` and `...:SSZ` (the shapes exports write) as epoch ms, as
 * parseTimestamp gives them; NaN for anything else (the caller then asks parseTimestamp itself).
 */
export function isoBytes(buf: Uint8Array, s: number, e: number): number {
  const n = e - s;
  if (n !== 10 && n !== 16 && n !== 19 && n !== 20) return NaN;
  if (buf[s + 4] !== 45 || buf[s + 7] !== 45) return NaN;
  const y = dig(buf, s) * 1000 + dig(buf, s + 1) * 100 + dig(buf, s + 2) * 10 + dig(buf, s + 3);
  const mo = dig(buf, s + 5) * 10 + dig(buf, s + 6);
  const d = dig(buf, s + 8) * 10 + dig(buf, s + 9);
  if (!(y >= 100 && mo >= 1 && mo <= 12 && d >= 1)) return NaN;
  if (d > 28) {
    const leap = mo === 2 && y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
    if (d > MONTH_DAYS[mo]! + (leap ? 1 : 0)) return NaN;
  }
  let ms = daysFromCivil(y, mo, d) * DAY;
  if (n === 10) return ms;
  const sep = buf[s + 10];
  if ((sep !== 84 && sep !== 116 && sep !== 32) || buf[s + 13] !== 58) return NaN;
  const h = dig(buf, s + 11) * 10 + dig(buf, s + 12);
  const mi = dig(buf, s + 14) * 10 + dig(buf, s + 15);
  if (!(h >= 0 && h <= 23 && mi >= 0 && mi <= 59)) return NaN;
  ms += h * 3_600_000 + mi * 60_000;
  if (n === 16) return ms;
  if (buf[s + 16] !== 58) return NaN;
  const sec = dig(buf, s + 17) * 10 + dig(buf, s + 18);
  if (!(sec >= 0 && sec <= 60)) return NaN;
  ms += sec * 1000;
  if (n === 19) return ms;
  const z = buf[s + 19];
  return z === 90 || z === 122 ? ms : NaN;
}

export interface ByteFolderOptions {
  cm: CompiledModel;
  header: readonly string[];
  onReject: (r: ActivityReject) => void;
  /**
   * The leads' id index (known before the activities are read): the fold is then keyed by lead slot,
   * sized for the leads once (in shared memory), and every activity of an unknown id goes to one
   * extra slot (index leads.size) whose counts are the orphans'. Without it, slots are given to ids
   * in order of appearance (`ids`) and the fold grows.
   */
  leads?: IdIndex;
  /**
   * With `leads`: the one fold every thread folds into (SharedFold), instead of a fold of this
   * folder's own that is merged afterwards.
   */
  into?: SharedFold;
  /**
   * A file read whole by `of` threads, each folding the activities of its share of the leads (those
   * whose id bytes hash to `index`): with a bot filter, which needs each lead's activities in file
   * order, a large file is shared by leads instead of cut into byte ranges. Share 0 also accounts for
   * every row: the rows read, the rejects and the newest timestamp; the other shares only fold.
   */
  share?: Share;
}

export interface Share {
  index: number;
  of: number;
}

/**
 * The leads' fold in shared memory, folded into by several threads at once (issue 18: one fold for
 * every range and file instead of one per range, merged afterwards). A lead slot's aggregates are
 * changed only under its lock: locks[slot & LOCK_MASK], taken with compareExchange 0 -> 1. The sums
 * are of integer nano-points and the rest are counts, maxima and the N largest timestamps, so the
 * result does not depend on the order the threads take the locks in.
 */
export interface SharedFold {
  state: FoldState;
  locks: Int32Array;
}

const LOCK_BITS = 16;
const LOCK_MASK = (1 << LOCK_BITS) - 1;

/**
 * A lock is held for the few operations of one activity. One held this long was left by a thread that
 * ended while holding it (a worker that crashed): stop instead of waiting for ever.
 */
const LOCK_TIMEOUT_MS = 10_000;

function waitForLock(locks: Int32Array, l: number): void {
  const deadline = Date.now() + LOCK_TIMEOUT_MS;
  for (let spins = 1; Atomics.compareExchange(locks, l, 0, 1) !== 0; spins++) {
    if ((spins & 0xffff) === 0 && Date.now() > deadline) {
      throw new Error(`a lead's lock in the shared fold was held for more than ${LOCK_TIMEOUT_MS / 1000} s: a folding thread ended while holding it`);
    }
  }
}

export function sharedFold(cm: CompiledModel, leads: number): SharedFold {
  return { state: new EngagementFold(cm, leads + 1, undefined, true).state, locks: new Int32Array(new SharedArrayBuffer(4 << LOCK_BITS)) };
}

export class ByteActivityFolder {
  readonly fold: EngagementFold;
  readonly ids = new IdIndex();
  readonly counts: FoldCounts = { rows: 0, rejected: 0, used: 0, future: 0, outsideWindow: 0, newestMs: -Infinity, rejectedByReason: new Map(), botFilter: { burst: 0, scanner_click: 0, unsorted: 0 } };
  private readonly binding: ActivityBinding;
  private readonly li: number;
  private readonly ti: number;
  private readonly si: number;
  private readonly dateFormat: DateFormat;
  private readonly types = new IdIndex();
  private readonly entries: TypeEntry[] = [];
  private readonly quotedTypes = new Map<string, TypeEntry>();
  /** Columns a rule's `if` reads, and the row handed to it (only those cells set). */
  private readonly condColumns: number[];
  private readonly row: (string | undefined)[];
  private readonly key = new KeyBytes();
  private readonly cm: CompiledModel;
  private readonly onReject: (r: ActivityReject) => void;

  private readonly leads: IdIndex | undefined;
  private readonly locks: Int32Array | undefined;
  /**
   * engagement.bot_filter: each lead's activities in this file, in order (the file is read whole: see
   * ByteFolderOptions.share). Keyed by
   * lead slot; an orphan by its own id (the orphans' slot holds them all), after the leads' slots.
   */
  private readonly bot: BotFilter<Held> | undefined;
  private readonly matchOn: number;
  /** While the bot filter is flushed: a release takes its lead's lock (in add(), the lock is held). */
  private flushing = false;
  private readonly share: Share | undefined;
  /** This folder counts the rows and reports the rejects (not a share other than the first). */
  readonly accounts: boolean;

  constructor(o: ByteFolderOptions) {
    this.cm = o.cm;
    this.onReject = o.onReject;
    this.leads = o.leads;
    this.share = o.share;
    this.accounts = !o.share || o.share.index === 0;
    // (a fold over the shared arrays with its own unknown-type counts: the caller adds those up)
    this.fold = o.leads && o.into ? new EngagementFold(o.cm, o.leads.size + 1, { ...o.into.state, unknownTypes: new Map() }) : o.leads ? new EngagementFold(o.cm, o.leads.size + 1, undefined, true) : new EngagementFold(o.cm, 0);
    this.locks = o.leads && o.into ? o.into.locks : undefined;
    this.binding = this.fold.bind(o.header);
    const m = columnMatcher(o.header, o.cm.model.alternatives); // each file resolves the model's column alternatives
    const ai = o.cm.model.input.activities;
    this.li = m(ai.leadId);
    this.ti = m(ai.type);
    this.si = m(ai.timestamp);
    this.dateFormat = ai.dateFormat ?? o.cm.dateFormat;
    const fields = new Set<string>();
    for (const r of o.cm.model.engagement.rules) if (r.condition) fieldsOf(r.condition, fields);
    this.condColumns = [...fields].map(m).filter((k) => k >= 0);
    this.row = new Array<string | undefined>(o.header.length);
    const bf = o.cm.model.engagement.botFilter;
    this.matchOn = bf?.clicks?.matchOn ? m(bf.clicks.matchOn) : -1;
    this.bot = bf ? new BotFilter<Held>(bf, (key, held, verdict, t) => this.decided(key, held, verdict, t)) : undefined;
  }

  /** An activity the bot filter decided on: dropped (counted by verdict), or folded. */
  private decided(key: number, held: Held, verdict: BotVerdict | null, t: number): void {
    if (verdict) {
      this.counts.botFilter[verdict]++;
      return;
    }
    const n = this.leads?.size;
    const slot = n !== undefined && key > n ? n : key;
    const locks = this.flushing ? this.locks : undefined;
    const l = slot & LOCK_MASK;
    if (locks && Atomics.compareExchange(locks, l, 0, 1) !== 0) waitForLock(locks, l);
    try {
      this.fold.addMatched(slot, t, held.text, held.matched);
      this.counts.used++;
    } finally {
      if (locks) Atomics.store(locks, l, 0);
    }
  }

  /** The end of the file: decide what the bot filter still holds. */
  finish(): void {
    const bot = this.bot;
    if (!bot) return;
    this.flushing = true;
    try {
      bot.flush();
    } finally {
      this.flushing = false;
    }
    this.counts.botFilter.unsorted += bot.unsorted;
    bot.unsorted = 0;
  }

  private entryFor(text: string): TypeEntry {
    const rules = this.binding.rulesFor(text);
    const missing = present(text, this.cm.nulls) === undefined;
    const kind = this.bot?.kindOf(text) ?? 0;
    if (!rules) return { text, missing, matched: undefined, tested: false, kind };
    const tested = rules.some((r) => r.test);
    return { text, missing, matched: tested ? [] : rules.map((r) => r.k), tested, kind };
  }

  private reject(line: number, reason: string, detail: string, raw: string): void {
    if (!this.accounts) return;
    const c = this.counts;
    c.rejected++;
    c.rejectedByReason.set(reason, (c.rejectedByReason.get(reason) ?? 0) + 1);
    this.onReject({ line, reason, detail, raw });
  }

  /** Fold the record last scanned by `r` (a data record of the right shape), on physical line `line`. */
  add(r: ByteRecords, buf: Uint8Array, line: number): void {
    const { li, ti, si, counts, fold } = this;
    const ai = this.cm.model.input.activities;
    const accounts = this.accounts;
    if (accounts) counts.rows++;
    const key = this.key;
    key.of(r, buf, li, () => cellText(r, buf, li));
    if (key.e === key.s) {
      this.reject(line, 'missing_lead_id', `empty lead id in column "${ai.leadId}"`, asciiOrUtf8(buf, r.recordStart, r.recordEnd));
      return;
    }
    // another share's lead: only the first share reads on, for the row's rejects and timestamp
    const share = this.share;
    const mine = !share || (hash(key.buf, key.s, key.e) >>> 0) % share.of === share.index;
    if (!mine && !accounts) return;
    // the type's entry: by its bytes (unquoted), by its text (quoted)
    let entry: TypeEntry;
    if (r.quoted[ti]) {
      const text = cellText(r, buf, ti);
      let e = this.quotedTypes.get(text);
      if (!e) {
        e = this.entryFor(text);
        if (this.quotedTypes.size < 10_000) this.quotedTypes.set(text, e);
      }
      entry = e;
    } else {
      const ts = r.start[ti]!;
      const te = r.end[ti]!;
      const k = this.types.find(buf, ts, te);
      if (k >= 0) entry = this.entries[k]!;
      else {
        entry = this.entryFor(asciiOrUtf8(buf, ts, te));
        if (this.types.size < 10_000) {
          this.types.add(buf, ts, te);
          this.entries.push(entry);
        }
      }
    }
    if (entry.missing) {
      this.reject(line, 'missing_type', `empty activity type in column "${ai.type}"`, asciiOrUtf8(buf, r.recordStart, r.recordEnd));
      return;
    }
    let t = r.quoted[si] ? NaN : isoBytes(buf, r.start[si]!, r.end[si]!);
    if (t !== t) {
      const tsCell = cellText(r, buf, si).trim();
      if (!tsCell) {
        this.reject(line, 'missing_timestamp', `empty timestamp in column "${ai.timestamp}"`, asciiOrUtf8(buf, r.recordStart, r.recordEnd));
        return;
      }
      t = parseTimestamp(tsCell, this.dateFormat);
      if (Number.isNaN(t)) {
        this.reject(line, 'bad_timestamp', `timestamp "${tsCell}" in column "${ai.timestamp}" is not a date (see input.activities.date_format)`, asciiOrUtf8(buf, r.recordStart, r.recordEnd));
        return;
      }
    } else if (this.dateFormat !== 'iso') {
      t = parseTimestamp(cellText(r, buf, si).trim(), this.dateFormat);
    }
    if (t > counts.newestMs!) counts.newestMs = t; // the newest activity read (LS171)
    if (!mine) return;
    let slot: number;
    // the bot filter's key: the slot, or for an orphan its own number after the leads' slots
    let botKey = -1;
    if (this.leads) {
      slot = this.leads.find(key.buf, key.s, key.e);
      if (slot < 0) {
        slot = this.leads.size; // the orphans' slot
        if (this.bot) {
          const k = this.ids.add(key.buf, key.s, key.e);
          botKey = slot + 1 + (k < 0 ? ~k : k);
        }
      }
    } else {
      slot = this.ids.add(key.buf, key.s, key.e);
      if (slot < 0) slot = ~slot;
      else fold.ensure(slot + 1);
    }
    if (botKey < 0) botKey = slot;
    const locks = this.locks;
    if (!locks) return this.admit(slot, botKey, t, entry, r, buf);
    const l = slot & LOCK_MASK;
    if (Atomics.compareExchange(locks, l, 0, 1) !== 0) waitForLock(locks, l);
    try {
      this.admit(slot, botKey, t, entry, r, buf);
    } finally {
      Atomics.store(locks, l, 0);
    }
  }

  /**
   * The fold's part of an activity: the as-of and window test, then the rules it matches; with a bot
   * filter, the activity then waits for its decision (decided()).
   */
  private admit(slot: number, botKey: number, t: number, entry: TypeEntry, r: ByteRecords, buf: Uint8Array): void {
    const { fold, counts } = this;
    const admitted = fold.admit(slot, t);
    if (admitted === 'future') {
      counts.future++;
      return;
    }
    if (admitted === 'outside_window') {
      counts.outsideWindow++;
      return;
    }
    let matched = entry.matched;
    if (entry.tested) {
      const row = this.row;
      for (const c of this.condColumns) row[c] = cellText(r, buf, c);
      matched = fold.matchRules(this.binding, entry.text, row);
    }
    if (this.bot) {
      const match = this.matchOn < 0 ? '' : cellText(r, buf, this.matchOn).trim().toLowerCase();
      // (an entry is its own Held: no object per activity unless an `if` was tested)
      this.bot.push(botKey, t, entry.kind, match, entry.tested ? { text: entry.text, matched } : entry);
      return;
    }
    counts.used++;
    fold.addMatched(slot, t, entry.text, matched);
  }
}
