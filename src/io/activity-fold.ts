// Activities folded per lead id: the rows of one activity file (or one byte range of it) are checked
// (empty lead id, type or timestamp, a timestamp that does not parse: rejected with their line) and
// folded into an EngagementFold keyed by the lead ids met, in order of first appearance. The same code
// runs on the main thread and in worker threads (activity-worker.ts); the folds are merged into the
// leads' fold afterwards (EngagementFold.merge), so nothing per activity survives its row.
import type { CsvBadRow, CsvRow } from './csv-reader.js';
import type { CompiledModel } from '../core/score/compiled.js';
import { type ActivityBinding, EngagementFold } from '../core/score/engagement.js';
import { columnMatcher } from '../core/columns.js';
import { BotFilter } from '../core/score/bot-filter.js';
import { type DateFormat, detach, parseTimestamp, present } from '../core/value.js';

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
  /** The newest timestamp of the rows read (counted or not; -Infinity when none): for LS171 and --as-of latest. */
  newestMs?: number;
  rejectedByReason: Map<string, number>;
  /** Dropped by engagement.bot_filter, by reason; `unsorted`: filtered out of time order (see bot-filter.ts). */
  botFilter: { burst: number; scanner_click: number; unsorted: number };
}

interface Held {
  t: number;
  type: string;
  matched: number[] | undefined;
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
  private readonly matchOn: number;

  constructor(
    private readonly cm: CompiledModel,
    header: readonly string[],
    private readonly onReject: (r: ActivityReject) => void,
  ) {
    this.fold = new EngagementFold(cm, 0);
    this.binding = this.fold.bind(header);
    const m = columnMatcher(header, cm.model.alternatives);
    const ai = cm.model.input.activities;
    this.li = m(ai.leadId);
    this.ti = m(ai.type);
    this.si = m(ai.timestamp);
    this.dateFormat = ai.dateFormat ?? cm.dateFormat;
    const bf = cm.model.engagement.botFilter;
    this.matchOn = bf?.clicks?.matchOn ? m(bf.clicks.matchOn) : -1;
    this.bot = bf
      ? new BotFilter<Held>(bf, (slot, held, verdict) => {
          if (verdict) this.counts.botFilter[verdict]++;
          else {
            this.fold.addMatched(slot, held.t, held.type, held.matched);
            this.counts.used++;
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
    const { li, ti, si, fold, slots, ids, binding, counts } = this;
    const nulls = this.cm.nulls;
    for (let b = 0; b < batch.length; b++) {
      const r = batch[b]!;
      counts.rows++;
      const fields = r.fields;
      const leadId = (fields[li] ?? '').trim();
      if (!leadId) {
        this.reject(r.line, 'missing_lead_id', `empty lead id in column "${ai.leadId}"`, r.raw);
        continue;
      }
      const type = fields[ti] ?? '';
      if (present(type, nulls) === undefined) {
        this.reject(r.line, 'missing_type', `empty activity type in column "${ai.type}"`, r.raw);
        continue;
      }
      const tsCell = (fields[si] ?? '').trim();
      if (!tsCell) {
        this.reject(r.line, 'missing_timestamp', `empty timestamp in column "${ai.timestamp}"`, r.raw);
        continue;
      }
      const t = parseTimestamp(tsCell, this.dateFormat);
      if (Number.isNaN(t)) {
        this.reject(r.line, 'bad_timestamp', `timestamp "${tsCell}" in column "${ai.timestamp}" is not a date (see input.activities.date_format)`, r.raw);
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
      if (this.bot) {
        const admitted = fold.admit(slot, t);
        if (admitted === 'future') counts.future++;
        else if (admitted === 'outside_window') counts.outsideWindow++;
        else {
          // only what the fold needs is held (not the row, which would pin its chunk of the file)
          const match = this.matchOn < 0 ? '' : (fields[this.matchOn] ?? '').trim().toLowerCase();
          this.bot.push(slot, t, type, match, { t, type: detach(type), matched: fold.matchRules(binding, type, fields) });
        }
        continue;
      }
      const outcome = fold.add(binding, slot, t, type, fields);
      if (outcome === 'used') counts.used++;
      else if (outcome === 'future') counts.future++;
      else counts.outsideWindow++;
    }
  }
}

/** Map a folder's lead ids to the leads' slots (-1: not a lead: orphan activities). */
export function slotMap(ids: readonly string[], leads: ReadonlyMap<string, number>): Int32Array {
  const map = new Int32Array(ids.length);
  for (let j = 0; j < ids.length; j++) map[j] = leads.get(ids[j]!) ?? -1;
  return map;
}
