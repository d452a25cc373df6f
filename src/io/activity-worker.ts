// Worker thread: folds one byte range of an activity file (see activity-tasks.ts). Receives the task
// in workerData; posts 'start' (where its range really starts), 'progress', then 'done' with the fold
// (typed arrays transferred, not copied). Rejects are spilled to a file, so memory stays bounded.
import { parentPort, workerData } from 'node:worker_threads';
import { createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { openCsv } from './csv-reader.js';
import { ActivityFolder, type ActivityReject } from '../core/score/activity-fold.js';
import { csvLine } from './csv-writer.js';
import { compileModel } from '../core/score/compiled.js';
import type { RangeTask, WorkerMessage } from './activity-tasks.js';

const port = parentPort!;
const task = workerData as RangeTask;

function post(m: WorkerMessage, transfer: ArrayBuffer[] = []): void {
  port.postMessage(m, transfer);
}

/**
 * A candidate record boundary at or after `nominal`: the byte after the first '\n' there, and its line
 * number (newlines before it + 1). It may be inside a quoted multi-line field: quote parity cannot tell,
 * since a quote inside an unquoted field (5'11") is a literal character. The previous range's reader,
 * which parses from the start of the file, confirms it or reads on (ByteRange.verifyEnd).
 */
async function findStart(path: string, nominal: number, size: number): Promise<{ start: number; line: number }> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    let pos = 0;
    let newlines = 0;
    while (pos < size) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
      if (bytesRead === 0) break;
      let i = -1;
      while ((i = buf.indexOf(0x0a, i + 1)) !== -1 && i < bytesRead) {
        newlines++;
        if (pos + i >= nominal) return { start: pos + i + 1, line: newlines + 1 };
      }
      pos += bytesRead;
    }
    return { start: size, line: newlines + 1 };
  } finally {
    await fh.close();
  }
}

async function run(): Promise<void> {
  let endResolve!: (n: number) => void;
  const end = task.last ? task.size : new Promise<number>((r) => (endResolve = r));
  port.on('message', (m: { type: 'end'; end: number }) => {
    if (m.type === 'end') endResolve(m.end);
  });
  let start = 0;
  let firstLine = task.header.firstLine;
  if (task.index > 0) {
    ({ start, line: firstLine } = await findStart(task.source, task.nominalStart, task.size));
    post({ type: 'start', start });
  }
  const nominalEnd = task.last ? task.size : Math.max(start, task.nominalEnd);
  const verifyEnd: { size: number; tookOver?: boolean } | undefined = task.last ? undefined : { size: task.size };
  const file = await openCsv(task.source, {
    name: task.path,
    encoding: task.encoding,
    delimiter: task.header.delimiter,
    range: task.index > 0
      ? { start, end, nominalEnd, header: { ...task.header, firstLine }, ...(verifyEnd ? { verifyEnd } : {}) }
      : { start: 0, end, nominalEnd, ...(verifyEnd ? { verifyEnd } : {}) },
  });
  const cm = compileModel(task.model, { leadHeader: [], asOfMs: task.asOfMs, env: { isDisposableDomain: () => false } });
  const spill = task.spillPath ? createWriteStream(task.spillPath, { flags: 'wx' }) : undefined;
  let pending = '';
  const batchRejects: ActivityReject[] = [];
  const folder = new ActivityFolder(cm, file.header, (r) => {
    if (spill) batchRejects.push(r);
  });
  let lastReport = Date.now();
  for await (const batch of file.batches((b) => folder.badRow(b))) {
    folder.addBatch(batch);
    if (batchRejects.length) {
      batchRejects.sort((a, b) => a.line - b.line);
      for (const r of batchRejects) pending += csvLine([task.path, String(r.line), r.reason, r.detail, r.raw], task.formulaGuard);
      batchRejects.length = 0;
    }
    if (pending.length > 1 << 20) {
      const data = pending;
      pending = '';
      if (spill && !spill.write(data)) await new Promise<void>((r) => spill.once("drain", () => r()));
    }
    const now = Date.now();
    if (now - lastReport > 250) {
      lastReport = now;
      post({ type: 'progress', bytes: file.bytesRead(), rows: folder.counts.rows });
    }
  }
  folder.finish();
  if (spill) {
    await new Promise<void>((res, rej) => {
      spill.once('error', rej);
      spill.end(pending, () => res());
    });
  }
  const st = folder.fold.state;
  const transfer = [
    st.activityCount, st.future, st.outsideWindow, st.lastActivity, st.engagement7d, st.engagement30d,
    ...st.totals, ...st.recent, ...st.filled, st.counters,
  ].filter((a): a is NonNullable<typeof a> => a !== null).map((a) => a.buffer as ArrayBuffer);
  post(
    {
      type: 'done',
      ids: folder.ids,
      state: st,
      counts: folder.counts,
      unparsable: [...cm.unparsable],
      blankLines: file.blankLines(),
      bytes: file.bytesRead(),
      tookOver: verifyEnd?.tookOver === true,
    },
    transfer,
  );
}

run().catch((e: Error & { code?: string }) => {
  post({ type: 'error', message: e.message, ...(e.code ? { code: e.code } : {}) });
});
