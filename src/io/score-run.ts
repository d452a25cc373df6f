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
import { type ActivityCounts, type InputFacts, type Summary, SummaryBuilder, summaryToMarkdown } from '../core/report/summary.js';

export interface ScoreRunOptions {
  model: Model;
  modelPath: string;
  modelSha256: string;
  leads: string;
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
  const leadsFile = await openInput(o.leads, 'leads', o);
  const idName = model.input.leads.id;
  const idIndex = idName === '$row' ? -1 : requireColumn(leadsFile, idName, 'input.leads.id', 'LS110', IN_MODEL);
  const activityFiles: CsvFile[] = [];
  for (const a of o.activities) {
    const f = await openInput(a, 'activities', o);
    const ai = model.input.activities;
    requireColumn(f, ai.leadId, 'input.activities.lead_id', 'LS110', IN_MODEL);
    requireColumn(f, ai.type, 'input.activities.type', 'LS110', IN_MODEL);
    requireColumn(f, ai.timestamp, 'input.activities.timestamp', 'LS110', IN_MODEL);
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
      if (idName === '$row') {
        throw new InputError('LS112', '--previous needs lead ids: the model numbers rows ($row)', o.previous, undefined, 'set input.leads.id to the id column of the leads file');
      }
      if (o.handoffBand !== undefined && !model.bands.some((b) => b.name.toLowerCase() === o.handoffBand!.toLowerCase())) {
        throw new InputError('LS113', `--handoff-band "${o.handoffBand}" is not a band of the model`, o.modelPath, undefined, `bands are: ${model.bands.map((b) => b.name).join(', ')}`);
      }
      changes = new ChangeTracker(model.bands, await readPrevious(o.previous, idName), o.previous, o.handoffBand);
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
    const byId = new Map<string, number>();
    let leadRows = 0;
    let pendingBad: CsvBadRow[] = [];
    const onBad = (b: CsvBadRow) => pendingBad.push(b);
    const flushBad = async (source: string) => {
      for (const b of pendingBad) {
        await rejects.add(source, b.line, b.reason, b.message, b.raw);
        if (source === leadsFile.path) summary.addRejectedLead(b.reason);
        else summary.addReason(b.reason);
      }
      const n = pendingBad.length;
      pendingBad = [];
      return n;
    };
    let leadRejects = 0;
    for await (const batch of leadsFile.batches(onBad)) {
      leadRows += pendingBad.length;
      leadRejects += await flushBad(leadsFile.path);
      for (const r of batch) {
        leadRows++;
        const id = idIndex < 0 ? String(leadRows) : (r.fields[idIndex] ?? '').trim();
        if (!id) {
          leadRejects++;
          summary.addRejectedLead('missing_id');
          await rejects.add(leadsFile.path, r.line, 'missing_id', `empty lead id in column "${idName}"`, r.raw);
          continue;
        }
        if (byId.has(id)) {
          leadRejects++;
          summary.addRejectedLead('duplicate_id');
          await rejects.add(leadsFile.path, r.line, 'duplicate_id', `lead id "${id}" first seen on line ${lines[byId.get(id)!]}`, r.raw);
          continue;
        }
        const kept = detach(id);
        byId.set(kept, ids.length);
        ids.push(kept);
        if (ids.length > lines.length) {
          const l = new Float64Array(lines.length * 2);
          l.set(lines);
          lines = l;
        }
        lines[ids.length - 1] = r.line;
        raws.push(r.raw);
      }
      o.onProgress?.({ file: leadsFile.path, bytesRead: leadsFile.bytesRead(), ...(leadsFile.totalBytes !== undefined ? { totalBytes: leadsFile.totalBytes } : {}), rows: leadRows });
    }
    leadRows += pendingBad.length;
    leadRejects += await flushBad(leadsFile.path);
    summary.blankLines += leadsFile.blankLines();
    // Quality rejects are added below; the reject-rate check runs once they are known.

    const phase = process.env.LEADSCORE_PHASES ? (name: string) => process.stderr.write(`phase ${name} ${Date.now() - started} ms rss ${Math.round(process.memoryUsage().rss / 1e6)} MB heap ${Math.round(process.memoryUsage().heapUsed / 1e6)} MB ext ${Math.round(process.memoryUsage().arrayBuffers / 1e6)} MB\n`) : undefined;
    phase?.('leads');
    // 2. Activities: merge each file's folded parts into the leads' fold, in file order.
    const n = ids.length;
    const fold = new EngagementFold(cm, n);
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
    // The inputs' sha256 for the run record: large files on worker threads, started now so that they
    // use the core the folding threads have just freed while this thread scores and writes.
    const hashes = [o.leads, ...o.activities].map((p) => hashFile(p));
    // 3. Score. Per lead only numbers are kept (typed arrays): the reasons as their top rule slots and
    // points, the flags as an interned set; the text is made when the row is written.
    const scorer = new LeadScorer(cm, fold);
    const accounts = model.accounts ? new AccountBuilder(model, { leadHeader: leadsFile.header, asOfMs: o.asOfMs, env: scoringEnv }) : undefined;
    const store = new ScoredStore(n, cm.interests.length);
    const scored: number[] = [];
    for (let i = 0; i < n; i++) {
      const raw = raws.get(i);
      const row = leadsFile.split(raw);
      const outcome = scorer.score(row, i);
      if (outcome.kind === 'rejected') {
        leadRejects++;
        summary.addRejectedLead(outcome.reason);
        const q = cm.rules[outcome.slot]!;
        const p = rejects.add(leadsFile.path, lines[i]!, outcome.reason, `quality check "${q.id}" (${q.path}) rejects this lead`, raw);
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
    checkRejectRate(o, leadsFile.path, leadRejects, leadRows);
    inputs.unshift({ role: 'leads', path: leadsFile.path, ...(leadsFile.totalBytes !== undefined ? { bytes: leadsFile.totalBytes } : {}), rows: leadRows, rejected: leadRejects });

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
    const passThrough = rawPassThrough(leadsFile, guard);
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
      const pass = passThrough(rawBytes);
      const head = pass ? undefined : csvLine(leadsFile.split(raws.get(i)), guard).slice(0, -1) + ',';
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
    const leadsStat = o.leads === '-' ? undefined : await stat(o.leads).catch(() => undefined);
    if (leadsStat && inputs[0]) inputs[0].bytes = leadsStat.size;
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
    return { summary: result, ...(o.outDir !== undefined ? { outDir: o.outDir } : {}), files };
  } catch (e) {
    await outputs.abort();
    throw e;
  }
}

export type { CompiledModel };

export { bandFileName };

/**
 * Whether a lead's record can be copied to scored.csv as it was read (its UTF-8 bytes): a
 * comma-delimited file, no quotes or line breaks, exactly the header's number of fields, and (with the
 * formula guard) no field starting like a formula. Otherwise it is split and written cell by cell.
 */
function rawPassThrough(file: CsvFile, guard: boolean): (raw: Uint8Array) => boolean {
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
