// --as-of latest: the newest activity timestamp of the inputs, found by a first pass over the activity
// files (docs/input.md "As of the export"). The fold needs as-of before it reads an activity (decay,
// window, 7/30-day aggregates and max_count all depend on it), so `latest` costs one extra read of the
// activity files; runs with a given --as-of read them once, as before.
import type { Model } from '../core/model/types.js';
import { parseTimestamp } from '../core/value.js';
import { InputError } from './errors.js';
import { openInput, requireColumn, type InputOptions } from './inputs.js';

export const LS_LATEST_USAGE = 'LS177';
export const LS_LATEST_NONE = 'LS178';

/** The newest timestamp (epoch ms) in the activity files' timestamp column; InputError when there is none. */
export async function newestActivityMs(paths: readonly string[], model: Model, o: InputOptions): Promise<number> {
  const ai = model.input.activities;
  let newest = -Infinity;
  for (const path of paths) {
    const f = await openInput(path, 'activities', o);
    const si = requireColumn(f, ai.timestamp, 'input.activities.timestamp', 'LS110');
    for await (const batch of f.batches(() => undefined)) {
      for (const r of batch) {
        const cell = r.fields[si]?.trim();
        if (!cell) continue;
        const t = parseTimestamp(cell, ai.dateFormat ?? 'iso');
        if (t > newest) newest = t;
      }
    }
  }
  if (!Number.isFinite(newest)) {
    throw new InputError(LS_LATEST_NONE, `--as-of latest: no activity has a readable timestamp in column "${ai.timestamp}"`, paths[0], undefined,
      'give --as-of DATE, or check input.activities.timestamp and date_format');
  }
  return newest;
}
