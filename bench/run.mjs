#!/usr/bin/env node
// Benchmark `leadscore score` (or any command) on generated CRM-like data.
//
//   node bench/run.mjs --leads 100k --activities 1m [--runs 3] [--keep] [--json]
//   node bench/run.mjs --leads 1m --activities 10m --cmd 'wc -l {leads} {activities}'
//
// Generates bench/data/<leads>-<activities>/ with bench/generate.mjs unless it is already there with the
// same sizes, seed and generator version, then runs the command R times and prints, per run and as a
// median: wall time, leads/s, activities/s, input MB/s, CPU time and peak RSS. See bench/README.md.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, readdirSync } from 'node:fs';
import { cpus, totalmem, tmpdir, platform, arch } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { GENERATOR_VERSION, parseCount } from './generate.mjs';

const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(BENCH, '..');
const AS_OF = '2026-11-01';
const PRELOAD = join(BENCH, 'peak-rss.mjs');
const USAGE = `usage: node bench/run.mjs --leads N --activities M [options]
  --leads N          lead rows (100000, 100k, 1m)                       default 100k
  --activities M     activity rows                                     default 1m
  --runs R           timed runs                                        default 3
  --keep             keep bench/out/<name> (the last run's output); default: removed after the runs
  --cmd "..."        time this shell command instead of leadscore score; {leads} {activities} {out}
                     {model} {data} {asof} are replaced (also exported as LEADS, ACTIVITIES, OUT, ...)
  --model FILE       scoring model                                     default models/b2b-saas.yaml
  --seed S           generator seed                                    default 1
  --regenerate       regenerate the data even if it is present
  --rss-method M     auto | preload | time | proc  (how peak RSS is measured; see bench/README.md)
  --duckdb           also run the same job as DuckDB SQL (bench/duckdb-score.mjs, b2b-saas model only),
                     in turn with leadscore (A B A B ...), and print the ratios leadscore / DuckDB
  --threads T        DuckDB threads (with --duckdb)                     default 2
  --json             print one JSON object on stdout (progress goes to stderr)`;

