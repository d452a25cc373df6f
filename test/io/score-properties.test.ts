// Property tests of the whole pipeline (fast-check): row order never changes a score or a rank,
// every score lies in [0, 100], and every input row is accounted for.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadModelFile } from '../../src/io/model-file.js';
import { runScore } from '../../src/cli/ports.js';
import { readCsv, tempDir } from '../helpers/cli.js';
import { csvLine } from '../../src/io/csv-writer.js';

const AS_OF = Date.parse('2026-11-01T00:00:00Z');
const loaded = await loadModelFile('models/b2b-saas.yaml');
const model = loaded.result.value!;

const titles = ['CEO', 'IT Director', 'Marketing Manager', 'Engineer', '', 'Select', 'chief of staff', '=cmd'];
const departments = ['IT', 'finance', ' Marketing ', 'HR', '', 'N/A'];
const emails = ['a@acme.com', 'b@gmail.com', 'x@mailinator.com', 'broken', '', 'c@sub.yahoo.com'];
const types = ['email_open', 'form_submit', 'webinar_attended', 'page_view', 'demo_request', 'unsubscribe', 'chat_started', ''];
const details = ['/pricing', '/blog/x', '', '/PRICING/enterprise'];

const leadArb = fc.record({
  title: fc.constantFrom(...titles),
  department: fc.constantFrom(...departments),
  employees: fc.oneof(fc.integer({ min: 0, max: 20_000 }).map(String), fc.constantFrom('', 'many', '1,200')),
  email: fc.constantFrom(...emails),
  first: fc.constantFrom('Ana', 'test', 'Bo', ''),
});
const activityArb = (nLeads: number) =>
  fc.record({
    lead: fc.integer({ min: 0, max: nLeads + 2 }), // a few orphans
    type: fc.constantFrom(...types),
    days: fc.double({ min: -5, max: 500, noNaN: true }),
    detail: fc.constantFrom(...details),
    badTime: fc.integer({ min: 0, max: 19 }).map((n) => n === 0),
  });

const caseArb = fc
  .array(leadArb, { minLength: 1, maxLength: 30 })
  .chain((leads) => fc.tuple(fc.constant(leads), fc.array(activityArb(leads.length), { maxLength: 120 })));

type Lead = { title: string; department: string; employees: string; email: string; first: string };
type Act = { lead: number; type: string; days: number; detail: string; badTime: boolean };

function write(dir: string, leads: Lead[], acts: Act[], order: (n: number) => number[]) {
  const lp = join(dir, 'leads.csv');
  const ap = join(dir, 'activities.csv');
  const lo = order(leads.length);
  writeFileSync(
    lp,
    csvLine(['lead_id', 'first_name', 'email', 'job_title', 'department', 'employees'], false) +
      lo.map((i) => { const l = leads[i]!; return csvLine([`L${i}`, l.first, l.email, l.title, l.department, l.employees], false); }).join(''),
  );
  const ao = order(acts.length);
  writeFileSync(
    ap,
    csvLine(['lead_id', 'activity_type', 'occurred_at', 'detail'], false) +
      ao.map((i) => {
        const a = acts[i]!;
        const at = a.badTime ? 'not a date' : new Date(AS_OF - Math.round(a.days * 86_400_000)).toISOString();
        return csvLine([`L${a.lead}`, a.type, at, a.detail], false);
      }).join(''),
  );
  return { lp, ap };
}

async function score(dir: string, lp: string, ap: string) {
  const res = await runScore({ model, modelPath: 'm', modelSha256: loaded.sha256, leads: lp, activities: [ap], outDir: join(dir, 'out'), asOfMs: AS_OF, version: 't' });
  return { summary: res.summary, rows: readCsv(join(dir, 'out', 'scored.csv')) };
}

describe('pipeline properties', () => {
  it('any row order gives the same scores and ranks; scores lie in [0, 100]; rows are accounted for', async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, fc.integer(), async ([leads, acts], seed) => {
        const dir = tempDir();
        const a = write(dir, leads, acts, (n) => [...Array(n).keys()]);
        const first = await score(dir, a.lp, a.ap);
        let s = seed;
        const shuffle = (n: number) => {
          const idx = [...Array(n).keys()];
          for (let i = n - 1; i > 0; i--) {
            s = (s * 1103515245 + 12345) & 0x7fffffff;
            const j = s % (i + 1);
            [idx[i], idx[j]] = [idx[j]!, idx[i]!];
          }
          return idx;
        };
        const dir2 = tempDir();
        const b = write(dir2, leads, acts, shuffle);
        const second = await score(dir2, b.lp, b.ap);
        const key = (r: Record<string, string>) => `${r.lead_id}|${r.rank}|${r.score}|${r.band}|${r.grade}|${r.fit}|${r.engagement}`;
        expect(second.rows.map(key)).toEqual(first.rows.map(key));
        for (const r of first.rows) {
          expect(Number(r.score)).toBeGreaterThanOrEqual(0);
          expect(Number(r.score)).toBeLessThanOrEqual(100);
        }
        const c = first.summary.counts;
        expect(c.leads_read).toBe(leads.length);
        expect(c.leads_read).toBe(c.scored + c.rejected);
        expect(c.activities_read).toBe(acts.length);
        expect(c.activities_read).toBe(c.activities_used + c.activities_ignored.after_as_of + c.activities_ignored.outside_window + c.activities_ignored.orphan + c.activities_rejected);
        const rejects = readCsv(join(dir, 'out', 'rejects.csv'));
        expect(rejects.length).toBe(c.rejected + c.activities_rejected);
      }),
      { numRuns: 40 },
    );
  });
});
