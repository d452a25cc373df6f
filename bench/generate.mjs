#!/usr/bin/env node
// Synthetic CRM / marketing-automation exports for benchmarking `leadscore score`.
//
//   node bench/generate.mjs --leads 1000000 --activities 10000000 --out bench/data/1m-10m [--seed 1]
//
// Writes OUT/leads.csv, OUT/activities.csv and OUT/meta.json. Plain Node ESM, no dependencies.
// Deterministic: the same --seed, --leads, --activities (and rates) give byte-identical files, whatever
// the number of worker threads (every chunk of rows has its own RNG stream derived from the seed).
// The shape follows models/b2b-saas.yaml (PRODUCT.md §2): see bench/README.md for the distributions.

import { createWriteStream, mkdirSync, renameSync, rmSync, writeFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { once } from 'node:events';

export const GENERATOR_VERSION = 1;
const AS_OF_MS = Date.UTC(2026, 10, 1); // 2026-11-01T00:00:00Z, the bench's --as-of
const DAY_MS = 86_400_000;
const ACTIVITY_DAYS = 400; // activities fall in the 400 days before AS_OF
const LEAD_DAYS = 1095; // leads were created in the 3 years before AS_OF
const CHUNK_ROWS = 200_000; // rows per RNG stream / per write batch

// ---------------------------------------------------------------- RNG (sfc32, seeded via splitmix32)
function hashSeed(...parts) {
  let h = 0x811c9dc5;
  for (const p of parts) {
    const s = String(p);
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
    h = Math.imul(h ^ 0x7c, 0x01000193);
  }
  return h >>> 0;
}
function makeRng(seed32) {
  let h = seed32 >>> 0;
  const sm = () => {
    h = (h + 0x9e3779b9) | 0;
    let z = h;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = sm(), b = sm(), c = sm(), d = sm();
  const rand = () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 12; i++) rand();
  return rand;
}
function normal(rand) {
  let u = rand();
  while (u === 0) u = rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

// ---------------------------------------------------------------- weighted tables (O(1) picks)
const csvCell = (v) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
const enc = (s) => new Uint8Array(Buffer.from(s, 'utf8'));
// table(entries, mode) -> pick(rand) in O(1) through a 16k-slot lookup table. entries: [[value, weight], ...]
// mode 'csv': the value as CSV cell bytes (quoted when needed); 'bytes': raw UTF-8 bytes; 'raw': as is.
function table(entries, mode = 'csv') {
  const SLOTS = 16384;
  const conv = mode === 'csv' ? (v) => enc(csvCell(v)) : mode === 'bytes' ? enc : (v) => v;
  const total = entries.reduce((s, e) => s + e[1], 0);
  const slots = new Array(SLOTS);
  let acc = 0, k = 0;
  for (const [v, w] of entries) {
    acc += w;
    const end = Math.round((acc / total) * SLOTS);
    const val = conv(v);
    for (; k < end; k++) slots[k] = val;
  }
  const last = conv(entries[entries.length - 1][0]);
  for (; k < SLOTS; k++) slots[k] = last;
  return (rand) => slots[(rand() * SLOTS) | 0];
}
const flat = (list) => list.map((v) => [v, 1]);

// ---------------------------------------------------------------- time formatting
function dayPrefixes(days) {
  // dayPrefixes(n)[k] = bytes of "YYYY-MM-DDT" of the day k+1 days before AS_OF (k = 0: the day before)
  const out = new Array(days);
  for (let k = 0; k < days; k++) out[k] = enc(new Date(AS_OF_MS - (k + 1) * DAY_MS).toISOString().slice(0, 11));
  return out;
}
// Hour of day, UTC: business hours across EMEA/Americas, a thin night.
const HOURS = [1, 1, 1, 1, 1, 2, 3, 5, 7, 9, 10, 10, 9, 10, 11, 11, 10, 8, 6, 5, 4, 3, 2, 1];
const pickHour = table(HOURS.map((w, h) => [h, w]), 'raw');

// ---------------------------------------------------------------- leads vocabulary
const FIRST = [
  'James', 'Mary', 'John', 'Patricia', 'Robert', 'Jennifer', 'Michael', 'Linda', 'David', 'Elizabeth',
  'William', 'Barbara', 'Richard', 'Susan', 'Joseph', 'Jessica', 'Thomas', 'Sarah', 'Daniel', 'Karen',
  'Matthew', 'Lisa', 'Anthony', 'Nancy', 'Mark', 'Emily', 'Steven', 'Ashley', 'Andrew', 'Michelle',
  'Priya', 'Rahul', 'Wei', 'Mei', 'Hiroshi', 'Yuki', 'Ahmed', 'Fatima', 'Mehmet', 'Ayşe', 'Emre', 'Zeynep',
  'José', 'María', 'Luis', 'Sofía', 'João', 'Ana', 'Lukas', 'Jürgen', 'Anna', 'Léa', 'Chloé', 'François',
  'Lars', 'Ingrid', 'Siobhán', 'Seán', 'Olivia', 'Noah', 'Liam', 'Emma', 'Zoë', 'Chen', 'Kwame', 'Amara',
  'Christopher', 'Alexander', 'Katherine', 'Benjamin', 'Stephanie', 'Nicholas', 'Samantha', 'Jonathan',
];
const LAST = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez',
  'Hernandez', 'Lopez', 'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin', 'Lee',
  'Thompson', 'White', 'Harris', 'Clark', 'Lewis', 'Walker', 'Young', 'Allen', 'King', 'Wright',
  "O'Brien", "O'Neill", 'Müller', 'Schmidt', 'Schneider', 'Fischer', 'Dubois', 'Lefèvre', 'Rossi', 'Bianchi',
  'García', 'Fernández', 'González', 'Silva', 'Santos', 'Yılmaz', 'Kaya', 'Demir', 'Şahin', 'Nguyen', 'Tran',
  'Kim', 'Park', 'Wang', 'Zhang', 'Li', 'Sato', 'Suzuki', 'Patel', 'Sharma', 'Singh', 'Khan', 'Van der Berg',
  'De Vries', 'Johansson', 'Andersen', 'Kowalski', 'Nowak', 'Okafor', 'Mensah', 'Richardson', 'Montgomery',
  'Vandenberghe', 'Papadopoulos', 'Christensen', 'Hoffmann', 'Krishnamurthy', 'Öztürk',
];
const asciiFold = (s) =>
  s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/ı/g, 'i').replace(/[^A-Za-z]/g, '').toLowerCase();
