// --as-of latest: the newest activity timestamp of the inputs, found by a first pass over the activity
// files (docs/input.md "As of the export"). The fold needs as-of before it reads an activity (decay,
// window, 7/30-day aggregates and max_count all depend on it), so `latest` costs one extra read of the
// activity files; runs with a given --as-of read them once, as before. score, explain and evaluate take
// the timestamp column from the model; train from its own column choice (newestTimestampMs).
import type { Model } from '../core/model/types.js';
import { activityTimestampName, type TrainActivityColumnOptions } from '../core/learn/train-columns.js';
import { parseTimestamp, type DateFormat } from '../core/value.js';
import type { CsvFile } from './csv-reader.js';
import { InputError } from './errors.js';
import { openInput, requireColumn, type InputOptions } from './inputs.js';

export const LS_LATEST_USAGE = 'LS177';
export const LS_LATEST_NONE = 'LS178';

/** Where a file's timestamps are: the column's index in that file, its name, and how its dates are written. */
export interface TimestampColumn {
  index: number;
  name: string;
  dateFormat: DateFormat;
}

/**
 * The newest timestamp (epoch ms) over the activity files, each file's column chosen by `column`
 * (which throws the file's missing-column error); InputError LS178 when no cell parses.
 */
export async function newestTimestampMs(paths: readonly string[], column: (f: CsvFile) => TimestampColumn, o: InputOptions): Promise<number> {
  let newest = -Infinity;
  let name = '';
  for (const path of paths) {
    const f = await openInput(path, 'activities', o);
    const c = column(f);
    name ||= c.name;
    for await (const batch of f.batches(() => undefined)) {
      for (const r of batch) {
        const cell = r.fields[c.index]?.trim();
        if (!cell) continue;
        const t = parseTimestamp(cell, c.dateFormat);
        if (t > newest) newest = t;
      }
    }
  }
  if (!Number.isFinite(newest)) {
    throw new InputError(LS_LATEST_NONE, `--as-of latest: no activity has a readable timestamp in column "${name}"`, paths[0], undefined,
      'give --as-of DATE, or check the activity timestamp column and its date_format');
  }
  return newest;
}

/** The newest timestamp in the model's activity timestamp column (its alternatives and date_format). */
export async function newestActivityMs(paths: readonly string[], model: Model, o: InputOptions): Promise<number> {
  const ai = model.input.activities;
  return newestTimestampMs(paths, (f) => ({
    index: requireColumn(f, ai.timestamp, 'input.activities.timestamp', 'LS110', '', model.alternatives),
    name: ai.timestamp,
    dateFormat: ai.dateFormat ?? 'iso',
  }), o);
}

/**
 * train --as-of latest: the newest timestamp of the activity files, read from the column and with the
 * date_format the feature fold of train uses (core/learn/train-columns.ts, app/train.ts).
 */
export async function newestTrainActivityMs(o: Pick<TrainActivityColumnOptions, 'activityTimestamp' | 'model'> & InputOptions & { activities: readonly string[] }): Promise<number> {
  return newestTimestampMs(o.activities, (f) => {
    const name = activityTimestampName(f.header, o);
    return { index: requireColumn(f, name, 'activity timestamp (--activity-timestamp)'), name, dateFormat: o.model?.input.activities.dateFormat ?? 'iso' };
  }, o);
}
