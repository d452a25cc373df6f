// The scoring pipeline behind `leadscore score` (PRODUCT.md §2, §3, §5):
//   1. leads are streamed and kept compactly (id, raw record, line) — memory grows with leads only;
//   2. each activity file is streamed once and folded into per-lead aggregates (EngagementFold);
//   3. every lead is scored against the compiled model and its aggregates;
//   4. the scored leads are ranked and every output is written into a fresh run folder in OUTDIR,
//      published as one set (one rename) only when the whole run has succeeded (OutputSet).
import { open, stat } from 'node:fs/promises';
import { foldInThread, startParallelFolds, type FoldedPart } from './activity-tasks.js';
import { slotMap } from '../core/score/activity-fold.js';
import { RecordStore } from './record-store.js';
import { FallBack, FastLeads, RecordBytes } from './bytes/fast-leads.js';
import { asciiOrUtf8 } from './bytes/records.js';
import { startFastFolds, type BytePart, type FastFolds } from './bytes/fast-activities.js';
import type { IdKeys } from './bytes/id-index.js';
import { writeRanked } from './bytes/ranked-write.js';
import { releaseFold, scoreInParallel } from './bytes/parallel-score.js';
import { hashFiles } from './hash.js';
import { readPrevious } from './previous.js';
import { ChangeTracker, type PreviousLead } from '../core/report/changes.js';
import { unguardPreviousIds } from '../core/formula.js';
import { columnMatcher } from '../core/columns.js';
import { runWarnings } from '../core/report/warnings.js';
import { AccountBuilder } from '../core/score/accounts.js';
import { detach, formatFixed2 } from '../core/value.js';
import { type CsvBadRow, type CsvFile, headerOnly } from './csv-reader.js';
import { csvLine } from './csv-writer.js';
import { appendFile, rawPassThrough, Rejects, scoreCells, writeRow } from './scored-writer.js';
import { OutputSet, runFailure, type FsPort, type OutputFile, type Outputs } from './output.js';
import { InputError } from './errors.js';
import { openInput, requireColumn } from './inputs.js';
import { scoringEnv } from './disposable.js';
import type { Model } from '../core/model/types.js';
import { compileModel, type CompiledModel } from '../core/score/compiled.js';
import { EngagementFold } from '../core/score/engagement.js';
import { LeadScorer, compareIds, rankOrder, topContributions, type ScoredLead } from '../core/score/score-lead.js';
import { MAX_REASONS, ScoredStore } from '../core/score/scored-store.js';
import { bandFileName, scoredLayout } from '../core/score/scored-layout.js';
import { type ActivityCounts, type InputFacts, type RunWarning, type Summary, SummaryBuilder, summaryToMarkdown } from '../core/report/summary.js';
import { missingRuleColumns } from '../core/model/rule-columns.js';

export interface ScoreRunOptions {
  model: Model;
  modelPath: string;
  modelSha256: string;
  /**
   * The lead files (concatenated, in this order; the same columns in each), or none: the leads are then
   * the distinct lead ids of the activities (docs/input.md#leads-from-activities).
   */
  leads: string | string[];
  activities: string[];
  /** Where outputs go; without it nothing is written (evaluate, explain use the scores only). */
  outDir?: string;
  asOfMs: number;
  version: string;
  command?: string;
  delimiter?: string;
  encoding?: string;
  strict?: boolean;
  maxRejectRate?: number;
  formulaGuard?: boolean;
  /** Which report formats to write (default all three: summary.md, summary.json, summary.html). */
  formats?: ReadonlySet<'md' | 'json' | 'html'>;
  /** Yesterday's scored.csv: adds previous_score, previous_band, change and crossed.csv. */
  previous?: string;
  /** The hand-off band for crossed.csv (that band or higher); default MQL when the model has it. */
  handoffBand?: string;
  /**
   * Called for every scored lead, in input order, before ranking: its id, its cells (as in the leads
   * file), and the score with every rule that matched. `lead` is only valid during the call.
   */
  onScored?: (scored: { index: number; id: string; row: readonly string[]; lead: ScoredLead; cm: CompiledModel }) => void;
  /** Called at the end of each phase (leads, activities, score, sort, write) with the time since the start. */
  onPhase?: (name: string, elapsedMs: number) => void;
  /** Called as input is read: which file, bytes consumed, total bytes when known, rows so far. */
  onProgress?: (p: { file: string; bytesRead: number; totalBytes?: number; rows: number }) => void;
  /** The filesystem the outputs are written through (tests put faults here); default node:fs. */
  outputFs?: FsPort;
}

