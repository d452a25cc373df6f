// Worker thread of the fast path: folds one byte range of a plain UTF-8 activity file (fold-range.ts)
// and hands the fold back (typed arrays transferred, not copied).
import { parentPort, workerData } from 'node:worker_threads';
import { foldRange } from './fold-range.js';
import { compileModel } from '../../core/score/compiled.js';
import { EngagementFold, type FoldState } from '../../core/score/engagement.js';
import { bySlotMap, type ByteRangeTask, type ByteWorkerMessage } from './fast-activities.js';

const port = parentPort!;
const task = workerData as ByteRangeTask;

function post(m: ByteWorkerMessage, transfer: ArrayBuffer[] = []): void {
  port.postMessage(m, transfer);
}

foldRange(task, (bytes, rows) => post({ type: 'progress', bytes, rows }))
  .then((r) => {
    const st = r.state;
    if (task.leads && task.index > 0) {
      // Keyed by lead slot: this range's fold is added into range 0's (sent back by the main thread)
      // here, so that its memory goes with this thread instead of waiting for a collection there.
      port.once('message', (m: { type: 'merge'; into: FoldState }) => {
        try {
          const n = task.leads!.size;
          const cm = compileModel(task.model, { leadHeader: [], asOfMs: task.asOfMs, env: { isDisposableDomain: () => false } });
          const orphans = new EngagementFold(cm, n + 1, m.into).merge(st, bySlotMap(n, st.size));
          post({ type: 'merged', orphans });
        } catch (e) {
          post({ type: 'error', message: (e as Error).message });
        }
      });
      const rest = { ...r, state: { ...emptyState(), unknownTypes: st.unknownTypes } };
      post({ type: 'done', ...rest, pending: true }, [rest.keys.bytes.buffer as ArrayBuffer, rest.keys.offsets.buffer as ArrayBuffer]);
      return;
    }
    const transfer = [
      st.activityCount, st.future, st.outsideWindow, st.lastActivity, st.engagement7d, st.engagement30d,
      ...st.totals, ...st.recent, ...st.filled, st.counters, r.keys.bytes, r.keys.offsets,
    ].filter((a): a is NonNullable<typeof a> => a !== null && !(a.buffer instanceof SharedArrayBuffer)).map((a) => a.buffer as ArrayBuffer);
    post({ type: 'done', ...r }, [...new Set(transfer)]);
  })
  .catch((e: Error & { code?: string; fallback?: boolean }) => {
    post({ type: 'error', message: e.message, ...(e.code ? { code: e.code } : {}), ...(e.fallback ? { fallback: true } : {}) });
  });

function emptyState(): FoldState {
  return {
    size: 0, activityCount: new Uint32Array(0), future: new Uint32Array(0), outsideWindow: new Uint32Array(0), lastActivity: new Float64Array(0),
    engagement7d: new Float64Array(0), engagement30d: new Float64Array(0), totals: [], recent: [], filled: [], unknownTypes: new Map(), counters: null,
  };
}
