// `leadscore explain`: stream the files like `score`, keep only the requested leads, fold their
// activities with the fold `score` uses (ActivityFolder, with its per-activity trace on), and explain
// each lead with the scorer's own code (src/core/score/explain.ts).
import { InputError } from './errors.js';
import { openInput, requireColumn } from './inputs.js';
import { scoringEnv } from './disposable.js';
import type { Model } from '../core/model/types.js';
import { compileModel } from '../core/score/compiled.js';
import { EngagementFold } from '../core/score/engagement.js';
import { ActivityFolder, slotMap } from '../core/score/activity-fold.js';
import { explainLead, type Explanation, type LeadActivity } from '../core/score/explain.js';
import { noActivityCounted, topBandOutOfReach, type ActivityCounts, type RunWarning } from '../core/report/warnings.js';

export interface ExplainOptions {
  model: Model;
  /** Lead files (searched in order), or none: the lead is then one of the activities' lead ids. */
  leads: string | string[];
  activities: string[];
  asOfMs: number;
  ids: string[];
  delimiter?: string;
  encoding?: string;
  /**
   * The run warnings that apply to the explained leads (core/report/warnings.ts): LS171 when none of
   * their activities is counted (with the newest one and the --as-of to give), LS175 when the top band
   * is out of reach without activities. The population warnings (LS172–LS174, LS176) need every lead
   * scored: score and evaluate give them.
   */
  onWarning?: (w: RunWarning) => void;
  /** A run warning stops explain (InputError, exit 3), as in score --strict. */
  strict?: boolean;
}



export async function runExplain(o: ExplainOptions): Promise<Explanation[]> {
  const model = o.model;
  const wanted = new Set(o.ids);
  const leadPaths = typeof o.leads === 'string' ? [o.leads] : o.leads;
  const idName = model.input.leads.id;
  const rows = new Map<string, string[]>();
  let leadHeader: string[] | undefined;
  let n = 0;
  for (const path of leadPaths) {
    const leadsFile = await openInput(path, 'leads', o);
    leadHeader ??= leadsFile.header;
    const idIndex = idName === '$row' ? -1 : requireColumn(leadsFile, idName, 'input.leads.id', 'LS110', '', model.alternatives);
    for await (const batch of leadsFile.batches(() => n++)) {
      for (const r of batch) {
        n++;
        const id = idIndex < 0 ? String(n) : (r.fields[idIndex] ?? '').trim();
        if (wanted.has(id) && !rows.has(id)) rows.set(id, r.fields);
      }
    }
  }
  const derived = leadPaths.length === 0;
  if (!derived) {
    const missing = o.ids.filter((id) => !rows.has(id));
    if (missing.length) {
      throw new InputError('LS150', `lead${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')} not found in the leads file (column "${idName}")`, leadPaths.join(', '), undefined,
        'check the id and the --leads file; ids are compared exactly, after trimming');
    }
  }
  // without lead files, a lead is an id of the activities, with that one column
  if (derived) leadHeader = [idName === '$row' ? model.input.activities.leadId : idName];

  const cm = compileModel(model, { leadHeader: leadHeader!, asOfMs: o.asOfMs, env: scoringEnv });
  const ai = model.input.activities;
  const slots = new Map([...wanted].map((id, i) => [id, i]));
  const fold = new EngagementFold(cm, slots.size);
  const activities = new Map<string, LeadActivity[]>([...wanted].map((id) => [id, []]));
  const headers: string[][] = [];
  const seen: ActivityCounts = { read: 0, rejected: 0, used: 0, afterAsOf: 0, outsideWindow: 0 };
  let newestMs = -Infinity;
  for (const path of o.activities) {
    const f = await openInput(path, 'activities', o);
    const h = headers.push(f.header) - 1;
    requireColumn(f, ai.leadId, 'input.activities.lead_id', 'LS110', '', model.alternatives);
    requireColumn(f, ai.type, 'input.activities.type', 'LS110', '', model.alternatives);
    requireColumn(f, ai.timestamp, 'input.activities.timestamp', 'LS110', '', model.alternatives);
    const folder = new ActivityFolder(cm, f.header, () => undefined, {
      only: wanted,
      trace: (a) => activities.get(a.leadId)?.push({ ...a, file: path, header: h }),
    });
    for await (const batch of f.batches(() => undefined)) folder.addBatch(batch);
    folder.finish();
    fold.merge(folder.fold.state, slotMap(folder.ids, slots));
    const c = folder.counts;
    seen.read += c.rows;
    seen.rejected += c.rejected;
    seen.used += c.used;
    seen.afterAsOf += c.future;
    seen.outsideWindow += c.outsideWindow;
    if (c.newestMs !== undefined && c.newestMs > newestMs) newestMs = c.newestMs;
  }
  // file order, then line order (the bot filter may decide an activity after later ones)
  const fileOf = new Map(o.activities.map((p, i) => [p, i]));
  for (const list of activities.values()) list.sort((a, b) => fileOf.get(a.file)! - fileOf.get(b.file)! || a.line - b.line);
  if (derived) {
    const missing = o.ids.filter((id) => activities.get(id)!.length === 0);
    if (missing.length) {
      throw new InputError('LS150', `lead${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')} not found among the lead ids of the activities (column "${ai.leadId}")`, o.activities.join(', '), undefined,
        'without -l the leads are the lead ids of the activity files; check the id (compared exactly, after trimming)');
    }
    for (const id of o.ids) rows.set(id, [id]);
  }
  const scope = ` of ${o.ids.length === 1 ? 'lead' : 'leads'} ${o.ids.join(', ')}`;
  const warnings = [
    noActivityCounted(seen, model, { activityInputs: o.activities.length, newestActivityMs: Number.isFinite(newestMs) ? newestMs : undefined, asOfMs: o.asOfMs }, scope),
    topBandOutOfReach(model, o.activities.length),
  ].filter((w): w is RunWarning => w !== undefined);
  if (o.strict && warnings.length) {
    const w = warnings[0]!;
    throw new InputError(w.code, `${w.message} (--strict: a run warning stops the run)`, leadPaths[0] ?? o.activities[0], undefined, w.hint);
  }
  for (const w of warnings) o.onWarning?.(w);
  return o.ids.map((id) => explainLead(cm, id, rows.get(id)!, fold, slots.get(id)!, activities.get(id)!, headers));
}
