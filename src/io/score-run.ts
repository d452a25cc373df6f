// The scoring pipeline behind `leadscore score` (PRODUCT.md §2, §3, §5):
//   1. leads are streamed and kept compactly (id, raw record, line) — memory grows with leads only;
//   2. each activity file is streamed once and folded into per-lead aggregates (EngagementFold);
//   3. every lead is scored against the compiled model and its aggregates;
//   4. the scored leads are ranked and every output is written into a fresh run folder in OUTDIR,
//      published as one set (one rename) only when the whole run has succeeded (OutputSet).
import { stat } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { foldInThread, startParallelFolds, type FoldedPart } from './activity-tasks.js';
import { slotMap } from './activity-fold.js';
import { RecordStore } from './record-store.js';
import { hashFile } from './hash.js';
import { readPrevious } from './previous.js';
import { ChangeTracker } from '../core/report/changes.js';
import { AccountBuilder } from '../core/score/accounts.js';
import { detach, formatFixed2 } from '../core/value.js';
import { type CsvBadRow, type CsvFile } from './csv-reader.js';
import { csvCell, csvLine } from './csv-writer.js';
import { OutputSet, type FsPort, type OutputFile, type Outputs } from './output.js';
import { InputError } from './errors.js';
import { bandFileName } from '../core/model/band-file.js';
import { openInput, requireColumn } from './inputs.js';
import { scoringEnv } from './disposable.js';
import type { Model } from '../core/model/types.js';
import { compileModel, type CompiledModel } from '../core/score/compiled.js';
import { EngagementFold } from '../core/score/engagement.js';
import { LeadScorer, leadIdNumbers, compareIds, topContributions, type ScoredLead } from '../core/score/score-lead.js';
import { MAX_REASONS, ScoredStore } from '../core/score/scored-store.js';
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
  /** The filesystem the outputs are written through (tests put faults here); default node:fs. */
  outputFs?: FsPort;
  /** Called as input is read: which file, bytes consumed, total bytes when known, rows so far. */
  onProgress?: (p: { file: string; bytesRead: number; totalBytes?: number; rows: number }) => void;
}

export interface ScoreRunResult {
  summary: Summary;
  /** Coded warnings of the run (also in summary.json), for the command to print. */
  warnings: RunWarning[];
  outDir?: string;
  files: string[];
}

const NUMERIC_COLUMNS = new Set(['rank', 'score', 'fit', 'engagement', 'account_score', 'previous_score']);

/** The score cells of a scored.csv row, as csvLine writes them, without scanning the numbers. */
function scoreCells(cells: readonly string[], numeric: readonly boolean[], guard: boolean): string {
  let out = '';
  for (let i = 0; i < cells.length; i++) {
    if (i > 0) out += ',';
    out += numeric[i] ? cells[i]! : csvCell(cells[i]!, guard);
  }
  return out + '\n';
}

/** What to do about a missing column of the model's `input` section. */
const IN_MODEL = "; set it in the model's input section";

const ALL_FORMATS: ReadonlySet<'md' | 'json' | 'html'> = new Set(['md', 'json', 'html']);

const REJECT_HEADER = ['source', 'line', 'reason', 'detail', 'row'];



/** Collects rejects into rejects.csv as they happen and counts them per file. */
class Rejects {
  count = 0;
  constructor(
    readonly out: OutputFile,
    private readonly guard: boolean,
  ) {}
  add(source: string, line: number, reason: string, detail: string, raw: string): Promise<void> | void {
    this.count++;
    return this.out.write(csvLine([source, String(line), reason, detail, raw], this.guard));
  }
}

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