export interface ScoreRunResult {
  summary: Summary;
  /** Coded warnings of the run (also in summary.json), for the command to print. */
  warnings: RunWarning[];
  outDir?: string;
  files: string[];
}


/** What to do about a missing column of the model's `input` section. */
const IN_MODEL = "; set it in the model's input section";

const ALL_FORMATS: ReadonlySet<'md' | 'json' | 'html'> = new Set(['md', 'json', 'html']);

const REJECT_HEADER = ['source', 'line', 'reason', 'detail', 'row'];


function checkRejectRate(o: ScoreRunOptions, path: string, rejected: number, rows: number): void {
  if (o.strict && rejected > 0) {
    throw new InputError('LS120', `${rejected} row(s) rejected under --strict`, path, undefined, 'see rejects.csv in the previous run, or drop --strict to keep going');
  }
  if (o.maxRejectRate !== undefined && rows > 0 && rejected / rows > o.maxRejectRate) {
    throw new InputError(
      'LS121',
      `${rejected} of ${rows} rows rejected (${((rejected / rows) * 100).toFixed(2)}%), above --max-reject-rate ${o.maxRejectRate}`,
      path,
      undefined,
      'the export is probably malformed (delimiter, encoding, columns); fix it or raise --max-reject-rate',
    );
  }
}

/**
 * The fast path (issue 18) reads the leads file as bytes, twice, instead of keeping its records, folds
 * plain activity files from their bytes, and scores and writes on both cores; it is taken for plain
 * UTF-8 files on disk and falls back to the reference path (the reader, one record string per lead,
 * one thread for scoring and writing) on anything unusual. LEADSCORE_REFERENCE=1 forces the reference
 * path (tests compare the two byte for byte).
 */
export async function runScore(o: ScoreRunOptions): Promise<ScoreRunResult> {
  if (!process.env.LEADSCORE_REFERENCE) {
    try {
      return await scoreRun(o, true);
    } catch (e) {
      if (!(e instanceof FallBack)) throw e;
      o.onPhase?.(e.message, 0);
    }
  }
  return scoreRun(o, false);
}

/** Whether the (one) leads file can be read on the fast path (see FastLeads). */
async function fastLeadsOk(o: ScoreRunOptions, f: CsvFile, idName: string): Promise<boolean> {
  if (f.path === '-' || f.encoding !== 'utf-8' || f.headerLine !== 1 || f.delimiter.length !== 1 || idName === '$row') return false;
  if (o.previous !== undefined || o.model.accounts || o.onScored || o.outDir === undefined) return false;
  const fh = await open(f.path, 'r');
  try {
    const b = Buffer.alloc(2);
    await fh.read(b, 0, 2, 0);
    return !(b[0] === 0x1f && b[1] === 0x8b);
  } finally {
    await fh.close();
  }
}

