// Ids round-trip (issue 13 item 2) and header cells are guarded (issue 16 item 5): the formula guard
// never changes a join key (the lead id, account keys), --previous recognises ids written with or
// without the guard, and a header cell that starts like a formula is neutralised like any other cell.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { leadscore, readCsv, tempDir } from '../helpers/cli.js';
// @ts-expect-error: a plain ESM generator without type declarations
import { generate } from '../fixtures/crm-export/generate.mjs';
import { guardCell, unguardPreviousIds } from '../../src/core/formula.js';

const AS_OF = '2026-03-15T18:00:00Z';

describe('ids that start with + - = @ round-trip', () => {
  const dir = tempDir();
  const facts = generate({ out: dir, leads: 400, seed: 11, formulaIds: 0.5 }) as { ids: string[] };
  const model = join(dir, 'model.yaml');
  const night = (out: string, extra: string[] = []) =>
    leadscore(['score', '-m', model, '-l', join(dir, 'mqls.csv'), '-a', join(dir, 'activities.csv'), '--as-of', AS_OF, '-o', out, '-q', ...extra]);
  const n1 = join(dir, 'night1');
  const n2 = join(dir, 'night2');
  const r1 = night(n1);
  const r2 = night(n2, ['--previous', join(n1, 'scored.csv'), '--handoff-band', 'warm']);

  it('the generator made ids of each kind', () => {
    for (const p of ['+', '-', '=', '@']) expect(facts.ids.some((id) => id.startsWith(p)), p).toBe(true);
  });

  it('scored.csv, the band files and crossed.csv keep the ids as they were read', () => {
    expect(r1.code, r1.stderr).toBe(0);
    expect(r2.code, r2.stderr).toBe(0);
    const ids = new Set(facts.ids);
    for (const f of ['scored.csv', 'band-hot.csv', 'band-warm.csv', 'band-cool.csv', 'band-cold.csv']) {
      for (const row of readCsv(join(n1, f))) expect(ids.has(row.mql_id!), `${f}: ${row.mql_id}`).toBe(true);
    }
    expect(readCsv(join(n1, 'scored.csv')).map((x) => x.mql_id).sort()).toEqual([...facts.ids].sort());
  });

  it('two identical nights: change = same for every lead, crossed.csv has no row', () => {
    const rows = readCsv(join(n2, 'scored.csv'));
    expect(rows).toHaveLength(400);
    expect(rows.filter((x) => x.change !== 'same').map((x) => x.mql_id)).toEqual([]);
    expect(readCsv(join(n2, 'crossed.csv'))).toEqual([]);
    const s = JSON.parse(readFileSync(join(n2, 'summary.json'), 'utf8')) as { changes: { matched: number; new: number; crossed: number } };
    expect(s.changes).toMatchObject({ matched: 400, new: 0, crossed: 0 });
  });

  it('--previous recognises ids written with the guard (a scored.csv of an older version)', () => {
    // yesterday's file as the guard used to write it: '+abc for +abc
    const old = readFileSync(join(n1, 'scored.csv'), 'utf8').split('\n');
    const guarded = [old[0], ...old.slice(1).map((l) => (l ? guardCell(l.split(',')[0]!) + l.slice(l.indexOf(',')) : l))].join('\n');
    expect(guarded).toMatch(/\n'[+=@-]/);
    const prev = join(dir, 'guarded-scored.csv');
    writeFileSync(prev, guarded);
    const n3 = join(dir, 'night3');
    const r3 = night(n3, ['--previous', prev, '--handoff-band', 'warm']);
    expect(r3.code, r3.stderr).toBe(0);
    expect(readCsv(join(n3, 'scored.csv')).filter((x) => x.change !== 'same')).toEqual([]);
    expect(readCsv(join(n3, 'crossed.csv'))).toEqual([]);
  });

  it('other cells are still guarded', () => {
    const rows = readCsv(join(n1, 'scored.csv'));
    // the email column is made from the id's letters only: no formula; the reasons keep their sign
    expect(rows.some((x) => x.reasons!.startsWith("'"))).toBe(false);
  });
});

describe('unguardPreviousIds: only when unambiguous', () => {
  const prev = new Map([["'+a", 1], ["'=b", 2], ['=b', 3], ["'-c", 4], ["'5", 5], ["'-5", 6]]);
  it('strips the guard prefix of an id the guard would have made', () => {
    const m = unguardPreviousIds(prev, () => false);
    expect(m.get('+a')).toBe(1);
    expect(m.has("'+a")).toBe(false);
    // both '=b and =b in the previous file: each stays as it is
    expect(m.get('=b')).toBe(3);
    expect(m.get("'=b")).toBe(2);
    // '5 and '-5 are not what the guard writes (5 and -5 are plain numbers): unchanged
    expect(m.get("'5")).toBe(5);
    expect(m.get("'-5")).toBe(6);
    expect(m.size).toBe(prev.size);
  });
  it('keeps the exact id when today has a lead whose id starts with the quote', () => {
    const m = unguardPreviousIds(prev, (id) => id === "'-c");
    expect(m.get("'-c")).toBe(4);
    expect(m.has('-c')).toBe(false);
  });
});

describe('header cells are guarded too (issue 16 item 5)', () => {
  it('a header =HYPERLINK(...) is neutralised in scored.csv, the band files and crossed.csv; --previous still reads the file', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'm.yaml'), 'version: 1\nname: m\ninput: { leads: { id: id } }\nfit: { rules: [ { id: p, field: pts, ranges: [ { min: 50, points: 60 }, { min: 0, points: 0 } ] } ] }\nbands: [ { name: hot, min: 50 }, { name: cold } ]\n');
    writeFileSync(join(dir, 'l1.csv'), 'id,pts,"=HYPERLINK(""http://x.example"",""y"")",@cmd\n+a1,0,x,y\nb2,60,x,y\n');
    writeFileSync(join(dir, 'l2.csv'), 'id,pts,"=HYPERLINK(""http://x.example"",""y"")",@cmd\n+a1,60,x,y\nb2,60,x,y\n');
    const a = join(dir, 'a');
    const b = join(dir, 'b');
    expect(leadscore(['score', '-m', join(dir, 'm.yaml'), '-l', join(dir, 'l1.csv'), '-o', a, '-q']).code).toBe(0);
    const r = leadscore(['score', '-m', join(dir, 'm.yaml'), '-l', join(dir, 'l2.csv'), '-o', b, '-q', '--previous', join(a, 'scored.csv'), '--handoff-band', 'hot']);
    expect(r.code, r.stderr).toBe(0);
    for (const f of ['scored.csv', 'band-hot.csv', 'band-cold.csv', 'crossed.csv']) {
      const header = readFileSync(join(b, f), 'utf8').split('\n')[0]!;
      expect(header, f).toBe(`id,pts,"'=HYPERLINK(""http://x.example"",""y"")",'@cmd,rank,score,band,grade,fit,engagement,flags,reasons,previous_score,previous_band,change`);
    }
    const crossed = readCsv(join(b, 'crossed.csv'));
    expect(crossed.map((x) => x.id)).toEqual(['+a1']);
    expect(crossed[0]!.change).toBe('up');
    const off = join(dir, 'off');
    expect(leadscore(['score', '-m', join(dir, 'm.yaml'), '-l', join(dir, 'l1.csv'), '-o', off, '-q', '--no-formula-guard']).code).toBe(0);
    expect(readFileSync(join(off, 'scored.csv'), 'utf8').split('\n')[0]).toMatch(/^id,pts,"=HYPERLINK/);
  });
});
