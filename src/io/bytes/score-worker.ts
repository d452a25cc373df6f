// Scoring thread of the fast path: scores one range of leads (see parallel-score.ts). It reads their
// records from the leads file by offset, scores each against the compiled model and its slice of the
// fold, and sets the results in the ScoredStore in shared memory; it returns its part of the summary,
// its quality rejects and the values that failed to parse.
import { workerData, parentPort } from 'node:worker_threads';
import { openSync, closeSync } from 'node:fs';
import { ScoredStore } from '../../core/score/scored-store.js';
import { MAX_REASONS } from '../../core/score/scored-store.js';
import { compileModel } from '../../core/score/compiled.js';
import { EngagementFold } from '../../core/score/engagement.js';
import { LeadScorer, topContributions } from '../../core/score/score-lead.js';
import { SummaryBuilder } from '../../core/report/summary.js';
import { splitRecord } from '../csv-reader.js';
import { scoringEnv } from '../disposable.js';
import { asciiOrUtf8 } from './records.js';
import { RecordWindow } from './fast-leads.js';
import type { ScoreTask, ScoreResult } from './parallel-score.js';

const task = workerData as ScoreTask;

function run(): ScoreResult {
  const store = ScoredStore.of(task.store);
  const cm = compileModel(task.model, { leadHeader: task.header, asOfMs: task.asOfMs, env: scoringEnv });
  const fold = new EngagementFold(cm, task.to - task.from, task.state);
  const scorer = new LeadScorer(cm, fold);
  const summary = new SummaryBuilder(cm);
  const rejects: ScoreResult['rejects'] = [];
  const width = task.trailingDelimiter ? task.header.length : undefined;
  const fd = openSync(task.leadsPath, 'r');
  try {
    const records = new RecordWindow(fd, task.leadsPath);
    for (let j = 0; j < task.to - task.from; j++) {
      const bytes = records.at(task.offsets[j]!, task.lengths[j]!);
      const raw = asciiOrUtf8(bytes, 0, bytes.length);
      const row = splitRecord(raw, task.delimiter, width);
      const outcome = scorer.score(row, j);
      if (outcome.kind === 'rejected') {
        const q = cm.rules[outcome.slot]!;
        rejects.push({ slot: task.from + j, line: task.lines[j]!, reason: outcome.reason, detail: `quality check "${q.id}" (${q.path}) rejects this lead`, raw });
        continue;
      }
      const top = topContributions(outcome.lead.contributions, MAX_REASONS);
      summary.addScored(outcome.lead, top);
      store.set(task.from + j, outcome.lead, top);
    }
  } finally {
    closeSync(fd);
  }
  const d = store.data();
  return { rejects, summary: summary.scoredPart(), unparsable: [...cm.unparsable], grades: d.grades, flagSets: d.flagSets, values: d.values, big: d.big };
}

try {
  parentPort!.postMessage({ type: 'done', result: run() });
} catch (e) {
  parentPort!.postMessage({ type: 'error', message: (e as Error).message });
}
