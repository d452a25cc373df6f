// Runs the pure core (compile, fold, score) on in-memory rows: the semantics tests' harness.
import { loadModelText } from '../../src/io/model-file.js';
import { compileModel, type ScoringEnv } from '../../src/core/score/compiled.js';
import { EngagementFold } from '../../src/core/score/engagement.js';
import { formatReasons, LeadScorer, type ScoredLead } from '../../src/core/score/score-lead.js';
import { parseTimestamp } from '../../src/core/value.js';
import { ActivityFolder, slotMap } from '../../src/core/score/activity-fold.js';
import type { Model } from '../../src/core/model/types.js';

export const testEnv: ScoringEnv = {
  isDisposableDomain: (d) => ['mailinator.com', 'guerrillamail.com'].includes(d),
};

export function model(yaml: string): Model {
  const { result } = loadModelText(yaml, 'test.yaml');
  if (result.errors.length || !result.value) {
    throw new Error('model has errors: ' + result.errors.map((e) => `${e.code} ${e.message}`).join('; '));
  }
  return result.value;
}

export type Row = Record<string, string>;

export interface Scored extends ScoredLead {
  reasons: string;
}

export function scoreRows(
  m: Model,
  leads: Row[],
  activities: Row[],
  asOf: string,
): { byId: Map<string, Scored>; rejected: Map<string, string> } {
  const leadHeader = [...new Set(leads.flatMap((r) => Object.keys(r)))];
  const cm = compileModel(m, { leadHeader, asOfMs: parseTimestamp(asOf), env: testEnv });
  const idCol = m.input.leads.id;
  const ids = leads.map((r, i) => (idCol === '$row' ? String(i + 1) : r[idCol]!));
  // activities go through the pipeline's own folder (checks, bot filter) and are merged as score merges them
  const fold = new EngagementFold(cm, leads.length);
  const actHeader = [...new Set(activities.flatMap((r) => Object.keys(r)))];
  const folder = new ActivityFolder(cm, actHeader, () => undefined);
  folder.addBatch(activities.map((act, i) => ({ fields: actHeader.map((h) => act[h] ?? ''), line: i + 2, raw: '' })));
  folder.finish();
  fold.merge(folder.fold.state, slotMap(folder.ids, new Map(ids.map((id, i) => [id, i]))));
  const scorer = new LeadScorer(cm, fold);
  const byId = new Map<string, Scored>();
  const rejected = new Map<string, string>();
  leads.forEach((r, i) => {
    const out = scorer.score(leadHeader.map((h) => r[h]), i);
    if (out.kind === 'rejected') rejected.set(ids[i]!, out.reason);
    else byId.set(ids[i]!, { ...out.lead, reasons: formatReasons(cm, out.lead.contributions) });
  });
  return { byId, rejected };
}
