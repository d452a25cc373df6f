// Phase 2 of a score run, the activities: each file is folded by the one activity fold
// (core/score/activity-fold.ts) — large files on worker threads started before the leads are read,
// plain UTF-8 files from their bytes on the fast path (bytes/fast-activities.ts) — and the folded parts
// are merged into the leads' fold in file order. Without lead files, each lead id met for the first time
// becomes a lead.
import { foldInThread, startParallelFolds, type FoldedPart, type FoldOptions } from './activity-tasks.js';
import type { CsvFile } from './csv-reader.js';
import { openInput, type InputOptions } from './inputs.js';
import { InputError } from './errors.js';
import { checkRejectRate, type RejectLimits } from './score-inputs.js';
import type { LeadsRead } from './score-leads.js';
import { appendFile, type Rejects } from './scored-writer.js';
import { startFastFolds, type BytePart, type FastFolds } from './bytes/fast-activities.js';
import type { FastLeads } from './bytes/fast-leads.js';
import type { IdKeys, SharedIdIndex } from './bytes/id-index.js';
import { slotMap } from '../core/score/activity-fold.js';
import type { CompiledModel } from '../core/score/compiled.js';
import { EngagementFold } from '../core/score/engagement.js';
import type { ActivityCounts, InputFacts, SummaryBuilder } from '../core/report/summary.js';

/** The folds under way: one promise of parts per activity file (undefined: fold it on this thread). */
export interface StartedFolds {
  parallel: (Promise<FoldedPart[]> | undefined)[];
  fast: FastFolds | undefined;
}

/**
 * Starts folding: the fast path's byte folds (when `bytes`; keyed by lead slot when the leads' id index
 * is given), worker threads for the other large files.
 */
export async function startFolds(files: CsvFile[], o: FoldOptions, bytes: boolean, leads?: SharedIdIndex): Promise<StartedFolds> {
  const fast = bytes ? await startFastFolds(files, o, leads) : undefined;
  const rest = files.filter((_, k) => !fast?.parts[k]);
  const restParallel = await startParallelFolds(rest, o);
  const parallel = files.map((f, k) => fast?.parts[k] ?? restParallel[rest.indexOf(f)]);
  restParallel.length = 0;
  return { parallel, fast };
}

export interface ActivitiesFolded {
  fold: EngagementFold;
  counts: ActivityCounts;
  /** The newest timestamp of the activities read (LS171), -Infinity when none. */
  newestActivityMs: number;
}

export interface MergeOptions extends RejectLimits {
  files: CsvFile[];
  /** --delimiter and --encoding: a file held as its header is opened again with them. */
  read: InputOptions;
  cm: CompiledModel;
  leads: LeadsRead;
  fastLeads: FastLeads | undefined;
  /** Leads are the activities' lead ids: each new id becomes a lead (its one cell: the id). */
  derived: boolean;
  /** Keep the leads' fold in shared memory (scored on worker threads). */
  shared: boolean;
  summary: SummaryBuilder;
  rejects: Rejects;
  inputs: InputFacts[];
  onProgress?: FoldOptions['onProgress'];
}

export async function mergeFolds(started: StartedFolds, o: MergeOptions): Promise<ActivitiesFolded> {
  const { cm, summary, rejects, leads, fastLeads: fast, derived } = o;
  const { intake, raws } = leads;
  const { parallel } = started;
  // The parts folded by lead slot on the fast path are already in the shared leads' fold (`into`), which
  // is then the leads' fold (slot n, the orphans', past its size). Other parts are merged into it once
  // no thread adds to it any more.
  const into = started.fast?.into;
  const n = fast?.size ?? 0;
  let leadFold: EngagementFold | undefined = into ? new EngagementFold(cm, n, { ...into.state, size: n, unknownTypes: new Map() }) : undefined;
  const fastParts = started.fast?.parts ?? [];
  const newFold = () => new EngagementFold(cm, derived ? 0 : fast ? fast.size : intake.size, undefined, o.shared);
  let newestActivityMs = -Infinity;
  const counts: ActivityCounts = { read: 0, used: 0, future: 0, outsideWindow: 0, orphan: 0, rejected: 0, botFilter: { burst: 0, scanner_click: 0, unsorted: 0 } };
  for (let fi = 0; fi < o.files.length; fi++) {
    const f = o.files[fi]!;
    let parts: FoldedPart[];
    try {
      // a file held as its header (score-inputs.ts headerOnly) is opened again for its rows
      parts = (await parallel[fi]) ?? [await foldInThread(f.source === '-' ? f : await openInput(f.path, 'activities', o.read), cm, (r) => rejects.add(f.path, r.line, r.reason, r.detail, r.raw), o.onProgress)];
      // the parts are merged below and dropped: nothing else may hold their folds
      parallel[fi] = undefined;
      if (started.fast) started.fast.parts[fi] = undefined;
    } catch (e) {
      const err = e as Error & { code?: string };
      if (err.code?.startsWith('LS')) throw new InputError(err.code, err.message, f.path);
      throw e;
    }
    let rows = 0;
    let rejected = 0;
    for (const part of parts) {
      if (derived) {
        for (const id of part.ids) {
          if (intake.byId.has(id)) continue;
          intake.keep(id, 0, 0);
          raws.push(id);
        }
        (leadFold ??= newFold()).ensure(intake.size);
      }
      const { keys, bySlot } = part as Partial<BytePart>;
      let orphans = { used: 0, future: 0, outsideWindow: 0 }; // (the shared fold's: counted once, below)
      if (bySlot) {
        // already in the leads' fold; its unknown types are not
        const types = leadFold!.unknownTypes;
        for (const [type, k] of part.state.unknownTypes) types.set(type, (types.get(type) ?? 0) + k);
      } else {
        // threads may still be folding later files into the shared fold: let them finish first
        if (into) for (let k = fi + 1; k < fastParts.length; k++) await fastParts[k]?.catch(() => undefined);
        const map = keys ? (fast ? fast.index.map(keys) : keySlots(keys, intake.byId)) : fast ? fast.slotsOf(part.ids) : slotMap(part.ids, intake.byId);
        orphans = (leadFold ??= newFold()).merge(part.state, map);
      }
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
    o.inputs.push({ role: 'activities', path: f.path, ...(f.totalBytes !== undefined ? { bytes: f.totalBytes } : {}), rows, rejected });
  }
  if (into) {
    // the orphans of every part folded by lead slot, in the shared fold's last slot
    const st = into.state;
    const orphans = { used: st.activityCount[n]!, future: st.future[n]!, outsideWindow: st.outsideWindow[n]! };
    st.activityCount[n] = st.future[n] = st.outsideWindow[n] = 0;
    counts.used -= orphans.used;
    counts.future -= orphans.future;
    counts.outsideWindow -= orphans.outsideWindow;
    counts.orphan += orphans.used + orphans.future + orphans.outsideWindow;
    started.fast!.into = undefined; // the leads' fold holds it now (and releases it after scoring)
  }
  return { fold: leadFold ?? newFold(), counts, newestActivityMs };
}

/** The leads' slots of ids met as bytes (-1: not a lead). */
function keySlots(keys: IdKeys, byId: ReadonlyMap<string, number>): Int32Array {
  const dec = new TextDecoder();
  const out = new Int32Array(keys.size);
  for (let j = 0; j < keys.size; j++) out[j] = byId.get(dec.decode(keys.bytes.subarray(keys.offsets[j]!, keys.offsets[j + 1]!))) ?? -1;
  return out;
}
