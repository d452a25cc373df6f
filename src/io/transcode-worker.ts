// Worker thread: one copy of io/input-copies.ts (transcode.ts).
import { createWriteStream } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { transcode } from './transcode.js';

const { path, encoding, to } = workerData as { path: string; encoding: string; to: string };
transcode(path, encoding, createWriteStream(to, { flags: 'wx', highWaterMark: 1 << 20 })).then(
  () => parentPort!.postMessage({ done: true }),
  (e: NodeJS.ErrnoException) => parentPort!.postMessage({ message: e.message, ...(e.code ? { code: e.code } : {}) }),
);
