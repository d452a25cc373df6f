// sha256 of an input file for the run record, computed on a worker thread while the run goes on.
import { Worker } from 'node:worker_threads';
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';

/** Files smaller than this are hashed on this thread (a worker costs more to start than they take). */
const SMALL = 8 << 20;

const CODE = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { createReadStream } = require('node:fs');
const h = createHash('sha256');
createReadStream(workerData, { highWaterMark: 1 << 20 })
  .on('data', (d) => h.update(d))
  .on('end', () => parentPort.postMessage({ sha256: h.digest('hex') }))
  .on('error', (e) => parentPort.postMessage({ error: e.message }));
`;

/** The file's sha256 (hex), or undefined for stdin or when it cannot be read. */
export async function hashFile(path: string): Promise<string | undefined> {
  if (path === '-') return undefined;
  const size = await stat(path).then((s) => s.size, () => undefined);
  if (size === undefined) return undefined;
  if (size < SMALL) {
    try {
      return createHash('sha256').update(await readFile(path)).digest('hex');
    } catch {
      return undefined;
    }
  }
  return new Promise((resolve) => {
    const w = new Worker(CODE, { eval: true, workerData: path });
    w.once('message', (m: { sha256?: string }) => {
      resolve(m.sha256);
      void w.terminate();
    });
    w.once('error', () => resolve(undefined));
  });
}
