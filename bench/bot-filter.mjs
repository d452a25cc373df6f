// The bot filter alone (src/core/score/bot-filter.ts, issue 18): pushes N synthetic activities over K
// leads, in time order, through BotFilter with the bot_filter of models/email-engagement.yaml, then
// flushes; prints the time (wall, and this process's CPU time, steadier on a shared machine) and the
// memory held at the end of the pushes and the peak RSS. About 5 s of the push time is this script's own
// (random numbers, a payload object per activity held until released), whatever the filter.
//
//   npm run build && node bench/bot-filter.mjs [--leads 1m] [--activities 10m] [--module PATH]
//
// --module: another build of bot-filter.js to compare (e.g. the one before issue 18, whose push takes
// the type string instead of its kind; detected by the absence of kindOf). Run each in its own process.
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const count = (s) => Math.round(parseFloat(s) * ({ k: 1e3, m: 1e6 }[s.slice(-1).toLowerCase()] ?? 1));
const leads = count(opt('leads', '1m'));
const activities = count(opt('activities', '10m'));
const modulePath = resolve(opt('module', 'dist/core/score/bot-filter.js'));
const { BotFilter } = await import(pathToFileURL(modulePath).href);

const cfg = {
  burst: { count: 4, seconds: 10 },
  clicks: { types: ['email_click'], after: ['email_delivered', 'email_open'], seconds: 5, matchOn: 'campaign' },
};
let kept = 0;
const f = new BotFilter(cfg, (_lead, _held, verdict) => {
  if (!verdict) kept++;
});
const typed = typeof f.kindOf === 'function';
const TYPES = ['page_view', 'email_delivered', 'email_open', 'email_click', 'form_submit'];
const kinds = new Map(TYPES.map((x) => [x, typed ? f.kindOf(x) : x]));
const CAMPAIGNS = ['c1', 'c2', 'c3', 'c4'];

// a fixed pseudo-random sequence (LCG), so both builds see the same activities
let seed = 1;
const rnd = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);

const t0 = Date.parse('2026-10-01T00:00:00Z');
const stepMs = (30 * 86_400_000) / activities; // 30 days of activities
const start = performance.now();
const cpu0 = process.cpuUsage();
let t = t0;
for (let i = 0; i < activities; ) {
  const lead = Math.floor(rnd() * leads);
  const campaign = CAMPAIGNS[Math.floor(rnd() * CAMPAIGNS.length)];
  if (rnd() < 0.05 && i + 4 <= activities) {
    // a link scanner: delivery, open and two clicks within two seconds
    for (const [type, dt] of [['email_delivered', 0], ['email_open', 500], ['email_click', 1000], ['email_click', 2000]]) {
      f.push(lead, t + dt, kinds.get(type), campaign, { t: t + dt, type });
      i++;
    }
    t += 2000; // keep the whole stream in time order
  } else {
    const type = TYPES[Math.floor(rnd() * TYPES.length)];
    f.push(lead, t, kinds.get(type), campaign, { t, type });
    i++;
  }
  t += stepMs;
}
const pushed = performance.now() - start;
const mem = process.memoryUsage();
f.flush();
const total = performance.now() - start;
const cpu = process.cpuUsage(cpu0);
const mib = (b) => (b / 2 ** 20).toFixed(0);
console.log(
  `${typed ? 'typed' : 'before'} ${modulePath}: ${leads} leads, ${activities} activities: ` +
    `push ${(pushed / 1000).toFixed(2)} s, total with flush ${(total / 1000).toFixed(2)} s (cpu ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s); ` +
    `at the end of the pushes heap ${mib(mem.heapUsed)} MiB, array buffers ${mib(mem.arrayBuffers)} MiB, rss ${mib(mem.rss)} MiB; ` +
    `peak rss ${mib(process.resourceUsage().maxRSS * 1024)} MiB; kept ${kept}, dropped ${JSON.stringify(f.dropped)}, unsorted ${f.unsorted}`,
);