const FIRST_CSV = FIRST.map((v) => enc(csvCell(v))), FIRST_MAIL = FIRST.map((v) => enc(asciiFold(v)));
const LAST_CSV = LAST.map((v) => enc(csvCell(v))), LAST_MAIL = LAST.map((v) => enc(asciiFold(v)));

const JOB_TITLE = table([
  ['CEO', 2.5], ['Chief Executive Officer', 0.5], ['CTO', 1.5], ['CFO', 0.8], ['COO', 0.5],
  ['Chief Marketing Officer', 0.6], ['Chief Revenue Officer', 0.3], ['Chief of Staff', 0.2],
  ['Co-Founder & CEO', 0.5], ['CTO / Co-Founder', 0.3], ['ceo', 0.3], ['Founder', 0.8], ['Owner', 1.5],
  ['President', 0.7], ['VP of Sales', 1], ['VP Engineering', 0.8], ['VP, Marketing', 0.6], ['SVP, Global Operations', 0.3],
  ['Director of IT', 1.5], ['IT Director', 1.2], ['Marketing Director', 1.5], ['Director, Finance', 0.6],
  ['Sales Director', 1.2], ['Director of Engineering', 0.8], ['Senior Director, Product Marketing', 0.4],
  ['Head of Data', 0.6], ['Head of Marketing', 0.8], ['Head of Revenue Operations', 0.4],
  ['IT Manager', 3], ['Marketing Manager', 4], ['Senior Product Manager', 1.5], ['Product Manager', 2], ['Sales Manager', 3],
  ['Account Manager', 2.5], ['Project Manager', 3], ['Engineering Manager', 1.5], ['Finance Manager', 1.2],
  ['HR Manager', 1.5], ['Office Manager', 1], ['Sr. Manager, Demand Generation', 0.5], ['Customer Success Manager', 1.5],
  ['Software Engineer', 5], ['Senior Software Engineer', 4], ['Principal Software Engineer', 1], ['DevOps Engineer', 1.5],
  ['Site Reliability Engineer', 0.8], ['Data Engineer', 1.5], ['Sales Engineer', 1], ['Developer', 2],
  ['Full Stack Developer', 1.5], ['Data Analyst', 3], ['Business Intelligence Analyst', 1], ['Business Analyst', 3],
  ['Financial Analyst', 1.5], ['Marketing Operations Analyst', 1], ['Consultant', 2], ['Senior Consultant', 1],
  ['IT Specialist', 1.5], ['Digital Marketing Specialist', 2], ['Marketing Coordinator', 1], ['System Administrator', 2],
  ['Accountant', 1.5], ['Technical Recruiter', 1], ['Sales Development Representative', 2.5], ['Account Executive', 2.5],
  ['Student', 2], ['Intern', 1], ['Teacher', 0.5], ['Other', 1], ['-', 0.5], ['', 8],
]);
const DEPARTMENT = table([
  ['IT', 22], ['Finance', 9], ['Marketing', 18], ['Sales', 16], ['HR', 6], ['Operations', 5], ['Engineering', 6],
  ['Legal', 1], ['Information Technology', 1], ['marketing', 0.5], ['it', 0.3], [' Finance ', 0.2],
  ['Select', 5], ['', 8],
]);
// LinkedIn-style industry names, as CRM enrichment writes them.
const INDUSTRY = table([
  ['Computer Software', 14], ['Information Technology & Services', 10], ['Financial Services', 8], ['Banking', 3],
  ['Hospital & Health Care', 6], ['Manufacturing', 5], ['Industrial Automation', 2], ['Retail', 5],
  ['Higher Education', 3], ['Education Management', 3], ['Government Administration', 3], ['Telecommunications', 4],
  ['Marketing & Advertising', 5], ['Media & Entertainment', 2], ['Management Consulting', 5], ['Non-profit Organization Management', 2],
  ['Real Estate', 3], ['Logistics & Supply Chain', 3], ['Oil & Energy', 2], ['Hospitality', 2], ['Insurance', 3], ['Other', 2],
  ['', 8],
]);
const COUNTRY = table([
  ['United States', 38], ['United Kingdom', 9], ['Germany', 7], ['Canada', 5], ['France', 4], ['India', 6],
  ['Australia', 3], ['Netherlands', 3], ['Brazil', 3], ['Spain', 2], ['Italy', 2], ['Japan', 2], ['Turkey', 2],
  ['Sweden', 1.5], ['Mexico', 1.5], ['Singapore', 1], ['Poland', 1], ['Switzerland', 1], ['Ireland', 1],
  ['USA', 1], ['US', 1], ['', 6],
]);
// Non-numeric company-size cells seen in real exports (LinkedIn buckets, thousands separators).
const EMPLOYEE_TEXT = table(flat(['51-200', '201-500', '1001-5000', '10,001+', '1,200', '2,500', 'unknown']));
const COMPANY_A = [
  'acme', 'globex', 'initech', 'umbrella', 'stark', 'wayne', 'northwind', 'contoso', 'fabrikam', 'tailspin',
  'wingtip', 'litware', 'adventure', 'blue', 'redwood', 'silver', 'bright', 'cloud', 'data', 'quantum', 'apex',
  'summit', 'pioneer', 'vertex', 'nimbus', 'orbit', 'harbor', 'meridian', 'cascade', 'lumen', 'atlas', 'zenith',
  'evergreen', 'riverside', 'bluewater', 'greenfield', 'ironbridge', 'lakeshore', 'westbrook', 'stonegate',
].map(enc);
const COMPANY_B = [
  '', '-labs', '-systems', '-analytics', '-group', '-tech', '-solutions', '-health', '-bank', '-retail', 'soft',
  'ware', '-logistics', '-media', '-partners', '-industries', '-energy', '-capital', '-consulting', '-insurance',
].map(enc);
const TLD = table([['.com', 70], ['.io', 6], ['.co.uk', 6], ['.de', 5], ['.fr', 3], ['.com.tr', 2], ['.net', 4], ['.ai', 4]], 'bytes');
const FREE_DOMAIN = table([
  ['gmail.com', 18], ['yahoo.com', 5], ['hotmail.com', 2], ['outlook.com', 2], ['icloud.com', 1], ['GMAIL.COM', 0.1],
], 'bytes');
const DISPOSABLE = table(flat(['mailinator.com', 'guerrillamail.com', '10minutemail.com', 'yopmail.com', 'trashmail.com', 'sharklasers.com', 'maildrop.cc']), 'bytes');
const BAD_EMAIL = table(flat(['n/a', 'none', 'john.smith@', 'jane doe@example.com', 'info@@company.com', 'no-email', 'test@test']));
const TEST_NAMES = ['test', 'Test', 'TEST', 'asdf', 'xxx'];
const TEST_FIRST = table(TEST_NAMES.map((v, i) => [i, 1]), 'raw');
const TEST_FIRST_CSV = TEST_NAMES.map(enc), TEST_FIRST_MAIL = TEST_NAMES.map((v) => enc(v.toLowerCase()));
const TEST_LAST = table(flat(['test', 'User', 'asdf', 'xxx', 'Lead']));
const TEST_DOMAIN = table(flat(['@test.com', '@example.com']), 'bytes');

