// The score run's phases over Node files (the ScorePhases port of app/ports.ts; the use case, which runs
// them in order and writes the reports, is app/score.ts):
//   inputs      open the lead and activity files, check their columns (score-inputs.ts), make the run
//               folder in OUTDIR (OutputSet);
//   leads       stream the leads, reject rows without an id or with a repeated id, keep the records
//               compactly — memory grows with leads only (score-leads.ts, core/score/lead-intake.ts);
//   activities  fold each activity file once into per-lead aggregates (score-activities.ts);
//   score       score every lead against the compiled model and its aggregates (score-scores.ts);
//   sort, write rank the scored leads and write every output into the run folder (score-write.ts);
//   facts       the inputs' sizes and sha256, and what the phases counted, for the run record.
import { stat } from 'node:fs/promises';
import { hashFile } from './hash.js';
import { readPrevious } from './previous.js';
import { FallBack, FastLeads } from './bytes/fast-leads.js';
import type { InputCopies } from './input-copies.js';
import { releaseFold } from './bytes/parallel-score.js';
import { type CsvFile } from './csv-reader.js';
import { csvLine } from './csv-writer.js';
import { Rejects } from './scored-writer.js';
import { OutputSet, type FsPort, type Outputs } from './output.js';
import { InputError } from './errors.js';
import { requireColumn } from './inputs.js';
import { scoringEnv } from './disposable.js';
import { checkRejectRate, derivedLeads, IN_MODEL, openActivityFiles, openLeadFiles, plainUtf8File, type LeadSource } from './score-inputs.js';
import { readLeads, type LeadsRead } from './score-leads.js';
import { mergeFolds, startFolds, type ActivitiesFolded, type StartedFolds } from './score-activities.js';
import { scoreLeads, type LeadsScored } from './score-scores.js';
import { rank, writeScored } from './score-write.js';
import { ChangeTracker, type PreviousLead } from '../core/report/changes.js';
import { unguardPreviousIds } from '../core/formula.js';
import { AccountBuilder } from '../core/score/accounts.js';
import { compileModel, type CompiledModel } from '../core/score/compiled.js';
import { bandFileName } from '../core/score/scored-layout.js';
import { type InputFacts, type RunWarning, SummaryBuilder } from '../core/report/summary.js';
import type { ScorePhases, ScoreRequest } from '../app/ports.js';

export { FallBack };

/** A score run's request, and the filesystem its outputs are written through (tests put faults there). */
export interface ScoreRunOptions extends ScoreRequest {
  /** The filesystem the outputs are written through (tests put faults here); default node:fs. */
  outputFs?: FsPort;
  /** stdin and files not in UTF-8 are opened through their copies (io/input-copies.ts). */
  copies?: InputCopies;
}

const REJECT_HEADER = ['source', 'line', 'reason', 'detail', 'row'];

/** The files' sha256, one after another (hashFile: on a worker thread for large files). */
async function hashInTurn(paths: (string | Promise<string>)[]): Promise<(string | undefined)[]> {
  const out: (string | undefined)[] = [];
  for (const p of paths) out.push(await hashFile(await p));
  return out;
}

/** Fewer leads than this are scored and written on the main thread (threads cost ~50 ms to start). */
const PARALLEL_MIN_LEADS = Number(process.env.LEADSCORE_PARALLEL_MIN_LEADS ?? 20_000);

/** Whether the (one) leads file can be read on the fast path (see FastLeads). */
async function fastLeadsOk(o: ScoreRunOptions, f: CsvFile, idName: string): Promise<boolean> {
  if (idName === '$row' || o.previous !== undefined || o.model.accounts || o.onScored || o.outDir === undefined) return false;
  return plainUtf8File(f);
}

/**
 * The inputs phase, and the other phases ready to run. The fast path (issue 18) reads the leads file as
 * bytes, twice, instead of keeping its records, folds plain activity files from their bytes, and scores
 * and writes on both cores; it is taken (`tryFast`) for plain UTF-8 files on disk, and throws FallBack
 * on anything unusual (the use case then starts again on the reference path: the reader, one record
 * string per lead, one thread for scoring and writing).
 */
