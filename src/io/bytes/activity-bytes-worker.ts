// Worker thread of the fast path: folds one byte range of a plain UTF-8 activity file (fold-range.ts)
// and hands the fold back (typed arrays transferred, not copied; the shared leads' fold is already
// where it belongs).
import { parentPort, workerData } from 'node:worker_threads';
import { foldRange } from './fold-range.js';
import type { ByteRangeTask, ByteWorkerMessage } from './fast-activities.js';

const port = parentPort!;
const task = workerData as ByteRangeTask;

function post(m: ByteWorkerMessage, transfer: ArrayBuffer[] = []): void {
  port.postMessage(m, transfer);
}

foldRange(task, (bytes, rows) => post({ type: 'progress', bytes, rows }))
  .then((r) => {
    const st = r.state;
    const transfer = [
      st.activityCount, st.future, st.outsideWindow, st.lastActivity, st.engagement7d, st.engagement30d,
      ...st.totals, ...st.recent, ...st.filled, st.counters, r.keys.bytes, r.keys.offsets,
    ].filter((a): a is NonNullable<typeof a> => a !== null && !(a.buffer instanceof SharedArrayBuffer)).map((a) => a.buffer as ArrayBuffer);
    post({ type: 'done', ...r }, [...new Set(transfer)]);
  })
  .catch((e: Error & { code?: string; fallback?: boolean }) => {
    post({ type: 'error', message: e.message, ...(e.code ? { code: e.code } : {}), ...(e.fallback ? { fallback: true } : {}) });
  });