// ---------------------------------------------------------------- activities vocabulary
const slugs = (prefix, list, w) => list.map((s) => [`${prefix}${s}`, w]);
const PAGE = table([
  ['/', 15], ['/pricing', 9], ['/pricing/enterprise', 2],
  ...slugs('/docs/', ['start', 'api', 'sso', 'webhooks', 'install', 'faq', 'security', 'limits'], 2.5),
  ...slugs('/blog/', ['scoring-101', 'mql-vs-sql', 'q3-release', 'saas-2026', 'acme-story', 'ai', 'gdpr', 'benchmarks', 'hiring', 'recap'], 2.5),
  ...slugs('/product/', ['scoring', 'routing', 'reports', 'api'], 3),
  ['/customers', 4], ['/careers', 3], ['/about', 3], ['/contact', 2], ['/integrations', 6],
]);
const CAMPAIGN = table(flat(['NL-2608', 'NL-2609', 'NL-2610', 'PROMO-Q3', 'WEB-INV', 'NURTURE-3', 'PROD-UPD']));
const FORM = table(flat(['contact-us', 'ebook', 'newsletter', 'whitepaper', 'event-reg']));
const WEBINAR = table(flat(['webinar-2026-03-12', 'webinar-2026-05-20', 'webinar-2026-07-09', 'webinar-2026-09-17', 'Pricing, Packaging & Growth', 'Scoring "Best Practices"']));
const DOWNLOAD = table(flat(['saas-2026.pdf', 'roi-calculator.xlsx', 'buyers-guide.pdf']));
const UNSUB = table(flat(['all', 'newsletter', 'marketing']));
const BOUNCE = table(flat(['hard', 'soft', 'soft']));
const NONE = new Uint8Array(0);
const EMPTY = () => NONE;
const fixed = (v) => { const b = enc(v); return () => b; };
// [type, weight %, channel, detail(rand)] — email_open/click/page_view ≈ 45/15/25 %, then the long tail.
const TYPES = [
  ['email_open', 45, 'email', EMPTY],
  ['email_click', 15, 'email', CAMPAIGN],
  ['page_view', 25, 'web', PAGE],
  ['form_submit', 3.5, 'web', FORM],
  ['webinar_attended', 1.5, 'events', WEBINAR],
  ['demo_request', 0.8, 'web', fixed('/demo')],
  ['trial_signup', 0.9, 'web', fixed('/signup')],
  ['unsubscribe', 0.8, 'email', UNSUB],
  ['chat_started', 2, 'chat', EMPTY],
  ['content_download', 2.2, 'web', DOWNLOAD], // not named by models/b2b-saas.yaml: "unknown type"
  ['email_bounce', 1.1, 'email', BOUNCE], // idem
  ['product_login', 2.2, 'app', EMPTY], // idem
];
const TYPE_IDX = table(TYPES.map((t, i) => [i, t[1]]), 'raw');
const TYPE_PREFIX = TYPES.map(([t]) => enc(`,${t},`));
const TYPE_CHANNEL = TYPES.map(([, , ch]) => enc(`,${ch}\n`));
const TYPE_DETAIL = TYPES.map(([, , , d]) => d);

