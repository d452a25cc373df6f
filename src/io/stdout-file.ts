// An OutputFile on standard output ('-'): buffered, waits for drain, a closed pipe ends it quietly.
import { BUFFER_BYTES, type OutputFile } from './temp-file.js';

/** An OutputFile on process.stdout (for '-' outputs). A closed pipe (EPIPE) ends writing quietly. */
export interface StdoutFile extends OutputFile {
  /** Flush buffered text; resolves when written (or when the pipe is gone). */
  end(): Promise<void>;
  /** True once the reader went away (EPIPE): the caller may stop producing output. */
  readonly closed: boolean;
}

export function stdoutFile(name = '-', stream: NodeJS.WritableStream = process.stdout): StdoutFile {
  let parts: string[] = [];
  let size = 0;
  let closed = false;
  let failure: Error | null = null;
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED') closed = true;
    else failure ??= e;
  });
  const waitDrain = (): Promise<void> =>
    new Promise<void>((res) => {
      const done = (): void => {
        stream.off('drain', done);
        stream.off('error', done);
        stream.off('close', done);
        res();
      };
      stream.once('drain', done);
      stream.once('error', done);
      stream.once('close', done);
    });
  const flush = (): Promise<void> | void => {
    if (size === 0 || closed) {
      parts = [];
      size = 0;
      return;
    }
    const data = parts.join('');
    parts = [];
    size = 0;
    if (!stream.write(data)) return waitDrain();
  };
  return {
    name,
    get closed() {
      return closed;
    },
    write(chunk: string) {
      if (failure) throw failure;
      if (closed) return;
      parts.push(chunk);
      size += chunk.length;
      if (size >= BUFFER_BYTES) return flush();
    },
    writeBytes(bytes: Uint8Array) {
      return this.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8'));
    },
    async end() {
      await flush();
      if (failure) throw failure;
    },
  };
}
