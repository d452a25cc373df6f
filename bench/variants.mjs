#!/usr/bin/env node
// The bench job's inputs as users also bring them, each timed against the plain run of the same round:
//   gzip    the activities gzipped
//   stdin   the activities piped in (`cat activities.csv | leadscore score -a -`)
//   utf16   both files as UTF-16 LE with a BOM (Excel's "Unicode Text")
//   bot     the b2b-saas model with `bot_filter: { burst: { count: 4, seconds: 10 } }`, on the activities in
//           time order (as exports list them; the generated file is not, and the filter would count
//           most of it as `unsorted`)
//
//   node bench/variants.mjs --leads 1m --activities 10m [--rounds 2] [--only gzip,stdin]
//
// Uses bench/data/<leads>-<activities>/ (made by `node bench/run.mjs` first); the variant files are made
// once in its variants/ folder. Prints, per round and variant, wall time, its ratio to the round's plain
// run, and peak RSS (from /usr/bin/time when present). See bench/README.md.
import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';

const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(BENCH, '..');
const { values: o } = parseArgs({
  options: {
    leads: { type: 'string', default: '100k' },
    activities: { type: 'string', default: '1m' },
    rounds: { type: 'string', default: '2' },
    only: { type: 'string' },
  },
});
const data = join(BENCH, 'data', `${o.leads}-${o.activities}`);
if (!existsSync(join(data, 'meta.json'))) {
  console.error(`${data} is missing: make it with node bench/run.mjs --leads ${o.leads} --activities ${o.activities} --runs 1`);
  process.exit(2);
}
const v = join(data, 'variants');
mkdirSync(v, { recursive: true });

async function utf16(from, to) {
  if (existsSync(to)) return;
  const out = createWriteStream(to + '.tmp');
  out.write(Buffer.from([0xff, 0xfe]));
  const dec = new TextDecoder();
  for await (const chunk of createReadStream(from, { highWaterMark: 1 << 20 })) {
    if (!out.write(Buffer.from(dec.decode(chunk, { stream: true }), 'utf16le'))) await once(out, 'drain');
  }
  out.end(Buffer.from(dec.decode(), 'utf16le'));
  await once(out, 'close');
  spawnSync('mv', [to + '.tmp', to]);
}
const leads = join(data, 'leads.csv');
const acts = join(data, 'activities.csv');
if (!existsSync(join(v, 'activities.csv.gz'))) {
  await pipeline(createReadStream(acts), createGzip(), createWriteStream(join(v, 'activities.csv.gz.tmp')));
  spawnSync('mv', [join(v, 'activities.csv.gz.tmp'), join(v, 'activities.csv.gz')]);
}
if (!existsSync(join(v, 'activities-by-time.csv'))) {
  // the timestamp is the third cell; the first two hold no comma
  const r = spawnSync('/bin/sh', ['-c', `(head -n 1 '${acts}'; tail -n +2 '${acts}' | LC_ALL=C sort -t, -k3,3 -S 25%) > '${join(v, 'activities-by-time.csv.tmp')}'`], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('sorting the activities by time failed');
  spawnSync('mv', [join(v, 'activities-by-time.csv.tmp'), join(v, 'activities-by-time.csv')]);
}
await utf16(leads, join(v, 'leads16.csv'));
await utf16(acts, join(v, 'activities16.csv'));
const model = join(ROOT, 'models/b2b-saas.yaml');
const botModel = join(v, 'b2b-bot.yaml');
writeFileSync(botModel, readFileSync(model, 'utf8').replace('engagement:\n', 'engagement:\n  bot_filter: { burst: { count: 4, seconds: 10 } }\n'));

const out = join(BENCH, 'out', 'variants');
const score = (m, l, a) => `node bin/leadscore score -m ${m} -l ${l} -a ${a} -o ${out} --as-of 2026-11-01 -q`;
const VARIANTS = {
  plain: score(model, leads, acts),
  gzip: score(model, leads, join(v, 'activities.csv.gz')),
  stdin: `cat ${acts} | ${score(model, leads, '-')}`,
  utf16: score(model, join(v, 'leads16.csv'), join(v, 'activities16.csv')),
  bot: score(botModel, leads, join(v, 'activities-by-time.csv')),
};
const only = o.only ? o.only.split(',') : Object.keys(VARIANTS).filter((k) => k !== 'plain');
const time = existsSync('/usr/bin/time');

function run(name) {
  rmSync(out, { recursive: true, force: true });
  const cmd = VARIANTS[name];
  const t0 = performance.now();
  const r = spawnSync('/bin/sh', ['-c', time ? `/usr/bin/time -f '%M' -o ${out}.rss sh -c '${cmd}'` : cmd], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  const wall = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`${name} failed (exit ${r.status}): ${cmd}`);
  const rss = time ? Number(readFileSync(`${out}.rss`, 'utf8').trim().split('\n').pop()) / 1024 : NaN;
  return { wall, rss };
}

const mib = (x) => (Number.isNaN(x) ? '-' : `${x.toFixed(0)} MiB`);
console.log(`variants of ${o.leads} leads / ${o.activities} activities, ${o.rounds} round(s)`);
const ratios = Object.fromEntries(only.map((k) => [k, []]));
for (let round = 1; round <= Number(o.rounds); round++) {
  const plain = run('plain');
  console.log(`round ${round}  plain  ${plain.wall.toFixed(1)} s  ${mib(plain.rss)}`);
  for (const name of only) {
    const r = run(name);
    ratios[name].push(r.wall / plain.wall);
    console.log(`round ${round}  ${name.padEnd(5)}  ${r.wall.toFixed(1)} s  ${(r.wall / plain.wall).toFixed(2)}x plain  ${mib(r.rss)}`);
  }
}
for (const name of only) console.log(`${name}: ${ratios[name].map((x) => x.toFixed(2)).join(', ')} x the plain run`);
rmSync(out, { recursive: true, force: true });
rmSync(`${out}.rss`, { force: true });