// ---------------------------------------------------------------- lead activity weights (alias table)
// 40 % of leads never have any activity; the others get a log-normal weight (sigma 1.5): most active
// leads have a handful of activities, a few have thousands (e-mail scanners, power users).
function buildAlias(leads, seed) {
  const rand = makeRng(hashSeed(seed, 'weights', leads));
  const w = new Float64Array(leads);
  let sum = 0;
  for (let i = 0; i < leads; i++) {
    w[i] = rand() < 0.4 ? 0 : Math.exp(1.5 * normal(rand));
    sum += w[i];
  }
  const prob = new Float64Array(leads), alias = new Int32Array(leads);
  const small = new Int32Array(leads), large = new Int32Array(leads);
  let ns = 0, nl = 0;
  for (let i = 0; i < leads; i++) {
    w[i] = (w[i] * leads) / sum;
    if (w[i] < 1) small[ns++] = i; else large[nl++] = i;
  }
  while (ns > 0 && nl > 0) {
    const s = small[--ns], l = large[--nl];
    prob[s] = w[s];
    alias[s] = l;
    w[l] = w[l] + w[s] - 1;
    if (w[l] < 1) small[ns++] = l; else large[nl++] = l;
  }
  while (nl > 0) prob[large[--nl]] = 1;
  while (ns > 0) prob[small[--ns]] = 1;
  return { prob, alias };
}