export async function runScore(o: ScoreRunOptions): Promise<ScoreRunResult> {
  const started = Date.now();
  const guard = o.formulaGuard ?? true;
  const model = o.model;
  const leadPaths = typeof o.leads === 'string' ? [o.leads] : o.leads;
  const idName = model.input.leads.id;
  const leadFiles = await openLeadFiles(leadPaths, o);
  const derived = leadFiles.length === 0 ? derivedLeads(model, o.activities) : undefined;
  const leadsFile: LeadSource = leadFiles[0] ?? derived!;
  const idIndex = derived || idName === '$row' ? -1 : requireColumn(leadFiles[0]!, idName, 'input.leads.id', 'LS110', IN_MODEL);
  const activityFiles: CsvFile[] = [];
  const warnings: RunWarning[] = [];
  for (const a of o.activities) {
    const f = await openInput(a, 'activities', o);
    const ai = model.input.activities;
    requireColumn(f, ai.leadId, 'input.activities.lead_id', 'LS110', IN_MODEL);
    requireColumn(f, ai.type, 'input.activities.type', 'LS110', IN_MODEL);
    requireColumn(f, ai.timestamp, 'input.activities.timestamp', 'LS110', IN_MODEL);
    warnings.push(...missingRuleColumns(model, f.header, f.path));
    activityFiles.push(f);
  }

  const outputs: Outputs = o.outDir !== undefined ? await OutputSet.create(o.outDir, o.outputFs ? { fs: o.outputFs } : {}) : OutputSet.discarding();
  try {
    const cm = compileModel(model, { leadHeader: leadsFile.header, asOfMs: o.asOfMs, env: scoringEnv });
    const summary = new SummaryBuilder(cm);
    const rejects = new Rejects(outputs.file('rejects.csv'), guard);
    await outputs.file('rejects.csv').write(csvLine(REJECT_HEADER, false));
    const inputs: InputFacts[] = [];

    let changes: ChangeTracker | undefined;
    if (o.previous !== undefined) {
      if (idName === '$row' && !derived) {
        throw new InputError('LS112', '--previous needs lead ids: the model numbers rows ($row)', o.previous, undefined, 'set input.leads.id to the id column of the leads file');
      }
      if (o.handoffBand !== undefined && !model.bands.some((b) => b.name.toLowerCase() === o.handoffBand!.toLowerCase())) {
        throw new InputError('LS113', `--handoff-band "${o.handoffBand}" is not a band of the model`, o.modelPath, undefined, `bands are: ${model.bands.map((b) => b.name).join(', ')}`);
      }
      changes = new ChangeTracker(model.bands, await readPrevious(o.previous, leadsFile.header[Math.max(0, idIndex)]!), o.previous, o.handoffBand);
    }

    // Large activity files start folding on worker threads now, while this thread reads the leads.
    const parallel = await startParallelFolds(activityFiles, {
      model,
      asOfMs: o.asOfMs,
      ...(o.encoding ? { encoding: o.encoding } : {}),
      formulaGuard: guard,
      scratch: (name) => outputs.scratch(name),
      ...(o.onProgress ? { onProgress: o.onProgress } : {}),
    });

    // 1. Leads.
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
    for (let lf = 0; lf < leadFiles.length; lf++) {
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

    const phase = process.env.LEADSCORE_PHASES ? (name: string) => process.stderr.write(`phase ${name} ${Date.now() - started} ms rss ${Math.round(process.memoryUsage().rss / 1e6)} MB heap ${Math.round(process.memoryUsage().heapUsed / 1e6)} MB ext ${Math.round(process.memoryUsage().arrayBuffers / 1e6)} MB\n`) : undefined;
    phase?.('leads');
    // 2. Activities: merge each file's folded parts into the leads' fold, in file order. Without lead
    // files, each lead id met for the first time becomes a lead (its one cell: the id).
    const fold = new EngagementFold(cm, derived ? 0 : ids.length);
    const counts: ActivityCounts = { read: 0, used: 0, future: 0, outsideWindow: 0, orphan: 0, rejected: 0, botFilter: { burst: 0, scanner_click: 0, unsorted: 0 } };
    for (let fi = 0; fi < activityFiles.length; fi++) {
      const f = activityFiles[fi]!;
      let parts: FoldedPart[];
      try {
        parts = (await parallel[fi]) ?? [await foldInThread(f, cm, (r) => rejects.add(f.path, r.line, r.reason, r.detail, r.raw), o.onProgress)];
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
        const orphans = fold.merge(part.state, slotMap(part.ids, byId));
        const c = part.counts;
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
    const n = ids.length;
    if (derived) leadRows = n;
    // The inputs' sha256 for the run record: large files on worker threads, started now so that they
    // use the core the folding threads have just freed while this thread scores and writes.
    const hashes = [...leadPaths, ...o.activities].map((p) => hashFile(p));
    // 3. Score. Per lead only numbers are kept (typed arrays): the reasons as their top rule slots and
    // points, the flags as an interned set; the text is made when the row is written.
    const scorer = new LeadScorer(cm, fold);
    const accounts = model.accounts ? new AccountBuilder(model, { leadHeader: leadsFile.header, asOfMs: o.asOfMs, env: scoringEnv }) : undefined;
    const store = new ScoredStore(n, cm.interests.length);
    const scored: number[] = [];
    const sourceOf = (i: number): LeadSource => (fileOf.length ? leadFiles[fileOf[i]!]! : leadsFile);
    for (let i = 0; i < n; i++) {
      const raw = raws.get(i);
      const source = sourceOf(i);
      const row = source.split(raw);
      const outcome = scorer.score(row, i);
      if (outcome.kind === 'rejected') {
        if (leadFiles.length) rejectedOf[fileOf.length ? fileOf[i]! : 0]!++;
        summary.addRejectedLead(outcome.reason);
        const q = cm.rules[outcome.slot]!;
        const p = rejects.add(source.path, lines[i]!, outcome.reason, `quality check "${q.id}" (${q.path}) rejects this lead`, raw);
        if (p) await p;
        continue;
      }
      const top = topContributions(outcome.lead.contributions, MAX_REASONS);
      summary.addScored(outcome.lead, top);
      o.onScored?.({ index: i, id: ids[i]!, row, lead: outcome.lead, cm });
      store.set(i, outcome.lead, top);
      accounts?.add(i, row, ids[i]!, outcome.lead.score, outcome.lead.fit, outcome.lead.interests);
      scored.push(i);
    }
    summary.leadsRead = leadRows;
    leadFiles.forEach((f, k) => checkRejectRate(o, f.path, rejectedOf[k]!, rowsOf[k]!));
    inputs.unshift(...leadFiles.map((f, k): InputFacts => ({ role: 'leads', path: f.path, ...(f.totalBytes !== undefined ? { bytes: f.totalBytes } : {}), rows: rowsOf[k]!, rejected: rejectedOf[k]! })));

    phase?.('score');
    // 4. Rank and write: scored.csv, and each row again in its band file (and crossed.csv).
    const order = Uint32Array.from(scored);
    const idNumber = leadIdNumbers(ids);
    const { score, fit } = store;
    order.sort((a, b) => score[b]! - score[a]! || fit[b]! - fit[a]! || compareIds(ids, idNumber, a, b));
    phase?.('sort');
    accounts?.finish();
    const header = [
      ...leadsFile.header,
      'rank', 'score', 'band', 'grade', 'fit', 'engagement', 'flags', 'reasons',
      ...cm.interests.map((x) => `interest_${x}`),
      ...(model.segments?.length ? ['segment'] : []),
      ...(accounts ? ['account', 'account_score'] : []),
      ...(changes ? ['previous_score', 'previous_band', 'change'] : []),
    ];
    const headerLine = csvLine(header, false);
    const scoredOut = outputs.file('scored.csv');
    await scoredOut.write(headerLine);
    const bandOuts = model.bands.map((b) => outputs.file(bandFileName(b.name)));
    for (const b of bandOuts) await b.write(headerLine);
    const crossedOut = changes ? outputs.file('crossed.csv') : undefined;
    if (crossedOut) await crossedOut.write(headerLine);
    const extra = new Array<string>(header.length - leadsFile.header.length);
    // cells that are always plain numbers (rank, score, fit, engagement, interests, account_score,
    // previous_score) need no quoting and no formula guard
    const numeric = header.slice(leadsFile.header.length).map((h) => NUMERIC_COLUMNS.has(h) || h.startsWith('interest_'));
    const nExtra = extra.length;
    const passThroughs = (leadFiles.length ? leadFiles : [leadsFile]).map((f) => rawPassThrough(f, guard));
    for (let r = 0; r < order.length; r++) {
      const i = order[r]!;
      const bi = store.band[i]!;
      store.cells(i, r + 1, cm, extra);
      if (accounts) {
        const a = accounts.accountOf(i);
        const at = nExtra - (changes ? 5 : 2);
        extra[at] = a?.account ?? '';
        extra[at + 1] = a ? formatFixed2(a.score) : '';
      }
      let crossed = false;
      if (changes) {
        const c = changes.record(ids[i]!, score[i]!, bi);
        extra[nExtra - 3] = c.previous ? formatFixed2(c.previous.score) : '';
        extra[nExtra - 2] = c.previous ? c.previous.band : '';
        extra[nExtra - 1] = c.change;
        crossed = c.crossed;
      }
      // an unchanged record is copied as bytes; others are split and written cell by cell
      const rawBytes = raws.bytes(i);
      const tail = scoreCells(extra, numeric, guard);
      const k = fileOf.length ? fileOf[i]! : 0;
      const pass = passThroughs[k]!(rawBytes);
      const head = pass ? undefined : csvLine(sourceOf(i).split(raws.get(i)), guard).slice(0, -1) + ',';
      let p = writeRow(scoredOut, rawBytes, head, tail);
      if (p) await p;
      if (bi >= 0 && (p = writeRow(bandOuts[bi]!, rawBytes, head, tail))) await p;
      if (crossed && (p = writeRow(crossedOut!, rawBytes, head, tail))) await p;
    }

    if (accounts) {
      const out = outputs.file('accounts.csv');
      await out.write(csvLine(accounts.header(), false));
      for (const r of accounts.rows()) {
        const p = out.write(csvLine(accounts.cells(r), guard));
        if (p) await p;
      }
      for (const [field, k] of accounts.unparsable) cm.unparsable.set(field, (cm.unparsable.get(field) ?? 0) + k);
    }
    phase?.('write');
    for (let k = 0; k < leadPaths.length; k++) {
      const st = leadPaths[k] === '-' ? undefined : await stat(leadPaths[k]!).catch(() => undefined);
      if (st && inputs[k]) inputs[k]!.bytes = st.size;
    }
    const digests = await Promise.all(hashes);
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
    await outputs.abort();
    throw e;
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

export { bandFileName };

/**
 * Whether a lead's record can be copied to scored.csv as it was read (its UTF-8 bytes): a
 * comma-delimited file, no quotes or line breaks, exactly the header's number of fields, and (with the
 * formula guard) no field starting like a formula. Otherwise it is split and written cell by cell.
 */
function rawPassThrough(file: LeadSource, guard: boolean): (raw: Uint8Array) => boolean {
  if (file.delimiter !== ',') return () => false;
  const commas = file.header.length - 1;
  return (raw) => {
    let n = 0;
    let start = true;
    for (let k = 0; k < raw.length; k++) {
      const c = raw[k]!;
      if (c === 44) {
        n++;
        start = true;
        continue;
      }
      if (c === 34 || c === 13 || c === 10) return false;
      if (start) {
        // = + - @ TAB: the formula guard may have to change this cell
        if (guard && (c === 61 || c === 43 || c === 45 || c === 64 || c === 9)) return false;
        start = false;
      }
    }
    return n === commas;
  };
}

/** One row of scored.csv (or a band or crossed file): the record's bytes or its re-written cells, then the score cells. */
function writeRow(out: OutputFile, raw: Uint8Array, head: string | undefined, tail: string): Promise<void> | void {
  if (head !== undefined) return out.write(head + tail);
  const p = out.writeBytes(raw);
  if (p) return p.then(() => out.write(',' + tail));
  return out.write(',' + tail);
}

/** Copy a spill file (rejects.csv lines written by a worker) into an output, in order. */
async function appendFile(out: OutputFile, path: string): Promise<void> {
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 });
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      const p = out.write(chunk);
      if (p) await p;
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
}
