#!/usr/bin/env node
// Sample data for models/email-engagement.yaml: an email-marketing export where security scanners at
// some companies open and click every link within seconds of delivery (the bot filter's job).
// Deterministic: `node samples/email/generate.mjs` rewrites leads.csv and activities.csv byte for byte.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
let seed = 20261101;
const rnd = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = (a) => a[Math.floor(rnd() * a.length)];
const AS_OF = Date.parse('2026-11-01T00:00:00Z');
const iso = (ms) => new Date(ms).toISOString().replace('.000Z', 'Z');

const companies = ['northwind.com', 'contoso.com', 'fabrikam.io', 'adatum.net', 'tailspin.co', 'litware.com', 'proseware.org', 'wingtip.com'];
// mail to these goes through a link scanner that follows this many links of every email
const scanned = new Map([['contoso.com', 1], ['adatum.net', 4], ['litware.com', 2]]);
const titles = ['Marketing Manager', 'IT Director', 'CFO', 'Developer', 'Operations Lead', 'Head of Sales'];
const leads = [['lead_id', 'name', 'email', 'job_title', 'company']];
for (let i = 1; i <= 120; i++) {
  const domain = pick(companies);
  leads.push([`E${String(i).padStart(4, '0')}`, `Person ${i}`, `person${i}@${domain}`, pick(titles), domain.split('.')[0]]);
}

const campaigns = ['2026-09-newsletter', '2026-10-webinar', '2026-10-pricing', '2026-10-case-study'];
const acts = [];
for (const [id, , email] of leads.slice(1)) {
  const domain = email.split('@')[1];
  for (const campaign of campaigns) {
    const sent = AS_OF - Math.floor(5 + rnd() * 55) * 86_400_000 + Math.floor(rnd() * 36_000_000);
    acts.push([id, 'email_delivered', iso(sent), campaign, '']);
    if (scanned.has(domain)) {
      // the scanner: an open and clicks within two seconds of delivery
      acts.push([id, 'email_open', iso(sent + 800), campaign, '']);
      for (let k = 0; k < scanned.get(domain); k++) acts.push([id, 'email_click', iso(sent + 1000 + k * 250), campaign, `/link/${k}`]);
    }
    if (rnd() < 0.45) {
      // a person: an open hours later, sometimes a click a minute after it
      const open = sent + Math.floor(1 + rnd() * 20) * 3_600_000;
      acts.push([id, 'email_open', iso(open), campaign, '']);
      if (rnd() < 0.4) acts.push([id, 'email_click', iso(open + 60_000 + Math.floor(rnd() * 120_000)), campaign, pick(['/pricing', '/blog/launch', '/webinar'])]);
    }
  }
  if (rnd() < 0.2) acts.push([id, 'page_view', iso(AS_OF - Math.floor(rnd() * 20) * 86_400_000), '', '/pricing']);
  if (rnd() < 0.08) acts.push([id, 'demo_request', iso(AS_OF - Math.floor(rnd() * 30) * 86_400_000), '', '/demo']);
}
acts.sort((a, b) => (a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0)); // exports list activities in time order
const csv = (rows) => rows.map((r) => r.join(',')).join('\n') + '\n';
writeFileSync(join(here, 'leads.csv'), csv(leads));
writeFileSync(join(here, 'activities.csv'), csv([['lead_id', 'activity_type', 'occurred_at', 'campaign', 'url'], ...acts]));
console.log(`wrote ${leads.length - 1} leads and ${acts.length} activities to ${here}`);