async function scoreRun(o: ScoreRunOptions, tryFast: boolean): Promise<ScoreRunResult> {
  // Column alternatives (issue 12) are resolved per file by the reference path only: such models take it.
  if (Object.keys(o.model.alternatives ?? {}).length > 0) tryFast = false;
  const started = Date.now();
  const guard = o.formulaGuard ?? true;
  const model = o.model;
  const leadPaths = typeof o.leads === 'string' ? [o.leads] : o.leads;
  const idName = model.input.leads.id;
  const leadFiles = await openLeadFiles(leadPaths, o);
  const derived = leadFiles.length === 0 ? derivedLeads(model, o.activities) : undefined;
  const leadsFile: LeadSource = leadFiles[0] ?? derived!;
  const alt = model.alternatives;
  const idIndex = derived || idName === '$row' ? -1 : requireColumn(leadFiles[0]!, idName, 'input.leads.id', 'LS110', IN_MODEL, alt);
  const activityFiles: CsvFile[] = [];
  const warnings: RunWarning[] = [];
  for (const a of o.activities) {
    const f = await openInput(a, 'activities', o);
    const ai = model.input.activities;
    requireColumn(f, ai.leadId, 'input.activities.lead_id', 'LS110', IN_MODEL, alt);
    requireColumn(f, ai.type, 'input.activities.type', 'LS110', IN_MODEL, alt);
    requireColumn(f, ai.timestamp, 'input.activities.timestamp', 'LS110', IN_MODEL, alt);
    warnings.push(...missingRuleColumns(model, f.header, f.path));
    // released until its rows are read (reopened then, see below): 1,000 -a files must not hold 1,000
    // open streams and read buffers at once
    activityFiles.push(f.path === '-' ? f : headerOnly(f));
  }

  const outputs: Outputs = o.outDir !== undefined ? await OutputSet.create(o.outDir, o.outputFs ? { fs: o.outputFs } : {}) : OutputSet.discarding();
  let fastFolds: FastFolds | undefined;
  try {
    const cm = compileModel(model, { leadHeader: leadsFile.header, asOfMs: o.asOfMs, env: scoringEnv });
    const summary = new SummaryBuilder(cm);
    const rejects = new Rejects(outputs.file('rejects.csv'), guard);
    await outputs.file('rejects.csv').write(csvLine(REJECT_HEADER, false));
    const inputs: InputFacts[] = [];

    let changes: ChangeTracker | undefined;
    let previousLeads: Map<string, PreviousLead> | undefined;
    if (o.previous !== undefined) {
      if (idName === '$row' && !derived) {
        throw new InputError('LS112', '--previous needs lead ids: the model numbers rows ($row)', o.previous, undefined, 'set input.leads.id to the id column of the leads file');
      }
      if (o.handoffBand !== undefined && !model.bands.some((b) => b.name.toLowerCase() === o.handoffBand!.toLowerCase())) {
        throw new InputError('LS113', `--handoff-band "${o.handoffBand}" is not a band of the model`, o.modelPath, undefined, `bands are: ${model.bands.map((b) => b.name).join(', ')}`);
      }
      // read now (a bad file stops the run early); matched once every lead id is known (below)
      previousLeads = await readPrevious(o.previous, leadsFile.header[Math.max(0, idIndex)]!);
    }

    // Large activity files start folding on worker threads now, while this thread reads the leads. On
    // the fast path, plain UTF-8 files are folded from their bytes (bytes/fast-activities.ts).
    const foldOptions = {
      model,
      asOfMs: o.asOfMs,
      ...(o.encoding ? { encoding: o.encoding } : {}),
      formulaGuard: guard,
      scratch: (name: string) => outputs.scratch(name),
      ...(o.onProgress ? { onProgress: o.onProgress } : {}),
    };
    fastFolds = tryFast && !derived ? await startFastFolds(activityFiles, foldOptions) : undefined;
    const rest = activityFiles.filter((_, k) => !fastFolds?.parts[k]);
    const restParallel = await startParallelFolds(rest, foldOptions);
    const parallel: (Promise<FoldedPart[]> | undefined)[] = activityFiles.map((f, k) => fastFolds?.parts[k] ?? restParallel[rest.indexOf(f)]);
    restParallel.length = 0;

    // 1. Leads.
    const only = leadFiles.length === 1 ? leadFiles[0]! : undefined;
    const fast = tryFast && only && (await fastLeadsOk(o, only, idName)) ? new FastLeads({ path: only.path, delimiter: only.delimiter, header: only.header, trailingDelimiter: only.knownHeader().trailingDelimiter, idIndex, idName }) : undefined;
    o.onPhase?.(`path ${fast ? 'fast' : 'reference'}`, 0);
    const ids: string[] = [];
    const raws = new RecordStore();
    let lines = new Float64Array(1024);
    // which lead file each lead came from (several -l files)
    let fileOf = new Uint16Array(leadFiles.length > 1 ? 1024 : 0);
    const byId = new Map<string, number>();
    const keep = (id: string, line: number, raw: string, file: number): void => {
      const kept = detach(id);
      byId.set(kept, ids.length);
      ids.push(kept);
      if (ids.length > lines.length) {
        const l = new Float64Array(lines.length * 2);
        l.set(lines);
        lines = l;
      }
      lines[ids.length - 1] = line;
      if (fileOf.length) {
        if (ids.length > fileOf.length) {
          const f = new Uint16Array(fileOf.length * 2);
          f.set(fileOf);
          fileOf = f;
        }
        fileOf[ids.length - 1] = file;
      }
      raws.push(raw);
    };
    let leadRows = 0;
    // per lead file: rows read and rejected
    const rowsOf = leadFiles.map(() => 0);
    const rejectedOf = leadFiles.map(() => 0);
    let pendingBad: CsvBadRow[] = [];
    const onBad = (b: CsvBadRow) => pendingBad.push(b);
    const flushBad = async (source: string) => {
      for (const b of pendingBad) {
        await rejects.add(source, b.line, b.reason, b.message, b.raw);
        summary.addRejectedLead(b.reason);
      }
      const n = pendingBad.length;
      pendingBad = [];
      return n;
    };
    const firstSeen = (k: number) => `${leadFiles.length > 1 ? `${leadFiles[fileOf[k]!]!.path}:` : 'line '}${lines[k]}`;
    if (fast) {
      only!.close();
      await fast.read();
      let rejected = 0;
      for (const r of fast.rejects) {
        rejected++;
        summary.addRejectedLead(r.reason);
        await rejects.add(only!.path, r.line, r.reason, r.detail, r.raw);
      }
      summary.blankLines += fast.blank;
      leadRows = fast.rows;
      rowsOf[0] = fast.rows;
      rejectedOf[0] = rejected;
      o.onProgress?.({ file: only!.path, bytesRead: only!.totalBytes ?? 0, ...(only!.totalBytes !== undefined ? { totalBytes: only!.totalBytes } : {}), rows: fast.rows });
    }
    for (let lf = 0; lf < (fast ? 0 : leadFiles.length); lf++) {
      const file = leadFiles[lf]!;
      let rows = 0;
      let rejected = 0;
      for await (const batch of file.batches(onBad)) {
        rows += pendingBad.length;
        rejected += await flushBad(file.path);
        for (const r of batch) {
          rows++;
          const id = idIndex < 0 ? String(leadRows + rows) : (r.fields[idIndex] ?? '').trim();
          if (!id) {
            rejected++;
            summary.addRejectedLead('missing_id');
            await rejects.add(file.path, r.line, 'missing_id', `empty lead id in column "${idName}"`, r.raw);
            continue;
          }
          if (byId.has(id)) {
            rejected++;
            summary.addRejectedLead('duplicate_id');
            await rejects.add(file.path, r.line, 'duplicate_id', `lead id "${id}" first seen on ${firstSeen(byId.get(id)!)}`, r.raw);
            continue;
          }
          keep(id, r.line, r.raw, lf);
        }
        o.onProgress?.({ file: file.path, bytesRead: file.bytesRead(), ...(file.totalBytes !== undefined ? { totalBytes: file.totalBytes } : {}), rows });
      }
      rows += pendingBad.length;
      rejected += await flushBad(file.path);
      summary.blankLines += file.blankLines();
      leadRows += rows;
      rowsOf[lf] = rows;
      rejectedOf[lf] = rejected;
    }
    // Quality rejects are added below; the reject-rate check runs once they are known.

    const phase = o.onPhase ? (name: string) => o.onPhase!(name, Date.now() - started) : undefined;
    phase?.('leads');
    // 2. Activities: merge each file's folded parts into the leads' fold, in file order. Without lead
    // files, each lead id met for the first time becomes a lead (its one cell: the id).
    const fold = new EngagementFold(cm, derived ? 0 : fast ? fast.size : ids.length);
    let newestActivityMs = -Infinity;
    const counts: ActivityCounts = { read: 0, used: 0, future: 0, outsideWindow: 0, orphan: 0, rejected: 0, botFilter: { burst: 0, scanner_click: 0, unsorted: 0 } };
    for (let fi = 0; fi < activityFiles.length; fi++) {
      const f = activityFiles[fi]!;
      let parts: FoldedPart[];
      try {
        parts = (await parallel[fi]) ?? [await foldInThread(f.path === '-' ? f : await openInput(f.path, 'activities', o), cm, (r) => rejects.add(f.path, r.line, r.reason, r.detail, r.raw), o.onProgress)];
        // the parts are merged below and dropped: nothing else may hold their folds
        parallel[fi] = undefined;
        if (fastFolds) fastFolds.parts[fi] = undefined;
      } catch (e) {
        const err = e as Error & { code?: string };
        if (err.code?.startsWith('LS')) throw new InputError(err.code, err.message, f.path);
        throw e;
      }
      let rows = 0;
      let rejected = 0;
      for (const part of parts) {
        if (derived) {
          for (const id of part.ids) if (!byId.has(id)) keep(id, 0, id, 0);
          fold.ensure(ids.length);
        }
        const keys = (part as Partial<BytePart>).keys;
        const map = keys ? (fast ? fast.index.map(keys) : keySlots(keys, byId)) : fast ? fast.slotsOf(part.ids) : slotMap(part.ids, byId);
        const orphans = fold.merge(part.state, map);
        const c = part.counts;
        if (c.newestMs !== undefined && c.newestMs > newestActivityMs) newestActivityMs = c.newestMs;
        rows += c.rows;
        rejected += c.rejected;
        counts.used += c.used - orphans.used;
        counts.future += c.future - orphans.future;
        counts.outsideWindow += c.outsideWindow - orphans.outsideWindow;
        counts.orphan += orphans.used + orphans.future + orphans.outsideWindow;
        counts.botFilter.burst += c.botFilter.burst;
        counts.botFilter.scanner_click += c.botFilter.scanner_click;
        counts.botFilter.unsorted += c.botFilter.unsorted;
        for (const [reason, k] of c.rejectedByReason) summary.addReason(reason, k);
        for (const [field, k] of part.unparsable) cm.unparsable.set(field, (cm.unparsable.get(field) ?? 0) + k);
        summary.blankLines += part.blankLines;
        if (part.spillPath) await appendFile(rejects.out, part.spillPath);
      }
      counts.read += rows;
      counts.rejected += rejected;
      checkRejectRate(o, f.path, rejected, rows);
      inputs.push({ role: 'activities', path: f.path, ...(f.totalBytes !== undefined ? { bytes: f.totalBytes } : {}), rows, rejected });
    }
    phase?.('activities');
    const n = fast ? fast.size : ids.length;
    if (derived) leadRows = n;
    // The inputs' sha256 for the run record: large files on worker threads, started now so that they
    // use the core the folding threads have just freed while this thread scores and writes.
    const hashes = hashFiles([...leadPaths, ...o.activities]);
    // 3. Score. Per lead only numbers are kept (typed arrays): the reasons as their top rule slots and
    // points, the flags as an interned set; the text is made when the row is written.
    const scorer = new LeadScorer(cm, fold);
    const accounts = model.accounts ? new AccountBuilder(model, { leadHeader: leadsFile.header, asOfMs: o.asOfMs, env: scoringEnv }) : undefined;
    const store = new ScoredStore(n, cm.interests.length, fast !== undefined);
    const scored: number[] = [];
    const sourceOf = (i: number): LeadSource => (fileOf.length ? leadFiles[fileOf[i]!]! : leadsFile);
    // The fast path scores on both cores (bytes/parallel-score.ts); the parts are added in lead order.
    const parallelScore = fast !== undefined && !accounts && !o.onScored && n >= PARALLEL_MIN_LEADS;
    const records = fast && !parallelScore ? fast.records() : undefined;
    const lineOf = (i: number) => (fast ? fast.lines[i]! : lines[i]!);
    if (parallelScore) {
      const parts = await scoreInParallel({ leads: fast, fold, store, header: leadsFile.header, delimiter: leadsFile.delimiter, trailingDelimiter: only!.knownHeader().trailingDelimiter, model, asOfMs: o.asOfMs });
      const rejected = new Uint8Array(n);
      for (const { from, to, result } of parts) {
        store.adopt(from, to, result);
        for (const r of result.rejects) {
          rejectedOf[0]!++;
          summary.addRejectedLead(r.reason);
          rejected[r.slot] = 1;
          const p = rejects.add(only!.path, r.line, r.reason, r.detail, r.raw);
          if (p) await p;
        }
        summary.addScoredPart(result.summary);
        for (const [field, k] of result.unparsable) cm.unparsable.set(field, (cm.unparsable.get(field) ?? 0) + k);
      }
      for (let i = 0; i < n; i++) if (!rejected[i]) scored.push(i);
    }
    if (!parallelScore) for (let i = 0; i < n; i++) {
      const raw = records ? recordText(records.next()) : raws.get(i);
      const source = sourceOf(i);
      const row = source.split(raw);
      const outcome = scorer.score(row, i);
      if (outcome.kind === 'rejected') {
        if (leadFiles.length) rejectedOf[fileOf.length ? fileOf[i]! : 0]!++;
        summary.addRejectedLead(outcome.reason);
        const q = cm.rules[outcome.slot]!;
        const p = rejects.add(source.path, lineOf(i), outcome.reason, `quality check "${q.id}" (${q.path}) rejects this lead`, raw);
        if (p) await p;
        continue;
      }
      const top = topContributions(outcome.lead.contributions, MAX_REASONS);
      summary.addScored(outcome.lead, top);
      if (o.onScored) o.onScored({ index: i, id: ids[i]!, row, lead: outcome.lead, cm });
      store.set(i, outcome.lead, top);
      if (accounts) accounts.add(i, row, ids[i]!, outcome.lead.score, outcome.lead.fit, outcome.lead.interests);
      scored.push(i);
    }
    summary.leadsRead = leadRows;
    leadFiles.forEach((f, k) => checkRejectRate(o, f.path, rejectedOf[k]!, rowsOf[k]!));
    inputs.unshift(...leadFiles.map((f, k): InputFacts => ({ role: 'leads', path: f.path, ...(f.totalBytes !== undefined ? { bytes: f.totalBytes } : {}), rows: rowsOf[k]!, rejected: rejectedOf[k]! })));

    phase?.('score');
    // 4. Rank and write: scored.csv, and each row again in its band file (and crossed.csv).
    const { score } = store;
    // the fast path keeps no id strings: the tie-break reads them only for ids that are not numbers
    // (all numbers: only equal numbers written differently, "7" and "07", read the text: made on demand)
    const order = !fast ? rankOrder(scored, ids, score, store.fit) : fastRankOrder(fast, scored, score, store.fit);
    phase?.('sort');
    accounts?.finish();
    if (previousLeads) {
      // yesterday's ids as today's: `'+5i60kub` (written by a formula guard) is `+5i60kub` when unambiguous
      changes = new ChangeTracker(model.bands, unguardPreviousIds(previousLeads, (id) => byId.has(id)), o.previous!, o.handoffBand);
      previousLeads = undefined;
    }
    const layout = scoredLayout(leadsFile.header, cm, { accounts: !!accounts, previous: !!changes });
    const header = layout.header;
    // header cells are guarded like any other cell (an export's header can hold a formula too)
    const headerLine = csvLine(header, guard);
    const scoredOut = outputs.file('scored.csv');
    await scoredOut.write(headerLine);
    const bandOuts = model.bands.map((b) => outputs.file(bandFileName(b.name)));
    for (const b of bandOuts) await b.write(headerLine);
    const crossedOut = changes ? outputs.file('crossed.csv') : undefined;
    if (crossedOut) await crossedOut.write(headerLine);
    const extra = new Array<string>(layout.cells.length);
    // cells that are always plain numbers need no quoting and no formula guard
    const numeric = layout.numeric;
    // the join keys are never changed by the formula guard (docs/input.md "Formula guard"): the lead id
    // column, the column accounts are grouped by, and the account column
    const leadKeys = leadsFile.header.map((_, k) => k === idIndex || (derived !== undefined && k === 0));
    if (model.accounts?.by.kind === 'column') {
      const k = columnMatcher(leadsFile.header)(model.accounts.by.field);
      if (k >= 0) leadKeys[k] = true;
    }
    const extraKeys = layout.cells.map((h) => h === 'account');
    const passThroughs = (leadFiles.length ? leadFiles : [leadsFile]).map((f) => rawPassThrough(f, guard, leadKeys));
    releaseFold(fold); // (on the parallel path, already released once sliced)
    // The fast path writes on both cores (bytes/ranked-write.ts), reading the records again from the file.
    // Each writer thread holds one part file per output open (scored.csv and each band file): models
    // with many bands write on this thread, whose outputs share a bounded pool of descriptors (issue 16
    // item 13: 3,000 bands under ulimit -n 1024).
    const parallelWrite = fast !== undefined && !accounts && !changes && !crossedOut && order.length >= PARALLEL_MIN_LEADS && model.bands.length <= MAX_PARALLEL_WRITE_BANDS;
    if (parallelWrite) {
      await writeRanked({
        order, store, leads: fast, header: leadsFile.header, delimiter: leadsFile.delimiter, trailingDelimiter: only!.knownHeader().trailingDelimiter,
        model, asOfMs: o.asOfMs, guard, numeric, scratch: (name) => outputs.scratch(name), scored: scoredOut, bands: bandOuts,
      });
    }
    const recordBytes = fast && !parallelWrite ? new RecordBytes(fast, only!.path) : undefined;
    if (!parallelWrite) for (let r = 0; r < order.length; r++) {
      const i = order[r]!;
      const bi = store.band[i]!;
      store.cells(i, r + 1, cm, extra);
      if (accounts) {
        const a = accounts.accountOf(i);
        extra[layout.account] = a?.account ?? '';
        extra[layout.accountScore] = a ? formatFixed2(a.score) : '';
      }
      let crossed = false;
      if (changes) {
        const c = changes.record(ids[i]!, score[i]!, bi);
        extra[layout.previousScore] = c.previous ? formatFixed2(c.previous.score) : '';
        extra[layout.previousBand] = c.previous ? c.previous.band : '';
        extra[layout.change] = c.change;
        crossed = c.crossed;
      }
      // an unchanged record is copied as bytes; others are split and written cell by cell
      const rawBytes = recordBytes ? recordBytes.bytes(i) : raws.bytes(i);
      const tail = scoreCells(extra, numeric, guard, extraKeys);
      const k = fileOf.length ? fileOf[i]! : 0;
      const pass = passThroughs[k]!(rawBytes);
      const head = pass ? undefined : csvLine(sourceOf(i).split(recordBytes ? asciiOrUtf8(rawBytes, 0, rawBytes.length) : raws.get(i)), guard, leadKeys).slice(0, -1) + ',';
      let p = writeRow(scoredOut, rawBytes, head, tail);
      if (p) await p;
      if (bi >= 0 && (p = writeRow(bandOuts[bi]!, rawBytes, head, tail))) await p;
      if (crossed && (p = writeRow(crossedOut!, rawBytes, head, tail))) await p;
    }

    if (accounts) {
      const out = outputs.file('accounts.csv');
      await out.write(csvLine(accounts.header(), false));
      for (const r of accounts.rows()) {
        const p = out.write(csvLine(accounts.cells(r), guard, ACCOUNT_KEYS));
        if (p) await p;
      }
      for (const [field, k] of accounts.unparsable) cm.unparsable.set(field, (cm.unparsable.get(field) ?? 0) + k);
    }
    phase?.('write');
    for (let k = 0; k < leadPaths.length; k++) {
      const st = leadPaths[k] === '-' ? undefined : await stat(leadPaths[k]!).catch(() => undefined);
      if (st && inputs[k]) inputs[k]!.bytes = st.size;
    }
    const digests = await hashes;
    inputs.forEach((input, k) => {
      const d = digests[k];
      if (d) input.sha256 = d;
    });
    const result = summary.build(
      {
        version: o.version,
        modelPath: o.modelPath,
        modelSha256: o.modelSha256,
        asOf: new Date(o.asOfMs).toISOString(),
        startedAt: new Date(started).toISOString(),
        durationMs: Date.now() - started,
        inputs,
        ...(o.command !== undefined ? { command: o.command } : {}),
        ...(derived ? { leadsDerived: { idColumn: derived.header[0]!, leads: n } } : {}),
        warnings,
      },
      counts,
      fold.unknownTypes,
      changes?.summary(),
      accounts?.stats(),
    );
    // run warnings (LS171–LS176): a run that succeeded but may be useless; --strict stops it here,
    // before anything is published
    const useless = runWarnings(result, model, {
      activityInputs: o.activities.length,
      newestActivityMs: Number.isFinite(newestActivityMs) ? newestActivityMs : undefined,
      asOfMs: o.asOfMs,
    });
    if (useless.length) {
      warnings.push(...useless);
      result.warnings = [...(result.warnings ?? []), ...useless];
      if (o.strict) {
        const w = useless[0]!;
        throw new InputError(w.code, `${w.message} (--strict: a run warning stops the run${useless.length > 1 ? `; ${useless.length - 1} more: ${useless.slice(1).map((x) => x.code).join(', ')}` : ''})`, leadPaths[0] ?? o.activities[0], undefined, w.hint);
      }
    }
    const formats = o.formats ?? ALL_FORMATS;
    if (formats.has('json')) await outputs.file('summary.json').write(JSON.stringify(result, null, 2) + '\n');
    if (formats.has('md')) await outputs.file('summary.md').write(summaryToMarkdown(result));
    if (formats.has('html') && o.outDir !== undefined) {
      const { renderSummaryHtml } = await import('./html/summary.js'); // vega loads only when needed
      await outputs.file('summary.html').write(await renderSummaryHtml(result));
    }
    await outputs.commit();
    const files = ['scored.csv', ...model.bands.map((b) => bandFileName(b.name)), ...(accounts ? ['accounts.csv'] : []), ...(changes ? ['crossed.csv'] : []), 'rejects.csv', ...(['md', 'json', 'html'] as const).filter((f) => formats.has(f)).map((f) => `summary.${f}`)];
    return { summary: result, warnings, ...(o.outDir !== undefined ? { outDir: o.outDir } : {}), files };
  } catch (e) {
    fastFolds?.stop();
    await outputs.abort();
    throw runFailure(e, o.outDir);
  }
}