export async function openScoreRun(o: ScoreRunOptions, tryFast: boolean): Promise<ScorePhases> {
  // Column alternatives (issue 12) are resolved per file by the reference path only: such models take it.
  if (Object.keys(o.model.alternatives ?? {}).length > 0) tryFast = false;
  const guard = o.formulaGuard ?? true;
  const model = o.model;
  const leadPaths = typeof o.leads === 'string' ? [o.leads] : o.leads;
  const idName = model.input.leads.id;
  const paths = [...leadPaths, ...o.activities];
  // stdin is read once: without its copy (no output folder), a fall-back would find it consumed
  if (!o.copies && paths.includes('-')) tryFast = false;
  // the copies of stdin and of files not in UTF-8 are started now, all of them (io/input-copies.ts)
  o.copies?.prepare(paths, o);
  // (stdin's sha256 is its copy's)
  const hashed = paths.map((p) => o.copies?.hashed(p) ?? p);

  // inputs
  const leadFiles = await openLeadFiles(leadPaths, o);
  const derived = leadFiles.length === 0 ? derivedLeads(model, o.activities) : undefined;
  const leadsFile: LeadSource = leadFiles[0] ?? derived!;
  const idIndex = derived || idName === '$row' ? -1 : requireColumn(leadFiles[0]!, idName, 'input.leads.id', 'LS110', IN_MODEL, model.alternatives);
  const warnings: RunWarning[] = [];
  const activityFiles = await openActivityFiles(model, o.activities, o, warnings);
  const outputs: Outputs = o.outDir !== undefined ? await OutputSet.create(o.outDir, o.outputFs ? { fs: o.outputFs } : {}) : OutputSet.discarding();

  // what the phases hand on to the next ones
  let cm!: CompiledModel;
  let summary!: SummaryBuilder;
  let rejects!: Rejects;
  const inputs: InputFacts[] = [];
  let previousLeads: Map<string, PreviousLead> | undefined;
  let fast: FastLeads | undefined;
  let hashes: Promise<(string | undefined)[]> | undefined;
  let folds: StartedFolds | undefined;
  let leads!: LeadsRead;
  let folded!: ActivitiesFolded;
  let n = 0;
  let digestsOf!: Promise<(string | undefined)[]>;
  let accounts: AccountBuilder | undefined;
  let scores!: LeadsScored;
  let order!: Uint32Array;
  let changes: ChangeTracker | undefined;

  return {
    outputs,
    stop: () => folds?.fast?.stop(),

    async leads() {
      cm = compileModel(model, { leadHeader: leadsFile.header, asOfMs: o.asOfMs, env: scoringEnv });
      summary = new SummaryBuilder(cm);
      rejects = new Rejects(outputs.file('rejects.csv'), guard);
      await outputs.file('rejects.csv').write(csvLine(REJECT_HEADER, false));

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
      fast = tryFast && only && (await fastLeadsOk(o, only, idName)) ? new FastLeads({ path: only.source, delimiter: only.delimiter, header: only.header, trailingDelimiter: only.knownHeader().trailingDelimiter, idIndex, idName }) : undefined;
      o.onPhase?.(`path ${fast ? 'fast' : 'reference'}`, 0);
      // The inputs' sha256 for the run record, one file after another on a worker thread: on the fast
      // path started before the leads' pass, which leaves the other core free.
      hashes = fast ? hashInTurn(hashed) : undefined;
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
        formulaGuard: guard,
        scratch: (name: string) => outputs.scratch(name),
        ...(o.onProgress ? { onProgress: o.onProgress } : {}),
      }, tryFast && !derived, fast?.index.share());

      leads = await readLeads({ files: leadFiles, idName, idIndex, fast, summary, rejects, onProgress: o.onProgress });
      // Quality rejects are added in the score phase; the reject-rate check runs once they are known.
    },

    async activities() {
      folded = await mergeFolds(folds!, {
        files: activityFiles, read: o, cm, leads, fastLeads: fast, derived: !!derived, shared: fast !== undefined && fast.size >= PARALLEL_MIN_LEADS, summary, rejects, inputs,
        ...(o.strict !== undefined ? { strict: o.strict } : {}), ...(o.maxRejectRate !== undefined ? { maxRejectRate: o.maxRejectRate } : {}),
        ...(o.onProgress ? { onProgress: o.onProgress } : {}),
      });
      fast?.index.dropLookup(); // every id has been looked up
      n = fast ? fast.size : leads.intake.size;
      if (derived) leads.leadRows = n;
      // (on the reference path the hashing starts now, on the core the folding threads have just freed)
      // one at a time: 1,000 small -a files read at once held all their bytes together
      digestsOf = hashes ?? hashInTurn(hashed);
    },

    async score() {
      accounts = model.accounts ? new AccountBuilder(model, { leadHeader: leadsFile.header, asOfMs: o.asOfMs, env: scoringEnv }) : undefined;
      scores = await scoreLeads({
        model, cm, asOfMs: o.asOfMs, fold: folded.fold, leads, files: leadFiles, leadsFile, fastLeads: fast, accounts, summary, rejects, onScored: o.onScored,
        parallel: fast !== undefined && !accounts && !o.onScored && n >= PARALLEL_MIN_LEADS,
      });
      summary.leadsRead = leads.leadRows;
      leadFiles.forEach((f, k) => checkRejectRate(o, f.path, leads.rejectedOf[k]!, leads.rowsOf[k]!));
      inputs.unshift(...leadFiles.map((f, k): InputFacts => ({ role: 'leads', path: f.path, ...(f.totalBytes !== undefined ? { bytes: f.totalBytes } : {}), rows: leads.rowsOf[k]!, rejected: leads.rejectedOf[k]! })));
    },

    sort() {
      order = rank(scores, leads, fast);
    },

    async write() {
      accounts?.finish();
      if (previousLeads) {
        // yesterday's ids as today's: `'+5i60kub` (written by a formula guard) is `+5i60kub` when unambiguous
        changes = new ChangeTracker(model.bands, unguardPreviousIds(previousLeads, (id) => leads.intake.byId.has(id)), o.previous!, o.handoffBand);
        previousLeads = undefined;
      }
      releaseFold(folded.fold); // (on the parallel path, already released once sliced)
      await writeScored({
        model, cm, asOfMs: o.asOfMs, guard, outputs, order, scores, leads, files: leadFiles, leadsFile, idIndex, derived: !!derived,
        fastLeads: fast, parallelFrom: PARALLEL_MIN_LEADS, accounts, changes,
      });
      // nothing reads the scores or the rank order any more: let them go before the report (which
      // may load the HTML renderer)
      scores.store.release();
      order = new Uint32Array(0);
    },

    async facts() {
      for (let k = 0; k < leadPaths.length; k++) {
        const st = leadPaths[k] === '-' ? undefined : await stat(leadPaths[k]!).catch(() => undefined);
        if (st && inputs[k]) inputs[k]!.bytes = st.size;
      }
      const digests = await digestsOf;
      inputs.forEach((input, k) => {
        const d = digests[k];
        if (d) input.sha256 = d;
      });
      const changed = changes?.summary();
      const accountStats = accounts?.stats();
      return {
        summary, activities: folded.counts, unknownTypes: folded.fold.unknownTypes, inputs, warnings, newestActivityMs: folded.newestActivityMs,
        ...(changed ? { changes: changed } : {}),
        ...(accountStats ? { accounts: accountStats } : {}),
        ...(derived ? { leadsDerived: { idColumn: derived.header[0]!, leads: n } } : {}),
        files: ['scored.csv', ...model.bands.map((b) => bandFileName(b.name)), ...(accounts ? ['accounts.csv'] : []), ...(changes ? ['crossed.csv'] : []), 'rejects.csv'],
      };
    },
  };
}

export type { CompiledModel };
