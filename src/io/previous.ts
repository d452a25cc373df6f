// --previous: yesterday's scored.csv, read back as lead id -> score and band.
import { CsvOpenError, openCsv } from './csv-reader.js';
import { InputError } from './errors.js';
import type { PreviousLead } from '../core/report/changes.js';
import { columnMatcher } from '../core/columns.js';
import { closest } from '../core/text.js';
import { detach } from '../core/value.js';
import { unguardCell } from '../core/formula.js';

export async function readPrevious(path: string, idColumn: string): Promise<Map<string, PreviousLead>> {
  let file;
  try {
    file = await openCsv(path);
  } catch (e) {
    if (e instanceof CsvOpenError) throw new InputError(e.code, `--previous: ${e.message}`, path);
    throw e;
  }
  // a header cell the formula guard wrote as `'=x` is matched as `=x` (unless `=x` is there too)
  const trimmed = file.header.map((h) => h.trim());
  const m = columnMatcher(trimmed.map((h) => {
    const u = unguardCell(h);
    return u !== undefined && !trimmed.includes(u) ? u : h;
  }));
  const need = (name: string, what: string): number => {
    const i = m(name);
    if (i >= 0) return i;
    file.close();
    const near = closest(name, file.header);
    throw new InputError(
      'LS111',
      `--previous: column "${name}" (${what}) is not in the header`,
      path,
      file.headerLine,
      `give a scored.csv written by leadscore score with this model${near.length ? `; closest columns: ${near.map((x) => `"${x}"`).join(', ')}` : ''}`,
    );
  };
  const idi = need(idColumn, 'the lead id');
  const si = need('score', 'the score');
  const bi = need('band', 'the band');
  const out = new Map<string, PreviousLead>();
  for await (const batch of file.batches(() => undefined)) {
    for (const r of batch) {
      const id = (r.fields[idi] ?? '').trim();
      const score = Number(r.fields[si]);
      if (!id || Number.isNaN(score) || out.has(id)) continue;
      out.set(detach(id), { score, band: detach((r.fields[bi] ?? '').trim()) });
    }
  }
  return out;
}