export type { CompiledModel };

/** Where the leads' cells come from: a lead file, or the lead ids of the activities. */
interface LeadSource {
  path: string;
  header: string[];
  delimiter: string;
  split(raw: string): string[];
}

/** The path rejects.csv gives a lead derived from the activities. */
export const DERIVED_SOURCE = '(leads from activities)';

/**
 * Without lead files the leads are the activities' distinct lead ids: one column, named after
 * input.leads.id (or, for `$row`, the activities' lead id column). LS162 when there are no activities.
 */
function derivedLeads(model: Model, activities: readonly string[]): LeadSource {
  if (activities.length === 0) {
    throw new InputError('LS162', 'no leads: give the leads file (-l), or activity files (-a) to take the leads from', undefined, undefined,
      'without -l the leads are the distinct lead ids of the -a files; give both when the model scores lead columns');
  }
  const id = model.input.leads.id === '$row' ? model.input.activities.leadId : model.input.leads.id;
  return { path: DERIVED_SOURCE, header: [id], delimiter: ',', split: (raw) => [raw] };
}

/** Open the lead files; several must have the same columns (names compared as headers are), in the same order. */
async function openLeadFiles(paths: readonly string[], o: ScoreRunOptions): Promise<CsvFile[]> {
  const files: CsvFile[] = [];
  for (const p of paths) files.push(await openInput(p, 'leads', o));
  const key = (h: readonly string[]) => h.map((x) => x.trim().toLowerCase()).join('\u0000');
  const first = files[0];
  for (const f of files.slice(1)) {
    if (key(f.header) !== key(first!.header)) {
      for (const g of files) g.close();
      throw new InputError('LS163', `the lead files have different columns: ${f.path} has ${f.header.length} (${f.header.slice(0, 6).join(', ')}${f.header.length > 6 ? ', ...' : ''}), ${first!.path} has ${first!.header.length} (${first!.header.slice(0, 6).join(', ')}${first!.header.length > 6 ? ', ...' : ''})`,
        f.path, f.headerLine, 'several -l files are concatenated: export them with the same columns in the same order, or score them in separate runs');
    }
  }
  return files;
}

