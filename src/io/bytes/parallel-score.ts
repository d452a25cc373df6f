// Scoring on both cores on the fast path (issue 18): the leads are split in two ranges of slots, each
// scored by a worker thread (score-worker.ts) with its slice of the fold, into one ScoredStore in shared
// memory. The caller adds the parts in range order (rejects, summary, unparsable counts), so that the
// outputs are those of the one-thread loop in score-scores.ts.
import { Worker } from 'node:worker_threads';
import type { Model } from '../../core/model/types.js';
import type { EngagementFold, FoldState } from '../../core/score/engagement.js';
import type { ScoredStore, ScoredStoreData } from '../../core/score/scored-store.js';
import type { ScoredPart } from '../../core/report/summary.js';
import type { FastLeads } from './fast-leads.js';

/** The leads file as the threads read it, and the model they compile. */
export interface LeadsFormat {
  header: string[];
  delimiter: string;
  trailingDelimiter: boolean;
  model: Model;
  asOfMs: number;
}

/** What a scoring or writing thread is given: its range, the records' places and the store, in shared memory. */
export interface LeadsTask extends LeadsFormat {
  /** Its range: of lead slots (scoring), of ranks (writing). */
  from: number;
  to: number;
  offsets: Float64Array;
  lengths: Int32Array;
  store: ScoredStoreData;
  leadsPath: string;
}

export interface ScoreTask extends LeadsTask {
  lines: Float64Array;
  state: FoldState;
}

export interface ScoreResult {
  rejects: { slot: number; line: number; reason: string; detail: string; raw: string }[];
  summary: ScoredPart;
  unparsable: [string, number][];
  /** The worker's store's own tables (ScoredStore.adopt). */
  grades: string[];
  flagSets: string[];
  values: (string | null)[];
  big: [number, number][];
}

const SCORERS = 2;

/**
 * The scoring and writing threads make short-lived strings by the million: a small young generation
 * (8 MB instead of V8's default, which grows to about 48 MB) keeps their memory down for a few more
 * scavenges (1M leads: about 80 MB less at the peak).
 */
export const SMALL_YOUNG_GENERATION = { maxYoungGenerationSizeMb: 8 };

/**
 * The fold's aggregates of slots [a, b), as a fold state of its own: views of the same memory when the
 * fold is in shared memory (no copy), else copies.
 */
export function sliceState(st: FoldState, a: number, b: number): FoldState {
  const size = b - a;
  const view = st.activityCount.buffer instanceof SharedArrayBuffer;
  const cut = <T extends Float64Array | Uint32Array | Uint16Array>(arr: T, from: number, to: number): T => (view ? arr.subarray(from, to) : arr.slice(from, to)) as T;
  const per = (arr: Float64Array | null, n: number) => (arr ? cut(arr, a * n, b * n) : null);
  const width = st.counters && st.activityCount.length ? st.counters.length / st.activityCount.length : 0;
  return {
    size,
    activityCount: cut(st.activityCount, a, b),
    future: cut(st.future, a, b),
    outsideWindow: cut(st.outsideWindow, a, b),
    lastActivity: cut(st.lastActivity, a, b),
    engagement7d: cut(st.engagement7d, a, b),
    engagement30d: cut(st.engagement30d, a, b),
    totals: st.totals.map((t) => (t ? cut(t, a, b) : null)),
    recent: st.recent.map((t) => per(t, t && st.activityCount.length ? t.length / st.activityCount.length : 0)),
    filled: st.filled.map((t) => (t ? cut(t, a, b) : null)),
    unknownTypes: new Map(),
    counters: st.counters ? cut(st.counters, a * width, b * width) : null,
  };
}

/** Drop the fold's per-lead arrays once they are no longer needed (the report keeps only its type counts). */
export function releaseFold(fold: EngagementFold): void {
  const st = fold.state;
  fold.state = {
    ...st,
    size: 0,
    activityCount: new Uint32Array(0),
    future: new Uint32Array(0),
    outsideWindow: new Uint32Array(0),
    lastActivity: new Float64Array(0),
    engagement7d: new Float64Array(0),
    engagement30d: new Float64Array(0),
    totals: [],
    recent: [],
    filled: [],
    counters: null,
  };
}

export interface ParallelScore extends LeadsFormat {
  leads: FastLeads;
  /** The leads' fold: sliced for the scorers, then released. */
  fold: EngagementFold;
  store: ScoredStore;
}

/** Score every lead; resolves with the parts in range order. */
export async function scoreInParallel(p: ParallelScore): Promise<{ from: number; to: number; result: ScoreResult }[]> {
  const n = p.leads.size;
  const runs: Promise<{ from: number; to: number; result: ScoreResult }>[] = [];
  const workers: Worker[] = [];
  for (let k = 0; k < SCORERS; k++) {
    const from = Math.floor((n * k) / SCORERS);
    const to = Math.floor((n * (k + 1)) / SCORERS);
    const state = sliceState(p.fold.state, from, to);
    const task: ScoreTask = {
      from,
      to,
      offsets: p.leads.offsets.subarray(from, to),
      lengths: p.leads.lengths.subarray(from, to),
      lines: p.leads.lines.subarray(from, to),
      state,
      store: p.store.data(),
      leadsPath: p.leads.o.path,
      header: [...p.header],
      delimiter: p.delimiter,
      trailingDelimiter: p.trailingDelimiter,
      model: p.model,
      asOfMs: p.asOfMs,
    };
    const transfer = [
      task.offsets, task.lengths, task.lines, state.activityCount, state.future, state.outsideWindow, state.lastActivity, state.engagement7d, state.engagement30d,
      ...state.totals, ...state.recent, ...state.filled, state.counters,
    ].filter((a): a is NonNullable<typeof a> => a !== null && !(a.buffer instanceof SharedArrayBuffer)).map((a) => a.buffer as ArrayBuffer);
    const worker = new Worker(new URL('./score-worker.js', import.meta.url), { workerData: task, transferList: transfer, resourceLimits: SMALL_YOUNG_GENERATION });
    workers.push(worker);
    runs.push(
      new Promise((resolve, reject) => {
        worker.on('message', (m: { type: 'done'; result: ScoreResult } | { type: 'error'; message: string }) => {
          if (m.type === 'done') resolve({ from, to, result: m.result });
          else reject(new Error(m.message));
          void worker.terminate();
        });
        worker.on('error', reject);
      }),
    );
  }
  releaseFold(p.fold);
  try {
    return await Promise.all(runs);
  } finally {
    for (const w of workers) void w.terminate();
  }
}
