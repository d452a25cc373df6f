// The one activity pipeline (PRODUCT.md §2, §5): the rows of one activity file (or one byte range of it)
// are checked (empty lead id, type or timestamp, a timestamp that does not parse: rejected with their
// line), admitted or not (after as-of, outside the window: EngagementFold.admit), put through
// engagement.bot_filter, matched against the engagement rules and folded into an EngagementFold keyed
// by the lead ids met, in order of first appearance. score folds every file through it (on this thread
// or in worker threads, merged afterwards with EngagementFold.merge); explain turns on the per-activity
// trace to show every decision; train feeds its activity.* features from the same decisions.
// Nothing per activity survives its row unless a trace keeps it.
import type { CsvBadRow, CsvRow } from '../csv/types.js';
import type { CompiledModel } from './compiled.js';
import { type ActivityBinding, EngagementFold } from './engagement.js';
import { columnMatcher } from '../columns.js';
import { BotFilter, type BotKind } from './bot-filter.js';
import { type DateFormat, detach, parseTimestamp, present } from '../value.js';

export interface ActivityReject {
  line: number;
  reason: string;
  detail: string;
  raw: string;
}

export interface FoldCounts {
  /** Data rows read (good and bad). */
  rows: number;
  rejected: number;
  used: number;
  future: number;
  outsideWindow: number;
  /** The newest timestamp of the rows read (counted or not; -Infinity when none): for LS171. Not tracked by every reader. */
  newestMs?: number;
  rejectedByReason: Map<string, number>;
  /** Dropped by engagement.bot_filter, by reason; `unsorted`: filtered out of time order (see bot-filter.ts). */
  botFilter: { burst: number; scanner_click: number; unsorted: number };
}

/** What the fold decided about one activity row: `counted`, or why it was not. */
export type ActivityStatus = 'counted' | 'rejected' | 'after_as_of' | 'outside_window' | 'bot_filter';

/** One activity and the fold's decision about it (the trace; only built when asked for). */
export interface ActivityTrace {
  /** The lead id as read (trimmed); '' when the row has none. */
  leadId: string;
  line: number;
  type: string;
  /** The timestamp cell, trimmed. */
  timestamp: string;
  /** Epoch ms; NaN when the row was rejected before its timestamp was read or parsed. */
  t: number;
  /** The activity's cells, in its file's header order. */
  row: readonly string[];
  status: ActivityStatus;
  /** rejected: the reject reason (missing_type, bad_timestamp, ...); bot_filter: burst or scanner_click. */
  reason?: string;
  /** The engagement rules (indexes) that name the activity's type; undefined when none does. */
  rules?: readonly number[];
  /** counted: the rules among `rules` whose `if` held, which the activity was added to. */
  matched?: readonly number[];
}

export interface ActivityFolderOptions {
  /** Called with every decision, for explain and train. Off (undefined) on the score path. */
  trace?: (a: ActivityTrace) => void;
  /** Fold only the activities of these lead ids (explain); the others are skipped unread. */
  only?: ReadonlySet<string>;
}

interface Held {
  t: number;
  type: string;
  matched: number[] | undefined;
  /** Only when tracing. */
  trace?: ActivityTrace;
}

export class ActivityFolder {
  readonly fold: EngagementFold;
  readonly ids: string[] = [];
  private readonly slots = new Map<string, number>();
  private readonly binding: ActivityBinding;
  private readonly li: number;
  private readonly ti: number;
  private readonly si: number;
  private readonly dateFormat: DateFormat;
  readonly counts: FoldCounts = { rows: 0, rejected: 0, used: 0, future: 0, outsideWindow: 0, newestMs: -Infinity, rejectedByReason: new Map(), botFilter: { burst: 0, scanner_click: 0, unsorted: 0 } };
  private readonly bot: BotFilter<Held> | undefined;
  /** The bot filter's kind per type string as read, so a type is trimmed and lowercased once, not per activity. */
  private readonly botKinds = new Map<string, BotKind>();
  private readonly matchOn: number;
  private readonly trace: ((a: ActivityTrace) => void) | undefined;
  private readonly only: ReadonlySet<string> | undefined;

  constructor(
    private readonly cm: CompiledModel,
    header: readonly string[],
    private readonly onReject: (r: ActivityReject) => void,
    options: ActivityFolderOptions = {},
  ) {
    this.trace = options.trace;
    this.only = options.only;
    this.fold = new EngagementFold(cm, 0);
    this.binding = this.fold.bind(header);
    const m = columnMatcher(header, cm.model.alternatives); // each file resolves the model's column alternatives
    const ai = cm.model.input.activities;
    this.li = m(ai.leadId);
    this.ti = m(ai.type);
    this.si = m(ai.timestamp);
    this.dateFormat = ai.dateFormat ?? cm.dateFormat;
    const bf = cm.model.engagement.botFilter;
    this.matchOn = bf?.clicks?.matchOn ? m(bf.clicks.matchOn) : -1;
    this.bot = bf
      ? new BotFilter<Held>(bf, (slot, held, verdict) => {
          if (verdict) {
            this.counts.botFilter[verdict]++;
            if (held.trace) this.trace!({ ...held.trace, status: 'bot_filter', reason: verdict });
          } else {
            this.fold.addMatched(slot, held.t, held.type, held.matched);
            this.counts.used++;
            if (held.trace) this.trace!({ ...held.trace, status: 'counted', ...(held.matched ? { matched: held.matched } : {}) });
          }
        })
      : undefined;
  }