/** accounts.csv columns the formula guard never changes: `account` and `best_lead` (join keys). */
const ACCOUNT_KEYS = [false, true, false, false, false, true];

export { bandFileName };

/** Fewer leads than this are scored and written on the main thread (threads cost ~50 ms to start). */
const PARALLEL_MIN_LEADS = Number(process.env.LEADSCORE_PARALLEL_MIN_LEADS ?? 20_000);
/** At most this many bands for the parallel write: two writers then hold at most 2 × 16 part files open. */
const MAX_PARALLEL_WRITE_BANDS = 15;

/** The leads' slots of ids met as bytes (-1: not a lead). */
function keySlots(keys: IdKeys, byId: ReadonlyMap<string, number>): Int32Array {
  const dec = new TextDecoder();
  const out = new Int32Array(keys.size);
  for (let j = 0; j < keys.size; j++) out[j] = byId.get(dec.decode(keys.bytes.subarray(keys.offsets[j]!, keys.offsets[j + 1]!))) ?? -1;
  return out;
}

function recordText(r: IteratorResult<{ i: number; bytes: Buffer }>): string {
  if (r.done) throw new Error('leads file: fewer records on the second read');
  return asciiOrUtf8(r.value.bytes, 0, r.value.bytes.length);
}

/** rankOrder on the fast path, which keeps no id strings (the same comparison, compareIds). */
function fastRankOrder(fast: FastLeads, scored: readonly number[], score: ArrayLike<number>, fit: ArrayLike<number>): Uint32Array {
  const order = Uint32Array.from(scored);
  const idNumber = fast.idNumbers();
  const ids = idNumber.some((x) => x !== x) ? Array.from({ length: fast.size }, (_, i) => fast.id(i)) : idsOnDemand(fast);
  order.sort((a, b) => score[b]! - score[a]! || fit[b]! - fit[a]! || compareIds(ids, idNumber, a, b));
  return order;
}

/** The fast path's lead ids as an array whose elements are made when read (see the tie-break). */
function idsOnDemand(fast: FastLeads): readonly string[] {
  return new Proxy([] as string[], { get: (_t, k) => (typeof k === 'string' && /^\d+$/.test(k) ? fast.id(Number(k)) : undefined) });
}

