#!/usr/bin/env node
// Generates the sample lead and activity CSVs in samples/ (see samples/README.md).
//
//   node samples/generate.mjs
//
// Plain Node ESM, no dependencies, deterministic: every random choice comes from one seeded PRNG
// (mulberry32), so a re-run writes byte-identical files. The data is synthetic (invented names,
// companies and domains) and deliberately messy the way real CRM / analytics exports are; the messes
// are listed in samples/README.md. Everything is relative to AS_OF (2026-11-01T00:00:00Z), the as-of
// to score the samples with.

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const AS_OF = Date.UTC(2026, 10, 1); // 2026-11-01T00:00:00Z
const DAY = 86_400_000;
const SEED = 20261101;

// ---------------------------------------------------------------------------------------------------
// Seeded randomness

function mulberry32(seed) {
  let a = seed >>> 0;
  return function next() {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let rand = mulberry32(SEED);
/** Restart the PRNG for one data set, so that changing one data set leaves the others unchanged. */
function reseed(offset) {
  rand = mulberry32(SEED + offset);
}
const chance = (p) => rand() < p;
const int = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));
const pick = (arr) => arr[Math.floor(rand() * arr.length)];
/** pairs: [[value, weight], ...] */
function weighted(pairs) {
  let total = 0;
  for (const [, w] of pairs) total += w;
  let r = rand() * total;
  for (const [v, w] of pairs) {
    r -= w;
    if (r < 0) return v;
  }
  return pairs[pairs.length - 1][0];
}
function shuffle(arr) {
  for (let i = arr.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [arr[i], arr[j]] = [arr[j], arr[i]];
  }
  return arr;
}
const base36 = (n) => Array.from({ length: n }, () => '0123456789abcdefghijklmnopqrstuvwxyz'[int(0, 35)]).join('');
const base62 = (n) =>
  Array.from({ length: n }, () => 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'[int(0, 61)]).join('');

// ---------------------------------------------------------------------------------------------------
// Time

/** A time `ageDays` before AS_OF, nudged to a plausible hour of the day (UTC, business-hours skew). */
function timeAt(ageDays) {
  const day = Math.floor(ageDays);
  const hour = weighted([[7, 2], [8, 5], [9, 8], [10, 9], [11, 8], [12, 6], [13, 8], [14, 9], [15, 8], [16, 6], [17, 4], [19, 2], [21, 2], [23, 1], [2, 1]]);
  const ms = AS_OF - (day + 1) * DAY + hour * 3_600_000 + int(0, 3_599_999);
  // Keep the result at or before AS_OF unless the caller asks for a future time explicitly.
  return Math.min(ms, AS_OF - int(60_000, 3_600_000));
}
/** Exactly `ageDays` (fractional) before AS_OF: product analytics events happen around the clock. */
const exactAt = (ageDays) => Math.round(AS_OF - ageDays * DAY);
const iso = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z'); // 2026-10-12T08:14:03Z
const isoMs = (ms) => new Date(ms).toISOString(); // 2026-10-12T08:14:03.120Z
const isoOffset = (ms) => new Date(ms).toISOString().replace('Z', '+00:00'); // 2026-10-12T08:14:03.120+00:00
const isoDate = (ms) => new Date(ms).toISOString().slice(0, 10); // 2026-10-12
/** Ages spread back from `last` over `span` days, denser near the recent end (recency skew). */
function agesFrom(last, span, n, maxAge = 400) {
  const out = [last];
  for (let i = 1; i < n; i++) out.push(Math.min(maxAge - 0.01, last + span * Math.pow(rand(), 1.7)));
  return out;
}

// ---------------------------------------------------------------------------------------------------
// CSV

function csvCell(v) {
  const s = v === undefined || v === null ? '' : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
function writeCsv(rel, header, rows) {
  const file = join(HERE, rel);
  mkdirSync(dirname(file), { recursive: true });
  const lines = [header.join(',')];
  for (const r of rows) lines.push(header.map((h) => csvCell(r[h])).join(','));
  writeFileSync(file, lines.join('\n') + '\n', 'utf8');
  console.log(`wrote samples/${rel} (${rows.length} rows)`);
}

// ---------------------------------------------------------------------------------------------------
// Shared vocabulary (all invented)

const FIRST = ['James', 'Maria', 'Wei', 'Aisha', 'Lukas', 'Sofia', 'Daniel', 'Priya', 'Mehmet', 'Elif', 'Olivia',
  'Noah', 'Emma', 'Liam', 'Ana', 'Jonas', 'Chloé', 'Mateo', 'Yuki', 'Hannah', 'Omar', 'Fatima', 'Lars', 'Ingrid',
  'Carlos', 'Lucía', 'Ahmed', 'Zeynep', 'David', 'Sarah', 'Michael', 'Laura', 'Thomas', 'Julia', 'Pieter',
  'Anouk', 'Raj', 'Ananya', 'Kenji', 'Mei', 'Tomasz', 'Katarzyna', 'Ioana', 'Andrei', 'Grace', 'Samuel', 'Chen',
  'Nadia', 'Patrick', 'Siobhan', 'Björn', 'Astrid', 'Diego', 'Valentina', 'Kwame', 'Amara', 'Emily', 'Jack',
  'Léa', 'Hugo', 'Can', 'Ayşe', 'Min-jun', 'Ji-woo', 'Rachel', 'Ben', 'Nina', 'Felix', 'Clara', 'Marco'];
const LAST = ['Smith', 'García', 'Wang', 'Khan', 'Müller', 'Rossi', 'Cohen', 'Patel', 'Yılmaz', 'Demir', 'Johnson',
  'Brown', 'Martin', 'Silva', 'Schmidt', 'Dubois', 'Fernández', 'Tanaka', 'Weber', 'Hassan', 'Ali', 'Larsen',
  'Berg', 'López', 'Kaya', 'Levi', 'Taylor', 'Wilson', 'Becker', 'de Vries', 'Jansen', 'Sharma', 'Iyer',
  'Suzuki', 'Li', 'Nowak', 'Kowalska', 'Popescu', 'Ionescu', 'Okafor', "O'Brien", 'Murphy', 'Andersson',
  'Nilsson', 'Gómez', 'Mensah', 'Adeyemi', 'Clarke', 'Moreau', 'Lambert', 'Öztürk', 'Kim', 'Park', 'Fischer',
  'Wagner', 'Bianchi', 'Costa', 'Novak', 'Horvat', 'Evans'];
const CO_A = ['Blue', 'North', 'Silver', 'Bright', 'Iron', 'Clear', 'Stone', 'Pine', 'River', 'Summit', 'Harbor',
  'Cedar', 'Atlas', 'Nova', 'Vertex', 'Orbit', 'Maple', 'Lumen', 'Granite', 'Copper', 'Falcon', 'Polar'];
const CO_B = ['field', 'line', 'works', 'point', 'stack', 'gate', 'path', 'ridge', 'wave', 'soft', 'labs', 'logic',
  'forge', 'bridge', 'craft', 'grid'];
const CO_SUFFIX = ['', '', '', ' Inc.', ' GmbH', ' Ltd', ' Group', ' Systems', ' Health', ' Capital', ' Retail', ' A.Ş.'];
const TLD = ['.com', '.com', '.com', '.io', '.de', '.co.uk', '.com.tr', '.fr', '.nl'];
const FREE = [['gmail.com', 6], ['yahoo.com', 3], ['hotmail.com', 2], ['outlook.com', 2]];
const DISPOSABLE = ['mailinator.com', 'guerrillamail.com', 'yopmail.com', 'sharklasers.com', 'eu.mailinator.com',
  'maildrop.cc', 'dispostable.com'];
const INDUSTRIES = ['Software', 'Financial Services', 'Healthcare', 'Manufacturing', 'Retail', 'Education',
  'Public Sector', 'Technology', 'Logistics', 'Media', 'Non-profit'];
const COUNTRIES = [['US', 10], ['United States', 3], ['usa', 1], ['GB', 4], ['United Kingdom', 1], ['DE', 4],
  ['Germany', 1], ['FR', 2], ['NL', 2], ['TR', 2], ['Türkiye', 1], ['CA', 2], ['AU', 1], ['IN', 2], ['ES', 1], ['SE', 1]];

const ascii = (s) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/ı/g, 'i').replace(/ş/g, 's')
  .replace(/ö/g, 'o').replace(/ü/g, 'u').replace(/ç/g, 'c').replace(/ğ/g, 'g').replace(/[^A-Za-z0-9-]/g, '').toLowerCase();

function makeCompanies(n) {
  const seen = new Set();
  const out = [];
  while (out.length < n) {
    const core = pick(CO_A) + pick(CO_B);
    if (seen.has(core)) continue;
    seen.add(core);
    const employees = weighted([[int(2, 49), 30], [int(50, 99), 15], [int(100, 499), 25], [int(500, 999), 12],
      [int(1000, 4999), 12], [int(5000, 40000), 6]]);
    out.push({
      name: core + pick(CO_SUFFIX),
      domain: core.toLowerCase() + pick(TLD),
      employees,
      industry: pick(INDUSTRIES),
      country: weighted(COUNTRIES),
    });
  }
  return out;
}

function person() {
  return { first: pick(FIRST), last: pick(LAST) };
}
function workEmail(p, domain) {
  const f = ascii(p.first), l = ascii(p.last);
  return weighted([[`${f}.${l}@${domain}`, 6], [`${f[0]}${l}@${domain}`, 3], [`${f}@${domain}`, 1], [`${f}_${l}@${domain}`, 1]]);
}
function freeEmail(p, domain) {
  return `${ascii(p.first)}${pick(['.', '', '_'])}${ascii(p.last)}${pick(['', '', String(int(1, 99)), String(int(1970, 2001))])}@${domain}`;
}
/** Real exports: some addresses in mixed case, some with stray spaces around them. */
function messEmail(e) {
  if (chance(0.06)) e = e.replace(/^./, (c) => c.toUpperCase()).replace(/@(.*)$/, (m) => m.toUpperCase());
  if (chance(0.04)) e = ` ${e}`;
  if (chance(0.03)) e = `${e} `;
  return e;
}

// ===================================================================================================
// 1. b2b-saas (models/b2b-saas.yaml): samples/leads.csv, samples/activities.csv

function b2bSaas() {
  reseed(1);
  const N = 400;
  const companies = makeCompanies(170);

  // Job titles per department, with a seniority tag used to bias engagement (senior buyers engage more).
  const TITLES = {
    IT: [['CTO', 2], ['Chief Information Officer', 1], ['IT Director', 3], ['Director of IT Operations', 1],
      ['IT Manager', 5], ['Systems Administrator', 5], ['Sysadmin', 1], ['Network Engineer', 3],
      ['Head of IT', 2], ['IT Support Specialist', 3], ['Director, IT Infrastructure', 1]],
    Finance: [['CFO', 2], ['Finance Director', 2], ['Finance Manager', 4], ['Controller', 3], ['Accountant', 5],
      ['FP&A Analyst', 3], ['VP Finance', 1], ['Accounts Payable Clerk', 2]],
    Marketing: [['CMO', 1], ['Chief Marketing Officer', 1], ['VP, Marketing', 1], ['Marketing Director', 2],
      ['Marketing Manager', 5], ['Marketing Specialist', 4], ['Content Writer', 2], ['Growth Marketer', 2],
      ['Demand Generation Manager', 2]],
    Engineering: [['VP Engineering', 1], ['Engineering Manager', 3], ['Senior Software Engineer', 6],
      ['Software Engineer', 6], ['Data Engineer', 3], ['Head of Data, EMEA', 1], ['DevOps Engineer', 3]],
    Sales: [['Sales Director', 2], ['Account Executive', 5], ['Sales Manager', 3], ['SDR', 3]],
    Operations: [['COO', 1], ['Operations Manager', 4], ['Office Manager', 3], ['Operations Analyst', 3]],
    Executive: [['CEO', 3], ['Founder & CEO', 2], ['Co-founder / CTO', 1], ['Managing Director', 2], ['Owner', 2]],
    HR: [['HR Manager', 3], ['Recruiter', 3], ['People Operations', 2]],
  };
  const DEPT = [['IT', 22], ['Finance', 12], ['Marketing', 16], ['Engineering', 14], ['Sales', 9],
    ['Operations', 8], ['Executive', 8], ['HR', 4], [null, 7]];
  // How the department cell is written in the export (mixed case, stray spaces, placeholders).
  const deptCell = (d) => {
    if (d === null) return weighted([['', 4], ['Select', 3], ['N/A', 2]]);
    if (d === 'Executive' || d === 'Engineering' || d === 'Operations' || d === 'HR' || d === 'Sales') {
      return weighted([[d, 8], [d.toLowerCase(), 1], ['', 1]]);
    }
    return weighted([[d, 12], [d.toLowerCase(), 2], [d.toUpperCase(), 1], [` ${d} `, 2], [`${d} `, 1]]);
  };
  const senior = (t) => /\b(ceo|cto|cfo|coo|cmo|chief|vp|director|head|founder|owner)\b/i.test(t);
  const managerish = (t) => /\b(manager|director)\b/i.test(t);

  // Engagement personas: how much, how recent, how buying-intent heavy.
  const PERSONA = [['hot', 4], ['warm', 15], ['engaged', 25], ['light', 33], ['dormant', 23]];

  const leads = [];
  const acts = [];
  for (let i = 1; i <= N; i++) {
    const id = `L${String(i).padStart(5, '0')}`;
    const co = pick(companies);
    const p = person();
    const dept = weighted(DEPT);
    const title = weighted(TITLES[dept ?? pick(['IT', 'Marketing', 'Operations'])]);
    let persona = weighted(PERSONA);
    // Better-fit buyers engage more: bias seniors and IT/Finance up one step, sometimes.
    if ((senior(title) || managerish(title)) && (dept === 'IT' || dept === 'Finance' || dept === 'Executive') && chance(0.35)) {
      persona = { hot: 'hot', warm: 'hot', engaged: 'warm', light: 'engaged', dormant: 'light' }[persona];
    }

    const emailKind = weighted([['work', 88], ['free', 9], ['none', 3]]);
    const email = emailKind === 'work' ? workEmail(p, co.domain)
      : emailKind === 'free' ? freeEmail(p, weighted(FREE)) : weighted([['', 2], ['N/A', 1]]);

    let employees = String(co.employees);
    if (co.employees >= 1000 && chance(0.35)) employees = co.employees.toLocaleString('en-US'); // "1,200"
    if (chance(0.06)) employees = weighted([['', 3], ['N/A', 2], ['Select', 1]]);

    let jobTitle = title;
    if (chance(0.05)) jobTitle = jobTitle.toLowerCase();
    if (chance(0.04)) jobTitle = ` ${jobTitle}`;
    if (chance(0.03)) jobTitle = weighted([['', 2], ['N/A', 1], ['Select', 1]]);

    // Activities for this lead.
    const shape = {
      hot: { n: [25, 50], last: [0, 6], span: [40, 200] },
      warm: { n: [14, 30], last: [0, 25], span: [40, 250] },
      engaged: { n: [7, 18], last: [3, 80], span: [60, 300] },
      light: { n: [1, 7], last: [20, 300], span: [10, 200] },
      dormant: { n: [0, 2], last: [120, 395], span: [0, 10] },
    }[persona];
    const n = int(...shape.n);
    const ages = n ? agesFrom(int(shape.last[0] * 10, shape.last[1] * 10) / 10, int(...shape.span), n) : [];
    for (const age of ages) acts.push({ lead_id: id, ...b2bActivity(persona), occurred_at: timeAt(age) });
    if (persona === 'hot') {
      // A demo or trial request and a look at pricing, recently: the classic hand-raiser.
      acts.push({ lead_id: id, activity_type: pick(['demo_request', 'demo_request', 'trial_signup']), detail: '/demo', channel: 'web', occurred_at: timeAt(rand() * 12) });
      for (let k = int(1, 3); k > 0; k--) acts.push({ lead_id: id, activity_type: 'page_view', detail: pick(['/pricing', '/pricing', '/pricing/enterprise']), channel: 'web', occurred_at: timeAt(rand() * 20) });
      if (chance(0.6)) acts.push({ lead_id: id, activity_type: 'webinar_attended', detail: pick(WEBINARS), channel: 'event', occurred_at: timeAt(rand() * 40) });
    }
    if (persona === 'warm' && chance(0.35)) {
      acts.push({ lead_id: id, activity_type: 'page_view', detail: '/pricing', channel: 'web', occurred_at: timeAt(rand() * 30) });
    }

    const firstAge = ages.length ? Math.max(...ages) : int(5, 395);
    const created = AS_OF - Math.min(399, firstAge + rand() * 30) * DAY;
    leads.push({
      lead_id: id,
      first_name: chance(0.03) ? p.first.toUpperCase() : p.first,
      last_name: chance(0.02) ? '' : p.last,
      email: emailKind === 'none' ? email : messEmail(email),
      job_title: jobTitle,
      department: deptCell(dept),
      employees,
      industry: chance(0.05) ? weighted([['', 2], ['Select', 2], ['N/A', 1]]) : chance(0.06) ? co.industry.toLowerCase() : co.industry,
      country: co.country,
      created_at: chance(0.7) ? iso(created) : isoDate(created),
      _persona: persona,
    });
  }

  // --- Deliberate messes (each documented in samples/README.md) ---
  // Disposable-domain emails (one on a subdomain of a listed domain: the parent domain matches).
  const disposable = [['L00023', 'mailinator.com'], ['L00088', 'guerrillamail.com'], ['L00154', 'yopmail.com'],
    ['L00260', 'eu.mailinator.com'], ['L00331', 'sharklasers.com']];
  for (const [id, dom] of disposable) {
    const l = leads.find((x) => x.lead_id === id);
    l.email = `${ascii(l.first_name)}${int(10, 999)}@${dom}`;
  }
  // Syntactically bad emails: no @, two @, a space inside.
  const badEmail = { L00042: (l) => `${ascii(l.first_name)}.${ascii(l.last_name || 'x')}.initech.com`,
    L00177: (l) => `${ascii(l.first_name)}@@hooli.io`, L00305: (l) => `${ascii(l.first_name)} ${ascii(l.last_name || 'x')}@globex.com` };
  for (const [id, f] of Object.entries(badEmail)) {
    const l = leads.find((x) => x.lead_id === id);
    l.email = f(l);
  }
  // Test-name leads (someone testing the web form), with a couple of form submits so they would score.
  Object.assign(leads[110], { first_name: 'test', last_name: 'test', email: 'test@test.com', job_title: 'test', department: 'Select', industry: 'Select' });
  Object.assign(leads[287], { first_name: 'Asdf ', last_name: 'asdf', email: 'asdf@qwerty.com', job_title: '', department: 'IT' });
  for (const l of [leads[110], leads[287]]) {
    acts.push({ lead_id: l.lead_id, activity_type: 'form_submit', detail: 'contact-us', channel: 'web', occurred_at: timeAt(rand() * 20) });
    acts.push({ lead_id: l.lead_id, activity_type: 'demo_request', detail: '/demo', channel: 'web', occurred_at: timeAt(rand() * 20) });
  }
  // Duplicate lead ids: the same person imported twice (the later copy has an updated title).
  const dup1 = { ...leads[36], job_title: 'Senior IT Manager', created_at: iso(AS_OF - 20 * DAY) };
  const dup2 = { ...leads[200], email: messEmail(leads[200].email.trim().toUpperCase()), department: 'Finance' };
  leads.splice(251, 0, dup1);
  leads.push(dup2);

  // Activities: orphans (lead ids not in leads.csv: deleted or merged leads), rows the reader must
  // reject (empty timestamp or lead id), types in the wrong case, rows after as-of and one exactly at it.
  for (const [oid, k] of [['L00417', 3], ['L00433', 2], ['L01002', 2]]) {
    for (let j = 0; j < k; j++) acts.push({ lead_id: oid, ...b2bActivity('engaged'), occurred_at: timeAt(rand() * 90) });
  }
  acts.sort((a, b) => a.occurred_at - b.occurred_at || (a.lead_id < b.lead_id ? -1 : 1));
  const rows = acts.map((a) => ({ ...a, detail: datedCampaign(a.detail, a.occurred_at), occurred_at: chance(0.1) ? isoMs(a.occurred_at) : iso(a.occurred_at) }));
  // Wrong-case / padded type names in a few rows (types compare like `equals`: these still match).
  for (const r of rows.filter((x) => x.activity_type === 'email_open').slice(100, 104)) r.activity_type = 'Email_Open';
  for (const r of rows.filter((x) => x.activity_type === 'page_view').slice(50, 52)) r.activity_type = 'PAGE_VIEW ';
  // One activity exactly at as-of (age 0: counts) and a few on the morning of 2026-11-01 (after as-of: ignored).
  const hot = leads.filter((l) => l._persona === 'hot').map((l) => l.lead_id);
  rows.push({ lead_id: hot[0], activity_type: 'page_view', detail: '/pricing', channel: 'web', occurred_at: '2026-11-01T00:00:00Z' });
  for (let j = 0; j < 6; j++) {
    rows.push({ lead_id: pick(hot), ...b2bActivity('hot'), occurred_at: iso(AS_OF + int(6, 11) * 3_600_000 + int(0, 3_599_000)) });
  }
  // Broken rows, at random places in the file.
  const broken = [
    { lead_id: 'L00057', activity_type: 'email_open', occurred_at: '', detail: 'newsletter-2026-09', channel: 'email' },
    { lead_id: 'L00219', activity_type: 'page_view', occurred_at: '', detail: '/blog/lead-scoring-101', channel: 'web' },
    { lead_id: '', activity_type: 'form_submit', occurred_at: '2026-09-14T10:22:05Z', detail: 'ebook-download', channel: 'web' },
  ];
  for (const b of broken) rows.splice(int(100, rows.length - 100), 0, b);

  writeCsv('leads.csv', ['lead_id', 'first_name', 'last_name', 'email', 'job_title', 'department', 'employees',
    'industry', 'country', 'created_at'], leads);
  writeCsv('activities.csv', ['lead_id', 'activity_type', 'occurred_at', 'detail', 'channel'], rows);
}

const WEBINARS = ['Webinar: Scoring leads that sales trusts', 'Webinar: Q3 product update', 'Live demo: automation 101',
  'Roundtable: RevOps in 2026', 'Webinar: Forecasting with pipeline data'];
const BLOG = ['/blog/lead-scoring-101', '/blog/mql-vs-sql', '/blog/revops-metrics', '/blog/crm-hygiene',
  '/blog/customer-story-northpoint', '/blog/release-notes-2026-09', '/blog/attribution-models'];
const DOCS = ['/docs/getting-started', '/docs/api/authentication', '/docs/integrations/salesforce', '/docs/api/webhooks',
  '/docs/admin/sso', '/docs/import-csv'];

const MON = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
/** 'newsletter-{month}' sent on 2026-09-14 -> 'newsletter-2026-09' (likewise {quarter} -> q3-2026, {mon} -> sep). */
function datedCampaign(detail, ms) {
  if (!detail || !detail.includes('{')) return detail;
  const d = new Date(ms);
  const y = d.getUTCFullYear(), m = d.getUTCMonth();
  return detail.replace('{month}', `${y}-${String(m + 1).padStart(2, '0')}`)
    .replace('{quarter}', `q${Math.floor(m / 3) + 1}-${y}`).replace('{mon}', MON[m]);
}

function b2bActivity(persona) {
  const buying = persona === 'hot' ? 3 : persona === 'warm' ? 1.6 : persona === 'engaged' ? 0.7 : 0.25;
  const type = weighted([['email_open', 36], ['email_click', 10], ['page_view', 30], ['form_submit', 4 * buying],
    ['webinar_attended', 2 * buying], ['chat_started', 2.5], ['demo_request', 0.25 * buying * buying],
    ['trial_signup', 0.2 * buying * buying], ['unsubscribe', persona === 'light' || persona === 'dormant' ? 2 : 0.3]]);
  // Campaign names carry a {date} placeholder, filled in from the activity's own date (see datedCampaign).
  const campaign = () => pick(['nurture-{quarter} #2', 'newsletter-{month}', 'newsletter-{month}', 'webinar-invite-{mon}',
    'product-update-{mon}', 'nurture-{quarter} #1', 'event-follow-up']);
  switch (type) {
    case 'email_open': return { activity_type: type, detail: campaign(), channel: 'email' };
    case 'email_click': return { activity_type: type, detail: campaign(), channel: 'email' };
    case 'unsubscribe': return { activity_type: type, detail: campaign(), channel: 'email' };
    case 'form_submit': return { activity_type: type, detail: pick(['contact-us', 'ebook-download', 'newsletter-signup', 'roi-calculator', 'webinar-registration']), channel: 'web' };
    case 'webinar_attended': return { activity_type: type, detail: pick(WEBINARS), channel: 'event' };
    case 'chat_started': return { activity_type: type, detail: pick(['pricing question', 'support', 'integration question', 'question about pricing, SSO', '']), channel: 'chat' };
    case 'demo_request': return { activity_type: type, detail: '/demo', channel: 'web' };
    case 'trial_signup': return { activity_type: type, detail: '/signup', channel: 'web' };
    default: {
      const detail = weighted([['/pricing', 6 * buying], ['/pricing/enterprise', 1 * buying], [pick(DOCS), 8], [pick(BLOG), 22],
        ['/', 8], [pick(['/features/automation', '/features/reporting', '/features/integrations']), 10], ['/customers', 4], ['/careers', 2]]);
      return { activity_type: 'page_view', detail, channel: weighted([['web', 6], ['paid_search', 1], ['organic', 2], ['paid_social', 1], ['', 1]]) };
    }
  }
}

// ===================================================================================================
// 2. product-led-trial (models/product-led-trial.yaml): samples/product-led-trial/{leads,activities}.csv

function productLedTrial() {
  reseed(2);
  const N = 260;
  const companies = makeCompanies(200);
  const SIZE = (e) => (e <= 10 ? '1-10' : e <= 50 ? '11-50' : e <= 200 ? '51-200' : e <= 1000 ? '201-1000' : e <= 5000 ? '1001-5000' : '5000+');
  const ROLES = [['Engineering', 20], ['Data / Analytics', 18], ['Product', 10], ['Founder / Executive', 8],
    ['Marketing', 8], ['Operations', 7], ['Student', 7], ['Other', 6], [null, 8]];
  const USE = [['Team reporting', 25], ['Customer-facing dashboards', 12], ['Replace spreadsheets', 18],
    ['Just exploring', 18], ['Personal project', 10], ['Learning / course', 7], [null, 10]];
  const PERSONA = [['champion', 5], ['active', 20], ['exploring', 29], ['churned', 28], ['never', 18]];
  const INTEGRATIONS = ['postgres', 'snowflake', 'bigquery', 'salesforce', 'hubspot', 'google_sheets', 'stripe'];
  const PLG_DOCS = ['/docs/getting-started', '/docs/connect-data', '/docs/api/authentication', '/docs/api/queries',
    '/docs/api/embedding', '/docs/sharing', '/docs/sql-editor', '/docs/billing'];

  const leads = [];
  const acts = [];
  for (let i = 0; i < N; i++) {
    const id = `usr_${base36(10)}`;
    const p = person();
    const co = pick(companies);
    const role = weighted(ROLES);
    const useCase = weighted(USE);
    let persona = weighted(PERSONA);
    if (role === 'Student' && persona === 'champion') persona = 'exploring';
    const signupAge = rand() * 150 + 0.5;
    const solo = role === 'Student' || chance(0.25);
    const email = solo && chance(0.7) ? freeEmail(p, weighted([...FREE, ['icloud.com', 1], ['proton.me', 1]])) : workEmail(p, co.domain);
    const size = solo && chance(0.5) ? '1-10' : SIZE(co.employees);

    // Events: between sign-up and as-of; churned trials stop after a few days.
    const lastAge = {
      champion: Math.min(signupAge, rand() * 4), active: Math.min(signupAge, rand() * 12),
      exploring: Math.min(signupAge, rand() * 40), churned: Math.max(0, signupAge - rand() * 10), never: signupAge,
    }[persona];
    const n = { champion: int(45, 90), active: int(20, 45), exploring: int(6, 20), churned: int(3, 12), never: int(0, 2) }[persona];
    const ages = n ? agesFrom(lastAge, Math.max(0, signupAge - lastAge), n, signupAge) : [];
    for (const age of ages) acts.push({ user_id: id, event_time: exactAt(age), ...plgEvent(persona, INTEGRATIONS, PLG_DOCS) });
    if (persona === 'champion') {
      for (let k = int(2, 4); k > 0; k--) acts.push({ user_id: id, event: 'seat_invited', event_time: exactAt(rand() * 20) });
      acts.push({ user_id: id, event: 'integration_connected', feature: pick(INTEGRATIONS), event_time: exactAt(rand() * 25) });
      if (chance(0.7)) acts.push({ user_id: id, event: pick(['billing_page_viewed', 'upgrade_clicked']), path: '/settings/billing', event_time: exactAt(rand() * 10) });
    }
    if (persona === 'churned' && chance(0.25)) acts.push({ user_id: id, event: 'trial_cancelled', event_time: exactAt(Math.max(0, lastAge - 0.01)) });

    leads.push({
      user_id: id,
      email: messEmail(email),
      full_name: `${p.first} ${p.last}`,
      job_role: role === null ? weighted([['(none)', 3], ['null', 1], ['', 1]]) : chance(0.08) ? role.toLowerCase() : role,
      company_name: solo && chance(0.6) ? weighted([['null', 2], ['', 1], ['-', 1], ['Freelance', 1]]) : co.name,
      company_size: chance(0.06) ? '(none)' : size,
      use_case: useCase === null ? weighted([['(none)', 2], ['null', 1]]) : useCase,
      country: co.country,
      signup_source: weighted([['organic', 8], ['google_ads', 5], ['invite', 4], ['product_hunt', 1], ['referral', 2], ['null', 1]]),
      plan: persona === 'champion' && chance(0.3) ? 'team_trial' : weighted([['free_trial', 8], ['team_trial', 1]]),
      signed_up_at: isoOffset(AS_OF - signupAge * DAY),
    });
  }

  // Deliberate messes.
  const at = (k) => leads[k];
  // Internal staff accounts (rejected by the model), disposable domains, invalid emails, test accounts.
  for (const k of [15, 140, 201]) at(k).email = `${ascii(at(k).full_name.split(' ')[0])}@brightlane.io`;
  for (const [k, dom] of [[33, 'mailinator.com'], [77, 'maildrop.cc'], [160, 'guerrillamail.com'], [222, 'dispostable.com']]) {
    at(k).email = `${base36(8)}@${dom}`;
  }
  at(58).email = `${ascii(at(58).full_name.split(' ')[0])}.gmail.com`;
  at(190).email = `${ascii(at(190).full_name.split(' ')[0])}@@company.com`;
  Object.assign(at(99), { full_name: 'Test User', email: 'qa+trial17@bluefield.io' });
  Object.assign(at(245), { full_name: 'asdf asdf', company_name: 'asdf', use_case: 'Just exploring' });
  // The same user exported twice (first row wins).
  leads.splice(180, 0, { ...at(64), plan: 'team_trial' });

  // Orphan events (users deleted since the export), an event with no time, an event with no name.
  for (let j = 0; j < 4; j++) acts.push({ user_id: `usr_${base36(10)}`, event: 'login', event_time: exactAt(rand() * 30) });
  acts.sort((a, b) => a.event_time - b.event_time || (a.user_id < b.user_id ? -1 : 1));
  const rows = acts.map((a) => ({ ...a, event_time: isoOffset(a.event_time) }));
  rows.splice(int(500, 1500), 0, { user_id: at(12).user_id, event: 'report_created', event_time: '', feature: 'report' });
  rows.splice(int(2000, 3000), 0, { user_id: at(13).user_id, event: '', event_time: isoOffset(AS_OF - 3.2 * DAY) });

  writeCsv('product-led-trial/leads.csv', ['user_id', 'email', 'full_name', 'job_role', 'company_name', 'company_size',
    'use_case', 'country', 'signup_source', 'plan', 'signed_up_at'], leads);
  writeCsv('product-led-trial/activities.csv', ['user_id', 'event', 'event_time', 'feature', 'minutes', 'path'], rows);
}

function plgEvent(persona, INTEGRATIONS, PLG_DOCS) {
  const deep = { champion: 3, active: 2, exploring: 1, churned: 0.7, never: 0.5 }[persona];
  const event = weighted([['login', 22], ['time_in_app', 20], ['report_created', 8 * deep], ['dashboard_shared', 1.5 * deep],
    ['seat_invited', 0.8 * deep], ['integration_connected', 0.8 * deep], ['docs_view', 8], ['billing_page_viewed', 0.3 * deep * deep],
    ['upgrade_clicked', 0.1 * deep * deep], ['plan_limit_hit', 0.3 * deep * deep], ['onboarding_step_completed', 6],
    ['settings_updated', 3], ['password_reset', 1]]);
  switch (event) {
    case 'time_in_app': {
      // Session length in minutes, one decimal; deep users have longer sessions.
      const m = Math.max(0.2, -Math.log(1 - rand()) * 9 * deep);
      return { event, minutes: (Math.round(m * 10) / 10).toFixed(1) };
    }
    case 'report_created': return { event, feature: pick(['report', 'report', 'sql_report', 'chart']) };
    case 'dashboard_shared': return { event, feature: pick(['link', 'email', 'embed']) };
    case 'integration_connected': return { event, feature: pick(INTEGRATIONS) };
    case 'docs_view': return { event, path: pick(PLG_DOCS) };
    case 'billing_page_viewed': return { event, path: '/settings/billing' };
    case 'upgrade_clicked': return { event, path: '/settings/billing', feature: pick(['team', 'business']) };
    case 'plan_limit_hit': return { event, feature: pick(['rows', 'dashboards', 'seats']) };
    case 'onboarding_step_completed': return { event, feature: pick(['connect_data', 'first_query', 'first_chart', 'invite']) };
    default: return { event };
  }
}

// ===================================================================================================
// 3. bant-services (models/bant-services.yaml): samples/bant-services/{leads,activities}.csv

function bantServices() {
  reseed(3);
  const N = 230;
  const companies = makeCompanies(190);
  const TITLES = [['CIO', 3], ['CTO', 3], ['VP Technology', 3], ['Head of Data', 4], ['Director, Cloud Infrastructure', 2],
    ['IT Director', 5], ['Enterprise Architect', 4], ['IT Manager', 6], ['Data Engineering Lead', 3], ['CFO', 2],
    ['Procurement Manager', 3], ['Project Manager', 4], ['Business Analyst', 4], ['Software Engineer', 3],
    ['Student', 1], ['Talent Acquisition Partner', 1], ['Owner', 2], ['COO', 1]];
  const AUTH_BY_TITLE = (t) => (/\b(cio|cto|cfo|coo|owner|vp)\b/i.test(t) ? 'economic_buyer'
    : /\b(director|head)\b/i.test(t) ? 'decision_maker'
      : /\b(architect|manager|lead)\b/i.test(t) ? 'influencer' : /procurement/i.test(t) ? 'gatekeeper' : 'end_user');
  const PERSONA = [['sales_ready', 7], ['qualified', 25], ['partial', 25], ['new', 43]];
  const SDRS = ['a.kaya', 'j.murphy', 'p.sharma', 'm.weber'];
  const SOURCES = [['Website form', 10], ['Webinar', 4], ['Referral', 3], ['Partner', 2], ['Trade show', 2], ['Cold outbound', 3], ['--None--', 1]];

  const leads = [];
  const acts = [];
  for (let i = 0; i < N; i++) {
    const id = `00Q5g${base62(10)}`;
    const p = person();
    const co = pick(companies);
    const title = weighted(TITLES);
    let persona = weighted(PERSONA);
    const createdAge = rand() * 360 + 1;
    const NONE = '--None--';
    let need = NONE, budget = '', authority = NONE, timeline = NONE;
    if (persona !== 'new') {
      const good = persona === 'sales_ready' ? 2 : persona === 'qualified' ? 1 : 0;
      need = weighted([['critical', 1 + 3 * good], ['high', 2 + 2 * good], ['medium', 4], ['low', 3 - good], ['none', 1.5 - 0.5 * good]]);
      authority = chance(0.8) ? AUTH_BY_TITLE(title) : weighted([['influencer', 2], ['end_user', 1], [NONE, 1]]);
      timeline = weighted([['this_quarter', 1 + 3 * good], ['next_quarter', 2 + good], ['this_year', 3], ['next_year', 2], ['no_timeline', 2 - 0.5 * good]]);
      const b = weighted([[int(5, 14) * 1000, 3 - good], [int(15, 49) * 1000, 4], [int(50, 149) * 1000, 2 + 2 * good], [int(150, 600) * 1000, 0.5 + good]]);
      budget = weighted([[String(b), 6], [`${b}.00`, 3], ['TBD', 1]]);
      if (persona === 'partial') {
        // Partly qualified: the SDR asked about some criteria only.
        if (chance(0.5)) budget = weighted([['', 3], ['TBD', 2]]);
        if (chance(0.4)) authority = NONE;
        if (chance(0.5)) timeline = NONE;
        if (chance(0.3)) need = NONE;
      }
    }
    const industry = co.industry === 'Software' || co.industry === 'Logistics' || co.industry === 'Media'
      ? weighted([[co.industry, 2], ['Technology', 1]]) : co.industry;
    const industryCell = chance(0.05) ? NONE : chance(0.07) ? industry.toLowerCase() : chance(0.05) ? `${industry} ` : industry;

    const shape = {
      sales_ready: { n: [6, 14], last: [0, 12] }, qualified: { n: [3, 9], last: [2, 60] },
      partial: { n: [1, 6], last: [5, 150] }, new: { n: [0, 3], last: [1, 250] },
    }[persona];
    const n = int(...shape.n);
    const lastAge = Math.min(createdAge, int(...shape.last) + rand());
    const ages = n ? agesFrom(lastAge, Math.max(0, createdAge - lastAge), n, createdAge) : [];
    for (const age of ages) acts.push({ lead_id: id, owner: pick(SDRS), ...bantActivity(persona), activity_date: AS_OF - age * DAY });
    if (persona === 'sales_ready') {
      acts.push({ lead_id: id, activity: 'meeting', subject: 'Discovery call', outcome: 'held', activity_date: AS_OF - int(5, 40) * DAY, owner: pick(SDRS) });
      acts.push({ lead_id: id, activity: 'proposal_viewed', subject: `Proposal: ${pick(['cloud migration', 'data platform', 'analytics modernisation'])} v${int(1, 3)}`, activity_date: AS_OF - int(0, 10) * DAY, owner: 'docusend' });
    }

    const phone = chance(0.85) ? `+${pick(['1', '44', '49', '90', '31', '33'])} ${int(200, 999)} ${int(100, 999)} ${int(1000, 9999)}` : '';
    let employees = String(co.employees);
    if (co.employees >= 1000 && chance(0.3)) employees = co.employees.toLocaleString('en-US');
    if (chance(0.05)) employees = '';
    leads.push({
      lead_id: id,
      first_name: p.first,
      last_name: p.last,
      email: messEmail(chance(0.06) ? freeEmail(p, weighted(FREE)) : workEmail(p, co.domain)),
      phone,
      company: co.name,
      job_title: chance(0.04) ? title.toLowerCase() : title,
      industry: industryCell,
      employees,
      country: co.country,
      lead_source: weighted(SOURCES),
      need, budget_usd: budget, authority, timeline,
      sdr: persona === 'new' ? '' : pick(SDRS),
      status: { sales_ready: 'Working', qualified: 'Working', partial: 'Contacted', new: 'Open' }[persona],
      created_at: isoDate(AS_OF - createdAge * DAY),
    });
  }

  // Deliberate messes.
  const at = (k) => leads[k];
  at(14).email = `${ascii(at(14).first_name)}.${ascii(at(14).last_name)}@northwind-consulting.com`; // competitor
  at(171).email = `info@bluepeak-partners.com`; // competitor
  at(40).email = `${base36(7)}@yopmail.com`;
  at(129).email = `${base36(7)}@sharklasers.com`;
  at(66).email = `${ascii(at(66).first_name)}@${ascii(at(66).last_name)}`; // no dot in the domain: invalid
  at(203).email = `${ascii(at(203).first_name)}..${ascii(at(203).last_name)}@@${ascii(at(203).company)}.com`;
  Object.assign(at(90), { email: '', phone: '' }); // unreachable
  Object.assign(at(150), { email: '--None--', phone: '' }); // unreachable (placeholder email)
  leads.splice(120, 0, { ...at(25), status: 'Working', sdr: 'j.murphy' }); // duplicate lead id

  for (let j = 0; j < 3; j++) acts.push({ lead_id: `00Q5g${base62(10)}`, owner: pick(SDRS), ...bantActivity('qualified'), activity_date: AS_OF - int(1, 90) * DAY });
  acts.sort((a, b) => a.activity_date - b.activity_date || (a.lead_id < b.lead_id ? -1 : 1));
  const rows = acts.map((a) => ({ ...a, activity_date: isoDate(a.activity_date) }));
  // Rows the reader must reject: no lead id; a date in US format (not ISO 8601).
  rows.splice(int(100, 300), 0, { lead_id: '', activity: 'email_open', activity_date: '2026-08-19', owner: 'hubspot', subject: 'Newsletter August' });
  const us = rows.filter((r) => r.activity === 'email_reply')[3];
  if (us) us.activity_date = us.activity_date.replace(/^(\d{4})-(\d{2})-(\d{2})$/, '$2/$3/$1');

  writeCsv('bant-services/leads.csv', ['lead_id', 'first_name', 'last_name', 'email', 'phone', 'company', 'job_title',
    'industry', 'employees', 'country', 'lead_source', 'need', 'budget_usd', 'authority', 'timeline', 'sdr', 'status',
    'created_at'], leads);
  writeCsv('bant-services/activities.csv', ['lead_id', 'activity', 'activity_date', 'owner', 'subject', 'outcome'], rows);
}

function bantActivity(persona) {
  const g = { sales_ready: 3, qualified: 1.8, partial: 1, new: 0.5 }[persona];
  const activity = weighted([['email_sent', 30], ['email_open', 25], ['email_reply', 4 * g], ['inbound_email', 1 * g],
    ['call', 10], ['meeting', 2 * g], ['content_download', 6], ['proposal_viewed', 0.3 * g * g], ['unsubscribe', persona === 'new' ? 2 : 0.4]]);
  const seq = () => `${pick(['Intro', 'Follow-up', 'Case study', 'Checking in', 'Next steps'])} - ${pick(['cloud', 'data', 'services'])} sequence`;
  switch (activity) {
    case 'meeting': return { activity, subject: pick(['Discovery call', 'Solution workshop', 'Scoping session', 'Intro meeting']), outcome: weighted([['held', 6], ['no_show', 1.5], ['rescheduled', 1]]) };
    case 'call': return { activity, subject: 'Call', outcome: weighted([['connected', 2], ['voicemail', 5], ['no_answer', 3]]) };
    case 'content_download': return { activity, subject: pick(['Cloud migration playbook', 'Cloud cost assessment checklist', 'Data platform buyer\'s guide', 'Case study: analytics for a regional bank', 'Whitepaper: modern data stack', 'Services overview']), owner: 'hubspot' };
    case 'proposal_viewed': return { activity, subject: `Proposal: ${pick(['cloud migration', 'data platform'])} v1` };
    case 'unsubscribe': return { activity, subject: 'Unsubscribed from all emails' };
    default: return { activity, subject: seq() };
  }
}

b2bSaas();
productLedTrial();
bantServices();