  /** The end of the file: decide the activities the bot filter still holds. */
  finish(): void {
    if (!this.bot) return;
    this.bot.flush();
    this.counts.botFilter.unsorted += this.bot.unsorted;
    this.bot.unsorted = 0;
  }

  private reject(line: number, reason: string, detail: string, raw: string): void {
    const c = this.counts;
    c.rejected++;
    c.rejectedByReason.set(reason, (c.rejectedByReason.get(reason) ?? 0) + 1);
    this.onReject({ line, reason, detail, raw });
  }

  badRow(b: CsvBadRow): void {
    this.counts.rows++;
    this.reject(b.line, b.reason, b.message, b.raw);
  }

  addBatch(batch: readonly CsvRow[]): void {
    const ai = this.cm.model.input.activities;
    const { li, ti, si, fold, slots, ids, binding, counts, trace, only } = this;
    const nulls = this.cm.nulls;
    for (let b = 0; b < batch.length; b++) {
      const r = batch[b]!;
      const fields = r.fields;
      const leadId = (fields[li] ?? '').trim();
      if (only !== undefined && !only.has(leadId)) continue;
      counts.rows++;
      if (!leadId) {
        this.reject(r.line, 'missing_lead_id', `empty lead id in column "${ai.leadId}"`, r.raw);
        if (trace) this.traceRejected(r, leadId, 'missing_lead_id');
        continue;
      }
      const type = fields[ti] ?? '';
      if (present(type, nulls) === undefined) {
        this.reject(r.line, 'missing_type', `empty activity type in column "${ai.type}"`, r.raw);
        if (trace) this.traceRejected(r, leadId, 'missing_type');
        continue;
      }
      const tsCell = (fields[si] ?? '').trim();
      if (!tsCell) {
        this.reject(r.line, 'missing_timestamp', `empty timestamp in column "${ai.timestamp}"`, r.raw);
        if (trace) this.traceRejected(r, leadId, 'missing_timestamp');
        continue;
      }
      const t = parseTimestamp(tsCell, this.dateFormat);
      if (Number.isNaN(t)) {
        this.reject(r.line, 'bad_timestamp', `timestamp "${tsCell}" in column "${ai.timestamp}" is not a date (see input.activities.date_format)`, r.raw);
        if (trace) this.traceRejected(r, leadId, 'bad_timestamp');
        continue;
      }
      if (t > counts.newestMs!) counts.newestMs = t;
      let slot = slots.get(leadId);
      if (slot === undefined) {
        slot = ids.length;
        const kept = detach(leadId);
        slots.set(kept, slot);
        ids.push(kept);
        fold.ensure(slot + 1);
      }
      if (this.bot || trace) {
        this.addChecked(r, slot, leadId, type, tsCell, t);
        continue;
      }
      const outcome = fold.add(binding, slot, t, type, fields);
      if (outcome === 'used') counts.used++;
      else if (outcome === 'future') counts.future++;
      else counts.outsideWindow++;
    }
  }

  /** A checked activity through the as-of/window test, the bot filter (when set) and the trace (when on). */
  private addChecked(r: CsvRow, slot: number, leadId: string, type: string, tsCell: string, t: number): void {
    const { fold, binding, counts, trace } = this;
    const base: ActivityTrace | undefined = trace ? this.traced(r, leadId, type, tsCell, t) : undefined;
    const admitted = fold.admit(slot, t);
    if (admitted !== 'used') {
      if (admitted === 'future') counts.future++;
      else counts.outsideWindow++;
      if (base) trace!({ ...base, status: admitted === 'future' ? 'after_as_of' : 'outside_window' });
      return;
    }
    const matched = fold.matchRules(binding, type, r.fields);
    if (this.bot) {
      // only what the fold needs is held (not the row, which would pin its chunk of the file), unless tracing
      const match = this.matchOn < 0 ? '' : (r.fields[this.matchOn] ?? '').trim().toLowerCase();
      this.bot.push(slot, t, this.botKindOf(type), match, { t, type: detach(type), matched, ...(base ? { trace: base } : {}) });
      return;
    }
    fold.addMatched(slot, t, type, matched);
    counts.used++;
    trace!({ ...base!, status: 'counted', ...(matched ? { matched } : {}) });
  }

  private botKindOf(type: string): BotKind {
    let k = this.botKinds.get(type);
    if (k === undefined) {
      if (this.botKinds.size >= 4096) this.botKinds.clear(); // a file of made-up types must not grow it without end
      k = this.bot!.kindOf(type);
      this.botKinds.set(detach(type), k);
    }
    return k;
  }

  private traced(r: CsvRow, leadId: string, type: string, timestamp: string, t: number): ActivityTrace {
    const rules = this.binding.rulesFor(type)?.map((x) => x.k);
    return { leadId, line: r.line, type, timestamp, t, row: r.fields, status: 'counted', ...(rules ? { rules } : {}) };
  }

  private traceRejected(r: CsvRow, leadId: string, reason: string): void {
    const type = r.fields[this.ti] ?? '';
    const timestamp = (r.fields[this.si] ?? '').trim();
    const t = timestamp ? parseTimestamp(timestamp, this.dateFormat) : NaN;
    this.trace!({ ...this.traced(r, leadId, type, timestamp, t), status: 'rejected', reason });
  }
}

/** Map a folder's lead ids to the leads' slots (-1: not a lead: orphan activities). */
export function slotMap(ids: readonly string[], leads: ReadonlyMap<string, number>): Int32Array {
  const map = new Int32Array(ids.length);
  for (let j = 0; j < ids.length; j++) map[j] = leads.get(ids[j]!) ?? -1;
  return map;
}
