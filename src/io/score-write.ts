// Phases 4 and 5 of a score run, rank and write: the scored leads in rank order (core/score/score-lead.ts
// rankOrder), then scored.csv, each row again in its band file (and crossed.csv with --previous), and
// accounts.csv. An unchanged record is copied as bytes; the others are split and written cell by cell.
// The fast path writes on both cores (bytes/ranked-write.ts), reading the records again from the file.
import { asciiOrUtf8 } from './bytes/records.js';
import { RecordBytes, type FastLeads } from './bytes/fast-leads.js';
import { writeRanked } from './bytes/ranked-write.js';
import type { CsvFile } from './csv-reader.js';
import { csvLine } from './csv-writer.js';
import type { Outputs } from './output.js';
import type { LeadSource } from './score-inputs.js';
import type { LeadsRead } from './score-leads.js';
import type { LeadsScored } from './score-scores.js';
import { rawPassThrough, scoreCells, writeRow } from './scored-writer.js';
import { columnMatcher } from '../core/columns.js';
import type { Model } from '../core/model/types.js';
import type { ChangeTracker } from '../core/report/changes.js';
import type { AccountBuilder } from '../core/score/accounts.js';
import type { CompiledModel } from '../core/score/compiled.js';
import { rankOrder } from '../core/score/score-lead.js';
import { bandFileName, scoredLayout } from '../core/score/scored-layout.js';
import { formatFixed2 } from '../core/value.js';

/** accounts.csv columns the formula guard never changes: `account` and `best_lead` (join keys). */
const ACCOUNT_KEYS = [false, true, false, false, false, true];

/** At most this many bands for the parallel write: two writers then hold at most 2 × 16 part files open. */
const MAX_PARALLEL_WRITE_BANDS = 15;

/** The rank order: score, then fit descending, then lead id (the fast path keeps no id strings: made on demand). */
export function rank(s: LeadsScored, leads: LeadsRead, fast: FastLeads | undefined): Uint32Array {
  const { score, fit } = s.store;
  if (!fast) return rankOrder(s.scored, leads.intake.ids, score, fit);
  // the tie-break reads ids only for ids that are not numbers (all numbers: only equal numbers written
  // differently, "7" and "07", read the text)
  const idNumber = fast.idNumbers();
  const ids = idNumber.some((x) => x !== x) ? Array.from({ length: fast.size }, (_, i) => fast.id(i)) : idsOnDemand(fast);
  return rankOrder(s.scored, ids, score, fit, idNumber);
}

/** The fast path's lead ids as an array whose elements are made when read (see the tie-break). */
function idsOnDemand(fast: FastLeads): readonly string[] {
  return new Proxy([] as string[], { get: (_t, k) => (typeof k === 'string' && /^\d+$/.test(k) ? fast.id(Number(k)) : undefined) });
}

export interface WriteRankedOptions {
  model: Model;
  cm: CompiledModel;
  asOfMs: number;
  guard: boolean;
  outputs: Outputs;
  order: Uint32Array;
  scores: LeadsScored;
  leads: LeadsRead;
  files: CsvFile[];
  leadsFile: LeadSource;
  /** The id column (-1: $row), and whether the leads are the activities' ids (the one column is the id). */
  idIndex: number;
  derived: boolean;
  fastLeads: FastLeads | undefined;
  /** Write on both cores (the fast path, from this many leads on, without accounts or --previous). */
  parallelFrom: number;
  accounts: AccountBuilder | undefined;
  changes: ChangeTracker | undefined;
}

/** Writes scored.csv, the band files, crossed.csv and accounts.csv. */
export async function writeScored(o: WriteRankedOptions): Promise<void> {
  const { model, cm, guard, outputs, order, accounts, changes, leadsFile, files } = o;
  const fast = o.fastLeads;
  const { store } = o.scores;
  const { score } = store;
  const { intake, raws } = o.leads;
  const layout = scoredLayout(leadsFile.header, cm, { accounts: !!accounts, previous: !!changes });
  // header cells are guarded like any other cell (an export's header can hold a formula too)
  const headerLine = csvLine(layout.header, guard);
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
  const leadKeys = leadsFile.header.map((_, k) => k === o.idIndex || (o.derived && k === 0));
  if (model.accounts?.by.kind === 'column') {
    const k = columnMatcher(leadsFile.header)(model.accounts.by.field);
    if (k >= 0) leadKeys[k] = true;
  }
  const extraKeys = layout.cells.map((h) => h === 'account');
  const passThroughs = (files.length ? files : [leadsFile]).map((f) => rawPassThrough(f, guard, leadKeys));
  // Each writer thread holds one part file per output open (scored.csv and each band file): models
  // with many bands write on this thread, whose outputs share a bounded pool of descriptors (issue 16
  // item 13: 3,000 bands under ulimit -n 1024).
  const parallelWrite = fast !== undefined && !accounts && !changes && !crossedOut && order.length >= o.parallelFrom && model.bands.length <= MAX_PARALLEL_WRITE_BANDS;
  if (parallelWrite) {
    const only = files[0]!;
    fast.releaseForWrite();
    await writeRanked({
      order, store, leads: fast, header: leadsFile.header, delimiter: leadsFile.delimiter, trailingDelimiter: only.knownHeader().trailingDelimiter,
      model, asOfMs: o.asOfMs, guard, keys: leadKeys, numeric, scratch: (name) => outputs.scratch(name), scored: scoredOut, bands: bandOuts,
    });
  }
  const recordBytes = fast && !parallelWrite ? new RecordBytes(fast, files[0]!.source) : undefined;
  const sourceOf = (i: number): LeadSource => (files.length > 1 ? files[intake.fileIndexOf(i)]! : leadsFile);
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
      const c = changes.record(intake.ids[i]!, score[i]!, bi);
      extra[layout.previousScore] = c.previous ? formatFixed2(c.previous.score) : '';
      extra[layout.previousBand] = c.previous ? c.previous.band : '';
      extra[layout.change] = c.change;
      crossed = c.crossed;
    }
    // an unchanged record is copied as bytes; others are split and written cell by cell
    const rawBytes = recordBytes ? recordBytes.bytes(i) : raws.bytes(i);
    const tail = scoreCells(extra, numeric, guard, extraKeys);
    const pass = passThroughs[intake.fileIndexOf(i)]!(rawBytes);
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
}
