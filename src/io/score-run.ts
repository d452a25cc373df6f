// The scoring pipeline behind `leadscore score` (PRODUCT.md §2, §3, §5), as named phases:
//   inputs      open the lead and activity files, check their columns (score-inputs.ts);
//   leads       stream the leads, reject rows without an id or with a repeated id, keep the records
//               compactly — memory grows with leads only (score-leads.ts, core/score/lead-intake.ts);
//   activities  fold each activity file once into per-lead aggregates (score-activities.ts);
//   score       score every lead against the compiled model and its aggregates (score-scores.ts);
//   sort, write rank the scored leads and write every output into a fresh run folder in OUTDIR,
//               published as one set (one rename) only when the whole run has succeeded
//               (score-write.ts, OutputSet);
//   report      the summary, the run warnings and the reports.
import { stat } from 'node:fs/promises';
import { hashFile } from './hash.js';
import { readPrevious } from './previous.js';
import { FallBack, FastLeads } from './bytes/fast-leads.js';
import { releaseFold } from './bytes/parallel-score.js';
import { type CsvFile } from './csv-reader.js';
import { csvLine } from './csv-writer.js';
import { Rejects } from './scored-writer.js';
import { OutputSet, runFailure, type FsPort, type Outputs } from './output.js';
import { InputError } from './errors.js';
import { requireColumn } from './inputs.js';
import { scoringEnv } from './disposable.js';
import { checkRejectRate, derivedLeads, IN_MODEL, openActivityFiles, openLeadFiles, plainUtf8File, type LeadSource } from './score-inputs.js';
import { readLeads } from './score-leads.js';
import { mergeFolds, startFolds, type StartedFolds } from './score-activities.js';
import { scoreLeads } from './score-scores.js';
import { rank, writeScored } from './score-write.js';
import { ChangeTracker, type PreviousLead } from '../core/report/changes.js';
import { unguardPreviousIds } from '../core/formula.js';
import { runWarnings } from '../core/report/warnings.js';
import { AccountBuilder } from '../core/score/accounts.js';
import type { Model } from '../core/model/types.js';
import { compileModel, type CompiledModel } from '../core/score/compiled.js';
import type { ScoredLead } from '../core/score/score-lead.js';
import { bandFileName } from '../core/score/scored-layout.js';
import { type InputFacts, type RunWarning, type Summary, SummaryBuilder, summaryToMarkdown } from '../core/report/summary.js';

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

const ALL_FORMATS: ReadonlySet<'md' | 'json' | 'html'> = new Set(['md', 'json', 'html']);

const REJECT_HEADER = ['source', 'line', 'reason', 'detail', 'row'];

/** The files' sha256, one after another (hashFile: on a worker thread for large files). */
async function hashInTurn(paths: string[]): Promise<(string | undefined)[]> {
  const out: (string | undefined)[] = [];
  for (const p of paths) out.push(await hashFile(p));
  return out;
}

/** Fewer leads than this are scored and written on the main thread (threads cost ~50 ms to start). */
const PARALLEL_MIN_LEADS = Number(process.env.LEADSCORE_PARALLEL_MIN_LEADS ?? 20_000);

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
  if (idName === '$row' || o.previous !== undefined || o.model.accounts || o.onScored || o.outDir === undefined) return false;
  return plainUtf8File(f);
}

