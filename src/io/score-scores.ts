// Phase 3 of a score run, the scores: every lead scored against the compiled model and its activity
// aggregates (core/score/score-lead.ts); a lead a quality check rejects goes to rejects.csv. Per lead
// only numbers are kept (scored-store.ts): the reasons as their top rule slots and points, the flags as
// an interned set; the text is made when the row is written. The fast path scores on both cores
// (bytes/parallel-score.ts), its parts added in lead order.
import { asciiOrUtf8 } from './bytes/records.js';
import type { FastLeads } from './bytes/fast-leads.js';
import { scoreInParallel } from './bytes/parallel-score.js';
import type { CsvFile } from './csv-reader.js';
import type { LeadSource } from './score-inputs.js';
import type { LeadsRead } from './score-leads.js';
import type { Rejects } from './scored-writer.js';
import type { Model } from '../core/model/types.js';
import type { SummaryBuilder } from '../core/report/summary.js';
import type { AccountBuilder } from '../core/score/accounts.js';
import type { CompiledModel } from '../core/score/compiled.js';
import type { EngagementFold } from '../core/score/engagement.js';
import { LeadScorer, topContributions, type ScoredLead } from '../core/score/score-lead.js';
import { MAX_REASONS, ScoredStore, storeLayout } from '../core/score/scored-store.js';

export interface ScoreLeadsOptions {
  model: Model;
  cm: CompiledModel;
  asOfMs: number;
  fold: EngagementFold;
  leads: LeadsRead;
  /** The lead files (none: leads from the activities), and where the cells of a lead come from. */
  files: CsvFile[];
  leadsFile: LeadSource;
  fastLeads: FastLeads | undefined;
  /** Score on both cores (the fast path, from this many leads on). */
  parallel: boolean;
  accounts: AccountBuilder | undefined;
  summary: SummaryBuilder;
  rejects: Rejects;
  onScored?: ((scored: { index: number; id: string; row: readonly string[]; lead: ScoredLead; cm: CompiledModel }) => void) | undefined;
}

export interface LeadsScored {
  store: ScoredStore;
  /** The indexes of the leads scored (not rejected), in input order. */
  scored: number[];
}

export async function scoreLeads(o: ScoreLeadsOptions): Promise<LeadsScored> {
  const { cm, fold, summary, rejects, accounts, leadsFile, files } = o;
  const fast = o.fastLeads;
  const { intake, raws, rejectedOf } = o.leads;
  const n = fast ? fast.size : intake.size;
  const scorer = new LeadScorer(cm, fold);
  const store = new ScoredStore(n, storeLayout(cm), fast !== undefined);
  const scored: number[] = [];
  const sourceOf = (i: number): LeadSource => (files.length > 1 ? files[intake.fileIndexOf(i)]! : leadsFile);
  const records = fast && !o.parallel ? fast.records() : undefined;
  const lineOf = (i: number) => (fast ? fast.lines[i]! : intake.lineOf(i));
  if (o.parallel) {
    const only = files[0]!;
    const parts = await scoreInParallel({ leads: fast!, fold, store, header: leadsFile.header, delimiter: leadsFile.delimiter, trailingDelimiter: only.knownHeader().trailingDelimiter, model: o.model, asOfMs: o.asOfMs });
    const rejected = new Uint8Array(n);
    for (const { from, to, result } of parts) {
      store.adopt(from, to, result);
      for (const r of result.rejects) {
        rejectedOf[0]!++;
        summary.addRejectedLead(r.reason);
        rejected[r.slot] = 1;
        const p = rejects.add(only.path, r.line, r.reason, r.detail, r.raw);
        if (p) await p;
      }
      summary.addScoredPart(result.summary);
      for (const [field, k] of result.unparsable) cm.unparsable.set(field, (cm.unparsable.get(field) ?? 0) + k);
    }
    for (let i = 0; i < n; i++) if (!rejected[i]) scored.push(i);
    return { store, scored };
  }
  for (let i = 0; i < n; i++) {
    const raw = records ? recordText(records.next()) : raws.get(i);
    const source = sourceOf(i);
    const row = source.split(raw);
    const outcome = scorer.score(row, i);
    if (outcome.kind === 'rejected') {
      if (files.length) rejectedOf[intake.fileIndexOf(i)]!++;
      summary.addRejectedLead(outcome.reason);
      const q = cm.rules[outcome.slot]!;
      const p = rejects.add(source.path, lineOf(i), outcome.reason, `quality check "${q.id}" (${q.path}) rejects this lead`, raw);
      if (p) await p;
      continue;
    }
    const top = topContributions(outcome.lead.contributions, MAX_REASONS);
    summary.addScored(outcome.lead, top);
    if (o.onScored) o.onScored({ index: i, id: intake.ids[i]!, row, lead: outcome.lead, cm });
    store.set(i, outcome.lead, top);
    if (accounts) accounts.add(i, row, intake.ids[i]!, outcome.lead.score, outcome.lead.fit, outcome.lead.interests);
    scored.push(i);
  }
  return { store, scored };
}

function recordText(r: IteratorResult<{ i: number; bytes: Buffer }>): string {
  if (r.done) throw new Error('leads file: fewer records on the second read');
  return asciiOrUtf8(r.value.bytes, 0, r.value.bytes.length);
}