// ---------------------------------------------------------------- chunk generators (pure: chunk -> bytes)
// Rows are written byte by byte into one preallocated buffer per chunk: no per-row strings, no GC churn.
class Out {
  constructor(cap) { this.buf = new Uint8Array(cap); this.pos = 0; }
  room(n) {
    if (this.pos + n <= this.buf.length) return;
    const nb = new Uint8Array(Math.max(this.buf.length * 2, this.pos + n));
    nb.set(this.buf.subarray(0, this.pos));
    this.buf = nb;
  }
  bytes(b) {
    const buf = this.buf, n = b.length;
    let p = this.pos;
    for (let i = 0; i < n; i++) buf[p++] = b[i];
    this.pos = p;
  }
  ch(c) { this.buf[this.pos++] = c; }
  int(n) {
    // non-negative integer in decimal
    const buf = this.buf;
    let p = this.pos, digits = 1;
    for (let x = n; x >= 10; x = (x / 10) | 0) digits++;
    p += digits;
    this.pos = p;
    do { buf[--p] = 48 + (n % 10); n = (n / 10) | 0; } while (n > 0);
  }
  two(n) { this.buf[this.pos++] = 48 + ((n / 10) | 0); this.buf[this.pos++] = 48 + (n % 10); }
  time(dayPrefix, hour, rand) {
    // YYYY-MM-DDTHH:MM:SSZ
    this.bytes(dayPrefix);
    this.two(hour); this.ch(58); this.two((rand() * 60) | 0); this.ch(58); this.two((rand() * 60) | 0); this.ch(90);
  }
  result() { return this.buf.subarray(0, this.pos); }
}
const COMMA = 44, NL = 10, AT = 64, DOT = 46, UNDERSCORE = 95;
const LEADS_HEADER = enc('lead_id,first_name,last_name,email,job_title,department,employees,industry,country,created_at\n');
const ACTIVITIES_HEADER = enc('lead_id,activity_type,occurred_at,detail,channel\n');
const LN_50000 = Math.log(50000);