// ---------------------------------------------------------------- arguments
let opts;
try {
  ({ values: opts } = parseArgs({
    options: {
      leads: { type: 'string', default: '100k' },
      activities: { type: 'string', default: '1m' },
      runs: { type: 'string', default: '3' },
      keep: { type: 'boolean', default: false },
      cmd: { type: 'string' },
      model: { type: 'string', default: 'models/b2b-saas.yaml' },
      seed: { type: 'string', default: '1' },
      regenerate: { type: 'boolean', default: false },
      'rss-method': { type: 'string', default: 'auto' },
      json: { type: 'boolean', default: false },
      duckdb: { type: 'boolean', default: false },
      threads: { type: 'string', default: '2' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  }));
} catch (e) {
  console.error(`${e.message}\n${USAGE}`);
  process.exit(2);
}
if (opts.help) {
  console.log(USAGE);
  process.exit(0);
}
let leads, activities, runs;
try {
  leads = parseCount(opts.leads, '--leads');
  activities = parseCount(opts.activities, '--activities');
  runs = parseCount(opts.runs, '--runs');
  if (leads < 1 || runs < 1) throw new Error('--leads and --runs must be at least 1');
  if (!['auto', 'preload', 'time', 'proc'].includes(opts['rss-method'])) throw new Error(`--rss-method: ${opts['rss-method']}?`);
} catch (e) {
  console.error(`${e.message}\n${USAGE}`);
  process.exit(2);
}
const log = opts.json ? (m) => console.error(m) : (m) => console.log(m);

// ---------------------------------------------------------------- data
const short = (n) => (n >= 1e6 && n % 1e6 === 0 ? `${n / 1e6}m` : n >= 1e3 && n % 1e3 === 0 ? `${n / 1e3}k` : String(n));
const name = `${short(leads)}-${short(activities)}${opts.seed === '1' ? '' : `-s${opts.seed}`}`;
const dataDir = join(BENCH, 'data', name);
const outDir = join(BENCH, 'out', name);
const leadsCsv = join(dataDir, 'leads.csv');
const activitiesCsv = join(dataDir, 'activities.csv');
const rel = (p) => relative(process.cwd(), p) || '.';

function readMeta() {
  try {
    const meta = JSON.parse(readFileSync(join(dataDir, 'meta.json'), 'utf8'));
    const ok =
      meta.generator_version === GENERATOR_VERSION && meta.leads === leads && meta.activities === activities &&
      meta.seed === opts.seed && statSync(leadsCsv).size === meta.bytes.leads && statSync(activitiesCsv).size === meta.bytes.activities;
    return ok ? meta : null;
  } catch {
    return null;
  }
}
let meta = opts.regenerate ? null : readMeta();
const reused = meta !== null;
if (!meta) {
  log(`generating ${leads} leads / ${activities} activities into ${rel(dataDir)} ...`);
  const g = spawnSync(process.execPath, [join(BENCH, 'generate.mjs'), '--leads', String(leads), '--activities', String(activities), '--out', dataDir, '--seed', opts.seed], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (g.status !== 0) {
    console.error('bench: data generation failed');
    process.exit(1);
  }
  meta = readMeta();
  if (!meta) {
    console.error('bench: generated data does not match the request (meta.json)');
    process.exit(1);
  }
}
const mb = (bytes) => bytes / 1e6;
const inputMB = mb(meta.bytes.leads + meta.bytes.activities);

// ---------------------------------------------------------------- the command
const model = resolve(ROOT, opts.model);
const vars = { leads: leadsCsv, activities: activitiesCsv, out: outDir, model, data: dataDir, asof: AS_OF };
let argv, display;
if (opts.cmd) {
  const cmd = opts.cmd.replace(/\{(leads|activities|out|model|data|asof)\}/g, (_, k) => shQuote(vars[k]));
  argv = ['/bin/sh', '-c', cmd];
  display = cmd;
} else {
  if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) {
    console.error('bench: dist/cli/main.js is missing: run `npm run build` first (or time another command with --cmd)');
    process.exit(2);
  }
  if (!existsSync(model)) {
    console.error(`bench: model not found: ${rel(model)}`);
    process.exit(2);
  }
  argv = [process.execPath, join(ROOT, 'bin', 'leadscore'), 'score', '-m', model, '-l', leadsCsv, '-a', activitiesCsv, '-o', outDir, '--as-of', AS_OF];
  display = ['node', 'bin/leadscore', ...argv.slice(2)].map((a) => (a.startsWith('/') ? rel(a) : a)).join(' ');
}
const duckOut = `${outDir}-duckdb`;
let duckArgv = null;
if (opts.duckdb) {
  if (resolve(ROOT, opts.model) !== resolve(ROOT, 'models/b2b-saas.yaml')) {
    console.error('bench: --duckdb: the DuckDB SQL is written for models/b2b-saas.yaml only');
    process.exit(2);
  }
  duckArgv = [process.execPath, join(BENCH, 'duckdb-score.mjs'), leadsCsv, activitiesCsv, duckOut, AS_OF, '--threads', opts.threads];
}
function shQuote(s) {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

const primaryArgv = argv;
const primaryOut = outDir;
// ---------------------------------------------------------------- peak RSS methods
// preload: node processes of the command report getrusage(RUSAGE_SELF).ru_maxrss at exit (bench/peak-rss.mjs)
// time:    GNU time -f %M: ru_maxrss of the waited child tree (the largest single process), any command
// proc:    poll /proc/<pid>/status VmHWM of the child and its descendants every 50 ms (last value read)
const gnuTime = (() => {
  if (!existsSync('/usr/bin/time')) return null;
  const r = spawnSync('/usr/bin/time', ['-f', '%M', '-o', '/dev/null', 'true'], { stdio: 'ignore' });
  return r.status === 0 ? '/usr/bin/time' : null;
})();
const method = opts['rss-method'];
if (method === 'time' && !gnuTime) {
  console.error('bench: --rss-method time: GNU time (/usr/bin/time -f) is not available (Debian package `time`)');
  process.exit(2);
}
const usePreload = method === 'auto' || method === 'preload';
const useTime = gnuTime && (method === 'auto' || method === 'time');
const useProc = method === 'proc' || (method === 'auto' && !gnuTime);

function readStatusKb(pid, field) {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}
function descendants(pid, acc = []) {
  acc.push(pid);
  let kids = [];
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const s = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim();
      if (s) kids = kids.concat(s.split(/\s+/).map(Number));
    }
  } catch {
    // gone already
  }
  for (const k of kids) descendants(k, acc);
  return acc;
}

const tmp = join(tmpdir(), `leadscore-bench-${process.pid}`);
mkdirSync(tmp, { recursive: true });
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));

