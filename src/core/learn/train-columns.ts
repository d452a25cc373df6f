// Which columns train reads when no option names them: the first of a few usual names in a file's
// header (after the options and the base model of train -m). Used by the train use case
// (src/app/train.ts) and by the first pass of --as-of latest (io/newest-activity.ts), so that both read
// the same timestamp column.
import { columnMatcher } from '../columns.js';
import type { Model } from '../model/types.js';

/** The first of `names` that `header` has (as written in the header, trimmed), or undefined. */
export function firstColumn(header: readonly string[], names: readonly string[]): string | undefined {
  const m = columnMatcher(header);
  for (const n of names) {
    const i = m(n);
    if (i >= 0) return header[i]!.trim();
  }
  return undefined;
}

/** How train is told about the activity columns: its options, and the base model (-m). */
export interface TrainActivityColumnOptions {
  activityLeadId?: string;
  activityType?: string;
  activityTimestamp?: string;
  model?: Model;
}

/** The activity timestamp column of a file: --activity-timestamp, the base model's (-m), else the first of occurred_at, timestamp, date. */
export function activityTimestampName(header: readonly string[], o: TrainActivityColumnOptions): string {
  return o.activityTimestamp ?? o.model?.input.activities.timestamp ?? firstColumn(header, ['occurred_at', 'timestamp', 'date']) ?? 'occurred_at';
}

/** The lead id, type and timestamp columns of an activity file, as train reads them. */
export function activityColumnNames(header: readonly string[], o: TrainActivityColumnOptions, idColumn: string): { leadId: string; type: string; timestamp: string } {
  const base = o.model?.input.activities;
  return {
    leadId: o.activityLeadId ?? base?.leadId ?? firstColumn(header, ['lead_id', idColumn === '$row' ? 'lead_id' : idColumn]) ?? 'lead_id',
    type: o.activityType ?? base?.type ?? firstColumn(header, ['activity_type', 'type']) ?? 'activity_type',
    timestamp: activityTimestampName(header, o),
  };
}