let LEAD_DAY, ACT_DAY; // lazily built day prefixes
function leadsChunk(cfg, chunk) {
  LEAD_DAY ??= dayPrefixes(LEAD_DAYS);
  const rand = makeRng(hashSeed(cfg.seed, 'leads', chunk));
  const start = chunk * CHUNK_ROWS, end = Math.min(cfg.leads, start + CHUNK_ROWS);
  const o = new Out((end - start) * 180 + 4096);
  if (chunk === 0) o.bytes(LEADS_HEADER);
  const nf = FIRST.length, nl = LAST.length, na = COMPANY_A.length, nb = COMPANY_B.length;
  for (let i = start; i < end; i++) {
    o.room(1024);
    // A few re-imported rows reuse an earlier lead's id (duplicate_id), the rest are 1..N.
    o.int(i > 0 && rand() < cfg.dupRate ? 1 + ((rand() * i) | 0) : i + 1);
    o.ch(COMMA);
    const fi = (rand() * nf) | 0, li = (rand() * nl) | 0;
    let r = rand();
    if (r < 0.002) {
      // test / junk names: test,User,test@example.com
      const t = TEST_FIRST(rand);
      o.bytes(TEST_FIRST_CSV[t]); o.ch(COMMA); o.bytes(TEST_LAST(rand)); o.ch(COMMA);
      o.bytes(TEST_FIRST_MAIL[t]); o.bytes(TEST_DOMAIN(rand));
    } else {
      o.bytes(FIRST_CSV[fi]); o.ch(COMMA); o.bytes(LAST_CSV[li]); o.ch(COMMA);
      // e-mail: company domain mostly; free-mail, disposable, broken and empty cells for the rest
      r = rand();
      if (r < 0.012) { /* empty */ } else if (r < 0.016) o.bytes(BAD_EMAIL(rand));
      else {
        const fm = FIRST_MAIL[fi], lm = LAST_MAIL[li], p = rand();
        if (p < 0.6) { o.bytes(fm); o.ch(DOT); o.bytes(lm); }
        else if (p < 0.75) { o.ch(fm[0]); o.bytes(lm); }
        else if (p < 0.82) o.bytes(fm);
        else if (p < 0.9) { o.bytes(fm); o.ch(UNDERSCORE); o.bytes(lm); o.int((rand() * 100) | 0); }
        else { o.bytes(fm); o.bytes(lm); }
        o.ch(AT);
        if (r < 0.021) o.bytes(DISPOSABLE(rand));
        else if (r < 0.30) o.bytes(FREE_DOMAIN(rand));
        else { o.bytes(COMPANY_A[(rand() * na) | 0]); o.bytes(COMPANY_B[(rand() * nb) | 0]); o.bytes(TLD(rand)); }
      }
    }
    o.ch(COMMA); o.bytes(JOB_TITLE(rand)); o.ch(COMMA); o.bytes(DEPARTMENT(rand)); o.ch(COMMA);
    // company size: skewed to small (log-uniform-ish over 1..50000), some blank or non-numeric
    r = rand();
    if (r < 0.05) { /* empty */ } else if (r < 0.065) o.bytes(EMPLOYEE_TEXT(rand));
    else o.int(Math.max(1, Math.round(Math.exp(Math.pow(rand(), 1.15) * LN_50000))));
    o.ch(COMMA); o.bytes(INDUSTRY(rand)); o.ch(COMMA); o.bytes(COUNTRY(rand)); o.ch(COMMA);
    const age = Math.pow(rand(), 1.5) * LEAD_DAYS; // more recent leads than old ones
    o.time(LEAD_DAY[Math.min(LEAD_DAYS - 1, age | 0)], pickHour(rand), rand);
    o.ch(NL);
  }
  return o.result();
}

function activitiesChunk(cfg, chunk, alias) {
  ACT_DAY ??= dayPrefixes(ACTIVITY_DAYS);
  const rand = makeRng(hashSeed(cfg.seed, 'activities', chunk));
  const start = chunk * CHUNK_ROWS, end = Math.min(cfg.activities, start + CHUNK_ROWS);
  const { prob, alias: al } = alias;
  const n = cfg.leads, orphanSpan = Math.max(1000, Math.floor(n / 10));
  const o = new Out((end - start) * 64 + 4096);
  if (chunk === 0) o.bytes(ACTIVITIES_HEADER);
  for (let i = start; i < end; i++) {
    o.room(256);
    if (rand() < cfg.orphanRate) o.int(n + 1 + ((rand() * orphanSpan) | 0)); // deleted / unknown lead
    else {
      const k = (rand() * n) | 0;
      o.int((rand() < prob[k] ? k : al[k]) + 1);
    }
    const t = TYPE_IDX(rand);
    o.bytes(TYPE_PREFIX[t]);
    // age in days ~ 400·u²: strong recency skew (≈13 % in the last 7 days, ≈4.5 % older than 365 days)
    const u = rand();
    o.time(ACT_DAY[Math.min(ACTIVITY_DAYS - 1, (u * u * ACTIVITY_DAYS) | 0)], pickHour(rand), rand);
    o.ch(COMMA);
    o.bytes(TYPE_DETAIL[t](rand));
    o.bytes(TYPE_CHANNEL[t]);
  }
  return o.result();
}

