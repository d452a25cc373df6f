// train's activity.* features see the activities exactly as score does: the same row checks
// (input.activities.date_format, input.leads.null_values), the same as-of and window_days, the same
// bot filter (train -m MODEL adopts a model's reading of the activities).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { model } from '../helpers/score-harness.js';
import { tempDir } from '../helpers/cli.js';
import { openCsv } from '../../src/io/csv-reader.js';
import { foldInThread } from '../../src/io/activity-tasks.js';
import { foldActivityFeatures } from '../../src/app/train.js';
import { nodeInputFiles } from '../../src/io/inputs.js';
import { compileModel } from '../../src/core/score/compiled.js';
import { EngagementFold } from '../../src/core/score/engagement.js';
import { slotMap } from '../../src/core/score/activity-fold.js';
import { parseTimestamp } from '../../src/core/value.js';
import { activityValue } from '../../src/core/score/predictive.js';

const YAML = `
version: 1
name: base
input:
  leads: { id: lead_id, null_values: ["", "N/A", "(none)"] }
  activities: { lead_id: lead, type: kind, timestamp: at, date_format: dmy }
engagement:
  window_days: 30
  bot_filter: { burst: { count: 3, seconds: 10 } }
  rules:
    - { id: visit, type: page_view, points: 1 }
predictive:
  intercept: 0
  features:
    - { name: activity.count, type: numeric, encoding: { transform: none, mean: 0, sd: 1 }, coefficient: 0.1 }
    - { name: activity.count.page_view, type: numeric, encoding: { transform: none, mean: 0, sd: 1 }, coefficient: 0.1 }
    - { name: activity.count.form_submit, type: numeric, encoding: { transform: none, mean: 0, sd: 1 }, coefficient: 0.1 }
bands: [ { name: all } ]
`;

const ACTIVITIES = [
  'lead,kind,at',
  'L1,page_view,20.10.2026 10:00', // counted (dmy)
  'L1,page_view,28.10.2026', // counted, in the last 7 days
  'L1,page_view,03.10.2026', // counted: 3 October (dmy), 29 days old
  'L1,page_view,15.09.2026', // older than window_days
  'L1,page_view,05.11.2026', // after as-of
  'L1,N/A,25.10.2026', // a null value as type: rejected
  'L1,form_submit,2026-10-25', // ISO is read with every date_format: counted, 7 days old
  'L1,form_submit,10/25/2026', // not a day-first date: rejected
  'L2,page_view,26.10.2026 09:00:00', // a burst of five in 8 seconds: the bot filter drops them
  'L2,page_view,26.10.2026 09:00:02',
  'L2,page_view,26.10.2026 09:00:04',
  'L2,page_view,26.10.2026 09:00:06',
  'L2,page_view,26.10.2026 09:00:08',
  'L2,form_submit,27.10.2026', // counted
  'L9,page_view,27.10.2026', // not a lead
].join('\n') + '\n';

describe('train activity.* features', () => {
  it('respect window_days, date_format, null_values and the bot filter exactly as score does', async () => {
    const dir = tempDir();
    const acts = join(dir, 'activities.csv');
    writeFileSync(acts, ACTIVITIES);
    const m = model(YAML);
    const asOfMs = parseTimestamp('2026-11-01');
    const ids = ['L1', 'L2', 'L3'];

    // train's side
    const train = await foldActivityFeatures(nodeInputFiles, { activities: [acts], asOfMs, model: m }, ids, 'lead_id', m.input.leads.nullValues);
    // score's side: the file folded as runScore folds it, merged into the leads' fold
    const cm = compileModel(m, { leadHeader: ['lead_id'], asOfMs, env: { isDisposableDomain: () => false } });
    const fold = new EngagementFold(cm, ids.length);
    const part = await foldInThread(await openCsv(acts), cm, () => undefined);
    fold.merge(part.state, slotMap(part.ids, new Map(ids.map((id, i) => [id, i]))));

    // every feature reads the same value on both sides
    const FEATURES = ['activity.count', 'activity.count_7d', 'activity.count_30d', 'activity.days_since_last', 'activity.count.page_view', 'activity.count.form_submit'];
    ids.forEach((id, i) => {
      for (const f of FEATURES) expect(activityValue(f, train.fold.aggregates(i)), `${id} ${f}`).toBe(activityValue(f, fold.aggregates(i)));
    });
    expect(train.fold.aggregates(0)).toEqual({
      count: 4, count7d: 2, count30d: 4, daysSinceLast: 4,
      byType: new Map([['page_view', 3], ['form_submit', 1]]),
    });
    expect(train.fold.aggregates(1)).toEqual({ count: 1, count7d: 1, count30d: 1, daysSinceLast: 5, byType: new Map([['form_submit', 1]]) });
    expect(train.fold.aggregates(2).count).toBe(0);
    expect(train.facts).toEqual({ used: 5, future: 1, orphans: 1, rejected: 2, outside_window: 1, bot_filter: 5 });
    // and the same counts as score's summary has them
    expect(part.counts).toMatchObject({ used: 6, future: 1, outsideWindow: 1, rejected: 2, botFilter: { burst: 5, scanner_click: 0, unsorted: 1 } }); // L1's rows are not in time order
    // the candidate columns are these aggregates
    const col = (name: string) => Array.from(train.fold.columns().find((c) => c.name === name)!.values);
    expect(col('activity.count')).toEqual([4, 1, 0]);
    expect(col('activity.count.page_view')).toEqual([3, 0, 0]);
  });
});