async function scoreRun(o: ScoreRunOptions, tryFast: boolean): Promise<ScoreRunResult> {
  // Column alternatives (issue 12) are resolved per file by the reference path only: such models take it.
  if (Object.keys(o.model.alternatives ?? {}).length > 0) tryFast = false;
  const started = Date.now();
  const guard = o.formulaGuard ?? true;
  const model = o.model;
  const leadPaths = typeof o.leads === 'string' ? [o.leads] : o.leads;
  const idName = model.input.leads.id;

  // inputs
  const leadFiles = await openLeadFiles(leadPaths, o);
  const derived = leadFiles.length === 0 ? derivedLeads(model, o.activities) : undefined;
  const leadsFile: LeadSource = leadFiles[0] ?? derived!;
  const idIndex = derived || idName === '$row' ? -1 : requireColumn(leadFiles[0]!, idName, 'input.leads.id', 'LS110', IN_MODEL, model.alternatives);
  const warnings: RunWarning[] = [];
  const activityFiles = await openActivityFiles(model, o.activities, o, warnings);

  const outputs: Outputs = o.outDir !== undefined ? await OutputSet.create(o.outDir, o.outputFs ? { fs: o.outputFs } : {}) : OutputSet.discarding();
  let folds: StartedFolds | undefined;
  try {
    const cm = compileModel(model, { leadHeader: leadsFile.header, asOfMs: o.asOfMs, env: scoringEnv });
    const summary = new SummaryBuilder(cm);
    const rejects = new Rejects(outputs.file('rejects.csv'), guard);
    await outputs.file('rejects.csv').write(csvLine(REJECT_HEADER, false));
    const inputs: InputFacts[] = [];

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

    // On the fast path the leads' first pass comes first: the byte folds are then keyed by lead slot
    // (sized once, no id index of their own, orphans in one extra slot) instead of by the ids they meet.
    const only = leadFiles.length === 1 ? leadFiles[0]! : undefined;
    const fast = tryFast && only && (await fastLeadsOk(o, only, idName)) ? new FastLeads({ path: only.path, delimiter: only.delimiter, header: only.header, trailingDelimiter: only.knownHeader().trailingDelimiter, idIndex, idName }) : undefined;
    o.onPhase?.(`path ${fast ? 'fast' : 'reference'}`, 0);
    // The inputs' sha256 for the run record, one file after another on a worker thread: on the fast
    // path started before the leads' pass, which leaves the other core free.
    const hashes = fast ? hashInTurn([...leadPaths, ...o.activities]) : undefined;
    if (fast) {
      only!.close();
      await fast.read();
    }
    // Large activity files start folding on worker threads now (on the reference path while this
    // thread reads the leads). On the fast path, plain UTF-8 files are folded from their bytes
    // (bytes/fast-activities.ts).
    folds = await startFolds(activityFiles, {
      model,
      asOfMs: o.asOfMs,
      ...(o.encoding ? { encoding: o.encoding } : {}),
      formulaGuard: guard,
      scratch: (name: string) => outputs.scratch(name),
      ...(o.onProgress ? { onProgress: o.onProgress } : {}),
    }, tryFast && !derived, fast?.index.share());

    // leads
    const leads = await readLeads({ files: leadFiles, idName, idIndex, fast, summary, rejects, onProgress: o.onProgress });
    // Quality rejects are added below; the reject-rate check runs once they are known.
    const phase = o.onPhase ? (name: string) => o.onPhase!(name, Date.now() - started) : undefined;
    phase?.('leads');

    // activities
    const { fold, counts, newestActivityMs } = await mergeFolds(folds, {
      files: activityFiles, read: o, cm, leads, fastLeads: fast, derived: !!derived, shared: fast !== undefined && fast.size >= PARALLEL_MIN_LEADS, summary, rejects, inputs,
      ...(o.strict !== undefined ? { strict: o.strict } : {}), ...(o.maxRejectRate !== undefined ? { maxRejectRate: o.maxRejectRate } : {}),
      ...(o.onProgress ? { onProgress: o.onProgress } : {}),
    });
    phase?.('activities');
    fast?.index.dropLookup(); // every id has been looked up
    const n = fast ? fast.size : leads.intake.size;
    if (derived) leads.leadRows = n;
    // (on the reference path the hashing starts now, on the core the folding threads have just freed)
    // one at a time: 1,000 small -a files read at once held all their bytes together
    const digestsOf = hashes ?? hashInTurn([...leadPaths, ...o.activities]);

    // score
    const accounts = model.accounts ? new AccountBuilder(model, { leadHeader: leadsFile.header, asOfMs: o.asOfMs, env: scoringEnv }) : undefined;
    const scores = await scoreLeads({
      model, cm, asOfMs: o.asOfMs, fold, leads, files: leadFiles, leadsFile, fastLeads: fast, accounts, summary, rejects, onScored: o.onScored,
      parallel: fast !== undefined && !accounts && !o.onScored && n >= PARALLEL_MIN_LEADS,
    });
    summary.leadsRead = leads.leadRows;
    leadFiles.forEach((f, k) => checkRejectRate(o, f.path, leads.rejectedOf[k]!, leads.rowsOf[k]!));
    inputs.unshift(...leadFiles.map((f, k): InputFacts => ({ role: 'leads', path: f.path, ...(f.totalBytes !== undefined ? { bytes: f.totalBytes } : {}), rows: leads.rowsOf[k]!, rejected: leads.rejectedOf[k]! })));
    phase?.('score');

    // sort
    const order = rank(scores, leads, fast);
    phase?.('sort');
    accounts?.finish();
    let changes: ChangeTracker | undefined;
    if (previousLeads) {
      // yesterday's ids as today's: `'+5i60kub` (written by a formula guard) is `+5i60kub` when unambiguous
      changes = new ChangeTracker(model.bands, unguardPreviousIds(previousLeads, (id) => leads.intake.byId.has(id)), o.previous!, o.handoffBand);
      previousLeads = undefined;
    }

    // write
    releaseFold(fold); // (on the parallel path, already released once sliced)
    await writeScored({
      model, cm, asOfMs: o.asOfMs, guard, outputs, order, scores, leads, files: leadFiles, leadsFile, idIndex, derived: !!derived,
      fastLeads: fast, parallelFrom: PARALLEL_MIN_LEADS, accounts, changes,
    });
    phase?.('write');
    scores.store.release(); // (before the report, which may load the HTML renderer)

    // report
    for (let k = 0; k < leadPaths.length; k++) {
      const st = leadPaths[k] === '-' ? undefined : await stat(leadPaths[k]!).catch(() => undefined);
      if (st && inputs[k]) inputs[k]!.bytes = st.size;
    }
    const digests = await digestsOf;
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
    folds?.fast?.stop();
    await outputs.abort();
    throw runFailure(e, o.outDir);
  }
}

export type { CompiledModel };