// ---------------------------------------------------------------- worker side
if (!isMainThread && workerData?.role === 'leadscore-bench-gen') {
  const { cfg } = workerData;
  let alias = null;
  parentPort.on('message', (msg) => {
    if (msg.kind === 'activities' && !alias) alias = { prob: new Float64Array(msg.prob), alias: new Int32Array(msg.alias) };
    const buf = msg.kind === 'leads' ? leadsChunk(cfg, msg.chunk) : activitiesChunk(cfg, msg.chunk, alias);
    parentPort.postMessage({ kind: msg.kind, chunk: msg.chunk, buf }, [buf.buffer]);
  });
}

// ---------------------------------------------------------------- main side
function openOut(path) {
  const ws = createWriteStream(path, { highWaterMark: 8 << 20 });
  const opened = new Promise((res, rej) => { ws.once('open', res); ws.once('error', rej); });
  return {
    bytes: 0,
    async write(buf) {
      this.bytes += buf.length;
      if (!ws.write(buf)) await once(ws, 'drain'); // rejects if the stream errors
    },
    async close() {
      await opened;
      await new Promise((res, rej) => ws.end((err) => (err ? rej(err) : res())));
    },
  };
}

export async function generate({ leads, activities, out, seed = 1, orphanRate = 0.005, dupRate = 0.001, threads, log = () => {} }) {
  if (!Number.isInteger(leads) || leads < 1) throw new Error('--leads must be a positive integer');
  if (!Number.isInteger(activities) || activities < 0) throw new Error('--activities must be a non-negative integer');
  const cfg = { leads, activities, seed: String(seed), orphanRate, dupRate };
  const t0 = performance.now();
  mkdirSync(out, { recursive: true });
  rmSync(join(out, 'meta.json'), { force: true });
  const nThreads = Math.max(1, threads ?? Math.min(4, availableParallelism()));

  // Shared alias table for the activity lead ids (SharedArrayBuffer: built once, read by all workers).
  const tA = performance.now();
  const built = buildAlias(leads, cfg.seed);
  const probSab = new SharedArrayBuffer(built.prob.byteLength), aliasSab = new SharedArrayBuffer(built.alias.byteLength);
  new Float64Array(probSab).set(built.prob);
  new Int32Array(aliasSab).set(built.alias);
  const aliasMs = performance.now() - tA;

  const jobs = [];
  for (let c = 0; c * CHUNK_ROWS < leads; c++) jobs.push({ kind: 'leads', chunk: c });
  for (let c = 0; c * CHUNK_ROWS < Math.max(activities, 1); c++) jobs.push({ kind: 'activities', chunk: c });
  const files = {
    leads: openOut(join(out, 'leads.csv.tmp')),
    activities: openOut(join(out, 'activities.csv.tmp')),
  };
  // Results come back out of order; each file is written strictly in chunk order.
  const pending = { leads: new Map(), activities: new Map() };
  const nextChunk = { leads: 0, activities: 0 };
  let writing = Promise.resolve();
  const flush = (kind) => {
    writing = writing.then(async () => {
      while (pending[kind].has(nextChunk[kind])) {
        const buf = pending[kind].get(nextChunk[kind]);
        pending[kind].delete(nextChunk[kind]);
        nextChunk[kind]++;
        await files[kind].write(buf);
      }
    });
    return writing;
  };

  const workerUrl = fileURLToPath(import.meta.url);
  const workers = Array.from({ length: nThreads }, () => new Worker(workerUrl, { workerData: { role: 'leadscore-bench-gen', cfg } }));
  const MAX_IN_FLIGHT = nThreads * 3; // bounds memory: at most this many chunks (~10 MB each) waiting
  let nextJob = 0, done = 0, inFlight = 0;
  await new Promise((resolveAll, rejectAll) => {
    const feed = (w) => {
      if (nextJob >= jobs.length) return;
      const job = jobs[nextJob++];
      inFlight++;
      w.postMessage(job.kind === 'activities' ? { ...job, prob: probSab, alias: aliasSab } : job);
    };
    for (const w of workers) {
      w.on('error', rejectAll);
      w.on('message', async (msg) => {
        inFlight--;
        pending[msg.kind].set(msg.chunk, Buffer.from(msg.buf.buffer, msg.buf.byteOffset, msg.buf.byteLength));
        const buffered = pending.leads.size + pending.activities.size;
        const p = flush(msg.kind);
        if (buffered > MAX_IN_FLIGHT) await p; // backpressure: the disk is the bottleneck, stop producing
        done++;
        if (done === jobs.length) p.then(resolveAll, rejectAll);
        else feed(w);
      });
      feed(w);
      feed(w);
    }
  });
  await Promise.all(workers.map((w) => w.terminate()));
  await files.leads.close();
  await files.activities.close();
  renameSync(join(out, 'leads.csv.tmp'), join(out, 'leads.csv'));
  renameSync(join(out, 'activities.csv.tmp'), join(out, 'activities.csv'));
  const seconds = (performance.now() - t0) / 1000;
  const meta = {
    generator_version: GENERATOR_VERSION,
    seed: cfg.seed,
    leads,
    activities,
    orphan_rate: orphanRate,
    dup_rate: dupRate,
    as_of: new Date(AS_OF_MS).toISOString(),
    bytes: { leads: statSync(join(out, 'leads.csv')).size, activities: statSync(join(out, 'activities.csv')).size },
    generated_in_s: Math.round(seconds * 100) / 100,
    threads: nThreads,
    alias_build_ms: Math.round(aliasMs),
  };
  writeFileSync(join(out, 'meta.json'), JSON.stringify(meta, null, 2) + '\n'); // written last: marks a complete data set
  log(`generated ${leads} leads (${(meta.bytes.leads / 1e6).toFixed(1)} MB), ${activities} activities (${(meta.bytes.activities / 1e6).toFixed(1)} MB) in ${seconds.toFixed(2)} s with ${nThreads} thread(s) -> ${out}`);
  return meta;
}