function tail(chunks, limit = 4000) {
  const s = Buffer.concat(chunks).toString('utf8');
  return s.length > limit ? '…' + s.slice(-limit) : s;
}

async function runOnce(i, argv = primaryArgv, outDir = primaryOut) {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(dirname(outDir), { recursive: true });
  const tag = outDir === primaryOut ? '' : '-b';
  const rssFile = join(tmp, `rss-${i}${tag}.jsonl`);
  const timeFile = join(tmp, `time-${i}${tag}.txt`);
  const env = { ...process.env, LEADS: leadsCsv, ACTIVITIES: activitiesCsv, OUT: outDir, MODEL: model, DATA: dataDir, AS_OF };
  if (usePreload) {
    env.LEADSCORE_BENCH_RSS_FILE = rssFile;
    env.NODE_OPTIONS = `${env.NODE_OPTIONS ?? ''} --import=${pathToFileURL(PRELOAD).href}`.trim();
  }
  const full = useTime ? [gnuTime, '-f', '%M %e %U %S', '-o', timeFile, ...argv] : argv;
  const out = [], err = [];
  const t0 = process.hrtime.bigint();
  const child = spawn(full[0], full.slice(1), { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  // keep only the last ~64 KB of output (printed if the command fails)
  const keep = (arr) => (d) => { arr.push(d); while (arr.length > 64) arr.shift(); };
  child.stdout.on('data', keep(out));
  child.stderr.on('data', keep(err));
  const procPeak = new Map();
  let poll = null;
  if (useProc) {
    const sample = () => {
      for (const pid of descendants(child.pid)) {
        const hwm = readStatusKb(pid, 'VmHWM');
        if (hwm !== null) procPeak.set(pid, Math.max(procPeak.get(pid) ?? 0, hwm));
      }
    };
    sample();
    poll = setInterval(sample, 50);
  }
  const [code, signal] = await new Promise((res, rej) => {
    child.on('error', rej);
    child.on('exit', (c, s) => res([c, s]));
  });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  if (poll) clearInterval(poll);
  await new Promise((res) => (child.stdout.readableEnded && child.stderr.readableEnded ? res() : child.on('close', res)));

  const rss = { preload_mb: null, time_mb: null, proc_mb: null };
  let cpu = null;
  if (usePreload && existsSync(rssFile)) {
    const lines = readFileSync(rssFile, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
    if (lines.length) {
      rss.preload_mb = Math.max(...lines.map((l) => l.max_rss_kb)) / 1024;
      cpu = lines.reduce((s, l) => s + l.user_s + l.system_s, 0);
      rss.node_processes = lines.length;
    }
  }
  let timeCode = code;
  if (useTime && existsSync(timeFile)) {
    // GNU time writes "Command exited with non-zero status N" first when the command fails
    const lines = readFileSync(timeFile, 'utf8').trim().split('\n');
    const m = /^(\d+) ([\d.]+) ([\d.]+) ([\d.]+)$/.exec(lines[lines.length - 1]);
    if (m) {
      rss.time_mb = Number(m[1]) / 1024;
      cpu ??= Number(m[3]) + Number(m[4]);
    }
    const st = /non-zero status (\d+)/.exec(lines[0]);
    timeCode = st ? Number(st[1]) : /terminated by signal/.test(lines[0]) ? null : code;
  }
  if (procPeak.size) rss.proc_mb = Math.max(...procPeak.values()) / 1024;
  const peak = rss.preload_mb ?? rss.time_mb ?? rss.proc_mb;
  rss.source = rss.preload_mb !== null ? 'preload' : rss.time_mb !== null ? 'time' : rss.proc_mb !== null ? 'proc' : null;
  return {
    run: i,
    exit_code: timeCode,
    signal,
    wall_s: wall,
    leads_per_s: leads / wall,
    activities_per_s: activities / wall,
    input_mb_per_s: inputMB / wall,
    cpu_s: cpu,
    peak_rss_mb: peak,
    rss,
    stdout_tail: tail(out),
    stderr_tail: tail(err),
  };
}

// ---------------------------------------------------------------- report
const fmtInt = (n) => (n == null ? '-' : Math.round(n).toLocaleString('en-US'));
const fmt = (n, d = 2) => (n == null ? '-' : n.toFixed(d));
const median = (xs) => {
  const v = xs.filter((x) => x != null).sort((a, b) => a - b);
  if (!v.length) return null;
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
};
const rssMethodText = {
  preload: 'getrusage maxRSS of each node process at exit (bench/peak-rss.mjs via NODE_OPTIONS=--import)',
  time: 'GNU time %M (ru_maxrss of the largest process in the command tree)',
  proc: '/proc/<pid>/status VmHWM of the command tree, polled every 50 ms',
};

const env = {
  node: process.version,
  platform: `${platform()} ${arch()}`,
  cpus: cpus().length,
  cpu_model: cpus()[0]?.model?.trim() ?? null,
  mem_gb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
};
log(`leadscore bench: node ${env.node}, ${env.platform}, ${env.cpus} CPUs (${env.cpu_model}), ${env.mem_gb} GB RAM`);
log(`data: ${rel(dataDir)} (${reused ? 'reused' : 'generated'}; seed ${meta.seed}, generated in ${meta.generated_in_s} s)`);
log(`  leads.csv       ${fmtInt(leads).padStart(11)} rows  ${fmt(mb(meta.bytes.leads), 1).padStart(7)} MB`);
log(`  activities.csv  ${fmtInt(activities).padStart(11)} rows  ${fmt(mb(meta.bytes.activities), 1).padStart(7)} MB`);
log(`command: ${display}`);
log(`peak RSS: ${[usePreload && rssMethodText.preload, useTime && rssMethodText.time, useProc && rssMethodText.proc].filter(Boolean).join('; else ')}`);
log('');
const header = `${'run'.padEnd(7)}${'wall s'.padStart(9)}${'leads/s'.padStart(12)}${'activities/s'.padStart(14)}${'MB/s'.padStart(8)}${'cpu s'.padStart(8)}${'peak RSS MB'.padStart(13)}`;
const row = (label, r) =>
  `${String(label).padEnd(7)}${fmt(r.wall_s).padStart(9)}${fmtInt(r.leads_per_s).padStart(12)}${fmtInt(r.activities_per_s).padStart(14)}${fmt(r.input_mb_per_s, 1).padStart(8)}${fmt(r.cpu_s).padStart(8)}${fmt(r.peak_rss_mb, 1).padStart(13)}`;
log(header);

const results = [];
const duckResults = [];
let failed = null;
for (let i = 1; i <= runs; i++) {
  const r = await runOnce(i);
  results.push(r);
  const crossCheck = [r.rss.time_mb != null && r.rss.source !== 'time' ? `time ${fmt(r.rss.time_mb, 1)}` : null, r.rss.proc_mb != null && r.rss.source !== 'proc' ? `proc ${fmt(r.rss.proc_mb, 1)}` : null].filter(Boolean);
  log(row(i, r) + (crossCheck.length ? `   (${crossCheck.join(', ')})` : ''));
  if (r.exit_code !== 0) {
    failed = r;
    break;
  }
  if (duckArgv) {
    const d = await runOnce(i, duckArgv, duckOut);
    duckResults.push(d);
    log(row(`${i} duck`, d) + `   ratio leadscore/DuckDB: wall ${fmt(r.wall_s / d.wall_s)}, peak RSS ${fmt(r.peak_rss_mb / d.peak_rss_mb)}`);
    if (d.exit_code !== 0) {
      failed = d;
      break;
    }
  }
}
const medianOf = (rs) => {
  const m = { wall_s: median(rs.map((r) => r.wall_s)), cpu_s: median(rs.map((r) => r.cpu_s)), peak_rss_mb: median(rs.map((r) => r.peak_rss_mb)) };
  m.leads_per_s = leads / m.wall_s;
  m.activities_per_s = activities / m.wall_s;
  m.input_mb_per_s = inputMB / m.wall_s;
  return m;
};
const med = medianOf(results);
const duckMed = duckResults.length ? medianOf(duckResults) : null;
const pairRatios = duckResults.map((d, k) => results[k].wall_s / d.wall_s);
if (!failed) log(row('median', med));
if (!failed && duckMed) {
  log(row('duck md', duckMed));
  log(`\nleadscore / DuckDB (${opts.threads} threads): wall ${fmt(med.wall_s / duckMed.wall_s)} (median of the medians; pair by pair ${pairRatios.map((x) => fmt(x)).join(', ')}), ` +
    `peak RSS ${fmt(med.peak_rss_mb / duckMed.peak_rss_mb)} (${fmt(med.peak_rss_mb, 1)} MB vs ${fmt(duckMed.peak_rss_mb, 1)} MB)`);
}
rmSync(duckOut, { recursive: true, force: true });
if (!opts.keep) rmSync(outDir, { recursive: true, force: true });
else log(`\noutput of the last run kept in ${rel(outDir)}`);

if (failed) {
  console.error(`\nbench: run ${failed.run} failed (exit ${failed.exit_code ?? `signal ${failed.signal}`})`);
  if (failed.stderr_tail) console.error(`--- stderr (tail)\n${failed.stderr_tail}`);
  if (failed.stdout_tail) console.error(`--- stdout (tail)\n${failed.stdout_tail}`);
}
if (opts.json) {
  const round = (x, d = 3) => (x == null ? null : Math.round(x * 10 ** d) / 10 ** d);
  const clean = (r) => ({
    wall_s: round(r.wall_s),
    leads_per_s: round(r.leads_per_s, 0),
    activities_per_s: round(r.activities_per_s, 0),
    input_mb_per_s: round(r.input_mb_per_s, 1),
    cpu_s: round(r.cpu_s),
    peak_rss_mb: round(r.peak_rss_mb, 1),
  });
  const report = {
    ...env,
    command: display,
    custom_command: Boolean(opts.cmd),
    data: {
      dir: rel(dataDir),
      reused,
      seed: meta.seed,
      generator_version: meta.generator_version,
      generated_in_s: meta.generated_in_s,
      leads,
      activities,
      leads_mb: round(mb(meta.bytes.leads), 1),
      activities_mb: round(mb(meta.bytes.activities), 1),
    },
    rss_method: { requested: method, preload: usePreload, gnu_time: Boolean(useTime), proc_poll: useProc },
    runs: results.map((r) => ({
      run: r.run,
      exit_code: r.exit_code,
      signal: r.signal,
      ...clean(r),
      rss_source: r.rss.source,
      rss_preload_mb: round(r.rss.preload_mb, 1),
      rss_time_mb: round(r.rss.time_mb, 1),
      rss_proc_mb: round(r.rss.proc_mb, 1),
      ...(r.exit_code !== 0 ? { stderr_tail: r.stderr_tail } : {}),
    })),
    median: failed ? null : clean(med),
    ...(duckArgv ? {
      duckdb: {
        threads: Number(opts.threads),
        runs: duckResults.map((r) => ({ run: r.run, exit_code: r.exit_code, ...clean(r) })),
        median: failed || !duckMed ? null : clean(duckMed),
        wall_ratio: failed || !duckMed ? null : round(med.wall_s / duckMed.wall_s),
        pair_wall_ratios: pairRatios.map((x) => round(x)),
        peak_rss_ratio: failed || !duckMed ? null : round(med.peak_rss_mb / duckMed.peak_rss_mb),
      },
    } : {}),
    ok: !failed,
  };
  console.log(JSON.stringify(report, null, 2));
}
process.exitCode = failed ? 1 : 0;
