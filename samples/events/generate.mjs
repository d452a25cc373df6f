#!/usr/bin/env node
// Generates a web event log the way analytics tools export it (see samples/events/README.md): one CSV
// per day, keyed by an anonymous client id, no leads file, and a JSON column with the event's
// properties. The header drifts between days as real exports do:
//   - days 1-5:   client_id, event_name, event_time, page_url, referrer, event_data
//   - days 6-9:   clientId (renamed), event_name, event_time, page_url, referrer, event_data
//   - days 10-14: event_time, clientId, event_name, page_url, event_data (referrer dropped, reordered)
// and the data is messy: empty client ids (no consent), cells of event_data that are not JSON
// (`(not set)`, `{revenue: 12}`, empty), revenue written as a number or as a string, nested objects
// and arrays. A small CRM list of known customers (customers.csv) goes with it.
//
//   node samples/events/generate.mjs                          # the bundled sample (~2,000 events)
//   node samples/events/generate.mjs --events 50000 --out /tmp/events-50k
//
// Plain Node ESM, no dependencies, deterministic (mulberry32 with a fixed seed): a re-run writes
// byte-identical files. Everything is relative to 2026-11-01T00:00:00Z, the as-of to score with; the
// 14 days are 2026-10-18 .. 2026-10-31.

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const AS_OF = Date.UTC(2026, 10, 1);
const DAY = 86_400_000;
const DAYS = 14;

function args() {
  const a = process.argv.slice(2);
  const o = { events: 2000, out: HERE, seed: 20261018 };
  for (let i = 0; i < a.length; i++) {
    if (a[i] === '--events') o.events = Number(a[++i]);
    else if (a[i] === '--out') o.out = a[++i];
    else if (a[i] === '--seed') o.seed = Number(a[++i]);
    else throw new Error(`unknown argument ${a[i]} (use --events N, --out DIR, --seed N)`);
  }
  if (!Number.isInteger(o.events) || o.events < 100) throw new Error('--events: a whole number >= 100');
  return o;
}

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

const opts = args();
const rand = mulberry32(opts.seed);
const chance = (p) => rand() < p;
const int = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));
const pick = (arr) => arr[Math.floor(rand() * arr.length)];
const hex = (n) => Array.from({ length: n }, () => '0123456789abcdef'[int(0, 15)]).join('');