function parseCount(s, name) {
  // 100000, 100k, 1m, 1e6, 10_000_000
  if (s === undefined) return undefined;
  const m = /^([0-9.e_]+)([km]?)$/i.exec(String(s).trim());
  const n = m ? Number(m[1].replace(/_/g, '')) * (m[2].toLowerCase() === 'k' ? 1e3 : m[2].toLowerCase() === 'm' ? 1e6 : 1) : NaN;
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name}: not a count: ${s}`);
  return n;
}
export { parseCount, leadsChunk, activitiesChunk, buildAlias };

if (isMainThread && process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const usage = 'usage: node bench/generate.mjs --leads N --activities M --out DIR [--seed S] [--orphan-rate 0.005] [--dup-rate 0.001] [--threads T] [--quiet]';
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        leads: { type: 'string' }, activities: { type: 'string' }, out: { type: 'string' }, seed: { type: 'string', default: '1' },
        'orphan-rate': { type: 'string', default: '0.005' }, 'dup-rate': { type: 'string', default: '0.001' },
        threads: { type: 'string' }, quiet: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (e) {
    console.error(`${e.message}\n${usage}`);
    process.exit(2);
  }
  if (values.help) { console.log(usage); process.exit(0); }
  try {
    if (!values.leads || values.activities === undefined || !values.out) throw new Error('--leads, --activities and --out are required');
    await generate({
      leads: parseCount(values.leads, '--leads'),
      activities: parseCount(values.activities, '--activities'),
      out: values.out,
      seed: values.seed,
      orphanRate: Number(values['orphan-rate']),
      dupRate: Number(values['dup-rate']),
      threads: values.threads ? parseCount(values.threads, '--threads') : undefined,
      log: values.quiet ? () => {} : (m) => console.error(m),
    });
  } catch (e) {
    console.error(`generate: ${e.message}\n${usage}`);
    process.exit(2);
  }
}
