// Preload used by bench/run.mjs (through NODE_OPTIONS=--import=...): when the process exits, append its
// peak resident set size and CPU times, as the kernel accounts them (getrusage(RUSAGE_SELF), which covers
// every thread of the process, worker threads included), to the file named by LEADSCORE_BENCH_RSS_FILE.
// Does nothing without that variable. Not called on a fatal signal or an abort (e.g. V8 out of memory):
// run.mjs falls back to GNU time / /proc polling then.
import { appendFileSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';

const file = process.env.LEADSCORE_BENCH_RSS_FILE;
if (file && isMainThread) {
  process.on('exit', (code) => {
    const ru = process.resourceUsage();
    const line = {
      pid: process.pid,
      argv: process.argv.slice(1, 3).join(' '),
      code,
      max_rss_kb: ru.maxRSS, // kilobytes (Linux ru_maxrss)
      user_s: ru.userCPUTime / 1e6,
      system_s: ru.systemCPUTime / 1e6,
    };
    try {
      appendFileSync(file, JSON.stringify(line) + '\n');
    } catch {
      // measuring must never change the measured command's outcome
    }
  });
}