function csvCell(v) {
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
const csvLine = (cells) => cells.map(csvCell).join(',') + '\n';

// ---------------------------------------------------------------------------------------------------
// The shop: pages, products, campaigns.

const PRODUCTS = [
  { id: 'SKU-101', name: 'Trail Runner 2', price: 119.9 },
  { id: 'SKU-102', name: 'Rain Shell', price: 189 },
  { id: 'SKU-103', name: 'Merino Tee', price: 39.5 },
  { id: 'SKU-104', name: 'Hiking Poles', price: 64 },
  { id: 'SKU-105', name: 'Camp Stove', price: 79.95 },
  { id: 'SKU-106', name: 'Down Jacket', price: 249 },
  { id: 'SKU-107', name: 'Socks (3 pack)', price: 19.9 },
  { id: 'SKU-108', name: 'Headlamp', price: 29 },
];
const CONTENT_PAGES = ['/', '/blog/packing-list', '/blog/trail-guide', '/about', '/stores', '/help/returns'];
const REFERRERS = ['https://www.google.com/', 'https://www.instagram.com/', 'https://news.example-mail.com/', '', '', 'https://www.bing.com/', 'https://duckduckgo.com/'];

// Clients: an archetype decides what they do.
const ARCHETYPES = [
  ['browser', 55],
  ['shopper', 20],
  ['buyer', 12],
  ['subscriber', 10],
  ['big_spender', 3],
];
function archetype() {
  let r = rand() * 100;
  for (const [name, w] of ARCHETYPES) {
    r -= w;
    if (r < 0) return name;
  }
  return 'browser';
}

const perClient = 8; // events per client on average (what the archetypes give)
const nClients = Math.max(20, Math.round(opts.events / perClient));
const clients = [];
const seen = new Set();
for (let i = 0; i < nClients; i++) {
  let id;
  do id = `c_${hex(8)}`;
  while (seen.has(id));
  seen.add(id);
  clients.push({ id, kind: archetype(), activeDays: [] });
}

// ---------------------------------------------------------------------------------------------------
// Events per client: a few sessions on random days, each a short path through the shop.

function itemOf(p, qty = 1) {
  return { item_id: p.id, item_name: p.name, item_price: p.price, quantity: qty };
}

function sessionEvents(c) {
  const out = [];
  const landing = chance(0.5) ? pick(CONTENT_PAGES) : `/products/${pick(PRODUCTS).id.toLowerCase()}`;
  const utm = c.kind === 'subscriber' && chance(0.6) ? { source: 'newsletter', medium: 'email', campaign: pick(['oct-sale', 'new-arrivals']) } : undefined;
  out.push({ type: 'page_view', url: landing, data: { page_title: landing === '/' ? 'Home' : landing, engaged_seconds: int(3, 240), ...(utm ? { utm } : {}) } });
  const views = int(0, 4);
  for (let v = 0; v < views; v++) {
    const p = pick(PRODUCTS);
    out.push({ type: 'page_view', url: `/products/${p.id.toLowerCase()}`, data: { page_title: p.name, engaged_seconds: int(3, 300) } });
  }
  if (chance(0.08)) out.push({ type: 'search', url: '/search', data: { search_term: pick(['jacket', 'stove', 'socks', 'rain']) } });
  if (chance(0.05)) out.push({ type: 'video_play', url: '/blog/trail-guide', data: { video_title: 'Trail guide', percent: int(5, 100) } });
  const shops = c.kind === 'shopper' || c.kind === 'buyer' || c.kind === 'big_spender';
  if (shops && chance(0.7)) {
    const basket = [];
    const n = c.kind === 'big_spender' ? int(2, 4) : int(1, 2);
    for (let k = 0; k < n; k++) {
      const p = pick(c.kind === 'big_spender' ? PRODUCTS.slice(0, 6) : PRODUCTS);
      basket.push(itemOf(p, chance(0.2) ? 2 : 1));
      out.push({ type: 'add_to_cart', url: `/products/${p.id.toLowerCase()}`, data: { items: [itemOf(p)], value: p.price } });
    }
    const value = Math.round(basket.reduce((s, it) => s + it.item_price * it.quantity, 0) * 100) / 100;
    if (c.kind !== 'shopper' || chance(0.3)) {
      out.push({ type: 'begin_checkout', url: '/checkout', data: { value, items: basket } });
      if (c.kind !== 'shopper' && chance(0.75)) {
        // some shop systems write the revenue as a string
        const revenue = chance(0.15) ? value.toFixed(2) : value;
        out.push({ type: 'purchase', url: '/checkout/thank-you', data: { transaction_id: `T-${hex(6)}`, revenue, currency: 'EUR', items: basket, shipping: { method: pick(['standard', 'express']), cost: value >= 100 ? 0 : 4.9 } } });
      }
    }
  }
  if ((c.kind === 'subscriber' && chance(0.4)) || chance(0.02)) {
    out.push({ type: 'newsletter_signup', url: '/newsletter', data: { list: 'weekly' } });
  }
  if (chance(0.03)) out.push({ type: 'page_view', url: '/pricing/gift-cards', data: { page_title: 'Gift cards', engaged_seconds: int(5, 60) } });
  return out;
}

const byDay = Array.from({ length: DAYS }, () => []);
for (const c of clients) {
  const sessions = c.kind === 'browser' ? int(1, 2) : int(1, 4);
  for (let s = 0; s < sessions; s++) {
    const day = int(0, DAYS - 1);
    let t = AS_OF - (DAYS - day) * DAY + int(6 * 3600, 23 * 3600) * 1000;
    const referrer = s === 0 ? pick(REFERRERS) : '';
    for (const e of sessionEvents(c)) {
      t += int(5, 180) * 1000;
      const d = Math.min(DAYS - 1, day + Math.floor((t - (AS_OF - (DAYS - day) * DAY)) / DAY));
      byDay[d].push({ client: c.id, t, referrer, ...e });
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Write one file per day, with the drifting header and the messes.

function eventData(e) {
  // non-JSON cells, as exports write unset or mangled properties
  const r = rand();
  if (e.type === 'page_view' && r < 0.03) return '(not set)';
  if (e.type === 'page_view' && r < 0.05) return '';
  if (e.type === 'purchase' && r < 0.04) return `{revenue: ${e.data.revenue}}`; // not JSON: keys unquoted
  return JSON.stringify(e.data);
}

const iso = (t) => new Date(t).toISOString().replace('.000Z', 'Z');
mkdirSync(join(opts.out, 'raw'), { recursive: true });
let total = 0;
let emptyIds = 0;
for (let d = 0; d < DAYS; d++) {
  const events = byDay[d].sort((a, b) => a.t - b.t || (a.client < b.client ? -1 : a.client > b.client ? 1 : 0));
  const date = new Date(AS_OF - (DAYS - d) * DAY).toISOString().slice(0, 10);
  const renamed = d >= 5;
  const dropped = d >= 9;
  const header = dropped
    ? ['event_time', 'clientId', 'event_name', 'page_url', 'event_data']
    : [renamed ? 'clientId' : 'client_id', 'event_name', 'event_time', 'page_url', 'referrer', 'event_data'];
  let text = csvLine(header);
  for (const e of events) {
    // about 1% of the events have no client id (the visitor declined analytics cookies)
    const id = chance(0.01) ? '' : e.client;
    if (!id) emptyIds++;
    const cells = { client_id: id, clientId: id, event_name: e.type, event_time: iso(e.t), page_url: `https://shop.example.com${e.url}`, referrer: e.referrer, event_data: eventData(e) };
    text += csvLine(header.map((h) => cells[h]));
    total++;
  }
  writeFileSync(join(opts.out, 'raw', `events_${date}.csv`), text);
}

// A CRM list of known customers: a third of the clients who bought or subscribed, and a few without
// any web events in these two weeks.
const known = clients.filter((c) => c.kind !== 'browser' && chance(0.5));
const customers = ['client_id,email,plan,country,first_order_at'];
for (const c of known) {
  customers.push([c.id, `${c.id.slice(2)}@mail.example.org`, pick(['member', 'member', 'plus']), pick(['DE', 'NL', 'AT', 'CH', 'FR']), new Date(AS_OF - int(30, 900) * DAY).toISOString().slice(0, 10)].join(','));
}
for (let k = 0; k < 5; k++) customers.push([`c_${hex(8)}`, `old${k}@mail.example.org`, 'member', 'DE', '2024-03-01'].join(','));
writeFileSync(join(opts.out, 'customers.csv'), customers.join('\n') + '\n');

process.stderr.write(`wrote ${DAYS} daily files with ${total} events (${emptyIds} without a client id) for ${nClients} clients, and ${customers.length - 1} customers, to ${opts.out}\n`);
