// scored.csv and the band files on the fast path (issue 18), written on both cores: the ranks are split
// in two ranges, each written by a worker thread (write-worker.ts) to part files, which are then
// appended to the outputs in rank order. Every row is the one the reference loop in score-write.ts
// writes (same helpers: scored-writer.ts).
import { Worker } from 'node:worker_threads';
import { createReadStream } from 'node:fs';
import type { ScoredStore } from '../../core/score/scored-store.js';
import type { OutputFile } from '../output.js';
import type { FastLeads } from './fast-leads.js';
import { SMALL_YOUNG_GENERATION, type LeadsFormat, type LeadsTask } from './parallel-score.js';

export interface WriteTask extends LeadsTask {
  order: Uint32Array;
  guard: boolean;
  /** columns of the leads file the formula guard never changes (join keys: docs/input.md) */
  keys: boolean[];
  numeric: boolean[];
  scoredPart: string;
  bandParts: string[];
}

function shared<T extends Uint32Array>(a: T, n: number): T {
  const C = a.constructor as new (b: SharedArrayBuffer) => T;
  const out = new C(new SharedArrayBuffer(n * a.BYTES_PER_ELEMENT));
  out.set(a.subarray(0, n) as never);
  return out;
}

export interface RankedWrite extends LeadsFormat {
  order: Uint32Array;
  store: ScoredStore;
  leads: FastLeads;
  guard: boolean;
  keys: readonly boolean[];
  numeric: boolean[];
  scratch: (name: string) => string | undefined;
  scored: OutputFile;
  bands: OutputFile[];
}

const WRITERS = 2;

/** Write the ranked rows (after the header lines, which the caller has written). */
export async function writeRanked(w: RankedWrite): Promise<void> {
  const n = w.order.length;
  const order = shared(w.order, n);
  // (the leads' offsets and lengths are in shared memory already)
  const { offsets, lengths } = w.leads;
  const store = w.store.data();
  const parts: { scored: string; bands: string[] }[] = [];
  const runs: Promise<void>[] = [];
  for (let k = 0; k < WRITERS; k++) {
    const name = (s: string) => {
      const p = w.scratch(`part-${k}-${s}`);
      if (p === undefined) throw new Error('ranked write needs an output folder');
      return p;
    };
    const part = { scored: name('scored'), bands: w.bands.map((_, b) => name(`band-${b}`)) };
    parts.push(part);
    const task: WriteTask = {
      from: Math.floor((n * k) / WRITERS),
      to: Math.floor((n * (k + 1)) / WRITERS),
      order,
      offsets,
      lengths,
      store,
      leadsPath: w.leads.o.path,
      header: [...w.header],
      delimiter: w.delimiter,
      trailingDelimiter: w.trailingDelimiter,
      model: w.model,
      asOfMs: w.asOfMs,
      guard: w.guard,
      keys: [...w.keys],
      numeric: w.numeric,
      scoredPart: part.scored,
      bandParts: part.bands,
    };
    const worker = new Worker(new URL('./write-worker.js', import.meta.url), { workerData: task, resourceLimits: SMALL_YOUNG_GENERATION });
    runs.push(
      new Promise<void>((resolve, reject) => {
        worker.on('message', (m: { type: 'done' } | { type: 'error'; message: string; code?: string }) => {
          if (m.type === 'done') resolve();
          else reject(Object.assign(new Error(m.message), m.code ? { code: m.code } : {}));
          void worker.terminate();
        });
        worker.on('error', reject);
      }),
    );
  }
  const settled = await Promise.allSettled(runs);
  for (const s of settled) if (s.status === 'rejected') throw s.reason;
  for (const p of parts) await append(w.scored, p.scored);
  for (let b = 0; b < w.bands.length; b++) for (const p of parts) await append(w.bands[b]!, p.bands[b]!);
}

async function append(out: OutputFile, path: string): Promise<void> {
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    const p = out.writeBytes(chunk);
    if (p) await p;
  }
}
