// A text file (gunzipped when gzip) in another encoding, written as UTF-8 without a byte order mark:
// the copies of io/input-copies.ts. Run on a worker thread (transcode-worker.ts) so that several
// copies are made at once, one core each.
import { createReadStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { createGunzip } from 'node:zlib';
import { TextDecoder } from 'node:util';
import { isGzip } from './activity-tasks.js';

/** Write every chunk of `from` to `to`, waiting when its buffer is full; rejects on a write error. */
export async function writeAll(from: AsyncIterable<Buffer | string>, to: WriteStream): Promise<void> {
  const failed = new Promise<never>((_, reject) => to.once('error', reject));
  failed.catch(() => undefined);
  for await (const chunk of from) {
    if (!to.write(chunk)) await Promise.race([once(to, 'drain'), failed]);
  }
  to.end();
  await Promise.race([once(to, 'close'), failed]);
}

export async function transcode(path: string, encoding: string, to: WriteStream): Promise<void> {
  const file = createReadStream(path, { highWaterMark: 1 << 20 });
  const bytes: AsyncIterable<Buffer> = (await isGzip(path)) ? file.pipe(createGunzip({ chunkSize: 1 << 20 })) : file;
  // as the reader decodes: invalid bytes become U+FFFD; a BOM of the encoding, then a U+FEFF, are dropped
  const decoder = new TextDecoder(encoding);
  let first = true;
  async function* text(): AsyncGenerator<string> {
    for await (const b of bytes) {
      let s = decoder.decode(b, { stream: true });
      if (first && s.length > 0) {
        if (s.charCodeAt(0) === 0xfeff) s = s.slice(1);
        first = false;
      }
      yield s;
    }
    yield decoder.decode();
  }
  await writeAll(text(), to);
}
